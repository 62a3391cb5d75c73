//! Where frames are in pattern time, and where pattern time is in frames.
//!
//! Pattern time is exact: the tempo is read as a fraction (`0.5167` is 5167/10000),
//! so a frame's time and an event's frame are computed exactly, and the only rounding
//! is the last step, to the nearest frame (halves round up). A block of frames
//! `[f0, f1)` queries the arc `[(f0 - 1/2)/fpc, (f1 - 1/2)/fpc)` (fpc: frames per
//! cycle), which holds exactly the onsets that round into the block: every onset is
//! played by exactly one block, at the exact frame it rounds to, never moved to a
//! block boundary.

use crate::time::{Rational, Span};

/// The mapping between frames and cycles for one tempo and sample rate, from an
/// origin: frame `origin_frame` is at cycle `origin_cycle` (frame 0 at cycle 0 for a
/// clock that starts with the patch; a live reload that changes the tempo continues
/// the cycle position of the frame where it takes over).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Clock {
    /// Frames per cycle, exact: sample rate / cycles per second.
    frames_per_cycle: Rational,
    sample_rate: u32,
    cps: f64,
    origin_frame: u64,
    origin_cycle: Rational,
}

impl Clock {
    pub fn new(cps: f64, sample_rate: u32) -> Clock {
        let cps_exact = Rational::from_f64(cps);
        let frames_per_cycle = if cps_exact.is_positive() {
            Rational::from_int(i64::from(sample_rate)) / cps_exact
        } else {
            // The evaluator rejects non-positive tempos; keep a sane clock anyway.
            Rational::from_int(i64::from(sample_rate))
        };
        Clock {
            frames_per_cycle,
            sample_rate,
            cps,
            origin_frame: 0,
            origin_cycle: Rational::ZERO,
        }
    }

    /// A clock at tempo `cps` that continues this one from `frame` on: frame `frame`
    /// is at the same (exact) cycle position in both.
    pub fn continued_at(&self, cps: f64, frame: u64) -> Clock {
        let mut next = Clock::new(cps, self.sample_rate);
        next.origin_frame = frame;
        next.origin_cycle = self.cycle_at(frame);
        next
    }

    /// The exact cycle position of frame `frame`.
    pub fn cycle_at(&self, frame: u64) -> Rational {
        let num = self.frames_per_cycle.numer() as i128;
        let den = self.frames_per_cycle.denom() as i128;
        let since = frame as i128 - self.origin_frame as i128;
        self.after_origin(rational_from_i128(since * den, num))
    }

    /// `t` cycles after the origin's cycle.
    fn after_origin(&self, t: Rational) -> Rational {
        if self.origin_cycle == Rational::ZERO {
            t
        } else {
            self.origin_cycle + t
        }
    }

    pub fn cps(&self) -> f64 {
        self.cps
    }

    /// The arc of pattern time whose onsets round into frames `[start, start+frames)`.
    pub fn block_arc(&self, start: u64, frames: usize) -> Span {
        let end = start + frames as u64;
        Span::new(self.half_frame_before(start), self.half_frame_before(end))
    }

    /// The time of frame `f - 1/2`: `c0 + (2(f - f0) - 1) / (2 fpc)`.
    fn half_frame_before(&self, frame: u64) -> Rational {
        let num = self.frames_per_cycle.numer() as i128;
        let den = self.frames_per_cycle.denom() as i128;
        let n = (2 * (frame as i128 - self.origin_frame as i128) - 1) * den;
        let d = 2 * num;
        self.after_origin(rational_from_i128(n, d))
    }

    /// The frame an instant of pattern time rounds to: `floor(t · fpc + 1/2)`.
    /// Computed in 128-bit integers, so it is exact for any representable time.
    pub fn frame_of(&self, t: Rational) -> i64 {
        let origin = self.origin_frame as i128;
        let t = if self.origin_cycle == Rational::ZERO {
            t
        } else {
            t - self.origin_cycle
        };
        let num = self.frames_per_cycle.numer() as i128;
        let den = self.frames_per_cycle.denom() as i128;
        // t·fpc + 1/2 = (2·t.num·num + t.den·den) / (2·t.den·den)
        let n = 2 * t.numer() as i128 * num + t.denom() as i128 * den;
        let d = 2 * t.denom() as i128 * den;
        let f = n.div_euclid(d) + origin;
        f.clamp(i64::MIN as i128, i64::MAX as i128) as i64
    }

