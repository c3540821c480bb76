//! A fast reader for the block style of YAML that Kubernetes manifests and most configuration
//! files are written in: it gives the events `saphyr-parser` would give, or declines.
//!
//! saphyr reads about 85 MB/s here, and parsing was most of a check's time (see
//! `docs/benchmarks-history.md`, change 36). This reader covers a strict subset, line by line
//! over bytes:
//!
//! - printable ASCII text with `\n` line breaks (no tabs, no `\r`, nothing else);
//! - block maps and lists, nested by indentation, including `- key: value` and `- - a` on one
//!   line and lists at their key's indentation (`key:` then `- a`);
//! - plain scalars on one line, and quoted scalars on one line without escapes (`\` or `''`);
//! - flow lists of such scalars on one line (`[a, "b"]`, `[]`) and `{}`, as values or items;
//! - literal block scalars (`|`, `|-`) with the indentation of their first line;
//! - comments, blank lines, and `---` between documents.
//!
//! Anything else (flow maps, nested or multi-line flow collections, folded and `|+` scalars,
//! explicit indentation, anchors, aliases, tags, directives, `...`, complex keys, plain or
//! quoted scalars over several lines, escapes, and every syntax error) makes it decline, and
//! the caller reads the file with saphyr instead. It must never give a different result, only
//! none: unit tests and the `yaml_block` fuzz target load texts both ways and compare.
//!
//! The events and their byte spans are saphyr's, as the loader uses them: a block map starts
//! at its first key, a block list at its first `-` (a list at its key's indentation, after its
//! first `-`), an empty value at its key's `:` (at the end of the line after a `-`), a block
//! scalar from its first character to where the next token is, and a block collection ends,
//! with zero length, where the next token is. Where saphyr's spans run on (after a quoted
//! scalar or a flow bracket, over blanks and a comment), the loader does not depend on it, and
//! this reader gives the exact ones.

use std::borrow::Cow;

use saphyr_parser::{Event, ScalarStyle};

/// An event and the byte offsets of its span.
type Spanned<'t> = (Event<'t>, usize, usize);

/// Longest plain or quoted key this reader takes on (YAML bounds implicit keys at 1024
/// characters; saphyr's exact rule is left to saphyr).
const MAX_KEY: usize = 512;

/// Reads `text`, giving each event and its byte span to `sink` as it goes, until `sink`
/// returns `false`. `None` when the text is not in the subset this reader covers: the events
/// given so far are then to be thrown away.
pub(super) fn read<'t>(
    text: &'t str,
    sink: impl FnMut(Event<'t>, usize, usize) -> bool,
) -> Option<()> {
    if !printable(text.as_bytes()) {
        return None;
    }
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        sink,
        stopped: false,
        stack: Vec::new(),
        pending: Pending::None,
        open: false,
        resume: None,
    };
    reader.run()
}

/// Whether `bytes` are printable ASCII and line feeds only. Without an early exit inside a
/// chunk, so the compiler can test many bytes at once.
fn printable(bytes: &[u8]) -> bool {
    bytes.chunks(64).all(|chunk| {
        !chunk
            .iter()
            .fold(false, |bad, &b| bad | (b < b' ' && b != b'\n') | (b > b'~'))
    })
}

/// A node that a line started but left for the lines after it.
#[derive(Clone, Copy)]
enum Pending {
    None,
    /// The document's root.
    Root,
    /// The value of a `key:` at `indent` that had nothing after it; `at` is the `:`.
    Value {
        indent: usize,
        at: usize,
    },
    /// The item of a `-` at `indent` that had nothing after it; `at` is the line's end.
    Item {
        indent: usize,
        at: usize,
    },
}

/// How the node at a position relates to the collections open around it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Another entry of the innermost collection.
    Entry,
    /// The first line of a pending node: a map or list starts here.
    NewLine,
    /// A list at the indentation of the key whose value it is.
    Indentless,
    /// After `- ` on the same line: a map, list or scalar starts here.
    AfterDash,
}

/// An open block collection.
struct Frame {
    map: bool,
    indent: usize,
    indentless: bool,
}

struct Reader<'t, S> {
    text: &'t str,
    bytes: &'t [u8],
    sink: S,
    /// The sink wants no more events.
    stopped: bool,
    stack: Vec<Frame>,
    pending: Pending,
    /// A document is open.
    open: bool,
    /// Where the next line starts, when a block scalar read lines past its header's.
    resume: Option<usize>,
}

