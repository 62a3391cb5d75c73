//! The emitters of [`crate::dsp::osc`]: `sine saw square tri impulse supersaw fm noise
//! pink brown`.
//!
//! Each is the per-sample body of its `dsp` loop, operation for operation, so the
//! JIT computes the interpreter's bits. The branches of the Rust code become masks
//! and selects; where the Rust code branches on a sign that is known in advance, the
//! emitter uses that knowledge instead of a select, which changes no bit:
//!
//! - the phase `t` is in [0, 1) (the interpreter resets another phase at the start
//!   of a call; here the phase only ever comes from `advance`, which keeps it in
//!   [0, 1), and `end_of_block` applies the same reset as a safeguard), so the
//!   distance to a step at phase 0 is `a = t·inv >= 0` after it and `b = (t-1)·inv
//!   < 0` before it: `blep(a) = -R(a)`, `blep(b) = R(|b|)` with `R` the residual's
//!   magnitude, and `|b| = (1-t)·inv` exactly (rounding is symmetric);
//! - for a discontinuity at phase `c` (the square's `w`, the triangle's corners)
//!   with `d = t - c`: `distances` gives `(|d|·inv, (1-|d|)·inv)` when `d >= 0` and
//!   the swapped pair when `d < 0`, so the emitter computes the pair once and
//!   swaps it with two selects (sums of the pair in either order are the same
//!   bits: `+` is commutative in IEEE arithmetic, only its association matters);
//! - the larger of the pair is at least 1 (one of `|d|`, `1-|d|` is at least 1/2 and
//!   `inv >= 2`), so only the residual's second piece `(2-x)⁴/24` (or `(2-x)⁵/120`)
//!   is evaluated for it: the pair is sorted with one compare and two selects, the
//!   smaller gets the full two-piece residual, the larger the one piece, and they
//!   are put back in place with two more selects.
//!
//! No lane branches. One branch is taken on the four lanes together: the residuals
//! are nonzero only within two samples of a discontinuity, and when no lane is that
//! close (nearly always at audio pitches: 4 samples per period) every residual is
//! +0 and the sample is the naive waveform bit for bit, so the residual code sits in
//! a cold block entered only when some lane needs it (`unless_near`). The emitters
//! of `saw`, `square` and `tri` therefore leave the builder in a new block (the
//! merge block); values from before the call remain usable after it.
//!
//! `supersaw` is seven of `saw`'s samples (seven branches, each on its own lanes'
//! distances); `fm` is two phase accumulators whose modulator phase, in [0, 1), takes
//! the comparison form of `sin_turns` and whose carrier argument (any value) takes
//! `jit::approx::sin_turns`.
//!
//! State: the phase (f32x4) for the periodic waveforms, plus the pending impulse
//! for `impulse`; seven phases for `supersaw`; two for `fm`; the xorshift state (i32x4) for `noise`; that and the seven filter
//! states (f32x4 each) for `pink`; that and the integrator (f32x4) for `brown`.

use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::types::F32X4;
use cranelift_codegen::ir::{BlockArg, InstBuilder, Value};
use cranelift_frontend::FunctionBuilder;

use crate::dsp::osc as dsp;
use crate::ir::Op;
use crate::jit::approx::{self, select, splat, splat_i32};
use crate::jit::kernel::{EmitCtx, Emitter, StateInit};

/// The waveforms of the phase-accumulator oscillators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wave {
    Sine,
    Saw,
    Square,
    Tri,
    Impulse,
}

/// `sine saw square tri impulse`. State: the phase, plus the pending impulse for
/// `impulse`.
pub struct Periodic(pub Wave);

impl Emitter for Periodic {
    fn state(&self, _op: Op, _lanes: &[Op; 4], _channels: [usize; 4], sr: f32) -> Vec<StateInit> {
        let o = dsp::Osc::new(sr);
        match self.0 {
            Wave::Impulse => vec![
                StateInit::F32([o.phase; 4]),
                StateInit::F32([o.wrapped(); 4]),
            ],
            Wave::Sine | Wave::Saw | Wave::Square | Wave::Tri => {
                vec![StateInit::F32([o.phase; 4])]
            }
        }
    }

