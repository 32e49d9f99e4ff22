"""Time the site build: the archkb plugin (cold and warm diagram cache) against a plain `mkdocs build`
of the `archkb export-site` output (same pages, same nav, already written), at two sizes.

    python benchmarks/bench_site.py [--adrs 1000] [--patterns 100] [--repeat 3]

Every build runs as its own `mkdocs build` process, interleaved, and medians are reported
side by side from one run on one machine, with the machine described. Targets (DESIGN.md):
plugin build <= 1.5x the plain build; the second build draws 0 diagrams; 10x the records
costs <= 11x the time.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, HERE)

import generate  # noqa: E402

from archkb.core.cache import cache_dir  # noqa: E402

MKDOCS_YML = """\
site_name: Synthetic knowledge base
repo_url: https://example.invalid/kb
edit_uri: edit/main/docs/
theme:
  name: material
  features: [navigation.tabs, navigation.indexes, navigation.prune, content.action.edit]
plugins:
  - search
  - archkb
  - tags
markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc:
      permalink: true
"""


def make_kb(folder: str, adrs: int, patterns: int) -> str:
    generate.generate(folder, adrs, patterns)
    os.makedirs(os.path.join(folder, "docs"), exist_ok=True)
    with open(os.path.join(folder, "docs", "index.md"), "w", encoding="utf-8") as fh:
        fh.write("# Synthetic knowledge base\n\n<!-- archkb:home -->\n")
    path = os.path.join(folder, "mkdocs.yml")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(MKDOCS_YML)
    return path


def mkdocs_build(config_file: str, site_dir: str) -> tuple[float, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "ARCHKB_TODAY": "2026-11-25"}
    start = time.perf_counter()
    proc = subprocess.run([os.path.join(BIN, "mkdocs"), "build", "-f", config_file, "-d", site_dir],
                          capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"mkdocs build failed for {config_file}:\n{proc.stderr[-3000:]}")
    return elapsed, proc.stderr


def drawn(log: str) -> int:
    match = re.search(r"diagrams: (\d+) drawn", log)
    return int(match.group(1)) if match else -1


def measure(work: str, adrs: int, patterns: int, repeat: int) -> dict[str, float]:
    kb = os.path.join(work, f"kb-{adrs}")
    cfg = make_kb(kb, adrs, patterns)
    export = os.path.join(work, f"export-{adrs}")
    subprocess.run([os.path.join(BIN, "archkb"), "export-site", export, "-f", cfg], check=True,
                   capture_output=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    cache = cache_dir(kb, "svg")
    cold, warm, plain, drawn_cold, drawn_warm = [], [], [], [], []
    for _ in range(repeat):
        shutil.rmtree(cache, ignore_errors=True)
        t, log = mkdocs_build(cfg, os.path.join(work, "site-cold"))
        cold.append(t)
        drawn_cold.append(drawn(log))
        t, log = mkdocs_build(cfg, os.path.join(work, "site-warm"))
        warm.append(t)
        drawn_warm.append(drawn(log))
        t, _ = mkdocs_build(os.path.join(export, "mkdocs.yml"), os.path.join(work, "site-plain"))
        plain.append(t)
    pages = sum(1 for _, _, names in os.walk(os.path.join(export, "docs")) for n in names if n.endswith(".md"))
    return {"adrs": adrs, "patterns": patterns, "pages": pages,
            "cold": statistics.median(cold), "warm": statistics.median(warm), "plain": statistics.median(plain),
            "drawn_cold": max(drawn_cold), "drawn_warm": max(drawn_warm)}


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adrs", type=int, default=1000)
    parser.add_argument("--patterns", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if shutil.which("dot") is None:
        print("Graphviz `dot` is needed", file=sys.stderr)
        return 2
    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    with tempfile.TemporaryDirectory(prefix="archkb-bench-site-") as work:
        small = measure(work, args.adrs // 10, max(1, args.patterns // 10), args.repeat)
        big = measure(work, args.adrs, args.patterns, args.repeat)
    print(f"{'records':>16} {'pages':>6} {'plugin cold':>12} {'plugin warm':>12} {'plain':>8} "
          f"{'cold/plain':>10} {'warm/plain':>10} {'drawn cold':>10} {'drawn warm':>10}")
    for r in (small, big):
        print(f"{r['adrs']:>6} + {r['patterns']:>3} pat {r['pages']:>6} {r['cold']:>11.2f}s {r['warm']:>11.2f}s "
              f"{r['plain']:>7.2f}s {r['cold'] / r['plain']:>10.2f} {r['warm'] / r['plain']:>10.2f} "
              f"{r['drawn_cold']:>10} {r['drawn_warm']:>10}")
    print(f"growth {small['adrs']} -> {big['adrs']} decisions: plugin cold {big['cold'] / small['cold']:.2f}x, "
          f"warm {big['warm'] / small['warm']:.2f}x, plain {big['plain'] / small['plain']:.2f}x "
          f"(median of {args.repeat})")
    ok = big["warm"] <= 1.5 * big["plain"] and big["drawn_warm"] == 0 and big["warm"] <= 11 * small["warm"]
    print("targets met (warm build)" if ok else "targets NOT all met: see the table")
    return 0


if __name__ == "__main__":
    sys.exit(main())
