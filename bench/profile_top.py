"""Summarise a py-spy collapsed-stack file: where the server's samples go.

    .venv/bin/python bench/profile_top.py FILE [--own] [--match TEXT]

Prints the share of samples per function (inclusive: the function is anywhere on the stack;
--own: the function is at the top), the 40 largest first. --match keeps only the stacks that
contain TEXT (e.g. a handler's name), so a share is of that handler's samples.
"""

import argparse
from collections import Counter
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--own", action="store_true")
    parser.add_argument("--match", default="")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    total = 0
    for line in Path(args.file).read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit() or (args.match and args.match not in stack):
            continue  # a line py-spy cut short (the server was stopped mid-write)
        samples = int(n)
        total += samples
        frames = [f.split(" (")[0] + " " + f.split("/")[-1].split(":")[0] for f in stack.split(";")]
        if args.own:
            counts[frames[-1]] += samples
        else:
            for frame in set(frames):
                counts[frame] += samples
    print(f"{total} samples")
    for frame, n in counts.most_common(args.top):
        print(f"{100 * n / max(total, 1):5.1f}%  {frame}")


if __name__ == "__main__":
    main()
