//! Interim glob helpers (replaced by the `std.glob` family).

pub(crate) fn compile(pattern: &str) -> Result<globset::GlobMatcher, String> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(false)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| e.to_string())
}

pub(crate) fn is_match(pattern: &str, s: &str) -> Result<bool, String> {
    compile(pattern).map(|g| g.is_match(s))
}
