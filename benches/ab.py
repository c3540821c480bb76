#!/usr/bin/env python3
"""Before/after figures: two builds (or any commands) run alternately, medians printed.

The machine's speed drifts by up to 15% over minutes, so two binaries are compared by running
them in turn, each run of one next to a run of the other, rather than one after the other.

usage:
  benches/ab.py [--runs N] NAME=COMMAND NAME=COMMAND…
      wall (the script's clock), CPU (user + sys of the children) and peak RSS (GNU time)
      of each command, run in turn N times (default 7); medians.
  benches/ab.py --counts NAME=COMMAND NAME=COMMAND…
      each command once under cachegrind: instructions, first-level data cache read misses
      and read misses of a 1 MiB last level (this machine's second-level cache per core),
      with ratios to the first command. Counts that machine noise does not move (a command
      with `--jobs 1` gives the same figures run after run); about 60× slower than a run.
  benches/ab.py [--runs N] --phases NAME=COMMAND NAME=COMMAND…
      commands that print `--verbose` phase times (`palisade check -v …`), run in turn N
      times: the best and the median of each phase. A phase's best is its cost with the
      least interference: on a noisy machine it tells a few milliseconds apart where whole
      runs cannot.
  benches/ab.py [--runs N] --idle NAME=COMMAND NAME=COMMAND…
      each command run in turn N times under `perf record` (4 kHz, every thread): its wall
      time, and the core time left idle while it ran (a core is busy in a 5 ms slice when
      the process has 20 samples in it; idle is what the machine's cores less the busy ones
      leave). Medians. Idle time is what parallel phases whose tasks end apart (and serial
      phases) cost a run: it tells them from work that takes longer, which wall time alone
      cannot.
  benches/ab.py [--runs N] [--to-file] --cold-warm NAME=BINARY… -- DIR
      `BINARY check --jobs 2 --format json DIR` with an emptied cache (cold), then, after the
      files' stamps have settled, three runs with the cache filled (warm), N times per binary
      in turn; medians and the cold ÷ warm ratio. `--to-file`: the report goes to a new file
      (as `benches/run.py` writes it) rather than to /dev/null; the previous run's file is
      removed before the clock starts.
  benches/ab.py [--runs N] [--to-file] --stale NAME=BINARY… -- DIR
      A copy of DIR; each binary fills a cache of its own; then N times: one file of the copy
      is edited, and each binary checks the copy (one file changed since its cache entry).
      Medians, against the warm run of the same binary.

Example (the fifth round's build against the current one, 10k corpus):
  benches/ab.py "old=/tmp/old/palisade check --no-cache --jobs 2 --format json benches/corpus/n10000" \\
                "new=target/release/palisade check --no-cache --jobs 2 --format json benches/corpus/n10000"
"""

from __future__ import annotations

import os
import re
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


# Where `--to-file` sends reports (None: /dev/null).
REPORT: str | None = None


def run(cmd: list[str], env: dict | None = None) -> tuple[float, float, float]:
    """Wall s, CPU s and peak RSS MB of one run of `cmd`."""
    if REPORT and os.path.exists(REPORT):
        os.remove(REPORT)
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tv:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        with open(REPORT or os.devnull, "w") as out:
            subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tv.name, *cmd],
                           stdout=out, stderr=subprocess.DEVNULL, env=env)
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


# The figures of cachegrind's summary that `cachegrind` reads: their label, and the name each gets.
CACHEGRIND_FIGURES = {"I   refs:": "instructions", "D1  misses:": "D1 read misses",
                      "LLd misses:": "LL read misses"}


def cachegrind(cmd: list[str], cache_sim: bool = True) -> tuple[dict[str, int], int]:
    """Runs `cmd` once under cachegrind: the figures of its summary (the instructions; with
    `cache_sim`, also the read misses of the first level and of a 1 MiB last level, this
    machine's second-level cache per core) and the command's exit code. Also used by run.py's
    `--instructions`."""
    sim = ["--cache-sim=yes", "--LL=1048576,16,64"] if cache_sim else ["--cache-sim=no"]
    done = subprocess.run(["valgrind", "--tool=cachegrind", *sim,
                           "--cachegrind-out-file=/dev/null", *cmd],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    figures = {}
    for line in done.stderr.splitlines():
        for label, key in CACHEGRIND_FIGURES.items():
            if label in line:
                # "D1  misses:  37,234,468  (27,418,106 rd + 9,816,362 wr)": reads only.
                after = line.split(label, 1)[1]
                inner = after.split("(", 1)[1] if "(" in after else after
                figures[key] = int(inner.split()[0].replace(",", ""))
    return figures, done.returncode


def counts(named: list[tuple[str, list[str]]]) -> None:
    if not shutil.which("valgrind"):
        sys.exit("--counts needs valgrind (apt-get install valgrind)")
    rows = []
    for name, cmd in named:
        figures, code = cachegrind(cmd)
        if len(figures) != len(CACHEGRIND_FIGURES):
            sys.exit(f"{name}: no cachegrind summary (exit {code})")
        rows.append((name, figures))
    first = rows[0][1]
    for name, figures in rows:
        cells = "  ".join(f"{key} {figures[key]:>14,} ({figures[key] / first[key]:.3f})"
                          for key in CACHEGRIND_FIGURES.values())
        print(f"{name:16s} {cells}")


def phases(named: list[tuple[str, list[str]]], runs: int) -> None:
    timed = re.compile(r"^\s*([\d.]+) ms  (.*)$", re.M)
    seen: dict[str, dict[str, list[float]]] = {name: {} for name, _ in named}
    order: list[str] = []
    for _ in range(runs):
        for name, cmd in named:
            done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  text=True)
            for ms, phase in timed.findall(done.stderr):
                seen[name].setdefault(phase, []).append(float(ms))
                if phase not in order:
                    order.append(phase)
    for name, _ in named:
        print(name)
        for phase in order:
            if phase in seen[name]:
                t = seen[name][phase]
                print(f"  {phase:44s} best {min(t):7.1f} ms  median {statistics.median(t):7.1f} ms")


