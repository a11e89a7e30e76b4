"""PyTorch 1.13 twin of `descent train --problem fmnist-mlp --optimizer sgd --lr 0.05 --momentum 0.9 --batch-size 128`.

Trains the 784-512-256-10 ReLU MLP on z-scored Fashion-MNIST and prints the test accuracy after every epoch, so
the spread over seeds can be compared with Descent's.

Usage: /usr/bin/python3 torch_mlp_train.py SEED [EPOCHS] [DATA_DIR]
"""
import gzip, sys
import numpy as np
import torch

seed = int(sys.argv[1])
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
data = sys.argv[3] if len(sys.argv) > 3 else "/usr/share/datasets/fashion-mnist"
torch.set_num_threads(1)
torch.manual_seed(seed)

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
for epoch in range(1, epochs + 1):
    perm = torch.randperm(60000)
    total = 0.0
    for i in range(0, 60000, 128):
        idx = perm[i:i + 128]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xtr[idx]), ytr[idx])
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    with torch.no_grad():
        accuracy = (model(xte).argmax(1) == yte).float().mean().item()
    print(f"seed {seed} epoch {epoch} train_loss {total / 60000:.4f} test_acc {accuracy:.4f}", flush=True)
