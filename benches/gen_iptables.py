#!/usr/bin/env python3
"""Writes a deterministic iptables-save ruleset of N rules to stdout.

Rules look like a real boundary: host-to-host service rules over 10.0.0.0/8, some subnet
rules, a few broad ones, repeats (shadowed rules), telnet rules, and a final LOG.
Usage: gen_iptables.py N > ruleset.rules
"""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
rng = random.Random(42)
ports = [22, 80, 443, 502, 102, 4840, 20000, 44818, 3389, 5432, 23]
out = ["*filter", ":INPUT DROP [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]",
       "-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"]
rules = []
for i in range(n):
    kind = rng.random()
    port = rng.choice(ports)
    action = "DROP" if rng.random() < 0.2 else "ACCEPT"
    host = lambda: "10.%d.%d.%d/32" % (rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))
    if i % 50 == 49 and rules:
        rules.append(rules[rng.randrange(len(rules))])
        continue
    if kind < 0.8:
        rule = "-A FORWARD -s %s -d %s -p tcp --dport %d -m comment --comment \"rule %d\" -j %s" % (host(), host(), port, i, action)
    elif kind < 0.95:
        rule = "-A FORWARD -s 10.%d.%d.0/24 -d %s -p tcp --dport %d -j %s" % (rng.randrange(256), rng.randrange(256), host(), port, action)
    else:
        rule = "-A FORWARD -d 10.%d.0.0/16 -p tcp --dport %d -j %s" % (rng.randrange(256), port, action)
    rules.append(rule)
out += rules[:n]
out += ["-A FORWARD -j LOG --log-prefix \"drop: \"", "COMMIT"]
print("\n".join(out))
