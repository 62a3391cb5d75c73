//! [`crate::dsp::approx`] in Cranelift IR, on `f32x4` vectors.
//!
//! Each function emits exactly the operations of its Rust twin, in the same order
//! (Horner's rule as written there, the same constants rounded to f32 the same way),
//! so the JIT and the interpreter compute the same bits for finite inputs. The tests
//! run both over grids of inputs and compare bit for bit.

use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::types::{F32X4, I32X4};
use cranelift_codegen::ir::{Endianness, InstBuilder, MemFlagsData, Value};
use cranelift_frontend::FunctionBuilder;

/// An `f32x4` with `x` in every lane.
pub fn splat(b: &mut FunctionBuilder<'_>, x: f32) -> Value {
    let s = b.ins().f32const(x);
    b.ins().splat(F32X4, s)
}

/// An `i32x4` with `x` in every lane.
pub fn splat_i32(b: &mut FunctionBuilder<'_>, x: i32) -> Value {
    let s = b
        .ins()
        .iconst(cranelift_codegen::ir::types::I32, i64::from(x));
    b.ins().splat(I32X4, s)
}

fn lanes() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

/// Reinterprets the bits of an `i32x4` as an `f32x4`.
pub fn as_f32x4(b: &mut FunctionBuilder<'_>, v: Value) -> Value {
    b.ins().bitcast(F32X4, lanes(), v)
}

/// Reinterprets the bits of an `f32x4` as an `i32x4`.
pub fn as_i32x4(b: &mut FunctionBuilder<'_>, v: Value) -> Value {
    b.ins().bitcast(I32X4, lanes(), v)
}

/// Lane by lane `if cond { a } else { c }`, `cond` being a comparison's mask.
pub fn select(b: &mut FunctionBuilder<'_>, mask: Value, a: Value, c: Value) -> Value {
    let m = as_f32x4(b, mask);
    b.ins().bitselect(m, a, c)
}

/// `x > y` as a mask.
pub fn gt(b: &mut FunctionBuilder<'_>, x: Value, y: Value) -> Value {
    b.ins().fcmp(FloatCC::GreaterThan, x, y)
}

/// `x < y` as a mask.
pub fn lt(b: &mut FunctionBuilder<'_>, x: Value, y: Value) -> Value {
    b.ins().fcmp(FloatCC::LessThan, x, y)
}

/// `approx::floor`: truncation, then one less where that went up.
pub fn floor(b: &mut FunctionBuilder<'_>, x: Value) -> Value {
    let i = b.ins().fcvt_to_sint_sat(I32X4, x);
    let t = b.ins().fcvt_from_sint(F32X4, i);
    let one = splat(b, 1.0);
    let t1 = b.ins().fsub(t, one);
    let m = gt(b, t, x);
    select(b, m, t1, t)
}

/// Evaluates `c[0] + v·(c[1] + v·(… + v·c[n-1]))` as the Rust code writes it.
fn horner(b: &mut FunctionBuilder<'_>, v: Value, c: &[f32]) -> Value {
    let Some((&last, rest)) = c.split_last() else {
        return splat(b, 0.0);
    };
    let mut acc = splat(b, last);
    for &k in rest.iter().rev() {
        let t = b.ins().fmul(v, acc);
        let kk = splat(b, k);
        acc = b.ins().fadd(kk, t);
    }
    acc
}

/// `approx::sin_turns`.
pub fn sin_turns(b: &mut FunctionBuilder<'_>, x: Value) -> Value {
    let half = splat(b, 0.5);
    let xh = b.ins().fadd(x, half);
    let fl = floor(b, xh);
    let r0 = b.ins().fsub(x, fl);
    let q = splat(b, 0.25);
    let nq = splat(b, -0.25);
    let nhalf = splat(b, -0.5);
    let up = b.ins().fsub(half, r0);
    let down = b.ins().fsub(nhalf, r0);
    let m_low = lt(b, r0, nq);
    let lowered = select(b, m_low, down, r0);
    let m_high = gt(b, r0, q);
    let r = select(b, m_high, up, lowered);
    let r2 = b.ins().fmul(r, r);
    let p = horner(b, r2, &crate::dsp::approx::SIN_C);
    b.ins().fmul(r, p)
}

#[cfg(any(test, feature = "testing"))]
/// `approx::cos_turns`.
pub fn cos_turns(b: &mut FunctionBuilder<'_>, x: Value) -> Value {
    let q = splat(b, 0.25);
    let y = b.ins().fadd(x, q);
    sin_turns(b, y)
}

