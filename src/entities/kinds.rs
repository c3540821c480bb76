//! The catalogue of entity kinds and their fields, as shown by the checker (`unknown entity`)
//! and the editor (completion, hover). Each `doc` is Markdown: one summary sentence first.
//!
//! **Invariant:** every kind listed here is built by [`Entities::build`](super::Entities::build)
//! and every kind it builds is listed here (checked by `tests/entities.rs`).

/// One field of an entity.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub doc: &'static str,
}

/// One entity kind, e.g. `k8s.containers`.
///
/// `fields` lists every synthetic field (those Palisade adds) and the most used fields of the
/// source manifest (their `doc` starts with "Manifest:"). Entities are open maps: every other
/// key of the source node is available too, so this list is for help, not for rejecting fields.
#[derive(Debug)]
pub struct EntityKind {
    pub name: &'static str,
    pub doc: &'static str,
    pub fields: &'static [Field],
}

/// Every entity kind, in the order the documentation lists them.
pub fn kinds() -> &'static [EntityKind] {
    KINDS
}

/// The entity kind called `name`.
pub fn kind(name: &str) -> Option<&'static EntityKind> {
    KINDS.iter().find(|k| k.name == name)
}

const fn field(name: &'static str, doc: &'static str) -> Field {
    Field { name, doc }
}

// Synthetic fields shared by every Kubernetes object kind.
const NAME: Field = field("name", "The object's `metadata.name`.");
const NAMESPACE: Field = field(
    "namespace",
    "The object's namespace: `metadata.namespace`; `\"default\"` when unset on a namespaced \
     kind (its span is then `metadata`); null for cluster-scoped kinds (Namespace, Node, \
     ClusterRole, ClusterRoleBinding, PersistentVolume, StorageClass, \
     CustomResourceDefinition, webhook configurations…).",
);
const FILE: Field = field("file", "The path of the file the entity was read from.");
const LABELS: Field = field(
    "labels",
    "The object's `metadata.labels`, or an empty map when it has none.",
);
const API_VERSION: Field = field(
    "apiVersion",
    "Manifest: the API group and version, e.g. `apps/v1`.",
);
const KIND: Field = field("kind", "Manifest: the object's kind, e.g. `Deployment`.");
const METADATA: Field = field(
    "metadata",
    "Manifest: `name`, `namespace`, `labels`, `annotations`…",
);
const SPEC: Field = field("spec", "Manifest: the object's desired state.");

const OBJECT_FIELDS: &[Field] = &[NAME, NAMESPACE, FILE, LABELS, API_VERSION, KIND, METADATA];

const WORKLOAD_FIELDS: &[Field] = &[
    NAME,
    NAMESPACE,
    FILE,
    LABELS,
    field(
        "pod_spec",
        "The pod spec: `spec` of a Pod, `spec.template.spec` of a Deployment, StatefulSet, \
         DaemonSet, ReplicaSet, ReplicationController or Job, \
         `spec.jobTemplate.spec.template.spec` of a CronJob.",
    ),
    field(
        "pod_labels",
        "The labels of the pods it runs (the template's `metadata.labels`; a Pod's own labels), \
         or an empty map.",
    ),
    field(
        "network_policies",
        "The NetworkPolicies (as `k8s.network_policies` entities) in the same namespace whose \
         `spec.podSelector` selects `pod_labels` (`matchLabels` and `matchExpressions` with \
         `In`, `NotIn`, `Exists`, `DoesNotExist`; an empty selector selects every pod). Empty \
         when no policy applies: the pods then accept all traffic.",
    ),
    field(
        "services",
        "The Services (as `k8s.services` entities) in the same namespace whose `spec.selector` \
         is non-empty and matches `pod_labels`.",
    ),
    API_VERSION,
    KIND,
    METADATA,
    SPEC,
];

