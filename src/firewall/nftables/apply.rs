//! Applying a match to the rule being built: resolving its value (anonymous set, named set,
//! variable), narrowing every alternative, and expanding verdict maps and concatenated sets
//! into one alternative per element.

use crate::diag::{Code, Diagnostic};
use crate::firewall::model::Action;
use crate::source::Span;

use super::expr::Value;
use super::lex::Tok;
use super::rule::{verdict_word, B, MAX_EXPANSION};
use super::script::Element;
use super::values::{self, Sel, Val};

impl B<'_> {
    /// The elements of a value; `None` (with a warning) if they are not known.
    pub(super) fn resolve(
        &mut self,
        value: &Value,
        what: &str,
        span: Span,
    ) -> Option<Vec<Element>> {
        match value {
            Value::Elems(e) => Some(e.clone()),
            Value::Named(name) => {
                let bare = name.text.trim_start_matches('@');
                let at = self.span_of(name);
                match self.table.sets.iter().find(|s| s.name == bare) {
                    Some(set) if set.dynamic => {
                        let message = format!(
                            "set `{}` is filled at run time; the rule is treated conservatively",
                            name.text
                        );
                        self.unsupported(&name.text, at, Some(message));
                        None
                    }
                    Some(set) => Some(set.elements.clone()),
                    None => {
                        self.diags.push(
                            Diagnostic::new(
                                Code::UnknownObject,
                                format!("set `{}` is not defined", name.text),
                            )
                            .at(at, "no such set or map in this table")
                            .help(format!(
                                "define `set {bare}` in table `{}`",
                                self.table.name
                            )),
                        );
                        self.alts
                            .iter_mut()
                            .for_each(|r| r.unsupported.push((name.text.clone(), at)));
                        None
                    }
                }
            }
            Value::Var(var) => {
                let at = self.span_of(var);
                self.diags.push(
                    Diagnostic::new(
                        Code::UnknownObject,
                        format!("variable `{}` is not defined", var.text),
                    )
                    .at(at, "no `define` before")
                    .help("define the variable with `define NAME = VALUE` before its use"),
                );
                self.alts
                    .iter_mut()
                    .for_each(|r| r.unsupported.push((var.text.clone(), at)));
                None
            }
            Value::Opaque | Value::Missing => {
                self.unsupported(what, span, None);
                None
            }
        }
    }

    /// The value of one element for one selector, or the unsupported reason.
    fn read(&self, sel: &Sel, tok: &Tok) -> Result<Val, String> {
        values::value(sel, &tok.text)
            .ok_or_else(|| format!("`{}` is not {}", tok.text, values::kind(sel)))
    }

    /// `sel value`, `sel != value`, `sel { set }`, `sel != @set`.
    pub(super) fn equal(
        &mut self,
        sels: &[Sel],
        neg: bool,
        elems: &[Element],
        what: &str,
        span: Span,
    ) {
        let [sel] = sels else {
            if neg {
                return self.unsupported(what, span, None);
            }
            return self.expand(sels, elems, false, span);
        };
        let ifaces = matches!(sel, Sel::Iface { .. });
        if ifaces && !neg && elems.len() > 1 {
            return self.expand(sels, elems, false, span);
        }
        let mut acc = values::empty(sel);
        for e in elems {
            let (Some(k), 1) = (e.key.first(), e.key.len()) else {
                return self.unsupported(what, span, None);
            };
            match self.read(sel, k) {
                Ok(v) => acc = values::union(acc, v),
                Err(reason) => {
                    let message = format!("{reason}; the rule is treated conservatively");
                    return self.unsupported(what, span, Some(message));
                }
            }
        }
        let acc = if neg {
            values::negate(sel, acc)
        } else {
            Some(acc)
        };
        let Some(acc) = acc else {
            let message = format!(
                "`{what} != {{ … }}` (not in a set of interfaces) is not modelled; the rule is \
                 treated conservatively"
            );
            return self.unsupported(what, span, Some(message));
        };
        let mut problem = None;
        for r in &mut self.alts {
            if let Err(reason) = values::narrow(r, sel, &acc) {
                problem = Some(reason);
            }
        }
        if let Some(reason) = problem {
            let message = format!("`{what}` {reason}; the rule is treated conservatively");
            self.unsupported(what, span, Some(message));
        }
    }

    /// `tcp dport < 1024`…
    pub(super) fn compare(
        &mut self,
        sels: &[Sel],
        op: &str,
        elems: &[Element],
        what: &str,
        span: Span,
    ) {
        let one = match (sels, elems) {
            ([sel], [e]) => e
                .key
                .first()
                .and_then(|k| values::compare(sel, op, &k.text))
                .map(|v| (sel, v)),
            _ => None,
        };
        let Some((sel, v)) = one else {
            return self.unsupported(what, span, None);
        };
        for r in &mut self.alts {
            let _ = values::narrow(r, sel, &v);
        }
    }

    /// One alternative per element (and per current alternative): a verdict map, a
    /// concatenated set, a set of interfaces.
    pub(super) fn expand(&mut self, sels: &[Sel], elems: &[Element], verdicts: bool, span: Span) {
        if self.alts.len().saturating_mul(elems.len()) > MAX_EXPANSION {
            if verdicts {
                self.set_action(Action::Other("vmap".into()));
            }
            let message = format!(
                "a set of {} elements here is not modelled; the rule is treated conservatively",
                elems.len()
            );
            return self.unsupported("large set", span, Some(message));
        }
        let mut out = Vec::new();
        let mut problems: Vec<String> = Vec::new();
        for alt in std::mem::take(&mut self.alts) {
            for e in elems {
                let mut r = alt.clone();
                if e.key.len() != sels.len() {
                    problems.push(format!(
                        "an element has {} parts for {} selectors",
                        e.key.len(),
                        sels.len()
                    ));
                    r.unsupported.push(("element".into(), span));
                }
                for (sel, k) in sels.iter().zip(&e.key) {
                    if k.text == "*" {
                        continue;
                    }
                    match self
                        .read(sel, k)
                        .and_then(|v| values::narrow(&mut r, sel, &v))
                    {
                        Ok(()) => {}
                        Err(reason) => {
                            problems.push(reason);
                            // The element may be written in a named set: point into the rule.
                            r.unsupported.push((k.text.clone(), span));
                        }
                    }
                }
                if verdicts {
                    let (action, problem) = self.verdict(&e.value, span);
                    r.action = action;
                    if let Some((what, _)) = problem {
                        r.unsupported.push((what, span));
                    }
                }
                out.push(r);
            }
        }
        self.alts = out;
        problems.sort();
        problems.dedup();
        for p in problems {
            self.diags.push(
                Diagnostic::new(
                    Code::FirewallUnsupported,
                    format!("{p}; the rule is treated conservatively"),
                )
                .at(span, "not modelled")
                .help("review this rule by hand"),
            );
        }
    }

    /// The verdict of a verdict-map element (`accept`, `jump NAME`…).
    fn verdict(&mut self, value: &[Tok], span: Span) -> (Action, Option<(String, Span)>) {
        match value {
            [w] => match verdict_word(&w.text) {
                Some(a) => (a, None),
                None => (
                    Action::Other(w.text.clone()),
                    Some((w.text.clone(), self.span_of(w))),
                ),
            },
            [kw, name] if kw.is("jump") || kw.is("goto") => self.jump(name, kw.is("goto")),
            _ => {
                let at = value.first().map_or(span, |t| self.span_of(t));
                (Action::Other("vmap".into()), Some(("verdict".into(), at)))
            }
        }
    }
}
