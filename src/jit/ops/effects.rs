//! The emitters of [`crate::dsp::effects`]: delay, reverb, distortion, bit crusher,
//! chorus and compressor, each the twin of its `dsp` kernel operation for operation.
//!
//! Delay lines live in the kernel's per-lane memory (`cx.mem`: lane `l`'s block at
//! `base + l·stride`); their read and write indices are `i32x4` state (one index per
//! lane). A frame reads and writes each line with four scalar loads/stores at
//! addresses built from the extracted lane indices.
//!
//! Layouts (state variables in order; memory per lane):
//! - delay: `[write index]`; one line of `Delay::dims(sr, MAX_DELAY_SECONDS)` floats.
//! - reverb: `[8 comb positions, 8 comb low-pass stores, 4 all-pass positions, 8 comb
//!   lengths, 4 all-pass lengths]`, positions and lengths in bytes; the 12 lines one
//!   after the other, each with room for the longer (right-channel) tuning, so that
//!   every lane can run either channel: a lane's own line lengths are in its state
//!   (see [`ReverbEmitter`]).
//! - distortion: stateless.
//! - bitcrush: `[phase, held]` (the `dsp` kernel's step cache is not needed: the step
//!   is recomputed every frame, which gives the same values).
//! - chorus: `[write index, LFO phase of lanes 0-1 (f64x2), of lanes 2-3 (f64x2)]`; one
//!   line of `Chorus::dims(sr).3` floats.
//! - compressor: `[level]`.
//!
//! Channels: the reverb's line lengths and the chorus's starting phase depend on the
//! channel (0 left or mono, 1 right) that `dsp` gives the constructor. The lanes are
//! instances, so their emitters' `state` takes each lane's channel.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::types::{F32, F32X4, F64X2, I32X4, I64, I64X2};
use cranelift_codegen::ir::{Endianness, InstBuilder, MemFlagsData, Type, Value};
use cranelift_frontend::FunctionBuilder;

use crate::dsp::effects::{
    self as fx, Chorus, Compressor, Delay, Reverb, CHORUS_BASE, CHORUS_MAX_RATE, CHORUS_SWING,
    DELAY_LINE_LIMIT, MAX_DELAY_SECONDS, MAX_DRIVE, MIN_CRUSH_RATE, REVERB_INPUT_GAIN,
    REVERB_WET_GAIN,
};
use crate::ir::Op;
use crate::jit::approx::{self, select, splat, splat_i32};
use crate::jit::kernel::{EmitCtx, Emitter, StateInit};
use crate::jit::mem_flags;

/// `n` floats in bytes, as an `i32` (line lengths are far below 2^29 floats).
fn bytes(n: usize) -> i32 {
    i32::try_from(n * 4).unwrap_or(i32::MAX)
}

/// The reverb's lines in memory: byte offset of each comb and each all-pass line in a
/// lane's block, and the block's size (room for the longer tunings of either channel).
fn reverb_layout(sample_rate: f32) -> ([i32; 8], [i32; 4], usize) {
    let (l_combs, l_aps) = Reverb::line_lengths(sample_rate, 0);
    let (r_combs, r_aps) = Reverb::line_lengths(sample_rate, 1);
    let mut at = 0usize;
    let mut place = |len: usize| {
        let here = at;
        at += len * 4;
        i32::try_from(here).unwrap_or(i32::MAX)
    };
    let combs: [i32; 8] = std::array::from_fn(|c| place(l_combs[c].max(r_combs[c])));
    let aps: [i32; 4] = std::array::from_fn(|a| place(l_aps[a].max(r_aps[a])));
    (combs, aps, at)
}

/// `delay`. State: `[write index]`; memory: one line of
/// `Delay::dims(sr, MAX_DELAY_SECONDS)` floats.
pub struct DelayEmitter;

impl Emitter for DelayEmitter {
    fn state(&self, _op: Op, _lanes: &[Op; 4], _channels: [usize; 4], _sr: f32) -> Vec<StateInit> {
        vec![StateInit::I32([0; 4])]
    }

    fn memory_bytes(&self, sr: f32) -> usize {
        Delay::dims(sr, MAX_DELAY_SECONDS).2 * 4
    }

    fn emit(&self, cx: &mut EmitCtx<'_, '_>, x: &[Value]) -> Option<Value> {
        delay(cx, arg(x, 0)?, arg(x, 1)?, arg(x, 2)?, arg(x, 3)?)
    }
}

