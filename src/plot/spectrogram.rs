//! `phonon render --spectrogram`: what was rendered, as a picture.
//!
//! The rendered blocks are fed to an [`Analyzer`] as they are written (the mix of
//! both channels, in bounded memory whatever the length): a short-time Fourier
//! transform (`realfft`) of [`WINDOW`] frames under a Hann window, one transform every
//! `hop` frames, their power averaged into one column per pixel of the picture's
//! width. [`draw`] maps each pixel row to its band of frequencies (log or linear),
//! takes the loudest bin in it, and colours it by its level in dB below full scale
//! (a full-scale sine is 0 dB).

use std::sync::Arc;

use plotters::prelude::RGBColor;
use plotters::style::text_anchor::{HPos, VPos};
use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};

use super::{canvas, finish, label, line, nice_ticks, text_style, tick_text};

/// Frames per transform: 10.8 Hz per bin at 44.1 kHz.
pub const WINDOW: usize = 4096;
/// The picture's size in pixels.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 600;
/// The level at the bottom of the colour scale, and at its top, in dB.
pub const FLOOR_DB: f64 = -100.0;
pub const CEILING_DB: f64 = 0.0;
/// The lowest frequency of a log axis.
const LOG_MIN_HZ: f64 = 20.0;

/// How frequency runs up the picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    Log,
    Linear,
}

/// Where everything goes in the picture: the plot area in pixels (`left..right`,
/// `top..bottom`, one column of the analysis per pixel of its width), the
/// frequencies at its bottom and top, and the seconds across it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    pub width: u32,
    pub height: u32,
    pub left: i32,
    pub right: i32,
    pub top: i32,
    pub bottom: i32,
    pub f_min: f64,
    pub f_max: f64,
    pub scale: Scale,
    pub seconds: f64,
}

impl Layout {
    /// The layout of a picture of `frames` frames at `rate` Hz.
    pub fn new(rate: u32, frames: u64, scale: Scale) -> Layout {
        let nyquist = f64::from(rate) / 2.0;
        let f_min = match scale {
            Scale::Log => LOG_MIN_HZ.max(f64::from(rate) / WINDOW as f64),
            Scale::Linear => 0.0,
        };
        Layout {
            width: WIDTH,
            height: HEIGHT,
            left: 76,
            right: WIDTH as i32 - 96,
            top: 30,
            bottom: HEIGHT as i32 - 46,
            f_min,
            f_max: nyquist,
            scale,
            seconds: frames as f64 / f64::from(rate),
        }
    }

    /// Columns of the analysis: one per pixel across the plot area.
    pub fn columns(&self) -> usize {
        (self.right - self.left).max(1) as usize
    }

    /// The frequency at height `y` (fractional pixels; `bottom` is `f_min`, `top`
    /// is `f_max`).
    pub fn freq_at(&self, y: f64) -> f64 {
        let t = (f64::from(self.bottom) - y) / f64::from(self.bottom - self.top);
        match self.scale {
            Scale::Linear => self.f_min + t * (self.f_max - self.f_min),
            Scale::Log => self.f_min * (self.f_max / self.f_min).powf(t),
        }
    }

    /// The height of frequency `f` (fractional pixels).
    pub fn y_of(&self, f: f64) -> f64 {
        let t = match self.scale {
            Scale::Linear => (f - self.f_min) / (self.f_max - self.f_min),
            Scale::Log => (f / self.f_min).ln() / (self.f_max / self.f_min).ln(),
        };
        f64::from(self.bottom) - t * f64::from(self.bottom - self.top)
    }
}

/// The short-time transform of a stream of stereo blocks, averaged into columns.
pub struct Analyzer {
    rate: u32,
    total: u64,
    columns: usize,
    hop: u64,
    hann: Vec<f32>,
    /// The last [`WINDOW`] samples of the mix: sample `i` at `i % WINDOW` (zeros
    /// before the first).
    ring: Vec<f32>,
    /// Samples pushed so far.
    pushed: u64,
    /// The next transform to take: its centre is `next * hop`.
    next: u64,
    /// Summed power per column and bin, and transforms per column.
    power: Vec<f64>,
    counts: Vec<u32>,
    fft: Arc<dyn RealToComplex<f32>>,
    input: Vec<f32>,
    output: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
}

