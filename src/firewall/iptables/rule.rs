//! One rule specification (`-s 10.0.0.0/8 -p tcp --dport 22 -j ACCEPT`) → a [`Rule`].
//!
//! Jumps to user chains are left pending: the chain may be declared later in the table, so
//! [`super::tables`] resolves them once the whole file is read.

use crate::diag::{Code, Diagnostic};
use crate::firewall::model::{Action, Rule};
use crate::firewall::sets::{AddrSet, PortSet, ProtoSet};
use crate::source::{FileId, Span};

use super::lex::Tok;
use super::values::{self, TargetKind};

/// A `-j`/`-g` to a name that is not a built-in target: a user chain, resolved later.
#[derive(Clone, Debug)]
pub(super) struct Pending {
    pub(super) name: String,
    pub(super) span: Span,
    pub(super) goto: bool,
}

/// A parsed rule with what is still to be resolved and the problems found.
#[derive(Clone, Debug)]
pub(super) struct Spec {
    pub(super) rule: Rule,
    pub(super) target: Option<Pending>,
    pub(super) diags: Vec<Diagnostic>,
    /// The words of the specification, to find the rule again for `-D chain rule-spec`.
    pub(super) key: Vec<String>,
    /// Whether the specification has a syntax error (the rule is then left out).
    pub(super) broken: bool,
}

/// Modules whose options are modelled (or only restrict the protocol).
const MODELLED: [&str; 13] = [
    "tcp",
    "udp",
    "sctp",
    "dccp",
    "udplite",
    "icmp",
    "icmp6",
    "multiport",
    "state",
    "conntrack",
    "iprange",
    "comment",
    "",
];

/// Where the options being read belong.
enum Ctx {
    /// Generic options, or a match module (`-m NAME`); `""` for a `-m` without a name.
    Match(String),
    /// Options of the target (`--log-prefix`, `--reject-with`): no effect on matching.
    Target,
}

struct Builder<'a> {
    file: FileId,
    toks: &'a [Tok],
    i: usize,
    rule: Rule,
    target: Option<Pending>,
    diags: Vec<Diagnostic>,
    ctx: Ctx,
    /// Index in `rule.unsupported` of the entry of the current unmodelled module.
    open: Option<usize>,
    ports_used: bool,
    comments: Vec<String>,
    /// A message per `rule.unsupported` entry, when the default one does not fit.
    messages: Vec<Option<String>>,
    /// Whether a syntax error was found (the rule is then dropped).
    broken: bool,
}

/// Parses the words after `-A CHAIN`; `span` is the whole line.
pub(super) fn parse(file: FileId, toks: &[Tok], span: Span) -> Spec {
    let mut b = Builder {
        file,
        toks,
        i: 0,
        rule: Rule::any(Action::Continue, span),
        target: None,
        diags: Vec::new(),
        ctx: Ctx::Match(String::new()),
        open: None,
        ports_used: false,
        comments: Vec::new(),
        messages: Vec::new(),
        broken: false,
    };
    while b.i < toks.len() {
        b.option();
    }
    b.finish()
}

