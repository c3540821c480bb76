//! Hostile input: alias bombs, deep nesting, truncated files. Nothing may panic or hang.

use super::*;

fn assert_prompt(started: Instant) {
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn yaml_billion_laughs_is_refused_promptly() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    for pair in names.windows(2) {
        let (prev, name) = (pair[0], pair[1]);
        let refs = vec![format!("*{prev}"); 9].join(",");
        writeln!(text, "{name}: &{name} [{refs}]").unwrap();
    }
    text.push_str("---\nok: 1\n");
    let started = Instant::now();
    let case = load_text(&text, Format::Yaml);
    assert_prompt(started);
    assert_eq!(case.codes(), [Code::InputLimit]);
    let d = &case.loaded.diagnostics[0];
    assert!(d.message.contains("aliases"), "{}", d.message);
    assert!(case.slice(d.span.unwrap()).starts_with('*'));
    // The bomb's document is dropped; the next one is read.
    assert_eq!(case.loaded.documents.len(), 1);
    assert_eq!(case.at(0, "ok").as_int(), Some(1));
}

#[test]
fn yaml_aliases_cannot_build_deep_trees() {
    // Each alias nests the previous anchor one level deeper than the limit allows in total.
    let limits = Limits {
        max_depth: 10,
        ..Limits::default()
    };
    let text = "a: &a [[[[[1]]]]]\nb: &b [[[[[*a]]]]]\n";
    let case = load_with(text, Format::Yaml, &limits);
    assert_eq!(case.codes(), [Code::InputLimit]);
    assert_eq!(case.text_at_span(0), "*a");
}

fn deep_inputs(n: usize) -> Vec<(Format, &'static str, String)> {
    vec![
        (Format::Yaml, "flow lists", "[".repeat(n) + &"]".repeat(n)),
        (
            Format::Yaml,
            "flow maps",
            "{a: ".repeat(n) + "1" + &"}".repeat(n),
        ),
        (Format::Yaml, "block lists", "- ".repeat(n) + "x\n"),
        (Format::Yaml, "unclosed flow", "[".repeat(n)),
        (Format::Json, "arrays", "[".repeat(n) + &"]".repeat(n)),
        (
            Format::Json,
            "objects",
            "{\"a\":".repeat(n) + "1" + &"}".repeat(n),
        ),
        (Format::Json, "unclosed", "[".repeat(n)),
        (
            Format::Toml,
            "arrays",
            "a = ".to_string() + &"[".repeat(n) + &"]".repeat(n),
        ),
        (
            Format::Toml,
            "inline tables",
            "a = ".to_string() + &"{b = ".repeat(n) + "1" + &"}".repeat(n),
        ),
        (Format::Toml, "dotted keys", vec!["a"; n].join(".") + " = 1"),
        (
            Format::Toml,
            "table header",
            "[".to_string() + &vec!["a"; n].join(".") + "]",
        ),
    ]
}

#[test]
fn deep_nesting_is_refused_without_stack_overflow() {
    for (format, what, text) in deep_inputs(10_000) {
        let started = Instant::now();
        let case = load_text(&text, format);
        assert_prompt(started);
        assert!(
            case.loaded.documents.is_empty(),
            "{} {what}",
            format.as_str()
        );
        let errors = case.errors();
        assert_eq!(
            errors.len(),
            1,
            "{} {what}: {:#?}",
            format.as_str(),
            case.loaded.diagnostics
        );
        assert_eq!(
            errors[0].code,
            Code::InputLimit,
            "{} {what}",
            format.as_str()
        );
        assert!(errors[0].span.is_some());
    }
}

#[test]
fn deep_block_nesting_by_indentation() {
    let mut text = String::new();
    for i in 0..2_000 {
        writeln!(text, "{}a:", " ".repeat(i)).unwrap();
    }
    let case = load_text(&text, Format::Yaml);
    assert_eq!(case.codes(), [Code::InputLimit]);
    assert_eq!(
        case.source
            .line_col(case.loaded.diagnostics[0].span.unwrap().start)
            .line,
        257
    );
}