/// `reverb`. The line lengths depend on the lane's channel (see the module
/// documentation); the memory layout does not, so any lane can run any channel.
pub struct ReverbEmitter;

impl Emitter for ReverbEmitter {
    fn state(&self, _op: Op, _lanes: &[Op; 4], channels: [usize; 4], sr: f32) -> Vec<StateInit> {
        let lengths = channels.map(|c| Reverb::line_lengths(sr, c));
        let mut v = vec![StateInit::I32([0; 4]); 8];
        v.extend([StateInit::F32([0.0; 4]); 8]);
        v.extend([StateInit::I32([0; 4]); 4]);
        for c in 0..8 {
            v.push(StateInit::I32(lengths.map(|(combs, _)| bytes(combs[c]))));
        }
        for a in 0..4 {
            v.push(StateInit::I32(lengths.map(|(_, aps)| bytes(aps[a]))));
        }
        v
    }

    fn memory_bytes(&self, sr: f32) -> usize {
        reverb_layout(sr).2
    }

    fn emit(&self, cx: &mut EmitCtx<'_, '_>, x: &[Value]) -> Option<Value> {
        reverb(cx, arg(x, 0)?, arg(x, 1)?, arg(x, 2)?, arg(x, 3)?)
    }
}

/// `distortion`: stateless.
pub struct DistortionEmitter;

impl Emitter for DistortionEmitter {
    fn emit(&self, cx: &mut EmitCtx<'_, '_>, x: &[Value]) -> Option<Value> {
        Some(distortion(cx.b, arg(x, 0)?, arg(x, 1)?, arg(x, 2)?))
    }
}

/// `shape`: stateless.
pub struct ShapeEmitter;

impl Emitter for ShapeEmitter {
    fn emit(&self, cx: &mut EmitCtx<'_, '_>, x: &[Value]) -> Option<Value> {
        Some(shape(cx.b, arg(x, 0)?, arg(x, 1)?))
    }
}

/// `bitcrush`. State: `[phase, held]`.
pub struct BitcrushEmitter;

impl Emitter for BitcrushEmitter {
    fn state(&self, _op: Op, _lanes: &[Op; 4], _channels: [usize; 4], _sr: f32) -> Vec<StateInit> {
        vec![StateInit::F32([1.0; 4]), StateInit::F32([0.0; 4])]
    }

    fn emit(&self, cx: &mut EmitCtx<'_, '_>, x: &[Value]) -> Option<Value> {
        Some(bitcrush(cx, arg(x, 0)?, arg(x, 1)?, arg(x, 2)?))
    }
}

/// `chorus`. State: `[write index, LFO phase of lanes 0-1, of lanes 2-3]`, the
/// starting phase from the lane's channel; memory: one line.
pub struct ChorusEmitter;

impl Emitter for ChorusEmitter {
    fn state(&self, _op: Op, _lanes: &[Op; 4], channels: [usize; 4], _sr: f32) -> Vec<StateInit> {
        let p = channels.map(Chorus::initial_phase);
        vec![
            StateInit::I32([0; 4]),
            StateInit::F64([p[0], p[1]]),
            StateInit::F64([p[2], p[3]]),
        ]
    }

    fn memory_bytes(&self, sr: f32) -> usize {
        Chorus::dims(sr).3 * 4
    }

    fn emit(&self, cx: &mut EmitCtx<'_, '_>, x: &[Value]) -> Option<Value> {
        chorus(cx, arg(x, 0)?, arg(x, 1)?, arg(x, 2)?, arg(x, 3)?)
    }
}

/// `compressor`. State: `[level]`.
pub struct CompressorEmitter;

impl Emitter for CompressorEmitter {
    fn state(&self, _op: Op, _lanes: &[Op; 4], _channels: [usize; 4], _sr: f32) -> Vec<StateInit> {
        vec![StateInit::F32([0.0; 4])]
    }

    fn emit(&self, cx: &mut EmitCtx<'_, '_>, x: &[Value]) -> Option<Value> {
        Some(compressor(cx, arg(x, 0)?, arg(x, 1)?, arg(x, 2)?))
    }
}

fn arg(x: &[Value], k: usize) -> Option<Value> {
    x.get(k).copied()
}

// ---------------------------------------------------------------------------------
// Helpers

fn little() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

fn cast(b: &mut FunctionBuilder<'_>, ty: Type, v: Value) -> Value {
    b.ins().bitcast(ty, little(), v)
}