const CONTAINER_FIELDS: &[Field] = &[
    field(
        "workload",
        "The workload that runs the container (a `k8s.workloads` entity: `kind`, `name`, \
         `namespace`, `file`, `pod_spec`, `network_policies`…).",
    ),
    field(
        "pod_spec",
        "The pod spec the container is in: `hostNetwork`, `hostPID`, `securityContext`, \
         `serviceAccountName`, `volumes`…",
    ),
    field(
        "container_type",
        "`\"container\"` (from `containers`), `\"init\"` (from `initContainers`) or \
         `\"ephemeral\"` (from `ephemeralContainers`).",
    ),
    FILE,
    field("name", "Manifest: the container's name."),
    field(
        "image",
        "Manifest: the image reference, e.g. `registry/app:1.2@sha256:…`.",
    ),
    field(
        "env",
        "Manifest: a list of `{name, value}` or `{name, valueFrom}`.",
    ),
    field(
        "ports",
        "Manifest: a list of `{containerPort, protocol, hostPort…}`.",
    ),
    field(
        "resources",
        "Manifest: `requests` and `limits` (`cpu`, `memory`).",
    ),
    field(
        "securityContext",
        "Manifest: `privileged`, `allowPrivilegeEscalation`, `runAsNonRoot`, `runAsUser`, \
         `readOnlyRootFilesystem`, `capabilities {add, drop}`…",
    ),
    field(
        "volumeMounts",
        "Manifest: a list of `{name, mountPath, readOnly}`.",
    ),
];

const SERVICE_FIELDS: &[Field] = &[
    NAME,
    NAMESPACE,
    FILE,
    LABELS,
    field(
        "spec",
        "Manifest: `type`, `selector`, `ports`, `externalIPs`, `loadBalancerSourceRanges`…",
    ),
    API_VERSION,
    KIND,
    METADATA,
];

const INGRESS_FIELDS: &[Field] = &[
    NAME,
    NAMESPACE,
    FILE,
    LABELS,
    field(
        "spec",
        "Manifest: `ingressClassName`, `tls`, `rules`, `defaultBackend`.",
    ),
    API_VERSION,
    KIND,
    METADATA,
];

const NETWORK_POLICY_FIELDS: &[Field] = &[
    NAME,
    NAMESPACE,
    FILE,
    LABELS,
    field(
        "spec",
        "Manifest: `podSelector`, `policyTypes`, `ingress` and `egress` rules.",
    ),
    API_VERSION,
    KIND,
    METADATA,
];

const NAMESPACE_FIELDS: &[Field] = &[
    field("name", "The namespace's name."),
    field(
        "object",
        "The Namespace object (a `k8s.objects` entity), or missing when the namespace is only \
         used, never declared.",
    ),
    field(
        "objects",
        "Every object in the namespace (as `k8s.objects` entities), in input order.",
    ),
    field(
        "workloads",
        "The workloads in the namespace (as `k8s.workloads` entities), in input order.",
    ),
    field(
        "network_policies",
        "Every NetworkPolicy in the namespace (as `k8s.network_policies` entities).",
    ),
    field(
        "default_deny_ingress",
        "Whether a NetworkPolicy in the namespace has an empty `podSelector`, `policyTypes` \
         unset or including `Ingress`, and no `ingress` rules: all ingress is denied unless \
         another policy allows it. When true, its span is that policy.",
    ),
    field(
        "default_deny_egress",
        "Whether a NetworkPolicy in the namespace has an empty `podSelector`, `policyTypes` \
         including `Egress`, and no `egress` rules. When true, its span is that policy.",
    ),
];

const RBAC_FIELDS: &[Field] = &[
    NAME,
    NAMESPACE,
    FILE,
    LABELS,
    field(
        "rules",
        "Manifest (Role, ClusterRole): a list of `{apiGroups, resources, verbs, resourceNames}`.",
    ),
    field(
        "roleRef",
        "Manifest (RoleBinding, ClusterRoleBinding): `{apiGroup, kind, name}` of the role \
         granted.",
    ),
    field(
        "subjects",
        "Manifest (RoleBinding, ClusterRoleBinding): a list of `{kind, name, namespace}`.",
    ),
    API_VERSION,
    KIND,
    METADATA,
];

const SERVICE_ACCOUNT_FIELDS: &[Field] = &[
    NAME,
    NAMESPACE,
    FILE,
    LABELS,
    field(
        "automountServiceAccountToken",
        "Manifest: whether pods get the account's API token mounted.",
    ),
    API_VERSION,
    KIND,
    METADATA,
];

