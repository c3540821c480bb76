//! Format detection, and the real-world corpus: every file detects and loads without errors.

use super::*;

#[test]
fn detect_by_extension_and_content() {
    let cases = [
        ("a.yaml", "whatever", Some(Format::Yaml)),
        ("a.YML", "", Some(Format::Yaml)),
        ("a.json", "", Some(Format::Json)),
        ("a.toml", "", Some(Format::Toml)),
        (
            "Manifest",
            "# c\napiVersion: v1\nkind: Pod\n",
            Some(Format::Yaml),
        ),
        ("plain", "---\n- a\n", Some(Format::Yaml)),
        ("list", "- name: x\n  value: 1\n", Some(Format::Yaml)),
        ("data", "  {\"a\": [1, 2]}\n", Some(Format::Json)),
        (
            "data.conf",
            "[[inputs.modbus]]\n  name = \"x\"\n",
            Some(Format::Toml),
        ),
        ("data.cfg", "# c\nkey = \"v\"\n", Some(Format::Toml)),
        // Not JSON (a bare key), and its first line is not `key:`: nothing claims it.
        ("flow", "{a: 1}\n", None),
        ("README", "Some prose: with a colon\nand more\n", None),
        ("script.sh", "#!/bin/sh\necho hi\n", None),
        ("broken", "{\"a\": \n", None),
        ("empty", "", None),
        // Firewall configurations are claimed by their adapters.
        (
            "iptables",
            "*filter\n:INPUT ACCEPT [0:0]\n",
            Some(Format::Firewall(palisade::firewall::Vendor::Iptables)),
        ),
    ];
    for (path, text, expected) in cases {
        assert_eq!(detect(Path::new(path), text), expected, "{path}: {text:?}");
    }
}

fn corpus_dir() -> Option<PathBuf> {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    [local, PathBuf::from("/work/shared/corpus")]
        .into_iter()
        .find(|p| p.is_dir())
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else if path.file_name().is_some_and(|n| n != "SOURCES.md") {
            out.push(path);
        }
    }
}

#[test]
fn corpus_loads_without_errors() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("corpus not found; skipping");
        return;
    };
    let mut files = Vec::new();
    for sub in ["k8s", "compose", "config/toml"] {
        files_under(&corpus.join(sub), &mut files);
    }
    assert!(files.len() > 800, "only {} corpus files", files.len());
    let mut failures = Vec::new();
    let mut documents = 0;
    for (i, path) in files.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        let Some(format) = detect(path, &text) else {
            failures.push(format!("{}: format not detected", path.display()));
            continue;
        };
        let file = FileId(u32::try_from(i).unwrap());
        let loaded = load(file, &text, format, &Limits::default());
        documents += loaded.documents.len();
        let source = SourceFile::new(path.display().to_string(), text.as_str());
        for d in &loaded.diagnostics {
            let at = d.span.map(|s| source.line_col(s.start));
            let line = format!(
                "{}:{}:{}: {} {}: {}",
                path.display(),
                at.map_or(0, |a| a.line),
                at.map_or(0, |a| a.column),
                d.severity.as_str(),
                d.code,
                d.message
            );
            if d.severity == Severity::Error {
                failures.push(line);
            } else {
                eprintln!("{line}");
            }
        }
        for doc in &loaded.documents {
            check_spans(&text, &doc.value);
        }
    }
    eprintln!("corpus: {} files, {documents} documents", files.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
