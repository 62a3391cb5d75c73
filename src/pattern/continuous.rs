//! Tidal's continuous patterns (`Sound.Tidal.Core`): one period per cycle, 0..1
//! unless the name ends in `2` (bipolar, -1..1), each value taken at the middle of
//! the queried span as Tidal's `sig` does. Used bare where a pattern is expected
//! (`# pan sine`, `segment 4 $ range 1 5 saw`); `sine 440` and the other oscillator
//! names given a frequency stay audio oscillators.

use std::f64::consts::PI;

use super::random::time_to_rand;
use super::value::Value;
use super::{fastcat, Pattern};
use crate::time::Rational;

/// A continuous pattern's constructor.
type Make = fn() -> Pattern<Value>;

/// Each name, what it is, and its pattern, in documentation order: the one table
/// the built-ins, the checker and the evaluator read.
pub const NAMES: &[(&str, &str, Make)] = &[
    ("sine", "a sine, (sin(2πt) + 1) / 2", || sig(sine)),
    ("cosine", "the sine a quarter cycle later", || sig(sine).late(Rational::new(1, 4))),
    ("saw", "a rising ramp, t mod 1", || sig(saw)),
    ("isaw", "a falling ramp, 1 - saw", || sig(isaw)),
    ("tri", "a triangle: saw then isaw, each in half a cycle", || fastcat(vec![sig(saw), sig(isaw)])),
    ("square", "0 for the first half of each cycle, 1 for the second", || sig(square)),
    ("sine2", "the sine from -1 to 1", || sig(sine2)),
    ("cosine2", "cosine from -1 to 1", || sig(sine2).late(Rational::new(1, 4))),
    ("saw2", "saw from -1 to 1", || sig(saw2)),
    ("isaw2", "isaw from 1 to -1", || sig(isaw2)),
    ("tri2", "tri from -1 to 1", || fastcat(vec![sig(saw2), sig(isaw2)])),
    ("square2", "square from -1 to 1", || sig(|t| square(t) * 2.0 - 1.0)),
    ("envL", "a ramp from 0 to 1 over the first cycle, then 1", || sig(env_l)),
    ("envLR", "1 - envL", || sig(|t| 1.0 - env_l(t))),
    ("envEq", "an equal-power fade in over the first cycle", || {
        sig(|t| (PI / 2.0 * (1.0 - t).clamp(0.0, 1.0)).sin().sqrt())
    }),
    ("envEqR", "an equal-power fade out over the first cycle", || {
        sig(|t| (PI / 2.0 * (1.0 - t).clamp(0.0, 1.0)).cos().sqrt())
    }),
    ("perlin", "Perlin noise: smooth random values, a new one each cycle", || sig(perlin)),
];

/// True when `name` is one of [`NAMES`].
pub fn is_name(name: &str) -> bool {
    NAMES.iter().any(|(n, _, _)| *n == name)
}

/// The continuous pattern named `name`, if there is one.
pub fn by_name(name: &str) -> Option<Pattern<Value>> {
    NAMES.iter().find(|(n, _, _)| *n == name).map(|(_, _, make)| make())
}

/// Tidal's `sig` of a function of the time as a float.
fn sig(f: fn(f64) -> f64) -> Pattern<Value> {
    Pattern::signal(move |t: Rational| Value::Num(f(t.to_f64())))
}

fn sine(t: f64) -> f64 {
    ((2.0 * PI * t).sin() + 1.0) / 2.0
}

/// `mod' t 1`: in [0, 1) for negative times too.
fn saw(t: f64) -> f64 {
    t.rem_euclid(1.0)
}

fn isaw(t: f64) -> f64 {
    1.0 - saw(t)
}

fn sine2(t: f64) -> f64 {
    (2.0 * PI * t).sin()
}

fn saw2(t: f64) -> f64 {
    saw(t) * 2.0 - 1.0
}

fn isaw2(t: f64) -> f64 {
    -saw2(t)
}

fn square(t: f64) -> f64 {
    (saw(t) * 2.0).floor()
}

fn env_l(t: f64) -> f64 {
    t.clamp(0.0, 1.0)
}

/// Tidal's `perlinWith (sig fromRational)`: between the random values of the
/// cycle's start and the next cycle's, eased by 6x⁵ - 15x⁴ + 10x³.
fn perlin(t: f64) -> f64 {
    let a = t.floor();
    let x = t - a;
    let (ra, rb) = (time_to_rand(a), time_to_rand(a + 1.0));
    let ease = 6.0 * x.powi(5) - 15.0 * x.powi(4) + 10.0 * x.powi(3);
    ra + ease * (rb - ra)
}
