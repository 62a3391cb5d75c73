//! The master's protection: a DC blocker and a stereo-linked, true-peak aware
//! look-ahead limiter.
//!
//! The limiter delays the audio by [`Limiter::latency`] frames and, looking ahead over
//! that delay, lowers its gain so that the output's true peak (the peak of the
//! signal between samples, estimated by 4x oversampling) stays at or under the
//! ceiling. Its gain is exactly 1.0 whenever no sample within the look-ahead, hold
//! and release needs less: the output samples are then the delayed input samples,
//! bit for bit. Everything is allocated at construction; a sample costs O(1)
//! amortised (a monotonic deque over a fixed ring for the window minimum, a running
//! sum for the attack ramp).

use std::f64::consts::PI;

/// The default ceiling, in dBTP.
pub const DEFAULT_CEILING_DB: f64 = -1.0;
/// Look-ahead, seconds.
pub const LOOKAHEAD_S: f64 = 0.0015;
/// Hold after a reduction, seconds.
pub const HOLD_S: f64 = 0.020;
/// Release time constant, seconds.
pub const RELEASE_S: f64 = 0.100;

/// Taps of each interpolating phase (a Kaiser-windowed sinc, 32 taps: 8 were too
/// few to see the overshoot of a full-scale square wave's edges).
const TAPS: usize = 32;
/// Interpolated points between two samples (4x oversampling).
const PHASES: usize = 3;
/// Samples the detector waits for before it knows the true peak of a sample's
/// interval.
const DETECT_LATENCY: usize = TAPS / 2 - 1;
/// Extra width of the minimum window, so the gain is at its target over the
/// samples either side of a peak that the interpolator reads.
const GUARD: usize = TAPS;
/// The detector aims this much under the ceiling (0.1 dB): what 4x oversampling
/// and a gain that moves across the interpolator's reach can miss.
const MARGIN: f64 = 0.988_553_094_656_939_3;

/// One-pole DC blocker per channel: `y[n] = x[n] - x[n-1] + r·y[n-1]` with
/// `r = 1 - 2π·5 Hz / fs`.
#[derive(Clone, Debug)]
pub struct DcBlocker {
    r: f64,
    x1: [f64; 2],
    y1: [f64; 2],
}

impl DcBlocker {
    pub fn new(sample_rate: u32) -> DcBlocker {
        let fs = f64::from(sample_rate.max(1));
        DcBlocker {
            r: (1.0 - 2.0 * PI * 5.0 / fs).max(0.0),
            x1: [0.0; 2],
            y1: [0.0; 2],
        }
    }

    /// One sample of channel `c` (0 or 1).
    pub fn tick(&mut self, c: usize, x: f32) -> f32 {
        let c = c.min(1);
        let x = f64::from(x);
        let y = x - self.x1[c] + self.r * self.y1[c];
        self.x1[c] = x;
        // Denormal-free: a decayed tail is exactly 0.
        self.y1[c] = if y.abs() < 1e-30 { 0.0 } else { y };
        y as f32
    }
}

/// What the limiter did so far.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LimiterStats {
    /// The smallest gain applied (1.0: never limited).
    pub min_gain: f64,
    /// Frames output with a gain below 1.
    pub limited_frames: u64,
    /// The input's true peak (linear, both channels).
    pub input_peak: f64,
}

/// A stereo true-peak meter: 4x oversampling with a Kaiser-windowed sinc. Each frame
/// pushed gives the peak of the interval (sample and 3 points before it) that ended
/// [`TruePeak::LATENCY`] frames earlier.
#[derive(Clone, Debug)]
pub struct TruePeak {
    /// Interpolation coefficients, `[phase][tap]`, tap `k` reading `x[j-16+k]` for the
    /// point `j-1 + (phase+1)/4`.
    coef: [[f64; TAPS]; PHASES],
    /// The last `TAPS` input samples per channel (a ring).
    hist: [[f32; TAPS]; 2],
    pos: usize,
}

impl Default for TruePeak {
    fn default() -> Self {
        TruePeak::new()
    }
}

impl TruePeak {
    pub const LATENCY: usize = DETECT_LATENCY;

