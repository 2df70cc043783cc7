#!/usr/bin/python3
"""What the unlabelled pool can pay for on the Fashion-MNIST protocol, measured with Debian's
python3-torch on the same network as our `smallcnn` (conv 32 + BN + pool, conv 64 + BN + pool,
fc 128, head), the same optimiser (Adam 1e-3, cosine decay), batch 64, label smoothing 0.1 and
shifts of +-2 pixels.

Each experiment prints test accuracy (10,000 test images) at quarters of its steps and the wall
time, so its cost can be read against the issue's time budget:
  supervised N STEPS     N random labels of the 20,000-image pool, labelled steps only
  ceiling STEPS          all 20,000 pool labels
  fixmatch STEPS TAU MU  from scratch, FixMatch (Sohn et al. 2020): each step also takes MU x 64 pool
                         images, pseudo-labels a weak view (shift) and trains a strong view (shift 4,
                         contrast, brightness, cutout 14x14) on those above TAU
  selftrain STEPS TAU    a 1,500-step supervised teacher labels the pool once; training goes on
                         with 128 pseudo-labelled images (above TAU) per step beside 64 labelled
  rotation P STEPS       self-supervised pre-training on the whole pool (Gidaris et al. 2018: which
                         of 4 rotations, 64 images x 4 per step) for P steps, then STEPS supervised
                         steps from those weights with a fresh head
  propagate K            a 1,500-step supervised teacher's features, a K-NN graph over the pool,
                         label propagation (Zhou et al. 2004): accuracy of its labels on the pool
Usage: reference_semisupervised.py EXPERIMENT ARGS... [--labels N] [--seed S] [--threads T] [--wide]
"""
import argparse
import gzip
import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = '/usr/share/datasets/fashion-mnist/'
MEAN, STD = 0.2860, 0.3530


def load(kind):
    with gzip.open(f'{DATA}{kind}-images-idx3-ubyte.gz') as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(f'{DATA}{kind}-labels-idx1-ubyte.gz') as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)
    return (torch.tensor(x, dtype=torch.float32) / 255.0 - MEAN) / STD, torch.tensor(y, dtype=torch.long)


