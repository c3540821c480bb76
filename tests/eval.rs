//! The evaluator's semantics: missing vs null, operators, quantifiers, comprehensions,
//! functions, locations of findings, and the evaluation bounds.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code stops at the first broken expectation"
)]

mod common;

use palisade::report::Location;

const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: a
      image: nginx:1.25
      securityContext:
        privileged: true
        runAsUser: 0
      env:
        - {name: MODE, value: null}
    - name: b
      image: nginx
      ports: [{containerPort: 502}, {containerPort: 8080}]
";

/// Findings as `rule@line:col: message`, in output order.
fn findings(policy: &str, files: &[(&str, &str)]) -> Vec<String> {
    let (db, findings, diags) = common::run(policy, files);
    assert!(
        diags.is_empty(),
        "unexpected diagnostics:\n{}",
        common::render(&db, &diags)
    );
    findings
        .iter()
        .map(|f| {
            let at = f.span.map(|s| {
                let l = Location::of(&db, s);
                format!("{}:{}", l.line, l.column)
            });
            format!("{}@{}: {}", f.rule.id, at.unwrap_or_default(), f.message)
        })
        .collect()
}

fn messages(policy: &str) -> Vec<String> {
    findings(policy, &[("pod.yaml", POD)])
        .into_iter()
        .map(|f| f.split_once(": ").map(|(_, m)| m.to_string()).unwrap_or(f))
        .collect()
}

#[test]
fn missing_is_not_null() {
    let out = messages(
        r#"rule r {
          for c in k8s.containers
          let env = c.env[0]
          deny: "{c.name} {env.value == null} {c.nope == null} {c.nope == c.other} {present(env.value)} {present(c.nope)} {is_null(env.value)}"
        }"#,
    );
    assert_eq!(
        out,
        vec![
            "a true false true true false true",
            "b false false true false false false"
        ]
    );
}

#[test]
fn comments_and_string_text_end_where_they_should() {
    // Comments with multi-byte text, a carriage return before the line break and no line
    // break at the end of the file; string text of one character, of multi-byte characters,
    // and running up to an escape, an interpolation or the closing quote.
    let policy = "// résumé — ünïcödé\r\nrule r { // après la règle\r\n  for c in k8s.containers // ⚙\n  where c.name == \"a\"\n  deny: \"x{c.name}é→\\\"{c.name}\\\\ü\"\n}\n// the end, with no line break";
    assert_eq!(messages(policy), vec![r#"xaé→"a\ü"#]);
}

#[test]
fn messages_are_the_text_of_their_value() {
    // Interpolated values longer than the room a message is first given, values of every
    // type, and messages that are not interpolated strings: the text is `display`'s.
    let long = "x".repeat(100);
    let policy = format!(
        r#"rule interpolated {{
          for c in k8s.containers
          deny: "{{c.name}}:{{c.image}}:{{"{long}"}}:{{c.securityContext.runAsUser}}:{{c.ports[0]}}:{{c.nope}}:{{[1, "a"]}}:{{null}}:{{true}}"
        }}
        rule plain {{
          for c in k8s.containers
          deny: c.ports ?? 7
        }}"#
    );
    let mut out = messages(&policy);
    out.sort();
    assert_eq!(
        out,
        vec![
            "7".to_string(),
            r#"[{"containerPort":502},{"containerPort":8080}]"#.to_string(),
            format!("a:nginx:1.25:{long}:0:<missing>:<missing>:[1,\"a\"]:null:true"),
            format!(
                "b:nginx:{long}:<missing>:{{\"containerPort\":502}}:<missing>:[1,\"a\"]:null:true"
            ),
        ]
    );
}

#[test]
fn not_false_holds_for_missing() {
    let out = messages(
        r#"rule r {
          for c in k8s.containers
          where c.securityContext.allowPrivilegeEscalation != false
          where not c.securityContext.readOnlyRootFilesystem
          deny: c.name
        }"#,
    );
    assert_eq!(out, vec!["a", "b"]);
}

#[test]
fn coalesce_and_ordering_with_missing() {
    let out = messages(
        r#"rule r {
          for c in k8s.containers
          deny: "{c.securityContext.runAsUser ?? -1} {c.nope < 3} {c.nope >= 3} {c.env[0].value ?? "dflt"}"
        }"#,
    );
    assert_eq!(out, vec!["0 false false dflt", "-1 false false dflt"]);
}

#[test]
fn quantifiers_count_and_comprehensions() {
    let out = messages(
        r#"rule r {
          for c in k8s.containers
          let ports = [p.containerPort for p in c.ports ?? [] if p.containerPort < 1024]
          let m = {to_string(p.containerPort): p.containerPort * 2 for p in c.ports ?? []}
          deny: "{c.name} {ports} {any p in c.ports: p.containerPort == 502} {all p in c.ports: p.containerPort > 100} {none p in c.ports: p.containerPort == 1} {count p in c.ports: p.containerPort > 500} {m}"
        }"#,
    );
    assert_eq!(
        out,
        vec![
            "a [] false true true 0 {}",
            r#"b [502] true true true 2 {"502":1004,"8080":16160}"#
        ]
    );
}

