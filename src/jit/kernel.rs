//! One operation's code for one frame of four lanes.
//!
//! A kernel (an IR operation) is emitted inside a loop over the frames of a block.
//! Its four lanes are four independent instances of the operation (four identical
//! chains packed together, or one chain and three idle lanes). The emitter gets the
//! inputs of the frame as `f32x4` values and returns the output. What it keeps from
//! frame to frame lives in loop-carried variables ([`StateInit`]): they are loaded
//! from the kernel's state block before the loop and stored back after it, so state
//! stays in registers while a block runs and persists between blocks. Kernels that
//! need arrays (delay lines) get a memory block per lane ([`memory_bytes`]).
//!
//! Every emitter reproduces its `dsp` kernel operation for operation; branches of the
//! Rust code become lane masks and selects.

use cranelift_codegen::ir::types::{F32X4, F64X2, I32X4};
use cranelift_codegen::ir::{InstBuilder, Type, Value};
use cranelift_frontend::{FunctionBuilder, Variable};

use super::approx;
use super::ops;
use crate::dsp::filter::SvfMode;
use crate::ir::Op;

/// The initial value of one loop-carried state variable, lane by lane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StateInit {
    F32([f32; 4]),
    /// Two `f64` lanes (a kernel with f64 state uses two of these per four lanes).
    F64([f64; 2]),
    I32([i32; 4]),
}

impl StateInit {
    pub fn ty(self) -> Type {
        match self {
            StateInit::F32(_) => F32X4,
            StateInit::F64(_) => F64X2,
            StateInit::I32(_) => I32X4,
        }
    }

    /// The 16 bytes of the variable as stored in a state block.
    pub fn bytes(self) -> [u8; 16] {
        let mut out = [0u8; 16];
        match self {
            StateInit::F32(v) => {
                for (i, x) in v.iter().enumerate() {
                    out[i * 4..i * 4 + 4].copy_from_slice(&x.to_le_bytes());
                }
            }
            StateInit::F64(v) => {
                for (i, x) in v.iter().enumerate() {
                    out[i * 8..i * 8 + 8].copy_from_slice(&x.to_le_bytes());
                }
            }
            StateInit::I32(v) => {
                for (i, x) in v.iter().enumerate() {
                    out[i * 4..i * 4 + 4].copy_from_slice(&x.to_le_bytes());
                }
            }
        }
        out
    }
}

/// What an emitter works with.
pub struct EmitCtx<'a, 'b> {
    pub b: &'a mut FunctionBuilder<'b>,
    /// The kernel's loop-carried variables, in the order of its [`state`] list.
    pub state: &'a [Variable],
    /// The kernel's memory: a pointer (i64) to lane 0's block and the distance in
    /// bytes to the next lane's block; `None` when [`memory_bytes`] is 0.
    pub mem: Option<(Value, i64)>,
    pub sample_rate: f32,
}

impl EmitCtx<'_, '_> {
    pub fn get(&mut self, k: usize) -> Value {
        let var = self.state[k];
        self.b.use_var(var)
    }

    pub fn set(&mut self, k: usize, v: Value) {
        let var = self.state[k];
        self.b.def_var(var, v);
    }

}

/// The JIT's code for one operation: its loop-carried state, its memory, one frame
/// over four lanes, and what runs after the frame loop.
pub trait Emitter: Sync {
    /// The loop-carried state for lanes running `lanes` (the same operation `op`,
    /// possibly with other parameters such as a noise seed) on the channels
    /// `channels` (the stereo spread of reverb and chorus depends on it: 0 is left or
    /// mono, 1 right). None by default.
    fn state(&self, _op: Op, _lanes: &[Op; 4], _channels: [usize; 4], _sr: f32) -> Vec<StateInit> {
        Vec::new()
    }

    /// Bytes of memory per lane (delay lines); none by default.
    fn memory_bytes(&self, _sample_rate: f32) -> usize {
        0
    }

    /// One frame over four lanes; `inputs` are in the order of [`Op::input_names`].
    fn emit(&self, cx: &mut EmitCtx<'_, '_>, inputs: &[Value]) -> Option<Value>;