class SmallCnn(nn.Module):
    """Our smallcnn; wide=True doubles every layer and adds dropout before the head."""

    def __init__(self, wide=False):
        super().__init__()
        w1, w2, fc = (64, 128, 256) if wide else (32, 64, 128)
        self.conv1, self.bn1 = nn.Conv2d(1, w1, 3, 1, 1, bias=False), nn.BatchNorm2d(w1)
        self.conv2, self.bn2 = nn.Conv2d(w1, w2, 3, 1, 1, bias=False), nn.BatchNorm2d(w2)
        self.fc, self.head = nn.Linear(w2 * 7 * 7, fc), nn.Linear(fc, 10)
        self.dropout = nn.Dropout(0.3) if wide else nn.Identity()

    def features(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        return F.relu(self.fc(x.flatten(1)))

    def forward(self, x):
        return self.head(self.dropout(self.features(x)))


def shifted(x, most):
    n = x.size(0)
    padded = F.pad(x, (most,) * 4)
    dx, dy = torch.randint(0, 2 * most + 1, (n,)), torch.randint(0, 2 * most + 1, (n,))
    return torch.stack([padded[i, :, dy[i]:dy[i] + 28, dx[i]:dx[i] + 28] for i in range(n)])


def strong(x):
    x = shifted(x, 4)
    n = x.size(0)
    x = x * torch.empty(n, 1, 1, 1).uniform_(0.5, 1.5) + torch.empty(n, 1, 1, 1).uniform_(-0.5, 0.5)
    cy, cx = torch.randint(0, 28, (n,)), torch.randint(0, 28, (n,))
    for i in range(n):
        x[i, :, max(0, cy[i] - 7):cy[i] + 7, max(0, cx[i] - 7):cx[i] + 7] = 0
    return x


@torch.no_grad()
def predict(model, x, what=None):
    model.eval()
    out = torch.cat([(what or model)(x[i:i + 1000]) for i in range(0, len(x), 1000)])
    model.train()
    return out


class Run:
    """One experiment: the pool, its labelled part, a fresh network and a cosine-decayed Adam."""

    def __init__(self, args, steps):
        x, y = load('train')
        self.test_x, self.test_y = load('t10k')
        pool = np.random.RandomState(args.seed).permutation(len(x))[:20000]
        self.x, self.y = x[pool], y[pool]
        torch.manual_seed(args.seed)
        self.labelled = torch.randperm(len(self.x))[:args.labels]
        unlabelled = torch.ones(len(self.x), dtype=torch.bool)
        unlabelled[self.labelled] = False
        self.unlabelled = unlabelled.nonzero().squeeze(1)
        self.model = SmallCnn(args.wide)
        self.restart(steps)
        self.started = time.time()

    def restart(self, steps):
        self.steps = steps
        self.optimiser = torch.optim.Adam(self.model.parameters(), 1e-3)
        self.schedule = torch.optim.lr_scheduler.LambdaLR(
            self.optimiser, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))

    def accuracy(self):
        return (predict(self.model, self.test_x).argmax(1) == self.test_y).float().mean().item()

    def labelled_batch(self):
        rows = self.labelled[torch.randint(0, len(self.labelled), (64,))]
        return shifted(self.x[rows], 2), self.y[rows]

    def step(self, loss, done):
        self.optimiser.zero_grad()
        loss.backward()
        self.optimiser.step()
        self.schedule.step()
        if done % max(1, self.steps // 4) == 0:
            print(f'  step {done:5d}  {time.time() - self.started:7.1f} s  test {self.accuracy():.4f}', flush=True)

    def supervised(self, steps):
        self.restart(steps)
        for s in range(1, steps + 1):
            xb, yb = self.labelled_batch()
            self.step(F.cross_entropy(self.model(xb), yb, label_smoothing=0.1), s)


def fixmatch(run, steps, tau, mu):
    for s in range(1, steps + 1):
        xb, yb = run.labelled_batch()
        rows = run.unlabelled[torch.randint(0, len(run.unlabelled), (64 * mu,))]
        with torch.no_grad():
            confidence, pseudo = F.softmax(predict(run.model, shifted(run.x[rows], 2)), 1).max(1)
        logits = run.model(torch.cat([xb, strong(run.x[rows])]))
        pool_loss = (F.cross_entropy(logits[64:], pseudo, reduction='none') * (confidence >= tau).float()).mean()
        run.step(F.cross_entropy(logits[:64], yb, label_smoothing=0.1) + pool_loss, s)


def selftrain(run, steps, tau):
    print('teacher (1,500 supervised steps):')
    run.supervised(1500)
    confidence, pseudo = F.softmax(predict(run.model, run.x[run.unlabelled]), 1).max(1)
    keep = confidence >= tau
    rows, targets = run.unlabelled[keep], pseudo[keep]
    print(f'pseudo-labels: {int(keep.sum())} of {len(keep)} above {tau}, '
          f'{(targets == run.y[rows]).float().mean().item():.4f} correct; student:')
    run.restart(steps)
    for s in range(1, steps + 1):
        xb, yb = run.labelled_batch()
        pick = torch.randint(0, len(rows), (128,))
        logits = run.model(torch.cat([xb, strong(run.x[rows[pick]])]))
        run.step(F.cross_entropy(logits[:64], yb, label_smoothing=0.1) + F.cross_entropy(logits[64:], targets[pick]), s)


def rotation(run, pretrain_steps, steps):
    rotations = nn.Linear(128, 4)
    run.restart(pretrain_steps)
    run.optimiser.add_param_group({'params': rotations.parameters()})
    targets = torch.arange(4).repeat_interleave(64)
    for s in range(1, pretrain_steps + 1):
        x = shifted(run.x[torch.randint(0, len(run.x), (64,))], 2)
        views = torch.cat([torch.rot90(x, r, (2, 3)) for r in range(4)])
        loss = F.cross_entropy(rotations(run.model.features(views)), targets)
        run.optimiser.zero_grad()
        loss.backward()
        run.optimiser.step()
        run.schedule.step()
        if s % max(1, pretrain_steps // 4) == 0:
            print(f'  pre-training step {s:5d}  {time.time() - run.started:7.1f} s  rotation loss {loss.item():.3f}',
                  flush=True)
    run.model.head.reset_parameters()
    print('supervised from the pre-trained weights:')
    run.supervised(steps)


def propagate(run, k):
    print('teacher (1,500 supervised steps):')
    run.supervised(1500)
    features = F.normalize(predict(run.model, run.x, run.model.features), dim=1)
    similarity, neighbours = (features @ features.T).topk(k + 1, 1)
    n = len(run.x)
    graph = torch.zeros(n, n)
    graph.scatter_(1, neighbours[:, 1:], similarity[:, 1:].clamp(min=0) ** 3)
    graph = graph + graph.T
    scale = graph.sum(1).clamp(min=1e-8).rsqrt()
    graph = scale[:, None] * graph * scale[None, :]
    seeds = torch.zeros(n, 10)
    seeds[run.labelled, run.y[run.labelled]] = 1
    scores = seeds.clone()
    for _ in range(20):
        scores = 0.99 * (graph @ scores) + seeds
    u = run.unlabelled
    model_right = (predict(run.model, run.x[u]).argmax(1) == run.y[u]).float().mean().item()
    propagated_right = (scores[u].argmax(1) == run.y[u]).float().mean().item()
    print(f'labels of the unlabelled pool: the model {model_right:.4f}, propagated (k={k}) {propagated_right:.4f}')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('experiment', choices=['supervised', 'ceiling', 'fixmatch', 'selftrain', 'rotation', 'propagate'])
    parser.add_argument('values', nargs='*', type=float)
    parser.add_argument('--labels', type=int, default=1000)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--wide', action='store_true', help='the wider network (not our smallcnn)')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    v = args.values
    if args.experiment == 'ceiling':
        args.labels = 20000
    print(f'{args.experiment} {" ".join(f"{x:g}" for x in v)}: {args.labels} labels, seed {args.seed}, '
          f'{args.threads} thread(s)', flush=True)
    run = Run(args, int(v[0]) if v else 1500)
    if args.experiment in ('supervised', 'ceiling'):
        run.supervised(int(v[0]))
    elif args.experiment == 'fixmatch':
        fixmatch(run, int(v[0]), v[1], int(v[2]))
    elif args.experiment == 'selftrain':
        selftrain(run, int(v[0]), v[1])
    elif args.experiment == 'rotation':
        rotation(run, int(v[0]), int(v[1]))
    else:
        propagate(run, int(v[0]))


if __name__ == '__main__':
    main()