def idle(named: list[tuple[str, list[str]]], runs: int) -> None:
    if not shutil.which("perf"):
        sys.exit("--idle needs perf (apt-get install linux-perf)")
    hz, slice_ms = 4000, 5
    per_slice = hz * slice_ms // 1000
    cores = os.cpu_count() or 1
    seen: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in named}
    with tempfile.TemporaryDirectory(prefix="palisade-idle-") as tmp:
        data = os.path.join(tmp, "perf.data")
        for _ in range(runs):
            for name, cmd in named:
                subprocess.run(["perf", "record", "-q", "-F", str(hz), "-o", data, "--", *cmd],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                script = subprocess.run(["perf", "script", "-i", data, "-F", "time"],
                                        capture_output=True, text=True).stdout
                times = [float(t.rstrip(":")) for t in script.split()]
                if not times:
                    sys.exit(f"{name}: perf recorded no samples")
                start = times[0]
                slices: dict[int, int] = {}
                for t in times:
                    k = int((t - start) * 1000 / slice_ms)
                    slices[k] = slices.get(k, 0) + 1
                last = max(slices)
                idle_ms = sum(max(0.0, cores - min(cores, slices.get(k, 0) / per_slice)) * slice_ms
                              for k in range(last))
                seen[name].append(((times[-1] - start) * 1000, idle_ms))
    for name, _ in named:
        wall = statistics.median(w for w, _ in seen[name])
        gone = statistics.median(i for _, i in seen[name])
        print(f"{name:16s} wall {wall:6.0f} ms  idle {gone:5.0f} core-ms "
              f"({gone / (wall * cores):.0%} of {cores} cores)")


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


def stale(named: list[tuple[str, str]], directory: str, runs: int) -> None:
    work = tempfile.mkdtemp(prefix="palisade-ab-")
    copy = os.path.join(work, "inputs")
    shutil.copytree(directory, copy, symlinks=True)
    edited = next(
        (os.path.join(root, f) for root, _, files in sorted(os.walk(copy))
         for f in sorted(files) if f.endswith((".yaml", ".yml"))),
        None,
    )
    if edited is None:
        sys.exit(f"no YAML file under {directory} to edit")
    envs = {name: dict(os.environ, XDG_CACHE_HOME=os.path.join(work, f"cache-{i}"))
            for i, (name, _) in enumerate(named)}
    cmds = {name: [binary, "check", "--jobs", "2", "--format", "json", copy]
            for name, binary in named}
    warm = {name: [] for name, _ in named}
    changed = {name: [] for name, _ in named}
    try:
        for name, _ in named:
            run(cmds[name], envs[name])
        time.sleep(SETTLED)
        for name, _ in named:
            run(cmds[name], envs[name])  # records the settled stamps
            warm[name].extend(run(cmds[name], envs[name])[0] for _ in range(3))
        for i in range(runs):
            # A comment line: the findings stay the same, the file's content and stamp change.
            with open(edited, "a") as f:
                f.write(f"\n# edit {i}\n")
            for name, _ in named:
                changed[name].append(run(cmds[name], envs[name])[0])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for name, _ in named:
        w, c = statistics.median(warm[name]), statistics.median(changed[name])
        print(f"{name:16s} warm {w:.3f} s  one file edited {c:.3f} s  ({c / w:.1f}× warm)")


def commands(args: list[str]) -> list[tuple[str, list[str]]]:
    """`NAME=COMMAND` arguments as (name, command words); usage for anything else."""
    if not args or any("=" not in a or a.startswith("-") for a in args):
        sys.exit(__doc__)
    return [(a.split("=", 1)[0], shlex.split(a.split("=", 1)[1])) for a in args]


def main(argv: list[str]) -> None:
    global REPORT
    runs = 7
    if argv[:1] == ["--runs"]:
        runs, argv = int(argv[1]), argv[2:]
    report_dir = None
    if argv[:1] == ["--to-file"]:
        report_dir = tempfile.mkdtemp(prefix="palisade-ab-report-")
        REPORT, argv = os.path.join(report_dir, "report.json"), argv[1:]
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return
    if not argv or not os.path.exists("/usr/bin/time"):
        sys.exit(__doc__)
    try:
        modes = {"--cold-warm": cold_warm, "--stale": stale}
        if argv[0] == "--counts":
            counts(commands(argv[1:]))
        elif argv[0] == "--phases":
            phases(commands(argv[1:]), runs)
        elif argv[0] == "--idle":
            idle(commands(argv[1:]), runs)
        elif argv[0] in modes:
            if "--" not in argv or argv.index("--") + 2 != len(argv):
                sys.exit(__doc__)
            named = [tuple(a.split("=", 1)) for a in argv[1:argv.index("--")]]
            modes[argv[0]](named, argv[-1], runs)
        else:
            alternate(commands(argv), runs)
    finally:
        if report_dir:
            shutil.rmtree(report_dir, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