    fn emit(&self, cx: &mut EmitCtx<'_, '_>, inputs: &[Value]) -> Option<Value> {
        periodic(cx, self.0, inputs)
    }

    /// `dsp::osc`'s `sanitize` (a phase outside [0, 1) becomes 0). The interpreter
    /// applies it at the start of a call; the JIT's phase never leaves [0, 1) (see the
    /// module documentation), so this only guards the state block.
    fn end_of_block(&self, cx: &mut EmitCtx<'_, '_>) {
        sanitize(cx, 0);
    }
}

/// `dsp::osc`'s `sanitize` on the phase in state variable `k`: a phase outside [0, 1)
/// becomes 0.
fn sanitize(cx: &mut EmitCtx<'_, '_>, k: usize) {
    let p = cx.get(k);
    let b = &mut *cx.b;
    let zero = splat(b, 0.0);
    let one = splat(b, 1.0);
    let ge = b.ins().fcmp(FloatCC::GreaterThanOrEqual, p, zero);
    let lt = approx::lt(b, p, one);
    let inside = b.ins().band(ge, lt);
    let p = select(b, inside, p, zero);
    cx.set(k, p);
}

/// `supersaw`. State: the seven saws' phases; their slopes depend on nothing but
/// the table and are constants.
pub struct Supersaw;

impl Emitter for Supersaw {
    fn state(&self, _op: Op, _lanes: &[Op; 4], _channels: [usize; 4], sr: f32) -> Vec<StateInit> {
        let (phases, _) = dsp::Supersaw::new(sr).parts();
        phases.iter().map(|&p| StateInit::F32([p; 4])).collect()
    }

    /// `dsp::osc::supersaw`'s sample: from 0, the sum of saw `k`'s sample at
    /// `freq · (1 + detune · slope_k)`, each saw advanced after its sample, times
    /// the scale.
    fn emit(&self, cx: &mut EmitCtx<'_, '_>, inputs: &[Value]) -> Option<Value> {
        let (_, slopes) = dsp::Supersaw::new(cx.sample_rate).parts();
        let sr = dsp::Osc::new(cx.sample_rate).sample_rate();
        let f = *inputs.first()?;
        let d = *inputs.get(1)?;
        let mut sum = splat(cx.b, 0.0);
        for (k, &slope) in slopes.iter().enumerate() {
            let t = cx.get(k);
            let b = &mut *cx.b;
            let kv = splat(b, slope);
            let dk = b.ins().fmul(d, kv);
            let one = splat(b, 1.0);
            let r = b.ins().fadd(one, dk);
            let fk = b.ins().fmul(f, r);
            let dt = increment(b, fk, sr);
            let x = saw(b, t, dt);
            sum = b.ins().fadd(sum, x);
            let (p, _) = advance(b, t, dt, false);
            cx.set(k, p);
        }
        let scale = splat(cx.b, dsp::SUPERSAW_SCALE);
        Some(cx.b.ins().fmul(sum, scale))
    }

    fn end_of_block(&self, cx: &mut EmitCtx<'_, '_>) {
        for k in 0..7 {
            sanitize(cx, k);
        }
    }
}

/// `fm`. State: the carrier's phase and the modulator's.
pub struct Fm;

impl Emitter for Fm {
    fn state(&self, _op: Op, _lanes: &[Op; 4], _channels: [usize; 4], sr: f32) -> Vec<StateInit> {
        let (c, m) = dsp::Fm::new(sr).phases();
        vec![StateInit::F32([c; 4]), StateInit::F32([m; 4])]
    }

