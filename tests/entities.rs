//! Tests of the entity layer: what `Entities::build` derives from documents.
//!
//! Documents are written as `serde_json::json!` and converted to values in which every node and
//! key gets its own made-up span, so tests can check that spans survive.

use palisade::entities::{kind, kinds, Entities, InputDoc};
use palisade::input::{Document, Format};
use palisade::source::{FileId, Span};
use palisade::value::{Kind, Map, Value};
use serde_json::json;

/// Converts JSON to a value; every node and every key gets a distinct span in `file`.
fn to_value(json: &serde_json::Value, file: FileId, next: &mut usize) -> Value {
    let mut span = || {
        *next += 1;
        Span::new(file, *next, *next + 1)
    };
    let node_span = span();
    let kind = match json {
        serde_json::Value::Null => Kind::Null,
        serde_json::Value::Bool(b) => Kind::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Kind::Int(i),
            None => Kind::Float(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => Kind::Str(s.as_str().into()),
        serde_json::Value::Array(items) => {
            let items = items.iter().map(|v| to_value(v, file, next)).collect();
            Kind::List(std::sync::Arc::new(items))
        }
        serde_json::Value::Object(entries) => {
            let mut map = Map::new();
            for (k, v) in entries {
                *next += 1;
                let key_span = Span::new(file, *next, *next + 1);
                map.insert(k.as_str(), Some(key_span), to_value(v, file, next));
            }
            Kind::Map(std::sync::Arc::new(map))
        }
    };
    Value::with_span(kind, node_span)
}

/// The loaded form of some test files: (path, format, documents).
struct Files {
    files: Vec<(palisade::value::ArcStr, Format, Vec<Document>)>,
}

impl Files {
    fn new(files: &[(&str, Format, Vec<serde_json::Value>)]) -> Files {
        let files = files
            .iter()
            .enumerate()
            .map(|(f, (path, format, docs))| {
                let file = FileId(f as u32);
                let mut next = 0;
                let docs = docs
                    .iter()
                    .enumerate()
                    .map(|(index, json)| {
                        let start = next;
                        let value = to_value(json, file, &mut next);
                        Document {
                            index,
                            value,
                            span: Span::new(file, start, next + 1),
                        }
                    })
                    .collect();
                (palisade::value::ArcStr::from(*path), *format, docs)
            })
            .collect();
        Files { files }
    }

    fn inputs(&self) -> Vec<InputDoc<'_>> {
        let mut out = Vec::new();
        for (f, (path, format, docs)) in self.files.iter().enumerate() {
            for doc in docs {
                out.push(InputDoc {
                    file: FileId(f as u32),
                    path,
                    format: *format,
                    doc,
                    firewall: None,
                });
            }
        }
        out
    }

    fn build(&self) -> Entities {
        Entities::build(&self.inputs())
    }
}

/// Entities from YAML documents, one file per argument.
fn yaml(files: &[(&str, Vec<serde_json::Value>)]) -> (Files, Entities) {
    let files: Vec<_> = files
        .iter()
        .map(|(p, d)| (*p, Format::Yaml, d.clone()))
        .collect();
    let files = Files::new(&files);
    let entities = files.build();
    (files, entities)
}

fn list<'a>(e: &'a Entities, kind: &str) -> &'a [Value] {
    assert!(e.get(kind).is_some(), "unknown kind {kind}");
    e.get(kind).map_or(&[], |l| l.as_slice())
}

/// Follows a dotted path of fields.
fn at(v: &Value, path: &str) -> Value {
    path.split('.').fold(v.clone(), |v, k| v.field(k))
}

fn s(v: &Value, path: &str) -> String {
    at(v, path).display()
}

fn names(values: &[Value], path: &str) -> Vec<String> {
    values.iter().map(|v| s(v, path)).collect()
}

fn container(name: &str) -> serde_json::Value {
    json!({"name": name, "image": format!("registry.local/{name}:1.0")})
}

fn pod_template(labels: serde_json::Value, name: &str) -> serde_json::Value {
    json!({
        "metadata": {"labels": labels},
        "spec": {"containers": [container(name)]}
    })
}

fn deployment(name: &str, ns: Option<&str>, labels: serde_json::Value) -> serde_json::Value {
    let mut meta = json!({"name": name});
    if let Some(ns) = ns {
        meta["namespace"] = json!(ns);
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta,
        "spec": {"template": pod_template(labels, name)}
    })
}