/// `dsp::effects::clamp`: `if v > lo { v.min(hi) } else { lo }` (NaN gives `lo`). The
/// `min` is a compare and select: `v` is not NaN there, and no bound is a zero, so it
/// is Rust's `min` exactly (and cheaper than Cranelift's IEEE `fmin`).
fn clamp(b: &mut FunctionBuilder<'_>, v: Value, lo: f32, hi: f32) -> Value {
    let lov = splat(b, lo);
    let capped = if hi == f32::INFINITY {
        v
    } else {
        let hiv = splat(b, hi);
        let under = approx::lt(b, v, hiv);
        select(b, under, v, hiv)
    };
    let above = approx::gt(b, v, lov);
    select(b, above, capped, lov)
}

/// `(1 - mix)·x + mix·wet`, mix already clamped.
fn blend(b: &mut FunctionBuilder<'_>, x: Value, wet: Value, mix: Value) -> Value {
    let one = splat(b, 1.0);
    let dry = b.ins().fsub(one, mix);
    let dry = b.ins().fmul(dry, x);
    let w = b.ins().fmul(mix, wet);
    b.ins().fadd(dry, w)
}

/// The start of each lane's memory block.
fn lane_bases(cx: &mut EmitCtx<'_, '_>) -> Option<[Value; 4]> {
    let (base, stride) = cx.mem?;
    let b = &mut *cx.b;
    Some([
        base,
        b.ins().iadd_imm_s(base, stride),
        b.ins().iadd_imm_s(base, stride * 2),
        b.ins().iadd_imm_s(base, stride * 3),
    ])
}

/// Per lane, the lane's base plus the lane's byte offset in `offsets` (an `i32x4` of
/// non-negative offsets).
fn addresses(b: &mut FunctionBuilder<'_>, bases: &[Value; 4], offsets: Value) -> [Value; 4] {
    std::array::from_fn(|l| {
        let o = b.ins().extractlane(offsets, l as u8);
        let o = b.ins().uextend(I64, o);
        b.ins().iadd(bases[l], o)
    })
}

/// Loads one float per lane at `addrs[l] + offset` into an `f32x4`.
fn gather(b: &mut FunctionBuilder<'_>, addrs: &[Value; 4], offset: i32) -> Value {
    let x0 = b.ins().load(F32, mem_flags(), addrs[0], offset);
    let mut v = b.ins().scalar_to_vector(F32X4, x0);
    for (l, &a) in addrs.iter().enumerate().skip(1) {
        let x = b.ins().load(F32, mem_flags(), a, offset);
        v = b.ins().insertlane(v, x, l as u8);
    }
    v
}

/// Stores lane `l` of `v` at `addrs[l] + offset`.
fn scatter(b: &mut FunctionBuilder<'_>, addrs: &[Value; 4], offset: i32, v: Value) {
    for (l, &a) in addrs.iter().enumerate() {
        let x = b.ins().extractlane(v, l as u8);
        b.ins().store(mem_flags(), x, a, offset);
    }
}

/// `i + step`, back to 0 where that reaches `len` (lane by lane).
fn advance(b: &mut FunctionBuilder<'_>, i: Value, step: i32, len: Value) -> Value {
    let s = splat_i32(b, step);
    let next = b.ins().iadd(i, s);
    let inside = b.ins().icmp(IntCC::SignedLessThan, next, len);
    b.ins().band(next, inside)
}

/// `v + len` where `v < 0`.
fn wrap_negative(b: &mut FunctionBuilder<'_>, v: Value, len: Value) -> Value {
    let zero = splat_i32(b, 0);
    let neg = b.ins().icmp(IntCC::SignedLessThan, v, zero);
    let add = b.ins().band(neg, len);
    b.ins().iadd(v, add)
}

/// `dsp::effects::read_frac` on a line of `len` floats starting at byte `offset` of
/// each lane's block: `d` samples (`1 <= d <= len - 2`) behind the write index `w`.
fn read_frac(
    b: &mut FunctionBuilder<'_>,
    bases: &[Value; 4],
    w: Value,
    d: Value,
    len: Value,
    offset: i32,
) -> Value {
    let whole = b.ins().fcvt_to_sint_sat(I32X4, d);
    let wf = b.ins().fcvt_from_sint(F32X4, whole);
    let frac = b.ins().fsub(d, wf);
    let r0 = b.ins().isub(w, whole);
    let r0 = wrap_negative(b, r0, len);
    let one = splat_i32(b, 1);
    let r1 = b.ins().isub(r0, one);
    let r1 = wrap_negative(b, r1, len);
    let o0 = b.ins().ishl_imm_u(r0, 2);
    let o1 = b.ins().ishl_imm_u(r1, 2);
    let a0 = addresses(b, bases, o0);
    let a1 = addresses(b, bases, o1);
    let x0 = gather(b, &a0, offset);
    let x1 = gather(b, &a1, offset);
    let diff = b.ins().fsub(x1, x0);
    let t = b.ins().fmul(frac, diff);
    b.ins().fadd(x0, t)
}

