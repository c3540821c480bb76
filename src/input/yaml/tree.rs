//! Builds one YAML document's value tree from parser events, without recursion.
//!
//! Open lists and maps live on an explicit stack, so nesting depth costs heap, not call stack.
//! Anchored nodes are kept by anchor id; an alias clones the anchored value (cheap: lists and
//! maps are `Arc`s) and adds the anchored node's size to a per-file count, so a "billion
//! laughs" file trips `Limits::max_alias_nodes` after a handful of clones instead of
//! exhausting memory. Each node also knows its height, so an alias cannot smuggle nesting
//! deeper than `Limits::max_depth` past the depth check.
//!
//! Merge keys (`<<: *base`, `<<: [*a, *b]`) are applied when their map ends: keys written in
//! the map win over merged ones, and earlier merged maps win over later ones.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::diag::{Code, Diagnostic, Severity};
use crate::input::{report, Limits};
use crate::source::{FileId, Span};
use crate::value::{ArcStr, KeysBelow};
use crate::value::{Kind, Map, Value};

/// A finished node.
#[derive(Clone, Debug)]
pub(super) struct Node {
    pub(super) value: Value,
    /// Nodes in the tree, counting every alias expansion.
    pub(super) count: usize,
    /// 0 for a scalar, 1 + the tallest child for a list or map.
    pub(super) height: usize,
    /// For a scalar, its text, used when the node is a map key.
    pub(super) key: Option<ArcStr>,
    /// Whether the node is the merge key `<<`.
    pub(super) merge: bool,
}

/// A limit was tripped: the document is abandoned.
#[derive(Debug)]
pub(super) struct Stop;

struct Entry {
    key: ArcStr,
    key_span: Span,
    merge: bool,
    value: Value,
}

enum Items {
    List(Vec<Value>),
    Map {
        entries: Vec<Entry>,
        /// A key waiting for its value.
        key: Option<Node>,
    },
}

struct Frame {
    items: Items,
    flow: bool,
    anchor: usize,
    start: usize,
    /// The end of the last child so far.
    end: usize,
    count: usize,
    height: usize,
}

/// The tree of the document being read.
pub(super) struct Tree<'a> {
    file: FileId,
    limits: &'a Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    /// The finished root node.
    pub(super) root: Option<Node>,
    /// The keys of every map of the document so far.
    keys: KeysBelow,
}

impl<'a> Tree<'a> {
    pub(super) fn new(file: FileId, limits: &'a Limits) -> Tree<'a> {
        Tree {
            file,
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            root: None,
            keys: KeysBelow::default(),
        }
    }

    /// Forgets everything, for the next document (anchors do not cross documents).
    pub(super) fn reset(&mut self) {
        self.stack.clear();
        self.anchors.clear();
        self.root = None;
        self.keys = KeysBelow::default();
    }

    /// Takes the finished root, with every key of the document recorded on it when it is a
    /// map (see [`Map::set_keys_below`]): aliases and merge keys only repeat
    /// maps of the same document, whose keys are among them.
    pub(super) fn take_root(&mut self) -> Option<Node> {
        let mut root = self.root.take()?;
        if let Kind::Map(map) = &mut root.value.kind {
            if let Some(map) = Arc::get_mut(map) {
                map.set_keys_below(std::mem::take(&mut self.keys));
            }
        }
        Some(root)
    }

    /// How many lists and maps are open.
    pub(super) fn depth(&self) -> usize {
        self.stack.len()
    }

    /// When the innermost open lists and maps are in flow style (`[...]`, `{...}`): where the
    /// outermost of them starts, and how many there are.
    pub(super) fn open_flow(&self) -> Option<(usize, usize)> {
        let depth = self.stack.iter().rev().take_while(|f| f.flow).count();
        let outermost = self.stack.len().checked_sub(depth)?;
        self.stack.get(outermost).map(|f| (f.start, depth))
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// Opens a list or map whose text starts at `start`.
    pub(super) fn open(
        &mut self,
        map: bool,
        flow: bool,
        anchor: usize,
        start: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<(), Stop> {
        if self.stack.len() >= self.limits.max_depth {
            let at = self.span(start, start + 1);
            diagnostics.push(report::too_deep(at, self.limits.max_depth));
            return Err(Stop);
        }
        let items = if map {
            Items::Map {
                entries: Vec::new(),
                key: None,
            }
        } else {
            Items::List(Vec::new())
        };
        self.stack.push(Frame {
            items,
            flow,
            anchor,
            start,
            end: start,
            count: 1,
            height: 1,
        });
        Ok(())
    }

    /// Closes the innermost list or map; `close_end` is the end of its `]` or `}` in flow
    /// style, `None` in block style (which ends with its last child).
    pub(super) fn close(&mut self, close_end: Option<usize>, diagnostics: &mut Vec<Diagnostic>) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let end = close_end.unwrap_or(frame.end).max(frame.start);
        let span = self.span(frame.start, end);
        let kind = match frame.items {
            Items::List(items) => Kind::List(Arc::new(items)),
            Items::Map { entries, key } => {
                let mut entries = entries;
                if let Some(key) = key {
                    // A key without a value (cannot come from the parser, but be safe).
                    entries.push(entry(self.file, key, Value::with_span(Kind::Null, span)));
                }
                Kind::Map(Arc::new(build_map(entries, diagnostics)))
            }
        };
        let node = Node {
            value: Value::with_span(kind, span),
            count: frame.count,
            height: frame.height,
            key: None,
            merge: false,
        };
        if frame.anchor != 0 {
            self.anchors.insert(frame.anchor, node.clone());
        }
        self.add(node);
    }

    /// Adds a scalar (and remembers it under its anchor).
    pub(super) fn scalar(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        self.add(node);
    }

    /// Adds a copy of the node anchored as `anchor`, written as `*name` at `span`.
    pub(super) fn alias(
        &mut self,
        anchor: usize,
        name: &str,
        span: Span,
        expanded: &mut usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<(), Stop> {
        let Some(anchored) = self.anchors.get(&anchor) else {
            // saphyr knows the anchor, so it is still open: the alias is inside its own node.
            diagnostics.push(
                Diagnostic::new(
                    Code::UnknownAnchor,
                    format!("alias `*{name}` refers to a node that contains it"),
                )
                .at(span, "this alias is inside the node anchored as `&{name}`")
                .help("an alias can only repeat a finished node; move it out of the anchored node"),
            );
            let node = Node {
                value: Value::with_span(Kind::Null, span),
                count: 1,
                height: 0,
                key: None,
                merge: false,
            };
            self.add(node);
            return Ok(());
        };
        let mut node = anchored.clone();
        *expanded = expanded.saturating_add(node.count);
        if *expanded > self.limits.max_alias_nodes {
            diagnostics.push(
                Diagnostic::new(
                    Code::InputLimit,
                    format!(
                        "yaml aliases expand to more than {} nodes",
                        self.limits.max_alias_nodes
                    ),
                )
                .at(span, "this alias goes past the limit")
                .help("aliases that multiply a file's size are refused (a \"billion laughs\" attack); write the data out, or raise the alias limit if the file is trusted"),
            );
            return Err(Stop);
        }
        if self.stack.len() + node.height > self.limits.max_depth {
            diagnostics.push(report::too_deep(span, self.limits.max_depth));
            return Err(Stop);
        }
        // The copy is shown where it is used; the values inside keep their own spans.
        node.value.span = Some(span);
        node.merge = false;
        self.add(node);
        Ok(())
    }

    /// Adds a finished node to the innermost open list or map, or makes it the root.
    fn add(&mut self, node: Node) {
        let file = self.file;
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return;
        };
        if let Some(span) = node.value.span {
            frame.end = frame.end.max(span.end as usize);
        }
        frame.count = frame.count.saturating_add(node.count);
        frame.height = frame.height.max(node.height + 1);
        match &mut frame.items {
            Items::List(items) => items.push(node.value),
            Items::Map { entries, key } => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    let entry = entry(file, k, node.value);
                    self.keys.add(&entry.key);
                    entries.push(entry);
                }
            },
        }
    }
}