    pub fn new() -> TruePeak {
        TruePeak {
            coef: coefficients(),
            hist: [[0.0; TAPS]; 2],
            pos: 0,
        }
    }

    /// Pushes a frame; returns the true peak (linear) of the interval ending
    /// `LATENCY` frames before it.
    pub fn push(&mut self, l: f32, r: f32) -> f64 {
        self.hist[0][self.pos] = l;
        self.hist[1][self.pos] = r;
        self.pos = (self.pos + 1) % TAPS;
        let mut peak = 0.0f64;
        for ch in &self.hist {
            // Oldest first: ch[(pos + k) % TAPS] is x[j-16+k].
            let at = |k: usize| f64::from(ch[(self.pos + k) % TAPS]);
            peak = peak.max(at(TAPS / 2).abs());
            for phase in &self.coef {
                let mut v = 0.0;
                for (k, c) in phase.iter().enumerate() {
                    v += c * at(k);
                }
                peak = peak.max(v.abs());
            }
        }
        peak
    }
}

/// Stereo-linked look-ahead true-peak limiter.
#[derive(Clone, Debug)]
pub struct Limiter {
    ceiling: f64,
    detector: TruePeak,
    /// Audio delay line per channel, `delay` frames long.
    line: [Vec<f32>; 2],
    line_pos: usize,
    delay: usize,
    /// Sliding minimum of the needed gain over `window` detector samples: a
    /// monotonic deque in a fixed ring of (index, gain).
    deque: Vec<(u64, f64)>,
    dq_head: usize,
    dq_len: usize,
    window: usize,
    det_index: u64,
    /// Hold and release of the envelope.
    env: f64,
    hold: usize,
    hold_left: usize,
    release: f64,
    /// Box filter over the envelope (the attack ramp): a ring of its last `ramp`
    /// values, the running sum of `1 - env` and how many are below 1.
    ramp_ring: Vec<f64>,
    ramp_pos: usize,
    ramp_sum: f64,
    ramp_below: usize,
    /// Off, the envelope releases to 1.0 and stays there; the detector and the
    /// window keep running, so engaging again has its whole look-ahead.
    engaged: bool,
    stats: LimiterStats,
}

impl Limiter {
    /// A limiter at `sample_rate` with its ceiling at `ceiling_db` dBTP.
    pub fn new(sample_rate: u32, ceiling_db: f64) -> Limiter {
        let fs = f64::from(sample_rate.max(1));
        let ramp = ((LOOKAHEAD_S * fs).round() as usize).max(1);
        let window = ramp + GUARD;
        // Output index m = newest detector index - ramp + 1 - GUARD/2; the detector
        // is DETECT_LATENCY behind the input.
        let delay = ramp - 1 + GUARD / 2 + DETECT_LATENCY;
        let hold = (HOLD_S * fs).round() as usize;
        let release = (-1.0 / (RELEASE_S * fs)).exp();
        Limiter {
            ceiling: 10f64.powf(ceiling_db / 20.0),
            detector: TruePeak::new(),
            line: [vec![0.0; delay.max(1)], vec![0.0; delay.max(1)]],
            line_pos: 0,
            delay,
            deque: vec![(0, 1.0); window],
            dq_head: 0,
            dq_len: 0,
            window,
            det_index: 0,
            env: 1.0,
            hold,
            hold_left: 0,
            release,
            ramp_ring: vec![1.0; ramp],
            ramp_pos: 0,
            ramp_sum: 0.0,
            ramp_below: 0,
            engaged: true,
            stats: LimiterStats {
                min_gain: 1.0,
                limited_frames: 0,
                input_peak: 0.0,
            },
        }
    }

    /// Frames between an input sample and its output.
    pub fn latency(&self) -> usize {
        self.delay
    }

    pub fn stats(&self) -> LimiterStats {
        self.stats
    }

    pub fn set_engaged(&mut self, on: bool) {
        self.engaged = on;
    }

    pub fn engaged(&self) -> bool {
        self.engaged
    }

