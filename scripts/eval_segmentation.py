#!/usr/bin/env python3
"""Boundary F1 of `precis segment --jsonl` on the segmentation dev sets.

Usage:
    python3 scripts/eval_segmentation.py [--data DIR] [--scorer PATH]
                                         [--bin PATH] [--no-build] [--errors N SET]

Builds the eval binary (`cargo build --profile eval`), runs
`precis segment --jsonl` over every dev set in DIR (default
../shared/data/segmentation, i.e. /work/shared/... beside the checkout), turns
the response's sentence objects into the plain strings the scorer reads
(`{"id", "sentences": [text, ...]}`) and scores each set with
`python3 seg_eval.py GOLD PRED --quiet`. Prints a Markdown table.
Nothing is written into the repository (predictions go to a temp dir).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (row label, file, extra scorer args)
ROWS = [
    ("ud_dev_en_ewt", "ud_dev_en_ewt.jsonl", []),
    ("ud_dev_en_gum", "ud_dev_en_gum.jsonl", []),
    ("ud_dev_zh_gsdsimp", "ud_dev_zh_gsdsimp.jsonl", []),
    ("ud_dev_ja_gsd", "ud_dev_ja_gsd.jsonl", []),
    ("ud_dev_vi_vtb", "ud_dev_vi_vtb.jsonl", []),
    ("ud_dev_id_gsd", "ud_dev_id_gsd.jsonl", []),
    ("ud_dev_de_gsd", "ud_dev_de_gsd.jsonl", []),
    ("ud_dev_fr_gsd", "ud_dev_fr_gsd.jsonl", []),
    ("ud_dev_th_pud", "ud_dev_th_pud.jsonl", []),
    ("golden_rules en golden", "golden_rules.jsonl", ["--set", "golden", "--lang", "en"]),
    ("golden_rules all golden", "golden_rules.jsonl", ["--set", "golden"]),
    ("golden_rules all sets", "golden_rules.jsonl", []),
]


def adapt(raw_path, pred_path):
    """Response lines -> scorer lines with plain string sentences."""
    with open(raw_path, encoding="utf-8") as raw, open(pred_path, "w", encoding="utf-8") as out:
        for line in raw:
            r = json.loads(line)
            sents = [s["text"] if isinstance(s, dict) else s for s in r.get("sentences", [])]
            out.write(json.dumps({"id": r["id"], "sentences": sents}, ensure_ascii=False) + "\n")


def main():
    here = os.path.dirname(ROOT)
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(here, "shared", "data", "segmentation"))
    ap.add_argument("--scorer", default=os.path.join(here, "shared", "eval", "seg_eval.py"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "eval", "precis"))
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--only", help="score only rows whose label contains this")
    ap.add_argument("--errors", type=int, default=0, help="print N differing documents per row")
    a = ap.parse_args()
    for p in (a.data, a.scorer):
        if not os.path.exists(p):
            sys.exit("not found: %s (the dev sets live in ../shared beside the checkout)" % p)
    if not a.no_build:
        subprocess.run(["cargo", "build", "--profile", "eval", "--quiet"], cwd=ROOT, check=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        done = {}
        for label, name, extra in ROWS:
            if a.only and a.only not in label:
                continue
            gold = os.path.join(a.data, name)
            if name not in done:
                raw = os.path.join(tmp, name + ".raw")
                pred = os.path.join(tmp, name + ".pred")
                with open(gold, "rb") as fin, open(raw, "wb") as fout:
                    subprocess.run([a.bin, "segment", "--jsonl"], stdin=fin, stdout=fout, check=True)
                adapt(raw, pred)
                done[name] = pred
            args = [sys.executable, a.scorer, gold, done[name]] + extra
            if a.errors:
                args += ["--errors", str(a.errors)]
            else:
                args += ["--quiet"]
            out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
            if a.errors:
                print(out)
            summary = json.loads(out.strip().splitlines()[-1])
            results.append((label, summary))
    print("| dev set | F1 | P | R | exact docs |")
    print("|---|---|---|---|---|")
    for label, s in results:
        print("| %s | %.3f | %.3f | %.3f | %d/%d |" % (
            label, s["f1"], s["precision"], s["recall"], s["exact_docs"], s["docs"]))


if __name__ == "__main__":
    main()
