//! `std.k8s` natives: the parts of an image reference (`[registry/]repository[:tag][@digest]`),
//! what a container's command line mentions, and the seccomp profile that applies to it.
//!
//! Natives rather than functions written in the language: every container of a run is asked
//! them, by several rules, and splitting a reference into lists of strings to read one part,
//! or a command line into JSON text to search it, cost a few dozen evaluation steps and as
//! many allocations a call. The image functions read a reference exactly as the functions
//! written in the language did, and likewise take a missing or null image as `""` (no tag, no
//! registry, no digest) rather than giving missing; any other non-string is an error.

use std::borrow::Cow;

use arcstr::{literal, ArcStr};

use crate::types::Ty;
use crate::value::{Kind, Map, Value};

use super::args::{arity, string, type_error};
use super::{Native, NativeError, Param};

const MODULE: &str = "std.k8s";

const IMAGE: &[Param] = &[Param {
    name: "image",
    ty: Ty::String,
}];

pub(crate) static NATIVES: &[Native] = &[
    Native {
        module: MODULE,
        name: "image_has_digest",
        params: IMAGE,
        returns: Ty::Bool,
        doc: "Whether an image reference is pinned by digest (`name@sha256:…`).\n\n\
              A missing or null image is not; a non-string is an error.\n\n\
              Example: `image_has_digest(\"nginx@sha256:0d17…\")` → `true`",
        func: image_has_digest,
    },
    Native {
        module: MODULE,
        name: "image_tag",
        params: IMAGE,
        returns: Ty::String,
        doc: "The tag of an image reference, `latest` when none is written.\n\n\
              The tag is what follows the last `:` of the reference's last path component; a \
              digest-pinned image has the tag written before the `@`, if any. A missing or null \
              image has the tag `latest`; a non-string is an error.\n\n\
              Example: `image_tag(\"registry:5000/scada/hmi:2.4\")` → `\"2.4\"`",
        func: image_tag,
    },
    Native {
        module: MODULE,
        name: "image_is_floating",
        params: IMAGE,
        returns: Ty::Bool,
        doc: "Whether an image floats: it uses `:latest` (or no tag) and no digest.\n\n\
              A missing or null image floats; a non-string is an error.\n\n\
              Example: `image_is_floating(\"nginx\")` → `true`",
        func: image_is_floating,
    },
    Native {
        module: MODULE,
        name: "image_registry",
        params: IMAGE,
        returns: Ty::String,
        doc: "The registry host of an image reference, in lower case.\n\n\
              It is the reference's first path component when there are several and that one \
              contains a `.` or a `:` or is `localhost`; otherwise `docker.io`, Docker Hub \
              being the implicit default (also for a missing or null image). A non-string is \
              an error.\n\n\
              Example: `image_registry(\"nginx:1.25\")` → `\"docker.io\"`",
        func: image_registry,
    },
    Native {
        module: MODULE,
        name: "mentions",
        params: &[
            Param {
                name: "c",
                ty: Ty::Map,
            },
            Param {
                name: "text",
                ty: Ty::String,
            },
        ],
        returns: Ty::Bool,
        doc: "Whether a string of a container's `command` or `args` list contains `text`.\n\n\
              A cheap test to ask before splitting a command line into words. Items that are \
              not strings, and a `command` or `args` that is not a list, are passed over; a \
              missing or null container mentions nothing. A missing `text` gives missing; a \
              container that is not a map, or a `text` that is not a string, is an error.\n\n\
              Example: `mentions(c, \"--token-ttl\")`",
        func: mentions,
    },
    Native {
        module: MODULE,
        name: "seccomp_profile",
        params: &[Param {
            name: "c",
            ty: Ty::Map,
        }],
        returns: Ty::Map,
        doc: "The seccomp profile that applies to a container, as `{type, at}`.\n\n\
              The container's `securityContext.seccompProfile.type`, else its pod's, else the \
              legacy annotations of its workload's pods \
              (`container.seccomp.security.alpha.kubernetes.io/NAME`, then \
              `seccomp.security.alpha.kubernetes.io/pod`; `runtime/default` and \
              `docker/default` read as `RuntimeDefault`, `localhost/…` as `Localhost`, \
              `unconfined` as `Unconfined`). `at` is the setting the type comes from; when none \
              is set, `type` is missing and `at` is the container's missing setting, which \
              points where it belongs. `c` is a `k8s.containers` entity (its `pod_spec` and \
              `workload` are read); a missing container gives missing, another non-map is an \
              error.\n\n\
              Example: `seccomp_profile(c).type not in [\"RuntimeDefault\", \"Localhost\"]`",
        func: seccomp_profile,
    },
];

/// The reference in the only argument: `""` for missing or null, an error for other
/// non-strings.
fn reference(args: &[Value]) -> Result<&str, NativeError> {
    let [image] = arity(args)?;
    match &image.kind {
        Kind::Str(s) => Ok(s),
        Kind::Missing | Kind::Null => Ok(""),
        _ => Err(type_error(0, "a string", image)),
    }
}

/// The tag of `image` as the stdlib's former `image_tag` read it: after the last `:` of the
/// last `/`-separated component of the part before the first `@`; `None` without a `:`.
fn tag(image: &str) -> Option<&str> {
    let name = image.split('@').next().unwrap_or_default();
    let last = name.rsplit('/').next().unwrap_or_default();
    last.rsplit_once(':').map(|(_, tag)| tag)
}

