//! A stable text dump of a [`Config`] with `line:col` positions, for snapshots and debugging.

use std::fmt::Write as _;

use crate::source::{SourceDb, Span};

use super::model::{Config, Rule};
use super::sets::{PortSet, ProtoSet};

fn at(db: &SourceDb, span: Span) -> String {
    let s = db.line_col(span.file, span.start);
    format!("{}:{}", s.line, s.column)
}

fn ports(p: &PortSet) -> String {
    if p.is_full() {
        return "any".to_string();
    }
    let parts: Vec<String> = p
        .ranges()
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    parts.join(",")
}

fn protos(p: &ProtoSet) -> String {
    if p.is_full() {
        return "any".to_string();
    }
    let parts: Vec<String> = p
        .ranges()
        .iter()
        .map(|(a, b)| {
            let name = |n: u8| match n {
                1 => "icmp".to_string(),
                6 => "tcp".to_string(),
                17 => "udp".to_string(),
                58 => "icmpv6".to_string(),
                n => n.to_string(),
            };
            if a == b {
                name(*a)
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    parts.join(",")
}

fn rule(db: &SourceDb, r: &Rule, out: &mut String) {
    let _ = write!(
        out,
        "  [{}] {} src={} dst={} proto={} sport={} dport={}",
        at(db, r.span),
        match &r.action {
            super::Action::Jump(t) => format!("jump:{t}"),
            super::Action::Goto(t) => format!("goto:{t}"),
            a => a.as_str().to_string(),
        },
        r.src.to_strings().join(","),
        r.dst.to_strings().join(","),
        protos(&r.protocols),
        ports(&r.src_ports),
        ports(&r.dst_ports),
    );
    if let Some(i) = &r.in_iface {
        let _ = write!(out, " in={i}");
    }
    if let Some(o) = &r.out_iface {
        let _ = write!(out, " out={o}");
    }
    if !r.states.is_empty() {
        let _ = write!(out, " state={}", r.states.join(","));
    }
    if r.log {
        out.push_str(" log");
    }
    if r.disabled {
        out.push_str(" disabled");
    }
    if let Some(n) = &r.name {
        let _ = write!(out, " name={n:?}");
    }
    if let Some(c) = &r.comment {
        let _ = write!(out, " comment={c:?}");
    }
    for (what, span) in &r.unsupported {
        let _ = write!(out, " unsupported({what}@{})", at(db, *span));
    }
    out.push('\n');
}

/// The whole configuration, one line per rule.
pub fn dump(db: &SourceDb, c: &Config) -> String {
    let mut out = format!("vendor {}\n", c.vendor.as_str());
    if let Some(h) = &c.hostname {
        let _ = writeln!(out, "hostname {h}");
    }
    for i in &c.interfaces {
        let _ = writeln!(
            out,
            "interface {} [{}] zone={} level={} addr={}",
            i.name,
            at(db, i.span),
            i.zone.as_deref().unwrap_or("-"),
            i.security_level.map_or("-".to_string(), |l| l.to_string()),
            i.addresses.to_strings().join(",")
        );
    }
    for rs in &c.rulesets {
        let _ = writeln!(
            out,
            "ruleset {:?} [{}] attach=[{}] default={}{}",
            rs.name,
            at(db, rs.span),
            rs.attach.join(", "),
            rs.default_action.as_str(),
            rs.default_span
                .map(|s| format!("@{}", at(db, s)))
                .unwrap_or_default()
        );
        for r in &rs.rules {
            rule(db, r, &mut out);
        }
    }
    out
}