impl Builder<'_> {
    fn span(&self, t: &Tok) -> Span {
        Span::new(self.file, t.start, t.end)
    }

    fn syntax(&mut self, span: Span, message: String, label: &str) {
        self.broken = true;
        self.diags.push(
            Diagnostic::new(Code::FirewallSyntax, message)
                .at(span, label)
                .help("fix the rule so that `iptables-restore` accepts it"),
        );
    }

    fn unsupported(&mut self, what: String, span: Span) {
        self.rule.unsupported.push((what, span));
        self.messages.push(None);
    }

    /// An unsupported part with its own message (not "`what` is not modelled").
    fn unsupported_because(&mut self, what: String, span: Span, message: String) {
        self.rule.unsupported.push((what, span));
        self.messages.push(Some(message));
    }

    /// Reads one option with its values and applies it.
    fn option(&mut self) {
        let mut neg = false;
        let Some(first) = self.toks.get(self.i) else {
            return;
        };
        if first.is_bang() {
            neg = true;
            self.i += 1;
        }
        let Some(opt) = self.toks.get(self.i) else {
            let span = self.span(first);
            self.syntax(span, "`!` at the end of the rule".into(), "negates nothing");
            return;
        };
        self.i += 1;
        let opt_span = self.span(opt);
        if !opt.is_option() {
            let message = format!("unexpected `{}` in a rule", opt.text);
            self.syntax(opt_span, message, "expected an option");
            return;
        }
        let name = opt.text.as_str();
        let arity = match name {
            "-4" | "--ipv4" | "-6" | "--ipv6" | "-f" | "--fragment" | "--syn" => 0,
            "-c" | "--set-counters" => 2,
            _ if self.known(name) => 1,
            _ => usize::MAX,
        };
        if arity == 1 && self.toks.get(self.i).is_some_and(Tok::is_bang) {
            // Old style: `--dport ! 22`.
            neg = !neg;
            self.i += 1;
        }
        let start = self.i;
        if arity == usize::MAX {
            while self
                .toks
                .get(self.i)
                .is_some_and(|t| !t.is_option() && !t.is_bang())
            {
                self.i += 1;
            }
        } else if name == "-m" || name == "--match" {
            if self.toks.get(self.i).is_some_and(|t| !t.is_option()) {
                self.i += 1;
            }
        } else {
            self.i = (self.i + arity).min(self.toks.len());
            if self.i - start < arity {
                let message = format!("`{name}` needs a value");
                self.syntax(opt_span, message, "value missing");
                return;
            }
        }
        let vals = self.toks.get(start..self.i).unwrap_or(&[]);
        let end = vals.last().map_or(opt_span, |t| self.span(t));
        let whole = opt_span.to(end);
        self.apply(name, neg, vals, whole);
    }

    /// Options read with exactly one value.
    fn known(&self, name: &str) -> bool {
        let generic = matches!(
            name,
            "-s" | "--source"
                | "--src"
                | "-d"
                | "--destination"
                | "--dst"
                | "-p"
                | "--protocol"
                | "-i"
                | "--in-interface"
                | "-o"
                | "--out-interface"
                | "-m"
                | "--match"
                | "-j"
                | "--jump"
                | "-g"
                | "--goto"
        );
        let matching = matches!(
            name,
            "--dport"
                | "--destination-port"
                | "--sport"
                | "--source-port"
                | "--dports"
                | "--destination-ports"
                | "--sports"
                | "--source-ports"
                | "--state"
                | "--ctstate"
                | "--src-range"
                | "--dst-range"
                | "--comment"
        );
        generic
            || (matching && matches!(&self.ctx, Ctx::Match(m) if MODELLED.contains(&m.as_str())))
    }

    fn apply(&mut self, name: &str, neg: bool, vals: &[Tok], whole: Span) {
        let value = vals.first().map(|t| t.text.clone()).unwrap_or_default();
        match name {
            "-s" | "--source" | "--src" => self.address(true, neg, &value, whole),
            "-d" | "--destination" | "--dst" => self.address(false, neg, &value, whole),
            "--src-range" => self.address(true, neg, &value, whole),
            "--dst-range" => self.address(false, neg, &value, whole),
            "-p" | "--protocol" => match values::protocols(&value) {
                Some(p) => {
                    let p = if neg { p.complement() } else { p };
                    self.rule.protocols = self.rule.protocols.intersect(&p);
                }
                None => {
                    let message = format!(
                        "protocol `{value}` is not known; the rule is treated conservatively"
                    );
                    self.unsupported_because(format!("-p {value}"), whole, message);
                }
            },
            "-i" | "--in-interface" => self.rule.in_iface = Some(iface(neg, value)),
            "-o" | "--out-interface" => self.rule.out_iface = Some(iface(neg, value)),
            "-m" | "--match" => self.module(value, whole),
            "-j" | "--jump" | "-g" | "--goto" => {
                let goto = name == "-g" || name == "--goto";
                self.jump(value, goto, vals.first().map_or(whole, |t| self.span(t)));
            }
            "--dport" | "--destination-port" | "--sport" | "--source-port" => {
                let src = name.starts_with("--s");
                self.ports(src, neg, values::port_range(&value), whole);
            }
            "--dports" | "--destination-ports" | "--sports" | "--source-ports" => {
                let src = name.starts_with("--s");
                self.ports(src, neg, values::port_list(&value), whole);
            }
            "--state" | "--ctstate" => self.states(neg, &value, name, whole),
            "--comment" => self.comments.push(value),
            "-4" | "--ipv4" => self.family(&AddrSet::any_v4()),
            "-6" | "--ipv6" => self.family(&AddrSet::any_v6()),
            "-c" | "--set-counters" => {}
            _ => self.other(name, whole),
        }
    }

    fn address(&mut self, src: bool, neg: bool, value: &str, whole: Span) {
        let Some(set) = values::addresses(value) else {
            let message = format!(
                "`{value}` is not an address (a host name is resolved only when the rule is \
                 loaded); the rule is treated conservatively"
            );
            let what = self.text(whole);
            self.unsupported_because(what, whole, message);
            return;
        };
        let set = if neg {
            set.negate(&values::universe(&set))
        } else {
            set
        };
        let field = if src {
            &mut self.rule.src
        } else {
            &mut self.rule.dst
        };
        *field = field.intersect(&set);
    }

    fn family(&mut self, universe: &AddrSet) {
        self.rule.src = self.rule.src.intersect(universe);
        self.rule.dst = self.rule.dst.intersect(universe);
    }

    fn module(&mut self, name: String, whole: Span) {
        self.open = None;
        let proto = match name.as_str() {
            "tcp" => Some(6),
            "udp" => Some(17),
            "sctp" => Some(132),
            "dccp" => Some(33),
            "udplite" => Some(136),
            "icmp" => Some(1),
            "icmp6" => Some(58),
            _ => None,
        };
        if let Some(p) = proto {
            self.rule.protocols = self.rule.protocols.intersect(&ProtoSet::single(p, p));
        }
        if !MODELLED.contains(&name.as_str()) {
            self.open = Some(self.rule.unsupported.len());
            self.unsupported(format!("-m {name}"), whole);
        }
        self.ctx = Ctx::Match(name);
    }

    fn jump(&mut self, name: String, goto: bool, span: Span) {
        self.ctx = Ctx::Target;
        self.open = None;
        self.target = None;
        self.rule.action = match (name.as_str(), goto) {
            ("ACCEPT", false) => Action::Accept,
            ("DROP", false) => Action::Drop,
            ("REJECT", false) => Action::Reject,
            ("RETURN", false) => Action::Return,
            _ => match values::extension_target(&name).filter(|_| !goto) {
                Some(TargetKind::Log) => {
                    self.rule.log = true;
                    Action::Continue
                }
                Some(TargetKind::Continue) => Action::Continue,
                Some(TargetKind::Other) => {
                    self.unsupported(format!("-j {name}"), span);
                    Action::Other(name.to_ascii_lowercase())
                }
                None => {
                    self.target = Some(Pending { name, span, goto });
                    Action::Continue
                }
            },
        };
    }

    fn ports(&mut self, src: bool, neg: bool, set: Option<PortSet>, whole: Span) {
        let Some(set) = set else {
            let what = self.text(whole);
            let message =
                format!("`{what}` does not name known ports; the rule is treated conservatively");
            self.unsupported_because(what, whole, message);
            return;
        };
        let set = if neg { set.complement() } else { set };
        let field = if src {
            &mut self.rule.src_ports
        } else {
            &mut self.rule.dst_ports
        };
        *field = field.intersect(&set);
        self.ports_used = true;
    }

    fn text(&self, span: Span) -> String {
        self.toks
            .iter()
            .filter(|t| t.start >= span.start as usize && t.end <= span.end as usize)
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn states(&mut self, neg: bool, value: &str, name: &str, whole: Span) {
        let Some(mut list) = values::states(value) else {
            let message = format!(
                "`{name} {value}` names an unknown connection state; the rule is treated \
                 conservatively"
            );
            self.unsupported_because(format!("{name} {value}"), whole, message);
            return;
        };
        if neg {
            list = values::STATES
                .iter()
                .filter(|s| !list.iter().any(|l| l == *s))
                .map(|s| (*s).to_string())
                .collect();
        }
        if !self.rule.states.is_empty() {
            list.retain(|s| self.rule.states.contains(s));
            if list.is_empty() {
                let message = format!(
                    "`{name} {value}` contradicts an earlier state match; the rule is treated \
                     conservatively"
                );
                self.unsupported_because(format!("{name} {value}"), whole, message);
                return;
            }
        }
        values::normalize_states(&mut list);
        self.rule.states = list;
    }

    /// An option the model does not describe.
    fn other(&mut self, name: &str, whole: Span) {
        match &self.ctx {
            Ctx::Target => {}
            Ctx::Match(_) => match self.open.and_then(|i| self.rule.unsupported.get_mut(i)) {
                Some((_, span)) => *span = span.to(whole),
                None => self.unsupported(name.to_string(), whole),
            },
        }
    }

    fn finish(mut self) -> Spec {
        if self.ports_used && self.rule.protocols.is_full() {
            self.rule.protocols = values::port_protocols();
        }
        if !self.comments.is_empty() {
            self.rule.comment = Some(self.comments.join(" "));
        }
        for ((what, span), message) in self.rule.unsupported.iter().zip(&self.messages) {
            let mut d = not_modelled(what, *span);
            if let Some(m) = message {
                d.message.clone_from(m);
            }
            self.diags.push(d);
        }
        Spec {
            broken: self.broken,
            rule: self.rule,
            target: self.target,
            diags: self.diags,
            key: self.toks.iter().map(|t| t.text.clone()).collect(),
        }
    }
}

fn iface(neg: bool, name: String) -> String {
    if neg {
        format!("!{name}")
    } else {
        name
    }
}

/// The warning for a construct the model does not describe.
pub(super) fn not_modelled(what: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::FirewallUnsupported,
        format!("`{what}` is not modelled; the rule is treated conservatively"),
    )
    .at(span, "not modelled")
    .help("review this rule by hand: analyses assume it may match more or fewer packets than its addresses and ports say")
}
