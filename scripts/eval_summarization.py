#!/usr/bin/env python3
"""Summarization accuracy of the `precis` binary on the dev sets.

Runs `precis summarize --jsonl` over every dev set in
/work/shared/data/summarization/ (read in place, never copied), with the
budget each set's anchors were measured at, and scores the output with
`/work/shared/eval/sum_eval.py GOLD PRED` (rouge-score 0.1.2).

    python3 scripts/eval_summarization.py                       # build + all sets
    python3 scripts/eval_summarization.py --sets cnndm_frank_dev xsum_frank_dev
    python3 scripts/eval_summarization.py --idf model.idf       # with a background IDF
    python3 scripts/eval_summarization.py --weights '{"position": 2}'

Budgets (from issue 4): 3 sentences on CNN/DailyMail, 1 on XSum, the
reference's sentence count (`summary_sentences`) on BBC, VietNews and
IndoSum, 1 on LCSTS, XL-Sum and Batayan. PRED lines are `{"id", "summary"}`
with the selected sentences joined by "\n" (so ROUGE-Lsum sees them).

Writes eval-out/<set>.pred.jsonl and eval-out/<set>.out.jsonl, prints one
Markdown table row per set and a JSON summary on the last line.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = "/work/shared/data/summarization"
SCORER = "/work/shared/eval/sum_eval.py"

# set -> budget: an int (sentences) or "reference" (len(summary_sentences)).
SETS = {
    "cnndm_frank_dev": 3,
    "xsum_frank_dev": 1,
    "bbc_news_summary_dev": "reference",
    "lcsts_dev": 1,
    "vietnews_dev": "reference",
    "indosum_dev": "reference",
    "xlsum_th_dev": 1,
    "xlsum_vi_dev": 1,
    "xlsum_id_dev": 1,
    "batayan_fil_dev": 1,
}


def budget_of(doc, budget):
    if budget == "reference":
        return max(1, len(doc.get("summary_sentences") or [doc.get("summary", "")]))
    return budget


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "eval", "precis"))
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build --profile eval")
    ap.add_argument("--python", default=sys.executable, help="a python with rouge-score==0.1.2")
    ap.add_argument("--sets", nargs="*", default=list(SETS))
    ap.add_argument("--budget", type=int, default=None,
                    help="max_sentences for every set instead of its own budget (robustness checks)")
    ap.add_argument("--idf", default=None, help="background IDF model passed as --idf")
    ap.add_argument("--weights", default=None, help="JSON weights object added to every request")
    ap.add_argument("--out", default=os.path.join(ROOT, "eval-out"))
    args = ap.parse_args()

    if not args.no_build and args.binary == os.path.join(ROOT, "target", "eval", "precis"):
        subprocess.run(["cargo", "build", "--profile", "eval", "--quiet"], cwd=ROOT, check=True)
    os.makedirs(args.out, exist_ok=True)
    weights = json.loads(args.weights) if args.weights else None

    results = {}
    print("| dev set | budget | R1 | R2 | RL | RLsum |")
    print("|---|---|---|---|---|---|")
    for name in args.sets:
        budget = SETS[name] if args.budget is None else args.budget
        gold_path = os.path.join(DATA, name + ".jsonl")
        requests = []
        with open(gold_path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                doc = json.loads(line)
                request = {"id": doc["id"], "text": doc["text"], "lang": doc.get("lang"),
                           "max_sentences": budget_of(doc, budget)}
                if doc.get("title"):
                    request["title"] = doc["title"]
                if weights:
                    request["weights"] = weights
                requests.append(json.dumps(request, ensure_ascii=False))
        command = [args.binary, "summarize", "--jsonl"]
        if args.idf:
            command += ["--idf", args.idf]
        run = subprocess.run(command, input="\n".join(requests) + "\n", capture_output=True,
                             text=True, encoding="utf-8")
        out_lines = [json.loads(l) for l in run.stdout.splitlines() if l.strip()]
        with open(os.path.join(args.out, name + ".out.jsonl"), "w", encoding="utf-8") as fh:
            for o in out_lines:
                fh.write(json.dumps(o, ensure_ascii=False) + "\n")
        pred_path = os.path.join(args.out, name + ".pred.jsonl")
        with open(pred_path, "w", encoding="utf-8") as fh:
            for o in out_lines:
                if "error" in o:
                    print(f"{name}: {o['id']}: {o['error']}", file=sys.stderr)
                    continue
                texts = [o["sentences"][i]["text"] for i in o["selected"]]
                fh.write(json.dumps({"id": o["id"], "summary": "\n".join(texts)}, ensure_ascii=False) + "\n")
        scored = subprocess.run([args.python, SCORER, gold_path, pred_path], capture_output=True,
                                text=True, check=True)
        res = json.loads(scored.stdout.strip().splitlines()[-1])
        results[name] = res
        label = "reference count" if budget == "reference" else f"{budget} sentence" + ("s" if budget != 1 else "")
        print(f"| {name} (n={res['n']}) | {label} | {res['rouge1_f']:.2f} | {res['rouge2_f']:.2f} | "
              f"{res['rougeL_f']:.2f} | {res['rougeLsum_f']:.2f} |", flush=True)
    print(json.dumps({k: {m: v[m] for m in ("rouge1_f", "rouge2_f", "rougeLsum_f")} for k, v in results.items()}))


if __name__ == "__main__":
    main()
