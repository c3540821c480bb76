//! The commented starter configuration `palisade init` writes.

/// A `palisade.toml` with every key, commented; parses to the defaults.
pub const STARTER: &str = r#"# palisade.toml: configuration for `palisade check`, found by walking up from the
# checked path. Paths and globs are relative to this file's directory.
# Every key is optional; the values shown commented out are the defaults.
# Reference: docs/ci.md ("Configuration").

# Load the built-in IEC 62443 pack.
# builtin = true

# Your own policies: .pal files or directories of them.
# policies = ["policies"]

# Target security level (SL-T) of the system under consideration: the rules that apply at
# SL 1 up to this level run.
# level = 2

# The lowest finding severity that fails the run (exit 1): "low", "medium", "high" or
# "critical". Findings below it are still reported.
# fail-on = "low"

# Only check files matching these globs; skip files and directories matching these.
# include = ["k8s/**", "network/**"]
# exclude = ["vendor/**", "**/testdata/**"]

# Honour .gitignore files.
# gitignore = true

# Follow symbolic links that stay inside the checked tree (links leaving it never are).
# follow-symlinks = false

[rules]
# Run only the rules these cover: rule ids, FR1..FR7, or "SR x.y [RE n]" (empty: all).
# select = ["FR1", "FR5", "SR 3.3"]
# Never run the rules these cover.
# ignore = ["cleartext_protocol_allowed"]
# Run only rules of this severity or higher.
# severity = "low"

# Rules that do not apply under some paths.
# [[overrides]]
# paths = ["legacy/**"]
# ignore = ["SR 4.1"]

# The format of files whose type cannot be detected: glob = "yaml", "json", "toml", "hcl",
# "iptables", "nftables", "cisco-ios", "cisco-asa", "junos" or "pfsense".
[formats]
# "network/edge/*.conf" = "iptables"

# Accepted findings, kept here rather than in the files (the files may be generated).
# A reason is required; an expired entry is reported as a finding; an entry that
# suppresses nothing is reported as a warning.
# [[suppress]]
# path = "k8s/legacy/*.yaml"
# rule = "privileged_container"        # a rule id, or "SR 2.1", or "SR 1.1 RE 2"
# reason = "vendor image needs raw sockets; replaced in the Q3 upgrade"
# expires = 2027-06-30
# owner = "ot-platform@example.com"

[limits]
# max-file-size = 33554432   # bytes
# max-depth = 256            # nesting of lists and maps
# max-documents = 10000      # YAML documents per file
# max-alias-nodes = 100000   # nodes YAML aliases may expand to, per file
# max-nodes = 1000000        # values per file (estimated before parsing)
# max-steps = 1000000        # evaluation steps per rule and entity
"#;
