//! Formatting through `palisade fmt`'s formatter: one edit replacing the whole document.

use lsp_types::{DocumentFormattingParams, TextEdit};
use palisade::fmt::{format as format_text, FormatOptions};
use serde_json::Value;

use super::{ok, Reply};
use crate::convert::LineIndex;
use crate::world::World;

pub(crate) fn format(world: &mut World, p: DocumentFormattingParams) -> Reply {
    if world.policy_of(&p.text_document.uri).is_none() {
        return Ok(Value::Null);
    }
    let Some(text) = super::text_of(world, &p.text_document.uri) else {
        return Ok(Value::Null);
    };
    // The canonical layout of `palisade fmt`, whatever the editor's tab size: a file formatted
    // in the editor passes `palisade fmt --check`.
    let options = FormatOptions::default();
    // A file with syntax errors is left as it is (its errors are already shown).
    let Some(formatted) = format_text(&text, &options) else {
        return ok(Vec::<TextEdit>::new());
    };
    if formatted == text {
        return ok(Vec::<TextEdit>::new());
    }
    let ix = LineIndex::new(&text);
    ok(vec![TextEdit::new(ix.range(0, text.len()), formatted)])
}
