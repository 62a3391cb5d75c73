//! The emitters of `dsp::filter`: the state-variable filter (`lpf hpf bpf notch`)
//! and the Moog ladder, four instances in the four lanes of `f32x4` vectors.
//!
//! Each is `dsp::filter::svf` / `dsp::filter::moog` operation for operation. The
//! interpreter caches the coefficients while (cutoff, q) stay unchanged; they are a
//! pure function of those two values, so recomputing them every sample here gives
//! the same bits. The clamps (`if x > lo { x.min(hi) } else { lo }`) are two
//! compares and two selects: `x < hi ? x : hi` equals `x.min(hi)` once `x > lo`
//! has excluded NaN, and avoids Cranelift's NaN-propagating `fmin` sequence.
//! The reset of a non-finite state happens once per block, after the frame loop,
//! lane by lane, as in the dsp kernel. At the usual sample rates the prewarp's
//! `tan_pi` skips the steps that are identities for a clamped cutoff
//! ([`tan_pi_in_range`], same bits); all of it is recomputed every sample, so a
//! cutoff modulated at audio rate costs nothing more than a constant one.

use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::{InstBuilder, Value};
use cranelift_frontend::FunctionBuilder;

use crate::dsp::filter::{SvfMode, MAX_CUTOFF_RATIO, MAX_Q, MAX_RESONANCE, MIN_CUTOFF, MIN_Q};
use crate::dsp::osc::sane_sample_rate;
use crate::ir::Op;
use crate::jit::approx::{self, gt, lt, select, splat};
use crate::jit::kernel::{EmitCtx, Emitter, StateInit};

/// The state-variable filter in one of its modes. State: `ic1eq`, `ic2eq`, from 0.
pub struct Svf(pub SvfMode);

impl Emitter for Svf {
    fn state(&self, _op: Op, _lanes: &[Op; 4], _channels: [usize; 4], _sr: f32) -> Vec<StateInit> {
        vec![StateInit::F32([0.0; 4]); 2]
    }

    fn emit(&self, cx: &mut EmitCtx<'_, '_>, inputs: &[Value]) -> Option<Value> {
        let (v0, fc, q) = (*inputs.first()?, *inputs.get(1)?, *inputs.get(2)?);
        Some(svf(cx, self.0, v0, fc, q))
    }

    fn end_of_block(&self, cx: &mut EmitCtx<'_, '_>) {
        reset_non_finite(cx, 2);
    }
}

/// The Moog ladder. State: `s1..s4`, from 0.
pub struct Moog;

impl Emitter for Moog {
    fn state(&self, _op: Op, _lanes: &[Op; 4], _channels: [usize; 4], _sr: f32) -> Vec<StateInit> {
        vec![StateInit::F32([0.0; 4]); 4]
    }

    fn emit(&self, cx: &mut EmitCtx<'_, '_>, inputs: &[Value]) -> Option<Value> {
        let (x, fc, r) = (*inputs.first()?, *inputs.get(1)?, *inputs.get(2)?);
        Some(moog(cx, x, fc, r))
    }

    fn end_of_block(&self, cx: &mut EmitCtx<'_, '_>) {
        reset_non_finite(cx, 4);
    }
}

/// Resets, lane by lane, a state with any non-finite variable among its first `n`
/// to 0.
fn reset_non_finite(cx: &mut EmitCtx<'_, '_>, n: usize) {
    let vals: Vec<Value> = (0..n).map(|k| cx.get(k)).collect();
    let inf = splat(cx.b, f32::INFINITY);
    let mut all_finite = None;
    for &v in &vals {
        let a = cx.b.ins().fabs(v);
        let m = cx.b.ins().fcmp(FloatCC::LessThan, a, inf);
        all_finite = Some(match all_finite {
            None => m,
            Some(acc) => cx.b.ins().band(acc, m),
        });
    }
    let Some(mask) = all_finite else { return };
    let zero = splat(cx.b, 0.0);
    for (k, &v) in vals.iter().enumerate() {
        let r = select(cx.b, mask, v, zero);
        cx.set(k, r);
    }
}

/// `dsp::filter::clamp`: `if x > lo { x.min(hi) } else { lo }` (NaN gives `lo`).
fn clamp(b: &mut FunctionBuilder<'_>, x: Value, lo: f32, hi: f32) -> Value {
    let lo_v = splat(b, lo);
    let hi_v = splat(b, hi);
    let below_hi = lt(b, x, hi_v);
    let m = select(b, below_hi, x, hi_v);
    let above = gt(b, x, lo_v);
    select(b, above, m, lo_v)
}