    /// A duration in cycles as a (fractional) number of frames.
    pub fn frames_in(&self, cycles: Rational) -> f64 {
        cycles.to_f64() * self.frames_per_cycle.to_f64()
    }

    /// Fills `out` with the cycle position of each frame from `start` on.
    pub fn positions(&self, start: u64, out: &mut [f64]) {
        let per_frame = self.cps / f64::from(self.sample_rate);
        let c0 = self.origin_cycle.to_f64();
        let first = start as f64 - self.origin_frame as f64;
        for (i, p) in out.iter_mut().enumerate() {
            *p = c0 + (first + i as f64) * per_frame;
        }
    }
}

/// `n/d` reduced into a `Rational`, saturating where it does not fit.
fn rational_from_i128(n: i128, d: i128) -> Rational {
    fn gcd(mut a: i128, mut b: i128) -> i128 {
        while b != 0 {
            let t = a % b;
            a = b;
            b = t;
        }
        a.abs().max(1)
    }
    let g = gcd(n, d);
    let (mut n, mut d) = (n / g, d / g);
    if d < 0 {
        n = -n;
        d = -d;
    }
    match (i64::try_from(n), i64::try_from(d)) {
        (Ok(n), Ok(d)) => Rational::new(n, d),
        _ => Rational::from_f64(n as f64 / d as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::r;

    #[test]
    fn onsets_round_to_the_nearest_frame() {
        // 1 cycle per second at 44100 Hz: an eighth of a cycle is frame 5512.5,
        // which rounds up to 5513; a third of a cycle is 14700 exactly.
        let c = Clock::new(1.0, 44_100);
        assert_eq!(c.frame_of(r(1, 8)), 5513);
        assert_eq!(c.frame_of(r(1, 3)), 14_700);
        assert_eq!(c.frame_of(r(0, 1)), 0);
        assert_eq!(c.frame_of(r(-1, 44_100 * 4)), 0);
        // Tempo 0.5167: a cycle is 44100 / 0.5167 = 85349.33... frames.
        let c = Clock::new(0.5167, 44_100);
        assert_eq!(c.frame_of(r(1, 1)), 85_349);
        assert_eq!(c.frame_of(r(3, 1)), 256_048);
    }

    #[test]
    fn a_continued_clock_keeps_the_cycle_position_and_changes_the_tempo() {
        // 0.5 cps at 48 kHz: frame 96000 is cycle 1. From there on at 2 cps a cycle
        // is 24000 frames: cycle 2 is frame 120000, cycle 3/2 is frame 108000.
        let a = Clock::new(0.5, 48_000);
        let b = a.continued_at(2.0, 96_000);
        assert_eq!(a.cycle_at(96_000), r(1, 1));
        assert_eq!(b.cycle_at(96_000), r(1, 1));
        assert_eq!(b.frame_of(r(2, 1)), 120_000);
        assert_eq!(b.frame_of(r(3, 2)), 108_000);
        assert_eq!(b.cycle_at(120_000), r(2, 1));
        // The arcs still tile time and hold their onsets.
        let x = b.block_arc(96_000, 512);
        assert_eq!(x.begin, r(47_999, 48_000));
        assert_eq!(x.end, b.block_arc(96_512, 512).begin);
        let mut pos = [0.0; 2];
        b.positions(120_000, &mut pos);
        assert_eq!(pos[0], 2.0);
        assert!((pos[1] - (2.0 + 2.0 / 48_000.0)).abs() < 1e-12);
    }

    #[test]
    fn block_arcs_tile_time_and_hold_their_onsets() {
        let c = Clock::new(0.5167, 48_000);
        let a = c.block_arc(0, 512);
        let b = c.block_arc(512, 512);
        assert_eq!(a.end, b.begin);
        // Every onset inside an arc rounds to a frame of its block.
        for k in 0..2000 {
            let t = r(k, 977);
            let f = c.frame_of(t);
            let block = f.div_euclid(512) as u64;
            let arc = c.block_arc(block * 512, 512);
            assert!(arc.begin <= t && t < arc.end, "{t:?} frame {f}");
        }
    }
}
