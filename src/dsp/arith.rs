//! The elementwise formulas of the signal graph that are more than one machine
//! operation: what the interpreter computes per frame, what constant folding computes
//! once, and what the JIT's emitters reproduce.

use super::approx;

/// Division; a zero divisor gives 0, as in pattern arithmetic.
#[inline]
pub fn div(a: f32, b: f32) -> f32 {
    if b == 0.0 {
        0.0
    } else {
        a / b
    }
}

/// `clip lo hi x`.
#[inline]
pub fn clip(x: f32, lo: f32, hi: f32) -> f32 {
    x.max(lo).min(hi)
}

/// `range lo hi x`: -1..1 onto lo..hi.
#[inline]
pub fn range(x: f32, lo: f32, hi: f32) -> f32 {
    lo + (x + 1.0) * 0.5 * (hi - lo)
}

/// MIDI note to Hz.
#[inline]
pub fn mtof(x: f32) -> f32 {
    approx::mtof(x)
}
