//! The emitters of `dsp::env`: `ad`, `adsr` and `perc`, four envelopes in four lanes.
//!
//! The dsp kernels keep the level in f64 (in f32, a constant step added thousands of
//! times drifts enough to move a segment's end by a frame, and the dsp tests pin
//! segment ends to the frame), so the twins do the same: every lane's state is f64,
//! held as two `f64x2` variables per quantity (lanes 0-1 and lanes 2-3), and each
//! frame runs the envelope logic twice, once per half, in `f64x2` arithmetic. The
//! stage (`dsp::env::IDLE..RELEASE`) is kept as an f64 too, so that every mask is
//! an `i64x2` from an `f64x2` comparison; `adsr`'s `gate_was_up` is stored as a mask
//! (all ones or all zeros) in an f64 variable. The `f32` inputs are promoted
//! (exactly) per half, the level is demoted (as `as f32` rounds) and the halves are
//! joined into the `f32x4` output.
//!
//! The branches of the dsp code become selects. Where the dsp kernel computes a
//! step in exactly one branch (`1 / samples(attack)`, `(1 - sus) / samples(decay)`,
//! `release_from / samples(release)`), the twin computes every branch's step and
//! selects the one of the lane's stage: the same operation on the same operands, so
//! the same bits. The steps then do not wait for the stage: with constant times and
//! sustain the attack's and decay's are loop invariants (hoisted out of the frame
//! loop), and the frame's dependency chain through the stage loses a division (a
//! voice of `saw # lpf * adsr` in `benches/voice_kernel` ran 15% faster than with
//! the operands selected first). `perc`
//! recomputes its decay factor `exp2(log2(0.001) / samples(release))` every frame
//! (the dsp kernel caches it per release value; it is a pure function of that value).

use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::types::{F32X4, F64X2, I64X2, I8X16};
use cranelift_codegen::ir::{ConstantData, Endianness, InstBuilder, MemFlagsData, Value};
use cranelift_frontend::FunctionBuilder;

use crate::dsp::env::{
    env_sample_rate, ARRIVED, ATTACK, DECAY, IDLE, LOG2_MINUS_60_DB, PERC_ATTACK, PERC_FLOOR,
    RELEASE, SUSTAIN,
};
use crate::ir::Op;
use crate::jit::approx;
use crate::jit::kernel::{EmitCtx, Emitter, StateInit};

/// Quantities of the state, each two F64 variables (lanes 0-1, lanes 2-3).
const LEVEL: usize = 0;
const STAGE: usize = 1;
/// `adsr` only.
const RELEASE_FROM: usize = 2;
const GATE_WAS_UP: usize = 3;

fn var(quantity: usize, half: usize) -> usize {
    2 * quantity + half
}

/// Which envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contour {
    Ad,
    Adsr,
    Perc,
}

/// `ad`, `adsr`, `perc`. State: `ad`, `perc`: level, stage; `adsr`: also
/// release_from, gate_was_up. All 0 (idle, level 0, gate down).
pub struct Envelope(pub Contour);

impl Emitter for Envelope {
    fn state(&self, _op: Op, _lanes: &[Op; 4], _channels: [usize; 4], _sr: f32) -> Vec<StateInit> {
        let quantities = match self.0 {
            Contour::Ad | Contour::Perc => 2,
            Contour::Adsr => 4,
        };
        vec![StateInit::F64([0.0; 2]); 2 * quantities]
    }

    fn emit(&self, cx: &mut EmitCtx<'_, '_>, inputs: &[Value]) -> Option<Value> {
        emit(cx, self.0, inputs)
    }
}