#[test]
fn operators() {
    let out = messages(
        r#"rule r {
          for c in k8s.containers
          where c.name == "a"
          deny: "{1 + 2 * 3} {7 / 2} {7 % 3} {-(2 - 5)} {"ab" + "cd"} {[1] + [2]} {"x" in ["x"]} {"ng" in c.image} {"name" in c} {3 not in [1]} {c.image matches r"^nginx:\d+"} {c.image like "nginx*"} {if 1 < 2 then "y" else "n"} {1 == 1.0} {[1] + []} {[] + [2]} {[] + []} {len(c.ports + [])}"
        }"#,
    );
    assert_eq!(
        out,
        vec![r#"7 3.5 1 3 abcd [1,2] true true true true true true y true [1] [2] [] 0"#]
    );
}

#[test]
fn functions_constants_and_recursion() {
    let out = messages(
        r#"const LIMIT = 3
        fn fact(n) = if n <= 1 then 1 else n * fact(n - 1)
        fn tag(image) {
          let parts = split(image, ":")
          if len(parts) > 1 then parts[-1] else "latest"
        }
        import std.strings.{split}
        rule r {
          for c in k8s.containers
          deny: "{tag(c.image)} {fact(LIMIT + 2)}"
        }"#,
    );
    assert_eq!(out, vec!["1.25 120", "latest 120"]);
}

#[test]
fn findings_point_at_the_value_or_its_nearest_parent() {
    let out = findings(
        r#"rule priv {
          for c in k8s.containers
          where c.securityContext.privileged == true
          deny at c.securityContext.privileged: "priv"
        }
        rule limits {
          for c in k8s.containers
          deny at c.resources.limits.cpu: "no cpu"
        }
        rule whole {
          for c in k8s.containers
          where c.name == "b"
          deny: "container"
        }"#,
        &[("pod.yaml", POD)],
    );
    assert_eq!(
        out,
        vec![
            // Missing `resources` on `a`: the container map itself (line 7, after `- `).
            "limits@7:7: no cpu",
            "priv@10:21: priv",
            // `b`: sorted by position.
            "limits@14:7: no cpu",
            "whole@14:7: container",
        ]
    );
}

#[test]
fn runtime_errors_are_diagnostics_and_other_rules_still_run() {
    let (db, findings, diags) = common::run(
        r#"rule bad {
          for c in k8s.containers
          deny: "{c.name + 1}"
        }
        rule good {
          for c in k8s.containers
          deny: c.name
        }"#,
        &[("pod.yaml", POD)],
    );
    assert_eq!(findings.len(), 2);
    assert!(findings.iter().all(|f| f.rule.id == "good"));
    assert_eq!(diags.len(), 1, "{}", common::render(&db, &diags));
    let d = &diags[0];
    assert_eq!(d.code.as_str(), "palisade::eval-error");
    assert!(d.message.contains("rule `bad` failed"), "{}", d.message);
    assert_eq!(db.slice(d.span.expect("span")), "c.name + 1");
}

#[test]
fn unbounded_recursion_and_step_budget_are_limits() {
    let (_db, findings, diags) = common::run(
        r#"fn forever(n) = forever(n + 1)
        fn spin(n) = len([x for x in range(0, 1000) for y in range(0, 1000)])
        rule deep {
          for c in k8s.containers
          deny: "{forever(0)}"
        }
        rule busy {
          for c in k8s.containers
          deny: "{spin(0)}"
        }
        rule fine {
          for c in k8s.containers
          deny: c.name
        }"#,
        &[("pod.yaml", POD)],
    );
    assert_eq!(findings.len(), 2);
    let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        vec!["palisade::limit-exceeded", "palisade::limit-exceeded"]
    );
    assert!(diags
        .iter()
        .any(|d| d.message.contains("nested deeper than 64")));
    assert!(diags.iter().any(|d| d.message.contains("steps")));
    // One diagnostic per rule and place, counting the entities.
    assert!(diags
        .iter()
        .all(|d| d.related.first().is_some_and(|r| r.text.contains("1 more"))));
}

#[test]
fn iteration_over_maps_yields_keys_with_their_spans() {
    let out = findings(
        r#"rule keys {
          for o in k8s.objects
          for k in o.spec.containers[0].securityContext
          deny at k: k
        }"#,
        &[("pod.yaml", POD)],
    );
    assert_eq!(out, vec!["keys@10:9: privileged", "keys@11:9: runAsUser"]);
}

#[test]
fn output_is_sorted_by_file_then_position() {
    let out = findings(
        r#"rule r {
          for d in docs
          deny: d.path
        }"#,
        &[
            ("b.yaml", "x: 1\n"),
            ("a.json", "{\"y\": 2}"),
            ("c.toml", "z = 3\n"),
        ],
    );
    // Files get ids in the order they were added; findings sort by (file, position).
    assert_eq!(out, vec!["r@1:1: b.yaml", "r@1:1: a.json", "r@1:1: c.toml"]);
}

#[test]
fn findings_at_one_place_sort_by_rule_then_message_and_those_without_one_come_last() {
    let out = findings(
        r#"rule zeta {
          for d in docs
          deny at d.value.x: "z"
        }
        rule nowhere {
          deny: "no place"
        }
        rule alpha {
          for d in docs
          for m in ["second", "first", "second"]
          deny at d.value.x: m
        }
        rule later {
          for d in docs
          deny at d.value.y: "y"
        }"#,
        &[("a.yaml", "x: 1\ny: 2\n")],
    );
    assert_eq!(
        out,
        vec![
            "alpha@1:4: first",
            "alpha@1:4: second",
            "alpha@1:4: second",
            "zeta@1:4: z",
            "later@2:4: y",
            "nowhere@: no place",
        ]
    );
}

