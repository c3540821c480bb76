#!/usr/bin/env python3
"""Palisade's benchmark suite: one command, figures as ratios against peers measured in the same run.

    python3 benches/run.py --sizes 1000,10000 --runs 3            # the documented run
    python3 benches/run.py --sizes 1000,10000,50000 --compose 1000,10000 --rulesets 1000,10000,100000
    python3 benches/run.py --sizes 200 --runs 1 --smoke --profile dev   # CI smoke run: checks it works

What it does, per corpus size N (files):
  1. builds `palisade` and the parse floor (`cargo build --release --bin palisade --example
     parse_floor`; `--profile dev` takes the debug build instead, which `cargo test` has
     already made: figures from it mean nothing, the smoke run only checks that every step
     works) and the peer harnesses in `benches/peers/` (a separate cargo project: regorus
     and a saphyr parse floor), and creates `benches/.venv` with Checkov (PyPI) if missing;
  2. generates the corpus with `benches/gen_k8s_corpus.py` (deterministic; ground-truth counts
     in `corpus/nN.expected.json`);
  3. runs every configuration `--runs` times on 1 and 2 threads, in rounds (each
     configuration once per round, so that the machine's drift weighs on all of them alike),
     and keeps the median wall time (the script's own clock), CPU time (user + sys, from the
     children's resource usage) and its system part, peak RSS and page faults (from
     `/usr/bin/time -v`: what memory a run touches costs the kernel, unseen by instruction
     counts);
  4. compares the violation counts of Palisade, regorus and Checkov with the ground truth;
  5. times a cold run of `palisade check` (empty cache) against a warm re-run (the cache the
     cold run filled), in rounds too;
  6. with `--instructions`, counts the instructions of each Palisade configuration on one
     thread under cachegrind (valgrind): figures that machine noise does not move, which the
     same code repeats within 0.1% (hashing is seeded per process; about 40 s at 10k files);
  7. writes `benches/results/nN.json` and `benches/results/report.md` (tables as in
     docs/benchmarks.md) and prints the tables.

A missing peer (no network for PyPI, a failed build) is reported and skipped, never fatal.
Checkov is slow (about 12 s at 1k files, 85-730 s at 10k): it runs only on sizes up to
`--checkov-max` (default 1000). Timings are whole-process: start-up included.
Nothing here asserts a speed: the script prints figures.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from ab import cachegrind  # noqa: E402
from compare_counts import CHECKS, load_checkov  # noqa: E402

PALISADE = os.path.join(ROOT, "target", "release", "palisade")
FLOOR = os.path.join(ROOT, "target", "release", "examples", "parse_floor")
PROFILE = "release"
PEERS = os.path.join(HERE, "peers")
REGORUS = os.path.join(PEERS, "target", "release", "regorus-harness")
SAPHYR = os.path.join(PEERS, "target", "release", "saphyr-floor")
VENV = os.path.join(HERE, ".venv")
CHECKOV = os.path.join(VENV, "bin", "checkov")
CHECKOV_VERSION = "3.3.30"
CHECKOV_IDS = ("CKV_K8S_16,CKV_K8S_20,CKV_K8S_23,CKV_K8S_22,CKV_K8S_17,CKV_K8S_18,CKV_K8S_19,"
               "CKV_K8S_11,CKV_K8S_13,CKV_K8S_14,CKV_K8S_43,CKV_K8S_37,CKV_K8S_25,CKV_K8S_39")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def sh(cmd: list[str], cwd: str | None = None, quiet: bool = True) -> bool:
    """Runs a set-up step; False (with its output) when it fails."""
    r = subprocess.run(cmd, cwd=cwd, capture_output=quiet, text=True)
    if r.returncode != 0:
        log(f"  failed: {' '.join(cmd)}\n{(r.stderr or '')[-2000:]}")
    return r.returncode == 0


def build(peers: set[str]) -> dict[str, str]:
    """Builds what the run needs; returns {peer: reason} for every peer that is missing."""
    missing = {}
    log(f"== building palisade and the parse floor ({PROFILE})")
    if not sh(["cargo", "build", "--profile", PROFILE, "--quiet", "--bin", "palisade",
               "--example", "parse_floor"], cwd=ROOT, quiet=False):
        sys.exit("cannot build palisade")
    if peers & {"regorus", "saphyr"}:
        log("== building the peer harnesses (benches/peers: regorus, saphyr)")
        if not sh(["cargo", "build", "--release", "--quiet"], cwd=PEERS, quiet=False):
            missing["regorus"] = missing["saphyr"] = "benches/peers did not build"
    if "checkov" in peers and not os.access(CHECKOV, os.X_OK):
        log(f"== creating {VENV} with checkov=={CHECKOV_VERSION}")
        ok = sh([sys.executable, "-m", "venv", VENV]) and sh(
            [os.path.join(VENV, "bin", "pip"), "install", "-q", f"checkov=={CHECKOV_VERSION}"])
        if not ok:
            missing["checkov"] = "could not install checkov from PyPI"
    return missing


def corpus(n: int) -> tuple[str, dict]:
    d = os.path.join(HERE, "corpus", f"n{n}")
    exp = d + ".expected.json"
    if not os.path.exists(exp):
        shutil.rmtree(d, ignore_errors=True)
        log(f"== generating {n} files under {d}")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_k8s_corpus.py"), "--n", str(n),
                        "--out", d], check=True, stdout=subprocess.DEVNULL)
    with open(exp) as f:
        return d, json.load(f)


def parse_time_v(path: str) -> dict:
    """Wall, CPU, peak RSS and page faults from `/usr/bin/time -v` output."""
    out = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.strip().rpartition(": ")
            if k == "User time (seconds)":
                out["user"] = float(v)
            elif k == "System time (seconds)":
                out["sys"] = float(v)
            elif k == "Maximum resident set size (kbytes)":
                out["rss_mb"] = int(v) / 1024
            elif k == "Minor (reclaiming a frame) page faults":
                out["faults"] = int(v)
            elif k.startswith("Elapsed (wall clock) time"):
                parts = [float(p) for p in v.split(":")]
                secs = 0.0
                for p in parts:
                    secs = secs * 60 + p
                out["wall"] = secs
            elif k == "Exit status":
                out["exit"] = int(v)
    out["cpu"] = out.get("user", 0.0) + out.get("sys", 0.0)
    return out


def timed_together(cmds: list[tuple], runs: int) -> list[tuple[dict | None, str]]:
    """Runs each `(cmd, env, before, ok_exits)` once per round, in turn, for `runs` rounds:
    medians of wall/cpu/rss per command, and the stdout of its last run. Rounds rather than
    one command's runs after another's: this machine's speed drifts by 10-25% over minutes,
    and a drift then weighs on every command of a table alike instead of on one of them, so
    the ratios between them hold. A command that fails is not run again."""
    samples: list[list[dict] | None] = [[] for _ in cmds]
    stdouts = [""] * len(cmds)
    with tempfile.TemporaryDirectory() as tmp:
        tv = os.path.join(tmp, "time.txt")
        for _ in range(runs):
            for i, (cmd, env, before, ok_exits) in enumerate(cmds):
                if samples[i] is None:
                    continue
                so = os.path.join(tmp, f"out{i}.txt")
                if before:
                    before()
                # The previous run's output is removed before the clock starts: truncating
                # it (44 MB for the full pack's report at 10k) is this script's work, not
                # the run's.
                if os.path.exists(so):
                    os.remove(so)
                # Wall time from our own clock and CPU time from the children's resource
                # usage, both finer than `time -v`'s hundredths; peak RSS from `time -v`.
                before_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                with open(so, "w") as out:
                    r = subprocess.run(["/usr/bin/time", "-v", "-o", tv, *cmd], stdout=out,
                                       stderr=subprocess.DEVNULL, env=env)
                wall = time.perf_counter() - started
                after_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
                t = parse_time_v(tv)
                t["wall"] = wall
                t["sys"] = after_usage.ru_stime - before_usage.ru_stime
                t["cpu"] = after_usage.ru_utime - before_usage.ru_utime + t["sys"]
                if r.returncode not in ok_exits or t.get("exit", r.returncode) not in ok_exits:
                    log(f"  exit {r.returncode}: {' '.join(cmd)}")
                    samples[i] = None
                    continue
                samples[i].append(t)
                with open(so) as f:
                    stdouts[i] = f.read()
    results = []
    for got, stdout in zip(samples, stdouts):
        if not got:
            results.append((None, ""))
            continue
        med = {k: statistics.median(s.get(k, 0) for s in got)
               for k in ("wall", "cpu", "sys", "rss_mb", "faults")}
        med["runs"] = runs
        # Each round's wall time, in round order: the ratio of two commands within a round,
        # run one right after the other, is the least touched by the machine's drift.
        med["walls"] = [s["wall"] for s in got]
        results.append((med, stdout))
    return results


def palisade_counts(out: str) -> dict:
    counts = {c: 0 for c in CHECKS}
    for f in json.loads(out)["findings"]:
        if f["rule"] in counts:
            counts[f["rule"]] += 1
    return counts


def regorus_counts(out: str) -> dict:
    line = [l for l in out.splitlines() if l.strip().startswith("{")][-1]
    v = json.loads(line).get("violations", {})
    return {c: v.get(c, 0) for c in CHECKS}


def checkov_counts(out: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        f.write(out)
    try:
        counts, _raw, _other = load_checkov(f.name)
    finally:
        os.unlink(f.name)
    return {c: counts.get(c, 0) for c in CHECKS}


def configs(d: str, threads: int, missing: dict, n: int, checkov_max: int) -> list[tuple]:
    """(name, command, counter) for one corpus and thread count."""
    j = str(threads)
    peer_checks = os.path.join(HERE, "peer-checks")
    out = [
        ("palisade floor (walk + load, no rules)", [FLOOR, "--jobs", j, d], None),
        ("palisade floor + entities", [FLOOR, "--jobs", j, "--entities", d], None),
        ("palisade machinery (a rule that never fires)",
         [PALISADE, "check", "--no-builtin", "--no-cache", "--policy",
          os.path.join(HERE, "quiet-check"), "--jobs", j, "--format", "json", d], None),
        ("palisade 10 checks", [PALISADE, "check", "--no-builtin", "--no-cache", "--policy",
                                peer_checks, "--jobs", j, "--format", "json", d], palisade_counts),
        ("palisade full pack", [PALISADE, "check", "--no-cache", "--jobs", j, "--format", "json",
                                d], None),
    ]
    if "saphyr" not in missing:
        out.append(("yardstick floor (saphyr MarkedYaml)",
                    [SAPHYR, "--threads", j, "--parser", "saphyr-marked", d], None))
    if "regorus" not in missing:
        rego = os.path.join(PEERS, "k8s.rego")
        for engine in ("rvm", "interp"):
            out.append((f"regorus {engine}", [REGORUS, "--policy", rego, "--engine", engine,
                                              "--threads", j, d], regorus_counts))
    if "checkov" not in missing and n <= checkov_max and threads == 2:
        # Checkov parses with its own worker processes and checks on one core: one row.
        out.append(("checkov 14 ids + 2 custom", [
            CHECKOV, "-d", d, "--framework", "kubernetes", "--quiet", "--compact", "-o", "json",
            "--skip-download", "--external-checks-dir", os.path.join(PEERS, "checkov-custom"),
            "--check", CHECKOV_IDS + ",CKV_PEER_9,CKV_PEER_10"], checkov_counts))
    return out


def instruction_counts(table: list[tuple[str, list[str]]]) -> list[tuple[str, int | None]]:
    """Each command's instructions, run once under cachegrind without its cache simulation
    (`ab.cachegrind`; the exit code of a check that finds violations is 1); None for one
    whose summary is missing."""
    out = []
    for name, cmd in table:
        figures, code = cachegrind(cmd, cache_sim=False)
        count = figures.get("instructions") if code in (0, 1) else None
        if count is None:
            log(f"  no instruction count (exit {code}): {' '.join(cmd)}")
        out.append((name, count))
    return out


def cache_rows(d: str, runs: int) -> list[tuple[str, dict]]:
    """Cold (cache emptied before each run) against warm (cache filled) `palisade check`."""
    rows = []
    with tempfile.TemporaryDirectory() as xdg:
        env = dict(os.environ, XDG_CACHE_HOME=xdg)
        cmd = [PALISADE, "check", "--jobs", "2", "--format", "json", d]

        def clear():
            shutil.rmtree(os.path.join(xdg, "palisade"), ignore_errors=True)

        # Each round: a cold run on an emptied cache (which fills it), then a warm one.
        (cold, cold_out), (warm, warm_out) = timed_together(
            [(cmd, env, clear, (0, 1)), (cmd, env, None, (0, 1))], runs)
        if cold and warm:
            same = "identical" if cold_out == warm_out else "DIFFERENT"
            rows.append(("full pack, cold (empty cache)", cold))
            rows.append((f"full pack, warm (output {same} to cold)", warm))
    return rows


RULESET_FORMATS = ("iptables", "nftables", "cisco-ios", "cisco-asa", "junos", "pfsense")


def ruleset_rows(sizes: list[int], runs: int, formats: list[str],
                 analysis: bool = True) -> tuple[list[str], int]:
    """Firewall rulesets: `palisade check` end to end on the same generated rule list
    (`gen_rulesets.py`) in each syntax against the parse floor, then the indexed shadowing
    analysis against the naive O(n²) reference on the same files (`cargo bench --bench
    firewall_analysis -- FILE…`). Returns the table and the number of problems: error
    diagnostics, a model without N rules, or shadowed/redundant counts that differ between
    syntaxes of the same size."""
    out, problems = ["\n### Firewall rulesets\n",
                     "End to end, 2 threads: parse floor (`parse_floor --jobs 2`) against "
                     "`palisade check --no-cache --jobs 2 --format json` (full pack); one rule "
                     "list per size (`gen_rulesets.py`), written in each syntax:\n",
                     "| syntax | rules | floor wall s | check wall s | wall ÷ floor | cpu s "
                     "| cpu ÷ floor | peak RSS MB | shadowed | redundant | errors |",
                     "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"], 0
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for n in sizes:
            seen = set()
            for fmt in formats:
                path = os.path.join(tmp, f"fw-{n}.{fmt}")
                files.append(path)
                subprocess.run([sys.executable, os.path.join(HERE, "gen_rulesets.py"), str(n),
                                "--format", fmt, "--out", path], check=True)
                log(f"== ruleset {fmt} n={n}")
                (floor, floor_text), (full, text) = timed_together([
                    ([FLOOR, "--jobs", "2", path], None, None, (0, 1)),
                    ([PALISADE, "check", "--no-cache", "--jobs", "2", "--format", "json", path],
                     None, None, (0, 1, 2))], runs)
                if not (floor and full):
                    out.append(f"| {fmt} | {n:,} | failed | | | | | | | | |")
                    problems += 1
                    continue
                report = json.loads(text)
                errors = [d["message"] for d in report["diagnostics"] if d["severity"] == "error"]
                model = json.loads(floor_text.strip().splitlines()[-1]).get("rules")
                found = {k: sum(1 for f in report["findings"] if f["rule"].rsplit(".")[-1] == k)
                         for k in ("shadowed_firewall_rule", "redundant_firewall_rule")}
                seen.add(tuple(found.values()))
                note = f"{len(errors)}: {'; '.join(errors)[:150]}" if errors else "0"
                if model != n:
                    note += f"; the model holds {model} rules"
                problems += bool(errors) + (model != n)
                ratio = {k: f"{full[k] / floor[k]:.2f}×" if floor[k] else "–"
                         for k in ("wall", "cpu")}
                out.append(
                    f"| {fmt} | {n:,} | {floor['wall']:.3f} | {full['wall']:.3f} | "
                    f"{ratio['wall']} | {full['cpu']:.3f} | {ratio['cpu']} | "
                    f"{full['rss_mb']:.0f} | " + " | ".join(str(v) for v in found.values())
                    + f" | {note} |")
            if len(seen) > 1:
                out.append(f"| **{n:,}: shadowed/redundant counts differ between syntaxes** "
                           "| | | | | | | | | | |")
                problems += 1
        if analysis:
            log("== shadowing analysis, indexed vs naive (cargo bench --bench firewall_analysis)")
            out += ["", "Shadowed-rule analysis alone on the same files, indexed vs the naive "
                    "pairwise reference (`cargo bench --bench firewall_analysis -- FILE…`, "
                    "in-process, one thread; the naive one is skipped above 10,000 rules; "
                    "shadowed = both findings above):\n", "```"]
            r = subprocess.run(["cargo", "bench", "--quiet", "--bench", "firewall_analysis",
                                "--", *files], cwd=ROOT, capture_output=True, text=True)
            text = r.stdout.strip().replace(tmp + os.sep, "")
            out += (text or f"failed: {r.stderr[-500:]}").splitlines()
            out += ["```"]
    return out, problems


def compose_rows(sizes: list[int], runs: int) -> list[str]:
    """Docker Compose stacks (`gen_compose.py`): the full pack against the parse floor."""
    out = ["\n### Docker Compose files\n",
           "2 threads; `palisade check --no-cache --format json` (full pack):\n",
           "| files | floor wall s | full pack wall s | cpu s | peak RSS MB | ÷ floor |",
           "|---:|---:|---:|---:|---:|---:|"]
    for n in sizes:
        d = os.path.join(HERE, "corpus", f"compose-n{n}")
        if not os.path.isdir(d):
            subprocess.run([sys.executable, os.path.join(HERE, "gen_compose.py"), "--n", str(n),
                            "--out", d], check=True, stdout=subprocess.DEVNULL)
        (floor, _), (full, _) = timed_together([
            ([FLOOR, "--jobs", "2", d], None, None, (0, 1)),
            ([PALISADE, "check", "--no-cache", "--jobs", "2", "--format", "json", d], None, None,
             (0, 1))], runs)
        if floor and full:
            out.append(f"| {n:,} | {floor['wall']:.3f} | {full['wall']:.3f} | {full['cpu']:.3f} "
                       f"| {full['rss_mb']:.0f} | {full['wall'] / floor['wall']:.2f}× |")
    return out


def fmt_row(name: str, t: dict, base: dict | None) -> str:
    wall = f"{t['wall'] / base['wall']:.2f}×" if base and base["wall"] else "–"
    cpu = f"{t['cpu'] / base['cpu']:.2f}×" if base and base["cpu"] else "–"
    # The kernel's part of the CPU time, and the fresh pages it gave (a page fault costs 2-5
    # µs on the machine of docs/benchmarks.md: memory a run touches shows here, not in its
    # instructions).
    return (f"| {name} | {t['wall']:.3f} | {t['cpu']:.3f} | {t.get('sys', 0):.3f} "
            f"| {t['rss_mb']:.0f} | {t.get('faults', 0) / 1000:.1f} | {wall} | {cpu} "
            f"| {by_round(t, base)} |")


def by_round(t: dict, base: dict | None) -> str:
    """The wall-time ratio of `t` to `base` within each round (the two ran one right after
    the other): the median over the rounds, and their range. The ratio of the medians beside
    it can pair a slow minute of one with a fast minute of the other; this one cannot."""
    walls, base_walls = t.get("walls", []), (base or {}).get("walls", [])
    if not walls or len(walls) != len(base_walls) or not all(base_walls):
        return "–"
    ratios = sorted(w / b for w, b in zip(walls, base_walls))
    median = statistics.median(ratios)
    if len(ratios) == 1:
        return f"{median:.2f}×"
    return f"{median:.2f}× ({ratios[0]:.2f}-{ratios[-1]:.2f})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000", help="corpus sizes in files (comma-separated)")
    ap.add_argument("--runs", type=int, default=3, help="runs per configuration (median)")
    ap.add_argument("--threads", default="1,2", help="thread counts (comma-separated)")
    ap.add_argument("--peers", default="regorus,saphyr,checkov",
                    help="peers to run: any of regorus,saphyr,checkov (empty for none)")
    ap.add_argument("--checkov-max", type=int, default=1000,
                    help="largest corpus Checkov runs on (it takes minutes at 10k)")
    ap.add_argument("--rulesets", default="",
                    help="firewall ruleset sizes in rules, e.g. 1000,10000,100000 (default none; "
                    "200 with --smoke)")
    ap.add_argument("--ruleset-formats", default=",".join(RULESET_FORMATS),
                    help="ruleset syntaxes (comma-separated; default all: "
                    + ",".join(RULESET_FORMATS) + ")")
    ap.add_argument("--compose", default="",
                    help="Docker Compose corpus sizes in files, e.g. 1000,10000 (default none)")
    ap.add_argument("--no-cache-rows", action="store_true", help="skip the cold/warm cache rows")
    ap.add_argument("--instructions", action="store_true",
                    help="also count the instructions of Palisade's configurations on one thread "
                    "under cachegrind (needs valgrind; about 40 s at 10k files)")
    ap.add_argument("--smoke", action="store_true",
                    help="CI smoke run: check that every step works and counts agree, then exit")
    ap.add_argument("--profile", choices=("release", "dev"), default="release",
                    help="cargo profile of palisade and the parse floor (default release; dev "
                    "reuses the debug build of `cargo test`, for the smoke run: its figures "
                    "mean nothing)")
    a = ap.parse_args()
    global PALISADE, FLOOR, PROFILE
    PROFILE = a.profile
    out_dir = os.path.join(ROOT, "target", "debug" if a.profile == "dev" else "release")
    PALISADE = os.path.join(out_dir, "palisade")
    FLOOR = os.path.join(out_dir, "examples", "parse_floor")
    rulesets, ruleset_problems = a.rulesets or ("200" if a.smoke else ""), 0
    formats = [f for f in a.ruleset_formats.split(",") if f]
    if set(formats) - set(RULESET_FORMATS):
        ap.error(f"--ruleset-formats: choose among {','.join(RULESET_FORMATS)}")
    if not os.path.exists("/usr/bin/time"):
        sys.exit("needs GNU time at /usr/bin/time (Debian: apt-get install time)")
    if a.instructions and not shutil.which("valgrind"):
        sys.exit("--instructions needs valgrind (Debian: apt-get install valgrind)")
    peers = {p for p in a.peers.split(",") if p}
    missing = {p: "not requested" for p in {"regorus", "saphyr", "checkov"} - peers}
    missing.update(build(peers))
    for p, why in sorted(missing.items()):
        log(f"peer {p} missing: {why}")
    sizes = [int(s) for s in a.sizes.split(",")]
    threads = [int(t) for t in a.threads.split(",")]
    results, report, disagreements, uncounted = {}, [], 0, 0
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    for n in sizes:
        d, expected = corpus(n)
        per = {"expected": expected["violations"], "rows": {}, "counts": {}}
        report.append(f"\n### N = {n:,} files ({expected['docs']:,} documents, "
                      f"{expected['bytes'] / 1e6:.1f} MB)\n")
        for t in threads:
            report.append(f"\n{t} thread(s); ratios against the palisade floor of the same run\n")
            report.append("| configuration | wall s | cpu s | sys s | peak RSS MB | page faults k "
                          "| wall ÷ floor | cpu ÷ floor | wall ÷ floor by round |")
            report.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
            base = None
            table = configs(d, t, missing, n, a.checkov_max)
            log(f"== n={n} t={t}: {len(table)} configurations, {a.runs} rounds")
            timings = timed_together([(cmd, None, None, (0, 1)) for _, cmd, _ in table], a.runs)
            for (name, cmd, counter), (med, out) in zip(table, timings):
                if med is None:
                    report.append(f"| {name} | failed | | | | | | | |")
                    continue
                base = base or med
                per["rows"][f"{name} t{t}"] = med
                report.append(fmt_row(name, med, base))
                if counter and out:
                    per["counts"][name] = counter(out)
        if a.instructions:
            report.append("\nInstructions, one thread (cachegrind; the same code repeats them "
                          "within 0.1%, whatever the machine's noise)\n")
            report.append("| configuration | instructions | ÷ floor |")
            report.append("|---|---:|---:|")
            ours = [(name, cmd) for name, cmd, _ in configs(d, 1, missing, n, a.checkov_max)
                    if name.startswith("palisade")]
            log(f"== n={n}: instructions of {len(ours)} configurations")
            per["instructions"] = {}
            counted = instruction_counts(ours)
            # The floor is the first configuration: without its count there is no ratio.
            floor = counted[0][1] if counted else None
            for name, count in counted:
                if count is None:
                    uncounted += 1
                    report.append(f"| {name} | failed | |")
                    continue
                per["instructions"][name] = count
                ratio = f"{count / floor:.2f}×" if floor else "–"
                report.append(f"| {name} | {count:,} | {ratio} |")
        if not a.no_cache_rows:
            report.append("\nCache: `palisade check --jobs 2 --format json` (full pack)\n")
            report.append("| run | wall s | cpu s | sys s | peak RSS MB | page faults k "
                          "| wall ÷ cold | cpu ÷ cold | wall ÷ cold by round |")
            report.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
            rows = cache_rows(d, a.runs)
            for name, med in rows:
                per["rows"][name] = med
                report.append(fmt_row(name, med, rows[0][1]))
        report.append("\nViolations per (document, check): found / expected\n")
        names = list(per["counts"])
        report.append("| check | expected | " + " | ".join(names) + " |")
        report.append("|---|---:|" + "---:|" * len(names))
        for c in CHECKS + ["total"]:
            exp = per["expected"][c] if c != "total" else sum(per["expected"].values())
            cells = []
            for name in names:
                got = per["counts"][name][c] if c != "total" else sum(per["counts"][name].values())
                cells.append(str(got) if got == exp else f"**{got}** (≠)")
                disagreements += got != exp
            report.append(f"| {c} | {exp} | " + " | ".join(cells) + " |")
        results[n] = per
        with open(os.path.join(HERE, "results", f"n{n}.json"), "w") as f:
            json.dump(per, f, indent=2)
    if len(sizes) > 1:
        report.append("\nGrowth of wall time with the corpus (linear = the size ratio)\n")
        report.append("| configuration | " + " | ".join(f"{s:,}" for s in sizes) + " |")
        report.append("|---|" + "---:|" * len(sizes))
        first = results[sizes[0]]["rows"]
        for key in first:
            cells = []
            for s in sizes:
                row = results[s]["rows"].get(key)
                cells.append(f"{row['wall'] / first[key]['wall']:.1f}×" if row else "–")
            report.append(f"| {key} | " + " | ".join(cells) + " |")
    if a.compose:
        report += compose_rows([int(c) for c in a.compose.split(",")], a.runs)
    if rulesets:
        rows, ruleset_problems = ruleset_rows([int(r) for r in rulesets.split(",")], a.runs,
                                              formats, analysis=not a.smoke)
        report += rows
    missing_note = [f"- peer `{p}` missing: {why}" for p, why in sorted(missing.items())]
    text = "\n".join(missing_note + report) + "\n"
    with open(os.path.join(HERE, "results", "report.md"), "w") as f:
        f.write(text)
    print(text)
    if disagreements:
        log(f"{disagreements} count(s) differ from the ground truth (marked ≠)")
        return 1 if a.smoke else 0
    if ruleset_problems:
        log(f"{ruleset_problems} ruleset problem(s): see the firewall ruleset table")
        return 1 if a.smoke else 0
    if uncounted:
        log(f"{uncounted} configuration(s) without an instruction count")
        return 1 if a.smoke else 0
    # Every process takes page faults: a row without any means `time -v` was misread.
    unfaulted = [name for per in results.values() for name, row in per["rows"].items()
                 if not row.get("faults")]
    if unfaulted:
        log(f"no page faults read for: {', '.join(unfaulted)}")
        return 1 if a.smoke else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
