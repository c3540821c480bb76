//! The tree-walking interpreter over [`Ir`].

use std::borrow::Cow;
use std::sync::Arc;

use rayon::prelude::*;

use crate::entities::Entities;
use crate::natives;
use crate::source::Span;
use crate::syntax::ast::Quant;
use crate::value::{ArcStr, Kind, Map, Value};

use super::ir::{Ir, IrComp, IrPart, Pattern};
use super::limits::Limits;
use super::memo::{same_args, Entry, Key, Memo};
use super::ops;
use super::program::Program;

/// Why an evaluation stopped.
#[derive(Debug, Clone)]
pub(crate) enum Fault {
    /// An operation failed (bad operand, native error).
    Error { message: String, span: Span },
    /// A bound was exceeded.
    Limit { message: String, span: Span },
}

pub(crate) type Res = Result<Value, Fault>;

/// The callback of a comprehension: adds one item, returns the collection's new size.
type Emit<'e, 'a> = dyn FnMut(&mut Interp<'a>, &mut [Value]) -> Result<usize, Fault> + 'e;

fn error(message: impl Into<String>, span: Span) -> Fault {
    Fault::Error {
        message: message.into(),
        span,
    }
}

/// What a run of a list comprehension's items gave (see [`Interp::eval_parallel`]).
pub(crate) struct Part {
    /// How many items of the list the run holds.
    pub(crate) items: usize,
    /// The values they gave.
    pub(crate) out: Vec<Value>,
    /// The steps it took.
    pub(crate) steps: u64,
}

/// The parts of a list comprehension built as each file loaded (`early.rs`), one per file in
/// input order, for [`Interp::eval_parallel`].
pub(crate) struct Built {
    /// Per file: its part, or how many items of the list the file holds when its part
    /// failed or read what needs every document. That file kept its values: its part is
    /// built again after loading, from its own items.
    pub(crate) parts: Vec<Result<Part, usize>>,
    /// Whether some file's values were freed as it loaded: the list then holds placeholders
    /// for its items, and cannot be gone over again in one pass.
    pub(crate) released: bool,
}

/// A list comprehension taken apart after its first `for`, which binds `slot`: what each
/// item goes through.
#[derive(Clone, Copy)]
struct Comp<'i> {
    slot: usize,
    elem: &'i Ir,
    rest: &'i [IrComp],
    span: Span,
}

/// One evaluation: a rule on one entity, a constant, or a test expression.
pub(crate) struct Interp<'a> {
    pub(crate) prog: &'a Program,
    pub(crate) entities: &'a Entities,
    pub(crate) consts: &'a [Value],
    pub(crate) limits: &'a Limits,
    steps: u64,
    depth: u32,
    /// The deepest `depth` seen by a call's depth check (for [`Memo`] entries).
    peak: u32,
    memo: Option<&'a Memo>,
    /// Frames of finished calls, kept to be reused by the next calls (one allocation per
    /// nesting level rather than per call).
    frames: Vec<Vec<Value>>,
    /// The arguments of the native calls being made, innermost last.
    args: Vec<Value>,
    /// The last calls that gave a list or map, with their arguments (see
    /// [`Interp::call_recent`]); at most [`RECENT`], the oldest replaced first.
    recent: Vec<Recent>,
    /// Where the next call kept in `recent` goes once it is full.
    next_recent: usize,
    /// With `--profile`: the functions whose calls are under way, innermost last (a call
    /// within a call of the same function adds no steps of its own to the tally).
    active: Vec<u32>,
}

/// Calls kept in [`Interp::recent`]: the helpers one rule calls on an item, a few at most.
const RECENT: usize = 4;

/// Calls that took fewer steps are evaluated again rather than kept in [`Interp::recent`]:
/// keeping one (its arguments and value copied) costs about what a few steps do.
const RECENT_MIN_STEPS: u64 = 8;

/// A call kept in [`Interp::recent`]: its function and arguments, and what the shared table
/// would keep of it.
struct Recent {
    function: u32,
    args: Vec<Value>,
    kept: Entry,
}

impl<'a> Interp<'a> {
    pub(crate) fn new(
        prog: &'a Program,
        entities: &'a Entities,
        consts: &'a [Value],
        limits: &'a Limits,
    ) -> Self {
        Interp {
            prog,
            entities,
            consts,
            limits,
            steps: 0,
            depth: 0,
            peak: 0,
            memo: None,
            frames: Vec::new(),
            args: Vec::new(),
            recent: Vec::new(),
            next_recent: 0,
            active: Vec::new(),
        }
    }