#[test]
fn set_up_before_the_first_for_gets_a_larger_budget() {
    // Building the list a rule iterates runs once for all entities: more than one unit's
    // 1,000,000 steps must be allowed there (but a single unit is still bounded, see above).
    let out = messages(
        r#"fn build() = [i for i in range(0, 700000) if i >= 0]
        rule r {
          for n in [len(build())]
          for c in k8s.containers
          where c.name == "a"
          deny: "{n}"
        }"#,
    );
    assert_eq!(out, vec!["700000"]);
}

#[test]
fn shared_calls_give_exactly_what_evaluating_them_gives() {
    // `cost` loops, so its calls are shared between units (src/eval/memo.rs). Rule `a`
    // evaluates it first; rule `b` has spent most of its budget when it calls it with the same
    // argument: reusing `a`'s value for free would let `b` pass, evaluating it exceeds `b`'s
    // budget. The shared value must cost what evaluating it costs, so `b` fails like it would
    // alone. One thread, so `a`'s unit runs (and fills the table) before `b`'s.
    let policy = r#"fn cost(c) = len([i for i in range(0, 150000) if c.name != ""])
        fn burn() = len([i for i in range(0, 200000) if i >= 0])
        rule a {
          for c in k8s.containers
          where c.name == "a"
          deny: "{cost(c)}"
        }
        rule b {
          for c in k8s.containers
          where c.name == "a"
          where burn() > 0
          deny: "{cost(c)}"
        }"#;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let (_db, findings, diags) = pool.install(|| common::run(policy, &[("pod.yaml", POD)]));
    let fired: Vec<&str> = findings.iter().map(|f| f.rule.id.as_str()).collect();
    assert_eq!(fired, ["a"]);
    assert_eq!(diags.len(), 1);
    assert!(diags[0].message.contains("rule `b` failed") && diags[0].message.contains("steps"));
    // Each rule alone gives the same.
    let alone = |rule: &str| {
        let (_db, f, d) = common::run(
            &policy.replace(
                &format!("rule {rule} {{"),
                &format!("rule {rule}_off {{ where false"),
            ),
            &[("pod.yaml", POD)],
        );
        (f.len(), d.len())
    };
    assert_eq!(alone("b"), (1, 0));
    assert_eq!(alone("a"), (0, 1));
}

#[test]
fn rules_over_the_same_list_run_item_by_item_with_the_same_results() {
    // Units run entity by entity across the rules that iterate the same list (here `a` and
    // `c` over `k8s.containers`), and each rule still sees every item, with its own frame.
    let out = messages(
        r#"rule a {
          for c in k8s.containers
          deny: "a {c.name}"
        }
        rule b {
          let tag = "b"
          for n in [1, 2]
          deny: "{tag} {n}"
        }
        rule c {
          let tag = "c"
          for c in k8s.containers
          where c.name != "a"
          deny: "{tag} {c.name}"
        }
        rule d {
          where true
          deny: "d"
        }"#,
    );
    let mut sorted = out.clone();
    sorted.sort();
    assert_eq!(sorted, vec!["a a", "a b", "b 1", "b 2", "c b", "d"]);
}

#[test]
fn a_run_derives_the_entity_kinds_its_rules_constants_and_called_functions_read() {
    let policy = r#"package t
        const NAMESPACES = [n.name for n in k8s.namespaces]
        fn ingress_count() = len(k8s.ingresses)
        fn exposed(w) = ingress_count() > 0 and w.name != ""
        fn never_called() = k8s.secrets
        rule r {
          for w in k8s.workloads
          where exposed(w)
          deny at w: "{w.name} in {NAMESPACES}"
        }"#;
    let mut db = palisade::source::SourceDb::new();
    let (program, diags) = common::compile(&mut db, policy);
    assert!(diags.is_empty(), "{}", common::render(&db, &diags));
    // Beyond what the standard library's own constants read.
    let mut stdlib_db = palisade::source::SourceDb::new();
    let (stdlib, _) = common::compile(&mut stdlib_db, "package t");
    let stdlib = stdlib.entity_kinds();
    let kinds: Vec<&str> = program
        .entity_kinds()
        .into_iter()
        .filter(|k| !stdlib.contains(k))
        .collect();
    assert_eq!(kinds, ["k8s.ingresses", "k8s.namespaces", "k8s.workloads"]);
    // And the run over only those finds what it should.
    let ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\n";
    let out = findings(policy, &[("pod.yaml", POD), ("ingress.yaml", ingress)]);
    assert_eq!(out, ["r@1:1: p in [\"default\"]"]);
}

/// Runs `policy` on the POD with `limits`, on `threads` threads: finding messages and rendered
/// diagnostics.
fn run_with(
    policy: &str,
    limits: &palisade::eval::Limits,
    threads: usize,
) -> (Vec<String>, String) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    pool.install(|| {
        let mut db = palisade::source::SourceDb::new();
        let (program, diags) = common::compile(&mut db, policy);
        assert!(diags.is_empty(), "{}", common::render(&db, &diags));
        let loaded = common::inputs(&mut db, &[("pod.yaml", POD)]);
        let outcome = palisade::driver::evaluate_inputs(&db, &program, &loaded, limits);
        let messages = outcome.findings.iter().map(|f| f.message.clone()).collect();
        (messages, common::render(&db, &outcome.diagnostics))
    })
}

