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

    pub fn splat(&mut self, x: f32) -> Value {
        approx::splat(self.b, x)
    }
}

/// The loop-carried state of `op`, for lanes running `lanes` (the same operation,
/// possibly with other parameters such as a noise seed; always 4 entries) on the
/// channels `channels` (the stereo spread of reverb and chorus depends on it: 0 is
/// left or mono, 1 right).
pub fn state(op: Op, lanes: &[Op; 4], channels: [usize; 4], sample_rate: f32) -> Vec<StateInit> {
    ops::osc::state(op, lanes, sample_rate)
        .or_else(|| ops::filter::state(op, lanes, sample_rate))
        .or_else(|| ops::env::state(op, lanes, sample_rate))
        .or_else(|| ops::effects::state_for_channels(op, channels, sample_rate))
        .unwrap_or_default()
}

/// Bytes of memory per lane that `op` needs (delay lines), 16-byte aligned.
pub fn memory_bytes(op: Op, sample_rate: f32) -> usize {
    let n = ops::effects::memory_bytes(op, sample_rate);
    n.div_ceil(16) * 16
}

/// Emits one frame of `op` over four lanes; `inputs` are in the order of
/// [`Op::input_names`]. Returns `None` for operations that are not computed per
/// frame (fed nodes, voices).
pub fn emit(cx: &mut EmitCtx<'_, '_>, op: Op, inputs: &[Value]) -> Option<Value> {
    if let Some(v) = elementwise(cx.b, op, inputs) {
        return Some(v);
    }
    ops::osc::emit(cx, op, inputs)
        .or_else(|| ops::filter::emit(cx, op, inputs))
        .or_else(|| ops::env::emit(cx, op, inputs))
        .or_else(|| ops::effects::emit(cx, op, inputs))
}

/// Code run once after the frame loop of a block (state clean-up such as the
/// filters' reset of a non-finite state).
pub fn end_of_block(cx: &mut EmitCtx<'_, '_>, op: Op) {
    ops::osc::end_of_block(cx, op);
    ops::filter::end_of_block(cx, op);
    ops::env::end_of_block(cx, op);
    ops::effects::end_of_block(cx, op);
}

/// The elementwise arithmetic, as `interp::formulas` computes it.
fn elementwise(b: &mut FunctionBuilder<'_>, op: Op, x: &[Value]) -> Option<Value> {
    let arg = |k: usize| x.get(k).copied();
    Some(match op {
        Op::Add => b.ins().fadd(arg(0)?, arg(1)?),
        Op::Sub => b.ins().fsub(arg(0)?, arg(1)?),
        Op::Mul => b.ins().fmul(arg(0)?, arg(1)?),
        Op::Div => {
            let (a, d) = (arg(0)?, arg(1)?);
            let q = b.ins().fdiv(a, d);
            let zero = approx::splat(b, 0.0);
            let is_zero = b
                .ins()
                .fcmp(cranelift_codegen::ir::condcodes::FloatCC::Equal, d, zero);
            approx::select(b, is_zero, zero, q)
        }
        Op::Neg => b.ins().fneg(arg(0)?),
        Op::Abs => b.ins().fabs(arg(0)?),
        Op::Mtof => approx::mtof(b, arg(0)?),
        Op::Clip => {
            // x.max(lo).min(hi)
            let m = b.ins().fmax(arg(0)?, arg(1)?);
            b.ins().fmin(m, arg(2)?)
        }
        Op::Range => {
            // lo + (x + 1) * 0.5 * (hi - lo)
            let (xv, lo, hi) = (arg(0)?, arg(1)?, arg(2)?);
            let one = approx::splat(b, 1.0);
            let half = approx::splat(b, 0.5);
            let t = b.ins().fadd(xv, one);
            let t = b.ins().fmul(t, half);
            let w = b.ins().fsub(hi, lo);
            let t = b.ins().fmul(t, w);
            b.ins().fadd(lo, t)
        }
        _ => return None,
    })
}
