//! Loading input files (YAML, JSON, TOML, HCL) into spanned [`Value`] trees.
//!
//! Loading never fails as a whole: a file yields the documents it could read plus diagnostics.
//! Every loaded value carries the [`Span`] of its text, every map key the span of the key.
//!
//! One file per concern: [`detect`](detect()) picks the format, `yaml/`, `json.rs`, `toml.rs`
//! and `hcl.rs` load one format each, and `report.rs` builds the diagnostics they share.

mod detect;
mod hcl;
mod json;
mod report;
mod toml;
mod yaml;

use std::sync::Arc;

use crate::diag::{Code, Diagnostic};
use crate::firewall::{self, Config, Vendor};
use crate::source::{FileId, Span};
use crate::value::Value;

pub use detect::detect;

/// The format of an input file.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Format {
    Yaml,
    Json,
    Toml,
    /// HCL: Terraform `.tf` files.
    Hcl,
    /// A firewall configuration in a vendor's syntax.
    Firewall(Vendor),
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
            Format::Toml => "toml",
            Format::Hcl => "hcl",
            Format::Firewall(v) => v.as_str(),
        }
    }
}

/// One document of a file (YAML files may hold several).
#[derive(Clone, Debug)]
pub struct Document {
    /// 0-based position of the document in its file, counting only documents with content
    /// (an empty YAML document, such as one after a trailing `---`, is skipped).
    pub index: usize,
    pub value: Value,
    /// The whole document.
    pub span: Span,
}

/// What loading one file produced.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub diagnostics: Vec<Diagnostic>,
    /// The normalized model, for a firewall configuration.
    pub firewall: Option<Arc<Config>>,
}

/// Bounds that protect the loader from hostile files.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_size: u64,
    /// Deepest nesting of lists and maps (a root list or map is depth 1). Values are walked
    /// and dropped recursively, so keep this in the hundreds. The parsers also stop on their
    /// own: YAML at 255 nested `[`/`{`, JSON at 256 objects or 512 arrays, TOML at 80.
    pub max_depth: usize,
    /// Most nodes that YAML alias expansion may produce in one file.
    pub max_alias_nodes: usize,
    /// Most documents in one file.
    pub max_documents: usize,
    /// Most values one file may hold, estimated before parsing by counting lines, commas and
    /// opening brackets (an upper bound for every format). Parsers and loaded trees take
    /// 100 to 800 bytes per value, so this bounds the memory one file can take.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_size: 32 * 1024 * 1024,
            max_depth: 256,
            max_alias_nodes: 100_000,
            max_documents: 10_000,
            max_nodes: 1_000_000,
        }
    }
}

/// Loads YAML `text` with the fast block reader and with saphyr alone: whether the block
/// reader took it, or where the two readings differ. For the differential fuzz target.
#[doc(hidden)]
pub fn yaml_readers_agree(text: &str) -> Result<bool, String> {
    yaml::readers_agree(text)
}

/// Loads `text` (the contents of `file`) as `format`.
///
/// Never panics and never fails as a whole: syntax errors, duplicate keys and tripped limits
/// become diagnostics, and the documents read before a syntax error are kept. Should a parser
/// library panic all the same, the panic becomes an internal-error diagnostic.
pub fn load(file: FileId, text: &str, format: Format, limits: &Limits) -> Loaded {
    if let Some(at) = beyond_nodes(text, limits.max_nodes) {
        return Loaded {
            diagnostics: vec![Diagnostic::new(
                Code::InputLimit,
                format!(
                    "file holds more than {} values (counting lines, commas and brackets); not loaded",
                    limits.max_nodes
                ),
            )
            .at(Span::new(file, at, at + 1), "the limit is reached here")
            .help("raise the limit with `--max-nodes`, or exclude the file")],
            ..Loaded::default()
        };
    }
    let result = crate::fault::catch(|| match format {
        Format::Yaml => yaml::load(file, text, limits),
        Format::Json => json::load(file, text, limits),
        Format::Toml => toml::load(file, text, limits),
        Format::Hcl => hcl::load(file, text, limits),
        Format::Firewall(vendor) => load_firewall(file, text, vendor),
    });
    result.unwrap_or_else(|cause| Loaded {
        documents: Vec::new(),
        diagnostics: vec![Diagnostic::new(
            Code::InternalError,
            format!(
                "the {} parser crashed on this file ({cause})",
                format.as_str()
            ),
        )
        .span(Some(Span::new(file, 0, 0)))
        .help("this is a bug in Palisade; please report it with the file that caused it")],
        firewall: None,
    })
}

/// An upper bound of the number of values in `text`, whatever its format: every value but the
/// first follows a line break, a comma or an opening bracket. The offset where the count passes
/// `max`, if it does.
pub fn beyond_nodes(text: &str, max: usize) -> Option<usize> {
    if text.len() <= max {
        return None; // at most one value per byte
    }
    let mut count = 0usize;
    for (i, b) in text.bytes().enumerate() {
        if matches!(b, b'\n' | b',' | b'[' | b'{') {
            count += 1;
            if count > max {
                return Some(i);
            }
        }
    }
    None
}

/// A firewall configuration: one document holding the normalized model and its analysis.
fn load_firewall(file: FileId, text: &str, vendor: Vendor) -> Loaded {
    let parsed = firewall::parse(vendor, file, text);
    let span = Span::new(file, 0, text.len());
    Loaded {
        documents: vec![Document {
            index: 0,
            value: firewall::value::to_value(&parsed.config, text, span),
            span,
        }],
        diagnostics: parsed.diagnostics,
        firewall: Some(Arc::new(parsed.config)),
    }
}
