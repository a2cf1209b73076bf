"""How every kernel benchmark prints a figure, so that compare.py can read any of them.

A figure is one line `name: median=<x> p99=<y> <unit>` followed by a comment line with the sample
count and range; other `# ` lines are notes for the reader. The p99 is the nearest-rank one, so
with fewer than a hundred samples it is the largest sample.
"""
import math
import statistics
import sys

sys.dont_write_bytecode = True  # benchmarks leave nothing behind in the repository


def nearest_rank(samples, percent):
    ordered = sorted(samples)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


def report(name, samples, unit):
    if not samples:
        note(f"{name}: no samples")
        return
    shown = "{:.1f}"
    median = statistics.median(samples)
    print(f"{name}: median={shown.format(median)} p99={shown.format(nearest_rank(samples, 99))} {unit}")
    print(f"#   {name}: n={len(samples)} min={shown.format(min(samples))} max={shown.format(max(samples))}", flush=True)


def note(text):
    print("# " + text, flush=True)