#[test]
fn long_constant_lists_are_built_in_parts_with_the_values_and_faults_of_one_pass() {
    // Over 1,024 items, a constant's comprehension is built in parallel parts.
    let policy = r#"package t
        const SEVENTHS = [i * 2 for i in range(0, 5000) if i % 7 == 0]
        const BROKEN = [10 / (i - 3000) for i in range(0, 5000)]
        rule r {
          where true
          deny: "{len(SEVENTHS)} {SEVENTHS[0]} {SEVENTHS[1]} {SEVENTHS[-1]} {present(BROKEN)}"
        }"#;
    let limits = palisade::eval::Limits::default();
    let (messages, diags) = run_with(policy, &limits, 2);
    assert_eq!(messages, ["715 0 14 9996 false"]);
    // The part that fails makes the whole list evaluate again in order: the fault is that
    // of one pass, at the same place.
    assert!(
        diags.contains("constant `BROKEN` failed: division by zero"),
        "{diags}"
    );
    assert_eq!(run_with(policy, &limits, 1), (messages, diags));

    // Too many steps in all: the same fault as a list short enough to be built in order
    // (the same text but for the bound, so the spans are the same).
    let heavy = |n: &str| {
        format!(
            r#"package t
            const HEAVY = [i for i in range(0, {n}) if i >= 0]
            rule r {{
              where true
              deny: "{{present(HEAVY)}}"
            }}"#
        )
    };
    let tight = palisade::eval::Limits {
        max_steps: 50,
        ..palisade::eval::Limits::default()
    };
    let in_order = run_with(&heavy("1000"), &tight, 2);
    assert_eq!(in_order.0, ["false"]);
    assert!(
        in_order.1.contains("took more than 3200 steps"),
        "{}",
        in_order.1
    );
    let (messages, diags) = run_with(&heavy("5000"), &tight, 2);
    assert_eq!((messages, diags.replace("5000", "1000")), in_order);

    // A constant that reads another only through a function comes in a later wave, so the
    // other is ready (declared after it, so the order of the text does not decide).
    let through_a_function = r#"package t
        const DOUBLED = [twice() + i for i in range(0, 2000)]
        fn twice() = BASE * 2
        const BASE = 21
        rule r {
          where true
          deny: "{DOUBLED[0]} {DOUBLED[-1]}"
        }"#;
    let (messages, diags) = run_with(through_a_function, &limits, 2);
    assert_eq!(
        (messages, diags),
        (vec!["42 2041".to_string()], String::new())
    );
    // And one that reads itself through a function is a cycle, reported.
    let mut db = palisade::source::SourceDb::new();
    let (_, diags) = common::compile(
        &mut db,
        "package t\nconst LOOP = again()\nfn again() = LOOP + 1\n",
    );
    let rendered = common::render(&db, &diags);
    assert!(
        rendered.contains("constant `LOOP` depends on itself"),
        "{rendered}"
    );
}

