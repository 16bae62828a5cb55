"""acc_adam of PyTorch over more seeds than ../shared/bench/py/bench_torch.py's three.

Trains digits (64-64-32-10) for 30 epochs of Adam, lr 1e-3, batch 32, as
bench_torch.py does, from the seeds 1000 to 1000+n-1, and prints the sorted
test accuracies and their median. Beside it, nngen's over as many seeds:
go test -run '^$' -bench AccAdam ./bench -args -acc-seeds n.

Usage, from the repository: taskset -c 0 /usr/bin/python3 bench/acc_adam.py [n (21)]
"""
import os, sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "bench", "py"))
import torch
from common import WORKLOADS, dataset

torch.set_num_threads(1)
n = int(sys.argv[1]) if len(sys.argv) > 1 else 21
sizes, dt, _ = WORKLOADS["W2"]
Xtr, ytr, Xte, yte = dataset("W2")
X, y, Xt = torch.from_numpy(Xtr), torch.from_numpy(ytr), torch.from_numpy(Xte)


def model():
    """The network of bench_torch.py: He uniform weights, zero biases, relu."""
    mods = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        l = torch.nn.Linear(a, b)
        torch.nn.init.kaiming_uniform_(l.weight, nonlinearity="relu")
        torch.nn.init.zeros_(l.bias)
        mods.append(l)
        if i < len(sizes) - 2:
            mods.append(torch.nn.ReLU())
    return torch.nn.Sequential(*mods).to(getattr(torch, dt))


accs = []
for seed in range(n):
    torch.manual_seed(1000 + seed)
    m = model()
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    lossf = torch.nn.CrossEntropyLoss()
    for _ in range(30):
        perm = torch.randperm(len(X))
        for s in range(0, len(X), 32):
            idx = perm[s:s + 32]
            opt.zero_grad(set_to_none=True)
            lossf(m(X[idx]), y[idx]).backward()
            opt.step()
    with torch.no_grad():
        accs.append(100.0 * (m(Xt).argmax(1).numpy() == yte).mean())
accs.sort()
print("acc_adam, %d seeds: %s" % (n, " ".join("%.2f" % a for a in accs)))
print("median %.2f%%" % accs[len(accs) // 2])
