//! Small helpers over `roxmltree` nodes: children by name, trimmed text, spans.

use roxmltree::Node;

use crate::source::{FileId, Span};

/// The first child element named `name`.
pub(super) fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// Every child element named `name`, in document order.
pub(super) fn children<'a, 'i: 'a>(
    n: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    n.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// The child element at `path` (`["OPNsense", "Firewall", "Filter"]`).
pub(super) fn path<'a, 'i>(n: Node<'a, 'i>, path: &[&str]) -> Option<Node<'a, 'i>> {
    path.iter().try_fold(n, |cur, name| child(cur, name))
}

/// The element's own text (text and CDATA children), trimmed.
pub(super) fn text(n: Node<'_, '_>) -> String {
    let s: String = n
        .children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect();
    s.trim().to_string()
}

/// The trimmed text of the child `name`, if that child exists.
pub(super) fn child_text(n: Node<'_, '_>, name: &str) -> Option<String> {
    child(n, name).map(text)
}

/// The trimmed text of the child `name`, if it exists and is not empty.
pub(super) fn nonempty(n: Node<'_, '_>, name: &str) -> Option<String> {
    child_text(n, name).filter(|s| !s.is_empty())
}

/// Whether a flag child is set: present (`<log/>`, `<log>1</log>`) and not `0`/`no`.
pub(super) fn flag(n: Node<'_, '_>, name: &str) -> bool {
    child_text(n, name).is_some_and(|t| !matches!(t.as_str(), "0" | "no" | "false"))
}

/// The whole element, from `<` to the end of its closing tag.
pub(super) fn span(file: FileId, n: Node<'_, '_>) -> Span {
    let r = n.range();
    Span::new(file, r.start, r.end)
}

/// Only the start tag of an element (`<filter>`).
pub(super) fn start_tag(file: FileId, text: &str, n: Node<'_, '_>) -> Span {
    let r = n.range();
    let end = text
        .get(r.start..r.end)
        .and_then(|s| s.find('>'))
        .map_or(r.end, |i| r.start + i + 1);
    Span::new(file, r.start, end)
}

/// The byte offset of a 1-based row and (character) column.
pub(super) fn offset(text: &str, row: u32, col: u32) -> usize {
    let mut line_start = 0;
    for _ in 1..row {
        match text.get(line_start..).and_then(|s| s.find('\n')) {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let rest = text.get(line_start..).unwrap_or("");
    let skip = usize::try_from(col.saturating_sub(1)).unwrap_or(usize::MAX);
    line_start + rest.char_indices().nth(skip).map_or(rest.len(), |(i, _)| i)
}
