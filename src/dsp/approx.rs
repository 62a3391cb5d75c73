//! Polynomial approximations of the transcendental functions the kernels need.
//!
//! Cranelift has no sin, exp or tanh instruction, and a libm call per lane would lose
//! the SIMD gain, so the JIT emits these same formulas inline; the interpreter calls
//! these functions. Both engines therefore compute the same values, operation for
//! operation. Each function uses only `+ - * /`, `floor`, comparisons, min/max and
//! integer operations on the bits of an `f32`: nothing a Cranelift kernel cannot
//! express. Accuracy (checked in the tests against `std`): absolute error below 2e-6
//! for `sin_turns` and `tanh`, relative error below 1e-6 for `exp2`, absolute error
//! below 1e-5 for `log2`.

use std::f64::consts::LN_2;

/// The largest integer not above `x`, for `|x| < 2^31` (beyond that the result
/// saturates: finite, not exact; NaN gives 0). Written as truncation and a compare,
/// the two instructions the JIT emits too; `f32::floor` is a library call on x86-64
/// without SSE4.1.
#[inline]
pub fn floor(x: f32) -> f32 {
    let t = x as i32 as f32;
    if t > x {
        t - 1.0
    } else {
        t
    }
}

/// `sin(2π x)`, `x` in turns. Exactly 0 at multiples of 1/2.
///
/// Reduction: `r = x - floor(x + 1/2)` lies in [-1/2, 1/2]; folding about ±1/4 gives
/// `|r| <= 1/4` (an angle of at most π/2), where the Taylor series of `sin(2π r)` up to
/// `r^11` is accurate to 6e-8.
#[inline]
pub fn sin_turns(x: f32) -> f32 {
    let mut r = x - floor(x + 0.5);
    if r > 0.25 {
        r = 0.5 - r;
    } else if r < -0.25 {
        r = -0.5 - r;
    }
    let r2 = r * r;
    r * (SIN_C[0]
        + r2 * (SIN_C[1] + r2 * (SIN_C[2] + r2 * (SIN_C[3] + r2 * (SIN_C[4] + r2 * SIN_C[5])))))
}

#[cfg(any(test, feature = "testing"))]
/// `cos(2π x)`, `x` in turns.
#[inline]
pub fn cos_turns(x: f32) -> f32 {
    sin_turns(x + 0.25)
}

/// Taylor coefficients of `sin(2π r)`: `(-1)^k (2π)^(2k+1) / (2k+1)!`.
pub(crate) const SIN_C: [f32; 6] = [
    6.283_185_5,
    -41.341_705,
    81.605_25,
    -76.705_86,
    42.058_694,
    -15.094_643,
];

/// `2^x`. Saturates: below -126 it is 0, above 127 it is `2^127`.
///
/// Reduction: `i = floor(x + 1/2)`, `f = x - i` in [-1/2, 1/2]; `2^f` by its Taylor
/// series to degree 7 (relative error 5e-9); `2^i` is put into the exponent bits.
#[inline]
pub fn exp2(x: f32) -> f32 {
    // NaN compares false and becomes the lower bound, so the result is finite.
    let x = if x > -126.0 { x.min(127.0) } else { -126.0 };
    let i = floor(x + 0.5);
    let f = x - i;
    let p = 1.0
        + f * (EXP2_C[0]
            + f * (EXP2_C[1]
                + f * (EXP2_C[2]
                    + f * (EXP2_C[3] + f * (EXP2_C[4] + f * (EXP2_C[5] + f * EXP2_C[6]))))));
    // `i` is an integer in [-126, 128]; shifting it into the exponent field scales by 2^i.
    let scale = f32::from_bits((((i as i32) + 127).clamp(1, 254) as u32) << 23);
    p * scale
}

/// Taylor coefficients of `2^f = e^(f ln 2)`: `(ln 2)^k / k!` for k = 1..7.
pub(crate) const EXP2_C: [f32; 7] = [
    std::f32::consts::LN_2,
    0.240_226_5,
    0.055_504_11,
    0.009_618_129,
    0.001_333_355_8,
    0.000_154_035_3,
    0.000_015_252_734,
];

/// `e^x`.
#[inline]
pub fn exp(x: f32) -> f32 {
    exp2(x * std::f32::consts::LOG2_E)
}