/// `approx::exp2`.
pub fn exp2(b: &mut FunctionBuilder<'_>, x: Value) -> Value {
    let lo = splat(b, -126.0);
    let hi = splat(b, 127.0);
    let capped = b.ins().fmin(x, hi);
    let above = gt(b, x, lo);
    let x = select(b, above, capped, lo);
    let half = splat(b, 0.5);
    let xh = b.ins().fadd(x, half);
    let i = floor(b, xh);
    let f = b.ins().fsub(x, i);
    let mut c = vec![1.0f32];
    c.extend_from_slice(&crate::dsp::approx::EXP2_C);
    let p = horner(b, f, &c);
    let ii = b.ins().fcvt_to_sint_sat(I32X4, i);
    let bias = splat_i32(b, 127);
    let ii = b.ins().iadd(ii, bias);
    let one = splat_i32(b, 1);
    let top = splat_i32(b, 254);
    let ii = b.ins().smax(ii, one);
    let ii = b.ins().smin(ii, top);
    let bits = b.ins().ishl_imm_u(ii, 23);
    let scale = as_f32x4(b, bits);
    b.ins().fmul(p, scale)
}

#[cfg(any(test, feature = "testing"))]
/// `approx::exp`.
pub fn exp(b: &mut FunctionBuilder<'_>, x: Value) -> Value {
    let k = splat(b, std::f32::consts::LOG2_E);
    let y = b.ins().fmul(x, k);
    exp2(b, y)
}

/// `approx::log2`.
pub fn log2(b: &mut FunctionBuilder<'_>, x: Value) -> Value {
    let bits = as_i32x4(b, x);
    let e = b.ins().ushr_imm_u(bits, 23);
    let ff = splat_i32(b, 0xff);
    let e = b.ins().band(e, ff);
    let bias = splat_i32(b, 127);
    let e = b.ins().isub(e, bias);
    let ef = b.ins().fcvt_from_sint(F32X4, e);
    let mant_mask = splat_i32(b, 0x007f_ffff);
    let one_bits = splat_i32(b, 0x3f80_0000);
    let mb = b.ins().band(bits, mant_mask);
    let mb = b.ins().bor(mb, one_bits);
    let m = as_f32x4(b, mb);
    let one = splat(b, 1.0);
    let num = b.ins().fsub(m, one);
    let den = b.ins().fadd(m, one);
    let s = b.ins().fdiv(num, den);
    let s2 = b.ins().fmul(s, s);
    let series = horner(b, s2, &crate::dsp::approx::LOG_SERIES);
    let atanh = b.ins().fmul(s, series);
    let k = splat(b, 2.0 / std::f64::consts::LN_2 as f32);
    let t = b.ins().fmul(atanh, k);
    let y = b.ins().fadd(ef, t);
    let min = splat(b, f32::MIN_POSITIVE);
    let bad = b.ins().fcmp(FloatCC::UnorderedOrLessThan, x, min);
    let floor_value = splat(b, -126.0);
    select(b, bad, floor_value, y)
}

/// `approx::tanh`.
pub fn tanh(b: &mut FunctionBuilder<'_>, x: Value) -> Value {
    let lo = splat(b, -9.0);
    let hi = splat(b, 9.0);
    let capped = b.ins().fmin(x, hi);
    let above = gt(b, x, lo);
    let x = select(b, above, capped, lo);
    let k = splat(b, 2.0 * std::f32::consts::LOG2_E);
    let y = b.ins().fmul(x, k);
    let e = exp2(b, y);
    let one = splat(b, 1.0);
    let num = b.ins().fsub(e, one);
    let den = b.ins().fadd(e, one);
    b.ins().fdiv(num, den)
}

/// `approx::tan_pi`.
pub fn tan_pi(b: &mut FunctionBuilder<'_>, x: Value) -> Value {
    let zero = splat(b, 0.0);
    let hi = splat(b, 0.499);
    let capped = b.ins().fmin(x, hi);
    let above = gt(b, x, zero);
    let x = select(b, above, capped, zero);
    let half = splat(b, 0.5);
    let h = b.ins().fmul(half, x);
    let s = sin_turns(b, h);
    let q = splat(b, 0.25);
    let hq = b.ins().fadd(h, q);
    let c = sin_turns(b, hq);
    b.ins().fdiv(s, c)
}

/// `approx::mtof`.
pub fn mtof(b: &mut FunctionBuilder<'_>, m: Value) -> Value {
    let a = splat(b, 69.0);
    let d = b.ins().fsub(m, a);
    let k = splat(b, 1.0 / 12.0);
    let y = b.ins().fmul(d, k);
    let e = exp2(b, y);
    let base = splat(b, 440.0);
    b.ins().fmul(base, e)
}

/// `approx::db_to_gain`.
pub fn db_to_gain(b: &mut FunctionBuilder<'_>, db: Value) -> Value {
    let k = splat(b, std::f32::consts::LOG2_10 / 20.0);
    let y = b.ins().fmul(db, k);
    exp2(b, y)
}

/// `approx::gain_to_db`.
pub fn gain_to_db(b: &mut FunctionBuilder<'_>, g: Value) -> Value {
    let l = log2(b, g);
    let k = splat(b, 20.0 / std::f32::consts::LOG2_10);
    b.ins().fmul(l, k)
}
