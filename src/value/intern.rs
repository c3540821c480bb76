//! Sharing the text of short strings read from inputs.
//!
//! Configuration repeats the same short strings over and over: keys (`name`, `image`,
//! `securityContext`) and values (`ALL`, `TCP`, `IfNotPresent`). Each thread keeps a bounded set
//! of the ones it has seen, so a repeated string costs a reference count instead of an
//! allocation, in time and in memory. Strings are immutable, so sharing them changes nothing
//! else.

use foldhash::HashSet;
use std::cell::RefCell;

use arcstr::ArcStr;

/// Longer strings are rarely repeated: they are not shared.
const MAX_LEN: usize = 32;

/// How many strings each thread keeps; once full, the set starts over.
const MAX_ENTRIES: usize = 16 * 1024;

thread_local! {
    static SEEN: RefCell<HashSet<ArcStr>> = RefCell::new(HashSet::default());
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
        if seen.len() >= MAX_ENTRIES {
            // Start over rather than stop sharing: the strings that repeat (keys above all)
            // are soon back, while one-off names and values no longer fill the set.
            seen.clear();
        }
        seen.insert(ArcStr::clone(&new));
        new
    })
}
