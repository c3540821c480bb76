//! The YAML loader, on `saphyr-parser`'s event stream.
//!
//! Most files never reach saphyr: `block.rs` reads the block subset they are written in, much
//! faster (the parse floor of the benchmarks went from 0.84 to 0.44 s of CPU on 10,000 files),
//! and gives the same events, or declines and saphyr reads the file. Tests and the
//! `yaml_block` fuzz target load files both ways and compare.
//!
//! Each document of a stream (`---`) becomes a [`Document`]; documents with no content (a
//! trailing `---`, a file of comments) are skipped, and `Document::index` counts only the
//! documents kept. Scalars follow the YAML 1.2 core schema (see `scalar.rs`). Anchors,
//! aliases and merge keys are expanded (see `tree.rs`).
//!
//! Spans: a scalar covers its token (quotes included, anchor and tag excluded; a block scalar
//! from its `|` or `>` to its last character); a flow list or map covers its brackets; a block
//! list or map runs from its first `-` or key to the end of its last value; an empty value
//! (`key:`) is a zero-length span; an alias's copy covers the `*alias` (the values inside keep
//! the spans of the anchored text). A document covers `---` (if written) through its root.
//!
//! The first syntax error ends the file: the documents before it are kept, the one it is in
//! is dropped. A tripped limit drops the document it is in and reading goes on with the next.
//! Besides `Limits::max_depth`, the parser itself stops at 255 nested flow collections.

mod block;
mod offsets;
mod repair;
mod scalar;
mod tree;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use super::{report, Document, Limits, Loaded};
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::value::{ArcStr, Kind, Value};
use offsets::Offsets;
use repair::{Repairs, Shifts};
use tree::{Node, Stop, Tree};

/// Loads every document of a YAML file.
pub(super) fn load(file: FileId, text: &str, limits: &Limits) -> Loaded {
    // The common case, block YAML without the rarer constructs, has a reader of its own: it
    // gives saphyr's events, or declines, and then saphyr reads the file afresh.
    load_block(file, text, limits).unwrap_or_else(|| load_saphyr(file, text, limits))
}

/// Loads with the block reader (`block.rs`); `None` when it declines the text.
fn load_block(file: FileId, text: &str, limits: &Limits) -> Option<Loaded> {
    let mut loader = Loader::new(file, text, limits, Shifts::default());
    block::read(text, |event, start, end| {
        matches!(loader.feed(event, start, end.max(start)), Step::Continue)
    })?;
    Some(loader.loaded)
}

/// Loads with saphyr alone, forgiving the indentation errors `repair.rs` knows.
fn load_saphyr(file: FileId, text: &str, limits: &Limits) -> Loaded {
    let mut repairs = Repairs::default();
    let mut attempts = 0;
    loop {
        let (padded, shifts) = if repairs.is_empty() {
            (None, Shifts::default())
        } else {
            let (padded, shifts) = repairs.apply(text);
            (Some(padded), shifts)
        };
        let mut loader = Loader::new(file, text, limits, shifts);
        if let Some(error) = loader.run(padded.as_deref().unwrap_or(text)) {
            if attempts < repair::MAX_REPAIRS && loader.repair(&error, &mut repairs) {
                attempts += 1;
                continue;
            }
            loader.scan_error(&error);
        }
        let mut loaded = loader.loaded;
        loaded.diagnostics.splice(0..0, repairs.warnings);
        return loaded;
    }
}

/// Loads `text` with the block reader and with saphyr alone: whether the block reader took
/// it, or both readings where they first differ. For the tests and the `yaml_block` fuzz
/// target: the block reader must give saphyr's result or none.
pub(crate) fn readers_agree(text: &str) -> Result<bool, String> {
    let limits = Limits::default();
    let saphyr = load_saphyr(FileId(0), text, &limits);
    keys_below_complete(&saphyr)?;
    let Some(fast) = load_block(FileId(0), text, &limits) else {
        return Ok(false);
    };
    keys_below_complete(&fast)?;
    let fast = format!("{fast:?}");
    let saphyr = format!("{saphyr:?}");
    if fast == saphyr {
        return Ok(true);
    }
    let at = fast
        .bytes()
        .zip(saphyr.bytes())
        .position(|(a, b)| a != b)
        .unwrap_or(0);
    let around = |s: &str| {
        let from = (at.saturating_sub(300)..=at)
            .find(|&i| s.is_char_boundary(i))
            .unwrap_or(0);
        let to = (at + 200..=s.len())
            .find(|&i| s.is_char_boundary(i))
            .unwrap_or(s.len());
        s.get(from..to.max(from)).unwrap_or("").to_owned()
    };
    Err(format!(
        "the block reader and saphyr differ\n--- text\n{text}\n--- block reader\n{}\n--- saphyr\n{}",
        around(&fast),
        around(&saphyr)
    ))
}

