#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds: the repository's fixtures and examples, the hostile
# catalogue, and ../shared/corpus when it is there. Files over 256 KiB are left out (libFuzzer
# mutates small inputs faster). Safe to run again: seeds are copied under their hash.
set -euo pipefail
cd "$(dirname "$0")"
root=..
shared=../../shared/corpus

seed() { # target, then files
  local target=$1
  shift
  mkdir -p "corpus/$target"
  for f in "$@"; do
    [ -f "$f" ] || continue
    [ "$(stat -c %s "$f")" -le 262144 ] || continue
    cp "$f" "corpus/$target/$(sha1sum "$f" | cut -c1-16)"
  done
}
files() { # directories, then a find -name pattern
  local pattern=$1
  shift
  find "$@" -type f -name "$pattern" 2>/dev/null || true
}

mapfile -t yaml < <(files '*.y*ml' "$root/tests" "$root/examples" "$root/policies" "$shared")
mapfile -t json < <(files '*.json' "$root/tests" "$root/examples" "$shared")
mapfile -t toml < <(files '*.toml' "$root/tests" "$root/examples" "$shared")
mapfile -t hcl < <(files '*.tf' "$root/tests" "$root/examples" "$shared")
mapfile -t pal < <(files '*.pal' "$root/stdlib" "$root/policies" "$root/tests" "$root/examples")
seed yaml "${yaml[@]}" "$root"/tests/hostile/inputs/*.yaml
seed yaml_block "${yaml[@]}" "$root"/tests/hostile/inputs/*.yaml
seed json "${json[@]}" "$root"/tests/hostile/inputs/*.json
seed toml "${toml[@]}" "$root"/tests/hostile/inputs/*.toml
seed hcl "${hcl[@]}" "$root"/tests/hostile/inputs/*.tf
seed policy "${pal[@]}" "$root"/tests/hostile/policies/*.pal

fw() { # target, then directories named after the syntax
  local target=$1
  shift
  local found=()
  for d in "$@"; do
    [ -d "$d" ] && mapfile -t -O "${#found[@]}" found < <(find "$d" -type f)
  done
  seed "$target" "${found[@]}"
}
fw iptables "$root/tests/fixtures/firewall/iptables" "$shared/firewall/iptables"
fw nftables "$root/tests/fixtures/firewall/nftables" "$shared/firewall/nftables"
fw cisco_ios "$root/tests/fixtures/firewall/cisco-ios" "$shared/firewall/cisco-ios"
fw cisco_asa "$root/tests/fixtures/firewall/cisco-asa" "$shared/firewall/cisco-asa"
fw junos "$root/tests/fixtures/firewall/junos" "$shared/firewall/juniper"
fw pfsense "$root/tests/fixtures/firewall/pfsense" "$shared/firewall/pfsense"
seed iptables "$root"/tests/hostile/inputs/*.rules
seed nftables "$root"/tests/hostile/inputs/*.nft
seed cisco_ios "$root"/tests/hostile/inputs/*.ios
seed cisco_asa "$root"/tests/hostile/inputs/*.asa
seed junos "$root"/tests/hostile/inputs/*.junos
seed pfsense "$root"/tests/hostile/inputs/*.xml

for d in corpus/*/; do
  echo "$(basename "$d"): $(find "$d" -type f | wc -l) seeds"
done