const SECRET_FIELDS: &[Field] = &[
    NAME,
    NAMESPACE,
    FILE,
    LABELS,
    field("type", "Manifest: e.g. `Opaque`, `kubernetes.io/tls`."),
    field("data", "Manifest: base64-encoded values by key."),
    field("stringData", "Manifest: plain-text values by key."),
    API_VERSION,
    KIND,
    METADATA,
];

const CONFIG_MAP_FIELDS: &[Field] = &[
    NAME,
    NAMESPACE,
    FILE,
    LABELS,
    field("data", "Manifest: plain-text values by key."),
    API_VERSION,
    KIND,
    METADATA,
];

const COMPOSE_NAME: Field = field("name", "The entry's key under its top-level section.");
const COMPOSE_PROJECT: Field = field(
    "project",
    "The Compose file's top-level `name`, or missing when it has none.",
);

const COMPOSE_SERVICE_FIELDS: &[Field] = &[
    COMPOSE_NAME,
    FILE,
    COMPOSE_PROJECT,
    field("image", "Manifest: the image reference."),
    field(
        "privileged",
        "Manifest: whether the container runs privileged.",
    ),
    field("user", "Manifest: the user the container runs as."),
    field("network_mode", "Manifest: e.g. `host`."),
    field(
        "ports",
        "Manifest: published ports, as strings (`\"0.0.0.0:502:502\"`) or maps \
         (`{target, published, host_ip}`).",
    ),
    field(
        "environment",
        "Manifest: a map or a list of `KEY=value` strings.",
    ),
    field("cap_add", "Manifest: capabilities added."),
    field("volumes", "Manifest: mounts, as strings or maps."),
    field(
        "read_only",
        "Manifest: whether the root filesystem is read-only.",
    ),
];

const COMPOSE_NETWORK_FIELDS: &[Field] = &[
    COMPOSE_NAME,
    FILE,
    COMPOSE_PROJECT,
    field("driver", "Manifest: the network driver."),
    field(
        "internal",
        "Manifest: whether the network has no external access.",
    ),
    field(
        "external",
        "Manifest: whether the network is created outside the file.",
    ),
];

const COMPOSE_VOLUME_FIELDS: &[Field] = &[
    COMPOSE_NAME,
    FILE,
    COMPOSE_PROJECT,
    field("driver", "Manifest: the volume driver."),
    field(
        "external",
        "Manifest: whether the volume is created outside the file.",
    ),
];

const FW_CONFIG_FIELDS: &[Field] = &[
    field("name", "The firewall's host name, or its file."),
    field(
        "vendor",
        "`iptables`, `nftables`, `cisco-ios`, `cisco-asa`, `junos` or `pfsense`.",
    ),
    field(
        "hostname",
        "The host name the configuration states, or null.",
    ),
    field(
        "interfaces",
        "Interfaces: `{name, zone, security_level, addresses}`.",
    ),
    field("rulesets", "The rulesets (see `fw.rulesets`)."),
    FILE,
];

const FW_RULESET_FIELDS: &[Field] = &[
    field(
        "name",
        "`filter/INPUT`, `inet filter input`, `ACL 101`, `from-zone a to-zone b`…",
    ),
    field(
        "attach",
        "Where it applies: hook, `interface direction`, zone pair; empty if nowhere.",
    ),
    field(
        "default_action",
        "What happens to unmatched packets: `accept`, `drop`, `reject`, `return`.",
    ),
    field(
        "default_explicit",
        "Whether the default is written (a chain policy) rather than implicit.",
    ),
    field("rules", "The rules in evaluation order (see `fw.rules`)."),
    field("firewall", "The firewall's name."),
    field("vendor", "The configuration syntax."),
    FILE,
];

