//! The master stage after the engine's master sum and the non-finite guard: a DC
//! blocker, then the look-ahead true-peak limiter ([`crate::dsp::limiter`]), and the
//! meters the reports read (input true peak, output true peak, samples over full
//! scale, how much and how long the limiter worked).
//!
//! The DC blocker always runs when the stage runs; the limiter is bit-transparent on
//! its own (gain exactly 1.0 gives the delayed input samples). `Config::limit` off
//! (`--no-limit`) leaves the stage out entirely: the output is the raw master sum.
//! A patch's `limit: off` disengages only the limiter ([`Master::set_engaged`]): its
//! delay line keeps running, so that a live reload that turns it off or on changes
//! neither the latency nor the DC blocker's state.

use crate::dsp::limiter::{DcBlocker, Limiter, TruePeak, DEFAULT_CEILING_DB};

/// Whether the limiter works.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LimiterMode {
    /// Limits at the ceiling.
    #[default]
    On,
    /// Disengaged by the patch's `limit: off` (the DC blocker and the delay run).
    OffInPatch,
    /// The whole master stage left out (`--no-limit`).
    Bypassed,
}

impl LimiterMode {
    /// As a small number for an atomic, and back.
    pub fn code(self) -> u8 {
        match self {
            LimiterMode::On => 0,
            LimiterMode::OffInPatch => 1,
            LimiterMode::Bypassed => 2,
        }
    }

    pub fn from_code(code: u8) -> LimiterMode {
        match code {
            1 => LimiterMode::OffInPatch,
            2 => LimiterMode::Bypassed,
            _ => LimiterMode::On,
        }
    }
}

/// What the master stage measured.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MasterStats {
    /// The limiter's mode at the end of what was measured.
    pub mode: LimiterMode,
    /// The true peak of the master sum (after the DC blocker), linear.
    pub input_peak: f64,
    /// The true peak of what left the stage, linear.
    pub output_peak: f64,
    /// The smallest gain the limiter applied (1.0: it never worked).
    pub min_gain: f64,
    /// Frames the limiter lowered.
    pub limited_frames: u64,
    /// Frames that left the stage.
    pub frames: u64,
    /// Output samples whose magnitude is past full scale (1.0).
    pub over_samples: u64,
}

impl MasterStats {
    /// Linear amplitude in dBFS (-inf for silence).
    pub fn db(x: f64) -> f64 {
        20.0 * x.log10()
    }

    /// The levels as one line: the master sum's true peak, the output's, how much
    /// and how long the limiter worked, and the samples past full scale (a 16-bit
    /// file clips them).
    pub fn summary(&self) -> String {
        let m = self;
        let db = |x: f64| {
            if x > 0.0 {
                format!("{:+.1} dBFS", Self::db(x))
            } else {
                "-inf dBFS".to_string()
            }
        };
        let limiter = if m.mode == LimiterMode::Bypassed {
            "limiter off (--no-limit)".to_string()
        } else if m.mode == LimiterMode::OffInPatch && m.limited_frames == 0 {
            "limiter off (`limit: off` in the patch)".to_string()
        } else if m.limited_frames == 0 {
            "limiter: never reached its ceiling of -1 dBTP".to_string()
        } else {
            let pct = if m.frames > 0 {
                100.0 * m.limited_frames as f64 / m.frames as f64
            } else {
                0.0
            };
            format!(
                "limiter: at most {:.1} dB of gain reduction, working {pct:.1}% of the time",
                m.reduction_db()
            )
        };
        let clip = if m.over_samples == 0 {
            "no sample past full scale".to_string()
        } else {
            format!(
                "{} sample(s) past full scale (clipped in a 16-bit file)",
                m.over_samples
            )
        };
        format!(
            "peak in {} (true peak), out {}; {limiter}; {clip}",
            db(m.input_peak),
            db(m.output_peak)
        )
    }

    /// The most gain reduction, in dB (0 when the limiter never worked).
    pub fn reduction_db(&self) -> f64 {
        if self.min_gain >= 1.0 {
            0.0
        } else {
            -Self::db(self.min_gain)
        }
    }
}

/// DC blocker, limiter and meters, one stereo frame at a time; allocates only when
/// built.
#[derive(Clone, Debug)]
pub struct Master {
    /// The DC blocker and the limiter run (`Config::limit`); off, only the meters.
    enabled: bool,
    dc: DcBlocker,
    limiter: Limiter,
    meter: TruePeak,
    stats: MasterStats,
    /// The output's true peak over the last block processed.
    block_peak: f64,
}

impl Master {
    /// The stage at `sample_rate`; `enabled` false meters the raw sum only.
    pub fn new(sample_rate: u32, enabled: bool) -> Master {
        Master {
            enabled,
            dc: DcBlocker::new(sample_rate),
            limiter: Limiter::new(sample_rate, DEFAULT_CEILING_DB),
            meter: TruePeak::new(),
            block_peak: 0.0,
            stats: MasterStats {
                min_gain: 1.0,
                ..MasterStats::default()
            },
        }
    }

    /// Frames between the master sum and the stage's output.
    pub fn latency(&self) -> usize {
        if self.enabled {
            self.limiter.latency()
        } else {
            0
        }
    }

    /// Engages or disengages the limiter (the patch's `limit:`); the stage keeps
    /// its delay either way. Disengaged, the gain releases to exactly 1.0 at the
    /// limiter's release rate, so a reload never jumps in level.
    pub fn set_engaged(&mut self, on: bool) {
        self.limiter.set_engaged(on);
    }

    pub fn mode(&self) -> LimiterMode {
        if !self.enabled {
            LimiterMode::Bypassed
        } else if self.limiter.engaged() {
            LimiterMode::On
        } else {
            LimiterMode::OffInPatch
        }
    }

    /// Runs a block in place.
    pub fn process(&mut self, left: &mut [f32], right: &mut [f32]) {
        self.block_peak = 0.0;
        for (l, r) in left.iter_mut().zip(right.iter_mut()) {
            if !self.enabled {
                self.meter_out(*l, *r);
                continue;
            }
            let (a, b) = (self.dc.tick(0, *l), self.dc.tick(1, *r));
            let (a, b) = self.limiter.tick(a, b);
            self.meter_out(a, b);
            *l = a;
            *r = b;
        }
    }

    /// Meters a frame that leaves the stage.
    fn meter_out(&mut self, a: f32, b: f32) {
        let tp = self.meter.push(a, b);
        self.block_peak = self.block_peak.max(tp);
        self.stats.output_peak = self.stats.output_peak.max(tp);
        self.stats.over_samples += u64::from(a.abs() > 1.0) + u64::from(b.abs() > 1.0);
        self.stats.frames += 1;
    }

    /// The output's true peak (linear) over the last block.
    pub fn block_peak(&self) -> f64 {
        self.block_peak
    }

    /// Meters the last frames out (the true-peak meter looks a few frames ahead):
    /// call once after the last block.
    pub fn finish(&mut self) {
        for _ in 0..TruePeak::LATENCY {
            let tp = self.meter.push(0.0, 0.0);
            self.stats.output_peak = self.stats.output_peak.max(tp);
        }
    }

    pub fn stats(&self) -> MasterStats {
        if !self.enabled {
            return MasterStats {
                mode: LimiterMode::Bypassed,
                input_peak: self.stats.output_peak,
                ..self.stats
            };
        }
        let l = self.limiter.stats();
        MasterStats {
            mode: self.mode(),
            input_peak: l.input_peak,
            min_gain: l.min_gain,
            limited_frames: l.limited_frames,
            ..self.stats
        }
    }
}