fn network_policy(name: &str, ns: &str, spec: serde_json::Value) -> serde_json::Value {
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": ns},
        "spec": spec
    })
}

#[test]
fn containers_of_every_workload_kind() {
    let tpl = |n: &str| pod_template(json!({"app": n}), n);
    let (_f, e) = yaml(&[(
        "k8s/all.yaml",
        vec![
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "pod", "namespace": "ot"},
            "spec": {
                "initContainers": [container("pod-init")],
                "containers": [container("pod-main"), container("pod-sidecar")],
                "ephemeralContainers": [container("pod-debug")]
            }}),
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "deploy"},
                   "spec": {"template": tpl("deploy")}}),
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "sts"},
                   "spec": {"template": tpl("sts")}}),
            json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "ds"},
                   "spec": {"template": tpl("ds")}}),
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs"},
                   "spec": {"template": tpl("rs")}}),
            json!({"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "rc"},
                   "spec": {"template": tpl("rc")}}),
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "job"},
                   "spec": {"template": tpl("job")}}),
            json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "cron"},
                   "spec": {"schedule": "@daily", "jobTemplate": {"spec": {"template": tpl("cron")}}}}),
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "not-a-workload"}}),
        ],
    )]);

    let workloads = list(&e, "k8s.workloads");
    assert_eq!(
        names(workloads, "kind"),
        [
            "Pod",
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "ReplicaSet",
            "ReplicationController",
            "Job",
            "CronJob"
        ]
    );
    assert_eq!(s(&workloads[7], "pod_labels.app"), "cron");
    assert_eq!(s(&workloads[0], "pod_labels.app"), "<missing>");
    assert!(at(&workloads[0], "pod_labels").as_map().is_some());

    let containers = list(&e, "k8s.containers");
    assert_eq!(
        names(containers, "name"),
        [
            "pod-main",
            "pod-sidecar",
            "pod-init",
            "pod-debug",
            "deploy",
            "sts",
            "ds",
            "rs",
            "rc",
            "job",
            "cron"
        ]
    );
    assert_eq!(
        names(&containers[..4], "container_type"),
        ["container", "container", "init", "ephemeral"]
    );
    let pod_debug = &containers[3];
    assert_eq!(s(pod_debug, "workload.kind"), "Pod");
    assert_eq!(s(pod_debug, "workload.name"), "pod");
    assert_eq!(s(pod_debug, "workload.namespace"), "ot");
    assert_eq!(s(pod_debug, "workload.file"), "k8s/all.yaml");
    assert_eq!(s(pod_debug, "file"), "k8s/all.yaml");
    assert!(at(pod_debug, "pod_spec.ephemeralContainers")
        .as_list()
        .is_some());

    let cron = &containers[10];
    assert_eq!(s(cron, "workload.kind"), "CronJob");
    assert_eq!(s(cron, "workload.name"), "cron");
    assert_eq!(s(cron, "workload.namespace"), "default");
    assert_eq!(s(cron, "image"), "registry.local/cron:1.0");
    assert_eq!(s(cron, "container_type"), "container");
}

#[test]
fn namespace_defaulting_and_cluster_scope() {
    let (_f, e) = yaml(&[(
        "k8s/ns.yaml",
        vec![
            deployment("a", None, json!({})),
            deployment("b", Some("ot-dmz"), json!({})),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                   "metadata": {"name": "admin-ish", "namespace": "ignored"}}),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ot-dmz"}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm", "namespace": ""}}),
        ],
    )]);
    let objects = list(&e, "k8s.objects");
    assert_eq!(
        objects
            .iter()
            .map(|o| at(o, "namespace").to_json())
            .collect::<Vec<_>>(),
        [
            json!("default"),
            json!("ot-dmz"),
            json!(null),
            json!(null),
            json!("default")
        ]
    );
    // A defaulted namespace points at `metadata`.
    assert_eq!(
        at(&objects[0], "namespace").span,
        at(&objects[0], "metadata").span
    );
    // A written namespace keeps its own span.
    assert_eq!(
        at(&objects[1], "namespace").span,
        at(&objects[1], "metadata.namespace").span
    );
    assert_eq!(s(&objects[1], "name"), "b");
    assert_eq!(s(&objects[1], "file"), "k8s/ns.yaml");
    assert!(at(&objects[1], "labels")
        .as_map()
        .is_some_and(Map::is_empty));

    assert_eq!(names(list(&e, "k8s.rbac"), "name"), ["admin-ish"]);
    assert_eq!(names(list(&e, "k8s.config_maps"), "name"), ["cm"]);
    assert_eq!(
        names(list(&e, "k8s.namespaces"), "name"),
        ["default", "ot-dmz"]
    );
}