const FW_RULE_FIELDS: &[Field] = &[
    field("index", "Position in the ruleset, from 0."),
    field("line", "The line the rule starts on."),
    field("action", "`accept`, `drop`, `reject`, `jump`, `goto`, `return`, `continue` (log only) or a vendor action."),
    field("target", "The ruleset a `jump`/`goto` continues in."),
    field("src", "Source addresses as CIDR blocks or ranges (`any` for all)."),
    field("dst", "Destination addresses as CIDR blocks or ranges (`any` for all)."),
    field("protocols", "Protocols (`tcp`, `udp`, `icmp`, numbers; `any`)."),
    field("src_ports", "Source ports (`80`, `1000-2000`; `any`)."),
    field("dst_ports", "Destination ports (`80`, `1000-2000`; `any`)."),
    field("in_iface", "Input interface or zone, or null."),
    field("out_iface", "Output interface or zone, or null."),
    field("states", "Connection states required (`established`, `related`, `new`…)."),
    field("log", "Whether matches are logged."),
    field("comment", "Comment, remark or description, or null."),
    field("name", "The vendor's name for the rule (JunOS term, pfSense tracker), or null."),
    field("disabled", "Whether the rule is disabled (inactive)."),
    field("exact", "False when the rule uses constructs Palisade does not model (then analyses are conservative)."),
    field("unsupported", "The constructs not modelled."),
    field("shadowed", "No packet can reach the rule: earlier rules take all of it."),
    field("redundant", "Shadowed only by rules with the same action: removing it changes nothing."),
    field("covered_by", "The earlier rules that take (part of) its packets: `{index, line, action}`, located at them."),
    field("any_any", "An accept from any source to any destination on any port."),
    field("widest_prefix", "The shortest IPv4 prefix length among its source and destination (null for any)."),
    field("dst_port_count", "How many destination ports it matches."),
    field("cleartext", "Cleartext services (telnet, ftp, http, modbus…) its reachable part accepts."),
    field("ruleset", "The ruleset it belongs to."),
    field("firewall", "The firewall's name."),
    field("vendor", "The configuration syntax."),
    FILE,
];

const ZONE_FIELDS: &[Field] = &[
    field("name", "Model: the zone's name."),
    field("purdue", "Model: Purdue level (0–5; 3.5 for a DMZ)."),
    field(
        "sl_target",
        "Target security level per FR1..FR7 (a seven-element list).",
    ),
    field(
        "networks",
        "Model: the zone's networks (CIDRs; `any` for the outside world).",
    ),
    field("assets", "Model: the assets in the zone."),
    field("dmz", "Model: whether the zone is a demilitarized zone."),
    FILE,
];

const CONDUIT_FIELDS: &[Field] = &[
    field("name", "Model: the conduit's name."),
    field("from", "Source zone (or the first zone of `between`)."),
    field("to", "Destination zone (or the second zone of `between`)."),
    field("bidirectional", "Whether traffic may start on both sides."),
    field(
        "services",
        "Model: allowed services: `tcp/502`, `{protocol: udp, ports: [47808]}`.",
    ),
    field("sl_target", "Target security level per FR1..FR7."),
    field(
        "encrypted",
        "Model: whether traffic on the conduit is encrypted.",
    ),
    FILE,
];

const ASSET_FIELDS: &[Field] = &[
    field("name", "Model: the asset's name."),
    field("address", "Model: its IP address."),
    field("role", "Model: what it does (PLC, HMI, historian…)."),
    field("zone", "The zone it is declared in."),
    FILE,
];

const ZONE_FIREWALL_FIELDS: &[Field] = &[
    field("name", "Model: the firewall's name."),
    field(
        "hostname",
        "Model: matches a configuration by its host name.",
    ),
    field(
        "config",
        "Model: matches a configuration whose path ends with this.",
    ),
    field(
        "boundaries",
        "Model: the zone pairs it enforces, e.g. `[[supervisory, control]]`.",
    ),
    FILE,
];

const ZONE_FLOW_FIELDS: &[Field] = &[
    field("firewall", "The firewall that permits the flow."),
    field("ruleset", "The ruleset."),
    field(
        "rule",
        "The permitting rule (or the accepting default policy); findings point here.",
    ),
    field(
        "default",
        "Whether the flow comes from a default `accept` policy.",
    ),
    field("from", "Source zone name."),
    field("to", "Destination zone name."),
    field("from_zone", "Source zone entity."),
    field("to_zone", "Destination zone entity."),
    field("protocols", "Protocols of the flow."),
    field("ports", "Destination ports of the flow."),
    field(
        "declared",
        "Whether a conduit between the zones allows all of it.",
    ),
    field("conduit", "The declaring conduit's name, or null."),
    field("enforcing", "Whether the model lists this firewall as enforcing the boundary between the two zones (null when the model lists no firewalls)."),
    FILE,
];