/// `dsp::filter::prewarp`: `tan_pi(clamp(cutoff) / sr)`.
fn prewarp(b: &mut FunctionBuilder<'_>, cutoff: Value, sample_rate: f32) -> Value {
    let fc = clamp(b, cutoff, MIN_CUTOFF, MAX_CUTOFF_RATIO * sample_rate);
    let sr = splat(b, sample_rate);
    let x = b.ins().fdiv(fc, sr);
    if sample_rate >= IN_RANGE_SAMPLE_RATE {
        tan_pi_in_range(b, x)
    } else {
        approx::tan_pi(b, x)
    }
}

/// From this sample rate up, `clamp(cutoff) / sr` lies in [10/sr, 0.49·(1 + 2⁻²²)],
/// inside (0, 0.499): [`tan_pi_in_range`] applies.
const IN_RANGE_SAMPLE_RATE: f32 = 100.0;

/// `approx::tan_pi(x)` for `0 < x < 0.499`, the same bits with the steps that are
/// identities on that range left out: its clamp (`x` is inside), and both
/// `sin_turns` range reductions: with `h = x/2` in (0, 0.2495), `sin_turns(h)` has
/// `floor(h + 0.5) = 0`, so `r = h - 0 = h`, not folded (`|h| <= 0.25`);
/// `sin_turns(h + 0.25)` has `floor(h + 0.75) = 0` and `r = h + 0.25 >= 0.25`,
/// folded to `0.5 - r` (at exactly 0.25 the fold gives 0.25 too). What is left is
/// the two odd polynomials and the division.
fn tan_pi_in_range(b: &mut FunctionBuilder<'_>, x: Value) -> Value {
    let half = splat(b, 0.5);
    let h = b.ins().fmul(half, x);
    let s = sin_poly(b, h);
    let q = splat(b, 0.25);
    let hq = b.ins().fadd(h, q);
    let r = b.ins().fsub(half, hq);
    let c = sin_poly(b, r);
    b.ins().fdiv(s, c)
}

/// `sin_turns`' polynomial `r · (C0 + r² (C1 + … + r² C5))` on a reduced `r`.
fn sin_poly(b: &mut FunctionBuilder<'_>, r: Value) -> Value {
    let r2 = b.ins().fmul(r, r);
    let c = crate::dsp::approx::SIN_C;
    let mut acc = splat(b, c[c.len() - 1]);
    for &k in c[..c.len() - 1].iter().rev() {
        let t = b.ins().fmul(r2, acc);
        let kk = splat(b, k);
        acc = b.ins().fadd(kk, t);
    }
    b.ins().fmul(r, acc)
}

fn svf(cx: &mut EmitCtx<'_, '_>, mode: SvfMode, v0: Value, fc: Value, q: Value) -> Value {
    let sr = sane_sample_rate(cx.sample_rate);
    let (ic1eq, ic2eq) = (cx.get(0), cx.get(1));
    let b = &mut *cx.b;
    let g = prewarp(b, fc, sr);
    let one = splat(b, 1.0);
    let qc = clamp(b, q, MIN_Q, MAX_Q);
    let k = b.ins().fdiv(one, qc);
    // a1 = 1 / (1 + g (g + k)), a2 = g a1, a3 = g a2
    let gk = b.ins().fadd(g, k);
    let ggk = b.ins().fmul(g, gk);
    let den = b.ins().fadd(one, ggk);
    let a1 = b.ins().fdiv(one, den);
    let a2 = b.ins().fmul(g, a1);
    let a3 = b.ins().fmul(g, a2);
    // v3 = v0 - ic2eq; v1 = a1 ic1eq + a2 v3; v2 = ic2eq + a2 ic1eq + a3 v3
    let v3 = b.ins().fsub(v0, ic2eq);
    let t1 = b.ins().fmul(a1, ic1eq);
    let t2 = b.ins().fmul(a2, v3);
    let v1 = b.ins().fadd(t1, t2);
    let t3 = b.ins().fmul(a2, ic1eq);
    let t4 = b.ins().fadd(ic2eq, t3);
    let t5 = b.ins().fmul(a3, v3);
    let v2 = b.ins().fadd(t4, t5);
    // ic1eq = 2 v1 - ic1eq; ic2eq = 2 v2 - ic2eq
    let two = splat(b, 2.0);
    let d1 = b.ins().fmul(two, v1);
    let n1 = b.ins().fsub(d1, ic1eq);
    let d2 = b.ins().fmul(two, v2);
    let n2 = b.ins().fsub(d2, ic2eq);
    // SvfMode::output(v0, k v1, v2)
    let out = match mode {
        SvfMode::Low => v2,
        SvfMode::High => {
            let kv1 = b.ins().fmul(k, v1);
            let t = b.ins().fsub(v0, kv1);
            b.ins().fsub(t, v2)
        }
        SvfMode::Band => b.ins().fmul(k, v1),
        SvfMode::Notch => {
            let kv1 = b.ins().fmul(k, v1);
            b.ins().fsub(v0, kv1)
        }
    };
    cx.set(0, n1);
    cx.set(1, n2);
    out
}

