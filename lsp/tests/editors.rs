//! The TextMate grammar in `editors/` stays in step with the language: it is valid JSON with
//! the `source.palisade` scope, it colours every keyword of `grammar/palisade.pest` and every
//! rule metadata key the checker accepts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use std::path::Path;

use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// Every `match` regex of the grammar, as text.
fn matches(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "match" {
                    out.push(x.as_str().unwrap().to_string());
                } else {
                    matches(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| matches(x, out)),
        _ => {}
    }
}

#[test]
fn textmate_grammar_covers_the_language() {
    let text = std::fs::read_to_string(repo().join("editors/palisade.tmLanguage.json")).unwrap();
    let g: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(g["scopeName"], "source.palisade");
    assert_eq!(g["fileTypes"][0], "pal");
    let mut regexes = Vec::new();
    matches(&g, &mut regexes);
    let words = |r: &str| -> Vec<String> {
        r.split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let covered: Vec<String> = regexes.iter().flat_map(|r| words(r)).collect();

    let pest = std::fs::read_to_string(repo().join("grammar/palisade.pest")).unwrap();
    let start = pest.find("\nkeyword = @{").unwrap();
    let block = &pest[start..start + pest[start..].find('}').unwrap()];
    // One line per first letter: `| "a" ~ ("s" | "t" | "nd")` is `as`, `at` and `and`.
    let keywords: Vec<String> = block
        .lines()
        .flat_map(|line| {
            let quoted: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
            let (first, rest) = quoted.split_first().map_or(("", &[][..]), |(f, r)| (*f, r));
            rest.iter()
                .map(|r| format!("{first}{r}"))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(keywords.len() > 20, "{keywords:?}");
    for k in &keywords {
        assert!(covered.iter().any(|w| w == k), "keyword `{k}` not coloured");
    }
    for (k, _) in palisade::check::META_KEYS {
        assert!(
            covered.iter().any(|w| w == k),
            "metadata key `{k}` not coloured"
        );
    }
}