impl<'t, S: FnMut(Event<'t>, usize, usize) -> bool> Reader<'t, S> {
    fn emit(&mut self, event: Event<'t>, start: usize, end: usize) {
        if !self.stopped && !(self.sink)(event, start, end) {
            self.stopped = true;
        }
    }

    fn emit_scalar(&mut self, (event, start, end): Spanned<'t>) {
        self.emit(event, start, end);
    }

    fn run(&mut self) -> Option<()> {
        let len = self.bytes.len();
        self.emit(Event::StreamStart, 0, 0);
        let mut line = 0;
        while line < len && !self.stopped {
            let end = memchr::memchr(b'\n', &self.bytes[line..]).map_or(len, |i| line + i);
            let content = self.skip_spaces(line, end);
            if content < end && self.bytes[content] != b'#' {
                if content == line && self.marker(line, b'-') {
                    self.document_start(line, end)?;
                } else if content == line && (self.marker(line, b'.') || self.bytes[line] == b'%') {
                    return None;
                } else {
                    self.line(line, content, end)?;
                }
            }
            line = self.resume.take().unwrap_or(end + 1);
        }
        if self.open {
            self.end_document(len, len);
        }
        self.emit(Event::StreamEnd, len, len);
        Some(())
    }

    /// `---` or `...` at `at`, followed by a blank or the end.
    fn marker(&self, at: usize, c: u8) -> bool {
        self.bytes.get(at..at + 3) == Some(&[c, c, c])
            && matches!(self.bytes.get(at + 3), None | Some(b' ' | b'\n'))
    }

    fn skip_spaces(&self, mut at: usize, end: usize) -> usize {
        while at < end && self.bytes[at] == b' ' {
            at += 1;
        }
        at
    }

    /// Whether a `-` at `at` starts a list item.
    fn is_item(&self, at: usize) -> bool {
        self.bytes.get(at) == Some(&b'-')
            && matches!(self.bytes.get(at + 1), None | Some(b' ' | b'\n'))
    }

    /// Whether only blanks and a comment are left of the line from `at`. A `#` starts a
    /// comment only after a blank, which the callers' positions guarantee or check.
    fn rest_is_blank(&self, at: usize, end: usize) -> bool {
        let next = self.skip_spaces(at, end);
        next == end || (self.bytes[next] == b'#' && next > at)
    }

    fn document_start(&mut self, at: usize, end: usize) -> Option<()> {
        if !self.rest_is_blank(at + 3, end) {
            return None;
        }
        if self.open {
            self.end_document(at, at + 3);
        }
        self.emit(Event::DocumentStart(true), at, at + 3);
        self.open = true;
        self.pending = Pending::Root;
        Some(())
    }

    /// Closes the open document at the next `---` (`at..to`) or the end of the text.
    fn end_document(&mut self, at: usize, to: usize) {
        match self.pending {
            Pending::None => {}
            Pending::Root => self.empty(at),
            Pending::Value { at: empty, .. } | Pending::Item { at: empty, .. } => self.empty(empty),
        }
        self.pending = Pending::None;
        while let Some(frame) = self.stack.pop() {
            self.close(&frame, at);
        }
        self.emit(Event::DocumentEnd, at, to);
        self.open = false;
    }

    fn empty(&mut self, at: usize) {
        self.emit(
            Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None),
            at,
            at,
        );
    }

    fn close(&mut self, frame: &Frame, at: usize) {
        let event = if frame.map {
            Event::MappingEnd
        } else {
            Event::SequenceEnd
        };
        self.emit(event, at, at);
    }

    /// A line whose content starts at `content` (after `line`'s indentation).
    fn line(&mut self, line: usize, content: usize, end: usize) -> Option<()> {
        if !self.open {
            self.emit(Event::DocumentStart(false), content, content);
            self.open = true;
            self.pending = Pending::Root;
        }
        let indent = content - line;
        let mut place = Place::Entry;
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::None => {}
            Pending::Root => place = Place::NewLine,
            Pending::Value { indent: key, at } => {
                if indent > key {
                    place = Place::NewLine;
                } else if indent == key && self.is_item(content) {
                    place = Place::Indentless;
                } else {
                    self.empty(at);
                }
            }
            Pending::Item { indent: dash, at } => {
                if indent > dash {
                    place = Place::NewLine;
                } else {
                    self.empty(at);
                }
            }
        }
        if place == Place::Entry {
            while let Some(top) = self.stack.last() {
                if top.indent > indent
                    || (top.indent == indent && top.indentless && !self.is_item(content))
                {
                    if let Some(frame) = self.stack.pop() {
                        self.close(&frame, content);
                    }
                } else {
                    break;
                }
            }
            // Content after the root closed, or more indented than the open collection with
            // nothing pending (a scalar going on over lines, or an error): saphyr's to read.
            if self.stack.last()?.indent != indent {
                return None;
            }
        }
        self.content(line, content, end, place)
    }

    /// Reads the nodes of a line from `at`, placed in the open collections as `place` says.
    fn content(&mut self, line: usize, mut at: usize, end: usize, mut place: Place) -> Option<()> {
        loop {
            let column = at - line;
            if self.is_item(at) {
                match place {
                    Place::Entry => {
                        if self.stack.last()?.map {
                            return None;
                        }
                    }
                    Place::NewLine | Place::AfterDash => {
                        self.push(false, column, false);
                        self.emit(Event::SequenceStart(0, None), at, at);
                    }
                    Place::Indentless => self.push(false, column, true),
                }
                let next = self.skip_spaces(at + 1, end);
                let rest_blank = next == end || self.bytes[next] == b'#';
                if place == Place::Indentless {
                    let start = if rest_blank { end } else { next };
                    self.emit(Event::SequenceStart(0, None), start, start);
                }
                if rest_blank {
                    self.pending = Pending::Item {
                        indent: column,
                        at: end,
                    };
                    return Some(());
                }
                at = next;
                place = Place::AfterDash;
                continue;
            }
            if place == Place::Entry && !self.stack.last()?.map {
                return None;
            }
            if place == Place::AfterDash && self.bytes[at] == b'|' {
                return self.literal(at, end, self.stack.last()?.indent);
            }
            if let Some(after) = self.flow(at, end) {
                // A flow list or `{}` after a `-`; as a map key, or anywhere else, it is
                // saphyr's.
                return (place == Place::AfterDash && self.rest_is_blank(after?, end))
                    .then_some(());
            }
            let scalar = self.scalar(at, end, false)?;
            let colon = self.skip_spaces(scalar.next, end);
            let is_key = colon < end
                && self.bytes[colon] == b':'
                && matches!(self.bytes.get(colon + 1), None | Some(b' ' | b'\n'));
            if !is_key {
                // A scalar on its own: only as a list item on the line of its `-`.
                if place != Place::AfterDash || !self.rest_is_blank(scalar.next, end) {
                    return None;
                }
                self.emit_scalar(scalar.event);
                return Some(());
            }
            if scalar.event.2 - scalar.event.1 > MAX_KEY {
                return None;
            }
            if place != Place::Entry {
                self.push(true, column, false);
                self.emit(Event::MappingStart(0, None), at, at);
            }
            self.emit_scalar(scalar.event);
            return self.value(column, colon, end);
        }
    }

    fn push(&mut self, map: bool, indent: usize, indentless: bool) {
        self.stack.push(Frame {
            map,
            indent,
            indentless,
        });
    }

    /// The value after the `:` at `colon` of a key at `indent`.
    fn value(&mut self, indent: usize, colon: usize, end: usize) -> Option<()> {
        let at = self.skip_spaces(colon + 1, end);
        if at == end || self.bytes[at] == b'#' {
            self.pending = Pending::Value { indent, at: colon };
            return Some(());
        }
        if self.bytes[at] == b'|' {
            return self.literal(at, end, indent);
        }
        let after = match self.flow(at, end) {
            Some(after) => after?,
            None => {
                let scalar = self.scalar(at, end, false)?;
                let next = self.skip_spaces(scalar.next, end);
                if next < end && self.bytes[next] == b':' {
                    // `key: a: b`, or `key: a :`: saphyr's to judge.
                    return None;
                }
                self.emit_scalar(scalar.event);
                scalar.next
            }
        };
        self.rest_is_blank(after, end).then_some(())
    }

    /// A literal block scalar (`|` or `|-`) whose header is at `at`, the value of a node in a
    /// collection at `indent`: pushes its event and sets where the next line starts. Its
    /// indentation is that of its first line that is not blank; explicit indentation, `|+` and
    /// folded scalars (`>`) are saphyr's.
    fn literal(&mut self, at: usize, end: usize, indent: usize) -> Option<()> {
        let len = self.bytes.len();
        let strip = self.bytes.get(at + 1) == Some(&b'-');
        if !self.rest_is_blank(at + 1 + usize::from(strip), end) {
            return None;
        }
        let mut value = String::new();
        // The content's indentation and where its first line starts, once known.
        let mut content: Option<(usize, usize)> = None;
        let (mut lines, mut breaks, mut leading_spaces) = (0usize, 0usize, 0usize);
        let mut line = end + 1;
        let stop = loop {
            if line >= len {
                break len;
            }
            let line_end = memchr::memchr(b'\n', &self.bytes[line..]).map_or(len, |i| line + i);
            let first = self.skip_spaces(line, line_end);
            let spaces = first - line;
            let m = match content {
                Some((m, _)) => m,
                None if first == line_end => {
                    leading_spaces = leading_spaces.max(spaces);
                    breaks += 1;
                    line = line_end + 1;
                    continue;
                }
                None => {
                    if spaces <= indent {
                        break first;
                    }
                    if leading_spaces > spaces {
                        return None;
                    }
                    content = Some((spaces, first));
                    spaces
                }
            };
            if first == line_end && spaces <= m {
                breaks += 1;
            } else if spaces < m {
                break first;
            } else {
                if lines > 0 {
                    value.push('\n');
                }
                value.extend(std::iter::repeat_n('\n', breaks));
                value.push_str(&self.text[line + m..line_end]);
                lines += 1;
                breaks = 0;
            }
            line = line_end + 1;
        };
        if lines > 0 && !strip {
            value.push('\n');
        }
        let start = content.map_or(stop, |(_, first)| first);
        self.emit(
            Event::Scalar(Cow::Owned(value), ScalarStyle::Literal, 0, None),
            start,
            stop,
        );
        // The line that ended the scalar is read as any other.
        let mut next = stop;
        while next > 0 && self.bytes[next - 1] == b' ' {
            next -= 1;
        }
        self.resume = Some(next.min(len));
        Some(())
    }

    /// A flow list of scalars on one line (`[a, "b"]`), or `{}`, at `at`: pushes its events
    /// and gives the offset after it. `None` when there is none at `at`, and `Some(None)` for
    /// one this reader does not take (nested, over several lines, with pairs).
    fn flow(&mut self, at: usize, end: usize) -> Option<Option<usize>> {
        match self.bytes[at] {
            b'{' if self.bytes.get(at + 1) == Some(&b'}') => {
                self.emit(Event::MappingStart(0, None), at, at + 1);
                self.emit(Event::MappingEnd, at + 1, at + 2);
                Some(Some(at + 2))
            }
            b'[' => Some(self.flow_list(at, end)),
            b'{' => Some(None),
            _ => None,
        }
    }

    fn flow_list(&mut self, at: usize, end: usize) -> Option<usize> {
        self.emit(Event::SequenceStart(0, None), at, at + 1);
        let mut next = self.skip_spaces(at + 1, end);
        loop {
            match *self.bytes.get(next).filter(|_| next < end)? {
                b']' => {
                    self.emit(Event::SequenceEnd, next, next + 1);
                    return Some(next + 1);
                }
                b'[' | b'{' => return None,
                _ => {}
            }
            let scalar = self.scalar(next, end, true)?;
            self.emit_scalar(scalar.event);
            next = self.skip_spaces(scalar.next, end);
            match self.bytes.get(next).filter(|_| next < end)? {
                b',' => next = self.skip_spaces(next + 1, end),
                b']' => {}
                _ => return None,
            }
        }
    }

    /// The one-line scalar at `at`: plain up to a `: `, a ` #` or the end of the line (in a
    /// flow list, also up to `,`, `[`, `]`, `{` or `}`), or quoted without escapes. `None` for
    /// anything else.
    fn scalar(&self, at: usize, end: usize, in_flow: bool) -> Option<Scalar<'t>> {
        let first = self.bytes[at];
        let quoted = |style, close: usize| {
            let event = Event::Scalar(Cow::Borrowed(&self.text[at + 1..close]), style, 0, None);
            Some(Scalar {
                event: (event, at, close + 1),
                next: close + 1,
            })
        };
        match first {
            b'"' => {
                let close = at + 1 + memchr::memchr2(b'"', b'\\', &self.bytes[at + 1..end])?;
                if self.bytes[close] == b'\\' {
                    return None;
                }
                quoted(ScalarStyle::DoubleQuoted, close)
            }
            b'\'' => {
                let close = at + 1 + memchr::memchr(b'\'', &self.bytes[at + 1..end])?;
                if self.bytes.get(close + 1) == Some(&b'\'') {
                    return None;
                }
                quoted(ScalarStyle::SingleQuoted, close)
            }
            b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%'
            | b'@' | b'`' => None,
            b'-' | b'?' | b':'
                if matches!(self.bytes.get(at + 1), None | Some(b' ' | b'\n'))
                    || (in_flow
                        && matches!(
                            self.bytes.get(at + 1),
                            Some(b',' | b'[' | b']' | b'{' | b'}')
                        )) =>
            {
                None
            }
            _ => {
                let stop = if in_flow {
                    self.flow_plain_end(at, end)?
                } else {
                    self.plain_end(at, end)
                };
                let mut last = stop;
                while last > at && self.bytes[last - 1] == b' ' {
                    last -= 1;
                }
                let event = Event::Scalar(
                    Cow::Borrowed(&self.text[at..last]),
                    ScalarStyle::Plain,
                    0,
                    None,
                );
                Some(Scalar {
                    event: (event, at, last),
                    next: last,
                })
            }
        }
    }
}

