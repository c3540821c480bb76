//! Sharing the text of short strings read from inputs.
//!
//! Configuration repeats the same short strings over and over: keys (`name`, `image`,
//! `securityContext`) and values (`ALL`, `TCP`, `IfNotPresent`). Each thread keeps a bounded set
//! of the ones it has seen, so a repeated string costs a reference count instead of an
//! allocation, in time and in memory. Strings are immutable, so sharing them changes nothing
//! else.

use std::cell::RefCell;
use std::collections::HashSet;

use arcstr::ArcStr;

/// Longer strings are rarely repeated: they are not shared.
const MAX_LEN: usize = 32;

/// How many strings each thread keeps; once full, new strings are no longer shared.
const MAX_ENTRIES: usize = 16 * 1024;

thread_local! {
    static SEEN: RefCell<HashSet<ArcStr>> = RefCell::new(HashSet::new());
}

/// `text` as an `ArcStr`, shared with earlier calls on this thread when short.
pub(crate) fn intern(text: &str) -> ArcStr {
    if text.len() > MAX_LEN {
        return ArcStr::from(text);
    }
    SEEN.with(|seen| {
        let Ok(mut seen) = seen.try_borrow_mut() else {
            return ArcStr::from(text);
        };
        if let Some(hit) = seen.get(text) {
            return ArcStr::clone(hit);
        }
        let new = ArcStr::from(text);
        if seen.len() < MAX_ENTRIES {
            seen.insert(ArcStr::clone(&new));
        }
        new
    })
}
