#!/usr/bin/env bash
# End-to-end `palisade check` on generated rulesets of 1k, 10k and 100k rules, against the
# parse floor (same files, no rules) measured in the same run; `--no-cache` on both, or the
# best of three would be a warm run of the result cache. The rulesets come from
# benches/gen_rulesets.py: the same rule list in each syntax given (default: iptables).
# Usage: benches/firewall_e2e.sh [iptables|nftables|cisco-ios|cisco-asa|junos|pfsense …]
# (builds the release binary first; `benches/run.py --rulesets` has the fuller table)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/palisade
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/empty"
echo 'package empty' > "$work/empty/empty.pal"
formats=("${@:-iptables}")
best() { local b=999999; for _ in 1 2 3; do s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); t=$(echo "$e - $s" | bc); b=$(echo "if ($t < $b) $t else $b" | bc); done; echo "$b"; }
printf '%-10s %-8s %12s %12s %8s\n' syntax rules "parse floor" "full pack" ratio
for format in "${formats[@]}"; do
  for n in 1000 10000 100000; do
    file="$work/fw-$n.$format"
    python3 benches/gen_rulesets.py "$n" --format "$format" --out "$file"
    floor=$(best "$bin" check --no-cache "$file" --no-builtin --policy "$work/empty" --quiet)
    full=$(best "$bin" check --no-cache "$file" --quiet)
    printf '%-10s %-8s %10.3f s %10.3f s %7.2fx\n' "$format" "$n" "$floor" "$full" "$(echo "$full / $floor" | bc -l)"
  done
done
