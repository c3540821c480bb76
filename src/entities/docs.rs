//! The `docs` entity: one per document of every input file.

use super::extend::{str_at, Entity};
use super::InputDoc;
use crate::value::{Kind, Value};
use arcstr::literal;

/// `{path, format, index, value}` for one document; its span is the whole document.
pub(crate) fn entity(d: &InputDoc<'_>) -> Value {
    let span = Some(d.doc.span);
    let index = Value {
        kind: Kind::Int(i64::try_from(d.doc.index).unwrap_or(i64::MAX)),
        span,
    };
    Entity::synthetic(span)
        .set(literal!("path"), str_at(d.path, span))
        .set(literal!("format"), str_at(d.format.as_str(), span))
        .set(literal!("index"), index)
        .set(literal!("value"), d.doc.value.clone())
        .build()
}