fn emit(cx: &mut EmitCtx<'_, '_>, contour: Contour, inputs: &[Value]) -> Option<Value> {
    let n = match contour {
        Contour::Ad => 3,
        Contour::Adsr => 6,
        Contour::Perc => 2,
    };
    if inputs.len() < n {
        return None;
    }
    let sr = env_sample_rate(cx.sample_rate);
    // Every input as two f64x2 halves.
    let halves: Vec<[Value; 2]> = inputs[..n].iter().map(|&x| split(cx.b, x)).collect();
    let pick = |k: usize, h: usize| halves[k][h];
    // perc's decay factor is computed in f32 over all four lanes (as the dsp does,
    // `exp2(octaves as f32) as f64`).
    let factor = if contour == Contour::Perc {
        let oct: [Value; 2] = std::array::from_fn(|h| {
            let n = samples(cx.b, pick(0, h), sr);
            let c = splat64(cx.b, LOG2_MINUS_60_DB as f64);
            cx.b.ins().fdiv(c, n)
        });
        let oct = join(cx.b, oct[0], oct[1]);
        let f = approx::exp2(cx.b, oct);
        Some(split(cx.b, f))
    } else {
        None
    };
    let mut out = [None, None];
    for (h, slot) in out.iter_mut().enumerate() {
        *slot = Some(match contour {
            Contour::Ad => ad(cx, h, sr, [pick(0, h), pick(1, h), pick(2, h)]),
            Contour::Adsr => adsr(cx, h, sr, std::array::from_fn(|k| pick(k, h))),
            Contour::Perc => {
                let f = factor.map(|f| f[h])?;
                perc(cx, h, sr, f, pick(1, h))
            }
        });
    }
    let [Some(lo), Some(hi)] = out else {
        return None;
    };
    Some(join(cx.b, lo, hi))
}

fn lanes_flags() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

fn splat64(b: &mut FunctionBuilder<'_>, x: f64) -> Value {
    let s = b.ins().f64const(x);
    b.ins().splat(F64X2, s)
}

/// A byte shuffle of `x` and `y` (as i8x16) with `mask`, as `f32x4`.
fn shuffle(b: &mut FunctionBuilder<'_>, x: Value, y: Value, mask: [u8; 16]) -> Value {
    let xi = b.ins().bitcast(I8X16, lanes_flags(), x);
    let yi = b.ins().bitcast(I8X16, lanes_flags(), y);
    let imm = b
        .func
        .dfg
        .immediates
        .push(ConstantData::from(mask.as_slice()));
    let r = b.ins().shuffle(xi, yi, imm);
    b.ins().bitcast(F32X4, lanes_flags(), r)
}

/// An `f32x4` as two `f64x2`: lanes 0-1 and lanes 2-3, promoted exactly.
fn split(b: &mut FunctionBuilder<'_>, x: Value) -> [Value; 2] {
    let lo = b.ins().fvpromote_low(x);
    // Lanes 2, 3 moved down (a pshufd).
    let mut m = [0u8; 16];
    for (i, v) in m.iter_mut().enumerate() {
        *v = 8 + (i % 8) as u8;
    }
    let high = shuffle(b, x, x, m);
    let hi = b.ins().fvpromote_low(high);
    [lo, hi]
}

/// Two `f64x2` halves rounded to f32 and joined into one `f32x4`.
fn join(b: &mut FunctionBuilder<'_>, lo: Value, hi: Value) -> Value {
    let l = b.ins().fvdemote(lo);
    let h = b.ins().fvdemote(hi);
    // The low 8 bytes of each (a punpcklqdq).
    let mut m = [0u8; 16];
    for (i, v) in m.iter_mut().enumerate() {
        *v = if i < 8 { i as u8 } else { 8 + i as u8 };
    }
    shuffle(b, l, h, m)
}

/// Lane by lane `if mask { a } else { c }` on `f64x2` (`mask` an `i64x2`).
fn sel(b: &mut FunctionBuilder<'_>, mask: Value, a: Value, c: Value) -> Value {
    let m = b.ins().bitcast(F64X2, lanes_flags(), mask);
    b.ins().bitselect(m, a, c)
}

fn cmp(b: &mut FunctionBuilder<'_>, cc: FloatCC, x: Value, y: Value) -> Value {
    b.ins().fcmp(cc, x, y)
}

/// `Env::samples`: `n = seconds · sr; if n > 1 { n } else { 1 }`.
fn samples(b: &mut FunctionBuilder<'_>, seconds: Value, sr: f64) -> Value {
    let srv = splat64(b, sr);
    let n = b.ins().fmul(seconds, srv);
    let one = splat64(b, 1.0);
    let m = cmp(b, FloatCC::GreaterThan, n, one);
    sel(b, m, n, one)
}

/// `x > 0` as a mask (NaN: false).
fn positive(b: &mut FunctionBuilder<'_>, x: Value) -> Value {
    let zero = splat64(b, 0.0);
    cmp(b, FloatCC::GreaterThan, x, zero)
}

fn is_stage(b: &mut FunctionBuilder<'_>, stage: Value, which: u8) -> Value {
    let w = splat64(b, f64::from(which));
    cmp(b, FloatCC::Equal, stage, w)
}

