//! Unit tests of the editor queries on small policy sets.

use crate::source::{FileId, SourceDb, SourceFile};
use crate::syntax::{parse, Module};

use super::*;

/// Parses `files` (name, text) into a db and modules, like the language server does.
fn set(files: &[(&str, &str)]) -> (SourceDb, Vec<Module>) {
    let mut db = SourceDb::new();
    let mut modules = Vec::new();
    for (name, text) in files {
        let id = db.add(SourceFile::new(*name, *text));
        modules.push(parse(id, text).module);
    }
    (db, modules)
}

fn offset(text: &str, needle: &str) -> u32 {
    u32::try_from(text.find(needle).unwrap()).unwrap()
}

const LIB: &str = "package acme.lib\n\n/// Max replicas\nconst MAX = 3\n\n/// Whether a name is long\nfn long(n) = len(n) > MAX\n";
const MAIN: &str = "package acme.main\n\nimport acme.lib\n\nrule too_long {\n  requirement \"SR 5.2\"\n  severity low\n\n  for c in k8s.containers\n  where lib.long(c.name)\n  deny at c.image: \"{c.name} too long, max {lib.MAX}\"\n}\n";

#[test]
fn definition_crosses_modules() {
    let (_, modules) = set(&[("lib.pal", LIB), ("main.pal", MAIN)]);
    let ix = Index::build(&modules);
    let def = definition(&ix, FileId(1), offset(MAIN, "long(c") + 1).unwrap();
    assert_eq!(def.file, FileId(0));
    assert_eq!(&LIB[def.range()], "long");
    let refs = references(&ix, FileId(0), offset(LIB, "MAX = "), true);
    let files: Vec<u32> = refs.iter().map(|s| s.file.0).collect();
    assert_eq!(
        files,
        vec![0, 0, 1],
        "definition, use in `long`, use in main"
    );
}

#[test]
fn locals_resolve_to_their_binding() {
    let (_, modules) = set(&[("lib.pal", LIB), ("main.pal", MAIN)]);
    let ix = Index::build(&modules);
    let use_at = offset(MAIN, "c.image");
    let def = definition(&ix, FileId(1), use_at).unwrap();
    assert_eq!(def.start, offset(MAIN, "c in"));
    assert_eq!(
        references(&ix, FileId(1), use_at, false).len(),
        3,
        "c.name, c.image, {{c.name}}"
    );
}

#[test]
fn hover_shows_natives_entities_fields_and_requirements() {
    let (db, modules) = set(&[("lib.pal", LIB), ("main.pal", MAIN)]);
    let ix = Index::build(&modules);
    let h = hover(&ix, &db, FileId(0), offset(LIB, "len(")).unwrap();
    assert!(h.markdown.contains("len("), "{}", h.markdown);
    let h = hover(&ix, &db, FileId(1), offset(MAIN, "containers")).unwrap();
    assert!(h.markdown.contains("k8s.containers"), "{}", h.markdown);
    let h = hover(&ix, &db, FileId(1), offset(MAIN, "image")).unwrap();
    assert!(
        h.markdown.starts_with("```pal\nk8s.containers.image"),
        "{}",
        h.markdown
    );
    let h = hover(&ix, &db, FileId(1), offset(MAIN, "SR 5.2")).unwrap();
    assert!(h.markdown.contains("SR 5.2"), "{}", h.markdown);
    assert!(h.markdown.contains("too_long"), "{}", h.markdown);
    let h = hover(&ix, &db, FileId(0), offset(LIB, "MAX\n") + 1).unwrap();
    assert!(h.markdown.contains("const MAX = 3"), "{}", h.markdown);
    assert!(h.markdown.contains("Max replicas"), "{}", h.markdown);
}

#[test]
fn completion_offers_fields_members_and_scope() {
    let (_, modules) = set(&[("lib.pal", LIB), ("main.pal", MAIN)]);
    let ix = Index::build(&modules);
    let labels = |text: &str, at: usize| -> Vec<String> {
        complete(&ix, FileId(1), text, at)
            .into_iter()
            .map(|c| c.label)
            .collect()
    };
    let at = MAIN.find("c.name)").unwrap() + 2;
    let fields = labels(MAIN, at);
    assert!(
        fields.contains(&"securityContext".to_string()),
        "{fields:?}"
    );
    let at = MAIN.find("long(c").unwrap();
    let members = labels(MAIN, at);
    assert!(members.contains(&"long".to_string()) && members.contains(&"MAX".to_string()));
    let at = MAIN.find("containers").unwrap();
    assert!(labels(MAIN, at).contains(&"workloads".to_string()));
    let at = MAIN.find("  where").unwrap() + 2;
    let plain = labels(MAIN, at);
    for want in ["where", "c", "len", "lib", "k8s"] {
        assert!(
            plain.contains(&want.to_string()),
            "{want} missing from {plain:?}"
        );
    }
    let at = MAIN.find("SR 5.2").unwrap();
    assert!(labels(MAIN, at).contains(&"SR 1.1".to_string()));
}

#[test]
fn symbols_list_items_in_order() {
    let (_, modules) = set(&[("lib.pal", LIB), ("main.pal", MAIN)]);
    let ix = Index::build(&modules);
    let names: Vec<&str> = file_symbols(&ix, FileId(0))
        .iter()
        .map(|d| &*d.name)
        .collect();
    assert_eq!(names, vec!["MAX", "long"]);
    assert_eq!(workspace_symbols(&ix, "LONG").len(), 2);
}

#[test]
fn completion_offers_firewall_zone_and_conduit_fields() {
    let text = "package site.net\n\nrule r {\n  severity low\n\n  for f in fw.rules\n  where f.action == \"accept\" and any c in conduits: c.from == \"x\"\n  deny at f: \"x\"\n}\n\nconst Z = [z.purdue for z in zones]\n";
    let (_, modules) = set(&[("net.pal", text)]);
    let ix = Index::build(&modules);
    let at = |needle: &str| text.find(needle).unwrap() + 2;
    let labels = |offset: usize| -> Vec<String> {
        complete(&ix, FileId(0), text, offset)
            .into_iter()
            .map(|c| c.label)
            .collect()
    };
    assert!(labels(at("f.action")).contains(&"dst".to_string()));
    assert!(labels(at("c.from")).contains(&"bidirectional".to_string()));
    assert!(labels(at("z.purdue")).contains(&"purdue".to_string()));
}
