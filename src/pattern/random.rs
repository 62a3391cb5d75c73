//! Tidal's deterministic randomness: a pure function of cycle time.
//!
//! This follows Tidal 1.9's `Sound.Tidal.UI`: the cycle position is divided by 300,
//! its fractional part scaled by 2^29 and truncated to an integer seed, which goes
//! through one round of the `xorwise` shift/xor generator; the result modulo 2^29,
//! divided by 2^29, is a value in `[0, 1)`. Haskell's `Int` is 64 bits wide, so the
//! shifts here are on `i64`, with `shiftR` arithmetic as in Haskell.

use super::{app, Event, PatValue, Pattern, Structure};
use crate::time::{Rational, Span};

const SEED_SCALE: f64 = 536_870_912.0; // 2^29

/// One step of Tidal's `xorwise` generator.
pub fn xorwise(x: i64) -> i64 {
    let a = x.wrapping_shl(13) ^ x;
    let b = (a >> 17) ^ a;
    b.wrapping_shl(5) ^ b
}

/// Tidal's `timeToIntSeed`.
pub fn time_to_int_seed(t: f64) -> i64 {
    let x = t / 300.0;
    let frac = x - x.trunc(); // Haskell's properFraction keeps the sign
    xorwise((frac * SEED_SCALE).trunc() as i64)
}

/// Tidal's `intSeedToRand`: a seed to a value in `[0, 1)`.
pub fn int_seed_to_rand(seed: i64) -> f64 {
    (seed.rem_euclid(536_870_912)) as f64 / SEED_SCALE
}

/// Tidal's `timeToRand`.
pub fn time_to_rand(t: f64) -> f64 {
    int_seed_to_rand(time_to_int_seed(t))
}

/// Tidal's `timeToRands`: `n` successive values from the seed of time `t`.
pub fn time_to_rands(t: f64, n: usize) -> Vec<f64> {
    let mut seed = time_to_int_seed(t);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(int_seed_to_rand(seed));
        seed = xorwise(seed);
    }
    out
}

/// Tidal's `rand`: a continuous pattern whose value for a query is `timeToRand` of
/// the query's midpoint.
pub fn rand() -> Pattern<f64> {
    Pattern::new(|span: Span, out: &mut Vec<Event<f64>>| {
        if span.begin > span.end {
            return;
        }
        let mid = (span.begin + span.end) / Rational::from_int(2);
        out.push(Event {
            whole: None,
            part: span,
            value: time_to_rand(mid.to_f64()),
        });
    })
}

/// Keeps the events of `pat` whose random value (from `rand`, sampled over the event's
/// whole, as Tidal's `<*` does) is above `amount` (Tidal 1.9's `_degradeByUsing`).
pub fn degrade_by_using<T: PatValue>(
    rand: Pattern<f64>,
    amount: f64,
    pat: Pattern<T>,
) -> Pattern<T> {
    app(Structure::Left, pat, rand, |v: &T, r: &f64| (v.clone(), *r))
        .filter_values(move |(_, r)| *r > amount)
        .fmap(|(v, _)| v.clone())
}

/// Picks one of `choices` per cycle at random (Tidal's `randcat`-like choice that the
/// mini-notation's `|` uses: `unwrap $ segment 1 $ chooseBy (rotL (0.0001 * seed) rand)`).
pub fn choose_by<T: PatValue>(rand: Pattern<f64>, choices: Vec<T>) -> Pattern<T> {
    if choices.is_empty() {
        return Pattern::silence();
    }
    let n = choices.len();
    rand.fmap(move |r| {
        let i = ((r * n as f64).floor() as usize).min(n - 1);
        choices[i].clone()
    })
}

/// Samples a continuous pattern once per `1/n` of a cycle (Tidal's `_segment`).
pub fn segment<T: PatValue>(n: Rational, pat: Pattern<T>) -> Pattern<T> {
    app(
        Structure::Left,
        Pattern::pure(()).fast(n),
        pat,
        |_, v: &T| v.clone(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_tidal_reference_values() {
        // Worked by hand from Tidal's definitions:
        // t = 0: seed 0, xorwise 0 = 0, rand 0.
        assert_eq!(time_to_rand(0.0), 0.0);
        // t = 0.5: 0.5/300 * 2^29 = 894784.853.. -> 894784
        let x: i64 = 894_784;
        let a = (x << 13) ^ x;
        let b = (a >> 17) ^ a;
        let c = (b << 5) ^ b;
        assert_eq!(time_to_int_seed(0.5), c);
        assert_eq!(time_to_rand(0.5), (c % 536_870_912) as f64 / 536_870_912.0);
    }

    #[test]
    fn rands_are_successive_xorwise_steps() {
        let v = time_to_rands(1.25, 3);
        let s0 = time_to_int_seed(1.25);
        assert_eq!(v[0], int_seed_to_rand(s0));
        assert_eq!(v[1], int_seed_to_rand(xorwise(s0)));
        assert_eq!(v[2], int_seed_to_rand(xorwise(xorwise(s0))));
    }
}
