//! pfSense and OPNsense `config.xml`: interfaces, aliases and filter rules, legacy
//! (`<filter><rule>`) and OPNsense MVC (`<OPNsense><Firewall><Filter><rules><rule>`).
//!
//! Each interface gets a ruleset `pfsense <if>` (default drop: pfSense blocks what no rule
//! passes). Floating rules (and MVC rules on several or no interfaces) form `pfsense floating`,
//! interface-group rules `pfsense <group>`; since pf evaluates those first, every interface
//! ruleset starts with a jump to them, and they end in `return`. Within a ruleset, OPNsense
//! MVC rules (by `<sequence>`) precede legacy ones (in file order), as OPNsense sorts them.

mod aliases;
mod ifaces;
mod place;
mod rules;
mod xml;

use roxmltree::{Document, ParsingOptions};

use crate::diag::{Code, Diagnostic};
use crate::firewall::model::{Config, Rule, Vendor};
use crate::firewall::Parsed;
use crate::source::{FileId, Span};

use aliases::Aliases;
use ifaces::Ifaces;

/// Why an address or port could not be resolved exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Problem {
    /// A name nothing defines: what it was taken for (`alias or network `x``).
    Unknown(String),
    /// Something known but not modelled, as a noun phrase.
    Unsupported(String),
}

/// What a rule conversion needs: the file, the interfaces and aliases, the diagnostics.
pub(super) struct Ctx<'t> {
    file: FileId,
    text: &'t str,
    opnsense: bool,
    ifaces: Ifaces,
    aliases: Aliases,
    diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    /// Marks `rule` inexact because of `what` at `span`, with a warning.
    fn unsupported(&mut self, rule: &mut Rule, what: String, span: Span) {
        self.diags.push(
            Diagnostic::new(
                Code::FirewallUnsupported,
                format!("{what} is not modelled; the rule is treated conservatively"),
            )
            .at(span, "not modelled")
            .help("review this rule by hand: the analysis cannot tell exactly what it matches"),
        );
        rule.unsupported.push((what, span));
    }

    /// Marks `rule` inexact because of an undefined name at `span`.
    fn unknown(&mut self, rule: &mut Rule, what: String, span: Span) {
        self.diags.push(
            Diagnostic::new(Code::UnknownObject, format!("unknown {what}"))
                .at(span, "not defined in this file")
                .help("define it in this configuration or fix the name"),
        );
        rule.unsupported.push((format!("unknown {what}"), span));
    }

    fn problems(&mut self, rule: &mut Rule, problems: Vec<Problem>, span: Span) {
        for p in problems {
            match p {
                Problem::Unknown(what) => self.unknown(rule, what, span),
                Problem::Unsupported(what) => self.unsupported(rule, what, span),
            }
        }
    }
}

/// Whether `text` is XML whose root element is `<pfsense>` or `<opnsense>`.
pub fn sniff(text: &str) -> bool {
    let mut s = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        let skipped = if s.starts_with("<?") {
            s.split_once("?>").map(|p| p.1)
        } else if s.starts_with("<!--") {
            s.split_once("-->").map(|p| p.1)
        } else if s.starts_with("<!") {
            s.split_once('>').map(|p| p.1)
        } else {
            break;
        };
        match skipped {
            Some(rest) => s = rest.trim_start(),
            None => return false,
        }
    }
    ["<pfsense", "<opnsense"].iter().any(|root| {
        s.strip_prefix(root)
            .is_some_and(|r| r.starts_with(['>', '/', ' ', '\t', '\r', '\n']))
    })
}

/// Parses a whole `config.xml`. Never fails, never panics.
pub fn parse(file: FileId, text: &str) -> Parsed {
    let mut config = Config {
        vendor: Vendor::Pfsense,
        rulesets: Vec::new(),
        interfaces: Vec::new(),
        hostname: None,
    };
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    let doc = match Document::parse_with_options(text, options) {
        Ok(doc) => doc,
        Err(e) => {
            let pos = e.pos();
            let at = xml::offset(text, pos.row, pos.col);
            let msg = e.to_string();
            let suffix = format!(" at {}:{}", pos.row, pos.col);
            let msg = msg.strip_suffix(&suffix).unwrap_or(&msg);
            let d = Diagnostic::new(Code::FirewallSyntax, format!("malformed XML: {msg}"))
                .at(Span::new(file, at, at), "here")
                .help("fix the XML; no rules were read from this file");
            return Parsed {
                config,
                diagnostics: vec![d],
            };
        }
    };
    let root = doc.root_element();
    let mut cx = Ctx {
        file,
        text,
        opnsense: root.tag_name().name() == "opnsense",
        ifaces: Ifaces::read(file, root),
        aliases: Aliases::read(root),
        diags: Vec::new(),
    };
    config.hostname = xml::path(root, &["system", "hostname"])
        .map(xml::text)
        .filter(|h| !h.is_empty());
    config.interfaces = cx.ifaces.model();

    let mut drafts = Vec::new();
    if let Some(mvc) = xml::path(root, &["OPNsense", "Firewall", "Filter", "rules"]) {
        for n in xml::children(mvc, "rule") {
            drafts.push(rules::mvc(&mut cx, n));
        }
    }
    if let Some(filter) = xml::child(root, "filter") {
        for (i, n) in xml::children(filter, "rule").enumerate() {
            drafts.push(rules::legacy(&mut cx, n, i));
        }
    }
    config.rulesets = place::rulesets(&mut cx, drafts);
    Parsed {
        config,
        diagnostics: cx.diags,
    }
}