/// The least `max_steps` under which `condition` is evaluated for every container of `POD`
/// without reaching the bound (`None` if it reaches it even at 10,000).
fn least_steps(condition: &str) -> Option<u64> {
    let policy = format!(
        r#"package t
        const LIMITS = {{"cpu": "1"}}
        fn both(c) = (c.ports ?? []) + (c.env ?? [])
        fn named(c, n) = c.name == n
        rule r {{
          for c in k8s.containers
          where {condition}
          deny: "hit"
        }}"#
    );
    let passes = |max_steps: u64| {
        let limits = palisade::eval::Limits {
            max_steps,
            ..palisade::eval::Limits::default()
        };
        let (_, diags) = run_with(&policy, &limits, 1);
        !diags.contains("steps")
    };
    let (mut low, mut high) = (1, 10_000);
    if !passes(high) {
        return None;
    }
    while low < high {
        let mid = (low + high) / 2;
        if passes(mid) {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    Some(low)
}

#[test]
fn reading_by_reference_takes_the_steps_of_evaluating_each_node() {
    // Field paths, operands and iterations are read through references, and call frames are
    // reused: every node still costs its step, so a unit fails under a bound exactly where it
    // did when each node was evaluated to a value of its own. The figures are those of the
    // evaluator before that change.
    let cases = [
        ("c.securityContext.privileged == true", 6),
        ("c.securityContext.nothing.deeper == true", 6),
        ("c.nothing.securityContext.privileged == true", 6),
        ("LIMITS.cpu == c.resources.limits.cpu", 7),
        ("[c][0].securityContext.privileged == true", 9),
        ("any p in c.ports ?? []: p.containerPort == 502", 9),
        ("len(both(c)) > 1", 14),
        ("named(c, \"a\") or named(c, \"b\")", 16),
        ("(c.image ?? \"\") + \"x\" != \"\"", 8),
        // Longer than the fields read at once: one step per node all the same.
        ("c.a.b.c.d.e.f.g.h.i.j == true", 13),
    ];
    let measured: Vec<(&str, Option<u64>)> =
        cases.iter().map(|(c, _)| (*c, least_steps(c))).collect();
    let expected: Vec<(&str, Option<u64>)> = cases.iter().map(|(c, n)| (*c, Some(*n))).collect();
    assert_eq!(measured, expected);
}

#[test]
fn calls_kept_for_the_next_rules_give_their_values_and_cost_their_steps() {
    // `both` gives a list and two rules call it on each container, one right after the
    // other: the calls of `b` are answered with the values `a`'s calls gave (see
    // `Interp::call_recent`). Its findings are its own, and the least step budget under which
    // neither rule fails is `b`'s alone: a kept call costs the steps of evaluating it.
    let policy = |rules: &str| {
        format!(
            r#"package t
            fn both(c) = (c.ports ?? []) + (c.env ?? []) + [c.name, c.image]
            {rules}"#
        )
    };
    let a = r#"rule a {
              for c in k8s.containers
              where len(both(c)) > 2
              deny: "a {c.name} {len(both(c))}"
            }"#;
    let b = r#"rule b {
              for c in k8s.containers
              where len(both(c)) > 3 and both(c)[0].containerPort == 502
              deny: "b {c.name} {both(c)[-1]}"
            }"#;
    let limits = palisade::eval::Limits::default();
    let (messages, diags) = run_with(&policy(&format!("{a}\n{b}")), &limits, 1);
    assert_eq!(diags, "");
    assert_eq!(messages, ["a a 3", "a b 4", "b b nginx"]);
    let least = |policy: &str| {
        let fails = |max_steps: u64| {
            let limits = palisade::eval::Limits {
                max_steps,
                ..palisade::eval::Limits::default()
            };
            run_with(policy, &limits, 1).1.contains("steps")
        };
        let (mut low, mut high) = (1u64, 10_000u64);
        assert!(!fails(high));
        while low < high {
            let mid = (low + high) / 2;
            if fails(mid) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    };
    let alone = least(&policy(b));
    assert!(
        alone > least(&policy(a)),
        "`b` must take more steps than `a`"
    );
    assert_eq!(least(&policy(&format!("{a}\n{b}"))), alone);
}

#[test]
fn rules_run_as_each_file_loads_give_what_one_evaluation_after_loading_gives() {
    // `check` runs a rule on each file's entities as soon as the file is loaded when the rule
    // iterates a kind derived per document and reads no entity list (src/eval/early.rs).
    // `isolated` reads `network_policies`, which needs every document: its early units are
    // dropped and run again. `counted` reads a constant over an entity list, `across` an entity
    // list, `in_ns` a kind of the cross-document pass: they run after loading.
    let policy = r#"package t
        const WEB = [80, 443]
        const SERVICES = len(k8s.services)
        fn selected(w) = any p in w.network_policies: p.kind == "NetworkPolicy"
        fn web_ports(c) = len([p for p in c.ports ?? [] if p.containerPort in WEB])
        rule local {
          for c in k8s.containers
          where web_ports(c) == 0
          deny: "{c.name} serves no web port"
        }
        rule isolated {
          for w in k8s.workloads
          where not selected(w)
          deny: "{w.name} is selected by no policy"
        }
        rule counted {
          for w in k8s.workloads
          where SERVICES > 0
          deny: "{w.name} next to {SERVICES} services"
        }
        rule across {
          for d in docs
          where len(k8s.workloads) > 1
          deny: "document {d.index}"
        }
        rule in_ns {
          for n in k8s.namespaces
          deny: "namespace {n.name}"
        }
        rule broken {
          for c in k8s.containers
          where c.name == "b"
          deny: "{c.name + 1}"
        }"#;
    let deploy = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: w, image: web, ports: [{containerPort: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}}
";
    let files = [("pod.yaml", POD), ("web.yaml", deploy)];

    let (rules, _) = planned(policy);
    assert_eq!(rules, ["local", "isolated", "broken"]);

    // One evaluation after loading (what the language server and `assess` run)...
    let (plain, plain_diags) = evaluated(policy, &files);
    assert_eq!(
        plain,
        [
            "across@pod.yaml:1:1: document 0",
            "counted@pod.yaml:1:1: p next to 1 services",
            "isolated@pod.yaml:1:1: p is selected by no policy",
            "in_ns@pod.yaml:4:3: namespace default",
            "local@pod.yaml:7:7: a serves no web port",
            "local@pod.yaml:14:7: b serves no web port",
            "across@web.yaml:1:1: document 0",
            "counted@web.yaml:1:1: web next to 1 services",
            "in_ns@web.yaml:3:34: namespace shop",
            "across@web.yaml:10:1: document 1",
            "across@web.yaml:15:1: document 2",
        ],
        "the findings of one evaluation"
    );
    assert_eq!(plain_diags.len(), 1, "`broken` fails once");
    assert!(plain_diags[0].contains("rule `broken` failed"));
    // ...and `check`, which runs the early rules as each file loads, agree, on any number of
    // threads.
    same_from_check(policy, &files, &(plain, plain_diags));
}

#[test]
fn constants_built_as_each_file_loads_are_those_one_evaluation_after_loading_gives() {
    // A constant that is a list comprehension over a kind derived per document, and reads no
    // entity list otherwise, is built in parts on each file's entities as the file loads, and
    // the parts are put end to end (src/eval/early.rs). `FAILING` fails in one file and
    // `UNREADY` reads `network_policies`, which needs every document: both are built after
    // loading, as `MIXED` is (it reads an entity list in its condition).
    let policy = r#"package t
        const NAMES = [c.name for c in k8s.containers if c.name != "x" for i in [1, 2] if i == 1]
        const FAILING = [c.name + 1 for c in k8s.containers if c.name == "b"]
        const UNREADY = [w.name for w in k8s.workloads if w.network_policies == []]
        const MIXED = [c.name for c in k8s.containers if len(k8s.workloads) > 1]
        const UNREAD = [c.name for c in k8s.containers]
        rule listed {
          for n in NAMES + UNREADY + MIXED + (FAILING ?? [])
          deny at n: "{n}"
        }
        rule local {
          for c in k8s.containers
          deny: "{c.name} of {len(NAMES)}"
        }"#;
    let deploy = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: w, image: web}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}}
