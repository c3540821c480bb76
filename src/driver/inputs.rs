//! Reading and loading input files in parallel.

use std::sync::Arc;

use rayon::prelude::*;

use crate::firewall::Config;

use crate::diag::{Code, Diagnostic};
use crate::input::{self, Document, Format, Limits};
use crate::source::{FileId, SourceDb, SourceFile};

use super::cache::Stamp;
use super::discover::Candidate;
use super::policies::display_path;

/// One loaded input file.
#[derive(Debug)]
pub struct LoadedInput {
    pub file: FileId,
    pub format: Format,
    pub documents: Vec<Document>,
    /// The normalized model of a firewall configuration.
    pub firewall: Option<Arc<Config>>,
}

/// Files larger than this (bytes) are loaded one at a time, under [`BIG_LOADS`].
const BIG_FILE: usize = 4 * 1024 * 1024;

static BIG_LOADS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Most files one task reads or loads in a row. rayon splits a list in halves only until every
/// thread has work, and a thread busy with a long run of files cannot give any of it away: at
/// the end of a phase one thread went on alone for tens of milliseconds with 10,000 files
/// (parsing and early rules). Runs this short end within a few milliseconds of each other.
const MAX_RUN: usize = 16;

/// What reading one candidate gave.
pub(crate) enum Read {
    /// The file, ready for the database, and its format if one claims it.
    Text(SourceFile, Option<Format>),
    /// (Boxed: a diagnostic is three times the size of a file, and a run holds a list of
    /// reads, one per candidate.)
    Failed(Box<Diagnostic>),
}

/// Reads, detects and loads `candidates`; files go into `db` in candidate order.
pub fn load_inputs(
    db: &mut SourceDb,
    candidates: &[Candidate],
    limits: &Limits,
    diags: &mut Vec<Diagnostic>,
) -> Vec<LoadedInput> {
    let pending = read_inputs(db, candidates, limits, diags, None);
    load_read(db, &pending, limits, diags)
}

/// The first half of [`load_inputs`]: reads `candidates` and detects their formats (a
/// candidate's `format`, from `[formats]` of palisade.toml, wins over detection), telling
/// `progress` of each file read. Files go into `db` in candidate order; returns each input
/// file with its format.
pub fn read_inputs(
    db: &mut SourceDb,
    candidates: &[Candidate],
    limits: &Limits,
    diags: &mut Vec<Diagnostic>,
    progress: Option<&dyn super::Progress>,
) -> Vec<(FileId, Format)> {
    let reads = read_all(candidates, limits, progress)
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    admit(db, candidates, reads, diags)
}

/// Reads every candidate in parallel (text, format and line index), with the stamp of each
/// file read (`None` when it could not be opened or read).
pub(crate) fn read_all(
    candidates: &[Candidate],
    limits: &Limits,
    progress: Option<&dyn super::Progress>,
) -> Vec<(Read, Option<Stamp>)> {
    candidates
        .par_iter()
        .with_max_len(MAX_RUN)
        .map(|c| {
            let r = match read(c, limits) {
                Ok((text, stamp)) => {
                    let format = c.format.or_else(|| input::detect(&c.path, &text));
                    (
                        Read::Text(SourceFile::new(display_path(&c.path), text), format),
                        Some(stamp),
                    )
                }
                Err((d, stamp)) => (Read::Failed(Box::new(d)), stamp),
            };
            if let Some(p) = progress {
                p.advance(1);
            }
            r
        })
        .collect()
}