/// A map entry from its key node and value.
fn entry(file: FileId, key: Node, value: Value) -> Entry {
    let key_span = key.value.span.unwrap_or(Span::new(file, 0, 0));
    let text = match key.key {
        Some(text) => text,
        // A list, map or alias used as a key: its JSON text.
        None => ArcStr::from(key.value.display()),
    };
    Entry {
        key: text,
        key_span,
        merge: key.merge,
        value,
    }
}

/// Builds a map from its entries: applies merge keys and reports duplicate keys.
fn build_map(entries: Vec<Entry>, diagnostics: &mut Vec<Diagnostic>) -> Map {
    // The keys written in the map, which merged keys never override (only needed when the
    // map has a merge key).
    let explicit: HashSet<ArcStr> = if entries.iter().any(|e| e.merge) {
        entries
            .iter()
            .filter(|e| !e.merge || merge_sources(&e.value).is_none())
            .map(|e| e.key.clone())
            .collect()
    } else {
        HashSet::new()
    };
    let mut map = Map::with_capacity(entries.len());
    for entry in entries {
        if entry.merge {
            if let Some(sources) = merge_sources(&entry.value) {
                for source in sources {
                    for (key, merged) in source.entries() {
                        if !explicit.contains(key) && !map.contains_key(key) {
                            map.insert(key.clone(), merged.key_span(), merged.value.clone());
                        }
                    }
                }
                continue;
            }
            diagnostics.push(
                Diagnostic::new(Code::InputSyntax, "merge key `<<` is not given a map")
                    .severity(Severity::Warning)
                    .at(
                        entry.value.span.unwrap_or(entry.key_span),
                        "expected a map or a list of maps here",
                    )
                    .help("give `<<` an alias of a map (`<<: *base`) or a list of them; the entry is kept as an ordinary key"),
            );
        }
        if let Some(previous) = map.insert(entry.key.clone(), Some(entry.key_span), entry.value) {
            diagnostics.push(report::duplicate_key(
                &entry.key,
                entry.key_span,
                previous.key_span(),
            ));
        }
    }
    map
}

/// The maps a merge key's value provides: one map, or a list of maps.
fn merge_sources(value: &Value) -> Option<Vec<&Map>> {
    match &value.kind {
        Kind::Map(map) => Some(vec![map.as_ref()]),
        Kind::List(items) => items.iter().map(Value::as_map).collect(),
        _ => None,
    }
}
