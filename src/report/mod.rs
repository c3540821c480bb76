//! Reporters: one writer per output format. Only here are spans turned into lines and
//! columns and source text attached to diagnostics.

pub(crate) mod fingerprint;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
mod location;
pub mod merge;
pub mod sarif;
mod uri;
mod xml;

pub use location::Location;

/// Replaces terminal control characters (escape sequences from hostile inputs) with `�`.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// Escapes, in serialized JSON, the characters JSON itself leaves raw but a terminal may obey:
/// DEL and the C1 controls (U+0080 to U+009F, among them CSI, U+009B). JSON writers escape only
/// what is below U+0020; these can appear only inside strings, where `\u00XX` means the same.
pub fn escape_json_controls(json: String) -> String {
    // Escaping replaces whole characters by ASCII: the text stays UTF-8.
    let mut bytes = json.into_bytes();
    escape_json_control_bytes(&mut bytes);
    String::from_utf8(bytes).unwrap_or_default()
}

/// Writes `value` pretty-printed and followed by a line break, with DEL and the C1 controls
/// escaped: the same bytes as `escape_json_controls(to_string_pretty(value)) + "\n"`, without
/// holding the text.
pub fn write_json_pretty<W: std::io::Write>(
    value: &impl serde::Serialize,
    out: W,
) -> std::io::Result<()> {
    use std::io::Write;
    let mut w = JsonControlEscaper::new(std::io::BufWriter::with_capacity(1 << 16, out));
    serde_json::to_writer_pretty(&mut w, value).map_err(std::io::Error::other)?;
    w.write_all(b"\n")?;
    w.into_inner()?.flush()
}

/// In pretty-printed JSON, the position just after the `[` of `"key": []` written at `depth`:
/// where [`write_list_entries`] splices the entries of a list rendered empty. A line break
/// followed by the indentation can only come from the layout (strings escape line breaks).
pub(crate) fn empty_list_at(text: &str, key: &str, depth: usize) -> Option<usize> {
    let placeholder = format!("\n{}\"{key}\": []", "  ".repeat(depth));
    text.find(&placeholder).map(|at| at + placeholder.len() - 1)
}

/// Writes what goes between the `[` and `]` of a non-empty JSON list whose key sits at `depth`
/// in a pretty-printed document, as the pretty printer lays it out: each entry (given
/// pretty-printed on its own by `render`) on its own lines, indented one level deeper than the
/// key, separated by commas, then a line break and the key's indentation before the `]`.
/// Nothing for an empty list (`[]`). See [`write_laid_out_entries`] for how.
pub(crate) fn write_list_entries<W: std::io::Write>(
    w: &mut JsonControlEscaper<W>,
    len: usize,
    depth: usize,
    render: impl Fn(usize) -> Vec<u8> + Sync,
) -> std::io::Result<()> {
    let inner = format!("\n{}", "  ".repeat(depth + 1));
    write_laid_out_entries(w, len, depth, |i, out| {
        let pretty = render(i);
        for (n, line) in pretty.split(|&b| b == b'\n').enumerate() {
            if n > 0 {
                out.extend_from_slice(inner.as_bytes());
            }
            out.extend_from_slice(line);
        }
    })
}

/// [`write_list_entries`] for entries `render` already lays out at their depth (every line
/// but the first indented one level deeper than the list's key), appending each to the
/// buffer it is given.
///
/// Entries are rendered in parallel, a window at a time, so memory stays bounded whatever
/// their number: each task renders a run of entries with their separators and escapes the
/// controls in it ([`escape_json_controls`]); those pieces go to `w`'s writer as they are,
/// while the next window is being rendered.
pub(crate) fn write_laid_out_entries<W: std::io::Write>(
    w: &mut JsonControlEscaper<W>,
    len: usize,
    depth: usize,
    render: impl Fn(usize, &mut Vec<u8>) + Sync,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    /// Entries rendered at once: enough runs for every core, and two windows' buffers are
    /// all the fresh memory the rendering takes (four times this cost 700 more page faults
    /// on the full pack's 63,000 findings, and no speed).
    const WINDOW: usize = 1024;
    /// Entries rendered by one task, into one piece.
    const RUN: usize = 128;
    if len == 0 {
        return Ok(());
    }
    let inner = format!("\n{}", "  ".repeat(depth + 1));
    // Renders the window from `start` into `pieces`, one per run. The pieces' buffers are
    // those of the window before last, cleared: the memory of two windows is all the
    // rendering touches (fresh memory for each piece cost more than rendering it).
    let window = |start: usize, pieces: &mut Vec<Vec<u8>>| {
        let end = (start + WINDOW).min(len);
        pieces.resize_with((end - start).div_ceil(RUN), Vec::new);
        pieces.par_iter_mut().enumerate().for_each(|(k, piece)| {
            let from = start + k * RUN;
            piece.clear();
            piece.reserve(RUN * 1024);
            for i in from..(from + RUN).min(end) {
                if i > 0 {
                    piece.push(b',');
                }
                piece.extend_from_slice(inner.as_bytes());
                render(i, piece);
            }
            escape_json_control_bytes(piece);
        });
    };
    let mut ready = Vec::new();
    window(0, &mut ready);
    let mut next = Vec::new();
    let mut start = WINDOW;
    loop {
        let more = start < len;
        let written = rayon::in_place_scope(|s| {
            if more {
                s.spawn(|_| window(start, &mut next));
            }
            write_all_pieces(w.raw()?, &ready)
        });
        written?;
        if !more {
            break;
        }
        std::mem::swap(&mut ready, &mut next);
        start += WINDOW;
    }
    std::io::Write::write_all(w, format!("\n{}", "  ".repeat(depth)).as_bytes())
}

