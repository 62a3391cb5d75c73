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
    s.push_str("  ");
    s.push_str(&meter(stats.take_peak()));
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

/// Bars of the peak meter, from -48 dBFS to 0.
const METER_BARS: usize = 8;

/// The peak meter: a short bar over -48..0 dBFS and the peak in dBFS (the output's
/// true peak since the last line, so it falls back as the music does), `CLIP` past
/// full scale.
pub fn meter(peak: f64) -> String {
    if peak <= 0.0 {
        return format!("peak [{}]  -inf dBFS", "-".repeat(METER_BARS));
    }
    let db = 20.0 * peak.log10();
    let lit = (((db + 48.0) / 48.0 * METER_BARS as f64).ceil().max(0.0) as usize).min(METER_BARS);
    let clip = if peak > 1.0 { " CLIP" } else { "" };
    format!(
        "peak [{}{}] {db:+.1} dBFS{clip}",
        "#".repeat(lit),
        "-".repeat(METER_BARS - lit)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_shows_file_version_cycle_load_voices_and_the_error() {
        let stats = Stats::default();
        stats.version.store(3, Ordering::Relaxed);
        stats.cycle_bits.store(12.5f64.to_bits(), Ordering::Relaxed);
        // 1.161 ms of an 11.61 ms budget is 10%; the longest, 2.322 ms, 20%.
        stats.block_ns_last.store(1_161_000, Ordering::Relaxed);
        stats.block_ns_max.store(2_322_000, Ordering::Relaxed);
        stats.voices.store(42, Ordering::Relaxed);
        let info = StatusInfo {
            file: "a.ph",
            budget_ms: 11.61,
            error: Some("a.ph:2:7: unknown function `sinne`"),
        };
        assert_eq!(
            line(&stats, &info),
            "a.ph v3  cycle 12.50  load 10.0% (max 20.0%)  voices 42  \
             peak [--------]  -inf dBFS  error: a.ph:2:7: unknown function `sinne`"
        );
        // The longest block is reset for the next line; underruns appear once there
        // are some.
        stats.underruns.store(2, Ordering::Relaxed);
        let info = StatusInfo {
            error: None,
            ..info
        };
        assert_eq!(
            line(&stats, &info),
            "a.ph v3  cycle 12.50  load 10.0% (max 0.0%)  voices 42  \
             peak [--------]  -inf dBFS  underruns 2  late blocks 0"
        );
    }

    #[test]
    fn the_meter_shows_the_peak_since_the_last_line() {
        // 0.5 is -6.02 dBFS: 42/48 of the range, 7 of 8 bars.
        assert_eq!(meter(0.5), "peak [#######-] -6.0 dBFS");
        assert_eq!(meter(2.0), "peak [########] +6.0 dBFS CLIP");
        assert_eq!(meter(0.0), "peak [--------]  -inf dBFS");
        let stats = Stats::default();
        stats
            .peak_bits
            .fetch_max(0.5f64.to_bits(), Ordering::Relaxed);
        assert_eq!(stats.take_peak(), 0.5);
        assert_eq!(stats.take_peak(), 0.0);
    }
}