    /// One stereo frame in, the frame `latency` frames earlier out (limited).
    pub fn tick(&mut self, l: f32, r: f32) -> (f32, f32) {
        let peak = self.detector.push(l, r);
        self.stats.input_peak = self.stats.input_peak.max(peak);
        let target = self.ceiling * MARGIN;
        let need = if peak > target {
            target / peak
        } else {
            1.0
        };
        let min = self.window_min(need);
        let min = if self.engaged { min } else { 1.0 };
        // Envelope: down at once, hold, then release toward the window's minimum.
        if min < self.env {
            self.env = min;
            self.hold_left = self.hold;
        } else if self.hold_left > 0 {
            self.hold_left -= 1;
        } else if self.env < min {
            let next = min + (self.env - min) * self.release;
            self.env = if min - next < 1e-6 { min } else { next };
        }
        let gain = self.ramp(self.env);
        // Audio delay line.
        let pos = self.line_pos;
        let (dl, dr) = (self.line[0][pos], self.line[1][pos]);
        self.line[0][pos] = l;
        self.line[1][pos] = r;
        self.line_pos = (pos + 1) % self.line[0].len();
        if gain < 1.0 {
            self.stats.limited_frames += 1;
            self.stats.min_gain = self.stats.min_gain.min(gain);
            let g = gain as f32;
            (dl * g, dr * g)
        } else {
            (dl, dr)
        }
    }

    /// Pushes the newest needed gain and returns the minimum over the window.
    fn window_min(&mut self, need: f64) -> f64 {
        let n = self.det_index;
        self.det_index += 1;
        let cap = self.window;
        while self.dq_len > 0 {
            let back = (self.dq_head + self.dq_len - 1) % cap;
            if self.deque[back].1 >= need {
                self.dq_len -= 1;
            } else {
                break;
            }
        }
        if self.dq_len > 0 && self.deque[self.dq_head].0 + cap as u64 <= n {
            self.dq_head = (self.dq_head + 1) % cap;
            self.dq_len -= 1;
        }
        let back = (self.dq_head + self.dq_len) % cap;
        self.deque[back] = (n, need);
        self.dq_len += 1;
        self.deque[self.dq_head].1
    }

    /// The moving average of the envelope over the ramp's length: exactly 1.0 when
    /// every value in it is 1.0.
    fn ramp(&mut self, env: f64) -> f64 {
        let len = self.ramp_ring.len();
        let old = self.ramp_ring[self.ramp_pos];
        if old < 1.0 {
            self.ramp_below -= 1;
        }
        if env < 1.0 {
            self.ramp_below += 1;
        }
        self.ramp_ring[self.ramp_pos] = env;
        self.ramp_pos = (self.ramp_pos + 1) % len;
        if self.ramp_below == 0 {
            self.ramp_sum = 0.0;
            return 1.0;
        }
        self.ramp_sum += (1.0 - env) - (1.0 - old);
        (1.0 - self.ramp_sum / len as f64).min(1.0)
    }
}

/// The 3 interpolating phases of a Kaiser-windowed sinc (β = 8, 32 taps).
fn coefficients() -> [[f64; TAPS]; PHASES] {
    let beta = 8.0;
    let half = TAPS as f64 / 2.0;
    let mut out = [[0.0; TAPS]; PHASES];
    for (p, phase) in out.iter_mut().enumerate() {
        let frac = (p + 1) as f64 / 4.0;
        // Point j-1+frac; tap k reads x[j-16+k]: distance t = (j-1+frac) - (j-16+k).
        let mut sum = 0.0;
        for (k, c) in phase.iter_mut().enumerate() {
            let t = (TAPS / 2 - 1) as f64 + frac - k as f64;
            let sinc = if t == 0.0 {
                1.0
            } else {
                (PI * t).sin() / (PI * t)
            };
            let w = (t / half).clamp(-1.0, 1.0);
            *c = sinc * bessel_i0(beta * (1.0 - w * w).sqrt()) / bessel_i0(beta);
            sum += *c;
        }
        // Unity gain at DC.
        for c in phase.iter_mut() {
            *c /= sum;
        }
    }
    out
}

fn bessel_i0(x: f64) -> f64 {
    let mut sum = 1.0;
    let mut term = 1.0;
    for k in 1..50 {
        let f = x / (2.0 * k as f64);
        term *= f * f;
        sum += term;
        if term < 1e-17 * sum {
            break;
        }
    }
    sum
}
