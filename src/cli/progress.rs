//! The progress bar of long runs: on a terminal, shown once a run has lasted a second.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use palisade::driver::Progress;

/// How long a run goes before the bar appears.
const DELAY: Duration = Duration::from_secs(1);

struct Shared {
    bar: ProgressBar,
    done: AtomicBool,
}

impl Progress for Shared {
    fn phase(&self, name: &'static str, total: Option<u64>) {
        match total {
            Some(n) => {
                self.bar.set_style(
                    ProgressStyle::with_template(
                        "{spinner} {msg} {pos}/{len} [{bar:30}] {elapsed}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                self.bar.set_length(n);
                self.bar.set_position(0);
            }
            None => {
                self.bar.set_style(
                    ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
            }
        }
        self.bar.set_message(name);
    }

    fn advance(&self, n: u64) {
        self.bar.inc(n);
    }
}

/// A progress bar on standard error; hidden until [`DELAY`] has passed, and never drawn when
/// standard error is not a terminal.
pub(crate) struct Bar {
    shared: Arc<Shared>,
}

impl Bar {
    /// `None` when disabled (`--quiet`, `--verbose`) or when standard error is not a terminal.
    pub(crate) fn start(disabled: bool) -> Option<Bar> {
        if disabled || !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        let shared = Arc::new(Shared {
            bar,
            done: AtomicBool::new(false),
        });
        let later = Arc::clone(&shared);
        std::thread::spawn(move || {
            std::thread::sleep(DELAY);
            if !later.done.load(Ordering::SeqCst) {
                later.bar.set_draw_target(ProgressDrawTarget::stderr());
                later.bar.enable_steady_tick(Duration::from_millis(120));
            }
        });
        Some(Bar { shared })
    }

    pub(crate) fn hook(&self) -> Arc<dyn Progress> {
        self.shared.clone()
    }

    /// Removes the bar before the report is printed.
    pub(crate) fn finish(self) {
        self.shared.done.store(true, Ordering::SeqCst);
        self.shared.bar.finish_and_clear();
    }
}
