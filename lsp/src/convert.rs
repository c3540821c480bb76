//! Conversions between the core's byte offsets and LSP positions (UTF-16 code units), and
//! between paths and URIs.

use std::path::{Path, PathBuf};

use lsp_types::{Position, Range, Url};

/// Line starts of one text, for offset ↔ position conversions.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// The LSP position of a byte offset (clamped to the text).
    pub(crate) fn position(&self, offset: usize) -> Position {
        let offset = floor_boundary(self.text, offset.min(self.text.len()));
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(line).copied().unwrap_or(0);
        let col: usize = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().map(char::len_utf16).sum());
        Position::new(to_u32(line), to_u32(col))
    }

    /// The byte offset of an LSP position (clamped to its line and to the text).
    pub(crate) fn offset(&self, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(self.text.len(), |e| e.saturating_sub(1));
        let line = self.text.get(start..end).unwrap_or("");
        let mut units = 0usize;
        for (i, c) in line.char_indices() {
            if units >= pos.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }

    pub(crate) fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end))
    }

    /// The text of a 0-based line, without its line break.
    pub(crate) fn line(&self, line: usize) -> &'a str {
        let Some(&start) = self.starts.get(line) else {
            return "";
        };
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |e| e.saturating_sub(1));
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches('\r')
    }
}

/// Applies an LSP content change (a range edit, or the whole text) to `text`.
pub(crate) fn apply_change(text: &mut String, range: Option<Range>, new: &str) {
    match range {
        None => *text = new.to_string(),
        Some(r) => {
            let ix = LineIndex::new(text);
            let start = ix.offset(r.start);
            let end = ix.offset(r.end).max(start);
            text.replace_range(start..end, new);
        }
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The file path of a `file:` URI.
pub(crate) fn path_of(uri: &Url) -> Option<PathBuf> {
    if uri.scheme() != "file" {
        return None;
    }
    uri.to_file_path().ok()
}

/// The `file:` URI of a path.
pub(crate) fn uri_of(path: &Path) -> Option<Url> {
    Url::from_file_path(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_positions_round_trip() {
        let text = "a\nxé😀y\nlast";
        let ix = LineIndex::new(text);
        let y = text.find('y').unwrap();
        let pos = ix.position(y);
        assert_eq!(pos, Position::new(1, 4), "é is 1 unit, 😀 is 2");
        assert_eq!(ix.offset(pos), y);
        assert_eq!(
            ix.offset(Position::new(1, 99)),
            text.find("\nlast").unwrap()
        );
        assert_eq!(ix.offset(Position::new(9, 0)), text.len());
        assert_eq!(ix.line(1), "xé😀y");
    }

    #[test]
    fn range_edits_apply() {
        let mut text = "rule a {\n}\n".to_string();
        apply_change(
            &mut text,
            Some(Range::new(Position::new(0, 5), Position::new(0, 6))),
            "bee",
        );
        assert_eq!(text, "rule bee {\n}\n");
    }
}