impl<S> Reader<'_, S> {
    /// Where a plain scalar in block context that starts at `at` ends: at a `: `, a ` #` or
    /// the end of the line.
    fn plain_end(&self, at: usize, end: usize) -> usize {
        let mut from = at + 1;
        while let Some(i) = memchr::memchr2(b':', b'#', &self.bytes[from..end]) {
            let i = from + i;
            let ends = if self.bytes[i] == b':' {
                matches!(self.bytes.get(i + 1), None | Some(b' ' | b'\n'))
            } else {
                self.bytes[i - 1] == b' '
            };
            if ends {
                return i;
            }
            from = i + 1;
        }
        end
    }

    /// Where a plain scalar in a flow list that starts at `at` ends: at `,`, `[`, `]`, `{` or
    /// `}`. `None` at a `:` that makes it a key, a comment or the end of the line.
    fn flow_plain_end(&self, at: usize, end: usize) -> Option<usize> {
        let mut i = at + 1;
        while i < end {
            match self.bytes[i] {
                b',' | b'[' | b']' | b'{' | b'}' => return Some(i),
                b':' if matches!(
                    self.bytes.get(i + 1),
                    None | Some(b' ' | b'\n' | b',' | b'[' | b']' | b'{' | b'}')
                ) =>
                {
                    return None
                }
                b'#' if self.bytes[i - 1] == b' ' => return None,
                _ => i += 1,
            }
        }
        None
    }
}

