//! Semantic tokens for policy documents, from the name index: what each name resolves to
//! (function, constant, rule, parameter, variable, module, entity kind, field), so that
//! editors colour a builtin apart from a local and an entity kind apart from a field.
//! Keywords, strings and comments are left to the TextMate grammar (`editors/`).

use lsp_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensLegend,
    SemanticTokensParams,
};
use palisade::ide::{DefKind, Target};
use serde_json::Value;

use super::{ok, Reply};
use crate::convert::LineIndex;
use crate::world::World;

const TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::FUNCTION,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::CLASS,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::TYPE,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::STRING,
];
const MODIFIERS: &[SemanticTokenModifier] = &[
    SemanticTokenModifier::DECLARATION,
    SemanticTokenModifier::READONLY,
    SemanticTokenModifier::DEFAULT_LIBRARY,
];

pub(crate) fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: MODIFIERS.to_vec(),
    }
}

/// (type index, modifier bits) of a reference.
fn classify(index: &palisade::ide::Index, target: &Target, is_def: bool) -> Option<(u32, u32)> {
    let decl = u32::from(is_def);
    Some(match target {
        Target::Def(id) => match index.def(*id)?.kind {
            DefKind::Function => (0, decl),
            DefKind::Constant => (1, decl | 2),
            DefKind::Rule | DefKind::Test => (2, decl),
            DefKind::Parameter => (3, decl),
            DefKind::Variable => (1, decl),
            DefKind::ModuleAlias => (4, decl),
        },
        Target::Native(_) => (0, 4),
        Target::Module(_) => (4, 0),
        Target::Entity(_) => (5, 4),
        Target::Field(..) | Target::MetaKey(_) => (6, 0),
        Target::Requirement(_) => (7, 0),
    })
}

pub(crate) fn full(world: &mut World, p: SemanticTokensParams) -> Reply {
    let index = world.index();
    let Some(file) = world.policy_of(&p.text_document.uri).map(|x| x.file) else {
        return Ok(Value::Null);
    };
    let text = world.db.text(file);
    let ix = LineIndex::new(text);
    let mut data = Vec::new();
    let (mut prev_line, mut prev_col, mut prev_end) = (0u32, 0u32, 0u32);
    for r in index.file_refs(file) {
        if r.span.start < prev_end {
            continue; // overlapping (a path inside an entity reference)
        }
        let Some((ty, mods)) = classify(&index, &r.target, r.is_def) else {
            continue;
        };
        let start = ix.position(r.span.start as usize);
        let end = ix.position(r.span.end as usize);
        if start.line != end.line || end.character <= start.character {
            continue;
        }
        let delta_line = start.line - prev_line;
        let delta_start = if delta_line == 0 {
            start.character - prev_col
        } else {
            start.character
        };
        data.push(SemanticToken {
            delta_line,
            delta_start,
            length: end.character - start.character,
            token_type: ty,
            token_modifiers_bitset: mods,
        });
        (prev_line, prev_col, prev_end) = (start.line, start.character, r.span.end);
    }
    ok(SemanticTokens {
        result_id: None,
        data,
    })
}
