#!/usr/bin/env python3
"""Writes a deterministic firewall ruleset of N rules in one of the six syntaxes Palisade reads.

Every syntax gets the same rule list (seeded: same addresses, ports, protocols, actions and
order), so figures and findings compare across syntaxes. The rules look like a real boundary:
host-to-host service rules over 10.0.0.0/8 (80 %), rules from a /24 to a host (15 %), rules
from any source to a /16 (5 %), mostly TCP with some UDP, a fifth of them drops. On top of
that, one rule in 50 repeats an earlier rule with the same action (redundant) and one in 50
with the opposite action (shadowed); broad /16 rules also shadow some later host rules by
chance. One ruleset holds exactly N rules: no established/related prologue, no final log or
deny rule (the default action is deny, as a chain policy or the syntax's implicit deny).

Usage:
    gen_rulesets.py N [--format iptables|nftables|cisco-ios|cisco-asa|junos|pfsense] [--out FILE]
    gen_rulesets.py N > ruleset.rules            # iptables-save, as gen_iptables.py wrote
    gen_rulesets.py N --all DIR                  # all six syntaxes: DIR/fw-N.<format>.<ext>

Layouts are what each device prints, kept compact where a ruleset of 100,000 rules would
otherwise pass Palisade's default input limits (32 MiB, 1,000,000 lines/brackets per file):
JunOS terms are written one per line, and pfSense rules without the optional elements
(`<tracker>`, `<created>`…) and with a plain `<descr>` (a CDATA section's brackets count
towards the limit).
"""
from __future__ import annotations

import argparse
import os
import random
import sys

TCP_PORTS = [22, 80, 443, 502, 102, 4840, 20000, 44818, 3389, 5432, 23]
UDP_PORTS = [53, 123, 161, 514, 47808]
EXT = {"iptables": "rules", "nftables": "nft", "cisco-ios": "cfg", "cisco-asa": "cfg",
       "junos": "conf", "pfsense": "xml"}


class Rule:
    """One rule of the common list: addresses are (network, prefix) or None for any."""

    __slots__ = ("src", "dst", "proto", "port", "accept", "name")

    def __init__(self, src, dst, proto, port, accept, name):
        self.src, self.dst, self.proto, self.port = src, dst, proto, port
        self.accept, self.name = accept, name


def rules(n: int, seed: int = 42) -> list[Rule]:
    """The common rule list: exactly `n` rules."""
    rng = random.Random(seed)

    def host():
        return ("10.%d.%d.%d" % (rng.randrange(256), rng.randrange(256), rng.randrange(1, 255)), 32)

    out: list[Rule] = []
    for i in range(n):
        name = "rule %d" % i
        if i % 50 in (24, 49) and out:
            # A copy of an earlier rule: same action (redundant) or the opposite (shadowed).
            e = out[rng.randrange(len(out))]
            accept = e.accept if i % 50 == 49 else not e.accept
            out.append(Rule(e.src, e.dst, e.proto, e.port, accept, name))
            continue
        kind = rng.random()
        udp = rng.random() < 0.1
        proto = "udp" if udp else "tcp"
        port = rng.choice(UDP_PORTS if udp else TCP_PORTS)
        accept = rng.random() >= 0.2
        if kind < 0.8:
            src, dst = host(), host()
        elif kind < 0.95:
            src, dst = ("10.%d.%d.0" % (rng.randrange(256), rng.randrange(256)), 24), host()
        else:
            src, dst = None, ("10.%d.0.0" % rng.randrange(256), 16)
        out.append(Rule(src, dst, proto, port, accept, name))
    return out


def cidr(a) -> str:
    return "%s/%d" % a