/// `line[w] = v` on a line starting at byte `offset`.
fn write(b: &mut FunctionBuilder<'_>, bases: &[Value; 4], w: Value, offset: i32, v: Value) {
    let o = b.ins().ishl_imm_u(w, 2);
    let a = addresses(b, bases, o);
    scatter(b, &a, offset, v);
}

// ---------------------------------------------------------------------------------
// Kernels

fn distortion(b: &mut FunctionBuilder<'_>, x: Value, drive: Value, mix: Value) -> Value {
    let dr = clamp(b, drive, 0.0, MAX_DRIVE);
    let y = b.ins().fmul(dr, x);
    let wet = approx::tanh(b, y);
    let m = clamp(b, mix, 0.0, 1.0);
    blend(b, x, wet, m)
}

/// `dsp::effects::shape_sample`: `(1 + k)·x / (1 + k·|x|)` with `k = 2a / (1 - a)`
/// where `0 < a < 1`, else `x` (the same operations in the same order; lanes outside
/// the range compute a value that the select drops).
fn shape(b: &mut FunctionBuilder<'_>, x: Value, a: Value) -> Value {
    let zero = splat(b, 0.0);
    let one = splat(b, 1.0);
    let two = splat(b, 2.0);
    let above = approx::gt(b, a, zero);
    let below = approx::lt(b, a, one);
    let inside = b.ins().band(above, below);
    let num = b.ins().fmul(two, a);
    let den = b.ins().fsub(one, a);
    let k = b.ins().fdiv(num, den);
    let gain = b.ins().fadd(one, k);
    let top = b.ins().fmul(gain, x);
    let mag = b.ins().fabs(x);
    let km = b.ins().fmul(k, mag);
    let bottom = b.ins().fadd(one, km);
    let y = b.ins().fdiv(top, bottom);
    select(b, inside, y, x)
}

fn bitcrush(cx: &mut EmitCtx<'_, '_>, x: Value, bits: Value, rate: Value) -> Value {
    let phase = cx.get(0);
    let held = cx.get(1);
    let b = &mut *cx.b;
    let one = splat(b, 1.0);
    let take = b.ins().fcmp(FloatCC::GreaterThanOrEqual, phase, one);
    let dropped = b.ins().fsub(phase, one);
    let phase = select(b, take, dropped, phase);
    let held = select(b, take, x, held);
    let r = clamp(b, rate, MIN_CRUSH_RATE, 1.0);
    let phase = b.ins().fadd(phase, r);
    let bc = clamp(b, bits, 1.0, 24.0);
    let e = b.ins().fsub(one, bc);
    let step = approx::exp2(b, e);
    let q = b.ins().fdiv(held, step);
    let half = splat(b, 0.5);
    let q = b.ins().fadd(q, half);
    let q = approx::floor(b, q);
    let out = b.ins().fmul(q, step);
    cx.set(0, phase);
    cx.set(1, held);
    out
}

fn compressor(cx: &mut EmitCtx<'_, '_>, x: Value, threshold: Value, ratio: Value) -> Value {
    let (attack, release) = Compressor::coefs(cx.sample_rate);
    let level = cx.get(0);
    let b = &mut *cx.b;
    let r = b.ins().fabs(x);
    let rising = approx::gt(b, r, level);
    let av = splat(b, attack);
    let rv = splat(b, release);
    let c = select(b, rising, av, rv);
    let t = b.ins().fsub(level, r);
    let t = b.ins().fmul(c, t);
    let level = b.ins().fadd(r, t);
    // Not finite (NaN or infinite): back to 0.
    let mag = b.ins().fabs(level);
    let inf = splat(b, f32::INFINITY);
    let finite = approx::lt(b, mag, inf);
    let zero = splat(b, 0.0);
    let level = select(b, finite, level, zero);
    let db = approx::gain_to_db(b, level);
    let th = clamp(b, threshold, -200.0, 200.0);
    let over = b.ins().fsub(db, th);
    let ra = clamp(b, ratio, 1.0, f32::INFINITY);
    let one = splat(b, 1.0);
    let inv = b.ins().fdiv(one, ra);
    let slope = b.ins().fsub(one, inv);
    let red = b.ins().fmul(slope, over);
    let red = b.ins().fneg(red);
    let g = approx::db_to_gain(b, red);
    let y = b.ins().fmul(x, g);
    let compress = approx::gt(b, over, zero);
    let out = select(b, compress, y, x);
    cx.set(0, level);
    out
}

