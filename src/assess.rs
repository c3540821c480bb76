//! Security-level assessment: for every zone of the zones model, the achieved security level
//! per foundational requirement (SL-A, FR1..FR7) from the findings that belong to the zone,
//! against the zone's target (SL-T), with the rules that hold each FR below target.
//!
//! **Mapping findings to zones.** A finding belongs to a zone when the entity it was found
//! on (the item of the rule's first `for`) does:
//! - a flow between zones belongs to its destination zone (the boundary it crosses);
//! - a conduit belongs to both its zones; a zone or an asset to its zone;
//! - a Kubernetes object or container belongs to the zones listing its namespace in
//!   `namespaces`;
//! - anything else belongs to the zones whose `paths` globs match its file.
//!
//! **SL-A.** For each FR, SL-A is the highest level L such that no finding of a rule of that
//! FR with level ≤ L belongs to the zone: a failing SL 1 rule gives 0, nothing failing gives 4.
//! Requirements no rule implements ("manual") cannot be shown from configurations; they are
//! listed per FR so the achieved level is read together with the evidence still needed.

use std::collections::BTreeMap;
use std::sync::Arc;

use globset::Glob;

use crate::catalogue::catalogue;
use crate::eval::{Finding, RuleMeta};
use crate::source::SourceDb;
use crate::value::Value;

/// A rule holding an FR below target in a zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GapRule {
    pub rule: String,
    pub level: u8,
    pub findings: usize,
}

/// One FR whose achieved level is below target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    pub fr: u8,
    pub target: u8,
    pub achieved: u8,
    pub rules: Vec<GapRule>,
}

/// The assessment of one zone.
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneAssessment {
    pub name: String,
    pub purdue: Option<f64>,
    pub sl_target: [u8; 7],
    pub sl_achieved: [u8; 7],
    pub findings: usize,
    pub gaps: Vec<Gap>,
    /// Per FR, the requirements up to the zone's target that no rule implements.
    pub manual: [Vec<String>; 7],
}

/// Attributes findings to zones (see the module docs): the zones model with its `paths`
/// globs compiled once.
pub struct ZoneIndex<'z> {
    zones: &'z [Value],
    globs: Vec<Vec<globset::GlobMatcher>>,
    /// `config` path of each `firewalls` entry of the model → the zones of its boundaries.
    firewalls: Vec<(String, Vec<String>)>,
}

impl<'z> ZoneIndex<'z> {
    /// `zones` is the `zones` entity list.
    pub fn new(zones: &'z [Value]) -> ZoneIndex<'z> {
        let globs = zones
            .iter()
            .map(|z| {
                z.field("paths")
                    .as_list()
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|p| p.as_str())
                    .flat_map(|p| [p.to_string(), format!("**/{p}")])
                    .filter_map(|p| Glob::new(&p).ok().map(|g| g.compile_matcher()))
                    .collect()
            })
            .collect();
        ZoneIndex {
            zones,
            globs,
            firewalls: Vec::new(),
        }
    }

    /// Also attributes findings in a firewall configuration to the zones it protects: on each
    /// boundary the model's `firewalls` entry (`zone_firewalls`) gives it, the side with the
    /// higher security-level target (both sides on a tie).
    pub fn with_firewalls(mut self, firewalls: &[Value]) -> ZoneIndex<'z> {
        self.firewalls = firewalls
            .iter()
            .filter_map(|fw| {
                let config = fw
                    .field("config")
                    .as_str()?
                    .trim_start_matches("./")
                    .to_string();
                let mut zones: Vec<String> = Vec::new();
                for pair in fw.field("boundaries").as_list().unwrap_or(&[]) {
                    let sides: Vec<&str> = pair
                        .as_list()
                        .unwrap_or(&[])
                        .iter()
                        .filter_map(Value::as_str)
                        .collect();
                    // The firewall protects the more trusted side: the zone with the higher
                    // target (both on a tie).
                    let top = sides.iter().map(|z| self.target_of(z)).max().unwrap_or(0);
                    for z in sides {
                        if self.target_of(z) == top && !zones.iter().any(|have| have == z) {
                            zones.push(z.to_string());
                        }
                    }
                }
                Some((config, zones))
            })
            .collect();
        self
    }

    /// The highest SL-T of the zone over FR1..FR7 (0 for an unknown zone).
    fn target_of(&self, name: &str) -> u8 {
        self.zones
            .iter()
            .find(|z| z.field("name").as_str() == Some(name))
            .map(|z| sl_target(z).into_iter().max().unwrap_or(0))
            .unwrap_or(0)
    }

    /// The names of the zones `f` belongs to, in the order the model gives them or as the
    /// finding's entity names them.
    pub fn zones_of(&self, f: &Finding, db: &SourceDb) -> Vec<String> {
        if let Some(span) = f.span {
            let path = db.name(span.file);
            let guarded: Vec<String> = self
                .firewalls
                .iter()
                .filter(|(config, _)| {
                    // The path is the configuration's, or ends with `/` + it.
                    path.strip_suffix(config.as_str())
                        .is_some_and(|head| head.is_empty() || head.ends_with('/'))
                })
                .flat_map(|(_, zones)| zones.iter().cloned())
                .collect();
            if !guarded.is_empty()
                && f.entity
                    .as_ref()
                    .is_none_or(|e| e.field("to_zone").is_missing())
            {
                let mut out: Vec<String> = Vec::new();
                for z in guarded {
                    if !out.contains(&z) {
                        out.push(z);
                    }
                }
                return out;
            }
        }
        zones_of(f, db, self.zones, &self.globs)
    }
}