#[test]
fn lists_are_expanded() {
    let (_f, e) = yaml(&[(
        "k8s/list.yaml",
        vec![
            json!({"apiVersion": "v1", "kind": "List", "items": [
                deployment("one", Some("ot"), json!({"app": "one"})),
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc", "namespace": "ot"},
                 "spec": {"selector": {"app": "one"}}},
                {"apiVersion": "v1", "kind": "DeploymentList", "items": [deployment("two", Some("ot"), json!({}))]},
                {"not": "an object"}
            ]}),
            deployment("three", Some("ot"), json!({})),
        ],
    )]);
    assert_eq!(
        names(list(&e, "k8s.objects"), "name"),
        ["one", "svc", "two", "three"]
    );
    assert_eq!(
        names(list(&e, "k8s.workloads"), "name"),
        ["one", "two", "three"]
    );
    let one = &list(&e, "k8s.workloads")[0];
    assert_eq!(
        names(at(one, "services").as_list().unwrap_or_default(), "name"),
        ["svc"]
    );
    assert_eq!(list(&e, "docs").len(), 2);
}

#[test]
fn network_policies_select_workloads() {
    let (_f, e) = yaml(&[(
        "k8s/np.yaml",
        vec![
            network_policy("all", "ot", json!({"podSelector": {}, "ingress": [{}]})),
            network_policy(
                "scada-only",
                "ot",
                json!({"podSelector": {"matchLabels": {"app": "scada"}}}),
            ),
            network_policy(
                "tier-in",
                "ot",
                json!({"podSelector": {"matchExpressions": [
                    {"key": "tier", "operator": "In", "values": ["supervisory", "control"]}
                ]}}),
            ),
            network_policy(
                "not-legacy",
                "ot",
                json!({"podSelector": {"matchExpressions": [
                    {"key": "legacy", "operator": "NotIn", "values": ["true"]}
                ]}}),
            ),
            network_policy(
                "has-zone-no-debug",
                "ot",
                json!({"podSelector": {"matchLabels": {"tier": "supervisory"}, "matchExpressions": [
                    {"key": "zone", "operator": "Exists"},
                    {"key": "debug", "operator": "DoesNotExist"}
                ]}}),
            ),
            network_policy(
                "bad-operator",
                "ot",
                json!({"podSelector": {"matchExpressions": [{"key": "app", "operator": "Near"}]}}),
            ),
            network_policy("other-namespace", "dmz", json!({"podSelector": {}})),
            deployment(
                "scada",
                Some("ot"),
                json!({"app": "scada", "tier": "supervisory", "zone": "z1"}),
            ),
            deployment(
                "hmi",
                Some("ot"),
                json!({"app": "hmi", "tier": "supervisory", "zone": "z1", "debug": "1"}),
            ),
            deployment("old", Some("ot"), json!({"app": "old", "legacy": "true"})),
            deployment("elsewhere", Some("plant"), json!({"app": "scada"})),
        ],
    )]);
    let workloads = list(&e, "k8s.workloads");
    let selected = |i: usize| {
        names(
            at(&workloads[i], "network_policies")
                .as_list()
                .unwrap_or_default(),
            "name",
        )
    };
    assert_eq!(
        selected(0),
        [
            "all",
            "scada-only",
            "tier-in",
            "not-legacy",
            "has-zone-no-debug"
        ]
    );
    assert_eq!(selected(1), ["all", "tier-in", "not-legacy"]);
    assert_eq!(selected(2), ["all"]);
    assert!(selected(3).is_empty());
    // Containers see the workload's policies.
    let c = &list(&e, "k8s.containers")[3];
    assert_eq!(s(c, "name"), "elsewhere");
    assert_eq!(
        at(c, "workload.network_policies")
            .as_list()
            .map(<[Value]>::len),
        Some(0)
    );
    assert_eq!(list(&e, "k8s.network_policies").len(), 7);
}

