"""Time `archkb check` against the floor of merely parsing the same files with CSafeLoader.

    python benchmarks/bench_check.py [--adrs 10000] [--small 1000] [--rounds 3]

Each measurement is a fresh process (interpreter start-up and imports included on both
sides), rounds are interleaved so machine noise hits every variant alike, and medians are
reported with their ratios. Variants: floor (read + `yaml.load(CSafeLoader)` of every
record file), cold (`archkb check --no-cache`), warm (`archkb check` with the cache of a
previous run and no file changed), and cold on a ten-times-smaller KB for the growth ratio.
Peak memory is the child's max RSS.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from generate import generate  # noqa: E402

FLOOR = """
import glob, os, resource, sys, yaml
root = sys.argv[1]
for folder in ("adr", "patterns", "checklists", "reviews"):
    for path in sorted(glob.glob(os.path.join(root, folder, "*.yaml"))):
        with open(path, "rb") as fh:
            yaml.load(fh.read().decode("utf-8"), Loader=yaml.CSafeLoader)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""
CHECK = """
import resource, sys
from archkb.cli import main
rc = main(["check", "--format=json", *sys.argv[1:]])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(0 if rc in (0, 1) else rc)
"""


def run(code: str, *args: str) -> tuple[float, int]:
    """Seconds and peak RSS (KiB) of one fresh Python process running `code`."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return elapsed, int(proc.stderr.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adrs", type=int, default=10_000)
    parser.add_argument("--patterns", type=int, default=100)
    parser.add_argument("--small", type=int, default=None, help="ADRs in the small KB (default: adrs / 10)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    small = args.small or max(1, args.adrs // 10)
    with tempfile.TemporaryDirectory(prefix="archkb-bench-") as tmp:
        big, little = os.path.join(tmp, "big"), os.path.join(tmp, "small")
        generate(big, args.adrs, args.patterns)
        generate(little, small, max(1, args.patterns // 10))
        times: dict[str, list[float]] = {"floor": [], "cold": [], "warm": [], "floor_small": [], "cold_small": []}
        rss: dict[str, int] = {}
        for _ in range(args.rounds):
            for name, code, cargs in (
                ("floor", FLOOR, [big]),
                ("cold", CHECK, ["--no-cache", big]),
                ("floor_small", FLOOR, [little]),
                ("cold_small", CHECK, ["--no-cache", little]),
            ):
                seconds, peak = run(code, *cargs)
                times[name].append(seconds)
                rss[name] = max(rss.get(name, 0), peak)
            run(CHECK, big)  # fill the cache
            seconds, peak = run(CHECK, big)
            times["warm"].append(seconds)
            rss["warm"] = max(rss.get("warm", 0), peak)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    print(f"KB: {args.adrs} ADRs + {args.patterns} patterns (small: {small}); {args.rounds} rounds, medians")
    for name in ("floor", "cold", "warm", "floor_small", "cold_small"):
        print(f"  {name:<12} {med[name]:8.2f} s   peak RSS {rss[name] / 1024:7.0f} MB")
    cold_ratio = med["cold"] / med["floor"]
    warm_ratio = med["warm"] / med["floor"]
    growth = med["cold"] / med["cold_small"]
    peak_mb = rss["cold"] / 1024
    print(f"cold / floor      = {cold_ratio:.2f}x  (target <= 1.30)  {'ok' if cold_ratio <= 1.3 else 'MISSED'}")
    print(f"warm / floor      = {warm_ratio:.2f}x  (target <= 0.20)  {'ok' if warm_ratio <= 0.2 else 'MISSED'}")
    print(f"10x records cost  = {growth:.2f}x  (target <= 11)    {'ok' if growth <= 11 else 'MISSED'}")
    print(f"peak memory, cold = {peak_mb:.0f} MB (target <= 500)  {'ok' if peak_mb <= 500 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