/// Whether each document's root knows every key below it (`Map::may_hold_below`): a search
/// for keys must never pass over a document that has one of them.
fn keys_below_complete(loaded: &Loaded) -> Result<(), String> {
    for doc in &loaded.documents {
        let Some(root) = doc.value.as_map() else {
            continue;
        };
        let mut pending = vec![&doc.value];
        while let Some(v) = pending.pop() {
            if let Some(m) = v.as_map() {
                for (key, child) in m.iter() {
                    if !root.may_hold_below(key) {
                        return Err(format!(
                            "document {} does not record its key `{key}`",
                            doc.index
                        ));
                    }
                    pending.push(child);
                }
            } else if let Some(items) = v.as_list() {
                pending.extend(items.iter());
            }
        }
    }
    Ok(())
}

/// Whether `text` is a YAML stream without syntax errors (used to detect the format).
pub(super) fn parses(text: &str) -> bool {
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        match next {
            Ok((Event::StreamEnd, _)) => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    true
}

struct Loader<'a> {
    file: FileId,
    text: &'a str,
    limits: &'a Limits,
    offsets: Offsets<'a>,
    tree: Tree<'a>,
    loaded: Loaded,
    /// Where the current document starts, while one is open.
    document: Option<usize>,
    /// A limit was tripped in the current document: ignore its remaining events.
    skipping: bool,
    /// The current document's root is an empty scalar (the document has no content).
    root_is_empty: bool,
    /// The end of the previous event, where a block scalar's indicator search starts.
    prev_end: usize,
    /// Lossy numbers reported so far (at most [`report::MAX_LOSSY`] per file).
    lossy: usize,
    /// Nodes produced by alias expansion so far in the file.
    expanded: usize,
}

/// Whether to keep reading after an event.
enum Step {
    Continue,
    Stop,
}