    /// `dsp::osc::fm`'s sample: the index clamped (NaN: 0), `m = sin_turns(φm)`,
    /// `sin_turns(φc + (I · 1/2π) · m)`, then both phases advance.
    fn emit(&self, cx: &mut EmitCtx<'_, '_>, inputs: &[Value]) -> Option<Value> {
        let sr = dsp::Osc::new(cx.sample_rate).sample_rate();
        let f = *inputs.first()?;
        let r = *inputs.get(1)?;
        let i = *inputs.get(2)?;
        let c = cx.get(0);
        let m = cx.get(1);
        let b = &mut *cx.b;
        let i = clamp_or_zero(b, i, dsp::FM_MAX_INDEX);
        let ms = sin_turns_of_phase(b, m);
        let k = splat(b, dsp::FM_TURNS_PER_RADIAN);
        let ik = b.ins().fmul(i, k);
        let dev = b.ins().fmul(ik, ms);
        let arg = b.ins().fadd(c, dev);
        let out = approx::sin_turns(b, arg);
        let dtc = increment(b, f, sr);
        let (c, _) = advance(b, c, dtc, false);
        let fr = b.ins().fmul(f, r);
        let dtm = increment(b, fr, sr);
        let (m, _) = advance(b, m, dtm, false);
        cx.set(0, c);
        cx.set(1, m);
        Some(out)
    }

    fn end_of_block(&self, cx: &mut EmitCtx<'_, '_>) {
        sanitize(cx, 0);
        sanitize(cx, 1);
    }
}

/// The seed of a noise lane (every lane of a pack runs the same operation).
fn seed_of(lane: Op, pack: Op) -> u32 {
    match (lane, pack) {
        (Op::Noise { seed } | Op::Pink { seed } | Op::Brown { seed }, _) => seed,
        (_, Op::Noise { seed } | Op::Pink { seed } | Op::Brown { seed }) => seed,
        _ => 0,
    }
}

/// `noise`. State: the xorshift state (i32x4), each lane from its node's seed.
pub struct Noise;

impl Emitter for Noise {
    fn state(&self, op: Op, lanes: &[Op; 4], _channels: [usize; 4], _sr: f32) -> Vec<StateInit> {
        let bits = std::array::from_fn(|l| dsp::Noise::new(seed_of(lanes[l], op)).bits() as i32);
        vec![StateInit::I32(bits)]
    }

    fn emit(&self, cx: &mut EmitCtx<'_, '_>, _inputs: &[Value]) -> Option<Value> {
        let x = cx.get(0);
        let (x, out) = white(cx.b, x);
        cx.set(0, x);
        Some(out)
    }
}

/// `pink`. State: the xorshift state and the seven filter states (f32x4 each).
pub struct Pink;

impl Emitter for Pink {
    fn state(&self, op: Op, lanes: &[Op; 4], _channels: [usize; 4], _sr: f32) -> Vec<StateInit> {
        let parts: [(u32, [f32; 7]); 4] =
            std::array::from_fn(|l| dsp::Pink::new(seed_of(lanes[l], op)).parts());
        let mut v = vec![StateInit::I32(std::array::from_fn(|l| parts[l].0 as i32))];
        for k in 0..7 {
            v.push(StateInit::F32(std::array::from_fn(|l| parts[l].1[k])));
        }
        v
    }

    fn emit(&self, cx: &mut EmitCtx<'_, '_>, _inputs: &[Value]) -> Option<Value> {
        let x = cx.get(0);
        let (x, w) = white(cx.b, x);
        cx.set(0, x);
        let bs: Vec<Value> = (1..8).map(|k| cx.get(k)).collect();
        let (new, out) = pink(cx.b, w, &bs);
        for (k, v) in new.into_iter().enumerate() {
            cx.set(k + 1, v);
        }
        Some(out)
    }
}

/// `brown`. State: the xorshift state (i32x4) and the integrator (f32x4); the
/// coefficients `a`, `c` depend on the sample rate only and are constants.
pub struct Brown;

impl Emitter for Brown {
    fn state(&self, op: Op, lanes: &[Op; 4], _channels: [usize; 4], sr: f32) -> Vec<StateInit> {
        let parts: [(u32, f32, f32, f32); 4] =
            std::array::from_fn(|l| dsp::Brown::new(sr, seed_of(lanes[l], op)).parts());
        vec![
            StateInit::I32(std::array::from_fn(|l| parts[l].0 as i32)),
            StateInit::F32(std::array::from_fn(|l| parts[l].1)),
        ]
    }

