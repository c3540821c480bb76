//! `palisade assess`: achieved against target security levels per zone and FR.

use palisade::assess::assess;
use palisade::driver;
use palisade::report::human::Renderer;
use serde_json::json;

use super::args::{AssessArgs, Format};
use super::output::{emit, set_jobs, use_color, width};
use super::ExitStatus;

pub(crate) fn run(args: &AssessArgs) -> ExitStatus {
    if let Err(e) = set_jobs(args.common.jobs) {
        emit(&format!("error: {e}\n"));
        return ExitStatus::Error;
    }
    let paths = super::output::paths_or_here(&args.paths);
    let mut db = palisade::source::SourceDb::new();
    let config = match super::project::load_config(
        args.config.as_deref(),
        args.no_config,
        &paths,
        &mut db,
        args.common.color,
    ) {
        Ok(c) => c,
        Err(status) => return status,
    };
    let opts = super::project::configured_options(config, paths, &args.policies);
    let run = driver::check_in(db, &opts);
    if run.has_errors() {
        let r = Renderer::new(&run.db, use_color(args.common.color), width());
        let text: String = run
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| r.diagnostic(d))
            .collect();
        emit(&text);
        return ExitStatus::Error;
    }
    let zones = assess(
        &run.db,
        &run.rules,
        &run.findings,
        &run.zones,
        &run.zone_model.firewalls,
    );
    match args.common.format {
        Format::Json => {
            let zs: Vec<serde_json::Value> = zones
                .iter()
                .map(|z| {
                    json!({
                        "name": z.name,
                        "purdue": z.purdue,
                        "sl_target": z.sl_target,
                        "sl_achieved": z.sl_achieved,
                        "findings": z.findings,
                        "gaps": z.gaps.iter().map(|g| json!({
                            "fr": format!("FR{}", g.fr),
                            "target": g.target,
                            "achieved": g.achieved,
                            "rules": g.rules.iter().map(|r| json!({"rule": r.rule, "level": r.level, "findings": r.findings})).collect::<Vec<_>>(),
                        })).collect::<Vec<_>>(),
                        "manual": z.manual.iter().enumerate().map(|(i, m)| (format!("FR{}", i + 1), json!(m))).collect::<serde_json::Map<_, _>>(),
                    })
                })
                .collect();
            let out = json!({"version": 1, "zones": zs});
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&out).unwrap_or_default()
            ));
        }
        Format::Human => {
            if zones.is_empty() {
                emit("no zones model found: add a YAML document with `kind: ZoneModel` (see docs/zones.md)\n");
                return ExitStatus::Success;
            }
            let mut out = String::from("zone                  FR1 FR2 FR3 FR4 FR5 FR6 FR7\n");
            for z in &zones {
                let row = |v: &[u8; 7]| {
                    v.iter()
                        .map(|n| format!("{n:>3}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                out.push_str(&format!("{:<18} T  {}\n", z.name, row(&z.sl_target)));
                let marks: Vec<String> = z
                    .sl_achieved
                    .iter()
                    .zip(z.sl_target.iter())
                    .map(|(a, t)| {
                        if a < t {
                            format!("{a:>2}!")
                        } else {
                            format!("{a:>3}")
                        }
                    })
                    .collect();
                out.push_str(&format!("{:<18} A  {}\n", "", marks.join(" ")));
                for g in &z.gaps {
                    let rules: Vec<String> = g
                        .rules
                        .iter()
                        .map(|r| {
                            format!(
                                "{} (SL {}, {} finding{})",
                                r.rule,
                                r.level,
                                r.findings,
                                if r.findings == 1 { "" } else { "s" }
                            )
                        })
                        .collect();
                    out.push_str(&format!(
                        "    FR{} below target ({} < {}): {}\n",
                        g.fr,
                        g.achieved,
                        g.target,
                        rules.join(", ")
                    ));
                }
            }
            let below = zones.iter().filter(|z| !z.gaps.is_empty()).count();
            out.push_str(&format!(
                "\n{} zone(s), {below} below target; A counts only what configurations show: `palisade requirements` lists the evidence needed for the rest\n",
                zones.len()
            ));
            emit(&out);
        }
    }
    if zones.iter().any(|z| !z.gaps.is_empty()) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}
