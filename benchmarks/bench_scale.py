"""Measure archkb at the size of an organisation: build time and memory, page weight, search, preview, portal.

    python benchmarks/bench_scale.py build   [--sizes 1000 10000] [--repeat 1]
    python benchmarks/bench_scale.py weight  [--size 10000]
    python benchmarks/bench_scale.py search  [--size 10000] [--queries 5]
    python benchmarks/bench_scale.py preview [--size 1000] [--edits 3]
    python benchmarks/bench_scale.py portal  [--kbs 10] [--size 1000]
    python benchmarks/bench_scale.py zensical [--size 1000]

Knowledge bases are written by `benchmarks/generate.py` (N ADRs, N/10 patterns) into
`--work` (default /tmp/archkb-bench-scale) and reused between parts. Every build runs as
its own `mkdocs build` process under `/usr/bin/time -v` (peak RSS of the largest process);
variants of one part run interleaved in one session and medians are printed. Results are
appended as JSON lines to WORK/results.jsonl so docs/performance.md can quote them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests"))

import generate  # noqa: E402

MKDOCS_YML = """\
site_name: Synthetic knowledge base
repo_url: https://example.invalid/kb
edit_uri: edit/main/docs/
theme:
  name: material
  features: [navigation.tabs, navigation.indexes, navigation.prune, content.action.edit]
plugins:
  - search
  - archkb:
      search: {search}
  - tags
markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc:
      permalink: true
