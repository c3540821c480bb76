//! The configuration tree: every statement, in either syntax, becomes a path of words from
//! the root (`firewall family inet filter F term T from source-address 10.0.0.0/8`), and
//! the paths are merged into one tree. A node's span covers every statement that wrote to it
//! (a `{ … }` block, or the `set` lines from the first to the last), so the tree is the same
//! for both syntaxes except for spans.

use std::collections::HashMap;

use crate::source::{FileId, Span};

use super::syntax::{Elem, Stmt, Verb, Word};

/// Children past which [`Node::insert`] finds a word through an index rather than a scan: a
/// filter of 100,000 terms would otherwise cost a scan of every earlier term per term.
const INDEXED: usize = 16;

/// Most paths one statement may expand to (`[ … ]` lists multiply).
const MAX_PATHS: usize = 4096;

/// Most path words a whole file may write (each may create a node), unless the file itself
/// holds more words (see [`budget`]): lists in nested blocks multiply, and a hostile file must
/// not exhaust memory (a million writes of deep paths took 1.6 GB on a 6 KB file found by
/// fuzzing; real configurations write far fewer).
pub(crate) const MAX_WRITES: usize = 200_000;

/// One word of the configuration with everything written below it.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub(crate) word: String,
    /// Where the word itself is first written.
    pub(crate) word_span: Span,
    /// Every statement that wrote to this node, from the first to the last.
    pub(crate) span: Span,
    /// Deactivated (`inactive:` or `deactivate`): in the file, not in effect.
    pub(crate) inactive: bool,
    /// The `/* … */` annotation of the statement that ends at this node.
    pub(crate) comment: Option<String>,
    pub(crate) children: Vec<Node>,
    /// While the tree is built, the position of each child by word, once there are more than
    /// [`INDEXED`]; empty otherwise and once [`build`] returns.
    lookup: HashMap<String, usize>,
}

impl Node {
    pub(crate) fn root(file: FileId) -> Node {
        let span = Span::new(file, 0, 0);
        Node {
            word: String::new(),
            word_span: span,
            span,
            inactive: false,
            comment: None,
            children: Vec::new(),
            lookup: HashMap::new(),
        }
    }

    /// A copy of this node without its children.
    pub(crate) fn clone_shallow(&self) -> Node {
        Node {
            word: self.word.clone(),
            word_span: self.word_span,
            span: self.span,
            inactive: self.inactive,
            comment: self.comment.clone(),
            children: Vec::new(),
            lookup: HashMap::new(),
        }
    }

    /// The active children, in the order they were first written.
    pub(crate) fn kids(&self) -> impl Iterator<Item = &Node> {
        self.children.iter().filter(|c| !c.inactive)
    }

    /// The active child named `word`.
    pub(crate) fn child(&self, word: &str) -> Option<&Node> {
        self.kids().find(|c| c.word == word)
    }

    /// The child named `word`, active or not.
    pub(crate) fn any_child(&self, word: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.word == word)
    }

    /// The active node at `path` below this one.
    pub(crate) fn get(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, w| n.child(w))
    }

    /// The first active child: the value of a single-valued statement (`host-name X`).
    pub(crate) fn value(&self) -> Option<&Node> {
        self.kids().next()
    }

    pub(crate) fn has(&self, word: &str) -> bool {
        self.child(word).is_some()
    }

    fn new(word: &Word, span: Span) -> Node {
        Node {
            word: word.text.clone(),
            word_span: word.span,
            span,
            inactive: false,
            comment: None,
            children: Vec::new(),
            lookup: HashMap::new(),
        }
    }

    /// The position of the child named `word`: a scan while there are few children, else the
    /// index, (re)built when it does not hold every child.
    fn position(&mut self, word: &str) -> Option<usize> {
        if self.children.len() <= INDEXED {
            return self.children.iter().position(|c| c.word == word);
        }
        if self.lookup.len() != self.children.len() {
            self.lookup.clear();
            for (i, c) in self.children.iter().enumerate() {
                self.lookup.entry(c.word.clone()).or_insert(i);
            }
        }
        self.lookup.get(word).copied()
    }

    /// The node at `path`, created where missing; every node on the way grows to `span`.
    fn insert(&mut self, path: &[&Word], span: Span) -> Option<&mut Node> {
        let mut cur = self;
        for w in path {
            let i = match cur.position(&w.text) {
                Some(i) => i,
                None => {
                    cur.children.push(Node::new(w, span));
                    let i = cur.children.len() - 1;
                    if !cur.lookup.is_empty() {
                        cur.lookup.insert(w.text.clone(), i);
                    }
                    i
                }
            };
            // `i` is in bounds: found or just pushed.
            let next = cur.children.get_mut(i)?;
            next.span = next.span.to(span);
            cur = next;
        }
        Some(cur)
    }

    fn find_mut(&mut self, path: &[&Word]) -> Option<&mut Node> {
        let mut cur = self;
        for w in path {
            cur = cur.children.iter_mut().find(|c| c.word == w.text)?;
        }
        Some(cur)
    }

    fn remove(&mut self, path: &[&Word]) {
        if let Some((last, parent)) = path.split_last() {
            if let Some(p) = self.find_mut(parent) {
                p.children.retain(|c| c.word != last.text);
                p.lookup.clear();
            }
        }
    }
}

