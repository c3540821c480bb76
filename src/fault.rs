//! Caught panics. A bug that panics inside one evaluation unit, one parser or one snippet
//! must cost that unit, file or snippet — never the run — and must not spill Rust's panic
//! text onto a CI log. [`catch`] runs code under `catch_unwind` and hands back the panic's
//! message for the diagnostic; [`install_hook`] (called by the binaries) keeps the default
//! hook quiet for panics that [`catch`] takes, and words the others as an internal error.

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe, PanicHookInfo};

thread_local! {
    /// How many [`catch`] calls are running on this thread.
    static CATCHING: Cell<u32> = const { Cell::new(0) };
    /// The message of the last panic taken on this thread.
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f`; a panic becomes `Err` with its message and place (`index out of bounds … at
/// src/x.rs:10:5`).
pub fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    CATCHING.with(|c| c.set(c.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(c.get().saturating_sub(1)));
    result.map_err(|payload| {
        LAST.with(|l| l.borrow_mut().take())
            .unwrap_or_else(|| payload_text(payload.as_ref()))
    })
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".to_string())
}

fn describe(info: &PanicHookInfo<'_>) -> String {
    let message = payload_text(info.payload());
    match info.location() {
        Some(l) => format!("{message} at {}:{}:{}", l.file(), l.line(), l.column()),
        None => message,
    }
}

/// Replaces the panic hook: a panic inside [`catch`] is recorded silently (it becomes a
/// diagnostic); any other is printed as one line naming it an internal error.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let text = describe(info);
        if CATCHING.with(Cell::get) > 0 {
            LAST.with(|l| *l.borrow_mut() = Some(text));
        } else {
            eprintln!(
                "palisade: internal error: {}; this is a bug, please report it with the input that caused it",
                crate::report::sanitize(&text)
            );
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::{catch, install_hook};

    #[test]
    fn a_caught_panic_gives_its_message_and_place() {
        install_hook();
        let r: Result<(), String> = catch(|| {
            let v: Vec<u8> = Vec::new();
            let i = v.len() + 3;
            #[allow(clippy::indexing_slicing, reason = "the panic is the point")]
            let _ = v[i];
        });
        let message = r.unwrap_err();
        assert!(message.contains("index out of bounds"), "{message}");
        assert!(message.contains("src/fault.rs:"), "{message}");
        assert_eq!(catch(|| 7), Ok(7));
        let r: Result<(), String> = catch(|| std::panic::panic_any(String::from("owned")));
        assert!(r.unwrap_err().starts_with("owned"));
        let _ = std::panic::take_hook();
    }
}