/// A scalar's event and where the line goes on after it.
struct Scalar<'t> {
    event: Spanned<'t>,
    next: usize,
}

#[cfg(test)]
mod tests {
    //! The block reader against saphyr: every file loads to the same documents, values, spans
    //! and diagnostics whether the block reader takes it or saphyr reads it alone.

    use std::path::Path;

    use crate::input::yaml::readers_agree;

    /// Whether the block reader takes `text`; panics when the two readings differ.
    fn agrees(name: &str, text: &str) -> bool {
        match readers_agree(text) {
            Ok(taken) => taken,
            Err(difference) => panic!("{name}: {difference}"),
        }
    }

    #[test]
    fn takes_the_block_subset() {
        let taken = [
            "a: 1\nb:\nc:\n- x\n-\n- k: v\n  j: \n  l: {}\nd: []\n",
            "---\na:\n  - x\n  -   w: \"q\"\n      v: 'it s'  # c\n  -\n    k: v\n---\n# only\n---\n",
            "# head\n\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web # the name\n  labels:\n    app: web\n",
            "- - a\n  - b\n- - - c\n-\n  - d\n",
            "k: # c\nj:    \nl:\nc:\n-   # c\n- x\n",
            "key   :   v w  # z\n\"q k\": 's v'\ne:\n  -\n",
            "a:\n  b: c\n\n# x\nd: e",
            "- k:\n  - x\n- k:\n    - y\n  j: 2\n",
            "x: -1\ny: :z\nz: a:b\nw: a#b\nv: 'a:b # c'\nu: \"#\"\nt: a[0],{b}\n",
            "n: null\nb: true\ni: 0x1F\nf: 1.5e3\no: 0o17\ns: '1'\ninf: .inf\n",
            "a: 1\na: 2\n",
            "a: [1, 2]\nb: [ x , 'y',z ]  # c\nc: [a,]\nd: [ ]\n",
            "- [x]\n- {}\n- []\n",
            "a: |\n  one\n   two\n\n  three\n\n\nb: |-  # c\n  x\nc: |\nd: |\n\n  e\n# c\n",
            "m:\n  k: |\n    a\n      \n    b\n  j: 1\nl: |\n  last",
            "- |\n a\n-  |\n   b\n- |-\n\n",
            "  a: 1\n  b: 2\n",
            "---\n---\n---\na: 1\n--- # c\n- 1\n",
            "",
            "\n\n# only comments\n",
        ];
        for (i, text) in taken.iter().enumerate() {
            assert!(agrees(&format!("taken {i}"), text), "declined: {text:?}");
        }
    }