/// Writes `pieces` one after the other, handed to `w` together (`write_vectored`): a file or
/// standard output then takes a whole window of a report in one system call. Each call costs
/// a file system more than the bytes it copies (the file's times are updated, its lock
/// taken), and a piece does not end on a page's edge: the 44 MB report of the full pack at
/// 10,000 files took 1,047 calls and 24-28 ms one piece at a time (standard output's line
/// buffer adding a small write before each), and takes 65 calls and 13-15 ms.
fn write_all_pieces<W: std::io::Write>(w: &mut W, pieces: &[Vec<u8>]) -> std::io::Result<()> {
    use std::io::IoSlice;
    let mut slices: Vec<IoSlice<'_>> = pieces.iter().map(|p| IoSlice::new(p)).collect();
    let mut rest = slices.as_mut_slice();
    // (Skips leading empty pieces: a write of nothing would look like a writer that can
    // take no more.)
    IoSlice::advance_slices(&mut rest, 0);
    while !rest.is_empty() {
        match w.write_vectored(rest) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => IoSlice::advance_slices(&mut rest, n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// [`escape_json_controls`] for serialized JSON as bytes (whole characters), in place.
fn escape_json_control_bytes(json: &mut Vec<u8>) {
    if memchr::memchr2(0x7f, 0xc2, json).is_none() {
        return;
    }
    let mut out = Vec::with_capacity(json.len() + 16);
    let mut w = JsonControlEscaper::new(&mut out);
    // Writing to a vector cannot fail.
    let _ = std::io::Write::write_all(&mut w, json);
    let _ = w.into_inner();
    *json = out;
}

/// [`escape_json_controls`] as a writer: what is written to it (serialized JSON, in pieces
/// cut anywhere) reaches `inner` with DEL and the C1 controls escaped, so a large report can
/// be streamed without first being held as one string.
pub struct JsonControlEscaper<W> {
    inner: W,
    /// The first byte of a two-byte character (0xC2) whose second byte has not come yet.
    pending_c2: bool,
}

impl<W: std::io::Write> JsonControlEscaper<W> {
    pub fn new(inner: W) -> Self {
        JsonControlEscaper {
            inner,
            pending_c2: false,
        }
    }

    /// The writer, for bytes already escaped (after any byte held back has been passed on).
    pub fn raw(&mut self) -> std::io::Result<&mut W> {
        if std::mem::take(&mut self.pending_c2) {
            self.inner.write_all(&[0xc2])?;
        }
        Ok(&mut self.inner)
    }

    /// The writer, after the last byte has been passed on.
    pub fn into_inner(mut self) -> std::io::Result<W> {
        if std::mem::take(&mut self.pending_c2) {
            self.inner.write_all(&[0xc2])?;
        }
        Ok(self.inner)
    }
}

impl<W: std::io::Write> std::io::Write for JsonControlEscaper<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        if self.pending_c2 {
            let Some((&b, tail)) = rest.split_first() else {
                return Ok(0);
            };
            self.pending_c2 = false;
            if (0x80..=0x9f).contains(&b) {
                write!(self.inner, "\\u{:04x}", u32::from(b))?;
            } else {
                self.inner.write_all(&[0xc2, b])?;
            }
            rest = tail;
        }
        // DEL is 0x7F; U+0080..U+009F are 0xC2 0x80..0x9F in UTF-8. Both bytes are rare:
        // `memchr2` skips to the next one.
        let mut start = 0;
        let mut i = 0;
        while let Some(found) = rest.get(i..).and_then(|r| memchr::memchr2(0x7f, 0xc2, r)) {
            i += found;
            match rest[i] {
                0x7f => {
                    self.inner.write_all(&rest[start..i])?;
                    self.inner.write_all(b"\\u007f")?;
                    i += 1;
                    start = i;
                }
                0xc2 => match rest.get(i + 1) {
                    Some(&b) if (0x80..=0x9f).contains(&b) => {
                        self.inner.write_all(&rest[start..i])?;
                        write!(self.inner, "\\u{:04x}", u32::from(b))?;
                        i += 2;
                        start = i;
                    }
                    Some(_) => i += 2,
                    None => {
                        self.inner.write_all(&rest[start..i])?;
                        self.pending_c2 = true;
                        i += 1;
                        start = i;
                    }
                },
                _ => i += 1,
            }
        }
        self.inner.write_all(&rest[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Source text safe to print: each terminal control character (other than line breaks and
/// tabs) becomes as many `?` as it has bytes, so every byte offset, hence every span, still
/// points at the same place. Borrows the text when it holds no control character.
pub fn sanitize_source(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |(i, c): (usize, char)| {
        c.is_control()
            && c != '\n'
            && c != '\t'
            && !(c == '\r' && text.as_bytes().get(i + 1) == Some(&b'\n'))
    };
    if !text.char_indices().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if unsafe_char((i, c)) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{sanitize, sanitize_source, write_all_pieces};

    /// A writer that takes at most three bytes a call, of its first buffer only, and is
    /// interrupted every other call.
    struct Stingy {
        got: Vec<u8>,
        calls: usize,
    }

    impl std::io::Write for Stingy {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.calls += 1;
            if self.calls % 2 == 0 {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let n = buf.len().min(3);
            self.got.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn pieces_are_written_whole_and_in_order_however_little_a_call_takes() {
        let pieces: Vec<Vec<u8>> = ["", "abcdefg", "", "h", "ijklmnopq", ""]
            .iter()
            .map(|p| p.as_bytes().to_vec())
            .collect();
        let mut w = Stingy {
            got: Vec::new(),
            calls: 0,
        };
        write_all_pieces(&mut w, &pieces).unwrap();
        assert_eq!(w.got, b"abcdefghijklmnopq");
        // A vector takes everything in one call.
        let mut v = Vec::new();
        write_all_pieces(&mut v, &pieces).unwrap();
        assert_eq!(v, b"abcdefghijklmnopq");
        // Nothing to write is no error.
        write_all_pieces(&mut v, &[Vec::new()]).unwrap();
    }

    #[test]
    fn source_keeps_offsets_and_line_breaks() {
        let text = "a: \u{1b}[31m\r\nb: \u{9b}x\rc\t\n";
        let clean = sanitize_source(text);
        assert_eq!(clean.len(), text.len());
        assert_eq!(clean, "a: ?[31m\r\nb: ??x?c\t\n");
        assert!(matches!(
            sanitize_source("plain\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn json_escapes_del_and_c1_controls() {
        let json = serde_json::to_string("a\u{9b}31m\u{7f}b\u{1b}").unwrap_or_default();
        let escaped = super::escape_json_controls(json);
        assert_eq!(escaped, r#""a\u009b31m\u007fb\u001b""#);
        let back: String = serde_json::from_str(&escaped).unwrap_or_default();
        assert_eq!(back, "a\u{9b}31m\u{7f}b\u{1b}");
    }

    #[test]
    fn json_escaper_handles_characters_cut_between_writes() {
        use std::io::Write;
        let json = serde_json::to_string("\u{9b}x\u{7f}\u{e9}\u{85}é\u{9f}").unwrap_or_default();
        let whole = super::escape_json_controls(json.clone());
        // Every way of cutting the text in two gives the same bytes.
        for cut in 0..=json.len() {
            let mut out = Vec::new();
            let mut w = super::JsonControlEscaper::new(&mut out);
            w.write_all(&json.as_bytes()[..cut]).unwrap_or_default();
            w.write_all(&json.as_bytes()[cut..]).unwrap_or_default();
            drop(w.into_inner());
            assert_eq!(String::from_utf8_lossy(&out), whole, "cut at {cut}");
        }
        assert_eq!(whole, r#""\u009bx\u007fé\u0085é\u009f""#);
    }

    #[test]
    fn messages_lose_escape_characters() {
        assert_eq!(sanitize("x\u{1b}]0;t\u{7}y"), "x\u{fffd}]0;t\u{fffd}y");
    }
}