impl<'a> Loader<'a> {
    fn new(file: FileId, text: &'a str, limits: &'a Limits, shifts: Shifts) -> Loader<'a> {
        Loader {
            file,
            text,
            limits,
            offsets: Offsets::new(text, shifts),
            tree: Tree::new(file, limits),
            loaded: Loaded::default(),
            document: None,
            skipping: false,
            root_is_empty: false,
            prev_end: 0,
            expanded: 0,
            lossy: 0,
        }
    }

    /// Reads the events of `source` (the text, or a padded copy of it); the syntax error that
    /// ended the stream, if any.
    fn run(&mut self, source: &str) -> Option<ScanError> {
        let mut parser = Parser::new_from_str(source);
        while let Some(next) = parser.next_event() {
            let (event, span) = match next {
                Ok(next) => next,
                Err(error) => return Some(error),
            };
            let start = self.offsets.byte(span.start.index());
            let end = self.offsets.byte(span.end.index()).max(start);
            if let Step::Stop = self.feed(event, start, end) {
                return None;
            }
        }
        None
    }

    fn feed(&mut self, event: Event<'_>, start: usize, end: usize) -> Step {
        let empty_scalar = matches!(&event, Event::Scalar(v, ..) if v.is_empty());
        let step = self.event(event, start, end);
        self.prev_end = self.prev_end.max(if empty_scalar { start } else { end });
        step
    }

    /// Plans padding for an indentation error that common YAML readers forgive (see
    /// `repair.rs`); whether there is something new to try.
    fn repair(&mut self, error: &ScanError, repairs: &mut Repairs) -> bool {
        let at = self.offsets.byte(error.marker().index());
        let info = error.info();
        if info.contains("invalid indentation in quoted scalar") {
            repairs.quoted(self.file, self.text, at)
        } else if info == "invalid indentation" || info.contains("invalid indentation in flow") {
            match self.tree.open_flow() {
                Some((open, depth)) => repairs.flow(self.file, self.text, at, open, depth),
                None => false,
            }
        } else {
            false
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn event(&mut self, event: Event<'_>, start: usize, end: usize) -> Step {
        match event {
            Event::StreamEnd => return Step::Stop,
            Event::DocumentStart(_) => {
                self.tree.reset();
                self.document = Some(start);
                self.skipping = false;
                self.root_is_empty = false;
            }
            Event::DocumentEnd => return self.end_document(),
            _ if self.skipping => {}
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.as_deref();
                let has_properties = anchor != 0 || tag.is_some();
                let span = self.scalar_span(start, end, style, has_properties, value.is_empty());
                let kind = scalar::resolve(&value, style, tag);
                if self.lossy < report::MAX_LOSSY {
                    if let Some(d) = report::lossy_number(&value, &kind, span) {
                        self.loaded.diagnostics.push(d);
                        self.lossy += 1;
                    }
                }
                // The text as a map key: the string value's own text when it is a string.
                let key = match &kind {
                    Kind::Str(s) if **s == *value => ArcStr::clone(s),
                    _ => crate::value::intern(&value),
                };
                let node = Node {
                    value: Value::with_span(kind, span),
                    count: 1,
                    height: 0,
                    merge: scalar::is_merge_key(&value, style, tag),
                    key: Some(key),
                };
                if self.at_root() {
                    self.root_is_empty =
                        value.is_empty() && !has_properties && matches!(style, ScalarStyle::Plain);
                }
                self.tree.scalar(node, anchor);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let map = matches!(event, Event::MappingStart(..));
                // saphyr's span of `[` or `{` may run on over the blanks after it; any anchor
                // or tag comes before it.
                let content = offsets::skip_properties(self.text, start, end);
                let flow =
                    content < end && matches!(self.text.as_bytes().get(content), Some(b'[' | b'{'));
                let open = if flow || map {
                    content
                } else {
                    // An indentless list (`key:` then `- a` at the key's indentation) starts
                    // its event after the first `-`.
                    offsets::dash_before(self.text, offsets::skip_properties(self.text, start, end))
                };
                let opened = self
                    .tree
                    .open(map, flow, anchor, open, &mut self.loaded.diagnostics);
                self.stop_document_on(opened);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                // A block list or map ends with an empty span; a flow one at its bracket,
                // though saphyr's span may run on over the blanks and comment after it.
                let flow =
                    end > start && matches!(self.text.as_bytes().get(start), Some(b']' | b'}'));
                self.tree
                    .close(flow.then_some(start + 1), &mut self.loaded.diagnostics);
            }
            Event::Alias(anchor) => {
                let name = alias_name(self.text, start);
                let span = self.span(start, end);
                let added = self.tree.alias(
                    anchor,
                    name,
                    span,
                    &mut self.expanded,
                    &mut self.loaded.diagnostics,
                );
                self.stop_document_on(added);
            }
            Event::StreamStart | Event::Nothing => {}
        }
        Step::Continue
    }

    /// Whether the tree has no open list or map (the next node is the root).
    fn at_root(&self) -> bool {
        self.tree.depth() == 0
    }

    fn stop_document_on(&mut self, result: Result<(), Stop>) {
        if result.is_err() {
            self.skipping = true;
            self.tree.reset();
        }
    }

    /// Keeps the finished document unless it is empty or abandoned.
    fn end_document(&mut self) -> Step {
        let start = self.document.take();
        let root = self.tree.take_root();
        self.tree.reset();
        if self.skipping || self.root_is_empty {
            return Step::Continue;
        }
        let (Some(start), Some(root)) = (start, root) else {
            return Step::Continue;
        };
        let end = root.value.span.map_or(start, |s| s.end as usize).max(start);
        let span = self.span(start, end);
        if self.loaded.documents.len() >= self.limits.max_documents {
            self.loaded.diagnostics.push(
                Diagnostic::new(
                    Code::InputLimit,
                    format!(
                        "file has more than {} yaml documents",
                        self.limits.max_documents
                    ),
                )
                .at(
                    self.span(start, start),
                    "this document and those after it are not read",
                )
                .help("split the file, or raise the document limit if the file is trusted"),
            );
            return Step::Stop;
        }
        self.loaded.documents.push(Document {
            index: self.loaded.documents.len(),
            value: root.value,
            span,
        });
        Step::Continue
    }

    /// The exact text of a scalar, from saphyr's span of its event.
    fn scalar_span(
        &self,
        start: usize,
        end: usize,
        style: ScalarStyle,
        has_properties: bool,
        empty: bool,
    ) -> Span {
        let text = self.text;
        let content = if has_properties {
            offsets::skip_properties(text, start, end)
        } else {
            start
        };
        let (from, to) = match style {
            ScalarStyle::Literal | ScalarStyle::Folded => {
                let search_from = if has_properties {
                    content
                } else {
                    self.prev_end.min(start)
                };
                let from = offsets::block_indicator(text, search_from, content.max(start) + 1)
                    .filter(|at| *at <= content)
                    .unwrap_or(content);
                (from, offsets::trim_end(text, from, end.max(from)))
            }
            ScalarStyle::Plain if empty => {
                if has_properties {
                    (start, offsets::properties_end(text, start, end))
                } else {
                    (start, start)
                }
            }
            // saphyr's span of a quoted scalar can run on over the blanks and the comment
            // after it: the scalar ends at its closing quote.
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => (
                content,
                offsets::quoted_end(text, content)
                    .unwrap_or_else(|| offsets::trim_end(text, content, end)),
            ),
            _ => (content, offsets::trim_end(text, content, end)),
        };
        self.span(from, to.max(from))
    }

    fn scan_error(&mut self, error: &ScanError) {
        let offset = self.offsets.byte(error.marker().index());
        let at = report::point(self.file, self.text, offset);
        let info = report::tidy_message(error.info());
        let diagnostic = if info.contains("unknown anchor") {
            let name = alias_name(self.text, offset);
            Diagnostic::new(Code::UnknownAnchor, format!("unknown anchor `{name}`"))
                .at(
                    self.span(offset, offset + 1 + name.len()),
                    "no anchor of this name comes before this alias",
                )
                .help(format!(
                    "define the anchor with `&{name}` on a node before this alias (anchors do not cross `---`), or fix the name"
                ))
        } else if info.contains("recursion limit") {
            Diagnostic::new(
                Code::InputLimit,
                "yaml nesting is deeper than the yaml reader allows",
            )
            .at(at, "this value goes past the limit")
            .help("flatten the structure; the yaml reader stops at 255 nested `[` or `{`")
        } else {
            report::syntax("yaml", at, &info, "here", help_for(&info))
        };
        self.loaded.diagnostics.push(diagnostic);
    }
}

/// The name of the alias written at `offset` (`*name`).
fn alias_name(text: &str, offset: usize) -> &str {
    let rest = text.get(offset..).unwrap_or("");
    let rest = rest.strip_prefix('*').unwrap_or(rest);
    let len = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
        .unwrap_or(rest.len());
    rest.get(..len).unwrap_or("")
}

/// What to do about a YAML syntax error, by saphyr's description of it.
fn help_for(info: &str) -> &'static str {
    if info.contains("tab") {
        "indent with spaces; YAML does not allow tabs for indentation"
    } else if info.contains("mapping values are not allowed") {
        "quote the value if it contains `: `, or fix the indentation of this line"
    } else if info.contains("quoted scalar") {
        "close the quoted string with its matching quote"
    } else if info.contains("flow") || info.contains("`:` indicator") || info.contains("`,`") {
        "check that every `[` and `{` is closed, that items are separated by commas, and quote values that contain `:`"
    } else if info.contains("block")
        || info.contains("indentation")
        || info.contains("expected key")
    {
        "check the indentation: entries of one map or list must line up"
    } else {
        "fix the yaml syntax at this position (check indentation, quotes and brackets)"
    }
}
