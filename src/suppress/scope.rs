//! The region a directive covers: the whole file, or the node after the comment.

use crate::source::FileId;

use super::comment;

/// Where a suppression applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// `palisade:ignore-file`: every finding in the file.
    File(FileId),
    /// `palisade:ignore`: findings whose span starts in `start..=end` of the file.
    Block { file: FileId, start: u32, end: u32 },
    /// A `[[suppress]]` entry of `palisade.toml`: every finding in these files.
    Files(std::sync::Arc<[FileId]>),
}

impl Scope {
    /// Whether a finding starting at `offset` in `file` is covered.
    pub fn covers(&self, file: FileId, offset: u32) -> bool {
        match self {
            Scope::File(f) => *f == file,
            Scope::Files(files) => files.contains(&file),
            Scope::Block {
                file: f,
                start,
                end,
            } => *f == file && *start <= offset && offset <= *end,
        }
    }
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The byte range of the block after the line that ends at `from`: from the start of the next
/// non-blank, non-comment line to the end of the lines indented deeper than it (YAML list
/// items at the same indentation as a parent key count as deeper). `None` at end of file.
pub(super) fn block_after(text: &str, from: usize) -> Option<(u32, u32)> {
    let mut offset = from;
    let mut closer: Option<&str> = None;
    let mut head: Option<(usize, usize, bool)> = None; // (start, indent, is list item)
    let mut end = 0usize;
    for line in text.get(from..)?.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        if let Some(c) = closer {
            if trimmed.contains(c) {
                closer = None;
            }
            continue;
        }
        if trimmed.is_empty() || comment::is_comment(trimmed) {
            closer = comment::open_block(trimmed);
            continue;
        }
        match head {
            None => {
                head = Some((start, indent(body), trimmed.starts_with('-')));
                end = start + body.len();
            }
            Some((_, i, list)) => {
                let item = trimmed == "-" || trimmed.starts_with("- ");
                if indent(body) > i || (indent(body) == i && item && !list) {
                    end = start + body.len();
                } else {
                    break;
                }
            }
        }
    }
    let (start, _, _) = head?;
    Some((u32::try_from(start).ok()?, u32::try_from(end).ok()?))
}

#[cfg(test)]
mod tests {
    use super::block_after;

    fn block(text: &str) -> Option<&str> {
        let (s, e) = block_after(text, 0)?;
        text.get(s as usize..e as usize)
    }

    #[test]
    fn an_indented_block_ends_at_the_next_sibling() {
        let text = "\n# other\n- name: a\n  image: x\n\n  more: y\n- name: b\n";
        assert_eq!(block(text), Some("- name: a\n  image: x\n\n  more: y"));
    }

    #[test]
    fn list_items_at_the_parent_indentation_belong_to_the_key() {
        let text = "containers:\n- name: a\n- name: b\nvolumes: []\n";
        assert_eq!(block(text), Some("containers:\n- name: a\n- name: b"));
    }

    #[test]
    fn line_based_rules_cover_one_line() {
        assert_eq!(
            block("-A INPUT -j ACCEPT\n-A FORWARD -j ACCEPT\n"),
            Some("-A INPUT -j ACCEPT")
        );
        assert_eq!(block("set a b\nset c d\n"), Some("set a b"));
    }

    #[test]
    fn block_comments_are_skipped() {
        let text = "/* one\n   two */\nterm t {\n  then accept;\n}\n";
        assert_eq!(block(text), Some("term t {\n  then accept;"));
        assert_eq!(
            block("<!--\n x\n-->\n<rule>\n\t<a/>\n</rule>\n"),
            Some("<rule>\n\t<a/>")
        );
        assert_eq!(block("# only a comment\n"), None);
    }
}