fn has_digest(image: &str) -> bool {
    memchr::memmem::find(image.as_bytes(), b"@sha256:").is_some()
}

fn image_has_digest(args: &[Value]) -> Result<Value, NativeError> {
    reference(args).map(|image| Value::bool(has_digest(image)))
}

/// The implicit tag, shared rather than allocated for every image without one.
const LATEST: ArcStr = literal!("latest");

fn image_tag(args: &[Value]) -> Result<Value, NativeError> {
    let image = reference(args)?;
    Ok(Value::str(match tag(image) {
        Some(tag) if tag != "latest" => ArcStr::from(tag),
        _ => LATEST,
    }))
}

fn image_is_floating(args: &[Value]) -> Result<Value, NativeError> {
    let image = reference(args)?;
    Ok(Value::bool(
        !has_digest(image) && tag(image).is_none_or(|t| t == "latest"),
    ))
}

/// Docker Hub, the registry of a reference that names none.
const DOCKER_HUB: ArcStr = literal!("docker.io");

fn image_registry(args: &[Value]) -> Result<Value, NativeError> {
    let image = reference(args)?;
    let host = match image.split_once('/') {
        Some((first, _)) if first.contains(['.', ':']) || first == "localhost" => first,
        _ => return Ok(Value::str(DOCKER_HUB)),
    };
    // `lower` as the strings module has it; most hosts are lower-case ASCII already.
    Ok(Value::str(
        if host.is_ascii() && !host.bytes().any(|b| b.is_ascii_uppercase()) {
            ArcStr::from(host)
        } else {
            ArcStr::from(host.to_lowercase())
        },
    ))
}

fn mentions(args: &[Value]) -> Result<Value, NativeError> {
    let [c, text] = arity(args)?;
    if text.is_missing() {
        return Ok(text.clone());
    }
    let text = string(1, text)?;
    let c = match &c.kind {
        Kind::Map(c) => c,
        Kind::Missing | Kind::Null => return Ok(Value::bool(false)),
        _ => return Err(type_error(0, "a map", c)),
    };
    let finder = memchr::memmem::Finder::new(text.as_bytes());
    let found = ["command", "args"].iter().any(|key| {
        c.get(key).and_then(Value::as_list).is_some_and(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .any(|item| finder.find(item.as_bytes()).is_some())
        })
    });
    Ok(Value::bool(found))
}

/// `{type, at}`, as a map literal of the language builds it.
fn profile(kind: Value, at: Value) -> Value {
    let mut m = Map::with_capacity(2);
    m.insert(literal!("type"), None, kind);
    m.insert(literal!("at"), None, at);
    Value::map(m)
}

fn seccomp_profile(args: &[Value]) -> Result<Value, NativeError> {
    let [c] = arity(args)?;
    match &c.kind {
        Kind::Map(_) => {}
        Kind::Missing => return Ok(c.clone()),
        _ => return Err(type_error(0, "a map", c)),
    }
    let own = c.path(&["securityContext", "seccompProfile", "type"]);
    if !own.is_missing() {
        return Ok(profile(own.clone(), own));
    }
    let pod = c.path(&["pod_spec", "securityContext", "seccompProfile", "type"]);
    if !pod.is_missing() {
        return Ok(profile(pod.clone(), pod));
    }
    let workload = c.field("workload");
    let annotations = pod_annotations(&workload);
    let name = c.field("name");
    // The name as an interpolation writes it.
    let name = match name.as_str() {
        Some(n) => Cow::Borrowed(n),
        None => Cow::Owned(name.display()),
    };
    let own_key = format!("container.seccomp.security.alpha.kubernetes.io/{name}");
    // `a ?? b`: the container's annotation unless it is absent or null.
    let legacy = annotations
        .and_then(|a| {
            a.get(&own_key)
                .filter(|v| !v.is_null())
                .or_else(|| a.get("seccomp.security.alpha.kubernetes.io/pod"))
        })
        .cloned();
    Ok(match legacy {
        Some(legacy) => profile(annotation_profile(&legacy), legacy),
        None => profile(own.clone(), own),
    })
}

/// The annotations of the pods a workload runs (a Pod's own, a CronJob's job template's,
/// otherwise its template's), when they are a map.
fn pod_annotations(w: &Value) -> Option<&Map> {
    let names: &[&str] = match w
        .as_map()
        .and_then(|m| m.get("kind"))
        .and_then(Value::as_str)
    {
        Some("Pod") => &["metadata", "annotations"],
        Some("CronJob") => &[
            "spec",
            "jobTemplate",
            "spec",
            "template",
            "metadata",
            "annotations",
        ],
        _ => &["spec", "template", "metadata", "annotations"],
    };
    let mut node = w;
    for name in names {
        node = node.as_map()?.get(name)?;
    }
    node.as_map()
}

/// A legacy annotation's value as a profile type (a value it does not know is kept as is).
/// Only strings are the known values; any value is read as text for the `localhost/` prefix,
/// as `to_string` gives it.
fn annotation_profile(v: &Value) -> Value {
    let text = match v.as_str() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(v.display()),
    };
    match v.as_str() {
        Some("runtime/default" | "docker/default") => Value::str(literal!("RuntimeDefault")),
        _ if text.starts_with("localhost/") => Value::str(literal!("Localhost")),
        Some("unconfined") => Value::str(literal!("Unconfined")),
        _ => v.clone(),
    }
}
