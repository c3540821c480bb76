//! Interim regex helpers (replaced by the `std.regex` family).

pub(crate) fn compile(pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| e.to_string())
}

pub(crate) fn is_match(pattern: &str, s: &str) -> Result<bool, String> {
    compile(pattern).map(|r| r.is_match(s))
}
