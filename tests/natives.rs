//! Native builtins: a table of calls per family, checked through `palisade::natives::lookup`,
//! plus registry-wide checks (docs with examples, unique names, signatures, case coverage).
//!
//! Each case names a native, its arguments and the wanted result. Results are compared
//! strictly: the type must match (an int is not a float) as well as the value.

#[path = "natives/cases/mod.rs"]
mod cases;

use std::collections::{BTreeMap, BTreeSet};

use palisade::natives;
use palisade::source::{FileId, Span};
use palisade::value::{Kind, Map, Value};

/// What a call should give.
pub enum Want {
    /// This value, compared strictly.
    Is(Value),
    /// A missing value.
    Missing,
    /// An error on this argument (or none) whose message contains the text.
    Err(Option<usize>, &'static str),
}

pub struct Case {
    pub module: &'static str,
    pub name: &'static str,
    pub args: Vec<Value>,
    pub want: Want,
}

/// Shorthand used by the case files: `case("std.core", "len", vec![...], Want::Is(...))`.
pub fn case(module: &'static str, name: &'static str, args: Vec<Value>, want: Want) -> Case {
    Case {
        module,
        name,
        args,
        want,
    }
}

pub fn s(v: &str) -> Value {
    Value::str(v)
}

pub fn i(v: i64) -> Value {
    Value::int(v)
}

pub fn f(v: f64) -> Value {
    Value::float(v)
}

pub fn b(v: bool) -> Value {
    Value::bool(v)
}

pub fn l(items: Vec<Value>) -> Value {
    Value::list(items)
}

pub fn strs(items: &[&str]) -> Value {
    Value::list(items.iter().map(|x| s(x)).collect())
}

pub fn ints(items: &[i64]) -> Value {
    Value::list(items.iter().map(|x| i(*x)).collect())
}

pub fn m(entries: Vec<(&str, Value)>) -> Value {
    let mut map = Map::new();
    for (k, v) in entries {
        map.insert(k, None, v);
    }
    Value::map(map)
}

pub fn null() -> Value {
    Value::NULL
}

pub fn missing() -> Value {
    Value::MISSING
}

pub fn is(v: Value) -> Want {
    Want::Is(v)
}

/// An error on argument `arg` containing `text`.
pub fn err(arg: usize, text: &'static str) -> Want {
    Want::Err(Some(arg), text)
}

/// Strict equality: same types all the way down, map keys in the same order.
fn same(a: &Value, b: &Value) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Float(x), Kind::Float(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Kind::List(x), Kind::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same(p, q))
        }
        (Kind::Map(x), Kind::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((kx, vx), (ky, vy))| kx == ky && same(vx, vy))
        }
        _ => a.type_name() == b.type_name() && a.equals(b),
    }
}

fn describe(c: &Case) -> String {
    let args: Vec<String> = c.args.iter().map(|a| a.to_json().to_string()).collect();
    format!("{}.{}({})", c.module, c.name, args.join(", "))
}