    fn emit(&self, cx: &mut EmitCtx<'_, '_>, _inputs: &[Value]) -> Option<Value> {
        let (_, _, a, c) = dsp::Brown::new(cx.sample_rate, 0).parts();
        let x = cx.get(0);
        let y = cx.get(1);
        let b = &mut *cx.b;
        let (x, w) = white(b, x);
        // `v = a y + c w`, then `if v > -1 { v.min(1) } else { -1 }`: v is never NaN
        // (w is finite), so a compare and select is Rust's `min` exactly.
        let av = splat(b, a);
        let cv = splat(b, c);
        let ay = b.ins().fmul(av, y);
        let cw = b.ins().fmul(cv, w);
        let v = b.ins().fadd(ay, cw);
        let one = splat(b, 1.0);
        let under = approx::lt(b, v, one);
        let capped = select(b, under, v, one);
        let minus = splat(b, -1.0);
        let above = approx::gt(b, v, minus);
        let y = select(b, above, capped, minus);
        cx.set(0, x);
        cx.set(1, y);
        Some(y)
    }
}

/// One sample of a phase-accumulator waveform: the output from the current phase,
/// then the advance, as in every `dsp::osc` loop.
fn periodic(cx: &mut EmitCtx<'_, '_>, wave: Wave, inputs: &[Value]) -> Option<Value> {
    let sr = dsp::Osc::new(cx.sample_rate).sample_rate();
    let f = *inputs.first()?;
    let t = cx.get(0);
    let pending = if wave == Wave::Impulse {
        Some(cx.get(1))
    } else {
        None
    };
    let b = &mut *cx.b;
    let dt = increment(b, f, sr);
    let out = match wave {
        Wave::Sine => sin_turns_of_phase(b, t),
        Wave::Saw => saw(b, t, dt),
        Wave::Square => square(b, t, dt, *inputs.get(1)?),
        Wave::Tri => tri(b, t, dt),
        Wave::Impulse => pending?,
    };
    let (p, wrapped) = advance(b, t, dt, pending.is_some());
    cx.set(0, p);
    if let Some(w) = wrapped {
        cx.set(1, w);
    }
    Some(out)
}

/// `approx::sin_turns(t)` for a phase `t` in [0, 1) (or -0): the same operations,
/// except that `floor(t + 1/2)`, which can only be 0 or 1 there, is a comparison
/// instead of a float-to-int round trip (whose saturating conversion costs eight
/// instructions on x86). Bit for bit the same value.
fn sin_turns_of_phase(b: &mut FunctionBuilder<'_>, x: Value) -> Value {
    let half = splat(b, 0.5);
    let one = splat(b, 1.0);
    let xh = b.ins().fadd(x, half);
    let up_one = fcmp(b, FloatCC::GreaterThanOrEqual, xh, one);
    let fl = keep(b, up_one, one);
    let r0 = b.ins().fsub(x, fl);
    let q = splat(b, 0.25);
    let nq = splat(b, -0.25);
    let nhalf = splat(b, -0.5);
    let up = b.ins().fsub(half, r0);
    let down = b.ins().fsub(nhalf, r0);
    let m_low = approx::lt(b, r0, nq);
    let lowered = select(b, m_low, down, r0);
    let m_high = approx::gt(b, r0, q);
    let r = select(b, m_high, up, lowered);
    let r2 = b.ins().fmul(r, r);
    let c = &crate::dsp::approx::SIN_C;
    let mut p = splat(b, c[c.len() - 1]);
    for &k in c[..c.len() - 1].iter().rev() {
        let t = b.ins().fmul(r2, p);
        let kk = splat(b, k);
        p = b.ins().fadd(kk, t);
    }
    b.ins().fmul(r, p)
}

fn fcmp(b: &mut FunctionBuilder<'_>, cc: FloatCC, x: Value, y: Value) -> Value {
    b.ins().fcmp(cc, x, y)
}

/// `dsp::osc::increment`: `freq / sample_rate` clamped to [-1/2, 1/2], NaN to 0.
fn increment(b: &mut FunctionBuilder<'_>, f: Value, sr: f32) -> Value {
    let srv = splat(b, sr);
    let dt = b.ins().fdiv(f, srv);
    clamp_or_zero(b, dt, 0.5)
}

