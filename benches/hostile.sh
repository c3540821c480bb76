#!/usr/bin/env bash
# Hostile-input figures: builds a catalogue of hostile files in a temporary directory (the
# committed cases of tests/hostile/inputs plus generated big, deep and special ones), runs
# `palisade check` over it once per output format under `/usr/bin/time -v`, and prints wall
# time, peak memory and exit code. Then interrupts a long run with Ctrl-C (SIGINT) and checks
# that it stops promptly, with exit 130 and no partial or temporary output file.
#
#   bash benches/hostile.sh            # builds the release binary first
#   PALISADE=path/to/palisade bash benches/hostile.sh
#
# Figures only: nothing here fails a build (tests/hostile.rs asserts the behaviour).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${PALISADE:-}" ]; then
  cargo build --release --quiet --bin palisade
  PALISADE="$PWD/target/release/palisade"
fi
if [ ! -x /usr/bin/time ]; then
  echo "needs /usr/bin/time (apt-get install time)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'chmod -R u+rwx "$work" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"; echo "work: $work"' EXIT
cat="$work/catalogue"
mkdir -p "$cat"
cp tests/hostile/inputs/* "$cat/"

python3 - "$cat" "$work" <<'EOF'
import os, sys
cat, work = sys.argv[1], sys.argv[2]
def w(name, data):
    with open(os.path.join(cat, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
nest = lambda o, c, inner, n: o * n + inner + c * n
w("deep-10000.json", nest("[", "]", "", 10000))
w("deep-10000.yaml", nest("[", "]", "", 10000))
w("deep-10000.toml", "a = " + nest("[", "]", "", 10000))
w("deep-10000.tf", "locals {\n  x = " + nest("(", ")", "1", 10000) + "\n}\n")
w("deep-10000.nft", "table inet f {\n" + nest("chain c {\n", "}\n", "", 10000))
w("deep-10000.junos", "firewall {\n" + nest("filter f {\n", "}\n", "", 10000))
w("long-line.yaml", 'key: "' + "x" * 20_000_000 + '"\n')
# Just under the 32 MiB limit: four million small maps, the loader's worst case.
w("near-limit.yaml", "- {a: 1}\n" * 3_700_000)
w("near-limit.json", "[" + ",".join(['{"a":1}'] * 4_000_000) + "]")
with open(os.path.join(cat, "huge-100mb.yaml"), "wb") as f:
    f.truncate(100 * 1024 * 1024)
pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i:1\n    securityContext:\n      privileged: true\n"
w("priv-\x1b[31mred\x1b[0m.yaml", pod)
os.symlink("link-b", os.path.join(cat, "link-a"))
os.symlink("link-a", os.path.join(cat, "link-b"))
os.symlink("..", os.path.join(cat, "link-parent"))
os.symlink("/etc/passwd", os.path.join(cat, "link-outside.yaml"))
os.makedirs(os.path.join(cat, "locked"))
w("locked/x.yaml", "a: [\n")
os.chmod(os.path.join(cat, "locked"), 0)
# A plant of 3000 manifests for the interrupt test.
big = os.path.join(work, "plant")
os.makedirs(big)
for i in range(3000):
    with open(os.path.join(big, f"deploy-{i}.yaml"), "w") as f:
        f.write(pod.replace("name: p", f"name: p{i}"))
EOF

echo "catalogue: $(find "$cat" -maxdepth 1 | wc -l) entries, $(du -sh --apparent-size "$cat" 2>/dev/null | cut -f1) apparent"
printf '%-8s %10s %12s %6s %12s\n' format wall_s max_rss_mb exit out_bytes
for format in json human sarif junit github; do
  set +e
  ( cd "$cat" && /usr/bin/time -v "$PALISADE" check . --format "$format" >"$work/out.$format" 2>"$work/time.$format" )
  status=$?
  set -e
  wall=$(grep "Elapsed (wall clock)" "$work/time.$format" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$work/time.$format" | awk '{printf "%.0f", $NF/1024}')
  printf '%-8s %10s %12s %6s %12s\n' "$format" "$wall" "$rss" "$status" "$(wc -c <"$work/out.$format")"
  if grep -q "panicked" "$work/time.$format"; then echo "  PANIC in $format" >&2; fi
  if grep -q $'\x1b' "$work/out.$format"; then echo "  raw ESC in $format output" >&2; fi
done

echo "== Ctrl-C during a run writing SARIF to a file"
out="$work/out/report.sarif"
mkdir -p "$work/out"
"$PALISADE" check "$work/plant" --format sarif --output "$out" >/dev/null 2>&1 &
pid=$!
sleep 0.3
start=$(date +%s.%N)
kill -INT "$pid" 2>/dev/null || true
set +e
wait "$pid"
status=$?
set -e
end=$(date +%s.%N)
left=$(find "$work/out" -name '*.palisade.tmp' | wc -l)
printf 'exit %s, stopped %.3f s after SIGINT, report written: %s, temp files left: %s\n' \
  "$status" "$(echo "$end - $start" | bc)" "$([ -f "$out" ] && echo yes || echo no)" "$left"