    /// Code run once after the frame loop of a block (state clean-up such as the
    /// filters' reset of a non-finite state); nothing by default.
    fn end_of_block(&self, _cx: &mut EmitCtx<'_, '_>) {}
}

/// The JIT's link from each operation to its emitter: one arm per operation and no
/// wildcard, so an operation without an emitter does not compile. `None` for the
/// operations that are not computed per frame (fed nodes, voices, the master).
pub fn emitter(op: Op) -> Option<&'static dyn Emitter> {
    use ops::effects as fx;
    use ops::env::{Contour, Envelope};
    use ops::filter::{Moog, Svf};
    use ops::osc::{Brown, Fm, Noise, Periodic, Pink, Supersaw, Wave};
    Some(match op {
        Op::Stepped { .. }
        | Op::Trigger { .. }
        | Op::Gate { .. }
        | Op::Voices { .. }
        | Op::Feedback
        | Op::Master => return None,
        Op::Param { .. } => &Param,
        Op::Add => &Add,
        Op::Sub => &Sub,
        Op::Mul => &Mul,
        Op::Div => &Div,
        Op::Neg => &Neg,
        Op::Abs => &Abs,
        Op::Mtof => &Mtof,
        Op::Clip => &Clip,
        Op::Range => &Range,
        Op::Distortion => &fx::DistortionEmitter,
        Op::Shape => &fx::ShapeEmitter,
        Op::Sine => &Periodic(Wave::Sine),
        Op::Saw => &Periodic(Wave::Saw),
        Op::Square | Op::Pulse => &Periodic(Wave::Square),
        Op::Tri => &Periodic(Wave::Tri),
        Op::Supersaw => &Supersaw,
        Op::Fm => &Fm,
        Op::Impulse => &Periodic(Wave::Impulse),
        Op::Noise { .. } => &Noise,
        Op::Pink { .. } => &Pink,
        Op::Brown { .. } => &Brown,
        Op::Svf(SvfMode::Low) => &Svf(SvfMode::Low),
        Op::Svf(SvfMode::High) => &Svf(SvfMode::High),
        Op::Svf(SvfMode::Band) => &Svf(SvfMode::Band),
        Op::Svf(SvfMode::Notch) => &Svf(SvfMode::Notch),
        Op::Moog => &Moog,
        Op::Ad => &Envelope(Contour::Ad),
        Op::Adsr => &Envelope(Contour::Adsr),
        Op::Perc => &Envelope(Contour::Perc),
        Op::Delay => &fx::DelayEmitter,
        Op::Reverb => &fx::ReverbEmitter,
        Op::Bitcrush => &fx::BitcrushEmitter,
        Op::Chorus => &fx::ChorusEmitter,
        Op::Compressor => &fx::CompressorEmitter,
    })
}

/// The loop-carried state of `op` for lanes running `lanes` on `channels` (see
/// [`Emitter::state`]).
pub fn state(op: Op, lanes: &[Op; 4], channels: [usize; 4], sample_rate: f32) -> Vec<StateInit> {
    emitter(op).map_or_else(Vec::new, |e| e.state(op, lanes, channels, sample_rate))
}

/// Bytes of memory per lane that `op` needs (delay lines), 16-byte aligned.
pub fn memory_bytes(op: Op, sample_rate: f32) -> usize {
    let n = emitter(op).map_or(0, |e| e.memory_bytes(sample_rate));
    n.div_ceil(16) * 16
}

/// Emits one frame of `op` over four lanes; `inputs` are in the order of
/// [`Op::input_names`]. Returns `None` for operations that are not computed per
/// frame (fed nodes, voices).
pub fn emit(cx: &mut EmitCtx<'_, '_>, op: Op, inputs: &[Value]) -> Option<Value> {
    emitter(op)?.emit(cx, inputs)
}

/// Code run once after the frame loop of a block.
pub fn end_of_block(cx: &mut EmitCtx<'_, '_>, op: Op) {
    if let Some(e) = emitter(op) {
        e.end_of_block(cx);
    }
}

/// A voice's parameter: one loop-carried variable that the runtime writes into the
/// state block lane by lane (`jit::voice`), read every frame and never changed by
/// the code.
struct Param;

