#!/usr/bin/env python3
"""Reference for dojo's GPT (model_torch_reference_test): reads the parameters, tokens and targets
that the test wrote into DIR, computes the mean loss and every parameter's gradient in float64
with the PyTorch GPT of tools/bench_step_torch.py, and writes them back into DIR.

DIR holds meta.txt (key=value), names.txt ("name count" per parameter, in dojo's table order),
params.f32, tokens.i32, targets.i32; this writes loss.f64 and grads.f64 (table order).
"""
import os
import sys
from types import SimpleNamespace

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from bench_step_torch import GPT  # noqa: E402


def main(directory):
    meta = dict(line.strip().split("=") for line in open(os.path.join(directory, "meta.txt")))
    cfg = SimpleNamespace(layers=int(meta["layers"]), channels=int(meta["channels"]),
                          heads=int(meta["heads"]), context=int(meta["context"]),
                          vocab=int(meta["vocab"]), untied=meta["tied"] == "0",
                          manual_attention=True)
    B, T = int(meta["batch"]), int(meta["tokens"])
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    model = GPT(cfg)
    parameters = dict(model.named_parameters())  # a tied lm_head is listed once, as wte
    names = [line.split() for line in open(os.path.join(directory, "names.txt"))]
    if sorted(name for name, _ in names) != sorted(parameters):
        raise SystemExit(f"parameter names differ: dojo {[n for n, _ in names]} "
                         f"torch {sorted(parameters)}")
    flat = np.fromfile(os.path.join(directory, "params.f32"), dtype=np.float32)
    offset = 0
    with torch.no_grad():
        for name, count in names:
            count = int(count)
            p = parameters[name]
            p.copy_(torch.from_numpy(flat[offset:offset + count].astype(np.float64)).view(p.shape))
            offset += count
    assert offset == flat.size, "params.f32 has extra values"
    tokens = np.fromfile(os.path.join(directory, "tokens.i32"), dtype=np.int32)
    targets = np.fromfile(os.path.join(directory, "targets.i32"), dtype=np.int32)
    tokens = torch.from_numpy(tokens.astype(np.int64)).view(B, T)
    targets = torch.from_numpy(targets.astype(np.int64)).view(B, T)
    loss = model(tokens, targets)
    loss.backward()
    np.array([loss.item()], dtype=np.float64).tofile(os.path.join(directory, "loss.f64"))
    grads = [parameters[name].grad.reshape(-1).numpy() for name, _ in names]
    np.concatenate(grads).astype(np.float64).tofile(os.path.join(directory, "grads.f64"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
