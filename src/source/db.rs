//! The source database: `FileId` → path, text and line index.

use std::sync::Arc;

use crate::value::ArcStr;

use super::{FileId, Span};

/// One file known to the run: a policy, a stdlib module or an input.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown to users (relative to where it was found, or `<builtin>/…`). Shared:
    /// it is the `file` field of every entity derived from the file.
    pub name: ArcStr,
    /// The text; empty for a file whose text was not read (see [`SourceFile::unread`]). An
    /// `Arc<String>` rather than an `Arc<str>`: the text read goes in as it is, where an
    /// `Arc<str>` would copy it (the whole corpus, once more, into fresh memory).
    pub text: Arc<String>,
    line_starts: Vec<u32>,
    /// `Some(length)` for a file known only by its line index (see [`SourceFile::unread`]).
    unread_len: Option<u32>,
    /// Whether the text is ASCII: a column is then a count of bytes, found without reading
    /// the line again (a report locates tens of thousands of findings in texts long out of
    /// the processor's cache).
    ascii: bool,
}

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

impl SourceFile {
    pub fn new(name: impl Into<ArcStr>, text: impl Into<String>) -> SourceFile {
        let text = Arc::new(text.into());
        let mut line_starts = vec![0u32];
        line_starts.extend(
            memchr::memchr_iter(b'\n', text.as_bytes())
                .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        SourceFile {
            name: name.into(),
            ascii: text.is_ascii(),
            text,
            line_starts,
            unread_len: None,
        }
    }

    /// A file whose text was not read, known by its length and the byte offsets where its
    /// lines start (the first is 0), all of them recorded from an earlier read of an ASCII
    /// text (the result cache's, when the file has not changed since). Line and column numbers
    /// are exact; [`SourceFile::text`] is empty.
    pub fn unread(name: impl Into<ArcStr>, len: u32, line_starts: Vec<u32>) -> SourceFile {
        static EMPTY: std::sync::OnceLock<Arc<String>> = std::sync::OnceLock::new();
        SourceFile {
            name: name.into(),
            text: Arc::clone(EMPTY.get_or_init(|| Arc::new(String::new()))),
            line_starts: if line_starts.first() == Some(&0) {
                line_starts
            } else {
                vec![0]
            },
            unread_len: Some(len),
            ascii: true,
        }
    }

    /// Whether [`SourceFile::text`] holds the file's text (see [`SourceFile::unread`]).
    pub fn is_read(&self) -> bool {
        self.unread_len.is_none()
    }

    /// Whether the text is ASCII (an unread file's always is).
    pub fn is_ascii(&self) -> bool {
        self.ascii
    }

    /// The byte offsets where lines start: 0, then one past each `\n`.
    pub fn line_starts(&self) -> &[u32] {
        &self.line_starts
    }

    /// The line and column of `start` and of `end` (`start <= end`, as in a span), the line
    /// of `end` looked for from that of `start`: a span mostly ends on its first line or soon
    /// after, so this costs one search, not two.
    pub fn line_cols(&self, start: u32, end: u32) -> (LineCol, LineCol) {
        let first = self.line_col(start);
        let end = end.min(self.len());
        if end < start {
            return (first, self.line_col(end));
        }
        let mut line = first.line as usize - 1;
        for _ in 0..8 {
            match self.line_starts.get(line + 1) {
                Some(&next) if next <= end => line += 1,
                Some(_) | None => return (first, self.col_on(line, end)),
            }
        }
        (first, self.line_col(end))
    }

    /// The text's length in bytes (recorded, for an unread file).
    fn len(&self) -> u32 {
        self.unread_len
            .unwrap_or_else(|| u32::try_from(self.text.len()).unwrap_or(u32::MAX))
    }

    /// The line and column of `offset` (within the text), on the 0-based `line`.
    fn col_on(&self, line: usize, offset: u32) -> LineCol {
        let start = self.line_starts.get(line).copied().unwrap_or(0) as usize;
        let end = offset as usize;
        // In an ASCII text (an unread one is) a column is a byte count.
        let column = if self.ascii {
            end.saturating_sub(start)
        } else {
            self.text
                .get(start..end)
                .map_or(end.saturating_sub(start), |s| s.chars().count())
        };
        LineCol {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }

    /// The 1-based line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(self.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        self.col_on(line, offset)
    }

    /// The byte offset of a 1-based line's start, if the line exists.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_starts
            .get((line as usize).checked_sub(1)?)
            .copied()
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// All files of a run. Ids are handed out in insertion order, so a run that adds files in a
/// deterministic order gets deterministic ids.
#[derive(Debug, Default)]
pub struct SourceDb {
    files: Vec<SourceFile>,
}

impl SourceDb {
    pub fn new() -> SourceDb {
        SourceDb::default()
    }

    /// Makes room for `more` files, so that adding many grows the list once.
    pub fn reserve(&mut self, more: usize) {
        self.files.reserve(more);
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(file);
        id
    }

    /// Replaces the file behind `id` (an editor's new text); `false` if there is no such file.
    pub fn replace(&mut self, id: FileId, file: SourceFile) -> bool {
        match self.files.get_mut(id.0 as usize) {
            Some(slot) => {
                *slot = file;
                true
            }
            None => false,
        }
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map_or("<unknown>", |f| f.name.as_str())
    }

    /// The name of file `id` as a shared string, for values that hold it (see
    /// [`SourceFile::name`]).
    pub fn shared_name(&self, id: FileId) -> &ArcStr {
        static UNKNOWN: ArcStr = arcstr::literal!("<unknown>");
        self.get(id).map_or(&UNKNOWN, |f| &f.name)
    }

    pub fn text(&self, id: FileId) -> &str {
        self.get(id).map_or("", |f| f.text.as_str())
    }

    /// The text a span covers, or `""` if it is out of range.
    pub fn slice(&self, span: Span) -> &str {
        self.text(span.file).get(span.range()).unwrap_or("")
    }

    pub fn line_col(&self, file: FileId, offset: u32) -> LineCol {
        self.get(file)
            .map_or(LineCol { line: 1, column: 1 }, |f| f.line_col(offset))
    }

    /// The line and column of a span's start and end ([`SourceFile::line_cols`]).
    pub fn line_cols(&self, span: Span) -> (LineCol, LineCol) {
        let none = LineCol { line: 1, column: 1 };
        self.get(span.file)
            .map_or((none, none), |f| f.line_cols(span.start, span.end))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }
}

#[cfg(test)]
mod tests {
    use super::{LineCol, SourceFile};

    #[test]
    fn columns_count_characters_in_a_text_that_is_not_ascii_and_bytes_in_one_that_is() {
        let plain = SourceFile::new("a.yaml", "name: x\nimage: nginx\n");
        assert!(plain.is_ascii());
        assert_eq!(plain.line_col(15), LineCol { line: 2, column: 8 });
        // `é` and `—` are two and three bytes: the columns after them count characters.
        let text = "name: é\nnote: a — b\n";
        let wide = SourceFile::new("b.yaml", text);
        assert!(!wide.is_ascii());
        let b = u32::try_from(text.find('b').unwrap_or(0)).unwrap_or(0);
        assert_eq!(
            wide.line_col(b),
            LineCol {
                line: 2,
                column: 11
            }
        );
        assert_eq!(wide.line_col(8), LineCol { line: 1, column: 8 });
        assert_eq!(
            wide.line_cols(6, b),
            (
                LineCol { line: 1, column: 7 },
                LineCol {
                    line: 2,
                    column: 11
                }
            )
        );
    }

    #[test]
    fn an_unread_file_gives_the_line_and_column_of_the_read_one() {
        let text = "apiVersion: v1\nkind: Pod\n\nmetadata:\n  name: x\n";
        let read = SourceFile::new("f.yaml", text);
        let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
        let unread = SourceFile::unread("f.yaml", len, read.line_starts().to_vec());
        assert!(read.is_read());
        assert!(!unread.is_read());
        assert_eq!(unread.text.as_str(), "");
        // Every offset, and past the end (clamped).
        for offset in 0..len + 3 {
            assert_eq!(
                unread.line_col(offset),
                read.line_col(offset),
                "at {offset}"
            );
        }
        assert_eq!(unread.line_count(), read.line_count());
        // Both ends of every span at once, as one at a time (some spans over more than the
        // eight lines looked at before searching).
        let long = format!("{text}é\n{}end", "line\n".repeat(12));
        let long_len = u32::try_from(long.len()).unwrap_or(u32::MAX);
        let files = [
            SourceFile::new("g.yaml", long.as_str()),
            SourceFile::unread("f.yaml", len, read.line_starts().to_vec()),
        ];
        for (file, len) in files.iter().zip([long_len, len]) {
            for start in 0..len + 2 {
                for end in start.saturating_sub(2)..len + 2 {
                    assert_eq!(
                        file.line_cols(start, end),
                        (file.line_col(start), file.line_col(end)),
                        "{start}..{end}"
                    );
                }
            }
        }
        // A line table that does not start at 0 is not trusted.
        let odd = SourceFile::unread("f.yaml", len, vec![5, 9]);
        assert_eq!(odd.line_starts(), &[0]);
    }
}
