#!/usr/bin/env python3
"""Language detection of short texts (sentences, headlines) without a hint.

Usage: python3 scripts/eval_detection.py PRECIS_BINARY [BASE_BINARY]

Builds a set of single sentences from ../shared/data (read only, never
copied): the gold sentences of the Latin-script UD dev sets (English, German,
French, Indonesian, Vietnamese) and of the Golden Rules' Latin-script sets,
and the sentences of the first 60 dev articles of the summarization corpora
in English, Indonesian, Vietnamese and Filipino, as `precis segment` splits
them with the corpus's language given. Each sentence is then sent alone,
without a language hint, to `PRECIS_BINARY segment --jsonl`, and the
language it names is compared with the sentence's source language.

Prints accuracy by language and by words per sentence (under 10, 20 and 40
words, and 40 or more), and with BASE_BINARY, the same for it and every
sentence whose detected language differs between the two.

The Golden Rules' Danish set is left out: most of its sentences are the
English rules' sentences, in English.
"""
import collections
import json
import os
import subprocess
import sys

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
UD = [("ud_dev_en_ewt", "en"), ("ud_dev_en_gum", "en"), ("ud_dev_de_gsd", "de"),
      ("ud_dev_fr_gsd", "fr"), ("ud_dev_id_gsd", "id"), ("ud_dev_vi_vtb", "vi")]
GOLDEN = {"en", "de", "fr", "es", "it", "nl", "pl", "sk"}
ARTICLES = [("cnndm_frank_dev", "en"), ("indosum_dev", "id"), ("xlsum_id_dev", "id"),
            ("xlsum_vi_dev", "vi"), ("batayan_fil_dev", "fil")]
ARTICLES_PER_CORPUS = 60


def jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def segment(binary, rows):
    """`binary segment --jsonl` over rows, one answer per row, in order."""
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    out = subprocess.run([binary, "segment", "--jsonl", "--jobs", "1"], input=lines,
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def sentences(binary):
    """(language, sentence) pairs."""
    pairs = []
    for name, lang in UD:
        for doc in jsonl(os.path.join(DATA, "segmentation", name + ".jsonl")):
            pairs += [(lang, s) for s in doc["sentences"]]
    for doc in jsonl(os.path.join(DATA, "segmentation", "golden_rules.jsonl")):
        if doc["lang"] in GOLDEN:
            pairs += [(doc["lang"], s) for s in doc["sentences"]]
    for name, lang in ARTICLES:
        docs = jsonl(os.path.join(DATA, "summarization", name + ".jsonl"))[:ARTICLES_PER_CORPUS]
        rows = [{"id": str(i), "text": d["text"], "lang": lang} for i, d in enumerate(docs)]
        for answer in segment(binary, rows):
            pairs += [(lang, s["text"]) for s in answer["sentences"]]
    return [(lang, s.strip()) for lang, s in pairs if s.strip()]


def bucket(text):
    words = len(text.split())
    for edge in (10, 20, 40):
        if words < edge:
            return f"<{edge}"
    return ">=40"


def detected(binary, pairs):
    rows = [{"id": str(i), "text": text} for i, (_, text) in enumerate(pairs)]
    return [answer["lang"] for answer in segment(binary, rows)]


def report(name, pairs, langs):
    total, right = collections.Counter(), collections.Counter()
    for (lang, text), got in zip(pairs, langs):
        for key in ((lang, "all"), (lang, bucket(text))):
            total[key] += 1
            right[key] += got == lang
    print(f"{name}: {sum(g == l for (l, _), g in zip(pairs, langs))} of {len(pairs)} right")
    print(f"{'language':8} {'words':>5} {'sentences':>9} {'accuracy':>8}")
    for key in sorted(total):
        print(f"{key[0]:8} {key[1]:>5} {total[key]:9} {right[key] / total[key]:8.4f}")


def main():
    binary = sys.argv[1]
    pairs = sentences(binary)
    langs = detected(binary, pairs)
    report(binary, pairs, langs)
    if len(sys.argv) > 2:
        base = detected(sys.argv[2], pairs)
        report(sys.argv[2], pairs, base)
        changed = [(lang, old, new, text) for (lang, text), old, new in zip(pairs, base, langs)
                   if old != new]
        better = sum(new == lang for lang, _, new, _ in changed)
        worse = sum(old == lang for lang, old, _, _ in changed)
        print(f"changed: {len(changed)}, now right {better}, now wrong {worse}")
        for lang, old, new, text in changed:
            print(f"  {lang}: {old} -> {new}  {text[:100]}")


if __name__ == "__main__":
    main()
