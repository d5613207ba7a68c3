#!/usr/bin/python3
"""Reference DQN in Python/PyTorch for the side-by-side throughput comparison (docs/performance.md,
"Training throughput"). Written for this benchmark: the MinAtar reference protocol (examples/dqn.py of
MinAtar: conv 16 3x3 -> 128 -> 6, centred RMSprop(2.5e-4, alpha 0.95, eps 0.01), Huber loss, batch 32,
one update per step, target copy every 1000 updates, linear epsilon after a random warm-up) on the same
synthetic environment as the C# side (SyntheticEnvironment.cs): 10x10x4 binary observations with each cell set
with probability 1/16 (MinAtar-like), 6 actions, random 0/1 rewards, terminal every 100 steps.
With --game NAME it runs the real MinAtar game instead (needs the `minatar` package importable, e.g. a local
copy of the reference source on PYTHONPATH: MinAtar is not installable here, there is no PyPI).
The proximal pull (lerp toward the target, mu = lr/c~) runs in the "dqn-pro" half of each repeat.
"""
import argparse
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class QNetwork(nn.Module):
    def __init__(self, channels=4, actions=6):
        super().__init__()
        self.conv = nn.Conv2d(channels, 16, kernel_size=3, stride=1)
        self.hidden = nn.Linear(16 * 8 * 8, 128)
        self.out = nn.Linear(128, actions)

    def forward(self, x):
        x = F.relu(self.conv(x))
        x = F.relu(self.hidden(x.flatten(1)))
        return self.out(x)


class SyntheticEnv:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.t = 0
        self.obs = None

    channels = 4

    def reset(self):
        self.t = 0
        self.obs = self._draw()
        return self.obs

    def step(self, action):
        self.t += 1
        self.obs = self._draw()
        return self.obs, float(self.rng.integers(0, 2)), self.t >= 100

    def _draw(self):
        return (self.rng.random((4, 10, 10)) < 1 / 16).astype(np.uint8)


class MinAtarEnv:
    """The reference MinAtar game (default options: sticky actions 0.1, difficulty ramping), channels first."""

    def __init__(self, game, seed):
        from minatar import Environment
        self.env = Environment(game)
        self.env.seed(seed)
        self.channels = self.env.state_shape()[2]

    def reset(self):
        self.env.reset()
        return self._state()

    def step(self, action):
        r, done = self.env.act(action)
        return self._state(), float(r), done

    def _state(self):
        return np.ascontiguousarray(self.env.state().transpose(2, 0, 1), dtype=np.uint8)


def run(steps, warmup, pro, c_tilde, seed, game=None, log=None):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed + 100)
    env = MinAtarEnv(game, seed) if game else SyntheticEnv(seed)
    policy, target = QNetwork(env.channels), QNetwork(env.channels)
    target.load_state_dict(policy.state_dict())
    lr = 2.5e-4
    optimizer = torch.optim.RMSprop(policy.parameters(), lr=lr, alpha=0.95, eps=0.01, centered=True)
    mu = lr / c_tilde
    pairs = list(zip(policy.parameters(), target.parameters()))

    capacity = 100_000
    states = np.zeros((capacity, env.channels, 10, 10), dtype=np.uint8)
    next_states = np.zeros_like(states)
    actions = np.zeros(capacity, dtype=np.int64)
    rewards = np.zeros(capacity, dtype=np.float32)
    terminals = np.zeros(capacity, dtype=np.float32)
    size = cursor = updates = 0

    s = env.reset()
    start = None
    episode_return, episode_start = 0.0, 0
    log_file = open(log, "w") if log else None
    if log_file:
        log_file.write("step,return,length\n")
    for t in range(warmup + steps):
        if t == warmup:
            start = time.perf_counter()
        # MinAtar's schedule: random before the warm-up, then 1 -> 0.1 over 100k frames.
        epsilon = 1.0 if t < warmup else max(0.1, 1.0 + (0.1 - 1.0) / 100_000 * (t - warmup))
        if rng.random() < epsilon:
            a = int(rng.integers(0, 6))
        else:
            with torch.no_grad():
                a = int(policy(torch.from_numpy(s).float().unsqueeze(0)).argmax(1).item())
        s2, r, done = env.step(a)
        states[cursor], next_states[cursor] = s, s2
        actions[cursor], rewards[cursor], terminals[cursor] = a, r, float(done)
        cursor = (cursor + 1) % capacity
        size = min(size + 1, capacity)
        episode_return += r
        if done:
            if log_file:
                log_file.write(f"{t + 1},{episode_return:g},{t + 1 - episode_start}\n")
            episode_return, episode_start = 0.0, t + 1
        s = env.reset() if done else s2

        if t + 1 > warmup:
            idx = rng.integers(0, size, size=32)
            bs = torch.from_numpy(states[idx]).float()
            bs2 = torch.from_numpy(next_states[idx]).float()
            ba = torch.from_numpy(actions[idx])
            br = torch.from_numpy(rewards[idx])
            bt = torch.from_numpy(terminals[idx])
            q = policy(bs).gather(1, ba.unsqueeze(1)).squeeze(1)
            with torch.no_grad():
                y = br + 0.99 * (1 - bt) * target(bs2).max(1).values
            loss = F.smooth_l1_loss(q, y)
            optimizer.zero_grad()
            loss.backward()
            if pro:
                with torch.no_grad():
                    for w, theta in pairs:
                        w.lerp_(theta, mu)
            optimizer.step()
            updates += 1
            if updates % 1000 == 0:
                target.load_state_dict(policy.state_dict())
    if log_file:
        log_file.close()
    return steps / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--c-tilde", type=float, default=0.2)
    parser.add_argument("--game", default=None, help="a MinAtar game (needs the minatar package) instead of the synthetic env")
    parser.add_argument("--log", default=None, help="write the episodes (step,return,length) of the DQN run of repeat r to LOG-r.csv")
    parser.add_argument("--dqn-only", action="store_true", help="skip the dqn-pro half of each repeat")
    args = parser.parse_args()
    torch.set_num_threads(1)
    dqn, pro = [], []
    for r in range(args.repeats):
        dqn.append(run(args.steps, args.warmup, False, args.c_tilde, r, args.game, f"{args.log}-{r}.csv" if args.log else None))
        pro.append(dqn[-1] if args.dqn_only else run(args.steps, args.warmup, True, args.c_tilde, r, args.game))
        print(f"repeat {r + 1}: dqn {dqn[-1]:.0f} steps/s, dqn-pro {pro[-1]:.0f} steps/s", flush=True)
    md, mp = float(np.median(dqn)), float(np.median(pro))
    workload = f"minatar:{args.game}" if args.game else "synthetic"
    print(f"python/pytorch {torch.__version__} {workload} (one update per step, batch 32): dqn median {md:.0f} steps/s, "
          f"dqn-pro median {mp:.0f} steps/s, Pro overhead {100 * (md / mp - 1):.1f}%")


if __name__ == "__main__":
    main()
