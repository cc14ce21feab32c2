#!/usr/bin/python3
"""Compares the per-step training losses of several dojo runs (metrics.jsonl files) against the
first one: every step's loss must agree within a relative tolerance. Exit 1 with the worst step
otherwise. Usage: compare_losses.py --rtol 1e-5 --steps 20 [--first 11] REFERENCE.jsonl OTHER...
(--first: the first step compared, e.g. the step after a resumed checkpoint)."""
import argparse
import json
import sys


def losses(path):
    out = {}
    with open(path) as f:
        for line in f:
            record = json.loads(line)
            if "loss" in record and "eval_loss" not in record:
                out[record["step"]] = record["loss"]
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rtol", type=float, required=True)
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("reference")
    parser.add_argument("others", nargs="+")
    args = parser.parse_args()
    ref = losses(args.reference)
    if len(ref) < args.steps:
        print(f"FAIL: {args.reference} has {len(ref)} steps, expected {args.steps}")
        return 1
    failed = False
    for path in args.others:
        other = losses(path)
        worst = max(
            (abs(other.get(s, float("inf")) - ref[s]) / abs(ref[s]), s) for s in range(args.first, args.steps + 1)
        )
        status = "ok" if worst[0] <= args.rtol else "FAIL"
        failed |= status == "FAIL"
        print(f"{status}: {path}: worst relative difference {worst[0]:.3g} at step {worst[1]} "
              f"(reference {ref[worst[1]]:.8f}, this run {other.get(worst[1])})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
