#!/usr/bin/env python3
"""Side-by-side throughput: Precis's JSONL CLI vs the Python tools a user
would pick instead (pySBD, sentencex, summa TextRank), single thread each,
on the same articles.

Usage: scripts/bench_compare.sh  (sets up a throwaway venv and calls this)
       python3 scripts/bench_compare.py PRECIS_BINARY [CORPUS.jsonl]
           [--language CODE|all] [--repeat N] [--rounds N]

The corpus is JSONL with a "text" key per line. Default: the language's dev
articles in ../shared/data/summarization/ (CORPORA; read only, never
copied), for English the CNN/DailyMail ones, else examples/seed_article.txt.
`--language all` runs every language of CORPORA in turn. Each tool is given
the language: pySBD where it has rules for it (of these, English and
Chinese), sentencex always, summa TextRank only English (other languages
run with its default, English). Prints a table, the sentences per document
each splitter found, and a JSON line per language.
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


# A steady-state pass is timed as the difference between a pass over
# LONG_PASS x repeat copies of the corpus and one over repeat copies:
# what both passes pay once (process start-up, the allocator's first pages,
# cold caches after the other tools ran) cancels, and what is left is the
# cost of (LONG_PASS - 1) x repeat copies. A single short pass, minus a run
# over one document, left part of those costs in: on Filipino's 29 short
# articles x 20 (a 4 ms pass) it read sentencex at 138,129 and Precis at
# 147,115 docs/s, and passes ten times as long at 218,304-228,441 and
# 220,199-220,667.
LONG_PASS = 5


def run_precis(binary, command, path):
    # One job: the comparison is single thread against single thread (the
    # script runs pinned to one core anyway, which makes one the default).
    with open(path, "rb") as stdin:
        start = time.perf_counter()
        subprocess.run([binary, command, "--jsonl", "--jobs", "1"], stdin=stdin,
                       stdout=subprocess.DEVNULL, check=True)
        return time.perf_counter() - start


def precis_runs(binary, command, texts, repeat, extra, tmp, language):
    """Two timers: whole `precis COMMAND --jsonl` runs over `repeat` and over
    LONG_PASS x `repeat` copies of the documents."""
    timers = []
    for copies in (repeat, LONG_PASS * repeat):
        path = os.path.join(tmp, f"{command}-{copies}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for r in range(copies):
                for i, text in enumerate(texts):
                    row = {"id": f"{r}-{i}", "text": text, "lang": language}
                    row.update(extra)
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
        run_precis(binary, command, path)  # page cache
        timers.append(lambda path=path: run_precis(binary, command, path))
    return timers


def fastest(timers, rounds):
    """The fastest of `rounds` runs of each timer. Rounds go through all the
    timers in turn, so a slow spell on a shared machine slows one run of
    every tool instead of every run of one tool."""
    best = {name: float("inf") for name in timers}
    for _ in range(rounds):
        for name, timer in timers.items():
            best[name] = min(best[name], timer())
    return best


# The default corpus of each language: dev articles of
# ../shared/data/summarization (read only, never copied).
CORPORA = {
    "en": "cnndm_frank_dev.jsonl",
    "zh": "lcsts_dev.jsonl",
    "th": "xlsum_th_dev.jsonl",
    "vi": "vietnews_dev.jsonl",
    "id": "indosum_dev.jsonl",
    "fil": "batayan_fil_dev.jsonl",
}

# summa TextRank's languages (its Snowball stemmers and stop words); any
# other language runs with the default, English, as a user calling
# `summarize(text)` would get.
SUMMA_LANGUAGES = {"en": "english"}


def sentence_counts(texts, pysbd_segmenter, language, binary, tmp):
    """Sentences per document as each splitter sees them (one untimed
    pass), so a fast result that did not split is visible as such."""
    from summa.preprocessing.textcleaner import clean_text_by_sentences
    counts = {}
    if pysbd_segmenter is not None:
        counts["pySBD 0.3"] = sum(len(pysbd_segmenter.segment(t)) for t in texts) / len(texts)
    import sentencex
    counts["sentencex"] = sum(len(list(sentencex.segment(language, t))) for t in texts) / len(texts)
    summa_language = SUMMA_LANGUAGES.get(language, "english")
    counts["summa TextRank"] = sum(len(clean_text_by_sentences(t, summa_language)) for t in texts) / len(texts)
    path = os.path.join(tmp, "count.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for i, text in enumerate(texts):
            f.write(json.dumps({"id": str(i), "text": text, "lang": language}, ensure_ascii=False) + "\n")
    with open(path, "rb") as stdin:
        out = subprocess.run([binary, "segment", "--jsonl", "--jobs", "1"], stdin=stdin,
                             capture_output=True, check=True).stdout
    answers = [json.loads(line) for line in out.splitlines() if line.strip()]
    counts["precis"] = sum(len(a["sentences"]) for a in answers) / len(answers)
    return {name: round(value, 1) for name, value in counts.items()}


def compare(binary, language, texts, corpus_name, repeat, rounds):
    """Every tool on the same articles of one language; returns the rows,
    the ratios and the sentences per document."""
    n_docs = len(texts) * repeat
    megabytes = sum(len(t.encode("utf-8")) for t in texts) * repeat / 1e6

    import pysbd
    from pysbd.languages import LANGUAGE_CODES
    import sentencex
    from summa import summarizer

    # pySBD has no rules for Thai, Vietnamese, Indonesian or Filipino.
    pysbd_segmenter = pysbd.Segmenter(language=language, clean=False) if language in LANGUAGE_CODES else None
    summa_language = SUMMA_LANGUAGES.get(language, "english")
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

    # pySBD is ~1000x slower (in English): time it once on one pass and scale
    # per document.
    if pysbd_segmenter is not None:
        pysbd_seconds = python_pass(pysbd_segmenter.segment, texts, 1)()
        add("pySBD 0.3", "segment", pysbd_seconds, 1 / repeat)
    commands = (("segment", {}), ("summarize", {"max_sentences": 3}), ("process", {"max_sentences": 3}))
    with tempfile.TemporaryDirectory() as tmp:
        counts = sentence_counts(texts, pysbd_segmenter, language, binary, tmp)
        def split(text):
            return list(sentencex.segment(language, text))
        timers = {
            "sentencex": python_pass(split, texts, repeat),
            "sentencex long": python_pass(split, texts, LONG_PASS * repeat),
            "summa": python_pass(lambda t: summarizer.summarize(t, ratio=0.2, language=summa_language),
                                 texts, 1),
        }
        for command, extra in commands:
            timers[command], timers[command + " long"] = precis_runs(
                binary, command, texts, repeat, extra, tmp, language)
        best = fastest(timers, rounds)
    steady = LONG_PASS - 1
    add("sentencex", "segment", best["sentencex long"] - best["sentencex"], steady)
    add("summa TextRank", "summarize", best["summa"], 1 / repeat)
    # Precis twice: in steady state, as sentencex (LONG_PASS above), and
    # whole runs of `repeat` copies, process start-up included.
    for command, _ in commands:
        add(f"precis {command} --jsonl", command, best[command + " long"] - best[command], steady)
        add(f"precis {command} (with start-up)", command, best[command])

    by_tool = {r["tool"]: r for r in rows}
    seg = by_tool["precis segment --jsonl"]["docs_per_s"]
    summ = by_tool["precis summarize --jsonl"]["docs_per_s"]
    ratios = {
        "segment_vs_sentencex": round(seg / by_tool["sentencex"]["docs_per_s"], 2),
        "segment_vs_pysbd": (round(seg / by_tool["pySBD 0.3"]["docs_per_s"], 1)
                             if "pySBD 0.3" in by_tool else None),
        "summarize_vs_summa_textrank": round(summ / by_tool["summa TextRank"]["docs_per_s"], 1),
        "with_start_up": {
            "segment_vs_sentencex": round(by_tool["precis segment (with start-up)"]["docs_per_s"]
                                          / by_tool["sentencex"]["docs_per_s"], 2),
            "summarize_vs_summa_textrank": round(by_tool["precis summarize (with start-up)"]["docs_per_s"]
                                                 / by_tool["summa TextRank"]["docs_per_s"], 1),
        },
    }
    print(f"{language}: {corpus_name}, {len(texts)} articles x {repeat} ({megabytes:.2f} MB), single thread each")
    if pysbd_segmenter is None:
        print(f"  pySBD has no rules for '{language}': not run")
    if language not in SUMMA_LANGUAGES:
        print(f"  summa has no stemmer or stop words for '{language}': run with its default, English")
    print(f"{'tool':34} {'task':10} {'docs/s':>10} {'MB/s':>9}")
    for r in rows:
        print(f"{r['tool']:34} {r['task']:10} {r['docs_per_s']:>10} {r['mb_per_s']:>9}")
    print("sentences per document:", counts)
    print("ratios:", ratios)
    result = {"language": language, "corpus": corpus_name, "rows": rows, "ratios": ratios,
              "sentences_per_document": counts, "summa_language": summa_language}
    print(json.dumps(result))
    return result


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    data = os.path.join(here, "..", "..", "shared", "data", "summarization")
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("corpus", nargs="?",
                        help="JSONL with a \"text\" key per line (default: the language's dev articles)")
    parser.add_argument("--language", default="en",
                        help="language code of the corpus, or 'all' for every corpus in CORPORA")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5,
                        help="timed passes per tool; the fastest counts")
    args = parser.parse_args()
    languages = list(CORPORA) if args.language == "all" else [args.language]
    if args.corpus and len(languages) > 1:
        parser.error("a corpus path is for one --language")
    results = []
    for language in languages:
        corpus = args.corpus or os.path.join(data, CORPORA.get(language, ""))
        if os.path.isfile(corpus):
            texts, corpus_name = load_corpus(corpus), os.path.basename(corpus)
        elif language == "en":
            seed = os.path.join(here, "..", "examples", "seed_article.txt")
            texts, corpus_name = [open(seed, encoding="utf-8").read()], "examples/seed_article.txt"
        else:
            parser.error(f"no corpus for '{language}' ({corpus})")
        results.append(compare(args.binary, language, texts, corpus_name, args.repeat, args.rounds))
    if len(results) > 1:
        print()
        print(f"{'language':9} {'vs sentencex':>13} {'vs pySBD':>9} {'vs summa':>9}  sentences/doc (precis, sentencex, pySBD, summa)")
        for r in results:
            q, c = r["ratios"], r["sentences_per_document"]
            pysbd_ratio = f"{q['segment_vs_pysbd']}x" if q["segment_vs_pysbd"] else "-"
            print(f"{r['language']:9} {q['segment_vs_sentencex']:>12}x {pysbd_ratio:>9} "
                  f"{q['summarize_vs_summa_textrank']:>8}x  {c['precis']}, {c['sentencex']}, "
                  f"{c.get('pySBD 0.3', '-')}, {c['summa TextRank']}")


if __name__ == "__main__":
    sys.exit(main())
