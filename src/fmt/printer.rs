//! The document the formatter builds and its layout (after Wadler's "prettier printer").
//!
//! A [`Doc`] is text with possible line breaks. A [`Doc::Group`] is laid out flat (its
//! [`Doc::Line`]s become spaces) when it fits in the rest of the line, and broken (every
//! line of the group becomes a newline at the group's indentation) otherwise. Outer groups
//! break before inner ones. Newlines never leave trailing whitespace: indentation is written
//! only before the next text.

/// A document to lay out.
#[derive(Clone, Debug)]
pub(super) enum Doc {
    /// Literal text. It may contain newlines (a multi-line string kept verbatim); only its
    /// first line counts when measuring whether a group fits.
    Text(String),
    Concat(Vec<Doc>),
    Group(Box<Doc>),
    /// Newlines inside are indented one more level.
    Indent(Box<Doc>),
    /// A space when flat, a newline when broken.
    Line,
    /// Nothing when flat, a newline when broken.
    SoftLine,
    /// Always a newline.
    HardLine,
    /// Text printed only when the enclosing group is broken (a trailing comma).
    IfBreak(&'static str),
    /// A trailing comment: printed, but not measured, so that a comment never makes the
    /// code before it break. Must be followed by a newline.
    Suffix(String),
}

pub(super) fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

pub(super) fn concat(docs: Vec<Doc>) -> Doc {
    Doc::Concat(docs)
}

pub(super) fn group(doc: Doc) -> Doc {
    Doc::Group(Box::new(doc))
}

pub(super) fn indent(doc: Doc) -> Doc {
    Doc::Indent(Box::new(doc))
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

/// One pending piece of work: a document at an indentation, in a mode.
type Cmd<'d> = (usize, Mode, &'d Doc);

/// Lays `doc` out in `width` columns, indenting by `step` spaces per level.
pub(super) fn print(doc: &Doc, width: usize, step: usize) -> String {
    let mut out = Out::default();
    let mut stack: Vec<Cmd<'_>> = vec![(0, Mode::Break, doc)];
    while let Some((ind, mode, doc)) = stack.pop() {
        match doc {
            Doc::Text(s) | Doc::Suffix(s) => out.write(s),
            Doc::Concat(docs) => stack.extend(docs.iter().rev().map(|d| (ind, mode, d))),
            Doc::Indent(inner) => stack.push((ind + step, mode, inner)),
            Doc::Group(inner) => {
                let remaining = width as isize - out.column() as isize;
                let flat = mode == Mode::Flat || fits(inner, &stack, remaining);
                stack.push((ind, if flat { Mode::Flat } else { Mode::Break }, inner));
            }
            Doc::Line if mode == Mode::Flat => out.write(" "),
            Doc::SoftLine if mode == Mode::Flat => {}
            Doc::Line | Doc::SoftLine | Doc::HardLine => out.newline(ind),
            Doc::IfBreak(s) => {
                if mode == Mode::Break {
                    out.write(s);
                }
            }
        }
    }
    out.text
}

/// Whether `first`, laid out flat, and what follows it up to the next possible line break
/// fit in `remaining` columns.
fn fits(first: &Doc, rest: &[Cmd<'_>], mut remaining: isize) -> bool {
    let mut stack: Vec<(Mode, &Doc)> = vec![(Mode::Flat, first)];
    let mut rest = rest.iter().rev();
    loop {
        if remaining < 0 {
            return false;
        }
        let (mode, doc) = match stack.pop() {
            Some(next) => next,
            None => match rest.next() {
                Some(&(_, mode, doc)) => (mode, doc),
                None => return true,
            },
        };
        match doc {
            Doc::Text(s) => match s.split_once('\n') {
                Some((first_line, _)) => return remaining >= width(first_line),
                None => remaining -= width(s),
            },
            Doc::Suffix(_) => {}
            Doc::Concat(docs) => stack.extend(docs.iter().rev().map(|d| (mode, d))),
            Doc::Group(inner) | Doc::Indent(inner) => stack.push((mode, inner)),
            Doc::Line if mode == Mode::Flat => remaining -= 1,
            Doc::SoftLine if mode == Mode::Flat => {}
            Doc::Line | Doc::SoftLine | Doc::HardLine => return true,
            Doc::IfBreak(s) => {
                if mode == Mode::Break {
                    remaining -= width(s);
                }
            }
        }
    }
}

fn width(s: &str) -> isize {
    s.chars().count() as isize
}

/// The output being written, with the indentation owed to the current line.
#[derive(Default)]
struct Out {
    text: String,
    /// Characters on the current line so far.
    column: usize,
    /// Indentation to write before the next text on a fresh line.
    pending: Option<usize>,
}

impl Out {
    fn column(&self) -> usize {
        self.pending.unwrap_or(self.column)
    }

    fn write(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if let Some(ind) = self.pending.take() {
            self.text.extend(std::iter::repeat_n(' ', ind));
            self.column = ind;
        }
        self.text.push_str(s);
        match s.rsplit_once('\n') {
            Some((_, last)) => self.column = last.chars().count(),
            None => self.column += s.chars().count(),
        }
    }

    fn newline(&mut self, ind: usize) {
        self.text.push('\n');
        self.column = 0;
        self.pending = Some(ind);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Doc {
        let mut inner = vec![Doc::SoftLine];
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                inner.push(text(","));
                inner.push(Doc::Line);
            }
            inner.push(text(*item));
        }
        inner.push(Doc::IfBreak(","));
        group(concat(vec![
            text("["),
            indent(concat(inner)),
            Doc::SoftLine,
            text("]"),
        ]))
    }

    #[test]
    fn group_fits_flat() {
        assert_eq!(print(&list(&["a", "b"]), 10, 2), "[a, b]");
    }

    #[test]
    fn group_breaks_when_too_wide() {
        assert_eq!(print(&list(&["aaa", "bbb"]), 8, 2), "[\n  aaa,\n  bbb,\n]");
    }

    #[test]
    fn text_after_group_counts() {
        let doc = concat(vec![list(&["a", "b"]), text(" and more")]);
        assert_eq!(print(&doc, 10, 2), "[\n  a,\n  b,\n] and more");
    }

    #[test]
    fn suffix_is_not_measured_and_no_trailing_spaces() {
        let doc = concat(vec![
            list(&["a", "b"]),
            Doc::Suffix(" // a long comment".into()),
            Doc::HardLine,
            Doc::HardLine,
            indent(concat(vec![Doc::HardLine, text("x")])),
        ]);
        assert_eq!(print(&doc, 10, 2), "[a, b] // a long comment\n\n\n  x");
    }
}