#[test]
fn every_case_gives_the_wanted_result() {
    let mut failures = Vec::new();
    for c in cases::all() {
        let Some(native) = natives::lookup(c.module, c.name) else {
            failures.push(format!("{}: no such native", describe(&c)));
            continue;
        };
        let got = (native.func)(&c.args);
        let ok = match (&c.want, &got) {
            (Want::Is(want), Ok(v)) => same(want, v),
            (Want::Missing, Ok(v)) => v.is_missing(),
            (Want::Err(arg, text), Err(e)) => e.arg == *arg && e.message.contains(text),
            _ => false,
        };
        if !ok {
            let want = match &c.want {
                Want::Is(v) => format!("{} ({})", v.to_json(), v.type_name()),
                Want::Missing => "missing".to_string(),
                Want::Err(arg, text) => format!("error on {arg:?} containing {text:?}"),
            };
            let got = match got {
                Ok(v) => format!("{} ({})", v.to_json(), v.type_name()),
                Err(e) => format!("error on {:?}: {}", e.arg, e.message),
            };
            failures.push(format!("{}\n    want {want}\n    got  {got}", describe(&c)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every native has at least three cases, one of them with a missing argument and, unless it
/// accepts every type, one giving an error.
#[test]
fn every_native_is_covered() {
    // Natives that inspect any value and never fail on a well-formed call.
    let never_fail: BTreeSet<&str> = [
        "std.core.present",
        "std.core.is_null",
        "std.core.default",
        "std.core.type_of",
        "std.core.len",
        "std.core.to_string",
        "std.ports.is_port",
    ]
    .into_iter()
    .collect();
    let mut seen: BTreeMap<String, (usize, bool, bool)> = BTreeMap::new();
    for c in cases::all() {
        let entry = seen.entry(format!("{}.{}", c.module, c.name)).or_default();
        entry.0 += 1;
        entry.1 |= c.args.iter().any(Value::is_missing);
        entry.2 |= matches!(c.want, Want::Err(..));
    }
    let mut gaps = Vec::new();
    for n in natives::all() {
        let key = format!("{}.{}", n.module, n.name);
        let (count, has_missing, has_error) = seen.get(&key).copied().unwrap_or_default();
        let wants_error = !never_fail.contains(key.as_str());
        if count < 3 || !has_missing || (wants_error && !has_error) {
            gaps.push(format!(
                "{key}: {count} cases, missing case: {has_missing}, error case: {has_error}"
            ));
        }
    }
    assert!(
        gaps.is_empty(),
        "under-tested natives:\n{}",
        gaps.join("\n")
    );
}

#[test]
fn every_native_is_documented_with_an_example() {
    let mut problems = Vec::new();
    for n in natives::all() {
        let summary = n.doc.lines().next().unwrap_or_default();
        if summary.trim().is_empty() {
            problems.push(format!("{n:?}: no summary line"));
        }
        if !n.doc.contains("\nExample: `") {
            problems.push(format!("{n:?}: no `Example:` line"));
        }
        if !n.doc.contains(&format!("`{}(", n.name)) {
            problems.push(format!("{n:?}: the example does not call `{}`", n.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn natives_are_unique_and_lookup_finds_each() {
    let mut names = BTreeSet::new();
    let mut count = 0;
    for family in [
        "std.core",
        "std.strings",
        "std.regex",
        "std.glob",
        "std.collections",
        "std.net",
        "std.ports",
        "std.time",
    ] {
        assert!(natives::is_module(family), "{family} has no natives");
    }
    for n in natives::all() {
        count += 1;
        assert!(names.insert((n.module, n.name)), "duplicate {n:?}");
        let found = natives::lookup(n.module, n.name).map(|f| (f.module, f.name));
        assert_eq!(found, Some((n.module, n.name)));
        assert!(natives::in_module(n.module).any(|f| f.name == n.name));
    }
    assert!(count >= 70, "only {count} natives registered");
    assert!(natives::lookup(natives::PRELUDE, "len").is_some());
}

#[test]
fn signatures_render() {
    let len = natives::lookup("std.core", "len").map(|n| n.signature());
    assert_eq!(len.as_deref(), Some("len(x: any) -> int"));
    let replace = natives::lookup("std.strings", "replace").map(|n| n.signature());
    assert_eq!(
        replace.as_deref(),
        Some("replace(s: string, old: string, new: string) -> string")
    );
    for n in natives::all() {
        let sig = n.signature();
        assert!(sig.starts_with(&format!("{}(", n.name)), "{sig}");
        assert!(sig.contains(") -> "), "{sig}");
    }
}

#[test]
fn wrong_arity_is_an_error_not_a_panic() {
    for n in natives::all() {
        let too_many = vec![Value::int(1); n.params.len() + 1];
        let got = (n.func)(&too_many);
        assert!(
            matches!(&got, Err(e) if e.message.contains("argument")),
            "{n:?} with too many arguments gave {got:?}"
        );
        let got = (n.func)(&[]);
        if !n.params.is_empty() {
            assert!(got.is_err(), "{n:?} with no arguments gave {got:?}");
        }
    }
}

fn at(start: usize) -> Span {
    Span::new(FileId(7), start, start + 1)
}

fn spanned(kind: Kind, start: usize) -> Value {
    Value::with_span(kind, at(start))
}

/// Natives that hand back a piece of an argument keep its span; computed results have none.
#[test]
fn seccomp_profiles_point_at_their_setting_or_where_it_belongs() {
    let run = |c: Value| {
        let n = natives::lookup("std.k8s", "seccomp_profile").expect("a native");
        (n.func)(&[c]).expect("no error")
    };
    let at_of = |v: &Value| {
        v.as_map()
            .and_then(|m| m.get("at"))
            .map(|a| (a.is_missing(), a.span))
    };
    let mut profile = Map::new();
    profile.insert(
        "type",
        None,
        spanned(Kind::Str("RuntimeDefault".into()), 40),
    );
    let mut context = Map::new();
    context.insert("seccompProfile", None, Value::map(profile));
    let mut set = Map::new();
    set.insert("securityContext", None, Value::map(context));
    assert_eq!(at_of(&run(Value::map(set))), Some((false, Some(at(40)))));
    // None set: the container's missing setting, at the deepest value present (the container).
    let unset = Value {
        kind: Kind::Map(std::sync::Arc::new(Map::new())),
        span: Some(at(50)),
    };
    assert_eq!(at_of(&run(unset)), Some((true, Some(at(50)))));
}

#[test]
fn sub_values_keep_their_spans() {
    let a = spanned(Kind::Int(3), 10);
    let bv = spanned(Kind::Int(1), 20);
    let list = l(vec![a.clone(), bv.clone()]);
    let mut map = Map::new();
    map.insert("zone", Some(at(30)), spanned(Kind::Str("ot".into()), 31));
    let map = Value::map(map);
    let run = |module: &str, name: &str, args: Vec<Value>| -> Value {
        let n = natives::lookup(module, name);
        match n.map(|n| (n.func)(&args)) {
            Some(Ok(v)) => v,
            other => Value::str(format!("{other:?}")),
        }
    };
    let first_span = |v: &Value| v.as_list().and_then(|x| x.first()).and_then(|x| x.span);

    assert_eq!(
        run("std.core", "min", vec![list.clone()]).span,
        Some(at(20))
    );
    assert_eq!(
        run("std.core", "max", vec![list.clone()]).span,
        Some(at(10))
    );
    assert_eq!(
        first_span(&run("std.core", "sort", vec![list.clone()])),
        Some(at(20))
    );
    assert_eq!(
        first_span(&run("std.core", "unique", vec![list.clone()])),
        Some(at(10))
    );
    assert_eq!(
        first_span(&run("std.core", "values", vec![map.clone()])),
        Some(at(31))
    );
    assert_eq!(
        first_span(&run("std.core", "keys", vec![map.clone()])),
        Some(at(30))
    );
    assert_eq!(
        run("std.core", "get", vec![map.clone(), s("zone"), s("none")]).span,
        Some(at(31))
    );
    assert_eq!(
        run("std.core", "default", vec![a.clone(), i(0)]).span,
        Some(at(10))
    );
    let picked = run(
        "std.collections",
        "pick",
        vec![map.clone(), strs(&["zone"])],
    );
    let picked_span = picked
        .as_map()
        .and_then(|p| p.get_entry("zone"))
        .map(|e| (e.key_span(), e.value.span));
    assert_eq!(picked_span, Some((Some(at(30)), Some(at(31)))));

    // Computed results carry no span.
    assert_eq!(run("std.core", "len", vec![list.clone()]).span, None);
    assert_eq!(run("std.core", "sum", vec![list.clone()]).span, None);

    // A missing argument comes back unchanged, still pointing at its present ancestor.
    let absent = Value::missing_at(Some(at(40)));
    let out = run("std.strings", "lower", vec![absent.clone()]);
    assert!(out.is_missing());
    assert_eq!(out.span, Some(at(40)));
    let out = run("std.net", "is_private", vec![absent]);
    assert_eq!(out.span, Some(at(40)));
}

#[test]
fn regex_and_glob_helpers_cache_and_report() {
    // Compiling the same pattern many times stays cheap and correct past the cache size.
    for n in 0..600 {
        let p = format!("^x{}$", n % 300);
        let got = natives::lookup("std.regex", "is_match")
            .map(|f| (f.func)(&[s(&format!("x{}", n % 300)), s(&p)]));
        assert!(
            matches!(got, Some(Ok(v)) if v.as_bool() == Some(true)),
            "{p}"
        );
    }
    // A pattern whose compiled form is too big is refused, not run.
    let huge = "(?:a{1000}){1000}";
    let got = natives::lookup("std.regex", "is_valid").map(|f| (f.func)(&[s(huge)]));
    assert!(matches!(got, Some(Ok(v)) if v.as_bool() == Some(false)));
    let got = natives::lookup("std.regex", "is_match").map(|f| (f.func)(&[s("a"), s(huge)]));
    assert!(
        matches!(&got, Some(Err(e)) if e.message.contains("size limit") && e.arg == Some(1)),
        "{got:?}"
    );
}

/// `group_by` over a list long enough to be grouped in parallel runs gives what grouping it
/// item by item gives: keys in order of first appearance (some first seen in a late run),
/// each with the span of its first value and its items in list order.
#[test]
fn group_by_a_long_list_gives_what_grouping_it_item_by_item_gives() {
    const N: usize = 20_000;
    let items: Vec<Value> = (0..N)
        .map(|i| {
            let mut m = Map::new();
            m.insert("n", None, spanned(Kind::Int(i as i64), 2 * i));
            // Every seventh item lacks the field and every eleventh has a number there; one
            // key first appears in the last runs.
            let key = match i {
                _ if i % 7 == 3 => None,
                _ if i % 11 == 5 => Some(Kind::Int(1)),
                _ if i >= 15_000 && i % 5 == 0 => Some(Kind::Str("late".into())),
                _ => Some(Kind::Str(format!("k{}", (i * 13) % 17).into())),
            };
            if let Some(k) = key {
                m.insert("kind", None, spanned(k, 2 * i + 1));
            }
            Value::map(m)
        })
        .collect();
    // The reference: one pass, item by item.
    let mut want: Vec<(String, usize, Vec<usize>)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(key) = item.field("kind").as_str().map(str::to_string) else {
            continue;
        };
        match want.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, members)) => members.push(i),
            None => want.push((key, 2 * i + 1, vec![i])),
        }
    }
    assert!(want.iter().any(|(k, _, _)| k == "late"));

    let group_by = natives::lookup("std.collections", "group_by").unwrap();
    let got = (group_by.func)(&[l(items), s("kind")]).unwrap();
    let got: Vec<(String, usize, Vec<usize>)> = got
        .as_map()
        .unwrap()
        .entries()
        .map(|(key, e)| {
            let members = (e.value.as_list().unwrap().iter())
                .map(|v| v.field("n").span.unwrap().start as usize / 2)
                .collect();
            (
                key.to_string(),
                e.key_span().unwrap().start as usize,
                members,
            )
        })
        .collect();
    assert_eq!(got, want);
}

#[test]
fn string_searches_agree_with_the_standard_library() {
    // `split`, `contains` and `index_of` search with memchr/memmem; every pair of texts made
    // of these pieces (one- and multi-byte characters, separators that overlap themselves or
    // sit at either end) must give what `str::split`, `str::contains` and `str::find` give.
    let pieces = [
        "", "a", "aa", ":", "::", "é", "éé", "→", "a:é", ":a:", "@sha256:", "b→a",
    ];
    let texts: Vec<String> = pieces
        .iter()
        .flat_map(|x| pieces.iter().map(move |y| format!("{x}{y}{x}")))
        .collect();
    let call = |name: &str, args: &[&str]| {
        let native = natives::lookup("std.strings", name).unwrap();
        let args: Vec<Value> = args.iter().map(|a| s(a)).collect();
        (native.func)(&args).unwrap()
    };
    for text in &texts {
        for needle in pieces.iter().filter(|p| !p.is_empty()) {
            let want: Vec<&str> = text.split(needle).collect();
            let got = call("split", &[text, needle]);
            let got: Vec<&str> = got
                .as_list()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(got, want, "split({text:?}, {needle:?})");
        }
        for needle in pieces {
            let contains = call("contains", &[text, needle]);
            assert_eq!(
                contains.as_bool(),
                Some(text.contains(needle)),
                "contains({text:?}, {needle:?})"
            );
            let at = text
                .find(needle)
                .map_or(-1, |b| text[..b].chars().count() as i64);
            let index = call("index_of", &[text, needle]);
            assert_eq!(index.as_int(), Some(at), "index_of({text:?}, {needle:?})");
        }
    }
}

/// `to_string` (and a value interpolated into a message) writes a list or map straight from
/// the value: byte for byte the JSON of `Value::to_json`, whose maps sort their keys.
#[test]
fn values_as_text_are_the_json_of_their_tree() {
    let text =
        "b: [1, -2, 2.5, 1e300, .nan, -.inf, null, true, \"quote \\\" back \\\\ tab \\t\", é]\n\
                a: {z: 1, y: {d: [], c: {}}, x: ~}\n\
                c: [{k: v, a: [x, {n: 1}]}, []]\n";
    let loaded = palisade::input::load(
        FileId(0),
        text,
        palisade::input::Format::Yaml,
        &palisade::input::Limits::default(),
    );
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let doc = loaded
        .documents
        .into_iter()
        .next()
        .expect("a document")
        .value;
    let mut values = vec![doc.clone()];
    if let Kind::Map(m) = &doc.kind {
        values.extend(m.iter().map(|(_, v)| v.clone()));
    }
    // A list holding missing, and a map given one key twice (the last value stays).
    values.push(Value::list(vec![
        Value::MISSING,
        Value::float(f64::INFINITY),
    ]));
    let mut twice = Map::new();
    twice.insert("k", None, Value::int(1));
    twice.insert("j", None, Value::int(2));
    twice.insert("k", None, Value::int(3));
    values.push(Value::map(twice));
    for v in &values {
        assert_eq!(v.display(), v.to_json().to_string(), "{v:?}");
    }
    assert_eq!(
        values[0].display(),
        r#"{"a":{"x":null,"y":{"c":{},"d":[]},"z":1},"b":[1,-2,2.5,1e+300,null,null,null,true,"quote \" back \\ tab \t","é"],"c":[{"a":["x",{"n":1}],"k":"v"},[]]}"#
    );
}
