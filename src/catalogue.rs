//! The IEC 62443-3-3 requirement catalogue (`policies/iec62443/catalogue.yaml`, embedded):
//! every SR and RE with its foundational requirement, security level, coverage from
//! configurations and the evidence an auditor asks for.

use std::sync::LazyLock;

use crate::builtin;
use crate::input::{self, Format, Limits};
use crate::source::FileId;
use crate::value::Value;

/// One system requirement or requirement enhancement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// `SR 5.2` or `SR 5.2 RE 1`.
    pub id: String,
    pub title: String,
    /// Foundational requirement 1..=7.
    pub fr: u8,
    /// Security level at which it first applies.
    pub level: u8,
    /// `A` (largely checkable from configurations), `P` (partly), `O` (organisational).
    pub coverage: String,
    /// What an auditor asks for when configurations cannot show it.
    pub evidence: String,
}

impl Requirement {
    /// Whether this is an enhancement (`SR x.y RE n`).
    pub fn is_enhancement(&self) -> bool {
        self.id.contains(" RE ")
    }
}

/// The catalogue.
#[derive(Debug, Default)]
pub struct Catalogue {
    /// `FR1` … `FR7` with their titles.
    pub foundational: Vec<(String, String)>,
    pub requirements: Vec<Requirement>,
}

impl Catalogue {
    pub fn get(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id == id)
    }

    /// The title of foundational requirement `fr` (1..=7).
    pub fn fr_title(&self, fr: u8) -> &str {
        self.foundational
            .get(usize::from(fr).saturating_sub(1))
            .map_or("", |(_, t)| t.as_str())
    }
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let text = builtin::file("policies/iec62443/catalogue.yaml").unwrap_or("");
    parse(text)
});

/// The embedded catalogue.
pub fn catalogue() -> &'static Catalogue {
    &CATALOGUE
}

fn parse(text: &str) -> Catalogue {
    let loaded = input::load(FileId(0), text, Format::Yaml, &Limits::default());
    let Some(doc) = loaded.documents.first() else {
        return Catalogue::default();
    };
    let root = &doc.value;
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let foundational = root
        .field("foundational")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(|f| (s(&f.field("id")), s(&f.field("title"))))
        .collect();
    let requirements = root
        .field("requirements")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(|r| {
            let id = s(&r.field("id"));
            Requirement {
                fr: crate::check::fr_of(&id).unwrap_or(0),
                title: s(&r.field("title")),
                level: r
                    .field("level")
                    .as_int()
                    .and_then(|l| u8::try_from(l).ok())
                    .unwrap_or(1),
                coverage: s(&r.field("coverage")),
                evidence: s(&r.field("evidence")),
                id,
            }
        })
        .collect();
    Catalogue {
        foundational,
        requirements,
    }
}