#[test]
fn nesting_at_the_limit_loads() {
    let depth = Limits::default().max_depth;
    for (format, text) in [
        (Format::Yaml, "- ".repeat(depth) + "x\n"),
        (Format::Json, "[".repeat(depth) + &"]".repeat(depth)),
    ] {
        let case = load_text(&text, format);
        case.assert_clean();
        assert_eq!(case.loaded.documents.len(), 1);
    }
}

/// Every prefix of every fixture, in every format: no loader may panic (a caught panic shows
/// up as an internal-error diagnostic).
#[test]
fn truncated_inputs_never_panic() {
    let mut inputs: Vec<String> = ["deployment.yaml", "config.json", "telegraf.toml"]
        .iter()
        .map(|name| fixture(name))
        .collect();
    inputs.push(
        "a: &x [1, {b: *x, c: !!int \"q\"}]\n? [k]\n: |+\n  ü\n\n---\n- >-\n\t\n".to_string(),
    );
    for text in &inputs {
        for (end, _) in text.char_indices() {
            let prefix = &text[..end];
            for format in [Format::Yaml, Format::Json, Format::Toml] {
                let loaded = load(FILE, prefix, format, &Limits::default());
                for d in &loaded.diagnostics {
                    assert_ne!(d.code, Code::InternalError, "{format:?} {prefix:?}");
                    if let Some(span) = d.span {
                        assert!(span.end as usize <= prefix.len());
                        assert!(prefix.is_char_boundary(span.start as usize));
                        assert!(prefix.is_char_boundary(span.end as usize));
                    }
                }
                for doc in &loaded.documents {
                    check_spans(prefix, &doc.value);
                }
            }
        }
    }
}

#[test]
fn large_non_ascii_yaml_loads_in_linear_time() {
    let mut text = String::new();
    for i in 0..20_000 {
        writeln!(
            text,
            "- name: \"Gerät {i} — 日本\"\n  port: {i}\n  tags: [ü, ö]"
        )
        .unwrap();
    }
    let started = Instant::now();
    let case = load_text(&text, Format::Yaml);
    assert_prompt(started);
    case.assert_clean();
    assert_eq!(case.text_at(0, "19999.tags.1"), "ö");
    eprintln!("{} bytes in {:?}", text.len(), started.elapsed());
}

/// Random single-character edits of the fixtures (deterministic): no loader may panic and
/// every span must stay inside the text, on character boundaries.
#[test]
fn mutated_inputs_never_panic() {
    const PIECES: [&str; 22] = [
        "[", "]", "{", "}", ":", ",", "-", "?", "|", ">", "&a", "*a", "!", "'", "\"", "#", "\n",
        " ", "\t", "ü", "<<: ", "\\",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for name in ["deployment.yaml", "config.json", "telegraf.toml"] {
        let original = fixture(name);
        let boundaries: Vec<usize> = original.char_indices().map(|(i, _)| i).collect();
        for _ in 0..1500 {
            let mut text = original.clone();
            for _ in 0..1 + next() % 3 {
                let at = boundaries[(next() % boundaries.len() as u64) as usize].min(text.len());
                let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap();
                let piece = PIECES[(next() % PIECES.len() as u64) as usize];
                if next() % 2 == 0 {
                    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                    text.replace_range(at..end, piece);
                } else {
                    text.insert_str(at, piece);
                }
            }
            for format in [Format::Yaml, Format::Json, Format::Toml] {
                let loaded = load(FILE, &text, format, &Limits::default());
                for d in &loaded.diagnostics {
                    assert_ne!(d.code, Code::InternalError, "{format:?} {text:?}");
                    if let Some(span) = d.span {
                        assert!(span.end as usize <= text.len(), "{d:?} in {text:?}");
                        assert!(text.is_char_boundary(span.start as usize));
                        assert!(text.is_char_boundary(span.end as usize));
                    }
                }
                for doc in &loaded.documents {
                    check_spans(&text, &doc.value);
                }
            }
        }
    }
}
