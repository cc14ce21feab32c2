#!/usr/bin/env python3
"""The GPT training step of `dojo bench step`, in PyTorch: same model (GPT-2 pre-LN blocks, tanh
GELU, learned positions, tied embeddings by default), same shapes, same thread count, float32,
same AdamW (decay on rank >= 2 tensors only). Times zero_grad + forward + backward + step and
prints `ms_per_step=<median>` (wall) and `cpu_ms_per_step=<median>` (process CPU time, all
threads) for dojo to read.

The model's parameter names are nanoGPT's and dojo's ("transformer.h.0.attn.c_attn.weight"), so
test/model/gpt_torch_reference.py imports GPT from here to check dojo's loss and gradients.
Run with Debian's interpreter (python3-torch): /usr/bin/python3 tools/bench_step_torch.py ...
"""
import argparse
import math
import os
import statistics
import sys
import time


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--channels", type=int, default=256)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--context", type=int, default=128)
    p.add_argument("--vocab", type=int, default=256)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--untied", action="store_true", help="separate lm_head weight")
    p.add_argument("--manual-attention", action="store_true",
                   help="q k^T, masked softmax, att v as separate ops instead of "
                        "scaled_dot_product_attention (always so before torch 2.0)")
    return p.parse_args(argv)


if __name__ == "__main__":
    ARGS = parse_args()
    # Thread counts must be fixed before torch (and the BLAS it loads) starts: Debian's torch
    # calls BLIS through libblas, and BLIS reads its thread count from the environment.
    for name in ("OMP_NUM_THREADS", "BLIS_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(ARGS.threads)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class CausalSelfAttention(nn.Module):
    def __init__(self, C, heads, T, manual):
        super().__init__()
        self.c_attn = nn.Linear(C, 3 * C)
        self.c_proj = nn.Linear(C, C)
        self.heads = heads
        self.manual = manual or not hasattr(F, "scaled_dot_product_attention")
        self.register_buffer("mask", torch.tril(torch.ones(T, T, dtype=torch.bool)),
                             persistent=False)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q = q.view(B, T, self.heads, C // self.heads).transpose(1, 2)  # (B, nh, T, hs)
        k = k.view(B, T, self.heads, C // self.heads).transpose(1, 2)
        v = v.view(B, T, self.heads, C // self.heads).transpose(1, 2)
        if self.manual:
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            att = att.masked_fill(~self.mask[:T, :T], float("-inf"))
            y = F.softmax(att, dim=-1) @ v
        else:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, C):
        super().__init__()
        self.c_fc = nn.Linear(C, 4 * C)
        self.c_proj = nn.Linear(4 * C, C)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))


class Block(nn.Module):
    def __init__(self, C, heads, T, manual):
        super().__init__()
        self.ln_1 = nn.LayerNorm(C)
        self.attn = CausalSelfAttention(C, heads, T, manual)
        self.ln_2 = nn.LayerNorm(C)
        self.mlp = MLP(C)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """cfg: layers, channels, heads, context, vocab, untied, manual_attention."""

    def __init__(self, cfg):
        super().__init__()
        C = cfg.channels
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(cfg.vocab, C),
            wpe=nn.Embedding(cfg.context, C),
            h=nn.ModuleList(Block(C, cfg.heads, cfg.context, cfg.manual_attention)
                            for _ in range(cfg.layers)),
            ln_f=nn.LayerNorm(C)))
        self.lm_head = nn.Linear(C, cfg.vocab, bias=False)
        if not cfg.untied:
            self.lm_head.weight = self.transformer.wte.weight
        for module in self.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, 0.0, 0.02)
            if isinstance(module, nn.Linear) and module.bias is not None:
                nn.init.zeros_(module.bias)
        for name, param in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(param, 0.0, 0.02 / math.sqrt(2 * cfg.layers))

    def forward(self, idx, targets):
        B, T = idx.shape
        pos = torch.arange(T, dtype=torch.long)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def main(args):
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1337)
    model = GPT(args)
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01},
                                   {"params": no_decay, "weight_decay": 0.0}],
                                  lr=3e-4, betas=(0.9, 0.999), eps=1e-8)
    gen = torch.Generator().manual_seed(1)
    tokens = torch.randint(0, args.vocab, (args.batch, args.context), generator=gen)
    targets = torch.randint(0, args.vocab, (args.batch, args.context), generator=gen)
    times, cpu_times = [], []
    loss = float("nan")
    for step in range(args.warmup + args.steps):
        start, cpu_start = time.perf_counter(), time.process_time()
        optimizer.zero_grad(set_to_none=True)
        loss = model(tokens, targets)
        loss.backward()
        optimizer.step()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        if step >= args.warmup:
            times.append(elapsed)
            cpu_times.append(cpu)
    attention = "manual" if model.transformer.h[0].attn.manual else "sdpa"
    print(f"torch_version={torch.__version__}, {torch.get_num_threads()} threads, "
          f"{attention} attention")
    print(f"loss={loss.item():.4f}")
    print(f"cpu_ms_per_step={statistics.median(cpu_times) * 1e3:.3f}")
    print(f"ms_per_step={statistics.median(times) * 1e3:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(ARGS))
