//! Reading the expressions of an nftables rule: selectors (`ip saddr`, `tcp dport`,
//! `meta l4proto`, `ct state`, `fib daddr type`…), operators, and values (words, comma
//! lists, concatenations, anonymous sets `{ … }`, named sets `@name`).

use crate::firewall::sets::ProtoSet;

use super::lex::{Kind, Tok};
use super::script::{elements, Element};
use super::values::{port_protocols, Sel};

/// Words that start a new expression or statement: reading an unknown expression stops
/// there.
pub(super) const STARTERS: [&str; 44] = [
    "ip",
    "ip6",
    "tcp",
    "udp",
    "udplite",
    "sctp",
    "dccp",
    "th",
    "icmp",
    "icmpv6",
    "igmp",
    "meta",
    "ct",
    "fib",
    "iifname",
    "oifname",
    "iif",
    "oif",
    "l4proto",
    "nfproto",
    "counter",
    "log",
    "limit",
    "quota",
    "comment",
    "accept",
    "drop",
    "reject",
    "return",
    "jump",
    "goto",
    "queue",
    "continue",
    "dnat",
    "snat",
    "masquerade",
    "redirect",
    "notrack",
    "dup",
    "fwd",
    "tproxy",
    "synproxy",
    "vmap",
    "map",
];

/// Protocols whose header fields can be matched (`tcp flags`, `icmp type`, `vlan id`…).
const PAYLOADS: [&str; 26] = [
    "ip", "ip6", "tcp", "udp", "udplite", "sctp", "dccp", "th", "icmp", "icmpv6", "igmp", "ah",
    "esp", "comp", "ether", "vlan", "arp", "gre", "rt", "frag", "hbh", "dst", "mh", "srh", "vxlan",
    "geneve",
];

/// Meta keys that may be written without `meta`.
const BARE_META: [&str; 18] = [
    "iifname", "oifname", "iif", "oif", "l4proto", "nfproto", "mark", "skuid", "skgid", "iiftype",
    "oiftype", "pkttype", "cpu", "iifgroup", "oifgroup", "cgroup", "priority", "length",
];

/// A selector as read: what the model makes of it, and what it implies.
#[derive(Clone, Debug)]
pub(super) struct Selector {
    /// `None` for a selector the model does not describe.
    pub(super) sel: Option<Sel>,
    /// The words as written (`tcp dport`, `fib daddr type`).
    pub(super) what: String,
    /// The packet family the selector implies (`ip …` → IPv4).
    pub(super) v6: Option<bool>,
    /// The protocols the selector implies (`tcp dport` → tcp; `th dport` → the protocols
    /// with ports).
    pub(super) protos: Option<ProtoSet>,
}

/// A value as written.
#[derive(Clone, Debug)]
pub(super) enum Value {
    /// Words, comma lists, concatenations, anonymous sets.
    Elems(Vec<Element>),
    /// `@name`.
    Named(Tok),
    /// `$name` with no `define`.
    Var(Tok),
    /// Something the model does not read (a parenthesized expression, `a / b`).
    Opaque,
    Missing,
}

/// A cursor over the tokens of one rule.
pub(super) struct Cursor<'a> {
    pub(super) toks: &'a [Tok],
    pub(super) i: usize,
}

fn proto_of(p: &str) -> Option<u8> {
    Some(match p {
        "tcp" => 6,
        "udp" => 17,
        "udplite" => 136,
        "sctp" => 132,
        "dccp" => 33,
        "icmp" => 1,
        "icmpv6" => 58,
        "igmp" => 2,
        "ah" => 51,
        "esp" => 50,
        "comp" => 108,
        "gre" => 47,
        _ => return None,
    })
}

