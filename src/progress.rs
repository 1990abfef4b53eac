//! Progress for people and for profiling: the spinner a terminal shows while `analyze` runs,
//! and the phase timings `NICHEGRAPH_TIMINGS=1` prints. The bottom floor: it imports nothing
//! from the crate, so the loader and the analysis can report their phases.

use std::sync::OnceLock;
use std::time::Instant;

/// With `NICHEGRAPH_TIMINGS=1`, the time of each phase goes to stderr (for profiling large runs;
/// see docs/PERFORMANCE.md).
pub struct Phases {
    on: bool,
    last: Instant,
}

/// The progress spinner of a running `analyze` (see `Spinner`), told each phase by `Phases`.
/// Set once, when a terminal asks for it; read without a lock (a `ProgressBar` is shared).
static SPINNER: OnceLock<indicatif::ProgressBar> = OnceLock::new();

/// A spinner on stderr naming what `analyze` is doing; cleared when dropped.
pub struct Spinner;

impl Spinner {
    pub fn start() -> Spinner {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb.set_message("reading the study");
        // A second spinner in one process (never asked for today) keeps the first one.
        let _ = SPINNER.set(pb);
        Spinner
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(pb) = SPINNER.get() {
            pb.finish_and_clear();
        }
    }
}

impl Phases {
    pub fn new() -> Self {
        Phases {
            on: std::env::var_os("NICHEGRAPH_TIMINGS").is_some_and(|v| v == "1"),
            last: Instant::now(),
        }
    }

    pub fn done(&mut self, phase: &str) {
        let next = match phase {
            "hash" => Some("reading the study"),
            "load" => Some("building the supply graph"),
            "graph" => Some("searching for needs and niches"),
            "analysis" => Some("rendering the reports and charts"),
            "render" => Some("writing the output folder"),
            _ => None,
        };
        if let (Some(next), Some(pb)) = (next, SPINNER.get()) {
            pb.set_message(next);
        }
        if self.on {
            eprintln!(
                "timing: {phase:<10} {:>8.3} s",
                self.last.elapsed().as_secs_f64()
            );
        }
        self.last = Instant::now();
    }

    /// Two interleaved phases (each file read, then checked) reported as their summed times.
    pub fn split(&mut self, first: &str, first_s: f64, second: &str, second_s: f64) {
        if self.on {
            eprintln!("timing: {first:<10} {first_s:>8.3} s");
            eprintln!("timing: {second:<10} {second_s:>8.3} s");
        }
        self.last = Instant::now();
    }
}

impl Default for Phases {
    fn default() -> Self {
        Self::new()
    }
}
