//! Entities: the collections rules iterate over (`k8s.containers`, `compose.services`, `docs`…),
//! derived from the loaded documents, with the cross-document indexes built once.
//! (Interim version: replaced by the full entity layer.)

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::input::{Document, Format};
use crate::source::FileId;
use crate::value::{Map, Value};

pub struct InputDoc<'a> {
    pub file: FileId,
    pub path: &'a str,
    pub format: Format,
    pub doc: &'a Document,
}

#[derive(Debug, Default)]
pub struct Entities {
    kinds: BTreeMap<&'static str, Arc<Vec<Value>>>,
}

pub struct Field {
    pub name: &'static str,
    pub doc: &'static str,
}

pub struct EntityKind {
    pub name: &'static str,
    pub doc: &'static str,
    pub fields: &'static [Field],
}

static KINDS: &[EntityKind] = &[
    EntityKind {
        name: "docs",
        doc: "every document",
        fields: &[],
    },
    EntityKind {
        name: "k8s.objects",
        doc: "Kubernetes objects",
        fields: &[],
    },
    EntityKind {
        name: "k8s.containers",
        doc: "containers",
        fields: &[],
    },
];

pub fn kinds() -> &'static [EntityKind] {
    KINDS
}

pub fn kind(name: &str) -> Option<&'static EntityKind> {
    KINDS.iter().find(|k| k.name == name)
}

impl Entities {
    pub fn build(docs: &[InputDoc<'_>]) -> Entities {
        let mut all = Vec::new();
        for d in docs {
            let mut m = Map::new();
            m.insert("path", None, Value::str(d.path));
            m.insert("value", None, d.doc.value.clone());
            all.push(Value {
                kind: crate::value::Kind::Map(Arc::new(m)),
                span: Some(d.doc.span),
            });
        }
        let mut kinds = BTreeMap::new();
        for k in KINDS {
            kinds.insert(k.name, Arc::new(Vec::new()));
        }
        kinds.insert("docs", Arc::new(all));
        Entities { kinds }
    }

    pub fn get(&self, kind: &str) -> Option<&Arc<Vec<Value>>> {
        self.kinds.get(kind)
    }
}
