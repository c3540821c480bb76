//! Cases for the natives of `std.k8s`: image references and command lines.

use palisade::value::Value;

use crate::{b, case, err, i, is, l, m, missing, null, s, strs, Case, Want};

fn c(name: &'static str, args: Vec<Value>, want: Want) -> Case {
    case("std.k8s", name, args, want)
}

/// A container with these `command` and `args`.
fn container(command: Value, args: Value) -> Value {
    m(vec![("name", s("c")), ("command", command), ("args", args)])
}

pub(super) fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    // The tag follows the last `:` of the last component of the part before the first `@`.
    for (image, tag) in [
        ("nginx", "latest"),
        ("nginx:1.25", "1.25"),
        ("nginx:latest", "latest"),
        ("registry:5000/scada/hmi:2.4", "2.4"),
        ("registry:5000/scada/hmi", "latest"),
        ("nginx@sha256:abc", "latest"),
        ("nginx:1.25@sha256:abc", "1.25"),
        ("a/b:c:d", "d"),
        ("nginx:", ""),
        ("", "latest"),
    ] {
        cases.push(c("image_tag", vec![s(image)], is(s(tag))));
    }
    // The first component names the registry when it holds a `.` or a `:` or is `localhost`.
    for (image, registry) in [
        ("nginx:1.25", "docker.io"),
        ("library/nginx", "docker.io"),
        ("Registry.Plant.Local/ot/hmi:2", "registry.plant.local"),
        ("harbor:5000/x", "harbor:5000"),
        ("localhost/x", "localhost"),
        ("LOCALHOST/x", "docker.io"),
        ("quay.io/a/b@sha256:0", "quay.io"),
        ("gcr.io", "docker.io"),
        ("", "docker.io"),
    ] {
        cases.push(c("image_registry", vec![s(image)], is(s(registry))));
    }
    for (image, digest, floats) in [
        ("nginx", false, true),
        ("nginx:latest", false, true),
        ("nginx:1.25", false, false),
        ("nginx@sha256:0d17", true, false),
        ("nginx:latest@sha256:0d17", true, false),
        ("registry:5000/hmi", false, true),
    ] {
        cases.push(c("image_has_digest", vec![s(image)], is(b(digest))));
        cases.push(c("image_is_floating", vec![s(image)], is(b(floats))));
    }
    // A missing or null image reads as `""`, as `image ?? ""` did; other types are an error.
    for (name, empty) in [
        ("image_tag", s("latest")),
        ("image_registry", s("docker.io")),
        ("image_has_digest", b(false)),
        ("image_is_floating", b(true)),
    ] {
        cases.push(c(name, vec![missing()], is(empty.clone())));
        cases.push(c(name, vec![null()], is(empty)));
        cases.push(c(name, vec![i(5)], err(0, "expected a string, found int")));
        cases.push(c(
            name,
            vec![strs(&["a"])],
            err(0, "expected a string, found list"),
        ));
    }

    let kube = container(strs(&["kube-apiserver"]), strs(&["--token-ttl=0", "-v"]));
    cases.extend([
        c(
            "mentions",
            vec![kube.clone(), s("--token-ttl")],
            is(b(true)),
        ),
        c("mentions", vec![kube.clone(), s("kube")], is(b(true))),
        c("mentions", vec![kube.clone(), s("--oidc")], is(b(false))),
        // Within one item, not across two.
        c(
            "mentions",
            vec![kube.clone(), s("apiserver\",\"")],
            is(b(false)),
        ),
        // A command written as one string is not a list: passed over.
        c(
            "mentions",
            vec![
                container(s("kube-apiserver --token-ttl=0"), missing()),
                s("--token-ttl"),
            ],
            is(b(false)),
        ),
        c(
            "mentions",
            vec![
                container(l(vec![i(1), s("--token-ttl")]), null()),
                s("--token-ttl"),
            ],
            is(b(true)),
        ),
        c("mentions", vec![missing(), s("x")], is(b(false))),
        c("mentions", vec![null(), s("x")], is(b(false))),
        c("mentions", vec![kube.clone(), missing()], Want::Missing),
        c(
            "mentions",
            vec![s("c"), s("x")],
            err(0, "expected a map, found string"),
        ),
        c(
            "mentions",
            vec![kube, i(1)],
            err(1, "expected a string, found int"),
        ),
    ]);

    // The container's setting, else the pod's, else the legacy annotations of the pods.
    let seccomp = |kind: &str| m(vec![("seccompProfile", m(vec![("type", s(kind))]))]);
    let profile = |kind: Value, at: Value| m(vec![("type", kind), ("at", at)]);
    let workload = |kind: &str, annotations: Value| {
        let template = m(vec![(
            "metadata",
            m(vec![("annotations", annotations.clone())]),
        )]);
        match kind {
            "Pod" => m(vec![
                ("kind", s(kind)),
                ("metadata", m(vec![("annotations", annotations)])),
            ]),
            "CronJob" => m(vec![
                ("kind", s(kind)),
                (
                    "spec",
                    m(vec![(
                        "jobTemplate",
                        m(vec![("spec", m(vec![("template", template)]))]),
                    )]),
                ),
            ]),
            _ => m(vec![
                ("kind", s(kind)),
                ("spec", m(vec![("template", template)])),
            ]),
        }
    };
    let annotated = |kind: &str, entries: Vec<(&str, Value)>| {
        m(vec![
            ("name", s("app")),
            ("pod_spec", m(vec![])),
            ("workload", workload(kind, m(entries))),
        ])
    };
    let own = "container.seccomp.security.alpha.kubernetes.io/app";
    let pod = "seccomp.security.alpha.kubernetes.io/pod";
    // A Pod whose annotations are written where a template's would be: not read.
    let misplaced = m(vec![
        ("kind", s("Pod")),
        (
            "spec",
            m(vec![(
                "template",
                m(vec![(
                    "metadata",
                    m(vec![("annotations", m(vec![(pod, s("runtime/default"))]))]),
                )]),
            )]),
        ),
    ]);
    cases.extend([
        c(
            "seccomp_profile",
            vec![m(vec![
                ("securityContext", seccomp("Localhost")),
                (
                    "pod_spec",
                    m(vec![("securityContext", seccomp("Unconfined"))]),
                ),
            ])],
            is(profile(s("Localhost"), s("Localhost"))),
        ),
        c(
            "seccomp_profile",
            vec![m(vec![(
                "pod_spec",
                m(vec![("securityContext", seccomp("Unconfined"))]),
            )])],
            is(profile(s("Unconfined"), s("Unconfined"))),
        ),
        c(
            "seccomp_profile",
            vec![annotated(
                "Deployment",
                vec![(pod, s("docker/default")), (own, s("unconfined"))],
            )],
            is(profile(s("Unconfined"), s("unconfined"))),
        ),
        // A null container annotation falls back to the pod's, as `??` does.
        c(
            "seccomp_profile",
            vec![annotated(
                "Pod",
                vec![(own, null()), (pod, s("runtime/default"))],
            )],
            is(profile(s("RuntimeDefault"), s("runtime/default"))),
        ),
        c(
            "seccomp_profile",
            vec![annotated(
                "CronJob",
                vec![(pod, s("localhost/profiles/audit.json"))],
            )],
            is(profile(s("Localhost"), s("localhost/profiles/audit.json"))),
        ),
        c(
            "seccomp_profile",
            vec![annotated("Deployment", vec![(pod, s("custom"))])],
            is(profile(s("custom"), s("custom"))),
        ),
        c(
            "seccomp_profile",
            vec![m(vec![("name", s("app")), ("workload", misplaced)])],
            is(profile(missing(), missing())),
        ),
        c(
            "seccomp_profile",
            vec![m(vec![])],
            is(profile(missing(), missing())),
        ),
        c("seccomp_profile", vec![missing()], Want::Missing),
        c(
            "seccomp_profile",
            vec![s("c")],
            err(0, "expected a map, found string"),
        ),
    ]);
    cases
}