/// One step of a rising segment to 1 (`Env::attack_step`'s arithmetic): the new
/// level and stage. `step` is `1 / samples(attack)`; on arrival, `next` begins.
fn rise(b: &mut FunctionBuilder<'_>, level: Value, step: Value, next: u8) -> (Value, Value) {
    let one = splat64(b, 1.0);
    let arrived = splat64(b, ARRIVED);
    let l = b.ins().fadd(level, step);
    let slack = b.ins().fmul(arrived, step);
    let target = b.ins().fsub(one, slack);
    let m = cmp(b, FloatCC::GreaterThanOrEqual, l, target);
    let l = sel(b, m, one, l);
    let nx = splat64(b, f64::from(next));
    let a = splat64(b, f64::from(ATTACK));
    let st = sel(b, m, nx, a);
    (l, st)
}

/// One step of a falling linear segment to `floor` (`floor` 0 when `None`): `level -
/// step`, arriving when `<= floor + ARRIVED step` (`ARRIVED step` alone without a
/// floor, as the dsp writes it).
fn fall(
    b: &mut FunctionBuilder<'_>,
    level: Value,
    step: Value,
    floor: Option<Value>,
    stage: u8,
    next: u8,
) -> (Value, Value) {
    let arrived = splat64(b, ARRIVED);
    let l = b.ins().fsub(level, step);
    let slack = b.ins().fmul(arrived, step);
    let (limit, land) = match floor {
        Some(f) => (b.ins().fadd(f, slack), f),
        None => (slack, splat64(b, 0.0)),
    };
    let m = cmp(b, FloatCC::LessThanOrEqual, l, limit);
    let l = sel(b, m, land, l);
    let nx = splat64(b, f64::from(next));
    let cur = splat64(b, f64::from(stage));
    let st = sel(b, m, nx, cur);
    (l, st)
}

/// `dsp::env::ad`, one half: inputs attack, decay, trig.
fn ad(cx: &mut EmitCtx<'_, '_>, h: usize, sr: f64, x: [Value; 3]) -> Value {
    let [attack, decay, trig] = x;
    let level = cx.get(var(LEVEL, h));
    let stage = cx.get(var(STAGE, h));
    let b = &mut *cx.b;
    let t = positive(b, trig);
    let a = splat64(b, f64::from(ATTACK));
    let stage = sel(b, t, a, stage);
    let out = level;
    let is_a = is_stage(b, stage, ATTACK);
    let is_d = is_stage(b, stage, DECAY);
    let one = splat64(b, 1.0);
    let na = samples(b, attack, sr);
    let nd = samples(b, decay, sr);
    let step_a = b.ins().fdiv(one, na);
    let step_d = b.ins().fdiv(one, nd);
    let step = sel(b, is_a, step_a, step_d);
    let (la, sa) = rise(b, level, step, DECAY);
    let (ld, sd) = fall(b, level, step, None, DECAY, IDLE);
    let l = sel(b, is_d, ld, level);
    let l = sel(b, is_a, la, l);
    let s = sel(b, is_d, sd, stage);
    let s = sel(b, is_a, sa, s);
    cx.set(var(LEVEL, h), l);
    cx.set(var(STAGE, h), s);
    out
}