#[test]
fn build_only_derives_the_wanted_kinds_as_build_does() {
    let service = json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "scada", "namespace": "ot"}, "spec": {"selector": {"app": "scada"}}});
    let ingress = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": "web", "namespace": "ot"}});
    let f = Files::new(&[(
        "k8s/all.yaml",
        Format::Yaml,
        vec![
            network_policy(
                "scada-only",
                "ot",
                json!({"podSelector": {"matchLabels": {"app": "scada"}}}),
            ),
            service,
            deployment("scada", Some("ot"), json!({"app": "scada"})),
            deployment("hmi", Some("ot"), json!({"app": "hmi"})),
            ingress,
        ],
    )]);
    let all = f.build();
    let wanted = ["k8s.workloads", "k8s.ingresses"];
    let some = Entities::build_only(&f.inputs(), &|k| wanted.contains(&k));
    for k in kinds() {
        let derived = some.get(k.name).is_some();
        assert_eq!(derived, wanted.contains(&k.name), "{}", k.name);
    }
    assert_eq!(some.count(), 3);
    // The same workloads, and what selects them is still found (the indexes are built when
    // first read, whatever else was derived).
    // Name, span, selecting NetworkPolicies, selecting Services.
    type Seen = (String, Option<Span>, Vec<String>, Vec<String>);
    let workloads = |e: &Entities| -> Vec<Seen> {
        list(e, "k8s.workloads")
            .iter()
            .map(|w| {
                let selecting =
                    |field: &str| names(at(w, field).as_list().unwrap_or_default(), "name");
                (
                    s(w, "name"),
                    w.span,
                    selecting("network_policies"),
                    selecting("services"),
                )
            })
            .collect()
    };
    let derived = workloads(&some);
    assert_eq!(derived, workloads(&all));
    assert_eq!(derived[0].2, ["scada-only"]);
    assert_eq!(derived[0].3, ["scada"]);
    assert!(derived[1].2.is_empty() && derived[1].3.is_empty());
    assert_eq!(names(list(&some, "k8s.ingresses"), "name"), ["web"]);
}

#[test]
fn services_select_workloads_by_non_empty_subset() {
    let svc = |name: &str, selector: serde_json::Value| {
        json!({"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": name, "namespace": "ot"}, "spec": {"selector": selector}})
    };
    let (_f, e) = yaml(&[(
        "k8s/svc.yaml",
        vec![
            svc("match", json!({"app": "hmi"})),
            svc("empty", json!({})),
            svc("too-specific", json!({"app": "hmi", "tier": "web"})),
            deployment("hmi", Some("ot"), json!({"app": "hmi", "zone": "z1"})),
        ],
    )]);
    let w = &list(&e, "k8s.workloads")[0];
    assert_eq!(
        names(at(w, "services").as_list().unwrap_or_default(), "name"),
        ["match"]
    );
    assert_eq!(list(&e, "k8s.services").len(), 3);
}

#[test]
fn namespaces_list_their_objects_and_workloads() {
    let (_f, e) = yaml(&[(
        "k8s/app.yaml",
        vec![
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ot"}}),
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                    "metadata": {"name": "hmi", "namespace": "ot"},
                    "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}}}),
            json!({"apiVersion": "v1", "kind": "ResourceQuota",
                    "metadata": {"name": "q", "namespace": "ot"}}),
            // No namespace: `default`.
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}),
            // Cluster-scoped: in no namespace.
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                    "metadata": {"name": "r", "namespace": "ot"}}),
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
                    "metadata": {"name": "historian", "namespace": "ot"}, "spec": {}}),
        ],
    )]);
    let ns = list(&e, "k8s.namespaces");
    assert_eq!(names(ns, "name"), ["ot", "default"]);
    let of = |n: &Value, field: &str| names(at(n, field).as_list().unwrap_or_default(), "name");
    assert_eq!(of(&ns[0], "objects"), ["hmi", "q", "historian"]);
    assert_eq!(of(&ns[0], "workloads"), ["hmi", "historian"]);
    assert_eq!(of(&ns[1], "objects"), ["p"]);
    assert_eq!(of(&ns[1], "workloads"), ["p"]);
    // The workloads are the `k8s.workloads` entities themselves (with their derived fields).
    assert_eq!(
        s(
            &at(&ns[0], "workloads").as_list().unwrap_or_default()[0],
            "kind"
        ),
        "Deployment"
    );
    let workloads = at(&ns[0], "workloads");
    let hmi = &workloads.as_list().unwrap_or_default()[0];
    assert!(at(hmi, "pod_spec").as_map().is_some());
    assert_eq!(hmi.span, list(&e, "k8s.workloads")[0].span);
}