/// `dsp::effects::limit_line`: clamped to ±`DELAY_LINE_LIMIT`, NaN to 0.
fn limit_line(b: &mut FunctionBuilder<'_>, v: Value) -> Value {
    let hi = splat(b, DELAY_LINE_LIMIT);
    let lo = splat(b, -DELAY_LINE_LIMIT);
    let zero = splat(b, 0.0);
    let under = approx::lt(b, v, hi);
    let capped = select(b, under, v, hi);
    let low = b.ins().fcmp(FloatCC::LessThanOrEqual, v, lo);
    let other = select(b, low, lo, zero);
    let above = approx::gt(b, v, lo);
    select(b, above, capped, other)
}

fn delay(
    cx: &mut EmitCtx<'_, '_>,
    x: Value,
    time: Value,
    feedback: Value,
    mix: Value,
) -> Option<Value> {
    let (sr, max_delay, len) = Delay::dims(cx.sample_rate, MAX_DELAY_SECONDS);
    let bases = lane_bases(cx)?;
    let w = cx.get(0);
    let b = &mut *cx.b;
    let lenv = splat_i32(b, i32::try_from(len).ok()?);
    let srv = splat(b, sr);
    let ds = b.ins().fmul(time, srv);
    let d = clamp(b, ds, 1.0, max_delay);
    let wet = read_frac(b, &bases, w, d, lenv, 0);
    let fb = clamp(b, feedback, -1.0, 1.0);
    let t = b.ins().fmul(fb, wet);
    let t = b.ins().fadd(x, t);
    let v = limit_line(b, t);
    write(b, &bases, w, 0, v);
    let w = advance(b, w, 1, lenv);
    let m = clamp(b, mix, 0.0, 1.0);
    let out = blend(b, x, wet, m);
    cx.set(0, w);
    Some(out)
}

/// `p - trunc(p)` where `p >= 1`, else `p`, on an `f64x2` of finite phases below
/// 2^51: the integer part is found by rounding with 2^52 and correcting downwards,
/// which is the truncation for positive `p` (Rust's `p as i64`).
fn wrap_phase(b: &mut FunctionBuilder<'_>, p: Value) -> Value {
    let f64x2 = |b: &mut FunctionBuilder<'_>, x: f64| {
        let s = b.ins().f64const(x);
        b.ins().splat(F64X2, s)
    };
    let one = f64x2(b, 1.0);
    let magic = f64x2(b, 4_503_599_627_370_496.0);
    let t = b.ins().fadd(p, magic);
    let t = b.ins().fsub(t, magic);
    let went_up = b.ins().fcmp(FloatCC::GreaterThan, t, p);
    let t1 = b.ins().fsub(t, one);
    let went_up = cast(b, F64X2, went_up);
    let whole = b.ins().bitselect(went_up, t1, t);
    let wrapped = b.ins().fsub(p, whole);
    let past = b.ins().fcmp(FloatCC::GreaterThanOrEqual, p, one);
    let past = cast(b, F64X2, past);
    b.ins().bitselect(past, wrapped, p)
}

