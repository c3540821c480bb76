#!/usr/bin/env bash
# End-to-end `palisade check` on generated iptables-save rulesets of 1k, 10k and 100k rules,
# against the parse floor (same files, no rules) measured in the same run.
# Usage: benches/firewall_e2e.sh   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/palisade
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/empty"
echo 'package empty' > "$work/empty/empty.pal"
printf '%-8s %12s %12s %8s\n' rules "parse floor" "full pack" ratio
for n in 1000 10000 100000; do
  python3 benches/gen_iptables.py "$n" > "$work/fw-$n.rules"
  best() { local b=999999; for _ in 1 2 3; do s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); t=$(echo "$e - $s" | bc); b=$(echo "if ($t < $b) $t else $b" | bc); done; echo "$b"; }
  floor=$(best "$bin" check "$work/fw-$n.rules" --no-builtin --policy "$work/empty" --quiet)
  full=$(best "$bin" check "$work/fw-$n.rules" --quiet)
  printf '%-8s %10.3f s %10.3f s %7.2fx\n' "$n" "$floor" "$full" "$(echo "$full / $floor" | bc -l)"
done