/// The cross-document pass reads the NetworkPolicies and Services (the namespaces' default
/// deny, the workloads' `network_policies` and `services`); the records of the other objects
/// are not kept to the end of the run, their values being in the namespaces' lists already.
#[test]
fn the_cross_document_pass_keeps_the_records_of_the_objects_it_reads_only() {
    let service = json!({"apiVersion": "v1", "kind": "Service",
                         "metadata": {"name": "web", "namespace": "ot"},
                         "spec": {"selector": {"app": "hmi"}}});
    let (_f, e) = yaml(&[(
        "k8s/app.yaml",
        vec![
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ot"}}),
            deployment("hmi", Some("ot"), json!({"app": "hmi"})),
            service,
            network_policy("deny-in", "ot", json!({"podSelector": {}})),
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "settings", "namespace": "ot"}}),
        ],
    )]);
    let ns = list(&e, "k8s.namespaces");
    assert_eq!(names(ns, "name"), ["ot"]);
    let of = |n: &Value, field: &str| names(at(n, field).as_list().unwrap_or_default(), "name");
    assert_eq!(of(&ns[0], "objects"), ["hmi", "web", "deny-in", "settings"]);
    assert_eq!(of(&ns[0], "network_policies"), ["deny-in"]);
    assert_eq!(at(&ns[0], "default_deny_ingress").as_bool(), Some(true));
    let hmi = &list(&e, "k8s.workloads")[0];
    assert_eq!(of(hmi, "services"), ["web"]);
    assert_eq!(of(hmi, "network_policies"), ["deny-in"]);
    // Two records held (the Service and the NetworkPolicy), not five.
    let shown = format!("{e:?}");
    let tail = shown.rsplit(", _held: ").next().unwrap_or_default();
    assert_eq!(tail, "2 objects }");
}

/// Each file's namespaces are gathered as it loads and the files' put together in order (in
/// parallel halves for many files): the same namespaces as one pass over every object. A
/// namespace used before it is declared takes its place from the use, its name and object
/// from the first declaration (a later one is ignored), and its objects and workloads from
/// every file in input order.
#[test]
fn namespaces_gathered_file_by_file_are_those_of_one_pass() {
    const FILES: usize = 700;
    let namespace =
        |name: &str| json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
    let paths: Vec<String> = (0..FILES).map(|i| format!("k8s/f{i:04}.yaml")).collect();
    let files: Vec<(&str, Vec<serde_json::Value>)> = (0..FILES)
        .map(|i| {
            let mut docs = vec![deployment(
                &format!("w{i}"),
                Some(&format!("ns{}", i % 3)),
                json!({}),
            )];
            match i {
                300 => docs.insert(0, namespace("ns1")),
                450 => {
                    docs.push(namespace("ns1"));
                    docs.push(namespace("ns9"));
                }
                600 => docs.push(json!({"apiVersion": "v1", "kind": "ResourceQuota",
                                        "metadata": {"name": "q", "namespace": "ns9"}})),
                _ => {}
            }
            (paths[i].as_str(), docs)
        })
        .collect();
    let (_f, e) = yaml(&files);
    let ns = list(&e, "k8s.namespaces");
    assert_eq!(names(ns, "name"), ["ns0", "ns1", "ns2", "ns9"]);
    let of = |n: &Value, field: &str| names(at(n, field).as_list().unwrap_or_default(), "name");
    for (k, n) in ns.iter().take(3).enumerate() {
        let want: Vec<String> = (0..FILES)
            .filter(|i| i % 3 == k)
            .map(|i| format!("w{i}"))
            .collect();
        assert_eq!(of(n, "objects"), want);
        assert_eq!(of(n, "workloads"), want);
    }
    assert_eq!(of(&ns[3], "objects"), ["q"]);
    assert!(of(&ns[3], "workloads").is_empty());
    // `ns1`, first used in file 1, is declared in file 300 (and again in 450).
    let declared: Vec<&Value> = (list(&e, "k8s.objects").iter())
        .filter(|o| s(o, "kind") == "Namespace")
        .collect();
    assert_eq!(
        names(
            &declared.iter().map(|v| (*v).clone()).collect::<Vec<_>>(),
            "metadata.name"
        ),
        ["ns1", "ns1", "ns9"]
    );
    assert_eq!(at(&ns[1], "object").span, declared[0].span);
    assert_eq!(
        at(&ns[1], "name").span,
        at(declared[0], "metadata.name").span
    );
    assert_eq!(ns[1].span, declared[0].span);
    assert!(at(&ns[0], "object").is_missing());
    assert_eq!(at(&ns[3], "object").span, declared[2].span);
}