fn chorus(
    cx: &mut EmitCtx<'_, '_>,
    x: Value,
    rate: Value,
    depth: Value,
    mix: Value,
) -> Option<Value> {
    let (sr, inv_rate, max_delay, len) = Chorus::dims(cx.sample_rate);
    let bases = lane_bases(cx)?;
    let w = cx.get(0);
    let ph_lo = cx.get(1);
    let ph_hi = cx.get(2);
    let b = &mut *cx.b;
    let lenv = splat_i32(b, i32::try_from(len).ok()?);
    // `phase as f32` for the four lanes: two demotions joined into one vector.
    let lo = b.ins().fvdemote(ph_lo);
    let hi = b.ins().fvdemote(ph_hi);
    let lo = cast(b, I64X2, lo);
    let hi = cast(b, I64X2, hi);
    let hi0 = b.ins().extractlane(hi, 0);
    let joined = b.ins().insertlane(lo, hi0, 1);
    let phase = cast(b, F32X4, joined);
    let lfo = approx::sin_turns(b, phase);
    let dep = clamp(b, depth, 0.0, 1.0);
    let swing = splat(b, CHORUS_SWING);
    let s = b.ins().fmul(swing, dep);
    let s = b.ins().fmul(s, lfo);
    let base = splat(b, CHORUS_BASE);
    let seconds = b.ins().fadd(base, s);
    let srv = splat(b, sr);
    let ds = b.ins().fmul(seconds, srv);
    let d = clamp(b, ds, 1.0, max_delay);
    let wet = read_frac(b, &bases, w, d, lenv, 0);
    write(b, &bases, w, 0, x);
    let w = advance(b, w, 1, lenv);
    // The phase increments `rate as f64 * inv_rate`, lanes 0-1 then lanes 2-3.
    let r = clamp(b, rate, 0.0, CHORUS_MAX_RATE);
    let r_lo = b.ins().fvpromote_low(r);
    let r64 = cast(b, I64X2, r);
    let upper = b.ins().extractlane(r64, 1);
    let upper = b.ins().splat(I64X2, upper);
    let upper = cast(b, F32X4, upper);
    let r_hi = b.ins().fvpromote_low(upper);
    let inv = b.ins().f64const(inv_rate);
    let inv = b.ins().splat(F64X2, inv);
    let inc_lo = b.ins().fmul(r_lo, inv);
    let inc_hi = b.ins().fmul(r_hi, inv);
    let p_lo = b.ins().fadd(ph_lo, inc_lo);
    let p_hi = b.ins().fadd(ph_hi, inc_hi);
    let p_lo = wrap_phase(b, p_lo);
    let p_hi = wrap_phase(b, p_hi);
    let m = clamp(b, mix, 0.0, 1.0);
    let out = blend(b, x, wet, m);
    cx.set(0, w);
    cx.set(1, p_lo);
    cx.set(2, p_hi);
    Some(out)
}

fn reverb(
    cx: &mut EmitCtx<'_, '_>,
    x: Value,
    room: Value,
    damp: Value,
    mix: Value,
) -> Option<Value> {
    let (comb_at, ap_at, _) = reverb_layout(cx.sample_rate);
    let bases = lane_bases(cx)?;
    let gain = splat(cx.b, REVERB_INPUT_GAIN);
    let fed = cx.b.ins().fmul(x, gain);
    let rc = clamp(cx.b, room, 0.0, 1.0);
    let k = splat(cx.b, 0.28);
    let t = cx.b.ins().fmul(k, rc);
    let base_fb = splat(cx.b, 0.7);
    let fb = cx.b.ins().fadd(base_fb, t);
    let dc = clamp(cx.b, damp, 0.0, 1.0);
    let k = splat(cx.b, 0.4);
    let d1 = cx.b.ins().fmul(k, dc);
    let one = splat(cx.b, 1.0);
    let keep = cx.b.ins().fsub(one, d1);
    let mut acc = splat(cx.b, 0.0);
    for (c, &at) in comb_at.iter().enumerate() {
        let pos = cx.get(c);
        let store = cx.get(8 + c);
        let len = cx.get(20 + c);
        let b = &mut *cx.b;
        let addrs = addresses(b, &bases, pos);
        let y = gather(b, &addrs, at);
        let t0 = b.ins().fmul(y, keep);
        let t1 = b.ins().fmul(store, d1);
        let store = b.ins().fadd(t0, t1);
        let t = b.ins().fmul(store, fb);
        let cell = b.ins().fadd(fed, t);
        scatter(b, &addrs, at, cell);
        acc = b.ins().fadd(acc, y);
        let pos = advance(b, pos, 4, len);
        cx.set(c, pos);
        cx.set(8 + c, store);
    }
    for (a, &at) in ap_at.iter().enumerate() {
        let pos = cx.get(16 + a);
        let len = cx.get(28 + a);
        let b = &mut *cx.b;
        let addrs = addresses(b, &bases, pos);
        let bv = gather(b, &addrs, at);
        let o = b.ins().fsub(bv, acc);
        let g = splat(b, fx::ALLPASS_FEEDBACK);
        let t = b.ins().fmul(g, bv);
        let cell = b.ins().fadd(acc, t);
        scatter(b, &addrs, at, cell);
        acc = o;
        let pos = advance(b, pos, 4, len);
        cx.set(16 + a, pos);
    }
    let b = &mut *cx.b;
    let wg = splat(b, REVERB_WET_GAIN);
    let wet = b.ins().fmul(acc, wg);
    let m = clamp(b, mix, 0.0, 1.0);
    Some(blend(b, x, wet, m))
}