/// Merges the statements into a tree; with it, the write budget when [`budget`] cut it short.
pub(crate) fn build(file: FileId, stmts: &[Stmt]) -> (Node, Option<usize>) {
    let mut root = Node::root(file);
    let limit = budget(stmts);
    let mut left = limit;
    for s in stmts {
        apply(&mut root, s, &mut left);
    }
    // The indexes serve the build only: later passes add children without them.
    let mut stack = vec![&mut root];
    while let Some(n) = stack.pop() {
        n.lookup = HashMap::new();
        stack.extend(n.children.iter_mut());
    }
    (root, (left == 0).then_some(limit))
}

/// The words a file may write: [`MAX_WRITES`], or twice the words its statements hold when
/// that is more. Without `[ … ]` lists a statement writes each of its words once, so a large
/// configuration (100,000 filter terms) is read whole, while what lists multiply stays
/// bounded by the size of the file.
fn budget(stmts: &[Stmt]) -> usize {
    fn words(stmts: &[Stmt]) -> usize {
        stmts
            .iter()
            .map(|s| {
                let own: usize = s
                    .elems
                    .iter()
                    .map(|e| match e {
                        Elem::Word(_) => 1,
                        Elem::List(ws) => ws.len(),
                    })
                    .sum();
                own + s.body.as_deref().map_or(0, words)
            })
            .sum()
    }
    MAX_WRITES.max(2 * words(stmts))
}

fn apply(node: &mut Node, stmt: &Stmt, budget: &mut usize) {
    for path in expand(&stmt.elems) {
        if *budget == 0 {
            return;
        }
        // Each word of the path may create a node.
        *budget = budget.saturating_sub(path.len().max(1));
        match stmt.verb {
            Verb::Ignore => {}
            Verb::Delete => node.remove(&path),
            Verb::Deactivate | Verb::Activate => {
                if let Some(n) = node.find_mut(&path) {
                    n.inactive = stmt.verb == Verb::Deactivate;
                }
            }
            Verb::Set => {
                if stmt.replace {
                    node.remove(&path);
                }
                let Some(n) = node.insert(&path, stmt.span) else {
                    continue;
                };
                if stmt.inactive {
                    n.inactive = true;
                }
                if stmt.comment.is_some() {
                    n.comment.clone_from(&stmt.comment);
                }
                for s in stmt.body.iter().flatten() {
                    apply(n, s, budget);
                }
            }
        }
    }
}

/// Every path a statement's elements stand for (one per combination of list members).
fn expand(elems: &[Elem]) -> Vec<Vec<&Word>> {
    let mut paths: Vec<Vec<&Word>> = vec![Vec::new()];
    for e in elems {
        match e {
            Elem::Word(w) => paths.iter_mut().for_each(|p| p.push(w)),
            // An empty list ends the path: `destination-address [ ];` names nothing.
            Elem::List(ws) if ws.is_empty() => break,
            Elem::List(ws) => {
                let mut next = Vec::new();
                for p in &paths {
                    for w in ws {
                        if next.len() < MAX_PATHS {
                            let mut q = p.clone();
                            q.push(w);
                            next.push(q);
                        }
                    }
                }
                paths = next;
            }
        }
    }
    paths
}