    /// Shares the results of user function calls through `memo` (see `memo.rs`).
    pub(crate) fn with_memo(mut self, memo: &'a Memo) -> Self {
        self.memo = Some(memo);
        self
    }

    /// The steps taken since the last [`restart`](Interp::restart).
    pub(crate) fn taken(&self) -> u64 {
        self.steps
    }

    /// Back to the state of a new interpreter, for the next unit (the kept frames stay).
    pub(crate) fn restart(&mut self) {
        self.steps = 0;
        self.depth = 0;
        self.peak = 0;
        // Left over only when a native panicked (the unit was stopped there).
        self.args.clear();
        self.active.clear();
    }

    fn step(&mut self, span: Span) -> Result<(), Fault> {
        self.steps += 1;
        if self.steps > self.limits.max_steps {
            return Err(Fault::Limit {
                message: too_many_steps(self.limits.max_steps),
                span,
            });
        }
        Ok(())
    }

    /// `n` steps at once, failing as `n` calls of [`step`](Interp::step) would.
    fn steps(&mut self, n: u64, span: Span) -> Result<(), Fault> {
        if self.steps.saturating_add(n) > self.limits.max_steps {
            self.steps = self.limits.max_steps;
            return self.step(span);
        }
        self.steps += n;
        Ok(())
    }

    pub(crate) fn truth(
        &mut self,
        ir: &Ir,
        frame: &mut [Value],
        span: Span,
    ) -> Result<bool, Fault> {
        let v = self.eval(ir, frame, span)?;
        ops::truth(&v).map_err(|m| error(m, span))
    }

    /// Like [`eval`](Interp::eval), building a list comprehension over a long list (a
    /// constant such as `[c for c in k8s.containers if …]`) in parallel parts, or from `built`,
    /// its parts built as each file loaded ([`Interp::build_part`], one per file in input
    /// order). The value is the one `eval` gives; so is the fault: a file's part that failed
    /// is built again from where the others leave off (their steps, their items), which fails
    /// where `eval` would have; when the parts together take more steps or build more items
    /// than the limits allow, the items are gone over again in one pass (the list itself is
    /// not evaluated twice). The one exception: when files were freed as they loaded and the
    /// step limit is passed within the part of one of them, the fault is the limit's at the
    /// comprehension, not at the node where one pass would have passed it.
    pub(crate) fn eval_parallel(
        &mut self,
        ir: &Ir,
        frame: &mut [Value],
        at: Span,
        built: Option<Built>,
    ) -> Res {
        /// Lists shorter than this are built in order.
        const MIN_ITEMS: usize = 1024;
        /// Items per part.
        const PART: usize = 256;
        let Ir::ListComp(elem, clauses, span) = ir else {
            return self.eval(ir, frame, at);
        };
        let Some((IrComp::For(slot, iter, ispan), rest)) = clauses.split_first() else {
            return self.eval(ir, frame, at);
        };
        // What `eval` does first: a step for the comprehension, then its list.
        self.step(at)?;
        let coll = self.eval(iter, frame, *ispan)?;
        let items = iterate(&coll).map_err(|m| error(m, *ispan))?;
        let listed = self.steps;
        let comp = Comp {
            slot: *slot as usize,
            elem,
            rest,
            span: *span,
        };
        // Parts built as the files loaded are taken when they cover the list exactly.
        let covers = |b: &Built| {
            let held = |p: &Result<Part, usize>| p.as_ref().map_or_else(|n| *n, |p| p.items);
            b.parts.iter().map(held).sum::<usize>() == items.len()
        };
        let parts: Option<Vec<Part>> = match built.filter(covers) {
            Some(built) => {
                return self.put_together(built, &items, comp, frame);
            }
            None if items.len() >= MIN_ITEMS => {
                let (prog, entities, consts, limits) =
                    (self.prog, self.entities, self.consts, self.limits);
                items
                    .par_chunks(PART)
                    .map(|part| {
                        let mut me = Interp::new(prog, entities, consts, limits);
                        let mut frame = frame.to_vec();
                        let mut out = Vec::new();
                        me.comprehend_items(comp, part, &mut frame, &mut out).ok()?;
                        Some(Part {
                            items: part.len(),
                            out,
                            steps: me.steps,
                        })
                    })
                    .collect()
            }
            None => None,
        };
        if let Some(parts) = parts {
            let steps = parts
                .iter()
                .map(|p| p.steps)
                .fold(listed, u64::saturating_add);
            let made: usize = parts.iter().map(|p| p.out.len()).sum();
            if steps <= self.limits.max_steps && made <= self.limits.max_collection {
                self.steps = steps;
                return Ok(Value::list(parts.into_iter().flat_map(|p| p.out).collect()));
            }
        }
        // In one pass, from where the list was evaluated.
        self.steps = listed;
        let mut out = Vec::new();
        self.comprehend_items(comp, &items, frame, &mut out)?;
        Ok(Value::list(out))
    }