/// `x` clamped to [-limit, limit], NaN to 0: Rust's `if x > limit { limit } else if
/// x < -limit { -limit } else if !x.is_nan() { x } else { 0 }`.
fn clamp_or_zero(b: &mut FunctionBuilder<'_>, x: Value, limit: f32) -> Value {
    let zero = splat(b, 0.0);
    let hi = splat(b, limit);
    let lo = splat(b, -limit);
    let nan = fcmp(b, FloatCC::Unordered, x, x);
    let r = select(b, nan, zero, x);
    let low = approx::lt(b, x, lo);
    let r = select(b, low, lo, r);
    let high = approx::gt(b, x, hi);
    select(b, high, hi, r)
}

/// `dsp::osc::advance`: the next phase, and (for `impulse`) 1.0 where the cycle
/// restarted, else 0.0.
fn advance(
    b: &mut FunctionBuilder<'_>,
    old: Value,
    dt: Value,
    want_wrap: bool,
) -> (Value, Option<Value>) {
    let zero = splat(b, 0.0);
    let one = splat(b, 1.0);
    let p = b.ins().fadd(old, dt);
    let ge1 = fcmp(b, FloatCC::GreaterThanOrEqual, p, one);
    let neg = approx::lt(b, p, zero);
    let down = b.ins().fsub(p, one);
    let up = b.ins().fadd(p, one);
    let q = select(b, neg, up, p);
    let q = select(b, ge1, down, q);
    // `q.is_nan() || q >= 1.0` in one comparison.
    let bad = fcmp(b, FloatCC::UnorderedOrGreaterThanOrEqual, q, one);
    let q = select(b, bad, zero, q);
    let wrapped = want_wrap.then(|| {
        let le0 = fcmp(b, FloatCC::LessThanOrEqual, p, zero);
        let was_pos = approx::gt(b, old, zero);
        let back = b.ins().band(le0, was_pos);
        let w = b.ins().bor(ge1, back);
        select(b, w, one, zero)
    });
    (q, wrapped)
}

/// `dsp::osc::inverse`: `1 / max(|dt|, 1e-20)` (|dt| is never NaN).
fn inverse(b: &mut FunctionBuilder<'_>, adt: Value) -> Value {
    let tiny = splat(b, 1e-20);
    let above = approx::gt(b, adt, tiny);
    let den = select(b, above, adt, tiny);
    let one = splat(b, 1.0);
    b.ins().fdiv(one, den)
}

/// `x` where the mask is set, else +0.
fn keep(b: &mut FunctionBuilder<'_>, mask: Value, x: Value) -> Value {
    let m = approx::as_f32x4(b, mask);
    b.ins().band(x, m)
}

/// The magnitude of `dsp::osc::blep` at `a >= 0`, first piece and second.
fn blep_mag(b: &mut FunctionBuilder<'_>, a: Value) -> Value {
    let c8 = splat(b, 0.125);
    let third = splat(b, 1.0f32 / 3.0f32);
    let m23 = splat(b, -2.0f32 / 3.0f32);
    let half = splat(b, 0.5);
    let a2 = b.ins().fmul(a, a);
    let c = b.ins().fmul(c8, a);
    let c = b.ins().fsub(third, c);
    let c = b.ins().fmul(a2, c);
    let c = b.ins().fadd(m23, c);
    let c = b.ins().fmul(a, c);
    let p1 = b.ins().fadd(half, c);
    let tail = blep_tail(b, a);
    let one = splat(b, 1.0);
    let near = approx::lt(b, a, one);
    select(b, near, p1, tail)
}

/// The magnitude of `dsp::osc::blep` at `a >= 1`: `(2 - a)⁴/24` below 2, else 0.
fn blep_tail(b: &mut FunctionBuilder<'_>, a: Value) -> Value {
    let two = splat(b, 2.0);
    let k = splat(b, 1.0f32 / 24.0f32);
    let y = b.ins().fsub(two, a);
    let y2 = b.ins().fmul(y, y);
    let r = b.ins().fmul(k, y2);
    let r = b.ins().fmul(r, y2);
    let inside = approx::lt(b, a, two);
    keep(b, inside, r)
}