/// Bins of one transform (0 Hz to Nyquist).
pub const BINS: usize = WINDOW / 2 + 1;

impl Analyzer {
    /// An analyzer for `total` frames at `rate` Hz, into `columns` columns.
    pub fn new(rate: u32, total: u64, columns: usize) -> Analyzer {
        let columns = columns.max(1);
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(WINDOW);
        // At least one transform per column; never more than four per window.
        let hop = (total / columns as u64).clamp(1, (WINDOW / 4) as u64);
        let hann = (0..WINDOW)
            .map(|i| {
                let x = std::f64::consts::PI * i as f64 / WINDOW as f64;
                (x.sin() * x.sin()) as f32
            })
            .collect();
        Analyzer {
            rate,
            total,
            columns,
            hop,
            hann,
            ring: vec![0.0; WINDOW],
            pushed: 0,
            next: 0,
            power: vec![0.0; columns * BINS],
            counts: vec![0; columns],
            input: fft.make_input_vec(),
            output: fft.make_output_vec(),
            scratch: fft.make_scratch_vec(),
            fft,
        }
    }

    /// Adds a block of the rendered output.
    pub fn push(&mut self, left: &[f32], right: &[f32]) {
        for (l, r) in left.iter().zip(right) {
            self.push_sample(0.5 * (l + r));
        }
    }

    fn push_sample(&mut self, x: f32) {
        let x = if x.is_finite() { x } else { 0.0 };
        self.ring[(self.pushed % WINDOW as u64) as usize] = x;
        self.pushed += 1;
        // A transform centred at c needs the samples up to c + WINDOW/2.
        while self.next * self.hop < self.total
            && self.next * self.hop + (WINDOW / 2) as u64 <= self.pushed
        {
            self.transform(self.next * self.hop);
            self.next += 1;
        }
    }

    /// The transform centred at frame `centre` into its column.
    fn transform(&mut self, centre: u64) {
        let start = centre as i64 - (WINDOW / 2) as i64;
        for (k, slot) in self.input.iter_mut().enumerate() {
            let i = start + k as i64;
            let x = if i < 0 {
                0.0
            } else {
                self.ring[(i as u64 % WINDOW as u64) as usize]
            };
            *slot = x * self.hann[k];
        }
        if self
            .fft
            .process_with_scratch(&mut self.input, &mut self.output, &mut self.scratch)
            .is_err()
        {
            return;
        }
        let column = ((u128::from(centre) * self.columns as u128 / u128::from(self.total.max(1)))
            as usize)
            .min(self.columns - 1);
        let row = &mut self.power[column * BINS..(column + 1) * BINS];
        for (p, c) in row.iter_mut().zip(&self.output) {
            *p += f64::from(c.norm_sqr());
        }
        self.counts[column] += 1;
    }

    /// The remaining transforms (past the end, the signal is silence), and each
    /// column's level per bin in dB below full scale.
    pub fn finish(mut self) -> Spectrum {
        while self.next * self.hop < self.total {
            self.push_sample(0.0);
        }
        // A full-scale sine's peak: its amplitude times half the window's sum.
        let full: f64 = self.hann.iter().map(|&w| f64::from(w)).sum::<f64>() / 2.0;
        let mut db = vec![f64::NEG_INFINITY; self.columns * BINS];
        let mut last_filled: Option<usize> = None;
        for c in 0..self.columns {
            // A column no transform fell in (fewer frames than columns) shows the
            // one before it.
            let source = if self.counts[c] > 0 {
                last_filled = Some(c);
                c
            } else {
                match last_filled {
                    Some(s) => s,
                    None => continue,
                }
            };
            let n = f64::from(self.counts[source].max(1));
            for b in 0..BINS {
                let p = self.power[source * BINS + b] / n;
                db[c * BINS + b] = 10.0 * (p / (full * full)).log10();
            }
        }
        Spectrum {
            rate: self.rate,
            columns: self.columns,
            db,
        }
    }
}

