"""PyTorch twin of Descent's OptimizerBench: the median time of one optimizer step on a single tensor.

Usage: python3 torch_optim_step.py [N=10000000] [THREADS=2]
For each optimizer, with foreach=False (the for-loop, single-tensor implementation) and foreach=True, prints
    optimizer=<label with _ for spaces> foreach=<0|1> ms=<median step milliseconds>
after 3 warm-up steps, the median of 15.
"""
import statistics
import sys
import time

import torch

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
THREADS = int(sys.argv[2]) if len(sys.argv) > 2 else 2
WARMUP, TIMED = 3, 15

CASES = [
    ("SGD", "SGD", dict(lr=0.01)),
    ("SGD momentum", "SGD", dict(lr=0.01, momentum=0.9)),
    ("Adam", "Adam", {}),
    ("Adam amsgrad", "Adam", dict(amsgrad=True)),
    ("AdamW", "AdamW", {}),
    ("Adamax", "Adamax", {}),
    ("NAdam", "NAdam", {}),
    ("RAdam", "RAdam", {}),
]


def main():
    torch.set_num_threads(THREADS)
    torch.manual_seed(1)
    grad = torch.randn(N) * 0.01
    for label, name, kwargs in CASES:
        for foreach in (False, True):
            p = torch.nn.Parameter(torch.empty(N).uniform_(-1, 1))
            p.grad = grad
            opt = getattr(torch.optim, name)([p], foreach=foreach, **kwargs)
            with torch.no_grad():
                for _ in range(WARMUP):
                    opt.step()
                times = []
                for _ in range(TIMED):
                    start = time.perf_counter()
                    opt.step()
                    times.append((time.perf_counter() - start) * 1e3)
            print(f"optimizer={label.replace(' ', '_')} foreach={int(foreach)} ms={statistics.median(times):.3f}", flush=True)
            del opt, p


if __name__ == "__main__":
    main()