/// Puts the files read into `db` in candidate order (`reads` has one per candidate) and
/// returns the inputs among them with their formats. A file no format claims is left out if
/// it was found by sniffing, else reported; a failed read is reported.
pub(crate) fn admit(
    db: &mut SourceDb,
    candidates: &[Candidate],
    reads: Vec<Read>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(FileId, Format)> {
    let mut pending = Vec::with_capacity(reads.len());
    db.reserve(reads.len());
    for (c, r) in candidates.iter().zip(reads) {
        match r {
            Read::Failed(d) => diags.push(*d),
            Read::Text(file, format) => {
                if format.is_none() && c.sniff {
                    // Found in a directory walk with no telling extension, and no format
                    // claims it: not an input (a README, a script…).
                    continue;
                }
                let name = file.name.clone();
                let id = db.add(file);
                match format {
                    Some(f) => pending.push((id, f)),
                    None => diags.push(
                        Diagnostic::new(
                            Code::InputSyntax,
                            format!("cannot tell the format of `{name}`"),
                        )
                        .path(name.as_str())
                        .help("give the file a .yaml, .json, .toml or .tf extension; firewall configurations are recognised by their content"),
                    ),
                }
            }
        }
    }
    pending
}

/// The second half of [`load_inputs`]: loads files read by [`read_inputs`], in parallel.
pub fn load_read(
    db: &SourceDb,
    pending: &[(FileId, Format)],
    limits: &Limits,
    diags: &mut Vec<Diagnostic>,
) -> Vec<LoadedInput> {
    let loaded = load_read_then(db, pending, limits, diags, |_| ());
    loaded.into_iter().map(|(l, ())| l).collect()
}

/// Like [`load_read`], calling `then` on each file right after it is loaded, on the same
/// thread (while its values are in the processor's cache), and keeping what it gives. `then`
/// may take the file's documents, once nothing else will read them.
pub fn load_read_then<T: Send>(
    db: &SourceDb,
    pending: &[(FileId, Format)],
    limits: &Limits,
    diags: &mut Vec<Diagnostic>,
    then: impl Fn(&mut LoadedInput) -> T + Sync,
) -> Vec<(LoadedInput, T)> {
    let db_ref = db;
    let loaded: Vec<(LoadedInput, T, Vec<Diagnostic>)> = pending
        .par_iter()
        .with_max_len(MAX_RUN)
        .map(|(id, format)| {
            let text = db_ref.text(*id);
            // Large files load one at a time: a parser's peak is many times its input, and
            // a tree of hostile files must not add those peaks up across every core. (Loaders
            // use no rayon, so a worker holding the lock never waits on work that needs it.)
            let serial = (text.len() > BIG_FILE)
                .then(|| BIG_LOADS.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
            let mut l = input::load(*id, text, *format, limits);
            drop(serial);
            let blank = db_ref.text(*id).trim().is_empty();
            if blank || (l.documents.is_empty() && l.diagnostics.is_empty()) {
                let name = db_ref.name(*id);
                let what = if blank { "is empty" } else { "holds no document" };
                l.diagnostics.push(
                    Diagnostic::new(Code::EmptyInput, format!("`{name}` {what}"))
                        .path(name)
                        .help("nothing in it is checked; delete the file or exclude it with `--exclude`"),
                );
            }
            let mut input = LoadedInput {
                file: *id,
                format: *format,
                documents: l.documents,
                firewall: l.firewall,
            };
            let after = then(&mut input);
            (input, after, l.diagnostics)
        })
        .collect();
    let mut out = Vec::with_capacity(loaded.len());
    for (l, t, d) in loaded {
        diags.extend(d);
        out.push((l, t));
    }
    out
}

/// The text of a candidate (a leading byte order mark dropped) and the stamp of the file it
/// was read from; or why it cannot be an input, with the stamp when the file could be opened.
#[expect(
    clippy::result_large_err,
    reason = "once per file, and the diagnostic goes straight into the run's list"
)]
pub(crate) fn read(
    c: &Candidate,
    limits: &Limits,
) -> Result<(String, Stamp), (Diagnostic, Option<Stamp>)> {
    use std::io::Read as _;
    let name = display_path(&c.path);
    let io_error = |e: std::io::Error| {
        Diagnostic::new(Code::IoError, format!("cannot read `{name}`: {e}"))
            .path(name.clone())
            .help("check that the file exists and is readable")
    };
    let too_large = |len: u64| {
        Diagnostic::new(
            Code::InputLimit,
            format!(
                "`{name}` is {len} bytes, over the {} byte limit",
                limits.max_file_size
            ),
        )
        .path(name.clone())
        .help("raise the limit with `--max-file-size` or exclude the file")
    };
    // One open, and the size from the open file: no second lookup of the path. Reading stops
    // just past the limit, should the file grow after its size was taken.
    let unstamped = |e| (io_error(e), None);
    let file = std::fs::File::open(&c.path).map_err(unstamped)?;
    let stamp = Stamp::of_file(&file).map_err(unstamped)?;
    let len = stamp.len();
    if len > limits.max_file_size {
        return Err((too_large(len), Some(stamp)));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).saturating_add(1));
    file.take(limits.max_file_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unstamped)?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > limits.max_file_size {
        // The file grew after its size was taken: its stamp is stale.
        return Err((too_large(read), None));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok((
            text.strip_prefix('\u{feff}')
                .map(str::to_string)
                .unwrap_or(text),
            stamp,
        )),
        Err(e) => Err((
            Diagnostic::new(
                Code::NotUtf8,
                format!(
                    "`{name}` is not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            )
            .path(name)
            .help("convert the file to UTF-8, or exclude it with `--exclude`"),
            Some(stamp),
        )),
    }
}