/// Levels per column and bin, in dB below full scale.
pub struct Spectrum {
    rate: u32,
    columns: usize,
    db: Vec<f64>,
}

impl Spectrum {
    /// The loudest level in column `c` among the bins from `lo` Hz to `hi` Hz (the
    /// nearest bin when none falls between them).
    fn loudest(&self, c: usize, lo: f64, hi: f64) -> f64 {
        let df = f64::from(self.rate) / WINDOW as f64;
        let bin = |f: f64| ((f / df).round().max(0.0) as usize).min(BINS - 1);
        let (a, b) = (bin(lo), bin(hi));
        self.db[c * BINS + a..=c * BINS + b.max(a)]
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
    }
}

/// The colour of a level: from near-black at [`FLOOR_DB`] through purple, red and
/// orange to pale yellow at [`CEILING_DB`].
pub fn level_colour(db: f64) -> RGBColor {
    const STOPS: [(f64, (f64, f64, f64)); 5] = [
        (0.0, (0.0, 0.0, 4.0)),
        (0.25, (87.0, 16.0, 110.0)),
        (0.5, (188.0, 55.0, 84.0)),
        (0.75, (249.0, 142.0, 9.0)),
        (1.0, (252.0, 255.0, 164.0)),
    ];
    let t = if db.is_nan() {
        0.0
    } else {
        ((db - FLOOR_DB) / (CEILING_DB - FLOOR_DB)).clamp(0.0, 1.0)
    };
    let k = STOPS
        .windows(2)
        .position(|w| t <= w[1].0)
        .unwrap_or(STOPS.len() - 2);
    let ((t0, a), (t1, b)) = (STOPS[k], STOPS[k + 1]);
    let u = (t - t0) / (t1 - t0);
    let mix = |x: f64, y: f64| (x + (y - x) * u).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

const INK: RGBColor = RGBColor(40, 40, 40);
const TEXT: u32 = 13;

/// A frequency tick's text: `500 Hz`, `2 kHz`.
fn hz_text(f: f64) -> String {
    if f >= 1000.0 {
        format!("{} kHz", tick_text(f / 1000.0))
    } else {
        format!("{} Hz", tick_text(f))
    }
}

/// The frequency ticks: 1, 2 and 5 times each power of ten for a log axis.
fn freq_ticks(lay: &Layout) -> Vec<f64> {
    match lay.scale {
        Scale::Linear => nice_ticks(lay.f_min, lay.f_max, 8),
        Scale::Log => (0..6)
            .flat_map(|e| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(e)))
            .filter(|f| *f >= lay.f_min && *f <= lay.f_max)
            .collect(),
    }
}