impl<'a> Cursor<'a> {
    pub(super) fn peek(&self) -> Option<&'a Tok> {
        self.toks.get(self.i)
    }

    pub(super) fn peek_at(&self, k: usize) -> Option<&'a Tok> {
        self.toks.get(self.i + k)
    }

    pub(super) fn peek_is(&self, w: &str) -> bool {
        self.peek().is_some_and(|t| t.is(w))
    }

    pub(super) fn bump(&mut self) -> Option<&'a Tok> {
        let t = self.toks.get(self.i);
        if t.is_some() {
            self.i += 1;
        }
        t
    }

    /// Skips words while `keep` says so.
    pub(super) fn skip_while(&mut self, keep: impl Fn(&Tok) -> bool) {
        while self.peek().is_some_and(&keep) {
            self.i += 1;
        }
    }

    /// Skips a balanced `{ … }` or `( … )` group at the cursor, returning its inner tokens.
    pub(super) fn group(&mut self) -> &'a [Tok] {
        let start = self.i;
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            self.i += 1;
            match t.kind {
                Kind::LBrace | Kind::LParen => depth += 1,
                Kind::RBrace | Kind::RParen => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return self.toks.get(start + 1..self.i - 1).unwrap_or(&[]);
                    }
                }
                _ => {}
            }
        }
        self.toks.get(start + 1..self.i).unwrap_or(&[])
    }

    /// Skips an unknown expression: up to the next word that starts an expression or a
    /// statement, at brace depth 0.
    pub(super) fn skip_unknown(&mut self) {
        while let Some(t) = self.peek() {
            match t.kind {
                Kind::LBrace | Kind::LParen => {
                    self.group();
                }
                Kind::Word if STARTERS.contains(&t.text.as_str()) => return,
                _ => self.i += 1,
            }
        }
    }

    /// Reads one selector at the cursor (a word known to start one); `None` if the word is
    /// not a selector.
    pub(super) fn selector(&mut self) -> Option<Selector> {
        let first = self.peek()?;
        let word = first.text.as_str();
        let mut s = Selector {
            sel: None,
            what: word.to_string(),
            v6: None,
            protos: None,
        };
        if PAYLOADS.contains(&word) {
            let field = self.peek_at(1).filter(|f| f.kind == Kind::Word)?;
            if STARTERS.contains(&field.text.as_str()) {
                return None;
            }
            self.i += 2;
            s.what = format!("{word} {}", field.text);
            let src = field.text == "sport" || field.text == "saddr";
            s.sel = match (word, field.text.as_str()) {
                ("ip" | "ip6", "saddr" | "daddr") => Some(Sel::Addr {
                    src,
                    v6: word == "ip6",
                }),
                ("ip", "protocol") | ("ip6", "nexthdr") => Some(Sel::Proto),
                (_, "sport" | "dport") if word != "ip" && word != "ip6" => Some(Sel::Port { src }),
                _ => None,
            };
            s.v6 = match word {
                "ip" | "icmp" => Some(false),
                "ip6" | "icmpv6" => Some(true),
                _ => None,
            };
            s.protos = proto_of(word).map(|p| ProtoSet::single(p, p));
            if word == "th" {
                s.protos = Some(port_protocols());
            }
            return Some(s);
        }
        match word {
            "meta" => {
                let key = self.peek_at(1).filter(|k| k.kind == Kind::Word)?;
                self.i += 2;
                s.what = format!("meta {}", key.text);
                s.sel = meta(&key.text);
            }
            "ct" => {
                let dir = self
                    .peek_at(1)
                    .filter(|d| d.is("original") || d.is("reply"));
                let skip = 1 + usize::from(dir.is_some());
                let key = self.peek_at(skip).filter(|k| k.kind == Kind::Word)?;
                self.i += skip + 1;
                let mut words = vec!["ct".to_string()];
                words.extend(dir.map(|d| d.text.clone()));
                words.push(key.text.clone());
                if words.len() == 2 && key.text == "state" {
                    s.sel = Some(Sel::State);
                }
                if key.text == "count" && self.peek_is("over") {
                    self.i += 1;
                }
                s.what = words.join(" ");
            }
            "fib" => {
                self.i += 1;
                let mut words = vec!["fib".to_string()];
                while let Some(t) = self.peek().filter(|t| {
                    matches!(
                        t.text.as_str(),
                        "saddr" | "daddr" | "mark" | "iif" | "oif" | "."
                    )
                }) {
                    words.push(t.text.clone());
                    self.i += 1;
                }
                if let Some(t) = self
                    .peek()
                    .filter(|t| matches!(t.text.as_str(), "oif" | "oifname" | "type"))
                {
                    words.push(t.text.clone());
                    self.i += 1;
                }
                s.what = words.join(" ");
            }
            _ if BARE_META.contains(&word) => {
                self.i += 1;
                s.sel = meta(word);
            }
            _ => return None,
        }
        Some(s)
    }

    /// An operator at the cursor, if any: `==`, `!=`, `<`…, `eq`, `ne`, `lt`….
    pub(super) fn operator(&mut self) -> Option<String> {
        let t = self.peek()?;
        let op = match (t.kind, t.text.as_str()) {
            (Kind::Op, o @ ("==" | "!=" | "<" | ">" | "<=" | ">=")) => o,
            (Kind::Word, o @ ("eq" | "ne" | "lt" | "gt" | "le" | "ge")) => o,
            _ => return None,
        };
        self.i += 1;
        Some(op.to_string())
    }

    /// Whether a bitwise operator is at the cursor (`&`, `|`, `^`, `and`, `or`, `xor`).
    pub(super) fn bitwise(&self) -> bool {
        self.peek().is_some_and(|t| {
            (t.kind == Kind::Op && matches!(t.text.as_str(), "&" | "|" | "^"))
                || (t.kind == Kind::Word && matches!(t.text.as_str(), "and" | "or" | "xor"))
        })
    }

    /// A value at the cursor.
    pub(super) fn value(&mut self) -> Value {
        let Some(t) = self.peek() else {
            return Value::Missing;
        };
        match t.kind {
            Kind::LBrace => Value::Elems(elements(self.group())),
            Kind::LParen => {
                self.group();
                Value::Opaque
            }
            Kind::Word if t.text.starts_with('@') => {
                self.i += 1;
                Value::Named(t.clone())
            }
            Kind::Word if t.text.starts_with('$') => {
                self.i += 1;
                Value::Var(t.clone())
            }
            Kind::Word | Kind::Str => {
                let mut out = Vec::new();
                let mut opaque = false;
                while let Some(first) = self.bump() {
                    let mut key = vec![first.clone()];
                    while self.peek_is(".") && self.peek_at(1).is_some_and(Tok::is_value) {
                        key.extend(self.peek_at(1).cloned());
                        self.i += 2;
                    }
                    out.push(Element {
                        key,
                        value: Vec::new(),
                    });
                    let sep = self
                        .peek()
                        .is_some_and(|s| s.kind == Kind::Comma || s.is("/"));
                    if sep && self.peek_at(1).is_some_and(Tok::is_value) {
                        opaque |= self.peek_is("/");
                        self.i += 1;
                        continue;
                    }
                    break;
                }
                if opaque {
                    Value::Opaque
                } else {
                    Value::Elems(out)
                }
            }
            _ => Value::Missing,
        }
    }
}

fn meta(key: &str) -> Option<Sel> {
    Some(match key {
        "iifname" | "iif" => Sel::Iface { input: true },
        "oifname" | "oif" => Sel::Iface { input: false },
        "l4proto" => Sel::Proto,
        "nfproto" | "protocol" => Sel::Family,
        _ => return None,
    })
}