"""
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "ARCHKB_TODAY": "2026-11-25", "DISABLE_MKDOCS_2_WARNING": "true"}


def machine() -> str:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    load = os.getloadavg()
    return (f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, {platform.system()} "
            f"{platform.release()}; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (shared machine)")


def record(work: str, part: str, data: dict[str, Any]) -> None:
    data = {"part": part, "when": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()), "machine": machine(), **data}
    print(json.dumps(data))
    with open(os.path.join(work, "results.jsonl"), "a", encoding="utf-8") as fh:
        fh.write(json.dumps(data) + "\n")


def make_kb(work: str, adrs: int, *, search: str = "auto", name: str | None = None) -> str:
    """A generated KB with a mkdocs.yml (reused when it exists); returns the mkdocs.yml path."""
    folder = os.path.join(work, name or f"kb-{adrs}")
    cfg = os.path.join(folder, "mkdocs.yml")
    if not os.path.exists(os.path.join(folder, "adr")):
        generate.generate(folder, adrs, max(1, adrs // 10))
        os.makedirs(os.path.join(folder, "docs"), exist_ok=True)
        with open(os.path.join(folder, "docs", "index.md"), "w", encoding="utf-8") as fh:
            fh.write("# Synthetic knowledge base\n\n<!-- archkb:home -->\n")
    with open(cfg, "w", encoding="utf-8") as fh:
        fh.write(MKDOCS_YML.format(search=search))
    return cfg


def timed(cmd: list[str], *, cwd: str | None = None, timeout: float = 3600) -> tuple[float, int, str]:
    """Run `cmd` under /usr/bin/time -v: (seconds, peak RSS in MB of the largest process, stderr)."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, env=ENV, cwd=cwd,
                          timeout=timeout, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr[-4000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return elapsed, int(rss.group(1)) // 1024 if rss else -1, proc.stderr


# `mkdocs build` in a process that reports its own peak RSS apart from its children's (Graphviz, Pagefind).
_BUILD = ("import resource, sys\n"
          "sys.argv = ['mkdocs', 'build', '-q', '-f', sys.argv[1], '-d', sys.argv[2]]\n"
          "from mkdocs.__main__ import cli\n"
          "try:\n    cli()\nexcept SystemExit as exc:\n    code = exc.code\nelse:\n    code = 0\n"
          "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
          " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
          "sys.exit(code)\n")


def build(cfg: str, site: str) -> tuple[float, int, str]:
    """(seconds, peak RSS of the Python build process in MB, stderr); stderr's PEAK line has the children's too."""
    t, _, err = timed([sys.executable, "-c", _BUILD, cfg, site])
    peak = re.search(r"PEAK (\d+) (\d+)", err)
    return t, int(peak.group(1)) // 1024 if peak else -1, err


def children_peak(err: str) -> int:
    peak = re.search(r"PEAK (\d+) (\d+)", err)
    return int(peak.group(2)) // 1024 if peak else -1


def dir_size(folder: str) -> int:
    return sum(os.path.getsize(os.path.join(b, n)) for b, _, names in os.walk(folder) for n in names)


def part_build(args: argparse.Namespace) -> None:
    """Build time and peak memory at each size: cold (no diagram cache) then warm, interleaved by size."""
    cfgs = {n: make_kb(args.work, n) for n in args.sizes}
    rows: dict[int, dict[str, list[float]]] = {n: {"cold": [], "warm": [], "rss_cold": [], "rss_warm": [],
                                                    "children_rss_cold": [], "children_rss_warm": []}
                                                for n in args.sizes}
    for _ in range(args.repeat):
        for n in args.sizes:
            if not args.warm_only:
                shutil.rmtree(os.path.join(os.path.dirname(cfgs[n]), ".archkb_cache"), ignore_errors=True)
                t, rss, err = build(cfgs[n], os.path.join(args.work, f"site-{n}"))
                rows[n]["cold"].append(t)
                rows[n]["rss_cold"].append(rss)
                rows[n]["children_rss_cold"].append(children_peak(err))
            t, rss, err = build(cfgs[n], os.path.join(args.work, f"site-{n}"))
            rows[n]["warm"].append(t)
            rows[n]["rss_warm"].append(rss)
            rows[n]["children_rss_warm"].append(children_peak(err))
    for n in args.sizes:
        site = os.path.join(args.work, f"site-{n}")
        r = {k: statistics.median(v) for k, v in rows[n].items() if v}
        record(args.work, "build", {"adrs": n, "patterns": max(1, n // 10), "repeat": args.repeat, **r,
                                    "site_mb": round(dir_size(site) / 1e6, 1),
                                    "pagefind_mb": round(dir_size(os.path.join(site, "pagefind")) / 1e6, 1)})


_ARTICLE = re.compile(r"<article\b.*?</article>", re.S)


def part_weight(args: argparse.Namespace) -> None:
    """Bytes of record pages outside their <article> (navigation, header, footer, TOC) in a built site."""
    site = os.path.join(args.work, f"site-{args.size}")
    folder = os.path.join(site, "decisions")
    names = sorted(n for n in os.listdir(folder) if n.startswith("ADR-"))
    sample = names[:: max(1, len(names) // 200)]
    outside, article, total = [], [], []
    for name in sample:
        with open(os.path.join(folder, name, "index.html"), encoding="utf-8") as fh:
            text = fh.read()
        match = _ARTICLE.search(text)
        inside = len(match.group(0).encode()) if match else 0
        size = len(text.encode())
        outside.append(size - inside)
        article.append(inside)
        total.append(size)
    record(args.work, "weight", {"adrs": args.size, "pages_sampled": len(sample),
                                 "outside_article_kb_median": round(statistics.median(outside) / 1024, 1),
                                 "outside_article_kb_max": round(max(outside) / 1024, 1),
                                 "article_kb_median": round(statistics.median(article) / 1024, 1),
                                 "page_kb_median": round(statistics.median(total) / 1024, 1)})


def part_search(args: argparse.Namespace) -> None:
    """First Pagefind result after typing, on a freshly opened page (new browser context each query)."""
    from playwright.sync_api import sync_playwright
    from search_probe import ARGS, CHROMIUM, serve, time_query

    site = os.path.join(args.work, f"site-{args.size}")
    ids = [f"ADR-{i:04d}" for i in range(1, args.size + 1, max(1, args.size // args.queries))][: args.queries]
    words = ["retrieval", "canary rollout", "drift threshold"][: max(1, args.queries // 2)]
    results = []
    with serve(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            for text in [*ids, *words]:
                q = time_query(browser, url + "decisions/ADR-0001/", text)
                first_ok = q.links[0].rstrip("/").endswith(text) if text.startswith("ADR-") else None
                results.append({"query": text, "seconds": round(q.seconds, 3), "from_first_key": round(q.from_first_key, 3),
                                "settled": round(q.settled, 3),
                                "kb": round(q.bytes / 1024, 1), "requests": q.requests, "id_first": first_ok})
        finally:
            browser.close()
    record(args.work, "search", {"adrs": args.size, "queries": results,
                                 "median_s": statistics.median(r["seconds"] for r in results),
                                 "max_s": max(r["seconds"] for r in results),
                                 "median_from_first_key_s": statistics.median(r["from_first_key"] for r in results),
                                 "median_settled_s": statistics.median(r["settled"] for r in results),
                                 "max_kb": max(r["kb"] for r in results)})


def part_preview(args: argparse.Namespace) -> None:
    """`mkdocs serve`: seconds from saving an edited record to the changed page being served."""
    import urllib.request

    cfg = make_kb(args.work, args.size, name=f"kb-preview-{args.size}")
    root = os.path.dirname(cfg)
    port = 8700 + os.getpid() % 200
    cmd = [os.path.join(BIN, "mkdocs"), "serve", "-f", cfg, "-a", f"127.0.0.1:{port}", "--no-livereload"]
    if args.dirty:
        cmd.append("--dirty")
    log_path = os.path.join(args.work, f"serve-{args.size}.log")
    log_file = open(log_path, "w", encoding="utf-8")
    proc = subprocess.Popen(cmd, env=ENV, stdout=log_file, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/decisions/ADR-0007/"
    rec = os.path.join(root, "adr", "ADR-0007-decision-7.yaml")

    def fetch() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return str(resp.read().decode("utf-8"))
        except OSError:
            return ""

    latencies = []
    try:
        start = time.perf_counter()
        while "ADR-0007" not in fetch():
            if proc.poll() is not None or time.perf_counter() - start > 1200:
                raise SystemExit("mkdocs serve did not come up")
            time.sleep(0.5)
        first = time.perf_counter() - start
        time.sleep(args.settle)  # let the first search index finish in the background
        with open(rec, encoding="utf-8") as fh:
            original = fh.read()
        for i in range(args.edits):
            time.sleep(3)
            marker = f"Previewmarker{i}x{int(time.time())}"
            text = re.sub(r"^title: .*$", f"title: Edited {marker}", original, count=1, flags=re.M)
            t0 = time.perf_counter()
            with open(rec, "w", encoding="utf-8") as fh:
                fh.write(text)
            while marker not in fetch():
                if time.perf_counter() - t0 > 600:
                    raise SystemExit("the edit never showed")
                time.sleep(0.05)
            latencies.append(time.perf_counter() - t0)
        with open(rec, "w", encoding="utf-8") as fh:
            fh.write(original)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log_file.close()
    record(args.work, "preview", {"adrs": args.size, "dirty": args.dirty, "first_build_s": round(first, 1),
                                  "edit_to_page_s": [round(x, 2) for x in latencies],
                                  "median_s": round(statistics.median(latencies), 2)})


def part_portal(args: argparse.Namespace) -> None:
    """A portal over KBS generated knowledge bases of SIZE decisions each: build time and memory."""
    portal = os.path.join(args.work, f"portal-{args.kbs}x{args.size}")
    if not os.path.exists(os.path.join(portal, "archkb.yaml")):
        os.makedirs(portal, exist_ok=True)
        lines = ["title: Synthetic portal", "sources:"]
        for i in range(args.kbs):
            name = f"team{i:02d}"
            team = os.path.join(args.work, "teams", f"{name}-{args.size}")
            if not os.path.exists(os.path.join(team, "adr")):
                generate.generate(team, args.size, max(1, args.size // 10), seed=100 + i)
            lines += [f"  - name: {name}", f"    path: {team}", f"    edit_uri: https://example.invalid/{name}/edit/main/"]
        with open(os.path.join(portal, "archkb.yaml"), "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        os.makedirs(os.path.join(portal, "docs"), exist_ok=True)
        with open(os.path.join(portal, "docs", "index.md"), "w", encoding="utf-8") as fh:
            fh.write("# Portal\n\n<!-- archkb:home -->\n")
    cfg = os.path.join(portal, "mkdocs.yml")
    with open(cfg, "w", encoding="utf-8") as fh:
        fh.write(MKDOCS_YML.format(search="pagefind"))
    check_t, check_rss, _ = timed([os.path.join(BIN, "archkb"), "check", portal])
    site = os.path.join(args.work, f"site-portal-{args.kbs}x{args.size}")
    cold_t, cold_rss, _ = build(cfg, site)
    warm_t, warm_rss, _ = build(cfg, site)
    pages = sum(1 for _, _, names in os.walk(site) for n in names if n == "index.html")
    record(args.work, "portal", {"kbs": args.kbs, "adrs_each": args.size, "check_s": round(check_t, 1),
                                 "check_rss_mb": check_rss, "cold_s": round(cold_t, 1), "cold_rss_mb": cold_rss,
                                 "warm_s": round(warm_t, 1), "warm_rss_mb": warm_rss, "html_pages": pages})


def part_zensical(args: argparse.Namespace) -> None:
    """`archkb export-site` output built by Zensical beside the same output built by MkDocs with Material."""
    cfg = make_kb(args.work, args.size, search="material")
    export = os.path.join(args.work, f"export-{args.size}")
    subprocess.run([os.path.join(BIN, "archkb"), "export-site", export, "-f", cfg], check=True,
                   capture_output=True, env=ENV)
    zt, mt, zr, mr = [], [], [], []
    for _ in range(args.repeat):
        shutil.rmtree(os.path.join(export, "site"), ignore_errors=True)
        t, rss, _ = timed([os.path.join(BIN, "zensical"), "build", "--clean"], cwd=export)
        zt.append(t)
        zr.append(rss)
        t, rss, _ = build(os.path.join(export, "mkdocs.yml"), os.path.join(args.work, f"site-material-{args.size}"))
        mt.append(t)
        mr.append(rss)
    record(args.work, "zensical", {"adrs": args.size, "repeat": args.repeat,
                                   "zensical_s": round(statistics.median(zt), 1), "zensical_rss_mb": max(zr),
                                   "material_s": round(statistics.median(mt), 1), "material_rss_mb": max(mr)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["build", "weight", "search", "preview", "portal", "zensical"])
    parser.add_argument("--work", default="/tmp/archkb-bench-scale")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--size", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--warm-only", action="store_true")
    parser.add_argument("--queries", type=int, default=5)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--dirty", action="store_true", help="preview with `mkdocs serve --dirty`")
    parser.add_argument("--kbs", type=int, default=10)
    parser.add_argument("--settle", type=float, default=20, help="seconds to wait after serve's first build")
    args = parser.parse_args(argv)
    if args.size is None:
        args.size = {"weight": 10000, "search": 10000}.get(args.part, 1000)
    os.makedirs(args.work, exist_ok=True)
    print(f"machine: {machine()}", file=sys.stderr)
    {"build": part_build, "weight": part_weight, "search": part_search, "preview": part_preview,
     "portal": part_portal, "zensical": part_zensical}[args.part](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