/// Draws `spectrum` (analysed into `lay.columns()` columns) into a PNG file at
/// `path`; `title` names what was rendered.
pub fn draw(
    spectrum: &Spectrum,
    lay: &Layout,
    path: &std::path::Path,
    title: &str,
) -> Result<(), String> {
    let area = canvas(path, lay.width, lay.height)?;
    let (left, right, top, bottom) = (lay.left, lay.right, lay.top, lay.bottom);
    for y in top..bottom {
        // The band of frequencies this row of pixels covers.
        let hi = lay.freq_at(f64::from(y));
        let lo = lay.freq_at(f64::from(y + 1));
        for c in 0..lay.columns().min(spectrum.columns) {
            let colour = level_colour(spectrum.loudest(c, lo, hi));
            area.draw_pixel((left + c as i32, y), &colour)
                .map_err(super::draw_error)?;
        }
    }

    // Frequency ticks on the left, seconds below.
    let side = text_style(TEXT, INK, HPos::Right, VPos::Center);
    for f in freq_ticks(lay) {
        let y = lay.y_of(f).round() as i32;
        line(&area, (left - 5, y), (left - 1, y), INK)?;
        label(&area, &hz_text(f), (left - 8, y), &side)?;
    }
    let under = text_style(TEXT, INK, HPos::Center, VPos::Top);
    let w = f64::from(right - left);
    for t in nice_ticks(0.0, lay.seconds, 10) {
        let x = left + (t / lay.seconds * w).round() as i32;
        line(&area, (x, bottom), (x, bottom + 4), INK)?;
        label(&area, &tick_text(t), (x, bottom + 7), &under)?;
    }
    let centre = text_style(TEXT, INK, HPos::Center, VPos::Top);
    label(&area, "seconds", ((left + right) / 2, bottom + 26), &centre)?;
    line(&area, (left - 1, top - 1), (right, top - 1), INK)?;
    line(&area, (left - 1, bottom), (right, bottom), INK)?;
    line(&area, (left - 1, top - 1), (left - 1, bottom), INK)?;
    line(&area, (right, top - 1), (right, bottom), INK)?;

    // The colour scale on the right.
    let (bar_l, bar_r) = (right + 16, right + 32);
    for y in top..bottom {
        let t = f64::from(bottom - y) / f64::from(bottom - top);
        let db = FLOOR_DB + t * (CEILING_DB - FLOOR_DB);
        line(&area, (bar_l, y), (bar_r, y), level_colour(db))?;
    }
    let beside = text_style(TEXT, INK, HPos::Left, VPos::Center);
    let mut db = CEILING_DB;
    while db >= FLOOR_DB {
        let t = (db - FLOOR_DB) / (CEILING_DB - FLOOR_DB);
        let y = bottom - (t * f64::from(bottom - top)).round() as i32;
        line(&area, (bar_r + 1, y), (bar_r + 4, y), INK)?;
        label(&area, &format!("{} dB", tick_text(db)), (bar_r + 6, y), &beside)?;
        db -= 20.0;
    }

    let heading = text_style(TEXT + 1, INK, HPos::Left, VPos::Center);
    let axis = match lay.scale {
        Scale::Log => "log",
        Scale::Linear => "linear",
    };
    label(
        &area,
        &format!("{title}: Hann window of {WINDOW} frames, {axis} frequency, dB below full scale"),
        (left, top / 2),
        &heading,
    )?;
    finish(area)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_colour_scale_runs_dark_to_light() {
        assert_eq!(level_colour(FLOOR_DB), RGBColor(0, 0, 4));
        assert_eq!(level_colour(f64::NEG_INFINITY), RGBColor(0, 0, 4));
        assert_eq!(level_colour(CEILING_DB), RGBColor(252, 255, 164));
        assert_eq!(level_colour(-50.0), RGBColor(188, 55, 84));
    }

    #[test]
    fn the_axes_invert() {
        for scale in [Scale::Log, Scale::Linear] {
            let lay = Layout::new(44_100, 44_100, scale);
            for f in [100.0, 1000.0, 10_000.0] {
                assert!((lay.freq_at(lay.y_of(f)) - f).abs() < 1e-6 * f);
            }
        }
    }

    #[test]
    fn a_full_scale_sine_is_near_0_db() {
        let rate = 44_100u32;
        let frames = 44_100u64;
        let mut a = Analyzer::new(rate, frames, 10);
        // 1033.6 Hz: bin 96 exactly, so no scalloping loss.
        let f = 96.0 * f64::from(rate) / WINDOW as f64;
        let x: Vec<f32> = (0..frames)
            .map(|i| (std::f64::consts::TAU * f * i as f64 / f64::from(rate)).sin() as f32)
            .collect();
        a.push(&x, &x);
        let s = a.finish();
        let peak = s.db[5 * BINS + 96];
        assert!(peak.abs() < 0.1, "{peak}");
    }
}