    #[test]
    fn declines_the_rest() {
        let declined = [
            "a: >-\n  text\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: {b: 1}\n",
            "a: { }\n",
            "a: [b, [c]]\n",
            "a: [b: c]\n",
            "a: [b,\n  c]\n",
            "a: [b, -]\n",
            "a: |+\n  keep\n\n",
            "a: |2\n   text\n",
            "a: |\n    \n  text\n",
            "a: \"x\\ty\"\n",
            "a: 'it''s'\n",
            "a: plain\n  continued\n",
            "a: \"two\n  lines\"\n",
            "? complex\n: key\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: 1\n...\n",
            "a:\tb\n",
            "a: 1\r\nb: 2\r\n",
            "a: caf\u{e9}\n",
            "scalar\n",
            "a: b: c\n",
            "a: 1\n- b\n",
            "- a\nb: 1\n",
            "a:\n  b: 1\n c: 2\n",
            "a: 1\n  b: 2\n",
            "a: \"x\" y\n",
            "a: - b\n",
            "[a, b]\n",
            "a: 1\n\u{7f}\n",
        ];
        for (i, text) in declined.iter().enumerate() {
            assert!(!agrees(&format!("declined {i}"), text), "taken: {text:?}");
        }
    }

    /// The YAML files of the repository's tests and examples, then those of the shared
    /// real-world corpus (beside the repository, when it is there), with whether each is from
    /// the shared corpus.
    fn corpus() -> Vec<(String, String, bool)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        for (dir, shared) in [
            ("tests", false),
            ("examples", false),
            ("policies", false),
            ("../shared/corpus", true),
        ] {
            let files = walkdir::WalkDir::new(root.join(dir))
                .sort_by_file_name()
                .into_iter()
                .flatten()
                .filter(|e| {
                    e.file_type().is_file()
                        && matches!(
                            e.path().extension().and_then(|x| x.to_str()),
                            Some("yaml" | "yml")
                        )
                });
            out.extend(files.filter_map(|e| {
                let text = std::fs::read_to_string(e.path()).ok()?;
                Some((e.path().display().to_string(), text, shared))
            }));
        }
        out
    }

    #[test]
    fn agrees_with_saphyr_on_every_file() {
        let (mut taken, mut real) = (0, 0);
        for (name, text, shared) in corpus() {
            let took = agrees(&name, &text);
            if shared {
                real += 1;
                taken += usize::from(took);
            }
        }
        // It must carry most real files, or it is not worth its keep (the repository's own
        // fixtures are half edge cases, made to be declined).
        assert!(
            taken * 10 >= real * 8,
            "the block reader took {taken} of {real} files of the shared corpus"
        );
    }

    /// Small, deterministic edits of every file (a byte dropped, or a piece of YAML syntax
    /// put in), so that the two readers also meet text that is almost right.
    #[test]
    fn agrees_with_saphyr_on_edited_files() {
        const PIECES: [&str; 16] = [
            " ", "\n", "- ", ": ", "#", "'", "\"", "  ", "[]", "{}", "---\n", "-", ":", "\n  ",
            "\n- ", " #",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        let (mut taken, mut total) = (0, 0);
        for (name, text, _) in corpus().iter().filter(|(_, t, _)| t.len() < 16_384) {
            for _ in 0..24 {
                let at = next(text.len() + 1);
                if !text.is_char_boundary(at) {
                    continue;
                }
                let mut edited = text.clone();
                match next(3) {
                    0 => {
                        if let Some(c) = edited[at..].chars().next() {
                            edited.replace_range(at..at + c.len_utf8(), "");
                        }
                    }
                    _ => edited.insert_str(at, PIECES[next(PIECES.len())]),
                }
                total += 1;
                if agrees(&format!("{name}, edited at {at}"), &edited) {
                    taken += 1;
                }
            }
        }
        assert!(
            taken * 4 >= total,
            "the block reader took {taken} of {total} edited files"
        );
    }
}
