"""PyTorch 1.13 twin of `Descent.Bench mlp`: one epoch of the 784-512-256-10 ReLU MLP on Fashion-MNIST.

Same model, z-scoring (train-set mean and std), batch 128, SGD lr 0.05 momentum 0.9. One warm-up epoch slice,
then one timed epoch. Prints `epoch_seconds=<s>` for the bench to parse, and the test accuracy.

Usage: /usr/bin/python3 torch_mlp_epoch.py [DATA_DIR] [TORCH_THREADS]
With OpenBLAS installed, one torch thread is fastest on 2 cores (OpenBLAS threads itself).
"""
import gzip, sys, time
import numpy as np
import torch

data = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
torch.manual_seed(0)

def read(name, offset):
    with gzip.open(f"{data}/{name}") as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)

xtr = torch.from_numpy(read("train-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.float32) / 255.0)
ytr = torch.from_numpy(read("train-labels-idx1-ubyte.gz", 8).astype(np.int64))
xte = torch.from_numpy(read("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.float32) / 255.0)
yte = torch.from_numpy(read("t10k-labels-idx1-ubyte.gz", 8).astype(np.int64))
mean, std = xtr.mean(), xtr.std()
xtr, xte = (xtr - mean) / std, (xte - mean) / std

model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
loss_fn = torch.nn.CrossEntropyLoss()

def epoch(limit):
    perm = torch.randperm(60000)[:limit]
    for i in range(0, len(perm), 128):
        idx = perm[i:i + 128]
        opt.zero_grad(set_to_none=True)
        loss_fn(model(xtr[idx]), ytr[idx]).backward()
        opt.step()

epoch(128 * 50)
start = time.perf_counter()
epoch(60000)
seconds = time.perf_counter() - start
with torch.no_grad():
    accuracy = (model(xte).argmax(1) == yte).float().mean().item()
print(f"epoch_seconds={seconds:.4f} samples_per_second={60000 / seconds:.0f} test_accuracy={accuracy:.4f}")
