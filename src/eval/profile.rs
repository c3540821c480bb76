//! What each rule and constant of a run cost (`palisade check --profile`): the units run, the
//! findings given, the evaluation steps taken and, when the caller passes a clock, the time;
//! and what each user function cost: its calls and the steps they took.
//!
//! The tallies are shared by every worker (relaxed atomic adds: only their totals matter) and
//! read once evaluation is over. Steps, units and findings depend only on the program and the
//! inputs; the time is summed over threads and varies from run to run. `eval` reads no clock
//! of its own: the caller passes one in ([`Profile::new`]), as it passes today's date.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::program::Program;

/// The tallies of one run, by rule, by constant and by function (indexed as in the
/// [`Program`]).
pub struct Profile {
    rules: Vec<Tally>,
    consts: Vec<Tally>,
    fns: Vec<Tally>,
    now: Option<fn() -> Instant>,
}

#[derive(Default)]
struct Tally {
    units: AtomicU64,
    findings: AtomicU64,
    steps: AtomicU64,
    nanos: AtomicU64,
}

impl Tally {
    fn add(&self, units: u64, findings: u64, steps: u64, nanos: u64) {
        self.units.fetch_add(units, Ordering::Relaxed);
        self.findings.fetch_add(findings, Ordering::Relaxed);
        self.steps.fetch_add(steps, Ordering::Relaxed);
        self.nanos.fetch_add(nanos, Ordering::Relaxed);
    }
}

/// What one rule, constant or function cost in a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cost {
    pub item: CostOf,
    /// The rule's id, the constant's name, or the function's package and name
    /// (`iec62443.lib.k8s.words`).
    pub name: String,
    /// Units run: one per item of the rule's first `for` (a unit that read a field before every
    /// file was loaded runs again, and counts twice); a rule without `for` is one unit. Zero
    /// for a constant. For a function, its calls (a call answered by a kept result included).
    pub units: u64,
    /// Zero for a constant or a function.
    pub findings: u64,
    /// Evaluation steps (expression nodes evaluated), the unit of `--max-steps`; the set-up
    /// before a rule's first `for` included. For a function, the steps its calls took, those
    /// of the functions it calls included (a call within a call of the same function is
    /// counted once, in the outermost), its arguments' not: they are the caller's. A call
    /// answered by a kept result takes the steps its evaluation took, so steps do not depend
    /// on what was kept. The calls of an evaluation done again (a unit that read a field
    /// before every file was loaded, a constant's part built as a file loaded and then not
    /// used) count each time.
    pub steps: u64,
    /// Time spent evaluating, summed over threads (zero without a clock, and for a function:
    /// functions are not timed).
    pub time: Duration,
}

/// Whether a [`Cost`] is a rule's, a constant's or a function's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CostOf {
    Rule,
    Constant,
    Function,
}

/// A mark taken when an evaluation starts (see [`Profile::start`]).
pub(crate) struct Started(Option<Instant>);

impl Profile {
    /// Empty tallies for the rules and constants of `prog`. With `now`, evaluations are timed.
    pub fn new(prog: &Program, now: Option<fn() -> Instant>) -> Profile {
        let tallies = |n: usize| (0..n).map(|_| Tally::default()).collect();
        Profile {
            rules: tallies(prog.rules.len()),
            consts: tallies(prog.consts.len()),
            fns: tallies(prog.fns.len()),
            now,
        }
    }

    pub(crate) fn start(&self) -> Started {
        Started(self.now.map(|now| now()))
    }

    fn nanos(&self, started: Started) -> u64 {
        match (self.now, started.0) {
            (Some(now), Some(at)) => {
                u64::try_from(now().saturating_duration_since(at).as_nanos()).unwrap_or(u64::MAX)
            }
            _ => 0,
        }
    }