/// `dsp::osc::blamp` at `a >= 0`.
fn blamp_mag(b: &mut FunctionBuilder<'_>, a: Value) -> Value {
    let k40 = splat(b, 1.0f32 / 40.0f32);
    let m12 = splat(b, -1.0f32 / 12.0f32);
    let third = splat(b, 1.0f32 / 3.0f32);
    let mhalf = splat(b, -0.5);
    let k730 = splat(b, 7.0f32 / 30.0f32);
    let c = b.ins().fmul(a, k40);
    let c = b.ins().fadd(m12, c);
    let a2 = b.ins().fmul(a, a);
    let c = b.ins().fmul(a2, c);
    let c = b.ins().fadd(third, c);
    let c = b.ins().fmul(a, c);
    let c = b.ins().fadd(mhalf, c);
    let c = b.ins().fmul(a, c);
    let p1 = b.ins().fadd(k730, c);
    let tail = blamp_tail(b, a);
    let one = splat(b, 1.0);
    let near = approx::lt(b, a, one);
    select(b, near, p1, tail)
}

/// `dsp::osc::blamp` at `a >= 1`: `(2 - a)⁵/120` below 2, else 0.
fn blamp_tail(b: &mut FunctionBuilder<'_>, a: Value) -> Value {
    let two = splat(b, 2.0);
    let k = splat(b, 1.0f32 / 120.0f32);
    let y = b.ins().fsub(two, a);
    let y2 = b.ins().fmul(y, y);
    let r = b.ins().fmul(k, y2);
    let r = b.ins().fmul(r, y2);
    let r = b.ins().fmul(r, y);
    let inside = approx::lt(b, a, two);
    keep(b, inside, r)
}

