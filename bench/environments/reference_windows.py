"""Speed of the Python reference MinAtar games, measured like `Research.Bench.Environments --quick --windows`.

The reference (kenjyoung/MinAtar 1.0.15, GPL-3) is not part of this repository: put its `minatar`
package on PYTHONPATH (or pass --reference DIR, the folder that holds it). Needs numpy
(Debian: python3-numpy).

Per game: Environment(game) with the defaults (sticky 0.1, ramping on), seed 0, reset; random actions
0..5 from numpy's RandomState(0), cycled. Per step act(a), state(), reset() when done. After 5000
warm-up steps, W windows of S steps each (default 100 x 5000); prints the fastest window's steps per
second (the estimate of the code's own speed on a shared host, where noise comes in bursts), and the
10th percentile and median.

    /usr/bin/python3 bench/environments/reference_windows.py --reference /path/to/MinAtar [--games a,b] [--windows 100] [--steps 5000]
"""
import argparse
import logging
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--reference', help='folder containing the minatar package (else PYTHONPATH)')
    ap.add_argument('--games', default='asterix,breakout,freeway,seaquest,space_invaders')
    ap.add_argument('--windows', type=int, default=100)
    ap.add_argument('--steps', type=int, default=5000)
    args = ap.parse_args()
    if args.reference:
        sys.path.insert(0, args.reference)
    logging.disable(logging.WARNING)  # the reference warns when matplotlib is missing
    import numpy as np
    from minatar import Environment

    actions = np.random.RandomState(0).randint(0, 6, size=100000).tolist()
    print('game            fastest steps/s   p10 steps/s  median steps/s  (%d windows of %d steps)' % (args.windows, args.steps))
    for game in args.games.split(','):
        env = Environment(game)
        env.seed(0)
        env.reset()
        act, state, reset = env.act, env.state, env.reset
        position = [0]

        def window(n):
            i = position[0]
            start = time.perf_counter()
            for _ in range(n):
                _, done = act(actions[i])
                state()
                if done:
                    reset()
                i += 1
                if i == len(actions):
                    i = 0
            position[0] = i
            return (time.perf_counter() - start) / n

        window(5000)
        seconds = sorted(window(args.steps) for _ in range(args.windows))
        print('%-15s %15.0f %13.0f %15.0f' % (game, 1 / seconds[0], 1 / seconds[len(seconds) // 10],
                                              1 / seconds[len(seconds) // 2]), flush=True)


if __name__ == '__main__':
    main()