const TF_NAME: Field = field(
    "tf_name",
    "The block's name label (`web` in `resource \"aws_instance\" \"web\"`), spanning the label.",
);
const TF_FILE: Field = field(
    "file",
    "The path of the `.tf` or `.tf.json` file the block was read from.",
);

const TF_RESOURCE_FIELDS: &[Field] = &[
    field(
        "tf_type",
        "The resource type label, e.g. `aws_security_group`, spanning the label.",
    ),
    TF_NAME,
    field(
        "tf_address",
        "`TYPE.NAME`, e.g. `aws_security_group.plc` (for data sources `data.TYPE.NAME`).",
    ),
    TF_FILE,
    field(
        "count",
        "Configuration: the `count` meta-argument, as written (an expression is its source text).",
    ),
    field(
        "for_each",
        "Configuration: the `for_each` meta-argument, as written.",
    ),
    field(
        "tags",
        "Configuration: the resource tags, when it has them.",
    ),
];

const TF_VARIABLE_FIELDS: &[Field] = &[
    field("tf_name", "The variable's name label."),
    field("tf_address", "`var.NAME`."),
    TF_FILE,
    field(
        "type",
        "Configuration: the type constraint, as written (`string`, `list(string)`).",
    ),
    field("default", "Configuration: the default value."),
    field("description", "Configuration: the description."),
    field(
        "sensitive",
        "Configuration: whether Terraform hides the value in output.",
    ),
];

const TF_PROVIDER_FIELDS: &[Field] = &[
    field("tf_name", "The provider's local name label, e.g. `aws`."),
    field(
        "tf_address",
        "How resources refer to the configuration: `aws`, or `aws.ALIAS` for an aliased one.",
    ),
    TF_FILE,
    field(
        "alias",
        "Configuration: the alias, for a second configuration of the provider.",
    ),
    field("region", "Configuration (AWS, Google): the region."),
];

const TF_MODULE_FIELDS: &[Field] = &[
    TF_NAME,
    field("tf_address", "`module.NAME`."),
    TF_FILE,
    field("source", "Configuration: where the module comes from."),
    field(
        "version",
        "Configuration: the version constraint, for a registry module.",
    ),
];

