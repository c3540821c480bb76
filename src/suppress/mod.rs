//! Inline suppressions: `palisade:ignore` comments in input files that silence findings.
//!
//! [`scan`] reads the directives out of one file's text; [`apply`] splits findings into kept
//! and suppressed and reports bad, expired and unused directives. Both are pure: the driver
//! passes the texts and today's date in.

mod apply;
mod comment;
mod directive;
mod scan;
mod scope;

pub use apply::{apply, Applied, Suppressed};
pub use comment::line_comment;
pub use directive::{Suppression, Target};
pub use scan::scan;
pub use scope::Scope;