    /// The list comprehension's value from the parts built as each file loaded (see
    /// [`Interp::eval_parallel`], which has taken the comprehension's step and evaluated its
    /// list, `items`): in input order, each part's steps and items added to the run's, and a
    /// failed part built again where the others leave off.
    fn put_together(
        &mut self,
        built: Built,
        items: &[Value],
        comp: Comp<'_>,
        frame: &mut [Value],
    ) -> Res {
        let listed = self.steps;
        let (max_steps, max_collection) = (self.limits.max_steps, self.limits.max_collection);
        let mut out = Vec::new();
        let mut offset = 0;
        let mut passed = false;
        for part in built.parts {
            match part {
                Ok(part) => {
                    self.steps = self.steps.saturating_add(part.steps);
                    offset += part.items;
                    out.extend(part.out);
                }
                Err(n) => {
                    let run = items.get(offset..offset + n).unwrap_or_default();
                    self.comprehend_items(comp, run, frame, &mut out)?;
                    offset += n;
                }
            }
            // One pass would have failed within this part or before it.
            if self.steps > max_steps || out.len() > max_collection {
                passed = true;
                break;
            }
        }
        if !passed {
            return Ok(Value::list(out));
        }
        if !built.released {
            // Every item is still there: one pass finds where it fails.
            self.steps = listed;
            out.clear();
            self.comprehend_items(comp, items, frame, &mut out)?;
            return Ok(Value::list(out));
        }
        let message = if self.steps > max_steps {
            too_many_steps(max_steps)
        } else {
            too_many_items(max_collection)
        };
        Err(Fault::Limit {
            message,
            span: comp.span,
        })
    }

    /// The part of list comprehension `ir` (whose first `for` iterates an entity list) that
    /// `items`, a run of that list, give, for [`Interp::eval_parallel`] to put together with
    /// the others. `None` when it fails or `ir` is not such a comprehension. The interpreter
    /// must be a fresh one (its steps are the part's).
    pub(crate) fn build_part(
        &mut self,
        ir: &Ir,
        items: &[Value],
        frame: &mut [Value],
    ) -> Option<Part> {
        let Ir::ListComp(elem, clauses, span) = ir else {
            return None;
        };
        let Some((IrComp::For(slot, _, _), rest)) = clauses.split_first() else {
            return None;
        };
        let comp = Comp {
            slot: *slot as usize,
            elem,
            rest,
            span: *span,
        };
        let mut out = Vec::new();
        self.comprehend_items(comp, items, frame, &mut out).ok()?;
        Some(Part {
            items: items.len(),
            out,
            steps: self.steps,
        })
    }

    /// The rest of a list comprehension after its first `for`, over `items`, as
    /// [`Interp::comprehend`] runs it: the values of its element, appended to `out` and
    /// counted with what it already holds against `max_collection` as they are built.
    fn comprehend_items(
        &mut self,
        comp: Comp<'_>,
        items: &[Value],
        frame: &mut [Value],
        out: &mut Vec<Value>,
    ) -> Result<(), Fault> {
        let Comp {
            slot,
            elem,
            rest,
            span,
        } = comp;
        for item in items {
            if let Some(s) = frame.get_mut(slot) {
                *s = item.clone();
            }
            self.comprehend(rest, frame, span, &mut |me, frame| {
                let v = me.eval(elem, frame, span)?;
                out.push(v);
                Ok(out.len())
            })?;
        }
        Ok(())
    }