fn moog(cx: &mut EmitCtx<'_, '_>, x: Value, fc: Value, r: Value) -> Value {
    let sr = sane_sample_rate(cx.sample_rate);
    let s: [Value; 4] = std::array::from_fn(|k| cx.get(k));
    let b = &mut *cx.b;
    let g = prewarp(b, fc, sr);
    let one = splat(b, 1.0);
    // b = 1/(1+g); G = g b; G⁴; k = 4 clamp(r); d = 1/(1 + k G⁴)
    let onepg = b.ins().fadd(one, g);
    let bb = b.ins().fdiv(one, onepg);
    let gg = b.ins().fmul(g, bb);
    let g2 = b.ins().fmul(gg, gg);
    let g4 = b.ins().fmul(g2, g2);
    let rc = clamp(b, r, 0.0, MAX_RESONANCE);
    let four = splat(b, 4.0);
    let k = b.ins().fmul(four, rc);
    let kg4 = b.ins().fmul(k, g4);
    let dd = b.ins().fadd(one, kg4);
    let d = b.ins().fdiv(one, dd);
    let g4d = b.ins().fmul(g4, d);
    // sum = b (G (G (G s1 + s2) + s3) + s4)
    let t = b.ins().fmul(gg, s[0]);
    let t = b.ins().fadd(t, s[1]);
    let t = b.ins().fmul(gg, t);
    let t = b.ins().fadd(t, s[2]);
    let t = b.ins().fmul(gg, t);
    let t = b.ins().fadd(t, s[3]);
    let sum = b.ins().fmul(bb, t);
    // y4 = g4d x + d sum; u = tanh(x - k y4)
    let a = b.ins().fmul(g4d, x);
    let c = b.ins().fmul(d, sum);
    let y4 = b.ins().fadd(a, c);
    let ky = b.ins().fmul(k, y4);
    let xin = b.ins().fsub(x, ky);
    let mut u = approx::tanh(b, xin);
    let mut next = [u; 4];
    for (i, &si) in s.iter().enumerate() {
        // v = G (u - s); y = v + s; s = y + v
        let diff = b.ins().fsub(u, si);
        let v = b.ins().fmul(gg, diff);
        let y = b.ins().fadd(v, si);
        next[i] = b.ins().fadd(y, v);
        u = y;
    }
    for (i, v) in next.into_iter().enumerate() {
        cx.set(i, v);
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::single::MapFunction;

    /// `tan_pi_in_range` is `approx::tan_pi` bit for bit on (0, 0.499), including
    /// every value a clamped cutoff over the lowest rate it serves can give.
    #[test]
    fn tan_pi_in_range_is_tan_pi_there() {
        let f = MapFunction::new(tan_pi_in_range).unwrap();
        let mut xs: Vec<f32> = (1..400_000)
            .map(|i| i as f32 * (0.499 / 400_000.0))
            .collect();
        xs.extend([
            f32::MIN_POSITIVE,
            1e-30,
            1e-7,
            0.25,
            0.49,
            0.498_999,
            0.4989,
        ]);
        for sr in [IN_RANGE_SAMPLE_RATE, 44_100.0, 48_000.0, 96_000.0, f32::MAX] {
            for fc in [MIN_CUTOFF, MAX_CUTOFF_RATIO * sr] {
                xs.push(fc / sr);
            }
        }
        while !xs.len().is_multiple_of(4) {
            xs.push(0.1);
        }
        let got = f.apply(&xs);
        for (x, y) in xs.iter().zip(&got) {
            let want = crate::dsp::approx::tan_pi(*x);
            assert_eq!(y.to_bits(), want.to_bits(), "tan_pi({x}): {y} vs {want}");
        }
    }
}