/// `log2(x)` for `x > 0`; 0 and negative inputs (and NaN) give -126, the log of the
/// smallest normal number, so that level detectors never see infinity.
///
/// Reduction: the exponent bits give `e`, the mantissa `m` in [1, 2); then
/// `ln m = 2 atanh(s)` with `s = (m - 1)/(m + 1)` in [0, 1/3], by its odd series to
/// `s^11` (error below 1e-7).
#[inline]
pub fn log2(x: f32) -> f32 {
    // Zero, negatives, denormals and NaN.
    if x.is_nan() || x < f32::MIN_POSITIVE {
        return -126.0;
    }
    let bits = x.to_bits();
    let e = ((bits >> 23) & 0xff) as i32 - 127;
    let m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let c = LOG_SERIES;
    let atanh = s * (c[0] + s2 * (c[1] + s2 * (c[2] + s2 * (c[3] + s2 * (c[4] + s2 * c[5])))));
    e as f32 + atanh * (2.0 / LN_2 as f32)
}

/// The odd series of `atanh(s)/s`: `1/(2k+1)` for k = 0..5.
pub(crate) const LOG_SERIES: [f32; 6] =
    [1.0, 1.0 / 3.0, 1.0 / 5.0, 1.0 / 7.0, 1.0 / 9.0, 1.0 / 11.0];

/// `tanh(x)`, through `exp2`: `(e^2x - 1)/(e^2x + 1)`, with the argument clamped to
/// ±9 where tanh is 1 to f32 precision. Absolute error below 2e-7.
#[inline]
pub fn tanh(x: f32) -> f32 {
    let x = if x > -9.0 { x.min(9.0) } else { -9.0 };
    let e = exp2(x * (2.0 * std::f32::consts::LOG2_E));
    (e - 1.0) / (e + 1.0)
}

/// `tan(π x)` for `x` in [0, 1/2): the prewarping of a bilinear-transform filter,
/// `g = tan(π fc / fs)`. The argument is clamped to [0, 0.499].
#[inline]
pub fn tan_pi(x: f32) -> f32 {
    let x = if x > 0.0 { x.min(0.499) } else { 0.0 };
    sin_turns(0.5 * x) / sin_turns(0.5 * x + 0.25)
}

/// MIDI note number to Hz: `440 · 2^((m - 69)/12)`.
#[inline]
pub fn mtof(m: f32) -> f32 {
    440.0 * exp2((m - 69.0) * (1.0 / 12.0))
}

/// Decibels to linear gain: `10^(db/20)`.
#[inline]
pub fn db_to_gain(db: f32) -> f32 {
    exp2(db * (std::f32::consts::LOG2_10 / 20.0))
}

/// Linear gain to decibels, `20 log10(g)`; non-positive gains give about -759 dB.
#[inline]
pub fn gain_to_db(g: f32) -> f32 {
    log2(g) * (20.0 / std::f32::consts::LOG2_10)
}

