#!/usr/bin/python3
"""Sets every weight of a dojo checkpoint to NaN and rewrites each changed dataset's @crc32, so
that only a check of the values (not of the checksums) can tell. Usage: nan_checkpoint.py FILE"""
import sys
import zlib

import h5py
import numpy as np

datasets = []
with h5py.File(sys.argv[1], "r+") as f:
    f["params"].visititems(
        lambda name, item: datasets.append(item) if isinstance(item, h5py.Dataset) else None)
    changed = 0
    for dataset in datasets:
        if dataset.size == 0:
            continue
        data = np.full(dataset.shape, np.nan, dtype="<f4")
        dataset[...] = data
        dataset.attrs.modify("crc32", np.uint32(zlib.crc32(data.tobytes())))
        changed += 1
    if changed == 0:
        sys.exit("nan_checkpoint.py: no weights in " + sys.argv[1])
