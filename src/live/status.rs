//! The live status line: the file playing, the cycle, the load (time per block
//! against the budget), voices, and the last error.

use std::sync::atomic::Ordering;

use super::player::Stats;

/// What the status line shows besides the audio thread's counters.
pub struct StatusInfo<'a> {
    pub file: &'a str,
    /// The real-time budget of one block, in milliseconds.
    pub budget_ms: f64,
    /// The last reload's error (its first line), if the last save failed.
    pub error: Option<&'a str>,
}

/// One line of status from `stats`; resets the longest-block counter, so the next
/// line shows the longest block since this one.
pub fn line(stats: &Stats, info: &StatusInfo<'_>) -> String {
    let last = stats.block_ns_last.load(Ordering::Relaxed) as f64 / 1e6;
    let max = stats.block_ns_max.swap(0, Ordering::Relaxed) as f64 / 1e6;
    let pct = |ms: f64| {
        if info.budget_ms > 0.0 {
            100.0 * ms / info.budget_ms
        } else {
            0.0
        }
    };
    let version = stats.version.load(Ordering::Relaxed);
    let mut s = format!(
        "{} v{}  cycle {:.2}  load {:.1}% (max {:.1}%)  voices {}",
        info.file,
        version,
        stats.cycle(),
        pct(last),
        pct(max),
        stats.voices.load(Ordering::Relaxed),
    );
    let late = stats.late_blocks.load(Ordering::Relaxed);
    let under = stats.underruns.load(Ordering::Relaxed);
    if late > 0 || under > 0 {
        s.push_str(&format!("  underruns {under}  late blocks {late}"));
    }
    if let Some(e) = info.error {
        s.push_str("  error: ");
        s.push_str(e);
    }
    s
}