";
    let files = [("pod.yaml", POD), ("web.yaml", deploy)];

    let (_, lists) = planned(policy);
    // (The standard library's constants are compiled in too.)
    // `UNREAD`, which no rule reads, is not built at all.
    let ours = ["NAMES", "FAILING", "UNREADY", "MIXED", "UNREAD"];
    let lists: Vec<&str> = (lists.iter())
        .map(String::as_str)
        .filter(|n| ours.contains(n))
        .collect();
    assert_eq!(lists, ["NAMES", "FAILING", "UNREADY"]);

    let (plain, plain_diags) = evaluated(policy, &files);
    assert_eq!(
        plain,
        [
            "listed@pod.yaml:4:9: p",
            "local@pod.yaml:7:7: a of 3",
            "listed@pod.yaml:7:13: a",
            "listed@pod.yaml:7:13: a",
            "local@pod.yaml:14:7: b of 3",
            "listed@pod.yaml:14:13: b",
            "listed@pod.yaml:14:13: b",
            "local@web.yaml:9:11: w of 3",
            "listed@web.yaml:9:18: w",
            "listed@web.yaml:9:18: w",
        ],
        "the findings of one evaluation"
    );
    assert_eq!(plain_diags.len(), 1, "`FAILING` fails once");
    assert!(plain_diags[0].contains("constant `FAILING` failed"));
    same_from_check(policy, &files, &(plain, plain_diags));
}

#[test]
fn a_files_values_are_freed_as_it_loads_keeping_the_kinds_read_after_loading() {
    // Every rule here iterates a kind derived per document and reads no entity list, so all
    // run as each file loads, and `check` frees a file's values right after (src/eval/early.rs,
    // `Early::release`) unless a unit must run again: `isolated` reads `network_policies`,
    // which needs every document, so the files with workloads keep theirs, as does the zones
    // model, which the cross-document pass reads. The NetworkPolicy of `x-np.yaml` selects
    // `web`: its file is freed, and `isolated` must still find it when it runs again.
    let policy = r#"package t
        fn selected(w) = any p in w.network_policies: p.kind == "NetworkPolicy"
        rule local {
          for c in k8s.containers
          where c.securityContext.privileged == true
          deny: "{c.name} is privileged"
        }
        rule isolated {
          for w in k8s.workloads
          where not selected(w)
          deny: "{w.name} is selected by no policy"
        }
        rule later_document {
          for d in docs
          where d.index > 0
          deny: "document {d.index}"
        }
        rule broken {
          for c in k8s.containers
          where c.name == "b"
          deny: "{c.name + 1}"
        }"#;
    let web = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: w, image: web, securityContext: {privileged: true}}
";
    let np = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-only, namespace: shop}
spec: {podSelector: {matchLabels: {app: web}}}
";
    let cm = "apiVersion: v1
kind: ConfigMap
metadata: {name: one}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: two}
";
    let zones = "kind: ZoneModel
zones:
  - {name: cell, purdue: 1, networks: [10.21.0.0/24], sl_target: 2}
";
    let files = [
        ("pod.yaml", POD),
        ("web.yaml", web),
        ("x-np.yaml", np),
        ("y-cm.yaml", cm),
        ("z-zones.yaml", zones),
    ];

    let (rules, lists) = planned(policy);
    assert_eq!(rules, ["local", "isolated", "later_document", "broken"]);
    assert!(lists.is_empty(), "no constant is built as files load");

    let (plain, plain_diags) = evaluated(policy, &files);
    assert_eq!(
        plain,
        [
            "isolated@pod.yaml:1:1: p is selected by no policy",
            "local@pod.yaml:7:7: a is privileged",
            "local@web.yaml:9:11: w is privileged",
            "later_document@y-cm.yaml:4:1: document 1",
        ],
        "the findings of one evaluation"
    );
    assert_eq!(plain_diags.len(), 1, "`broken` fails once");
    for threads in [1, 2] {
        for finding_entities in [true, false] {
            let (shown, diags, released, kept) =
                check_run(policy, &files, threads, finding_entities);
            let case = format!("{threads} threads, finding entities {finding_entities}");
            assert_eq!((&shown, &diags), (&plain, &plain_diags), "{case}");
            // `x-np.yaml` and `y-cm.yaml`: the others have units to run again or a zones model.
            assert_eq!(released, 2, "{case}");
            assert!(kept.is_empty(), "{case}: every rule runs early");
        }
    }
    // A rule that reads other documents runs after loading. It reads only `k8s.objects`: the
    // same files are freed, keeping their objects, and it still sees the ConfigMaps of the
    // freed `y-cm.yaml` and the NetworkPolicy of the freed `x-np.yaml`.
    let across = format!(
        "{policy}\n rule across {{ for o in k8s.objects where o.kind == \"ConfigMap\" \
         where any p in k8s.objects: p.kind == \"NetworkPolicy\" deny: \"{{o.name}}\" }}"
    );
    let (plain, plain_diags) = evaluated(&across, &files);
    let found: Vec<&String> = plain.iter().filter(|f| f.starts_with("across@")).collect();
    assert_eq!(
        found,
        ["across@y-cm.yaml:1:1: one", "across@y-cm.yaml:5:1: two"]
    );
    for threads in [1, 2] {
        let (shown, diags, released, kept) = check_run(&across, &files, threads, false);
        assert_eq!(
            (&shown, &diags),
            (&plain, &plain_diags),
            "{threads} threads"
        );
        assert_eq!(
            (released, kept),
            (2, vec!["k8s.objects".to_string()]),
            "{threads} threads"
        );
    }
    // With one that reads `docs` after loading, no file's values are freed.
    let docs = format!(
        "{policy}\n rule many {{ for d in docs where len(k8s.objects) > 9 deny: \"many\" }}"
    );
    let (_, _, released, _) = check_run(&docs, &files, 2, false);
    assert_eq!(released, 0);
}

