//! Exact rational time.
//!
//! Pattern time is measured in cycles as a fraction `num/den` of two `i64`s, always
//! kept in lowest terms with a positive denominator. Arithmetic goes through `i128`
//! and is reduced before it is narrowed back, so ordinary patterns never come near
//! the limits.
//!
//! Overflow never panics. A result that does not fit saturates and raises a sticky,
//! thread-local flag; every public query entry point clears the flag before it runs
//! and turns a raised flag into a [`TimeOverflow`] error afterwards, and bounds the
//! query's work as well (see [`query_guard`] and the `guard` module). This keeps the
//! hot arithmetic free of `Result` plumbing while still guaranteeing a clear error.

use std::cmp::Ordering;
use std::fmt;
use std::ops::{Add, Div, Mul, Neg, Sub};

mod guard;

use guard::raise_overflow;
pub use guard::{overflow_guard, query_guard, spend, step, walk_step, QueryFault};
#[cfg(test)]
use guard::TimeOverflow;

/// An exact rational number of cycles.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rational {
    num: i64,
    den: i64,
}

fn gcd_u128(mut a: u128, mut b: u128) -> u128 {
    if a <= u64::MAX as u128 && b <= u64::MAX as u128 {
        return gcd_u64(a as u64, b as u64) as u128;
    }
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

/// Binary (Stein's) gcd: no division, much cheaper than Euclid's on `u128`. When one
/// number is much larger, one remainder first brings it down to the other's size.
fn gcd_u64(a: u64, b: u64) -> u64 {
    let (mut a, mut b) = if a <= b { (a, b) } else { (b, a) };
    if a == 0 {
        return b;
    }
    if a == 1 {
        return 1;
    }
    if a & (a - 1) == 0 {
        // A power of two (a step count, a speed factor): shared factors of two.
        return 1 << a.trailing_zeros().min(b.trailing_zeros());
    }
    if b >> 8 > a {
        b %= a;
        if b == 0 {
            return a;
        }
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

/// `x / g` for a positive `g` that divides `x`: a shift when `g` is a power of two
/// (exact, also for negative `x`, because nothing is shifted out).
fn exact_div(x: i64, g: i64) -> i64 {
    if g & (g - 1) == 0 {
        x >> g.trailing_zeros()
    } else {
        x / g
    }
}

fn exact_div_u64(x: u64, g: u64) -> u64 {
    if g & (g - 1) == 0 {
        x >> g.trailing_zeros()
    } else {
        x / g
    }
}

impl Rational {
    pub const ZERO: Rational = Rational { num: 0, den: 1 };
    pub const ONE: Rational = Rational { num: 1, den: 1 };
    /// Largest representable magnitude; saturated results land here.
    pub const MAX: Rational = Rational {
        num: i64::MAX,
        den: 1,
    };
    pub const MIN: Rational = Rational {
        num: -i64::MAX,
        den: 1,
    };

    /// `num/den`, reduced. A zero denominator raises the overflow flag and gives 0.
    pub fn new(num: i64, den: i64) -> Rational {
        Rational::from_i128(num as i128, den as i128)
    }

    pub const fn from_int(n: i64) -> Rational {
        Rational { num: n, den: 1 }
    }

    pub fn numer(self) -> i64 {
        self.num
    }

    pub fn denom(self) -> i64 {
        self.den
    }

    /// Narrows an `i128` fraction already in lowest terms with a positive denominator,
    /// saturating (and flagging) on overflow exactly as [`Rational::from_i128`] does.
    fn from_reduced_i128(num: i128, den: i128) -> Rational {
        if num == 0 {
            return Rational::ZERO;
        }
        if num > i64::MAX as i128 || num < -(i64::MAX as i128) || den > i64::MAX as i128 {
            raise_overflow();
            return if num > 0 {
                Rational::MAX
            } else {
                Rational::MIN
            };
        }
        Rational {
            num: num as i64,
            den: den as i64,
        }
    }

    /// Reduces an `i128` fraction and narrows it, saturating (and flagging) on overflow.
    fn from_i128(num: i128, den: i128) -> Rational {
        if den == 0 {
            raise_overflow();
            return Rational::ZERO;
        }
        let (mut num, mut den) = if den < 0 {
            (num.wrapping_neg(), den.wrapping_neg())
        } else {
            (num, den)
        };
        if num == 0 {
            return Rational::ZERO;
        }
        let (num_abs, den_abs) = (num.unsigned_abs(), den as u128);
        if num_abs <= u64::MAX as u128 && den_abs <= u64::MAX as u128 {
            // Everything fits in 64 bits: reduce there (same result, cheaper).
            let (n, d) = (num_abs as u64, den_abs as u64);
            let g = if d == 1 { 1 } else { gcd_u64(n, d) };
            let (n, d) = (exact_div_u64(n, g), exact_div_u64(d, g));
            if n > i64::MAX as u64 || d > i64::MAX as u64 {
                raise_overflow();
                return if num > 0 {
                    Rational::MAX
                } else {
                    Rational::MIN
                };
            }
            let n = n as i64;
            return Rational {
                num: if num < 0 { -n } else { n },
                den: d as i64,
            };
        }
        let g = gcd_u128(num.unsigned_abs(), den.unsigned_abs()) as i128;
        if g > 1 {
            num /= g;
            den /= g;
        }
        if num > i64::MAX as i128 || num < -(i64::MAX as i128) || den > i64::MAX as i128 {
            raise_overflow();
            return if num > 0 {
                Rational::MAX
            } else {
                Rational::MIN
            };
        }
        Rational {
            num: num as i64,
            den: den as i64,
        }
    }

    /// The exact value of a decimal literal such as `0.125` or `1e3`: `0.1` is 1/10.
    /// Returns `None` when the text is not a decimal number or does not fit.
    pub fn parse_decimal(text: &str) -> Option<Rational> {
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
            None => (text, 0),
        };
        let (negative, mantissa) = match mantissa.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
        };
        let (int_part, frac_part) = match mantissa.find('.') {
            Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
            None => (mantissa, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        if !int_part
            .bytes()
            .chain(frac_part.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let digits = format!("{int_part}{frac_part}");
        let digits = digits.trim_start_matches('0');
        let mut num: i128 = if digits.is_empty() {
            0
        } else {
            if digits.len() > 30 {
                return None;
            }
            digits.parse().ok()?
        };
        let mut scale = exponent.checked_sub(frac_part.len() as i32)?;
        if num == 0 {
            return Some(Rational::ZERO);
        }
        // Beyond 10^±40 nothing fits in 64 bits; stop before looping on the exponent.
        if !(-40..=40).contains(&scale) {
            return None;
        }
        let mut den: i128 = 1;
        while scale > 0 {
            num = num.checked_mul(10)?;
            scale -= 1;
        }
        while scale < 0 {
            den = den.checked_mul(10)?;
            scale += 1;
        }
        if negative {
            num = -num;
        }
        let g = gcd_u128(num.unsigned_abs(), den.unsigned_abs()).max(1) as i128;
        let (num, den) = (num / g, den / g);
        if num.unsigned_abs() > i64::MAX as u128 || den > i64::MAX as i128 {
            return None;
        }
        Some(Rational::new(num as i64, den as i64))
    }

    /// The simplest fraction within a relative 1e-12 of `x` (denominator at most 2^40),
    /// so that float values that came from decimal text (0.1, 1.5) or simple fractions
    /// (1/3 as a float) become exact again. Non-finite input raises the overflow flag.
    pub fn from_f64(x: f64) -> Rational {
        if !x.is_finite() || x.abs() >= 9.0e18 {
            raise_overflow();
            return if x < 0.0 {
                Rational::MIN
            } else {
                Rational::MAX
            };
        }
        if x == x.trunc() {
            return Rational::from_int(x as i64);
        }
        // Continued-fraction expansion, stopping at the first convergent close enough.
        let tolerance = (x.abs() * 1e-12).max(1e-15);
        let (mut h0, mut h1): (i128, i128) = (0, 1);
        let (mut k0, mut k1): (i128, i128) = (1, 0);
        let mut rest = x;
        for _ in 0..64 {
            let a = rest.floor();
            let ai = a as i128;
            let h2 = ai * h1 + h0;
            let k2 = ai * k1 + k0;
            if k2 > (1i128 << 40) {
                break;
            }
            h0 = h1;
            h1 = h2;
            k0 = k1;
            k1 = k2;
            if ((h1 as f64) / (k1 as f64) - x).abs() <= tolerance {
                break;
            }
            let frac = rest - a;
            if frac == 0.0 {
                break;
            }
            rest = 1.0 / frac;
        }
        Rational::from_i128(h1, k1)
    }

    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// Largest integer not above this value.
    pub fn floor(self) -> Rational {
        Rational::from_int(self.floor_int())
    }

    pub fn floor_int(self) -> i64 {
        if self.den == 1 {
            return self.num;
        }
        self.num.div_euclid(self.den)
    }

    /// Smallest integer not below this value.
    pub fn ceil(self) -> Rational {
        let f = self.num.div_euclid(self.den);
        if self.num.rem_euclid(self.den) == 0 {
            Rational::from_int(f)
        } else {
            Rational::from_int(f.saturating_add(1))
        }
    }

    /// The start of the cycle this time is in (Tidal's `sam`).
    pub fn sam(self) -> Rational {
        self.floor()
    }

    /// The start of the next cycle (Tidal's `nextSam`).
    pub fn next_sam(self) -> Rational {
        match self.floor_int().checked_add(1) {
            Some(n) => Rational::from_int(n),
            // As `floor() + ONE` would: saturate and flag.
            None => {
                raise_overflow();
                Rational::MAX
            }
        }
    }

    /// The position inside its cycle, in `[0, 1)` (Tidal's `cyclePos`).
    pub fn cycle_pos(self) -> Rational {
        // num - floor*den = num mod den, and gcd(num mod den, den) = gcd(num, den) = 1.
        // A zero remainder means den = 1 (the fraction is reduced), so this is 0/1.
        Rational {
            num: self.num.rem_euclid(self.den),
            den: self.den,
        }
    }

    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    pub fn is_negative(self) -> bool {
        self.num < 0
    }

    pub fn is_positive(self) -> bool {
        self.num > 0
    }

    pub fn min(self, other: Rational) -> Rational {
        if self <= other {
            self
        } else {
            other
        }
    }

    pub fn max(self, other: Rational) -> Rational {
        if self >= other {
            self
        } else {
            other
        }
    }

    pub fn abs(self) -> Rational {
        if self.num < 0 {
            -self
        } else {
            self
        }
    }

    pub fn recip(self) -> Rational {
        Rational::from_i128(self.den as i128, self.num as i128)
    }
}

impl Default for Rational {
    fn default() -> Self {
        Rational::ZERO
    }
}

impl From<i64> for Rational {
    fn from(n: i64) -> Self {
        Rational::from_int(n)
    }
}

impl Add for Rational {
    type Output = Rational;
    fn add(self, o: Rational) -> Rational {
        if o.num == 0 {
            return self;
        }
        if self.num == 0 {
            return o;
        }
        if self.den == o.den {
            return Rational::from_i128(self.num as i128 + o.num as i128, self.den as i128);
        }
        // Knuth's addition (TAOCP 4.5.1): with g = gcd(b, d), a/b + c/d is
        // t / (b/g * d/g2) where t = a*(d/g) + c*(b/g) and g2 = gcd(t, g), already in
        // lowest terms; g = 1 (an integer on either side, say) needs no other gcd.
        let (b, d) = (self.den, o.den);
        let g = gcd_u64(b as u64, d as u64) as i64;
        if g == 1 {
            return Rational::from_reduced_i128(
                self.num as i128 * d as i128 + o.num as i128 * b as i128,
                b as i128 * d as i128,
            );
        }
        // Denominators are positive, so these divisions stay in 64 bits.
        let (b_g, d_g) = (exact_div(b, g), exact_div(d, g));
        let t = self.num as i128 * d_g as i128 + o.num as i128 * b_g as i128;
        if t == 0 {
            return Rational::ZERO;
        }
        let g2 = gcd_u128(t.unsigned_abs(), g as u128) as i64;
        let num = if let Ok(t) = i64::try_from(t) {
            exact_div(t, g2) as i128
        } else {
            t / g2 as i128
        };
        Rational::from_reduced_i128(num, b_g as i128 * exact_div(d, g2) as i128)
    }
}

impl Sub for Rational {
    type Output = Rational;
    fn sub(self, o: Rational) -> Rational {
        self + (-o)
    }
}

impl Neg for Rational {
    type Output = Rational;
    fn neg(self) -> Rational {
        // num is never i64::MIN (see MIN), so this cannot overflow.
        Rational {
            num: -self.num,
            den: self.den,
        }
    }
}

impl Mul for Rational {
    type Output = Rational;
    fn mul(self, o: Rational) -> Rational {
        if o == Rational::ONE {
            return self;
        }
        if self == Rational::ONE {
            return o;
        }
        if self.num == 0 || o.num == 0 {
            return Rational::ZERO;
        }
        // Cross-cancel first: both factors are in lowest terms, so the product of
        // the cancelled parts is too.
        let g1 = gcd_u64(self.num.unsigned_abs(), o.den as u64) as i64;
        let g2 = gcd_u64(o.num.unsigned_abs(), self.den as u64) as i64;
        Rational::from_reduced_i128(
            exact_div(self.num, g1) as i128 * exact_div(o.num, g2) as i128,
            exact_div(self.den, g2) as i128 * exact_div(o.den, g1) as i128,
        )
    }
}

impl Div for Rational {
    type Output = Rational;
    fn div(self, o: Rational) -> Rational {
        if o == Rational::ONE {
            return self;
        }
        if o.num == 0 {
            // As `from_i128` with a zero denominator.
            raise_overflow();
            return Rational::ZERO;
        }
        if self.num == 0 {
            return Rational::ZERO;
        }
        // (a/b) / (c/d) = (a*d) / (b*c), cross-cancelled as in `mul`.
        let g1 = gcd_u64(self.num.unsigned_abs(), o.num.unsigned_abs()) as i64;
        let g2 = gcd_u64(self.den as u64, o.den as u64) as i64;
        let num = exact_div(self.num, g1) as i128 * exact_div(o.den, g2) as i128;
        let den = exact_div(self.den, g2) as i128 * exact_div(o.num, g1) as i128;
        if den < 0 {
            Rational::from_reduced_i128(-num, -den)
        } else {
            Rational::from_reduced_i128(num, den)
        }
    }
}

impl PartialOrd for Rational {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rational {
    fn cmp(&self, o: &Self) -> Ordering {
        if self.den == o.den {
            // Denominators are positive.
            return self.num.cmp(&o.num);
        }
        (self.num as i128 * o.den as i128).cmp(&(o.num as i128 * self.den as i128))
    }
}

impl fmt::Display for Rational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

impl fmt::Debug for Rational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

/// Shorthand for `Rational::new`, used throughout the pattern code and its tests.
pub fn r(num: i64, den: i64) -> Rational {
    Rational::new(num, den)
}

/// A half-open span of time `[begin, end)` in cycles (Tidal's `Arc`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Span {
    pub begin: Rational,
    pub end: Rational,
}

impl Span {
    pub fn new(begin: Rational, end: Rational) -> Span {
        Span { begin, end }
    }

    pub fn duration(self) -> Rational {
        self.end - self.begin
    }

    pub fn with_time(self, f: impl Fn(Rational) -> Rational) -> Span {
        Span::new(f(self.begin), f(self.end))
    }

    /// The whole cycle containing this span's beginning.
    pub fn whole_cycle(self) -> Span {
        let sam = self.begin.sam();
        Span::new(sam, sam.next_sam())
    }

    /// Splits the span at cycle boundaries (Tidal's `arcCyclesZW`): a zero-width span
    /// yields itself, otherwise one piece per cycle touched.
    pub fn cycles(self) -> CycleSpans {
        CycleSpans {
            rest: self,
            zero_width: self.begin == self.end,
            done: self.begin > self.end,
        }
    }

    /// Intersection (Tidal's `sect`); may be empty or inverted.
    pub fn sect(self, o: Span) -> Span {
        Span::new(self.begin.max(o.begin), self.end.min(o.end))
    }

    /// Intersection that also keeps zero-width spans at the edges, as Tidal's `subArc`:
    /// `None` when the spans do not meet.
    pub fn sub_span(self, o: Span) -> Option<Span> {
        let s = self.sect(o);
        if s.begin > s.end {
            return None;
        }
        if s.begin == s.end {
            // A zero-width result at the end of a non-zero-width span is not a match.
            if s.begin == self.end && self.begin < self.end {
                return None;
            }
            if s.begin == o.end && o.begin < o.end {
                return None;
            }
        }
        Some(s)
    }

    /// Shifts both ends so the span sits relative to the cycle of its beginning
    /// (Tidal's `cyclePos` applied to an arc).
    pub fn cycle_relative(self) -> Span {
        let sam = self.begin.sam();
        Span::new(self.begin - sam, self.end - sam)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({} {})", self.begin, self.end)
    }
}

/// Iterator over the per-cycle pieces of a span; see [`Span::cycles`].
pub struct CycleSpans {
    rest: Span,
    zero_width: bool,
    done: bool,
}

impl Iterator for CycleSpans {
    type Item = Span;
    fn next(&mut self) -> Option<Span> {
        // Each piece is a unit of the query's work. A span made of saturated times
        // can stretch over billions of cycles, and densities multiply; once time has
        // overflowed or the budget is spent, the query's result is an error anyway,
        // so the walk stops here rather than after every cycle of the span.
        if self.done || !walk_step() {
            self.done = true;
            return None;
        }
        if self.zero_width {
            self.done = true;
            return Some(self.rest);
        }
        if self.rest.begin >= self.rest.end {
            self.done = true;
            return None;
        }
        let stop = self.rest.begin.next_sam().min(self.rest.end);
        let piece = Span::new(self.rest.begin, stop);
        if stop <= self.rest.begin {
            // Saturated arithmetic made no progress; stop rather than loop forever.
            self.done = true;
            return Some(piece);
        }
        self.rest.begin = stop;
        Some(piece)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduces_and_orders() {
        assert_eq!(r(2, 4), r(1, 2));
        assert_eq!(r(1, -2), r(-1, 2));
        assert!(r(1, 3) < r(1, 2));
        assert_eq!(r(1, 3) + r(1, 6), r(1, 2));
        assert_eq!(r(-1, 3).floor(), Rational::from_int(-1));
        assert_eq!(r(7, 3).cycle_pos(), r(1, 3));
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(Rational::parse_decimal("0.125"), Some(r(1, 8)));
        assert_eq!(Rational::parse_decimal(".5"), Some(r(1, 2)));
        assert_eq!(Rational::parse_decimal("1e3"), Some(r(1000, 1)));
        assert_eq!(Rational::parse_decimal("-2.5e-1"), Some(r(-1, 4)));
        assert_eq!(Rational::parse_decimal("1e400"), None);
        assert_eq!(Rational::parse_decimal("abc"), None);
    }

    #[test]
    fn floats_recover_simple_fractions() {
        assert_eq!(Rational::from_f64(0.1), r(1, 10));
        assert_eq!(Rational::from_f64(1.0 / 3.0), r(1, 3));
        assert_eq!(Rational::from_f64(-1.5), r(-3, 2));
        assert_eq!(Rational::from_f64(0.6), r(3, 5));
    }

    #[test]
    fn overflow_is_flagged_not_panicking() {
        let result = overflow_guard(|| Rational::from_int(i64::MAX / 2) * Rational::from_int(4));
        assert_eq!(result, Err(TimeOverflow));
        let fine = overflow_guard(|| r(1, 2) + r(1, 3));
        assert_eq!(fine, Ok(r(5, 6)));
        let div0 = overflow_guard(|| r(1, 2) / Rational::ZERO);
        assert_eq!(div0, Err(TimeOverflow));
    }

    /// The reduction the fast paths must agree with: the whole `i128` fraction
    /// reduced by Euclid's gcd, then narrowed (saturating and flagging).
    fn reference(num: i128, den: i128) -> Result<Rational, TimeOverflow> {
        overflow_guard(|| {
            if den == 0 {
                raise_overflow();
                return Rational::ZERO;
            }
            let (mut n, mut d) = if den < 0 { (-num, -den) } else { (num, den) };
            if n == 0 {
                return Rational::ZERO;
            }
            let (mut a, mut b) = (n.unsigned_abs(), d.unsigned_abs());
            while b != 0 {
                (a, b) = (b, a % b);
            }
            n /= a as i128;
            d /= a as i128;
            if n > i64::MAX as i128 || n < -(i64::MAX as i128) || d > i64::MAX as i128 {
                raise_overflow();
                return if n > 0 { Rational::MAX } else { Rational::MIN };
            }
            Rational {
                num: n as i64,
                den: d as i64,
            }
        })
    }

    #[test]
    fn fast_arithmetic_agrees_with_plain_reduction() {
        // Deterministic pseudo-random operands of every size, with the corner cases.
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let corner = [
            0i64,
            1,
            -1,
            2,
            3,
            8,
            32,
            44100,
            11025,
            i64::MAX,
            -i64::MAX,
            1 << 40,
        ];
        let mut values = Vec::new();
        for &n in &corner {
            for &d in &corner {
                if d != 0 {
                    values.push(Rational::new(n, d));
                }
            }
        }
        for _ in 0..400 {
            let bits_n = next() % 63;
            let bits_d = next() % 63;
            let n = (next() >> (63 - bits_n)) as i64 * if next() % 2 == 0 { 1 } else { -1 };
            let d = ((next() >> (63 - bits_d)) as i64).max(1);
            values.push(Rational::new(n, d));
        }
        for &x in &values {
            let (a, b) = (x.num as i128, x.den as i128);
            let floor = a.div_euclid(b);
            assert_eq!(
                overflow_guard(|| x.cycle_pos()),
                reference(a - floor * b, b),
                "{x}"
            );
            assert_eq!(
                overflow_guard(|| x.next_sam()),
                reference(floor + 1, 1),
                "{x}"
            );
            for &y in values.iter().step_by(7) {
                let (a, b, c, d) = (x.num as i128, x.den as i128, y.num as i128, y.den as i128);
                assert_eq!(
                    overflow_guard(|| x + y),
                    reference(a * d + c * b, b * d),
                    "{x} + {y}"
                );
                assert_eq!(
                    overflow_guard(|| x - y),
                    reference(a * d - c * b, b * d),
                    "{x} - {y}"
                );
                assert_eq!(
                    overflow_guard(|| x * y),
                    reference(a * c, b * d),
                    "{x} * {y}"
                );
                assert_eq!(
                    overflow_guard(|| x / y),
                    reference(a * d, b * c),
                    "{x} / {y}"
                );
                assert_eq!(x.cmp(&y), (a * d).cmp(&(c * b)), "{x} cmp {y}");
            }
        }
    }

    #[test]
    fn spans_split_at_cycles() {
        let pieces: Vec<Span> = Span::new(r(1, 2), r(5, 2)).cycles().collect();
        assert_eq!(
            pieces,
            vec![
                Span::new(r(1, 2), r(1, 1)),
                Span::new(r(1, 1), r(2, 1)),
                Span::new(r(2, 1), r(5, 2))
            ]
        );
        let zw: Vec<Span> = Span::new(r(1, 2), r(1, 2)).cycles().collect();
        assert_eq!(zw, vec![Span::new(r(1, 2), r(1, 2))]);
    }

    #[test]
    fn a_span_stops_splitting_once_time_has_overflowed() {
        let huge = Span::new(r(0, 1), r(1_000_000_000_000, 1));
        let counted = overflow_guard(|| {
            // Overflow: the product of two large coprime denominators.
            let _ = r(1, 4_294_967_291) + r(1, 4_294_967_279);
            huge.cycles().count()
        });
        assert_eq!(counted, Err(TimeOverflow));
        let pieces = overflow_guard(|| huge.cycles().take(3).count());
        assert_eq!(pieces, Ok(3), "without overflow the walk goes on");
        // The flag is local to the guard: the walk after it is not cut short.
        let after: Vec<Span> = Span::new(r(1, 2), r(5, 2)).cycles().collect();
        assert_eq!(after.len(), 3);
    }
}
