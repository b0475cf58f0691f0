#!/usr/bin/env python3
"""Writes the ~5 KB article of the load tests: the seed article, then its
first paragraphs again up to 5,120 bytes.

    python3 scripts/load_article.py OUT.txt

Used by scripts/loadtest.sh, scripts/answer_bound.sh and scripts/scaling.sh,
so that they measure the same article.
"""
import sys

seed = open("examples/seed_article.txt", encoding="utf-8").read()
text = seed + "\n\n" + seed[: 5120 - len(seed.encode()) - 2]
open(sys.argv[1], "w", encoding="utf-8").write(text)