#[test]
fn files_the_zones_pass_reads_are_kept_when_others_are_freed() {
    // The 10 checks of the benchmarks all run as each file loads, so `examples/plant`'s files
    // are freed as they load, but for the zones model and the two firewall configurations:
    // the zone flows are derived from every firewall configuration once everything is loaded.
    // They must be those of a run that frees nothing (a rule reading `docs` after loading).
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let late = dir.path().join("late.pal");
    std::fs::write(
        &late,
        "package late\nrule never { for d in docs where len(docs) < 0 deny: \"never\" }\n",
    )
    .unwrap();
    let run = |extra: Option<&std::path::Path>| {
        let mut paths = vec![here.join("benches/peer-checks")];
        paths.extend(extra.map(std::path::Path::to_path_buf));
        palisade::driver::check(&palisade::driver::CheckOptions {
            paths: vec![here.join("examples/plant")],
            policies: palisade::driver::PolicySources {
                paths,
                ..Default::default()
            },
            ..Default::default()
        })
    };
    let (freed, kept) = (run(None), run(Some(&late)));
    assert_eq!((freed.released, kept.released), (12, 0));
    let flows = |r: &palisade::driver::CheckRun| {
        let at =
            |v: &palisade::value::Value| v.span.map(|s| (r.db.name(s.file).to_string(), s.start));
        r.zone_model.flows.iter().map(at).collect::<Vec<_>>()
    };
    assert!(
        !flows(&kept).is_empty(),
        "the plant's firewalls permit flows"
    );
    assert_eq!(flows(&freed), flows(&kept));
}

#[test]
fn files_are_freed_while_constants_are_built_as_they_load() {
    // `NAMES` and `FAILING` are built in parts as each file loads. `FAILING` fails on the
    // container `b` of `pod.yaml`: that file keeps its values, and its part is built again
    // after loading, where the other files' parts leave off, so the fault is the one of one
    // evaluation. The other two files are freed, and none keeps its containers: no rule
    // reads an entity list after loading. `UNREADY` reads `network_policies`: the parts of the files with workloads are
    // built after loading, and only the ConfigMap's file is freed.
    let policy = r#"package t
        const NAMES = [c.name for c in k8s.containers if c.name != "x"]
        const FAILING = [c.name + 1 for c in k8s.containers if c.name == "b"]
        rule listed {
          for n in NAMES + (FAILING ?? [])
          deny at n: "{n}"
        }
        rule local {
          for c in k8s.containers
          deny: "{c.name}"
        }"#;
    let deploy = |name: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  \
             template:\n    spec:\n      containers:\n        - {{name: {name}, image: i}}\n"
        )
    };
    let (web, db) = (deploy("web"), deploy("db"));
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\n";
    let files = [("pod.yaml", POD), ("web.yaml", &*web), ("x-db.yaml", &*db)];
    let (plain, plain_diags) = evaluated(policy, &files);
    assert_eq!(plain.len(), 8, "{plain:?}");
    assert_eq!(plain_diags.len(), 1, "`FAILING` fails once");
    same_with_files_freed(policy, &files, &(plain, plain_diags), 2);

    let unready = r#"package t
        const UNREADY = [w.name for w in k8s.workloads if w.network_policies == []]
        rule listed {
          for n in UNREADY
          deny at n: "{n}"
        }"#;
    let files = [("pod.yaml", POD), ("web.yaml", &*web), ("y-cm.yaml", cm)];
    let (plain, plain_diags) = evaluated(unready, &files);
    assert_eq!(
        plain,
        ["listed@pod.yaml:4:9: p", "listed@web.yaml:3:18: web"]
    );
    same_with_files_freed(unready, &files, &(plain, plain_diags), 1);

    // Too many steps in all, none in any one file's part: one evaluation fails at the node
    // where it passes the bound; with files freed, the fault is the same one at the
    // comprehension (eval/interp.rs, `Interp::put_together`).
    let heavy = r#"package t
        const HEAVY = [c.name for c in k8s.containers if c.name != "x"]
        rule r {
          for c in k8s.containers
          where c.name == "c0"
          deny: "{present(HEAVY)}"
        }"#;
    let names: Vec<(String, String)> = (0..300)
        .map(|i| (format!("d{i:03}.yaml"), deploy(&format!("c{i}"))))
        .collect();
    let files: Vec<(&str, &str)> = names.iter().map(|(n, t)| (&**n, &**t)).collect();
    let tight = palisade::eval::Limits {
        max_steps: 20,
        ..Default::default()
    };
    let (one_pass, one_pass_diags) = evaluated_with(heavy, &files, &tight);
    assert_eq!(one_pass, ["r@d000.yaml:8:11: false"]);
    assert_eq!(
        one_pass_diags,
        ["constant `HEAVY` failed: evaluation took more than 1280 steps"]
    );
    let (shown, diags, released, _) = check_run_with(heavy, &files, 2, tight);
    assert_eq!((shown, diags, released), (one_pass, one_pass_diags, 300));
}