/// The residual magnitudes `(R(x), R(y))` of a pair whose larger member is at least 1:
/// the smaller gets both pieces, the larger only the second.
fn pair(
    b: &mut FunctionBuilder<'_>,
    x: Value,
    y: Value,
    full: fn(&mut FunctionBuilder<'_>, Value) -> Value,
    tail: fn(&mut FunctionBuilder<'_>, Value) -> Value,
) -> (Value, Value) {
    let x_low = fcmp(b, FloatCC::LessThanOrEqual, x, y);
    let lo = select(b, x_low, x, y);
    let hi = select(b, x_low, y, x);
    let rl = full(b, lo);
    let rh = tail(b, hi);
    let rx = select(b, x_low, rl, rh);
    let ry = select(b, x_low, rh, rl);
    (rx, ry)
}

/// The distances from `d = t - c` (in (-1, 1)) to a discontinuity at phase `c`, as
/// an unordered pair: `(|d|·inv, (1 - |d|)·inv)`. `dsp::osc::distances` gives
/// `(a, |b|)` = this pair when `d >= 0`, the swapped pair when `d < 0`.
fn pair_of_distances(b: &mut FunctionBuilder<'_>, d: Value, inv: Value) -> (Value, Value) {
    let one = splat(b, 1.0);
    let e = b.ins().fabs(d);
    let rest = b.ins().fsub(one, e);
    let x = b.ins().fmul(e, inv);
    let y = b.ins().fmul(rest, inv);
    (x, y)
}

/// `(a, |b|)` of `dsp::osc::distances` from the pair of [`pair_of_distances`].
fn in_order(b: &mut FunctionBuilder<'_>, d: Value, x: Value, y: Value) -> (Value, Value) {
    let zero = splat(b, 0.0);
    let after = fcmp(b, FloatCC::GreaterThanOrEqual, d, zero);
    let a = select(b, after, x, y);
    let bb = select(b, after, y, x);
    (a, bb)
}

/// `fast` if no lane has `near` set, else the value `slow` emits: a branch on the
/// four lanes together (never per lane), around code that would give `fast` bit for
/// bit in every lane without `near`. The builder continues in the merge block.
fn unless_near(
    b: &mut FunctionBuilder<'_>,
    near: Value,
    fast: Value,
    slow: impl FnOnce(&mut FunctionBuilder<'_>) -> Value,
) -> Value {
    let any = b.ins().vany_true(near);
    let slow_block = b.create_block();
    let merge = b.create_block();
    let out = b.append_block_param(merge, F32X4);
    b.ins()
        .brif(any, slow_block, &[], merge, &[BlockArg::Value(fast)]);
    b.seal_block(slow_block);
    b.set_cold_block(slow_block);
    b.switch_to_block(slow_block);
    let v = slow(b);
    b.ins().jump(merge, &[BlockArg::Value(v)]);
    b.seal_block(merge);
    b.switch_to_block(merge);
    out
}

/// `x < 2` or `y < 2`: a residual (support (-2, 2)) of one of them is not 0.
fn near2(b: &mut FunctionBuilder<'_>, xs: &[Value]) -> Value {
    let two = splat(b, 2.0);
    let mut m = approx::lt(b, xs[0], two);
    for &x in &xs[1..] {
        let n = approx::lt(b, x, two);
        m = b.ins().bor(m, n);
    }
    m
}

/// `dsp::osc::saw`'s sample. Where no lane is within two samples of the jump, both
/// residuals are 0 and the sample is the naive `2t - 1` (`- 2·(+0)` changes no bit),
/// so the residuals are only computed when some lane needs them.
fn saw(b: &mut FunctionBuilder<'_>, t: Value, dt: Value) -> Value {
    let adt = b.ins().fabs(dt);
    let inv = inverse(b, adt);
    let one = splat(b, 1.0);
    let two = splat(b, 2.0);
    let a = b.ins().fmul(t, inv);
    let rest = b.ins().fsub(one, t);
    let bb = b.ins().fmul(rest, inv);
    let t2 = b.ins().fmul(two, t);
    let naive = b.ins().fsub(t2, one);
    let near = near2(b, &[a, bb]);
    unless_near(b, near, naive, |b| {
        let (ra, rb) = pair(b, a, bb, blep_mag, blep_tail);
        // blep(a) + blep(b) = -R(a) + R(|b|)
        let s = b.ins().fsub(rb, ra);
        let two = splat(b, 2.0);
        let s2 = b.ins().fmul(two, s);
        b.ins().fsub(naive, s2)
    })
}

/// `dsp::osc::square`'s sample (the naive ±1 where no lane is near a jump).
fn square(b: &mut FunctionBuilder<'_>, t: Value, dt: Value, w: Value) -> Value {
    let lo = splat(b, 0.01);
    let hi = splat(b, 0.99);
    let half = splat(b, 0.5);
    let below = approx::lt(b, w, hi);
    let capped = select(b, below, w, hi);
    let above = approx::gt(b, w, lo);
    let w2 = select(b, above, capped, lo);
    let nan = fcmp(b, FloatCC::Unordered, w, w);
    let w = select(b, nan, half, w2);

    let adt = b.ins().fabs(dt);
    let inv = inverse(b, adt);
    let one = splat(b, 1.0);
    let mone = splat(b, -1.0);
    let high = approx::lt(b, t, w);
    let naive = select(b, high, one, mone);
    let a0 = b.ins().fmul(t, inv);
    let rest = b.ins().fsub(one, t);
    let b0 = b.ins().fmul(rest, inv);
    let d = b.ins().fsub(t, w);
    let (x, y) = pair_of_distances(b, d, inv);
    let near = near2(b, &[a0, b0, x, y]);
    unless_near(b, near, naive, |b| {
        let (aw, bw) = in_order(b, d, x, y);
        let (ra0, rb0) = pair(b, a0, b0, blep_mag, blep_tail);
        let (raw, rbw) = pair(b, aw, bw, blep_mag, blep_tail);
        // blep(a0) + blep(b0) - blep(aw) - blep(bw), with blep(a) = -R(a), blep(b) = R(|b|)
        let s = b.ins().fsub(rb0, ra0);
        let s = b.ins().fadd(s, raw);
        let s = b.ins().fsub(s, rbw);
        let two = splat(b, 2.0);
        let s2 = b.ins().fmul(two, s);
        b.ins().fadd(naive, s2)
    })
}

/// `dsp::osc::tri`'s sample (the naive triangle where no lane is near a corner).
fn tri(b: &mut FunctionBuilder<'_>, t: Value, dt: Value) -> Value {
    let adt = b.ins().fabs(dt);
    let inv = inverse(b, adt);
    let one = splat(b, 1.0);
    let q = splat(b, 0.25);
    let tq = splat(b, 0.75);
    let half = splat(b, 0.5);
    let four = splat(b, 4.0);
    let u = b.ins().fadd(t, q);
    let over = fcmp(b, FloatCC::GreaterThanOrEqual, u, one);
    let u1 = b.ins().fsub(u, one);
    let u = select(b, over, u1, u);
    let c = b.ins().fsub(u, half);
    let c = b.ins().fabs(c);
    let c = b.ins().fmul(four, c);
    let naive = b.ins().fsub(one, c);
    let d3 = b.ins().fsub(t, tq);
    let (x3, y3) = pair_of_distances(b, d3, inv);
    let d1 = b.ins().fsub(t, q);
    let (x1, y1) = pair_of_distances(b, d1, inv);
    let near = near2(b, &[x3, y3, x1, y1]);
    unless_near(b, near, naive, |b| {
        // The pair at 3/4 is summed, so its order does not matter.
        let (bx3, by3) = pair(b, x3, y3, blamp_mag, blamp_tail);
        let (a1, b1) = in_order(b, d1, x1, y1);
        let (ba1, bb1) = pair(b, a1, b1, blamp_mag, blamp_tail);
        let corners = b.ins().fadd(bx3, by3);
        let corners = b.ins().fsub(corners, ba1);
        let corners = b.ins().fsub(corners, bb1);
        let eight = splat(b, 8.0);
        let k = b.ins().fmul(eight, adt);
        let k = b.ins().fmul(k, corners);
        b.ins().fadd(naive, k)
    })
}

/// One step of `dsp::osc::Noise`: the new xorshift32 state and the sample.
fn white(b: &mut FunctionBuilder<'_>, x: Value) -> (Value, Value) {
    let s = b.ins().ishl_imm_u(x, 13);
    let x = b.ins().bxor(x, s);
    let s = b.ins().ushr_imm_u(x, 17);
    let x = b.ins().bxor(x, s);
    let s = b.ins().ishl_imm_u(x, 5);
    let x = b.ins().bxor(x, s);
    let m = b.ins().ushr_imm_u(x, 9);
    let e = splat_i32(b, 0x4000_0000);
    let m = b.ins().bor(m, e);
    let v = approx::as_f32x4(b, m);
    let three = splat(b, 3.0);
    let out = b.ins().fsub(v, three);
    (x, out)
}

/// One step of `dsp::osc::pink`'s filter over the white sample `w`: the seven new
/// states and the output.
fn pink(b: &mut FunctionBuilder<'_>, w: Value, s: &[Value]) -> (Vec<Value>, Value) {
    const POLE: [f32; 6] = [0.99886, 0.99332, 0.96900, 0.86650, 0.55000, -0.7616];
    const GAIN: [f32; 6] = [
        0.055_517_9,
        0.075_075_9,
        0.153_852,
        0.310_485_6,
        0.532_952_2,
        0.016_898,
    ];
    let mut new = Vec::with_capacity(7);
    for k in 0..6 {
        let p = splat(b, POLE[k]);
        let g = splat(b, GAIN[k]);
        let x = b.ins().fmul(p, s[k]);
        let y = b.ins().fmul(w, g);
        // b[5] = -0.7616 * b[5] - white * 0.016_898
        new.push(if k == 5 {
            b.ins().fsub(x, y)
        } else {
            b.ins().fadd(x, y)
        });
    }
    let mut sum = new[0];
    for v in new[1..6].iter().chain(std::iter::once(&s[6])) {
        sum = b.ins().fadd(sum, *v);
    }
    let direct = splat(b, 0.5362);
    let d = b.ins().fmul(w, direct);
    let sum = b.ins().fadd(sum, d);
    let k6 = splat(b, 0.115_926);
    new.push(b.ins().fmul(w, k6));
    let scale = splat(b, dsp::PINK_SCALE);
    (new, b.ins().fmul(sum, scale))
}
