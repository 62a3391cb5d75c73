//! Levels of frequencies in rendered audio, for the voice tests.

const RATE: f64 = 44100.0;

/// The amplitude of the `freq` component of `x` at 44.1 kHz (a Hann-windowed DFT
/// bin, scaled so that a sine of amplitude a reads about a).
pub fn level(x: &[f32], freq: f64) -> f64 {
    let n = x.len() as f64;
    let (mut re, mut im) = (0.0, 0.0);
    for (i, &v) in x.iter().enumerate() {
        let w = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / n).cos();
        let ph = 2.0 * std::f64::consts::PI * freq * i as f64 / RATE;
        re += v as f64 * w * ph.cos();
        im -= v as f64 * w * ph.sin();
    }
    4.0 * (re * re + im * im).sqrt() / n
}

/// The frequency of MIDI note `m` (A4 = 69 = 440 Hz).
pub fn midi(m: f64) -> f64 {
    440.0 * ((m - 69.0) / 12.0).exp2()
}