/// The zone names a finding belongs to.
fn zones_of(
    f: &Finding,
    db: &SourceDb,
    zones: &[Value],
    globs: &[Vec<globset::GlobMatcher>],
) -> Vec<String> {
    let Some(e) = &f.entity else {
        return by_path(f, db, zones, globs);
    };
    if let Some(to) = e.field("to_zone").field("name").as_str() {
        return vec![to.to_string()];
    }
    if e.field("services").as_list().is_some() {
        let mut v: Vec<String> = ["from", "to"]
            .iter()
            .filter_map(|k| e.field(k).as_str().map(str::to_string))
            .collect();
        v.dedup();
        return v;
    }
    if e.field("sl_target").as_list().is_some() && e.field("networks").as_list().is_some() {
        return e
            .field("name")
            .as_str()
            .map(|n| vec![n.to_string()])
            .unwrap_or_default();
    }
    if let Some(z) = e.field("zone").as_str() {
        return vec![z.to_string()];
    }
    let ns = e.field("namespace");
    let ns = if !ns.is_missing() {
        ns
    } else if e.field("network_policies").as_list().is_some() {
        // A `k8s.namespaces` entity: the namespace itself.
        e.field("name")
    } else {
        e.field("workload").field("namespace")
    };
    if let Some(ns) = ns.as_str() {
        let hits: Vec<String> = zones
            .iter()
            .filter(|z| {
                z.field("namespaces")
                    .as_list()
                    .unwrap_or(&[])
                    .iter()
                    .any(|n| n.as_str() == Some(ns))
            })
            .filter_map(|z| z.field("name").as_str().map(str::to_string))
            .collect();
        if !hits.is_empty() {
            return hits;
        }
    }
    by_path(f, db, zones, globs)
}

fn by_path(
    f: &Finding,
    db: &SourceDb,
    zones: &[Value],
    globs: &[Vec<globset::GlobMatcher>],
) -> Vec<String> {
    let Some(span) = f.span else {
        return Vec::new();
    };
    let path = db.name(span.file);
    zones
        .iter()
        .zip(globs)
        .filter(|(_, gs)| gs.iter().any(|g| g.is_match(path)))
        .filter_map(|(z, _)| z.field("name").as_str().map(str::to_string))
        .collect()
}

fn sl_target(z: &Value) -> [u8; 7] {
    let mut out = [0u8; 7];
    for (i, v) in z
        .field("sl_target")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        if let Some(slot) = out.get_mut(i) {
            *slot = v.as_int().and_then(|n| u8::try_from(n).ok()).unwrap_or(0);
        }
    }
    out
}

/// Assesses every zone. `zones` is the `zones` entity list, `firewalls` the
/// `zone_firewalls` one.
pub fn assess(
    db: &SourceDb,
    rules: &[Arc<RuleMeta>],
    findings: &[Finding],
    zones: &[Value],
    firewalls: &[Value],
) -> Vec<ZoneAssessment> {
    let index = ZoneIndex::new(zones).with_firewalls(firewalls);
    // zone → rule id → (fr, level, count)
    let mut failing: BTreeMap<String, BTreeMap<String, (u8, u8, usize)>> = BTreeMap::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for f in findings {
        let Some(fr) = f.rule.fr else { continue };
        for z in index.zones_of(f, db) {
            *counts.entry(z.clone()).or_default() += 1;
            let e = failing
                .entry(z)
                .or_default()
                .entry(f.rule.id.clone())
                .or_insert((fr, f.rule.level, 0));
            e.2 += 1;
        }
    }
    let implemented: Vec<&String> = rules.iter().flat_map(|r| r.requirements.iter()).collect();
    zones
        .iter()
        .map(|z| {
            let name = z.field("name").display();
            let target = sl_target(z);
            let rules = failing.get(&name);
            let mut achieved = [4u8; 7];
            let mut gaps = Vec::new();
            let mut manual: [Vec<String>; 7] = Default::default();
            for fr in 1..=7u8 {
                let idx = usize::from(fr - 1);
                let of_fr: Vec<(&String, &(u8, u8, usize))> = rules
                    .map(|m| m.iter().filter(|(_, v)| v.0 == fr).collect())
                    .unwrap_or_default();
                let lowest = of_fr.iter().map(|(_, v)| v.1).min();
                let a = lowest.map_or(4, |l| l.saturating_sub(1));
                let t = target.get(idx).copied().unwrap_or(0);
                if let Some(slot) = achieved.get_mut(idx) {
                    *slot = a;
                }
                if a < t {
                    let mut gr: Vec<GapRule> = of_fr
                        .iter()
                        .filter(|(_, v)| v.1 <= t)
                        .map(|(id, v)| GapRule {
                            rule: (*id).clone(),
                            level: v.1,
                            findings: v.2,
                        })
                        .collect();
                    gr.sort_by(|a, b| (a.level, &a.rule).cmp(&(b.level, &b.rule)));
                    gaps.push(Gap {
                        fr,
                        target: t,
                        achieved: a,
                        rules: gr,
                    });
                }
                if let Some(m) = manual.get_mut(idx) {
                    *m = catalogue()
                        .requirements
                        .iter()
                        .filter(|r| r.fr == fr && r.level <= t && !implemented.contains(&&r.id))
                        .map(|r| r.id.clone())
                        .collect();
                }
            }
            ZoneAssessment {
                purdue: z.field("purdue").as_f64(),
                sl_target: target,
                sl_achieved: achieved,
                findings: counts.get(&name).copied().unwrap_or(0),
                gaps,
                manual,
                name,
            }
        })
        .collect()
}