static KINDS: &[EntityKind] = &[
    EntityKind {
        name: "docs",
        doc: "Every document of every input file, whatever its content. \
              A YAML file with several `---` documents gives one entity each.",
        fields: &[
            field("path", "The path of the file."),
            field("format", "`\"yaml\"`, `\"json\"`, `\"toml\"`, `\"hcl\"` or a firewall vendor."),
            field("index", "The 0-based position of the document in its file."),
            field("value", "The document's root value."),
        ],
    },
    EntityKind {
        name: "k8s.objects",
        doc: "Every Kubernetes object: a document (or an item of a `kind: List`) that is a map \
              with a string `apiVersion` and `kind`.",
        fields: OBJECT_FIELDS,
    },
    EntityKind {
        name: "k8s.workloads",
        doc: "Every object that runs pods: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, \
              ReplicationController, Job and CronJob.",
        fields: WORKLOAD_FIELDS,
    },
    EntityKind {
        name: "k8s.containers",
        doc: "Every container of every workload: `containers`, `initContainers` and \
              `ephemeralContainers`, each with its workload.",
        fields: CONTAINER_FIELDS,
    },
    EntityKind {
        name: "k8s.services",
        doc: "Every Service object.",
        fields: SERVICE_FIELDS,
    },
    EntityKind {
        name: "k8s.ingresses",
        doc: "Every Ingress object.",
        fields: INGRESS_FIELDS,
    },
    EntityKind {
        name: "k8s.network_policies",
        doc: "Every NetworkPolicy object.",
        fields: NETWORK_POLICY_FIELDS,
    },
    EntityKind {
        name: "k8s.namespaces",
        doc: "Every namespace that a Namespace object declares or any object is in (objects \
              without `metadata.namespace` are in `default`), with its objects, workloads, \
              NetworkPolicies and \
              default-deny status. The entity spans the Namespace object when there is one, \
              otherwise the place the namespace was first used.",
        fields: NAMESPACE_FIELDS,
    },
    EntityKind {
        name: "k8s.rbac",
        doc: "Every Role, ClusterRole, RoleBinding and ClusterRoleBinding.",
        fields: RBAC_FIELDS,
    },
    EntityKind {
        name: "k8s.service_accounts",
        doc: "Every ServiceAccount object.",
        fields: SERVICE_ACCOUNT_FIELDS,
    },
    EntityKind {
        name: "k8s.secrets",
        doc: "Every Secret object.",
        fields: SECRET_FIELDS,
    },
    EntityKind {
        name: "k8s.config_maps",
        doc: "Every ConfigMap object.",
        fields: CONFIG_MAP_FIELDS,
    },
    EntityKind {
        name: "compose.services",
        doc: "Every service of every Docker Compose file (a map with a `services` map of maps \
              and no `apiVersion`/`kind`).",
        fields: COMPOSE_SERVICE_FIELDS,
    },
    EntityKind {
        name: "compose.networks",
        doc: "Every entry of a Compose file's top-level `networks`.",
        fields: COMPOSE_NETWORK_FIELDS,
    },
    EntityKind {
        name: "compose.volumes",
        doc: "Every entry of a Compose file's top-level `volumes`.",
        fields: COMPOSE_VOLUME_FIELDS,
    },
    EntityKind {
        name: "tf.resources",
        doc: "Every `resource` block of every Terraform file (`.tf`, or `.tf.json`): its \
              attributes and nested blocks (each nested block name a list of maps), with \
              `tf_type`, `tf_name` and `tf_address`.",
        fields: TF_RESOURCE_FIELDS,
    },
    EntityKind {
        name: "tf.data",
        doc: "Every `data` block of every Terraform file, like `tf.resources`; `tf_address` is \
              `data.TYPE.NAME`.",
        fields: TF_RESOURCE_FIELDS,
    },
    EntityKind {
        name: "tf.variables",
        doc: "Every `variable` block of every Terraform file.",
        fields: TF_VARIABLE_FIELDS,
    },
    EntityKind {
        name: "tf.providers",
        doc: "Every `provider` block of every Terraform file; a provider configured twice (with \
              an `alias`) gives one entity each.",
        fields: TF_PROVIDER_FIELDS,
    },
    EntityKind {
        name: "tf.modules",
        doc: "Every `module` block of every Terraform file.",
        fields: TF_MODULE_FIELDS,
    },
    EntityKind {
        name: "fw.configs",
        doc: "Every firewall configuration (iptables-save, nft list ruleset, Cisco IOS/ASA, JunOS, pfSense/OPNsense).",
        fields: FW_CONFIG_FIELDS,
    },
    EntityKind {
        name: "fw.rulesets",
        doc: "Every ruleset of every firewall: chains, ACLs, filters, zone-pair policies, interface rule lists.",
        fields: FW_RULESET_FIELDS,
    },
    EntityKind {
        name: "fw.rules",
        doc: "Every firewall rule, normalized to address, protocol and port sets, with the analysis facts (shadowed, cleartext…).",
        fields: FW_RULE_FIELDS,
    },
    EntityKind {
        name: "zones",
        doc: "Every zone of the zones & conduits model (`kind: ZoneModel`).",
        fields: ZONE_FIELDS,
    },
    EntityKind {
        name: "conduits",
        doc: "Every conduit of the zones & conduits model.",
        fields: CONDUIT_FIELDS,
    },
    EntityKind {
        name: "assets",
        doc: "Every asset declared in a zone.",
        fields: ASSET_FIELDS,
    },
    EntityKind {
        name: "zone_flows",
        doc: "Every flow between two zones that a firewall permits (first-match evaluated), with the conduit that declares it, if any.",
        fields: ZONE_FLOW_FIELDS,
    },
    EntityKind {
        name: "zone_firewalls",
        doc: "Every entry of the zones model's `firewalls`: which firewall enforces which zone boundaries.",
        fields: ZONE_FIREWALL_FIELDS,
    },
];