    /// Evaluates `ir`; `at` is the span of the nearest enclosing construct, used for limits.
    pub(crate) fn eval(&mut self, ir: &Ir, frame: &mut [Value], at: Span) -> Res {
        self.step(at)?;
        match ir {
            Ir::Lit(v) => Ok(v.clone()),
            Ir::Local(slot) => Ok(frame.get(*slot as usize).cloned().unwrap_or(Value::MISSING)),
            Ir::Const(id) => Ok(self
                .consts
                .get(*id as usize)
                .cloned()
                .unwrap_or(Value::MISSING)),
            Ir::Entity(kind) => {
                let list = self.entities.get(kind);
                // The checker knows every kind; a run derives those `Program::entity_kinds`
                // names, so a kind is missing only if that analysis missed a use.
                debug_assert!(list.is_some(), "entity kind `{kind}` was not derived");
                Ok(match list {
                    Some(list) => Value::new(Kind::List(Arc::clone(list))),
                    None => Value::list(Vec::new()),
                })
            }
            Ir::Path(root, names) => self.path(root, names, frame, at),
            Ir::Index(base, index) => {
                let b = self.eval(base, frame, at)?;
                let i = self.eval(index, frame, at)?;
                Ok(b.index(&i))
            }
            Ir::Native(native, args, span) => {
                // The arguments go on top of the interpreter's argument stack (those of an
                // enclosing native call are below them), and only they are dropped after.
                let base = self.args.len();
                for a in args {
                    match self.eval(a, frame, *span) {
                        Ok(v) => self.args.push(v),
                        Err(fault) => {
                            self.args.truncate(base);
                            return Err(fault);
                        }
                    }
                }
                let result = (native.func)(self.args.get(base..).unwrap_or_default());
                self.args.truncate(base);
                result.map_err(|e| {
                    let which = e
                        .arg
                        .and_then(|i| native.params.get(i))
                        .map(|p| format!("argument `{}` of ", p.name))
                        .unwrap_or_default();
                    error(format!("{which}`{}`: {}", native.name, e.message), *span)
                })
            }
            Ir::Call(id, args, span) => self.call(*id, args, frame, *span),
            Ir::Not(inner, span) => {
                let b = self.truth(inner, frame, *span)?;
                Ok(Value::bool(!b))
            }
            Ir::Neg(inner, span) => {
                let v = self.eval(inner, frame, *span)?;
                match v.kind {
                    Kind::Int(i) => i
                        .checked_neg()
                        .map(Value::int)
                        .ok_or_else(|| error("integer overflow in `-`", *span)),
                    Kind::Float(f) => Ok(Value::float(-f)),
                    Kind::Missing => Ok(v),
                    _ => Err(error(
                        format!("`-` needs a number, found {}", v.type_name()),
                        *span,
                    )),
                }
            }
            Ir::And(a, b, span) => Ok(Value::bool(
                self.truth(a, frame, *span)? && self.truth(b, frame, *span)?,
            )),
            Ir::Or(a, b, span) => Ok(Value::bool(
                self.truth(a, frame, *span)? || self.truth(b, frame, *span)?,
            )),
            Ir::Coalesce(a, b) => self.coalesce(a, b, frame, at).map(Cow::into_owned),
            Ir::Bin(op, a, b, span) => {
                let x = self.operand(a, frame, *span)?;
                let y = self.operand(b, frame, *span)?;
                ops::binary(*op, &x, &y).map_err(|m| error(m, *span))
            }
            Ir::Matches(subject, pattern, span) | Ir::Like(subject, pattern, span) => {
                let regex = matches!(ir, Ir::Matches(..));
                let s = self.eval(subject, frame, *span)?;
                let text = match &s.kind {
                    Kind::Str(t) => t.clone(),
                    Kind::Missing | Kind::Null => return Ok(Value::bool(false)),
                    _ => {
                        return Err(error(
                            format!(
                                "`{}` needs a string, found {}",
                                if regex { "matches" } else { "like" },
                                s.type_name()
                            ),
                            *span,
                        ))
                    }
                };
                self.pattern_match(regex, &text, pattern, frame, *span)
            }
            Ir::Str(parts) => self.text(parts, frame, at).map(Value::str),
            Ir::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.eval(i, frame, at)?);
                }
                Ok(Value::list(out))
            }
            Ir::Map(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for (k, v) in entries {
                    let value = self.eval(v, frame, at)?;
                    map.insert(ArcStr::clone(k), None, value);
                }
                Ok(Value::map(map))
            }
            Ir::ListComp(elem, clauses, span) => {
                let mut out = Vec::new();
                self.comprehend(clauses, frame, *span, &mut |me, frame| {
                    let v = me.eval(elem, frame, *span)?;
                    out.push(v);
                    Ok(out.len())
                })?;
                Ok(Value::list(out))
            }
            Ir::MapComp(key, value, clauses, span) => {
                let mut map = Map::new();
                self.comprehend(clauses, frame, *span, &mut |me, frame| {
                    let k = me.eval(key, frame, *span)?;
                    let Some(k) = k.as_str().map(Arc::<str>::from) else {
                        return Err(error(
                            format!("map keys must be strings, found {}", k.type_name()),
                            *span,
                        ));
                    };
                    let v = me.eval(value, frame, *span)?;
                    map.insert(k, None, v);
                    Ok(map.len())
                })?;
                Ok(Value::map(map))
            }
            Ir::Quant(q, slot, iter, body, span) => {
                let coll = self.operand(iter, frame, *span)?;
                let items = items_of(&coll).map_err(|m| error(m, *span))?;
                let mut count = 0i64;
                for item in items.iter() {
                    if let Some(s) = frame.get_mut(*slot as usize) {
                        *s = item.clone();
                    }
                    let holds = self.truth(body, frame, *span)?;
                    match (q, holds) {
                        (Quant::Any, true) => return Ok(Value::bool(true)),
                        (Quant::All, false) | (Quant::None, true) => return Ok(Value::bool(false)),
                        (Quant::Count, true) => count += 1,
                        _ => {}
                    }
                }
                Ok(match q {
                    Quant::Any => Value::bool(false),
                    Quant::All | Quant::None => Value::bool(true),
                    Quant::Count => Value::int(count),
                })
            }
            Ir::If(c, t, f, span) => {
                if self.truth(c, frame, *span)? {
                    self.eval(t, frame, *span)
                } else {
                    self.eval(f, frame, *span)
                }
            }
        }
    }

    /// The text of an interpolated string's `parts`, once its step is taken. Room for the
    /// literal parts and a short value per interpolation is made at once: growing the string
    /// part by part reallocated it four or five times for a typical message.
    fn text(&mut self, parts: &[IrPart], frame: &mut [Value], at: Span) -> Result<String, Fault> {
        /// Room made for each interpolated value.
        const VALUE_ROOM: usize = 24;
        let room = parts
            .iter()
            .map(|p| match p {
                IrPart::Text(t) => t.len(),
                IrPart::Value(_) => VALUE_ROOM,
            })
            .sum();
        let mut out = String::with_capacity(room);
        for p in parts {
            match p {
                IrPart::Text(t) => out.push_str(t),
                IrPart::Value(ir) => {
                    // A string (what most interpolations give) is copied in as it is.
                    let v = self.operand(ir, frame, at)?;
                    match &v.kind {
                        Kind::Str(text) => out.push_str(text),
                        _ => out.push_str(&v.display()),
                    }
                }
            }
        }
        Ok(out)
    }

    /// The value of `ir` as text ([`Value::display`]): a `deny` message. Same text, steps and
    /// faults as `eval` then `display`; an interpolated string is built as the text itself,
    /// not as a string value copied out again.
    pub(crate) fn display(
        &mut self,
        ir: &Ir,
        frame: &mut [Value],
        at: Span,
    ) -> Result<String, Fault> {
        match ir {
            Ir::Str(parts) => {
                self.step(at)?;
                self.text(parts, frame, at)
            }
            _ => self.eval(ir, frame, at).map(|v| v.display()),
        }
    }

    /// A chain of field accesses (`c.securityContext.privileged`), `names` read in order from
    /// the value `root` gives. Read through references from that value when it is a local, a
    /// constant or a literal (anything else is evaluated first): no map on the way is cloned,
    /// so none of their reference counts is touched, and only the value at the end is. The
    /// steps are those of one field access at a time: one per name and the root's.
    fn path(&mut self, root: &Ir, names: &[ArcStr], frame: &mut [Value], at: Span) -> Res {
        // `eval` took the step of the outermost name; the others, and the root's.
        let inner = names.len().saturating_sub(1) as u64;
        let start: Cow<'_, Value> = match root {
            Ir::Local(slot) => {
                self.steps(inner + 1, at)?;
                match frame.get(*slot as usize) {
                    Some(v) => Cow::Borrowed(v),
                    None => Cow::Owned(Value::MISSING),
                }
            }
            Ir::Const(id) => {
                self.steps(inner + 1, at)?;
                match self.consts.get(*id as usize) {
                    Some(v) => Cow::Borrowed(v),
                    None => Cow::Owned(Value::MISSING),
                }
            }
            Ir::Lit(v) => {
                self.steps(inner + 1, at)?;
                Cow::Borrowed(v)
            }
            _ => {
                self.steps(inner, at)?;
                Cow::Owned(self.eval(root, frame, at)?)
            }
        };
        Ok(start.path(names))
    }

    /// The value of `ir` for an operation that only reads it: a literal or constant is
    /// borrowed rather than cloned (their reference counts are shared by every thread), also
    /// as the fallback of `??`. Same value and steps as [`eval`](Interp::eval).
    fn operand<'x>(
        &mut self,
        ir: &'x Ir,
        frame: &mut [Value],
        at: Span,
    ) -> Result<Cow<'x, Value>, Fault>
    where
        'a: 'x,
    {
        match ir {
            Ir::Lit(v) => {
                self.step(at)?;
                Ok(Cow::Borrowed(v))
            }
            Ir::Const(id) => {
                self.step(at)?;
                let consts: &'a [Value] = self.consts;
                Ok(consts
                    .get(*id as usize)
                    .map_or(Cow::Owned(Value::MISSING), Cow::Borrowed))
            }
            Ir::Coalesce(a, b) => {
                self.step(at)?;
                self.coalesce(a, b, frame, at)
            }
            _ => self.eval(ir, frame, at).map(Cow::Owned),
        }
    }

    /// `a ?? b`, once its step is taken: `b` (as an [`operand`](Interp::operand)) when `a`
    /// is missing or null.
    fn coalesce<'x>(
        &mut self,
        a: &Ir,
        b: &'x Ir,
        frame: &mut [Value],
        at: Span,
    ) -> Result<Cow<'x, Value>, Fault>
    where
        'a: 'x,
    {
        let v = self.eval(a, frame, at)?;
        if v.is_missing() || v.is_null() {
            self.operand(b, frame, at)
        } else {
            Ok(Cow::Owned(v))
        }
    }

    fn pattern_match(
        &mut self,
        regex: bool,
        text: &str,
        pattern: &Pattern,
        frame: &mut [Value],
        span: Span,
    ) -> Res {
        let matched = match pattern {
            Pattern::Regex(re) => re.is_match(text),
            Pattern::Glob(g) => g.is_match(text),
            Pattern::Dynamic(ir) => {
                let p = self.eval(ir, frame, span)?;
                let Some(p) = p.as_str() else {
                    if p.is_missing() {
                        return Ok(Value::bool(false));
                    }
                    return Err(error(
                        format!("a pattern must be a string, found {}", p.type_name()),
                        span,
                    ));
                };
                if regex {
                    natives::regex::is_match(p, text).map_err(|m| error(m, span))?
                } else {
                    natives::glob::is_match(p, text).map_err(|m| error(m, span))?
                }
            }
        };
        Ok(Value::bool(matched))
    }

    fn call(&mut self, id: u32, args: &[Ir], frame: &mut [Value], span: Span) -> Res {
        let Some(f) = self.prog.fns.get(id as usize) else {
            return Err(error("call to an undefined function", span));
        };
        self.peak = self.peak.max(self.depth);
        if self.depth >= self.limits.max_call_depth {
            return Err(Fault::Limit {
                message: format!(
                    "function calls nested deeper than {} (unbounded recursion in `{}`?)",
                    self.limits.max_call_depth, f.name
                ),
                span,
            });
        }
        // The arguments in the first slots, the others missing.
        let mut callee = self.frames.pop().unwrap_or_default();
        callee.reserve(f.frame_size as usize);
        for a in args {
            match self.eval(a, frame, span) {
                Ok(v) => callee.push(v),
                Err(fault) => {
                    self.recycle(callee);
                    return Err(fault);
                }
            }
        }
        callee.resize(f.frame_size as usize, Value::MISSING);
        let result = match self.limits.profile.as_deref() {
            None => self.call_body(id, f, args.len(), &mut callee, span),
            Some(profile) => {
                // The steps the call takes, from here (its arguments are the caller's).
                let (before, outermost) = (self.steps, !self.active.contains(&id));
                self.active.push(id);
                let result = self.call_body(id, f, args.len(), &mut callee, span);
                self.active.pop();
                profile.call(id, outermost.then(|| self.steps - before));
                result
            }
        };
        self.recycle(callee);
        result
    }

    /// The call of `f` (function `id`) once its `arity` arguments are in `callee`: from the
    /// shared table, from the last calls, or evaluated.
    fn call_body(
        &mut self,
        id: u32,
        f: &'a super::program::FnDef,
        arity: usize,
        callee: &mut [Value],
        span: Span,
    ) -> Res {
        match self.memo.filter(|m| f.memo && m.keeps(id)) {
            Some(memo) => self.call_kept(id, f, arity, callee, span, memo),
            None if self.recent_on(id) => self.call_recent(id, f, arity, callee, span),
            None => {
                // Nothing to record: the depth is all the call changes (`peak` keeps the
                // deepest reached, as `call_kept` leaves it).
                self.depth += 1;
                let result = self.body(f, callee, span);
                self.depth -= 1;
                result
            }
        }
    }

    /// A frame holding `init`, from the kept ones when there is one.
    pub(crate) fn frame_from(&mut self, init: &[Value]) -> Vec<Value> {
        let mut frame = self.frames.pop().unwrap_or_default();
        frame.extend_from_slice(init);
        frame
    }

    /// Keeps a finished frame (a call's, a unit's) for the next one, emptied (its values are
    /// dropped now, as they were when each had a frame of its own).
    pub(crate) fn recycle(&mut self, mut frame: Vec<Value>) {
        /// Frames kept: more than calls are ever nested in practice.
        const KEPT: usize = 16;
        frame.clear();
        if self.frames.len() < KEPT {
            self.frames.push(frame);
        }
    }

    /// The call of `f` (function `id`, whose results the shared table does not keep) with its
    /// `arity` arguments in `callee`. A list or map it gives is kept in [`Interp::recent`] for
    /// the next calls with the same arguments: the rules over one list run one item after the
    /// other, so the calls a rule makes on an item (`containers(w)`, a command line's words)
    /// are asked again by the next rules on the same item. Like the shared table's, a kept
    /// value costs the steps its evaluation took, and is reused only within the limits.
    fn call_recent(
        &mut self,
        id: u32,
        f: &'a super::program::FnDef,
        arity: usize,
        callee: &mut [Value],
        span: Span,
    ) -> Res {
        let args = callee.get(..arity).unwrap_or_default();
        let found = self
            .recent
            .iter()
            .find(|r| r.function == id && r.args.len() == arity && same_args(&r.args, args))
            .map(|r| (r.kept.steps, r.kept.depth, r.kept.value.clone()));
        if let Some((steps, depth, value)) = found {
            if self.reuse(steps, depth) {
                return Ok(value);
            }
        }
        let (result, steps, reached) = self.measured_body(f, callee, span);
        if let Ok(value) = &result {
            if steps < RECENT_MIN_STEPS || !matches!(value.kind, Kind::List(_) | Kind::Map(_)) {
                // Not worth keeping, and the function's other calls are not looked up either:
                // a function gives the same kind of value, in about as many steps, each time.
                if let Some(memo) = self.memo {
                    memo.stop_keeping_recent(id);
                }
            } else if !crate::value::unready() {
                // (Parameters are the first slots, and no binding of the body reuses them.)
                let kept = Recent {
                    function: id,
                    args: callee.get(..arity).unwrap_or_default().to_vec(),
                    kept: Entry {
                        value: value.clone(),
                        steps,
                        depth: reached,
                    },
                };
                if self.recent.len() < RECENT {
                    self.recent.push(kept);
                } else if let Some(slot) = self.recent.get_mut(self.next_recent % RECENT) {
                    *slot = kept;
                }
                self.next_recent = self.next_recent.wrapping_add(1);
            }
        }
        result
    }

    /// Whether calls of function `id` are looked up and kept in [`Interp::recent`]: more than
    /// one rule calls it, and none of its calls in this evaluation gave a scalar or took too
    /// few steps (see [`Memo::keeps_recent`]; without a shared table, none are kept).
    fn recent_on(&self, id: u32) -> bool {
        self.prog.shared.get(id as usize).copied().unwrap_or(false)
            && self.memo.is_some_and(|m| m.keeps_recent(id))
    }

    /// Whether a kept call, whose evaluation took `steps` and whose calls went `depth` deeper
    /// than itself, may stand for evaluating it here: only when that would have stayed within
    /// the limits (so a call fails exactly where it would have). Its steps are then taken.
    fn reuse(&mut self, steps: u64, depth: u32) -> bool {
        let fits = self.steps + steps <= self.limits.max_steps
            && self.depth + depth < self.limits.max_call_depth;
        if fits {
            self.steps += steps;
            self.peak = self.peak.max(self.depth + depth);
        }
        fits
    }

    /// The body of `f` evaluated as a call one level deeper, with what keeping its value needs:
    /// the steps it took and how much deeper than the call its own calls went.
    fn measured_body(
        &mut self,
        f: &'a super::program::FnDef,
        callee: &mut [Value],
        span: Span,
    ) -> (Res, u64, u32) {
        let (steps_before, peak_before) = (self.steps, self.peak);
        self.peak = self.depth;
        self.depth += 1;
        let result = self.body(f, callee, span);
        self.depth -= 1;
        let reached = self.peak - self.depth;
        self.peak = self.peak.max(peak_before);
        (result, self.steps - steps_before, reached)
    }

    /// The body of `f` (its `let`s, then its value) over `callee`, the call's frame.
    fn body(&mut self, f: &'a super::program::FnDef, callee: &mut [Value], span: Span) -> Res {
        for (slot, ir) in &f.lets {
            let v = self.eval(ir, callee, span)?;
            if let Some(s) = callee.get_mut(*slot as usize) {
                *s = v;
            }
        }
        self.eval(&f.body, callee, span)
    }

    /// The call of `f` (function `id`, whose results `memo` keeps) with its `arity` arguments
    /// in `callee`: the kept result when there is one, else the body's, then kept.
    fn call_kept(
        &mut self,
        id: u32,
        f: &'a super::program::FnDef,
        arity: usize,
        callee: &mut [Value],
        span: Span,
        memo: &Memo,
    ) -> Res {
        let key = Key::new(id, callee.get(..arity).unwrap_or_default());
        if let Some(hit) = memo.get(&key) {
            if self.reuse(hit.steps, hit.depth) {
                return Ok(hit.value);
            }
        }
        let (result, steps, reached) = self.measured_body(f, callee, span);
        // Only scalar results are kept: a list or map (a command line split into words, say)
        // would stay alive for the whole evaluation, and these are cheap to keep.
        let scalar = |v: &Value| !matches!(v.kind, Kind::List(_) | Kind::Map(_));
        if let Ok(value) = &result {
            if crate::value::unready() {
                // The unit read a field before it could be computed (see early.rs): what
                // it computes since is not the call's value.
                return result;
            }
            if !scalar(value) {
                // A function that gives lists or maps is not worth a key per call.
                memo.stop_keeping(id);
                return result;
            }
            memo.put(
                key,
                Entry {
                    value: value.clone(),
                    steps,
                    depth: reached,
                },
            );
        }
        result
    }

    /// Runs comprehension clauses, calling `emit` for each binding that passes the filters.
    fn comprehend(
        &mut self,
        clauses: &[IrComp],
        frame: &mut [Value],
        span: Span,
        emit: &mut Emit<'_, 'a>,
    ) -> Result<(), Fault> {
        let Some((first, rest)) = clauses.split_first() else {
            let size = emit(self, frame)?;
            if size > self.limits.max_collection {
                return Err(Fault::Limit {
                    message: too_many_items(self.limits.max_collection),
                    span,
                });
            }
            return Ok(());
        };
        match first {
            IrComp::For(slot, iter, ispan) => {
                let coll = self.operand(iter, frame, *ispan)?;
                let items = items_of(&coll).map_err(|m| error(m, *ispan))?;
                for item in items.iter() {
                    if let Some(s) = frame.get_mut(*slot as usize) {
                        *s = item.clone();
                    }
                    self.comprehend(rest, frame, span, emit)?;
                }
                Ok(())
            }
            IrComp::If(cond, cspan) => {
                if self.truth(cond, frame, *cspan)? {
                    self.comprehend(rest, frame, span, emit)?;
                }
                Ok(())
            }
        }
    }
}

