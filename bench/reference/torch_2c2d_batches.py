"""PyTorch 1.13 twin of `Descent.Bench conv`: training steps of DeepOBS's fmnist_2c2d network.

Model conv 5x5x32 (padding 2) + ReLU + max-pool 2, conv 5x5x64 (padding 2) + ReLU + max-pool 2, dense 1024 + ReLU,
dense 10; Fashion-MNIST pixels / 255; batch 128; SGD lr 0.05 momentum 0.9; cross-entropy. Five warm-up steps,
then BATCHES timed steps. Prints `batch_seconds=<s> epoch_seconds=<s>` (epoch = 469 steps) for the bench to parse.

Usage: /usr/bin/python3 torch_2c2d_batches.py [TORCH_THREADS] [BATCHES] [DATA_DIR]
"""
import gzip, sys, time
import numpy as np
import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
batches = int(sys.argv[2]) if len(sys.argv) > 2 else 50
data = sys.argv[3] if len(sys.argv) > 3 else "/usr/share/datasets/fashion-mnist"
torch.set_num_threads(threads)
torch.manual_seed(0)

def read(name, offset):
    path = f"{data}/{name}"
    try:
        with gzip.open(path + ".gz") as f:
            return np.frombuffer(f.read(), np.uint8, offset=offset)
    except FileNotFoundError:
        with open(path, "rb") as f:
            return np.frombuffer(f.read(), np.uint8, offset=offset)

x = torch.from_numpy(read("train-images-idx3-ubyte", 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255.0)
y = torch.from_numpy(read("train-labels-idx1-ubyte", 8).astype(np.int64))
nn = torch.nn
model = nn.Sequential(
    nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(7 * 7 * 64, 1024), nn.ReLU(), nn.Linear(1024, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()
perm = torch.randperm(x.shape[0])

def step(i):
    idx = perm[(i * 128) % (x.shape[0] - 128):][:128]
    opt.zero_grad(set_to_none=True)
    loss_fn(model(x[idx]), y[idx]).backward()
    opt.step()

for i in range(5):
    step(i)
start = time.perf_counter()
for i in range(batches):
    step(5 + i)
seconds = (time.perf_counter() - start) / batches
print(f"batch_seconds={seconds:.5f} epoch_seconds={seconds * 469:.2f} threads={threads} batches={batches}")