/// `dsp::env::adsr`, one half: inputs attack, decay, sustain, release, trig, gate.
fn adsr(cx: &mut EmitCtx<'_, '_>, h: usize, sr: f64, x: [Value; 6]) -> Value {
    let [attack, decay, sustain, release, trig, gate] = x;
    let level = cx.get(var(LEVEL, h));
    let stage = cx.get(var(STAGE, h));
    let release_from = cx.get(var(RELEASE_FROM, h));
    let was_up = cx.get(var(GATE_WAS_UP, h));
    let b = &mut *cx.b;
    // Triggers, rising gates, falling gates.
    let up = positive(b, gate);
    let was_up = b.ins().bitcast(I64X2, lanes_flags(), was_up);
    let t = positive(b, trig);
    let rising = b.ins().band_not(up, was_up);
    let start = b.ins().bor(t, rising);
    let idle = splat64(b, f64::from(IDLE));
    let rel = splat64(b, f64::from(RELEASE));
    let not_idle = cmp(b, FloatCC::GreaterThan, stage, idle);
    let not_rel = cmp(b, FloatCC::LessThan, stage, rel);
    let held = b.ins().band(not_idle, not_rel);
    let down_held = b.ins().band_not(held, up);
    let to_release = b.ins().band_not(down_held, start);
    let a = splat64(b, f64::from(ATTACK));
    let stage = sel(b, to_release, rel, stage);
    let stage = sel(b, start, a, stage);
    let release_from = sel(b, to_release, level, release_from);
    let up_bits = b.ins().bitcast(F64X2, lanes_flags(), up);
    // sus = if sustain > 0 { sustain.min(1) } else { 0 } (min: `x < 1 ? x : 1`,
    // equal for the non-NaN x that reach it).
    let one = splat64(b, 1.0);
    let zero = splat64(b, 0.0);
    let below_one = cmp(b, FloatCC::LessThan, sustain, one);
    let capped = sel(b, below_one, sustain, one);
    let pos = positive(b, sustain);
    let sus = sel(b, pos, capped, zero);
    let is_s = is_stage(b, stage, SUSTAIN);
    let level = sel(b, is_s, sus, level);
    let out = level;
    let is_a = is_stage(b, stage, ATTACK);
    let is_d = is_stage(b, stage, DECAY);
    let is_r = is_stage(b, stage, RELEASE);
    // The one step this stage uses: 1 / samples(attack), (1 - sus) /
    // samples(decay) or release_from / samples(release).
    let one_minus_sus = b.ins().fsub(one, sus);
    let na = samples(b, attack, sr);
    let nd = samples(b, decay, sr);
    let nr = samples(b, release, sr);
    let step_a = b.ins().fdiv(one, na);
    let step_d = b.ins().fdiv(one_minus_sus, nd);
    let step_r = b.ins().fdiv(release_from, nr);
    let step = sel(b, is_d, step_d, step_r);
    let step = sel(b, is_a, step_a, step);
    let (la, sa) = rise(b, level, step, DECAY);
    let (ld, sd) = fall(b, level, step, Some(sus), DECAY, SUSTAIN);
    let (lr, srl) = fall(b, level, step, None, RELEASE, IDLE);
    let l = sel(b, is_r, lr, level);
    let l = sel(b, is_d, ld, l);
    let l = sel(b, is_a, la, l);
    let s = sel(b, is_r, srl, stage);
    let s = sel(b, is_d, sd, s);
    let s = sel(b, is_a, sa, s);
    cx.set(var(LEVEL, h), l);
    cx.set(var(STAGE, h), s);
    cx.set(var(RELEASE_FROM, h), release_from);
    cx.set(var(GATE_WAS_UP, h), up_bits);
    out
}

/// `dsp::env::perc`, one half: `factor` is this half's decay factor, `trig` its
/// trigger.
fn perc(cx: &mut EmitCtx<'_, '_>, h: usize, sr: f64, factor: Value, trig: Value) -> Value {
    let level = cx.get(var(LEVEL, h));
    let stage = cx.get(var(STAGE, h));
    // `1 / samples(PERC_ATTACK)`, a constant of the sample rate, computed as the dsp
    // kernel computes it.
    let n = PERC_ATTACK as f64 * sr;
    let attack_step = 1.0 / if n > 1.0 { n } else { 1.0 };
    let b = &mut *cx.b;
    let t = positive(b, trig);
    let a = splat64(b, f64::from(ATTACK));
    let stage = sel(b, t, a, stage);
    let out = level;
    let is_a = is_stage(b, stage, ATTACK);
    let is_r = is_stage(b, stage, RELEASE);
    let step = splat64(b, attack_step);
    let (la, sa) = rise(b, level, step, RELEASE);
    let lr = b.ins().fmul(level, factor);
    let floor = splat64(b, PERC_FLOOR);
    let gone = cmp(b, FloatCC::LessThan, lr, floor);
    let zero = splat64(b, 0.0);
    let lr = sel(b, gone, zero, lr);
    let idle = splat64(b, f64::from(IDLE));
    let rel = splat64(b, f64::from(RELEASE));
    let sr_ = sel(b, gone, idle, rel);
    let l = sel(b, is_r, lr, level);
    let l = sel(b, is_a, la, l);
    let s = sel(b, is_r, sr_, stage);
    let s = sel(b, is_a, sa, s);
    cx.set(var(LEVEL, h), l);
    cx.set(var(STAGE, h), s);
    out
}