#[test]
fn default_deny_detection() {
    let (_f, e) = yaml(&[
        (
            "k8s/namespaces.yaml",
            vec![
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ot-supervisory"}}),
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ot-dmz"}}),
            ],
        ),
        (
            "k8s/policies.yaml",
            vec![
                // Ingress deny by default policyTypes.
                network_policy("deny-in", "ot-supervisory", json!({"podSelector": {}})),
                // Both directions.
                network_policy(
                    "deny-all",
                    "ot-control",
                    json!({"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
                ),
                // Allows everything: not a deny.
                network_policy(
                    "allow-all",
                    "ot-dmz",
                    json!({"podSelector": {}, "ingress": [{}], "policyTypes": ["Ingress"]}),
                ),
                // Not an empty selector: not a default deny.
                network_policy(
                    "scada",
                    "ot-dmz",
                    json!({"podSelector": {"matchLabels": {"app": "x"}}, "policyTypes": ["Ingress", "Egress"]}),
                ),
                // Egress only, with egress: [] and no policyTypes: Kubernetes does not enforce egress.
                network_policy(
                    "egress-unset",
                    "ot-edge",
                    json!({"podSelector": {}, "egress": [], "policyTypes": []}),
                ),
                // Egress listed but ingress not.
                network_policy(
                    "deny-out",
                    "ot-edge2",
                    json!({"podSelector": {"matchLabels": {}}, "policyTypes": ["Egress"]}),
                ),
            ],
        ),
    ]);
    let ns = list(&e, "k8s.namespaces");
    assert_eq!(
        names(ns, "name"),
        [
            "ot-supervisory",
            "ot-dmz",
            "ot-control",
            "ot-edge",
            "ot-edge2"
        ]
    );
    let flags: Vec<(bool, bool)> = ns
        .iter()
        .map(|n| {
            (
                at(n, "default_deny_ingress").as_bool().unwrap_or_default(),
                at(n, "default_deny_egress").as_bool().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        flags,
        [
            (true, false),
            (false, false),
            (true, true),
            (true, false),
            (false, true)
        ]
    );
    // Declared namespaces carry their object; used-only ones do not.
    assert_eq!(s(&ns[0], "object.kind"), "Namespace");
    assert!(at(&ns[2], "object").is_missing());
    assert_eq!(
        names(
            at(&ns[1], "network_policies").as_list().unwrap_or_default(),
            "name"
        ),
        ["allow-all", "scada"]
    );
    // The entity spans the Namespace object; the flag spans the deny policy.
    assert_eq!(ns[0].span, list(&e, "k8s.objects")[0].span);
    assert_eq!(
        at(&ns[0], "default_deny_ingress").span,
        list(&e, "k8s.network_policies")[0].span
    );
}

#[test]
fn compose_services_networks_and_volumes() {
    let files = Files::new(&[
        (
            "compose/edge/compose.yaml",
            Format::Yaml,
            vec![json!({
                "name": "edge",
                "services": {
                    "broker": {"image": "eclipse-mosquitto:2", "ports": ["1883:1883"]},
                    "converter": {"image": "plant/modbus2mqtt", "privileged": true, "networks": ["ot"]}
                },
                "networks": {"ot": {"driver": "bridge"}, "it": null},
                "volumes": {"data": null}
            })],
        ),
        (
            "compose.json",
            Format::Json,
            vec![json!({"services": {"web": {"image": "nginx"}}})],
        ),
        // Not Compose: services is a list, or the document is a Kubernetes object.
        (
            "other.yaml",
            Format::Yaml,
            vec![
                json!({"services": ["a", "b"]}),
                json!({"apiVersion": "v1", "kind": "Thing", "services": {"a": {}}}),
            ],
        ),
    ]);
    let e = files.build();
    let services = list(&e, "compose.services");
    assert_eq!(names(services, "name"), ["broker", "converter", "web"]);
    assert_eq!(names(services, "project"), ["edge", "edge", "<missing>"]);
    assert_eq!(
        names(services, "file"),
        [
            "compose/edge/compose.yaml",
            "compose/edge/compose.yaml",
            "compose.json"
        ]
    );
    assert_eq!(at(&services[1], "privileged").as_bool(), Some(true));
    // The service name spans the key it was written as.
    let root = &files.files[0].2[0].value;
    let key_span = root
        .field("services")
        .as_map()
        .and_then(|m| m.get_entry("converter"))
        .and_then(|e| e.key_span());
    assert_eq!(at(&services[1], "name").span, key_span);
    assert_eq!(services[1].span, at(root, "services.converter").span);

    // (`json!` sorts keys, so the file order here is alphabetical.)
    let networks = list(&e, "compose.networks");
    assert_eq!(names(networks, "name"), ["it", "ot"]);
    assert_eq!(s(&networks[1], "driver"), "bridge");
    assert!(networks[0].as_map().is_some_and(|m| m.len() == 3));
    assert_eq!(names(list(&e, "compose.volumes"), "name"), ["data"]);
    assert_eq!(
        names(list(&e, "compose.volumes"), "file"),
        ["compose/edge/compose.yaml"]
    );
    assert!(list(&e, "k8s.objects")
        .iter()
        .all(|o| s(o, "kind") == "Thing"));
}

#[test]
fn docs_entity_covers_every_document() {
    let files = Files::new(&[
        (
            "config/historian.toml",
            Format::Toml,
            vec![json!({"retention_days": 30})],
        ),
        (
            "k8s/two.yaml",
            Format::Yaml,
            vec![json!({"a": 1}), json!(["not", "a", "map"])],
        ),
    ]);
    let e = files.build();
    let docs = list(&e, "docs");
    assert_eq!(
        names(docs, "path"),
        ["config/historian.toml", "k8s/two.yaml", "k8s/two.yaml"]
    );
    assert_eq!(names(docs, "format"), ["toml", "yaml", "yaml"]);
    assert_eq!(
        docs.iter()
            .map(|d| at(d, "index").as_int())
            .collect::<Vec<_>>(),
        [Some(0), Some(0), Some(1)]
    );
    assert_eq!(at(&docs[0], "value.retention_days").as_int(), Some(30));
    assert_eq!(docs[2].span, Some(files.files[1].2[1].span));
    assert_eq!(at(&docs[2], "value").span, files.files[1].2[1].value.span);
}

#[test]
fn output_is_deterministic_and_in_input_order() {
    let docs: Vec<serde_json::Value> = (0..300)
        .map(|i| {
            let ns = format!("ns-{}", i % 7);
            deployment(
                &format!("w{i:03}"),
                Some(&ns),
                json!({"app": format!("a{}", i % 3)}),
            )
        })
        .chain((0..7).map(|n| {
            network_policy(
                &format!("p{n}"),
                &format!("ns-{n}"),
                json!({"podSelector": {"matchLabels": {"app": "a1"}}}),
            )
        }))
        .collect();
    let files = Files::new(&[("k8s/many.yaml", Format::Yaml, docs)]);
    let first = files.build();
    let expected: Vec<String> = (0..300).map(|i| format!("w{i:03}")).collect();
    assert_eq!(names(list(&first, "k8s.containers"), "name"), expected);
    for _ in 0..5 {
        let again = files.build();
        for k in kinds() {
            let a: Vec<_> = list(&first, k.name).iter().map(Value::to_json).collect();
            let b: Vec<_> = list(&again, k.name).iter().map(Value::to_json).collect();
            assert_eq!(a, b, "kind {}", k.name);
            let sa: Vec<_> = list(&first, k.name).iter().map(|v| v.span).collect();
            let sb: Vec<_> = list(&again, k.name).iter().map(|v| v.span).collect();
            assert_eq!(sa, sb, "spans of kind {}", k.name);
        }
    }
    let w1 = &list(&first, "k8s.workloads")[1];
    assert_eq!(
        names(
            at(w1, "network_policies").as_list().unwrap_or_default(),
            "name"
        ),
        ["p1"]
    );
}

#[test]
fn original_spans_are_preserved() {
    let files = Files::new(&[(
        "k8s/scada.yaml",
        Format::Yaml,
        vec![json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "scada", "namespace": "ot"},
            "spec": {"template": {"spec": {"containers": [
                {"name": "scada", "image": "scada:latest", "securityContext": {"privileged": true}}
            ]}}}
        })],
    )]);
    let e = files.build();
    let root = &files.files[0].2[0].value;
    let original = at(root, "spec.template.spec.containers")
        .as_list()
        .and_then(|l| l.first().cloned())
        .unwrap_or(Value::MISSING);
    let c = &list(&e, "k8s.containers")[0];

    let privileged = at(c, "securityContext.privileged");
    assert_eq!(privileged.as_bool(), Some(true));
    assert!(privileged.span.is_some());
    assert_eq!(
        privileged.span,
        at(&original, "securityContext.privileged").span
    );
    // The entity spans the container; original keys keep their key spans.
    assert_eq!(c.span, original.span);
    let key_span = |v: &Value, k: &str| {
        v.as_map()
            .and_then(|m| m.get_entry(k))
            .and_then(|e| e.key_span())
    };
    assert_eq!(key_span(c, "image"), key_span(&original, "image"));
    assert!(key_span(&original, "image").is_some());
    // Synthetic fields point into the workload.
    assert_eq!(at(c, "workload.name").span, at(root, "metadata.name").span);
    assert_eq!(at(c, "workload").span, root.span);
    assert_eq!(
        at(c, "workload.namespace").span,
        at(root, "metadata.namespace").span
    );
    // A missing field still points at its deepest present parent.
    assert_eq!(
        at(c, "securityContext.runAsNonRoot").span,
        at(&original, "securityContext").span
    );
}

#[test]
fn synthetic_fields_never_replace_original_keys() {
    let (_f, e) = yaml(&[(
        "k8s/odd.yaml",
        vec![
            json!({"apiVersion": "example.com/v1", "kind": "Widget", "name": "top-level",
                    "file": "mine", "metadata": {"name": "meta"}}),
        ],
    )]);
    let o = &list(&e, "k8s.objects")[0];
    assert_eq!(s(o, "name"), "top-level");
    assert_eq!(s(o, "file"), "mine");
    assert_eq!(s(o, "namespace"), "default");
}

#[test]
fn catalogue_matches_what_is_built() {
    let empty = Entities::build(&[]);
    for k in kinds() {
        let got = empty.get(k.name);
        assert!(
            got.is_some_and(|l| l.is_empty()),
            "kind {} not built",
            k.name
        );
        assert!(!k.doc.is_empty());
        assert!(kind(k.name).is_some_and(|found| std::ptr::eq(found, k)));
        for f in k.fields {
            assert!(!f.doc.is_empty(), "{}.{} has no doc", k.name, f.name);
        }
        let mut names: Vec<_> = k.fields.iter().map(|f| f.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), k.fields.len(), "duplicate field in {}", k.name);
    }
    assert!(empty.get("k8s.pods").is_none());
    assert!(kind("k8s.pods").is_none());
    // Every built kind is in the catalogue: build a bit of everything and compare counts.
    let (_f, e) = yaml(&[("x.yaml", vec![json!({"services": {"a": {}}})])]);
    let built = kinds().iter().filter(|k| e.get(k.name).is_some()).count();
    assert_eq!(built, kinds().len());
}