    /// One unit of rule `rule` ran.
    pub(crate) fn unit(&self, rule: usize, started: Started, steps: u64, findings: usize) {
        let nanos = self.nanos(started);
        if let Some(t) = self.rules.get(rule) {
            t.add(1, findings as u64, steps, nanos);
        }
    }

    /// The set-up of rule `rule` (the clauses before its first `for`) ran.
    pub(crate) fn setup(&self, rule: usize, started: Started, steps: u64) {
        let nanos = self.nanos(started);
        if let Some(t) = self.rules.get(rule) {
            t.add(0, 0, steps, nanos);
        }
    }

    /// Constant `id` was evaluated.
    pub(crate) fn constant(&self, id: usize, started: Started, steps: u64) {
        let nanos = self.nanos(started);
        if let Some(t) = self.consts.get(id) {
            t.add(0, 0, steps, nanos);
        }
    }

    /// A call of function `id` ran (or was answered by a kept result); `steps` are those it
    /// took, `None` for a call made within a call of the same function (counted there).
    pub(crate) fn call(&self, id: u32, steps: Option<u64>) {
        if let Some(t) = self.fns.get(id as usize) {
            t.add(1, 0, steps.unwrap_or(0), 0);
        }
    }

    /// Every rule and every constant that cost anything, the most expensive first: by time,
    /// then steps, then name (without a clock, by steps then name); then every function that
    /// was called, by steps, then calls, then name.
    pub fn costs(&self, prog: &Program) -> Vec<Cost> {
        let cost = |item, name: &str, t: &Tally| Cost {
            item,
            name: name.to_string(),
            units: t.units.load(Ordering::Relaxed),
            findings: t.findings.load(Ordering::Relaxed),
            steps: t.steps.load(Ordering::Relaxed),
            time: Duration::from_nanos(t.nanos.load(Ordering::Relaxed)),
        };
        let rules =
            (prog.rules.iter().zip(&self.rules)).map(|(r, t)| cost(CostOf::Rule, &r.meta.id, t));
        let consts =
            (prog.consts.iter().zip(&self.consts)).map(|(c, t)| cost(CostOf::Constant, &c.name, t));
        let mut costs: Vec<Cost> = rules
            .chain(consts)
            .filter(|c| c.units > 0 || c.steps > 0)
            .collect();
        costs.sort_by(|a, b| {
            (b.time, b.steps)
                .cmp(&(a.time, a.steps))
                .then_with(|| a.name.cmp(&b.name))
        });
        let mut fns: Vec<Cost> = (prog.fns.iter().zip(&self.fns))
            .map(|(f, t)| {
                let name = if f.package.is_empty() {
                    f.name.clone()
                } else {
                    format!("{}.{}", f.package, f.name)
                };
                cost(CostOf::Function, &name, t)
            })
            .filter(|c| c.units > 0)
            .collect();
        fns.sort_by(|a, b| {
            (b.steps, b.units)
                .cmp(&(a.steps, a.units))
                .then_with(|| a.name.cmp(&b.name))
        });
        costs.extend(fns);
        costs
    }
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Profile")
    }
}

/// The time of each phase of an evaluation, with the clock the caller passed in (none: no
/// time is taken). Each [`lap`](Laps::lap) ends a phase.
pub(crate) struct Laps {
    now: Option<fn() -> Instant>,
    last: Option<Instant>,
    phases: Vec<(&'static str, Duration)>,
}

impl Laps {
    pub(crate) fn start(now: Option<fn() -> Instant>) -> Laps {
        Laps {
            now,
            last: now.map(|now| now()),
            phases: Vec::new(),
        }
    }

    /// The phase that began at the last lap (or the start) ends now, as `name`.
    pub(crate) fn lap(&mut self, name: &'static str) {
        if let (Some(now), Some(last)) = (self.now, self.last.as_mut()) {
            let t = now();
            self.phases.push((name, t - *last));
            *last = t;
        }
    }

    pub(crate) fn phases(self) -> Vec<(&'static str, Duration)> {
        self.phases
    }
}
