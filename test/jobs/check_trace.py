#!/usr/bin/python3
"""Checks a dojo Chrome trace (--trace FILE): valid JSON in the Trace Event Format with one track
(tid) per rank, each with forward and backward spans. Usage: check_trace.py TRACE.json RANKS"""
import json
import sys


def main():
    path, ranks = sys.argv[1], int(sys.argv[2])
    with open(path) as f:
        trace = json.load(f)
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    spans = {}
    for event in events:
        if event.get("ph") == "X":
            spans.setdefault(event["tid"], set()).add(event["name"])
    problems = []
    if len(spans) != ranks:
        problems.append(f"{len(spans)} tracks with spans, expected {ranks}")
    for tid, names in sorted(spans.items()):
        for wanted in ("forward", "backward", "optimizer"):
            if wanted not in names:
                problems.append(f"track {tid} has no '{wanted}' span (it has {sorted(names)})")
    if problems:
        print("FAIL: " + path + ": " + "; ".join(problems))
        return 1
    names = sorted(set().union(*spans.values()))
    print(f"ok: {path}: {ranks} tracks; span names {names}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