def mask(prefix: int, wildcard: bool = False) -> str:
    m = (0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF
    if wildcard:
        m ^= 0xFFFFFFFF
    return ".".join(str((m >> s) & 255) for s in (24, 16, 8, 0))


def iptables(rs: list[Rule]) -> list[str]:
    out = ["*filter", ":INPUT DROP [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]"]
    for r in rs:
        s = " -s %s" % cidr(r.src) if r.src else ""
        d = " -d %s" % cidr(r.dst) if r.dst else ""
        out.append("-A FORWARD%s%s -p %s -m %s --dport %d -m comment --comment \"%s\" -j %s"
                   % (s, d, r.proto, r.proto, r.port, r.name, "ACCEPT" if r.accept else "DROP"))
    return out + ["COMMIT"]


def nftables(rs: list[Rule]) -> list[str]:
    out = ["table inet filter {", "\tchain forward {",
           "\t\ttype filter hook forward priority filter; policy drop;"]
    for r in rs:
        s = "ip saddr %s " % cidr(r.src) if r.src else ""
        d = "ip daddr %s " % cidr(r.dst) if r.dst else ""
        out.append("\t\t%s%s%s dport %d %s comment \"%s\""
                   % (s, d, r.proto, r.port, "accept" if r.accept else "drop", r.name))
    return out + ["\t}", "}"]


def cisco_addr(a, wildcard: bool) -> str:
    if a is None:
        return "any"
    if a[1] == 32:
        return "host " + a[0]
    return "%s %s" % (a[0], mask(a[1], wildcard))


def cisco_ios(rs: list[Rule]) -> list[str]:
    out = ["hostname edge-router", "!", "ip access-list extended EDGE_IN"]
    for r in rs:
        out.append(" remark %s" % r.name)
        out.append(" %s %s %s %s eq %d" % ("permit" if r.accept else "deny", r.proto,
                                           cisco_addr(r.src, True), cisco_addr(r.dst, True),
                                           r.port))
    return out + ["!", "interface GigabitEthernet0/1", " ip address 192.0.2.1 255.255.255.0",
                  " ip access-group EDGE_IN in", "!", "end"]


def cisco_asa(rs: list[Rule]) -> list[str]:
    out = ["ASA Version 9.12(4)", "!", "hostname edge-asa", "!", "interface GigabitEthernet0/0",
           " nameif outside", " security-level 0", " ip address 203.0.113.1 255.255.255.0", "!"]
    for r in rs:
        out.append("access-list outside_in remark %s" % r.name)
        out.append("access-list outside_in extended %s %s %s %s eq %d"
                   % ("permit" if r.accept else "deny", r.proto, cisco_addr(r.src, False),
                      cisco_addr(r.dst, False), r.port))
    return out + ["access-group outside_in in interface outside"]


def junos(rs: list[Rule]) -> list[str]:
    out = ["interfaces {", "    ge-0/0/0 {", "        unit 0 {", "            family inet {",
           "                filter {", "                    input EDGE-IN;", "                }",
           "                address 192.0.2.1/24;", "            }", "        }", "    }", "}",
           "firewall {", "    family inet {", "        filter EDGE-IN {"]
    for r in rs:
        m = "".join("%s %s; " % (k, cidr(a)) for k, a in
                    (("source-address", r.src), ("destination-address", r.dst)) if a)
        out.append("            term %s { from { %sprotocol %s; destination-port %d; } then %s; }"
                   % (r.name.replace(" ", "-"), m, r.proto, r.port,
                      "accept" if r.accept else "discard"))
    return out + ["        }", "    }", "}"]


def pf_addr(a) -> str:
    if a is None:
        return "<any/>"
    return "<address>%s</address>" % (a[0] if a[1] == 32 else cidr(a))


def pfsense(rs: list[Rule]) -> list[str]:
    out = ['<?xml version="1.0"?>', "<pfsense>", "\t<interfaces>", "\t\t<wan>", "\t\t\t<if>em0</if>",
           "\t\t\t<ipaddr>192.0.2.1</ipaddr>", "\t\t\t<subnet>24</subnet>", "\t\t</wan>",
           "\t</interfaces>", "\t<filter>"]
    for r in rs:
        out += ["\t\t<rule>",
                "\t\t\t<type>%s</type>" % ("pass" if r.accept else "block"),
                "\t\t\t<interface>wan</interface>",
                "\t\t\t<ipprotocol>inet</ipprotocol>",
                "\t\t\t<protocol>%s</protocol>" % r.proto,
                "\t\t\t<source>%s</source>" % pf_addr(r.src),
                "\t\t\t<destination>%s<port>%d</port></destination>" % (pf_addr(r.dst), r.port),
                "\t\t\t<descr>%s</descr>" % r.name,
                "\t\t</rule>"]
    return out + ["\t</filter>", "</pfsense>"]


WRITERS = {"iptables": iptables, "nftables": nftables, "cisco-ios": cisco_ios,
           "cisco-asa": cisco_asa, "junos": junos, "pfsense": pfsense}


def write(n: int, fmt: str, path: str | None, seed: int = 42) -> None:
    text = "\n".join(WRITERS[fmt](rules(n, seed))) + "\n"
    if path is None:
        sys.stdout.write(text)
    else:
        with open(path, "w") as f:
            f.write(text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, nargs="?", default=10000, help="rules in the ruleset")
    ap.add_argument("--format", choices=list(WRITERS), default="iptables")
    ap.add_argument("--out", help="write to this file instead of standard output")
    ap.add_argument("--all", metavar="DIR", help="write every syntax to DIR/fw-N.<format>.<ext>")
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    if a.all:
        os.makedirs(a.all, exist_ok=True)
        for fmt in WRITERS:
            write(a.n, fmt, os.path.join(a.all, "fw-%d.%s.%s" % (a.n, fmt, EXT[fmt])), a.seed)
    else:
        write(a.n, a.format, a.out, a.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