#[test]
fn docs_page_lists_every_kind_and_field() {
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/entities.md"))
        .unwrap_or_default();
    for k in kinds() {
        assert!(
            page.contains(&format!("## `{}`", k.name)),
            "docs/entities.md lacks {}",
            k.name
        );
        let section = page
            .split(&format!("## `{}`", k.name))
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .unwrap_or_default();
        for f in k.fields {
            assert!(
                section.contains(&format!("| `{}` |", f.name)),
                "docs/entities.md: {} lacks field {}",
                k.name,
                f.name
            );
        }
    }
}

#[test]
fn indexed_selection_matches_label_text_and_keeps_input_order() {
    let (_f, e) = yaml(&[(
        "k8s/np.yaml",
        vec![
            network_policy(
                "zone-and-app",
                "ot",
                json!({"podSelector": {"matchLabels": {"zone": "z1", "app": "hmi"}}}),
            ),
            network_policy(
                "tier-number",
                "ot",
                json!({"podSelector": {"matchLabels": {"tier": 1}}}),
            ),
            network_policy("everything", "ot", json!({"podSelector": {}})),
            network_policy(
                "app-first",
                "ot",
                json!({"podSelector": {"matchLabels": {"app": "hmi"}}}),
            ),
            network_policy(
                "list-value",
                "ot",
                json!({"podSelector": {"matchLabels": {"app": ["hmi"]}}}),
            ),
            deployment(
                "hmi",
                Some("ot"),
                json!({"app": "hmi", "zone": "z1", "tier": "1"}),
            ),
            deployment("other", Some("ot"), json!({"app": "plc", "zone": "z1"})),
        ],
    )]);
    let workloads = list(&e, "k8s.workloads");
    let selected = |i: usize| {
        names(
            at(&workloads[i], "network_policies")
                .as_list()
                .unwrap_or_default(),
            "name",
        )
    };
    // Filed under different pairs, reported in input order; `tier: 1` matches the text "1".
    assert_eq!(
        selected(0),
        ["zone-and-app", "tier-number", "everything", "app-first"]
    );
    // Carries the first pair of `zone-and-app` but not its second.
    assert_eq!(selected(1), ["everything"]);
}
