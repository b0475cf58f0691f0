#!/usr/bin/env python3
"""Side-by-side throughput: Precis's JSONL CLI vs the Python tools a user
would pick instead (pySBD, sentencex, summa TextRank), single thread each,
on the same articles.

Usage: scripts/bench_compare.sh  (sets up a throwaway venv and calls this)
       python3 scripts/bench_compare.py PRECIS_BINARY [CORPUS.jsonl] [--repeat N] [--rounds N]

The corpus is JSONL with a "text" key per line. Default: the CNN/DailyMail
dev articles in ../shared/data/summarization/ when present (read only, never
copied), else examples/seed_article.txt. Prints a table and a JSON line.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def load_corpus(path):
    texts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                texts.append(json.loads(line)["text"])
    return texts


def python_pass(fn, texts, repeat):
    """A timer: one pass of `fn` over `repeat` x `texts`, in seconds."""
    def run():
        start = time.perf_counter()
        for _ in range(repeat):
            for text in texts:
                fn(text)
        return time.perf_counter() - start
    fn(texts[0])  # warm-up: lazy imports, regex compilation
    return run


def run_precis(binary, command, path):
    # One job: the comparison is single thread against single thread (the
    # script runs pinned to one core anyway, which makes one the default).
    with open(path, "rb") as stdin:
        start = time.perf_counter()
        subprocess.run([binary, command, "--jsonl", "--jobs", "1"], stdin=stdin,
                       stdout=subprocess.DEVNULL, check=True)
        return time.perf_counter() - start


def precis_runs(binary, command, texts, repeat, extra, tmp):
    """Two timers: a whole `precis COMMAND --jsonl` run over all documents,
    and the warm-up that the Python tools get for free in `python_pass`
    (process start-up, lazy data such as regex compilation, and the first
    document): a run over the first document alone."""
    paths = {}
    for name, rows in (("all", [(r, i, t) for r in range(repeat) for i, t in enumerate(texts)]),
                       ("first", [(0, 0, texts[0])])):
        paths[name] = os.path.join(tmp, f"{command}-{name}.jsonl")
        with open(paths[name], "w", encoding="utf-8") as f:
            for r, i, text in rows:
                row = {"id": f"{r}-{i}", "text": text, "lang": "en"}
                row.update(extra)
                f.write(json.dumps(row) + "\n")
    run_precis(binary, command, paths["all"])  # page cache
    return (lambda: run_precis(binary, command, paths["all"]),
            lambda: run_precis(binary, command, paths["first"]))


def fastest(timers, rounds):
    """The fastest of `rounds` runs of each timer. Rounds go through all the
    timers in turn, so a slow spell on a shared machine slows one run of
    every tool instead of every run of one tool."""
    best = {name: float("inf") for name in timers}
    for _ in range(rounds):
        for name, timer in timers.items():
            best[name] = min(best[name], timer())
    return best


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_corpus = os.path.join(here, "..", "..", "shared", "data", "summarization", "cnndm_frank_dev.jsonl")
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("corpus", nargs="?", default=default_corpus)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5,
                        help="timed passes per tool; the fastest counts")
    args = parser.parse_args()
    if os.path.exists(args.corpus):
        texts = load_corpus(args.corpus)
        corpus_name = os.path.basename(args.corpus)
    else:
        texts = [open(os.path.join(here, "..", "examples", "seed_article.txt"), encoding="utf-8").read()]
        corpus_name = "examples/seed_article.txt"
    n_docs = len(texts) * args.repeat
    megabytes = sum(len(t.encode("utf-8")) for t in texts) * args.repeat / 1e6

    import pysbd
    import sentencex
    from summa import summarizer

    pysbd_segmenter = pysbd.Segmenter(language="en", clean=False)
    rows = []

    def add(tool, task, seconds, repeat_factor=1.0):
        docs = n_docs * repeat_factor
        rows.append({
            "tool": tool,
            "task": task,
            "docs": docs,
            "seconds": round(seconds, 3),
            "docs_per_s": round(docs / seconds, 1),
            "mb_per_s": round(megabytes * repeat_factor / seconds, 3),
        })

    # pySBD is ~1000x slower: time it once on one pass and scale per document.
    pysbd_seconds = python_pass(pysbd_segmenter.segment, texts, 1)()
    add("pySBD 0.3", "segment", pysbd_seconds, 1 / args.repeat)
    commands = (("segment", {}), ("summarize", {"max_sentences": 3}), ("process", {"max_sentences": 3}))
    with tempfile.TemporaryDirectory() as tmp:
        timers = {
            "sentencex": python_pass(lambda t: list(sentencex.segment("en", t)), texts, args.repeat),
            "summa": python_pass(lambda t: summarizer.summarize(t, ratio=0.2), texts, 1),
        }
        for command, extra in commands:
            total, first = precis_runs(args.binary, command, texts, args.repeat, extra, tmp)
            timers[command] = total
            timers[command + " first"] = first
        best = fastest(timers, args.rounds)
    add("sentencex", "segment", best["sentencex"])
    add("summa TextRank", "summarize", best["summa"], 1 / args.repeat)
    # Precis twice: steady state (warm-up excluded, as for the Python tools:
    # (all - first document) / (n - 1) documents) and whole runs including
    # process start-up and regex compilation.
    for command, _ in commands:
        total, warm_up = best[command], best[command + " first"]
        steady_factor = (n_docs - 1) / n_docs
        add(f"precis {command} --jsonl", command, total - warm_up, steady_factor)
        add(f"precis {command} (with start-up)", command, total)

    by_tool = {r["tool"]: r for r in rows}
    seg = by_tool["precis segment --jsonl"]["docs_per_s"]
    summ = by_tool["precis summarize --jsonl"]["docs_per_s"]
    ratios = {
        "segment_vs_sentencex": round(seg / by_tool["sentencex"]["docs_per_s"], 2),
        "segment_vs_pysbd": round(seg / by_tool["pySBD 0.3"]["docs_per_s"], 1),
        "summarize_vs_summa_textrank": round(summ / by_tool["summa TextRank"]["docs_per_s"], 1),
        "with_start_up": {
            "segment_vs_sentencex": round(by_tool["precis segment (with start-up)"]["docs_per_s"]
                                          / by_tool["sentencex"]["docs_per_s"], 2),
            "summarize_vs_summa_textrank": round(by_tool["precis summarize (with start-up)"]["docs_per_s"]
                                                 / by_tool["summa TextRank"]["docs_per_s"], 1),
        },
    }
    print(f"corpus: {corpus_name}, {len(texts)} articles x {args.repeat} ({megabytes:.2f} MB), single thread each")
    print(f"{'tool':34} {'task':10} {'docs/s':>10} {'MB/s':>9}")
    for r in rows:
        print(f"{r['tool']:34} {r['task']:10} {r['docs_per_s']:>10} {r['mb_per_s']:>9}")
    print("ratios:", ratios)
    print(json.dumps({"corpus": corpus_name, "rows": rows, "ratios": ratios}))


if __name__ == "__main__":
    sys.exit(main())