/// Like [`iterate`], borrowing a list's items.
fn items_of(v: &Value) -> Result<Cow<'_, [Value]>, String> {
    match &v.kind {
        Kind::List(items) => Ok(Cow::Borrowed(items.as_slice())),
        Kind::Missing | Kind::Null => Ok(Cow::Borrowed(&[])),
        _ => iterate(v).map(|items| Cow::Owned(Arc::unwrap_or_clone(items))),
    }
}

/// The items a `for` or quantifier walks: list items, map keys (with their spans); nothing
/// for missing or null.
pub(crate) fn iterate(v: &Value) -> Result<Arc<Vec<Value>>, String> {
    match &v.kind {
        Kind::List(items) => Ok(Arc::clone(items)),
        Kind::Map(m) => Ok(Arc::new(
            m.entries()
                .map(|(k, e)| Value {
                    kind: Kind::Str(ArcStr::clone(k)),
                    span: e.key_span(),
                })
                .collect(),
        )),
        Kind::Missing | Kind::Null => Ok(Arc::new(Vec::new())),
        _ => Err(format!("cannot iterate over a {}", v.type_name())),
    }
}

/// The message of the fault of an evaluation that takes more than `max` steps.
fn too_many_steps(max: u64) -> String {
    format!("evaluation took more than {max} steps")
}

/// The message of the fault of a comprehension that builds more than `max` items.
fn too_many_items(max: usize) -> String {
    format!("a comprehension built more than {max} items")
}