/// The coefficients above, recomputed in f64 (used by the tests to check the tables).
#[cfg(test)]
fn sin_coefficients() -> [f64; 6] {
    use std::f64::consts::PI;
    let mut c = [0.0; 6];
    let w = 2.0 * PI;
    let mut fact = 1.0;
    for (k, slot) in c.iter_mut().enumerate() {
        let n = 2 * k + 1;
        if n > 1 {
            fact *= ((n - 1) * n) as f64;
        }
        let sign = if k % 2 == 0 { 1.0 } else { -1.0 };
        *slot = sign * w.powi(n as i32) / fact;
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn grid(lo: f64, hi: f64, n: usize) -> impl Iterator<Item = f64> {
        (0..=n).map(move |i| lo + (hi - lo) * i as f64 / n as f64)
    }

    #[test]
    fn floor_matches_std_in_range() {
        for x in grid(-1000.0, 1000.0, 100_000) {
            let x = x as f32;
            assert_eq!(floor(x), x.floor(), "{x}");
        }
        for x in [0.0f32, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0e9, -2.0e9] {
            assert_eq!(floor(x), x.floor(), "{x}");
        }
        assert_eq!(floor(f32::NAN), 0.0);
        assert!(floor(1e30).is_finite());
    }

    #[test]
    fn coefficient_tables_match_their_formulas() {
        for (a, b) in SIN_C.iter().zip(sin_coefficients()) {
            assert!(((*a as f64) - b).abs() <= b.abs() * 1e-7, "{a} vs {b}");
        }
        let mut fact = 1.0;
        for (k, c) in EXP2_C.iter().enumerate() {
            fact *= (k + 1) as f64;
            let expect = LN_2.powi(k as i32 + 1) / fact;
            assert!(
                ((*c as f64) - expect).abs() <= expect * 1e-7,
                "{c} vs {expect}"
            );
        }
    }

    #[test]
    fn sin_and_cos_within_2e6() {
        for x in grid(-3.0, 3.0, 60_000) {
            let s = sin_turns(x as f32) as f64;
            let want = (2.0 * PI * (x as f32 as f64)).sin();
            assert!((s - want).abs() < 2e-6, "sin_turns({x}) = {s}, want {want}");
            let c = cos_turns(x as f32) as f64;
            let want = (2.0 * PI * ((x as f32) as f64 + 0.25)).sin();
            assert!((c - want).abs() < 2e-6, "cos_turns({x}) = {c}, want {want}");
        }
        assert_eq!(sin_turns(0.0), 0.0);
        assert!((sin_turns(0.25) - 1.0).abs() < 1e-7);
        assert!((sin_turns(-0.25) + 1.0).abs() < 1e-7);
        assert_eq!(sin_turns(0.5), 0.0);
    }

    #[test]
    fn exp2_relative_error_below_1e6() {
        for x in grid(-120.0, 120.0, 200_000) {
            let got = exp2(x as f32) as f64;
            let want = 2f64.powf(x as f32 as f64);
            assert!(
                ((got - want) / want).abs() < 1e-6,
                "exp2({x}) = {got}, want {want}"
            );
        }
        assert_eq!(exp2(0.0), 1.0);
        assert_eq!(exp2(3.0), 8.0);
        assert_eq!(exp2(-1.0), 0.5);
        assert!(exp2(f32::NAN).is_finite());
        assert!(exp2(1e30).is_finite() && exp2(-1e30) >= 0.0);
    }

    #[test]
    fn log2_within_1e5() {
        for x in grid(-20.0, 20.0, 100_000) {
            let v = 2f64.powf(x) as f32;
            let got = log2(v) as f64;
            let want = (v as f64).log2();
            assert!((got - want).abs() < 1e-5, "log2({v}) = {got}, want {want}");
        }
        assert_eq!(log2(0.0), -126.0);
        assert_eq!(log2(-1.0), -126.0);
        assert_eq!(log2(f32::NAN), -126.0);
        assert_eq!(log2(1.0), 0.0);
    }

    #[test]
    fn tanh_within_2e7_and_bounded() {
        for x in grid(-12.0, 12.0, 100_000) {
            let got = tanh(x as f32) as f64;
            let want = (x as f32 as f64).tanh();
            assert!(
                (got - want).abs() < 2e-7 + 1e-7,
                "tanh({x}) = {got}, want {want}"
            );
        }
        assert!(tanh(f32::NAN).is_finite());
        assert!(tanh(1e30) <= 1.0 && tanh(-1e30) >= -1.0);
    }

    #[test]
    fn tan_pi_matches_and_clamps() {
        for x in grid(0.0, 0.45, 10_000) {
            let got = tan_pi(x as f32) as f64;
            let want = (PI * (x as f32 as f64)).tan();
            assert!(
                (got - want).abs() < 2e-5 * want.max(1.0),
                "tan_pi({x}) = {got}, want {want}"
            );
        }
        assert!(tan_pi(0.7).is_finite() && tan_pi(-1.0) == 0.0);
        assert!(tan_pi(f32::NAN).is_finite());
    }

    #[test]
    fn note_and_decibel_conversions() {
        assert!((mtof(69.0) - 440.0).abs() < 1e-3);
        assert!((mtof(60.0) as f64 - 261.625_565).abs() < 1e-3);
        assert!((db_to_gain(-6.0) as f64 - 10f64.powf(-0.3)).abs() < 1e-6);
        assert!((gain_to_db(0.5) as f64 - 20.0 * 0.5f64.log10()).abs() < 1e-4);
    }
}
