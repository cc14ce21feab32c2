#!/usr/bin/python3
"""Compares two dojo checkpoints bit for bit: the same step, the same tensors, identical values.
Usage: compare_checkpoints.py A.h5 B.h5 (exit 1 naming the first difference)."""
import sys

import h5py
import numpy as np


def tensors(f):
    out = {}
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and (name.startswith("params/") or name.startswith("optimizer/")):
            out[name] = obj[()]
    f.visititems(visit)
    return out


def main():
    a_path, b_path = sys.argv[1], sys.argv[2]
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        ta, tb = tensors(a), tensors(b)
        if not ta:
            print(f"FAIL: {a_path} holds no params/ or optimizer/ datasets")
            return 1
        if sorted(ta) != sorted(tb):
            print(f"FAIL: tensor names differ: {sorted(set(ta) ^ set(tb))[:5]}")
            return 1
        for name in sorted(ta):
            x, y = ta[name], tb[name]
            if x.shape != y.shape or x.dtype != y.dtype or x.tobytes() != y.tobytes():
                diff = np.max(np.abs(x.astype(np.float64) - y.astype(np.float64))) if x.shape == y.shape else None
                print(f"FAIL: {name} differs (shapes {x.shape} {y.shape}, max abs diff {diff})")
                return 1
    print(f"PASS: {len(ta)} tensors identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
