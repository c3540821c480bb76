#!/usr/bin/env python3
"""Before/after figures: two builds (or any commands) run alternately, medians printed.

The machine's speed drifts by up to 15% over minutes, so two binaries are compared by running
them in turn, each run of one next to a run of the other, rather than one after the other.

usage:
  benches/ab.py [--runs N] NAME=COMMAND NAME=COMMAND…
      wall (the script's clock), CPU (user + sys of the children) and peak RSS (GNU time)
      of each command, run in turn N times (default 7); medians.
  benches/ab.py [--runs N] --cold-warm NAME=BINARY… -- DIR
      `BINARY check --jobs 2 --format json DIR` with an emptied cache (cold), then, after the
      files' stamps have settled, three runs with the cache filled (warm), N times per binary
      in turn; medians and the cold ÷ warm ratio.

Example (the fifth round's build against the current one, 10k corpus):
  benches/ab.py "old=/tmp/old/palisade check --no-cache --jobs 2 --format json benches/corpus/n10000" \\
                "new=target/release/palisade check --no-cache --jobs 2 --format json benches/corpus/n10000"
"""

from __future__ import annotations

import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# A file modified less than this before a run is not trusted by its stamp (driver/cache.rs).
SETTLED = 2.2


def run(cmd: list[str], env: dict | None = None) -> tuple[float, float, float]:
    """Wall s, CPU s and peak RSS MB of one run of `cmd`."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tv:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tv.name, *cmd],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        rss = int(tv.read().strip().splitlines()[-1]) / 1024
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, rss


def alternate(named: list[tuple[str, list[str]]], runs: int) -> None:
    samples = {name: [] for name, _ in named}
    for _ in range(runs):
        for name, cmd in named:
            samples[name].append(run(cmd))
    for name, _ in named:
        wall, cpu, rss = (statistics.median(s[i] for s in samples[name]) for i in range(3))
        print(f"{name:16s} wall {wall:.3f} s  cpu {cpu:.2f} s  rss {rss:.0f} MB")


def cold_warm(named: list[tuple[str, str]], directory: str, runs: int) -> None:
    cache = tempfile.mkdtemp(prefix="palisade-ab-")
    env = dict(os.environ, XDG_CACHE_HOME=cache)
    cold = {name: [] for name, _ in named}
    warm = {name: [] for name, _ in named}
    try:
        for _ in range(runs):
            for name, binary in named:
                cmd = [binary, "check", "--jobs", "2", "--format", "json", directory]
                shutil.rmtree(cache, ignore_errors=True)
                cold[name].append(run(cmd, env)[0])
                time.sleep(SETTLED)
                run(cmd, env)  # records the settled stamps
                warm[name].extend(run(cmd, env)[0] for _ in range(3))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    for name, _ in named:
        c, w = statistics.median(cold[name]), statistics.median(warm[name])
        print(f"{name:16s} cold {c:.3f} s  warm {w:.3f} s  cold ÷ warm {c / w:.1f}×")


def main(argv: list[str]) -> None:
    runs = 7
    if argv[:1] == ["--runs"]:
        runs, argv = int(argv[1]), argv[2:]
    if not argv or not os.path.exists("/usr/bin/time"):
        sys.exit(__doc__)
    if argv[0] == "--cold-warm":
        if "--" not in argv or argv.index("--") + 2 != len(argv):
            sys.exit(__doc__)
        named = [tuple(a.split("=", 1)) for a in argv[1:argv.index("--")]]
        cold_warm(named, argv[-1], runs)
    else:
        alternate([(a.split("=", 1)[0], shlex.split(a.split("=", 1)[1])) for a in argv], runs)


if __name__ == "__main__":
    main(sys.argv[1:])
