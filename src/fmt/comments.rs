//! Attaching comments to anchors, so that the printer, which works from the AST, keeps them.
//!
//! Each comment goes to one [`Anchor`]:
//! - a comment on a line of its own before an anchor is a *leading* comment of the next
//!   anchor (doc comments `///` included), printed on its own line above it;
//! - a comment after the end of an anchor, on the same line, is a *trailing* comment of that
//!   anchor, printed at the end of its last line;
//! - a comment inside an anchor (in the middle of a multi-line expression, say), where the
//!   printer has no place for it, becomes a leading comment of that anchor; it is put before
//!   the anchor's doc comments so that the docs stay right above their item;
//! - comments after the last anchor are kept at the end of the file.
//!
//! Blank lines are remembered: whether a blank line preceded each leading comment and each
//! anchor, so that the printer can keep one where the user had one (and keep a `///` comment
//! separated from an item by a blank line a plain comment, as the parser reads it).

use std::collections::BTreeMap;

use super::anchors::Anchor;
use super::source::Src;

/// A comment printed on a line of its own.
#[derive(Clone, Debug)]
pub(super) struct Leading {
    pub(super) text: String,
    /// Whether a blank line comes before it.
    pub(super) blank_before: bool,
}

/// The comments of one anchor.
#[derive(Clone, Debug, Default)]
pub(super) struct Slot {
    pub(super) leading: Vec<Leading>,
    /// Whether a blank line comes right before the anchor itself (after its leading comments).
    pub(super) blank_before_anchor: bool,
    /// End-of-line comments (in practice at most one).
    pub(super) trailing: Vec<String>,
}

/// All comments of a file, by anchor start.
#[derive(Debug, Default)]
pub(super) struct Comments {
    slots: BTreeMap<usize, Slot>,
    /// Comments after the last anchor.
    pub(super) end: Vec<Leading>,
}

impl Comments {
    /// The comments of the anchor starting at `start`.
    pub(super) fn slot(&self, start: usize) -> Slot {
        self.slots.get(&start).cloned().unwrap_or_default()
    }

    fn slot_mut(&mut self, start: usize) -> &mut Slot {
        self.slots.entry(start).or_default()
    }
}

/// Attaches every comment of `src` to one of `anchors` (sorted by start) or to the file end.
pub(super) fn attach(src: &Src<'_>, anchors: &[Anchor]) -> Comments {
    let mut out = Comments::default();
    for a in anchors {
        let slot = out.slots.entry(a.start).or_default();
        slot.blank_before_anchor = src.blank_before(a.start);
    }
    for c in &src.comments {
        let text = src.get(c.start, c.end).to_string();
        let own_line = src.own_line(c.start);
        let after = anchors.partition_point(|a| a.start <= c.start);
        let prev = after.checked_sub(1).and_then(|i| anchors.get(i));
        let next = anchors.get(after);
        match (prev, next) {
            (Some(p), _) if c.start < p.end => insert_interior(out.slot_mut(p.start), text),
            (Some(p), _) if !own_line => out.slot_mut(p.start).trailing.push(text),
            (_, Some(n)) => out.slot_mut(n.start).leading.push(Leading {
                text,
                blank_before: src.blank_before(c.start),
            }),
            (_, None) => out.end.push(Leading {
                text,
                blank_before: src.blank_before(c.start),
            }),
        }
    }
    out
}

fn is_doc(text: &str) -> bool {
    text.starts_with("///")
}

/// Adds a comment found inside an anchor to its leading comments, before the doc comments
/// right above it, without letting a `///` comment join them or become the doc.
fn insert_interior(slot: &mut Slot, text: String) {
    let mut at = slot.leading.len();
    if !slot.blank_before_anchor {
        while at > 0 && slot.leading.get(at - 1).is_some_and(|l| is_doc(&l.text)) {
            at -= 1;
            if slot.leading.get(at).is_some_and(|l| l.blank_before) {
                break;
            }
        }
    }
    // The comment takes the place, and the blank line before, of what it is put above.
    let blank_before = match slot.leading.get_mut(at) {
        Some(next) => std::mem::replace(&mut next.blank_before, false),
        None => std::mem::replace(&mut slot.blank_before_anchor, false),
    };
    let doc = is_doc(&text);
    slot.leading.insert(at, Leading { text, blank_before });
    if doc {
        match slot.leading.get_mut(at + 1) {
            Some(next) => next.blank_before = true,
            None => slot.blank_before_anchor = true,
        }
    }
}
