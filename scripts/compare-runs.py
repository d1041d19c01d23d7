#!/usr/bin/env python3
"""Compares two hvnet run directories: connectivity.csv byte for byte, spikes.csv by count and
time (within --spike-tol ms), and traces.csv value by value (within --trace-rtol relative plus
--trace-atol absolute). Prints one line per difference and exits 1 if there is any.

Usage: scripts/compare-runs.py DIR_A DIR_B [--spike-tol 1e-9] [--trace-rtol 1e-9] [--trace-atol 1e-12]
Standard library only.
"""
import argparse
import csv
import os
import sys


def rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--spike-tol", type=float, default=1e-9)
    ap.add_argument("--trace-rtol", type=float, default=1e-9)
    ap.add_argument("--trace-atol", type=float, default=1e-12)
    o = ap.parse_args()
    problems = []

    def both(name):
        pa, pb = os.path.join(o.a, name), os.path.join(o.b, name)
        if os.path.exists(pa) != os.path.exists(pb):
            problems.append(f"{name}: present in only one directory")
            return None
        return (pa, pb) if os.path.exists(pa) else None

    p = both("connectivity.csv")
    if p and open(p[0], "rb").read() != open(p[1], "rb").read():
        problems.append("connectivity.csv differs")

    p = both("spikes.csv")
    if p:
        ra, rb = rows(p[0]), rows(p[1])
        if ra[0] != rb[0]:
            problems.append(f"spikes.csv header {ra[0]} vs {rb[0]}")
        elif len(ra) != len(rb):
            problems.append(f"spikes.csv: {len(ra) - 1} vs {len(rb) - 1} spikes")
        else:
            worst = 0.0
            for x, y in zip(ra[1:], rb[1:]):
                if x[:-1] != y[:-1]:
                    problems.append(f"spikes.csv: spike of {x[:-1]} vs {y[:-1]}")
                    break
                worst = max(worst, abs(float(x[-1]) - float(y[-1])))
            if worst > o.spike_tol:
                problems.append(f"spikes.csv: largest time difference {worst:g} ms > {o.spike_tol:g}")

    p = both("traces.csv")
    if p:
        ra, rb = rows(p[0]), rows(p[1])
        if ra[0] != rb[0] or len(ra) != len(rb):
            problems.append(f"traces.csv: shape or header differs ({len(ra)} vs {len(rb)} rows)")
        else:
            worst = 0.0
            for x, y in zip(ra[1:], rb[1:]):
                for u, v in zip(x, y):
                    u, v = float(u), float(v)
                    excess = abs(u - v) - (o.trace_atol + o.trace_rtol * max(abs(u), abs(v)))
                    worst = max(worst, excess)
            if worst > 0:
                problems.append(f"traces.csv: a value differs by {worst:g} beyond the tolerance")

    for line in problems:
        print(f"{o.a} vs {o.b}: {line}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
