//! The audit report as data: a pure function of a [`CheckRun`] and the run's provenance.
//!
//! Everything the HTML page shows comes from this model, and `palisade report --format json`
//! is this model serialized, so the two always say the same. The schema is described in
//! `docs/report.md`; bump [`SCHEMA_VERSION`] on any breaking change.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::assess::{assess, ZoneIndex};
use crate::catalogue::catalogue;
use crate::driver::CheckRun;
use crate::eval::Finding;
use crate::report::Location;
use crate::source::{FileId, SourceDb, Span};
use crate::value::Value;

/// Version of the report's JSON schema.
pub const SCHEMA_VERSION: u32 = 1;

/// Lines of context shown around a finding's span, before and after.
const SNIPPET_CONTEXT: u32 = 2;
/// Longest snippet, in lines (a span covering more is cut).
const SNIPPET_MAX_LINES: usize = 12;
/// Longest snippet line, in characters.
const SNIPPET_MAX_WIDTH: usize = 200;

/// What the caller knows about the run and the library cannot: the date and the version
/// control state of the checked tree. The library reads no clock and runs no `git`.
#[derive(Clone, Debug, Default)]
pub struct ProvenanceInput {
    /// The report's date (also the date waivers' `expires=` were compared with).
    pub date: Option<jiff::civil::Date>,
    /// `git rev-parse HEAD` of the checked tree, when it is a git work tree.
    pub git_commit: Option<String>,
    /// The paths given on the command line, as given.
    pub paths: Vec<String>,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct AuditReport {
    pub version: u32,
    pub provenance: Provenance,
    pub summary: Summary,
    /// FR1..FR7 with their titles.
    pub foundational: Vec<Foundational>,
    pub zones: Vec<Zone>,
    pub conduits: Vec<Conduit>,
    pub firewalls: Vec<Firewall>,
    /// Every inter-zone flow a firewall permits, declared by a conduit or not.
    pub flows: Vec<Flow>,
    /// The requirement matrix: every SR and RE of IEC 62443-3-3 against every zone.
    pub requirements: Vec<RequirementRow>,
    pub findings: Vec<FindingEntry>,
    /// Findings silenced by `palisade:ignore` comments, with their justification.
    pub waivers: Vec<Waiver>,
    /// Warnings and errors of the run (expired waivers, unused suppressions, inputs that did
    /// not load).
    pub diagnostics: Vec<DiagnosticEntry>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Provenance {
    pub tool: String,
    pub tool_version: String,
    /// `sha256:` over the name and text of every policy file (standard library, built-in pack,
    /// `--policy` files), in name order.
    pub policy_pack_hash: String,
    pub policy_files: usize,
    /// `sha256:` over the path and content of every input file, in path order.
    pub input_hash: String,
    pub input_files: usize,
    /// The git commit of the checked tree, if it is in a git work tree.
    pub git_commit: Option<String>,
    pub paths: Vec<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub zones: usize,
    pub zones_below_target: usize,
    pub conduits: usize,
    pub undeclared_flows: usize,
    pub findings: usize,
    /// Findings no zone holds (they are listed but count in no zone's cell).
    pub findings_outside_zones: usize,
    pub waivers: usize,
    pub errors: usize,
    pub warnings: usize,
    /// How many matrix cells have each status.
    pub cells: BTreeMap<Status, usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Foundational {
    pub id: String,
    pub title: String,
}

/// A zone with its target and achieved levels.
#[derive(Clone, Debug, Serialize)]
pub struct Zone {
    pub name: String,
    pub purdue: Option<f64>,
    pub dmz: bool,
    pub external: bool,
    pub networks: Vec<String>,
    pub assets: Vec<String>,
    /// SL-T for FR1..FR7.
    pub sl_target: [u8; 7],
    /// SL-A for FR1..FR7 (see `docs/assessment.md`).
    pub sl_achieved: [u8; 7],
    /// Ids of the findings held against this zone.
    pub findings: Vec<String>,
    /// Ids of the waivers of findings that would be held against it.
    pub waivers: Vec<String>,
    /// The FRs below target, each with the rules holding it there.
    pub gaps: Vec<Gap>,
    pub location: Option<Loc>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Gap {
    pub fr: String,
    pub target: u8,
    pub achieved: u8,
    pub rules: Vec<GapRule>,
    /// Requirements of this FR up to the target that no rule implements.
    pub manual: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct GapRule {
    pub rule: String,
    pub level: u8,
    pub findings: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Conduit {
    pub name: String,
    pub from: String,
    pub to: String,
    pub bidirectional: bool,
    pub services: Vec<String>,
    pub sl_target: Vec<i64>,
    pub encrypted: Option<bool>,
    /// Firewalls the model says enforce the boundary between `from` and `to`.
    pub firewalls: Vec<String>,
    pub location: Option<Loc>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Firewall {
    pub name: String,
    pub config: Option<String>,
    pub hostname: Option<String>,
    pub boundaries: Vec<[String; 2]>,
    pub location: Option<Loc>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Flow {
    /// The model's name for the firewall, else its host name or file.
    pub firewall: String,
    /// The firewall configuration.
    pub file: String,
    pub ruleset: String,
    pub from: String,
    pub to: String,
    pub protocols: Vec<String>,
    pub ports: Vec<String>,
    /// Whether a conduit declares this flow.
    pub declared: bool,
    pub conduit: Option<String>,
    /// Whether the model names this firewall as enforcing the boundary (null when the model
    /// names no firewalls).
    pub enforcing: Option<bool>,
    /// From the firewall's default policy rather than a rule.
    pub default: bool,
    /// The permitting rule.
    pub location: Option<Loc>,
}

/// The status of one requirement in one zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Rules implement it and none found anything in the zone.
    Pass,
    /// A rule implementing it has a finding in the zone.
    Fail,
    /// Every finding of its rules in the zone is waived.
    Waived,
    /// Its level is above the zone's target for its FR.
    NotApplicable,
    /// No rule implements it: evidence must be collected by hand.
    Manual,
}

#[derive(Clone, Debug, Serialize)]
pub struct RequirementRow {
    pub id: String,
    pub title: String,
    pub fr: String,
    pub level: u8,
    /// `A` (largely checkable from configurations), `P` (partly), `O` (organisational), or
    /// two of them (`A/P`, `O/P`), as the catalogue says.
    pub coverage: String,
    pub rules: Vec<String>,
    /// What an auditor asks for beyond the rules.
    pub evidence: String,
    /// One cell per zone, in the order of `zones`.
    pub cells: Vec<Cell>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    pub zone: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Loc {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// The source lines around a finding.
#[derive(Clone, Debug, Serialize)]
pub struct Snippet {
    /// Line number of the first line.
    pub start_line: u32,
    pub lines: Vec<String>,
    /// The lines (inclusive) the finding's span covers.
    pub mark: [u32; 2],
}

#[derive(Clone, Debug, Serialize)]
pub struct FindingEntry {
    /// `F1`, `F2`… in the order of the run.
    pub id: String,
    pub rule: String,
    pub title: String,
    pub severity: String,
    pub fr: Option<String>,
    pub level: u8,
    pub requirements: Vec<String>,
    pub message: String,
    pub remediation: Option<String>,
    pub zones: Vec<String>,
    pub location: Option<Loc>,
    pub snippet: Option<Snippet>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Waiver {
    /// `W1`, `W2`…
    pub id: String,
    pub reason: String,
    pub expires: Option<String>,
    pub finding: FindingEntry,
}

#[derive(Clone, Debug, Serialize)]
pub struct DiagnosticEntry {
    pub code: String,
    pub severity: String,
    pub message: String,
    pub help: Option<String>,
    pub location: Option<Loc>,
    pub file: Option<String>,
}

/// Builds the report of a run. Pure: same run and provenance, same report.
pub fn build(run: &CheckRun, input: &ProvenanceInput) -> AuditReport {
    let db = &run.db;
    let index = ZoneIndex::new(&run.zones).with_firewalls(&run.zone_model.firewalls);
    let findings: Vec<FindingEntry> = run
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| finding_entry(db, &index, f, format!("F{}", i + 1)))
        .collect();
    let waivers: Vec<Waiver> = run
        .suppressed
        .iter()
        .enumerate()
        .map(|(i, s)| Waiver {
            id: format!("W{}", i + 1),
            reason: s.reason.clone(),
            expires: s.expires.map(|d| d.to_string()),
            finding: finding_entry(db, &index, &s.finding, format!("W{}", i + 1)),
        })
        .collect();
    let assessed = assess(
        db,
        &run.rules,
        &run.findings,
        &run.zones,
        &run.zone_model.firewalls,
    );
    let firewalls: Vec<Firewall> = run
        .zone_model
        .firewalls
        .iter()
        .map(|f| firewall(db, f))
        .collect();
    let zones: Vec<Zone> = run
        .zones
        .iter()
        .zip(&assessed)
        .map(|(z, a)| {
            let in_zone = |list: &[FindingEntry]| -> Vec<String> {
                list.iter()
                    .filter(|f| f.zones.contains(&a.name))
                    .map(|f| f.id.clone())
                    .collect()
            };
            let gaps = a
                .gaps
                .iter()
                .map(|g| Gap {
                    fr: format!("FR{}", g.fr),
                    target: g.target,
                    achieved: g.achieved,
                    rules: g
                        .rules
                        .iter()
                        .map(|r| GapRule {
                            rule: r.rule.clone(),
                            level: r.level,
                            findings: findings
                                .iter()
                                .filter(|f| f.rule == r.rule && f.zones.contains(&a.name))
                                .map(|f| f.id.clone())
                                .collect(),
                        })
                        .collect(),
                    manual: a
                        .manual
                        .get(usize::from(g.fr).saturating_sub(1))
                        .cloned()
                        .unwrap_or_default(),
                })
                .collect();
            Zone {
                name: a.name.clone(),
                purdue: a.purdue,
                dmz: z.field("dmz").as_bool().unwrap_or(false),
                external: z.field("external").as_bool().unwrap_or(false),
                networks: strings(&z.field("networks")),
                assets: z
                    .field("assets")
                    .as_list()
                    .unwrap_or(&[])
                    .iter()
                    .map(|a| a.field("name").display())
                    .collect(),
                sl_target: a.sl_target,
                sl_achieved: a.sl_achieved,
                findings: in_zone(&findings),
                waivers: waivers
                    .iter()
                    .filter(|w| w.finding.zones.contains(&a.name))
                    .map(|w| w.id.clone())
                    .collect(),
                gaps,
                location: loc(db, z.span),
            }
        })
        .collect();
    let conduits: Vec<Conduit> = run
        .zone_model
        .conduits
        .iter()
        .map(|c| conduit(db, c, &firewalls))
        .collect();
    let flows: Vec<Flow> = run
        .zone_model
        .flows
        .iter()
        .map(|f| flow(db, f, &firewalls))
        .collect();
    let requirements = matrix(run, &zones, &findings, &waivers);
    let mut cells: BTreeMap<Status, usize> = BTreeMap::new();
    for c in requirements.iter().flat_map(|r| &r.cells) {
        *cells.entry(c.status).or_default() += 1;
    }
    let errors = run.diagnostics.iter().filter(|d| d.is_error()).count();
    let summary = Summary {
        zones: zones.len(),
        zones_below_target: zones.iter().filter(|z| !z.gaps.is_empty()).count(),
        conduits: conduits.len(),
        undeclared_flows: flows.iter().filter(|f| !f.declared).count(),
        findings: findings.len(),
        findings_outside_zones: findings.iter().filter(|f| f.zones.is_empty()).count(),
        waivers: waivers.len(),
        errors,
        warnings: run.diagnostics.len() - errors,
        cells,
    };
    AuditReport {
        version: SCHEMA_VERSION,
        provenance: provenance(run, input),
        summary,
        foundational: (1..=7u8)
            .map(|fr| Foundational {
                id: format!("FR{fr}"),
                title: catalogue().fr_title(fr).to_string(),
            })
            .collect(),
        zones,
        conduits,
        firewalls,
        flows,
        requirements,
        findings,
        waivers,
        diagnostics: run
            .diagnostics
            .iter()
            .map(|d| DiagnosticEntry {
                code: d.code.as_str().to_string(),
                severity: d.severity.as_str().to_string(),
                message: d.message.clone(),
                help: d.help.clone(),
                location: d.span.and_then(|s| loc(db, Some(s))),
                file: d.path.clone(),
            })
            .collect(),
    }
}

/// The requirement matrix (statuses in `docs/report.md`).
fn matrix(
    run: &CheckRun,
    zones: &[Zone],
    findings: &[FindingEntry],
    waivers: &[Waiver],
) -> Vec<RequirementRow> {
    catalogue()
        .requirements
        .iter()
        .map(|r| {
            let mut rules: Vec<String> = run
                .rules
                .iter()
                .filter(|m| m.requirements.contains(&r.id))
                .map(|m| m.id.clone())
                .collect();
            rules.sort();
            let of_req = |f: &FindingEntry, zone: &str| {
                f.requirements.contains(&r.id) && f.zones.iter().any(|z| z == zone)
            };
            let cells = zones
                .iter()
                .map(|z| {
                    let target = z
                        .sl_target
                        .get(usize::from(r.fr).saturating_sub(1))
                        .copied()
                        .unwrap_or(0);
                    let failing: Vec<String> = findings
                        .iter()
                        .filter(|f| of_req(f, &z.name))
                        .map(|f| f.id.clone())
                        .collect();
                    let waived: Vec<String> = waivers
                        .iter()
                        .filter(|w| of_req(&w.finding, &z.name))
                        .map(|w| w.id.clone())
                        .collect();
                    let status = if r.level > target {
                        Status::NotApplicable
                    } else if rules.is_empty() {
                        Status::Manual
                    } else if !failing.is_empty() {
                        Status::Fail
                    } else if !waived.is_empty() {
                        Status::Waived
                    } else {
                        Status::Pass
                    };
                    Cell {
                        zone: z.name.clone(),
                        status,
                        findings: failing,
                        waivers: waived,
                    }
                })
                .collect();
            RequirementRow {
                id: r.id.clone(),
                title: r.title.clone(),
                fr: format!("FR{}", r.fr),
                level: r.level,
                coverage: r.coverage.clone(),
                rules,
                evidence: r.evidence.clone(),
                cells,
            }
        })
        .collect()
}

fn provenance(run: &CheckRun, input: &ProvenanceInput) -> Provenance {
    let db = &run.db;
    let is_input = |id: &FileId| run.input_files.contains(id);
    let policies: Vec<FileId> = db
        .iter()
        .map(|(id, _)| id)
        .filter(|id| !is_input(id))
        .collect();
    Provenance {
        tool: "palisade".to_string(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        policy_pack_hash: hash_files(db, &policies),
        policy_files: policies.len(),
        input_hash: hash_files(db, &run.input_files),
        input_files: run.input_files.len(),
        git_commit: input.git_commit.clone(),
        paths: input.paths.clone(),
        date: input.date.map(|d| d.to_string()),
    }
}

/// `sha256:` of the files' names and texts, in name order: each file contributes its name's
/// length and bytes, then its text's length and bytes (lengths as 8 little-endian bytes), so
/// no two different sets of files hash alike by concatenation.
pub fn hash_files(db: &SourceDb, files: &[FileId]) -> String {
    let mut named: Vec<(&str, &str)> = files.iter().map(|&f| (db.name(f), db.text(f))).collect();
    named.sort();
    let mut h = Sha256::new();
    for (name, text) in named {
        for part in [name, text] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
    }
    format!("sha256:{:x}", h.finalize())
}

fn loc(db: &SourceDb, span: Option<Span>) -> Option<Loc> {
    let l = Location::of(db, span?);
    Some(Loc {
        file: l.file,
        line: l.line,
        column: l.column,
        end_line: l.end_line,
        end_column: l.end_column,
    })
}

fn strings(v: &Value) -> Vec<String> {
    match v.as_list() {
        Some(items) => items.iter().map(Value::display).collect(),
        None if v.is_missing() || v.is_null() => Vec::new(),
        None => vec![v.display()],
    }
}

fn opt_str(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn finding_entry(db: &SourceDb, index: &ZoneIndex<'_>, f: &Finding, id: String) -> FindingEntry {
    let r = &f.rule;
    FindingEntry {
        id,
        rule: r.id.clone(),
        title: r.title.clone(),
        severity: r.severity.as_str().to_string(),
        fr: r.fr.map(|n| format!("FR{n}")),
        level: r.level,
        requirements: r.requirements.clone(),
        message: f.message.clone(),
        remediation: r.remediation.clone(),
        zones: index.zones_of(f, db),
        location: loc(db, f.span),
        snippet: f.span.map(|s| snippet(db, s)),
    }
}

/// The lines of `span` with [`SNIPPET_CONTEXT`] lines either side.
fn snippet(db: &SourceDb, span: Span) -> Snippet {
    let l = Location::of(db, span);
    let first = l.line.saturating_sub(SNIPPET_CONTEXT).max(1);
    let last = l.end_line.saturating_add(SNIPPET_CONTEXT);
    let lines: Vec<String> = db
        .text(span.file)
        .lines()
        .skip(usize::try_from(first - 1).unwrap_or(0))
        .take(
            usize::try_from(last - first + 1)
                .unwrap_or(0)
                .min(SNIPPET_MAX_LINES),
        )
        .map(|line| {
            if line.chars().count() > SNIPPET_MAX_WIDTH {
                let mut s: String = line.chars().take(SNIPPET_MAX_WIDTH).collect();
                s.push('…');
                s
            } else {
                line.to_string()
            }
        })
        .collect();
    Snippet {
        start_line: first,
        lines,
        mark: [l.line, l.end_line],
    }
}

fn conduit(db: &SourceDb, c: &Value, firewalls: &[Firewall]) -> Conduit {
    let from = c.field("from").display();
    let to = c.field("to").display();
    let guards = |f: &Firewall| {
        f.boundaries
            .iter()
            .any(|[a, b]| (*a == from && *b == to) || (*a == to && *b == from))
    };
    Conduit {
        name: c.field("name").display(),
        bidirectional: c.field("bidirectional").as_bool().unwrap_or(false),
        services: strings(&c.field("services")),
        sl_target: c
            .field("sl_target")
            .as_list()
            .unwrap_or(&[])
            .iter()
            .filter_map(Value::as_int)
            .collect(),
        encrypted: c.field("encrypted").as_bool(),
        firewalls: firewalls
            .iter()
            .filter(|f| guards(f))
            .map(|f| f.name.clone())
            .collect(),
        location: loc(db, c.span),
        from,
        to,
    }
}

fn firewall(db: &SourceDb, f: &Value) -> Firewall {
    Firewall {
        name: f.field("name").display(),
        config: opt_str(&f.field("config")),
        hostname: opt_str(&f.field("hostname")),
        boundaries: f
            .field("boundaries")
            .as_list()
            .unwrap_or(&[])
            .iter()
            .filter_map(|b| match strings(b).as_slice() {
                [x, y] => Some([x.clone(), y.clone()]),
                _ => None,
            })
            .collect(),
        location: loc(db, f.span),
    }
}

/// A flow, named after the model's firewall entry for its configuration when there is one
/// (the same matching as `zone_flows.enforcing`: the host name, or the end of the path).
fn flow(db: &SourceDb, f: &Value, firewalls: &[Firewall]) -> Flow {
    let name = f.field("firewall").display();
    let file = f.field("file").display();
    let model_name = firewalls.iter().find(|m| {
        m.hostname.as_deref() == Some(name.as_str())
            || m.config
                .as_deref()
                .is_some_and(|c| !c.is_empty() && file.ends_with(c))
    });
    Flow {
        firewall: model_name.map_or(name, |m| m.name.clone()),
        file,
        ruleset: f.field("ruleset").display(),
        from: f.field("from").display(),
        to: f.field("to").display(),
        protocols: strings(&f.field("protocols")),
        ports: strings(&f.field("ports")),
        declared: f.field("declared").as_bool().unwrap_or(false),
        conduit: opt_str(&f.field("conduit")),
        enforcing: f.field("enforcing").as_bool(),
        default: f.field("default").as_bool().unwrap_or(false),
        location: loc(db, f.span),
    }
}