/// Asserts that `palisade check` on 1 and 2 threads gives `plain` (what one evaluation after
/// loading gave), with `released` files freed as they loaded.
fn same_with_files_freed(
    policy: &str,
    files: &[(&str, &str)],
    plain: &(Vec<String>, Vec<String>),
    released: usize,
) {
    for threads in [1, 2] {
        let (shown, diags, freed, _) = check_run(policy, files, threads, false);
        assert_eq!(
            (&(shown, diags), freed),
            (plain, released),
            "{threads} threads"
        );
    }
}

/// The early rules and the constants built as files load of `policy` (which must compile
/// cleanly), by name.
fn planned(policy: &str) -> (Vec<String>, Vec<String>) {
    let mut db = palisade::source::SourceDb::new();
    let (program, diags) = common::compile(&mut db, policy);
    assert!(diags.is_empty(), "{}", common::render(&db, &diags));
    let limits = palisade::eval::Limits::default();
    let early = palisade::eval::Early::plan(&program, &limits, &Default::default(), 2)
        .expect("something runs early");
    let owned = |names: Vec<&str>| names.into_iter().map(String::from).collect();
    (owned(early.rules()), owned(early.lists()))
}

/// Asserts that `palisade check` on 1 and 2 threads gives `plain`, what one evaluation after
/// loading gave ([`evaluated`]).
fn same_from_check(policy: &str, files: &[(&str, &str)], plain: &(Vec<String>, Vec<String>)) {
    for threads in [1, 2] {
        assert_eq!(
            &checked(policy, files, threads),
            plain,
            "on {threads} threads"
        );
    }
}

/// A finding as `rule@file:line:col: message`, the file by its name alone.
fn shown(db: &palisade::source::SourceDb, f: &palisade::eval::Finding) -> String {
    let span = f.span.expect("span");
    let l = Location::of(db, span);
    let name = std::path::Path::new(db.name(span.file))
        .file_name()
        .expect("file name");
    format!(
        "{}@{}:{}:{}: {}",
        f.rule.id,
        name.to_string_lossy(),
        l.line,
        l.column,
        f.message
    )
}

/// The findings ([`shown`]) and the diagnostics' messages of one evaluation of `policy` after
/// loading `files` (what the language server and `assess` run).
fn evaluated(policy: &str, files: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
    let (db, findings, diags) = common::run(policy, files);
    (
        findings.iter().map(|f| shown(&db, f)).collect(),
        diags.iter().map(|d| d.message.clone()).collect(),
    )
}

/// [`evaluated`] with `limits`.
fn evaluated_with(
    policy: &str,
    files: &[(&str, &str)],
    limits: &palisade::eval::Limits,
) -> (Vec<String>, Vec<String>) {
    let mut db = palisade::source::SourceDb::new();
    let (program, diags) = common::compile(&mut db, policy);
    assert!(diags.is_empty(), "{}", common::render(&db, &diags));
    let loaded = common::inputs(&mut db, files);
    let outcome = palisade::driver::evaluate_inputs(&db, &program, &loaded, limits);
    (
        outcome.findings.iter().map(|f| shown(&db, f)).collect(),
        outcome
            .diagnostics
            .iter()
            .map(|d| d.message.clone())
            .collect(),
    )
}

/// The same from `palisade check` on `threads` threads, which runs rules and builds
/// constants as each file loads (src/eval/early.rs).
fn checked(policy: &str, files: &[(&str, &str)], threads: usize) -> (Vec<String>, Vec<String>) {
    let (findings, diags, _, _) = check_run(policy, files, threads, true);
    (findings, diags)
}

/// [`checked`], findings keeping their entities or not, how many files had their values freed
/// as they loaded, and the entity kinds they kept.
fn check_run(
    policy: &str,
    files: &[(&str, &str)],
    threads: usize,
    finding_entities: bool,
) -> (Vec<String>, Vec<String>, usize, Vec<String>) {
    let limits = palisade::eval::Limits {
        finding_entities,
        ..Default::default()
    };
    check_run_with(policy, files, threads, limits)
}

/// [`check_run`] with `limits`.
fn check_run_with(
    policy: &str,
    files: &[(&str, &str)],
    threads: usize,
    limits: palisade::eval::Limits,
) -> (Vec<String>, Vec<String>, usize, Vec<String>) {
    let finding_entities = limits.finding_entities;
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let policy_file = dir.path().join("policy.pal");
    std::fs::write(&policy_file, policy).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    let run = pool.install(|| {
        palisade::driver::check(&palisade::driver::CheckOptions {
            paths: files
                .iter()
                .map(|(name, _)| dir.path().join(name))
                .collect(),
            policies: palisade::driver::PolicySources {
                paths: vec![policy_file.clone()],
                ..Default::default()
            },
            eval_limits: limits.clone(),
            ..Default::default()
        })
    });
    assert_eq!(
        run.findings.iter().any(|f| f.entity.is_some()),
        finding_entities && !run.findings.is_empty(),
        "findings keep their entities only when asked"
    );
    (
        run.findings.iter().map(|f| shown(&run.db, f)).collect(),
        run.diagnostics.iter().map(|d| d.message.clone()).collect(),
        run.released,
        run.kept,
    )
}
