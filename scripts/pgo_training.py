#!/usr/bin/env python3
"""The training run of a profile-guided build (scripts/pgo_build.sh), and the
check that the build answers as the plain one.

Runs an instrumented `precis` over texts from the repository only, in every
script the tests and benches carry (English, Chinese, Thai, Vietnamese, Khmer,
Indonesian, the nine of data/warm_up.txt and the 23 languages of the Golden
Rules), through the JSONL commands and through the gRPC server, so that the
profile covers what a deployment runs and not one article:

- `segment --jsonl` on the Golden Rules cases;
- `summarize`, `process` and `prepare --jsonl` on every article, with the
  defaults, a ratio budget, a DeepL package with renditions and a glossary,
  and an AWS summary package; the HTML and Markdown samples with their
  content types;
- the server, driven by the in-repo tonic client (examples/loadgen) with
  Process on each article for the same time (so no language outweighs the
  others), then GetInfo; stopped with SIGTERM, so the profile is written.

Usage: pgo_training.py INSTRUMENTED_PRECIS LOADGEN [SECONDS_PER_ARTICLE]
       pgo_training.py --compare PRECIS_A PRECIS_B
The second form exits non-zero unless two builds answer byte for byte the
same: the four document commands on the texts above, and on the first 300
lines of each data set under ../shared/data when it is there (not used for
training), once with their language hints and once without (detection).
"""

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (path, language hint or None, content type or None)
ARTICLES = [
    ("examples/seed_article.txt", None, None),
    ("benches/data/news_5kb_en.txt", None, None),
    ("benches/data/zh_article.txt", None, None),
    ("benches/data/th_article.txt", None, None),
    ("tests/data/translation/vi.txt", None, None),
    ("tests/data/translation/km.txt", None, None),
    ("tests/data/translation/th.txt", None, None),
    ("tests/data/translation/zh.txt", None, None),
    ("tests/data/translation/id.md", "id", "text/markdown"),
    ("tests/data/translation/en.html", "en", "text/html"),
]


def warm_up_texts():
    """The per-script texts of data/warm_up.txt: (language, text)."""
    for line in (ROOT / "data/warm_up.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "\t" in line:
            lang, text = line.split("\t", 1)
            yield lang, text


def document_lines():
    """JSONL request lines for the document commands: each text four ways."""
    texts = [(path, (ROOT / path).read_text(encoding="utf-8"), lang, content_type)
             for path, lang, content_type in ARTICLES]
    texts += [(f"warm_up/{i}", text, lang, None)
              for i, (lang, text) in enumerate(warm_up_texts())]
    for name, text, lang, content_type in texts:
        base = {"id": name, "text": text}
        if lang:
            base["lang"] = lang
        if content_type:
            base["content_type"] = content_type
        yield base
        yield {**base, "id": name + "/ratio", "ratio": 0.5}
        yield {
            **base,
            "id": name + "/package",
            "target_langs": ["vi", "th"],
            "engine": "deepl",
            "formats": ["xliff-2.1", "jsonl"],
            "glossary": [{"term": "ASEAN", "translations": {"vi": "ASEAN"}}],
            "max_words": 60,
        }
        yield {**base, "id": name + "/aws", "target_langs": ["km"], "engine": "aws",
               "scope": "summary"}


def golden_rules():
    path = ROOT / "tests/data/golden_rules.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run_cli(precis, command, lines):
    """The answer lines of `precis COMMAND --jsonl` for these request lines."""
    data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    out = subprocess.run([precis, command, "--jsonl"], input=data.encode(), check=True,
                         stdout=subprocess.PIPE).stdout
    answers = out.decode().splitlines()
    if len(answers) != len(lines):
        sys.exit(f"{command}: {len(answers)} answers to {len(lines)} lines")
    return answers


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_server(precis, loadgen, seconds):
    host, port = "127.0.0.1", free_port()
    addr = f"{host}:{port}"
    server = subprocess.Popen([precis, "serve", "--listen", addr], stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection((host, port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        for path, _, _ in ARTICLES:
            subprocess.run([loadgen, "--addr", addr, "--rpc", "process", "--text",
                            str(ROOT / path), "--concurrency", "8", "--seconds", seconds],
                           check=True, stdout=subprocess.DEVNULL)
        subprocess.run([loadgen, "--addr", addr, "--rpc", "get-info", "--concurrency", "8",
                        "--seconds", seconds], check=True, stdout=subprocess.DEVNULL)
    finally:
        server.send_signal(signal.SIGTERM)
        if server.wait(timeout=60) != 0:
            sys.exit(f"server exited with {server.returncode}")


def shared_data_sets(hints=True):
    """The first 300 lines of each evaluation data set beside the checkout,
    with their language hints or (`hints=False`) without, so that the
    language is detected."""
    shared = ROOT.parent / "shared/data"
    for path in sorted(shared.glob("*/*.jsonl")) if shared.is_dir() else []:
        with open(path, encoding="utf-8") as f:
            lines = [json.loads(line) for _, line in zip(range(300), f)]
        requests = [{**line, "id": str(line.get("id", i))} for i, line in enumerate(lines)]
        if not hints:
            requests = [{k: v for k, v in r.items() if k != "lang"} for r in requests]
        yield path.name + ("" if hints else " without hints"), requests


def compare(a, b):
    """Exits non-zero unless builds `a` and `b` answer every line identically;
    names each set and command where they differ, with how many lines do."""
    sets = [("golden_rules", golden_rules()), ("repository texts", list(document_lines())),
            *shared_data_sets(), *shared_data_sets(hints=False)]
    lines, differ = 0, []
    for name, requests in sets:
        for command in ("segment", "summarize", "prepare", "process"):
            answers = zip(run_cli(a, command, requests), run_cli(b, command, requests))
            n = sum(x != y for x, y in answers)
            if n:
                differ.append(f"{command} on {name}: {n} of {len(requests)} answers differ")
            lines += len(requests)
    if differ:
        sys.exit("the two builds answer differently:\n" + "\n".join(differ))
    print(f"identical: {lines} answers ({len(sets)} sets x 4 commands)")


def main():
    if sys.argv[1] == "--compare":
        compare(sys.argv[2], sys.argv[3])
        return
    precis, loadgen = sys.argv[1], sys.argv[2]
    seconds = sys.argv[3] if len(sys.argv) > 3 else "1"
    golden = golden_rules()
    run_cli(precis, "segment", golden)
    documents = list(document_lines())
    for command in ("summarize", "process", "prepare"):
        run_cli(precis, command, documents)
    run_server(precis, loadgen, seconds)
    print(f"trained on {len(golden)} segmentation cases, {len(documents)} documents x 3 "
          f"commands, and the server ({len(ARTICLES)} articles x {seconds} s)")


if __name__ == "__main__":
    main()