impl Emitter for Param {
    fn state(&self, _op: Op, _lanes: &[Op; 4], _channels: [usize; 4], _sr: f32) -> Vec<StateInit> {
        vec![StateInit::F32([0.0; 4])]
    }

    fn emit(&self, cx: &mut EmitCtx<'_, '_>, _inputs: &[Value]) -> Option<Value> {
        Some(cx.get(0))
    }
}

/// An elementwise operation whose frame is a few instructions.
macro_rules! elementwise {
    ($(#[$doc:meta])* $name:ident, |$b:ident, $x:ident| $body:expr) => {
        $(#[$doc])*
        struct $name;

        impl Emitter for $name {
            fn emit(&self, cx: &mut EmitCtx<'_, '_>, inputs: &[Value]) -> Option<Value> {
                let $b = &mut *cx.b;
                let $x = |k: usize| inputs.get(k).copied();
                Some($body)
            }
        }
    };
}

elementwise!(Add, |b, x| b.ins().fadd(x(0)?, x(1)?));
elementwise!(Sub, |b, x| b.ins().fsub(x(0)?, x(1)?));
elementwise!(Mul, |b, x| b.ins().fmul(x(0)?, x(1)?));
elementwise!(
    /// `dsp::arith::div`: a zero divisor gives 0.
    Div,
    |b, x| {
        let (a, d) = (x(0)?, x(1)?);
        let q = b.ins().fdiv(a, d);
        let zero = approx::splat(b, 0.0);
        let is_zero = b
            .ins()
            .fcmp(cranelift_codegen::ir::condcodes::FloatCC::Equal, d, zero);
        approx::select(b, is_zero, zero, q)
    }
);
elementwise!(Neg, |b, x| b.ins().fneg(x(0)?));
elementwise!(Abs, |b, x| b.ins().fabs(x(0)?));
elementwise!(Mtof, |b, x| approx::mtof(b, x(0)?));
elementwise!(
    /// `dsp::arith::clip`: `x.max(lo).min(hi)`.
    Clip,
    |b, x| {
        let m = b.ins().fmax(x(0)?, x(1)?);
        b.ins().fmin(m, x(2)?)
    }
);
elementwise!(
    /// `dsp::arith::range`: `lo + (x + 1) * 0.5 * (hi - lo)`.
    Range,
    |b, x| {
        let (xv, lo, hi) = (x(0)?, x(1)?, x(2)?);
        let one = approx::splat(b, 1.0);
        let half = approx::splat(b, 0.5);
        let t = b.ins().fadd(xv, one);
        let t = b.ins().fmul(t, half);
        let w = b.ins().fsub(hi, lo);
        let t = b.ins().fmul(t, w);
        b.ins().fadd(lo, t)
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    /// The operation table's account of each emitter's state (what the planner pairs
    /// loops by) is the emitter's own, at any sample rate and on either channel.
    #[test]
    fn the_table_states_what_the_emitters_keep() {
        let mut ops = vec![Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Neg, Op::Abs];
        ops.extend([Op::Mtof, Op::Clip, Op::Range, Op::Feedback, Op::Master]);
        ops.extend([Op::Stepped { pattern: 0 }, Op::Voices { sound: 0 }]);
        ops.push(Op::Param { index: 0 });
        ops.extend_from_slice(Op::LANGUAGE);
        for op in ops {
            let spec = op.spec();
            for sr in [8_000.0, 44_100.0, 48_000.0, 192_000.0] {
                for ch in [0, 1] {
                    let vars = state(op, &[op; 4], [ch; 4], sr).len();
                    assert_eq!(vars, spec.state_vectors, "{op:?} at {sr} Hz");
                }
                assert_eq!(
                    memory_bytes(op, sr) > 0,
                    spec.delay_lines,
                    "{op:?} at {sr} Hz"
                );
            }
            let computed = emitter(op).is_some();
            let per_frame = matches!(
                spec.kind,
                crate::ir::NodeKind::Elementwise | crate::ir::NodeKind::Recurrence
            );
            assert_eq!(computed, per_frame, "{op:?}");
        }
    }
}
