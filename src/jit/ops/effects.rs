//! (being written: the emitters of `dsp::effects`)

use cranelift_codegen::ir::Value;

use crate::ir::Op;
use crate::jit::kernel::{EmitCtx, StateInit};

pub fn state(_op: Op, _lanes: &[Op; 4], _sample_rate: f32) -> Option<Vec<StateInit>> {
    None
}

pub fn emit(_cx: &mut EmitCtx<'_, '_>, _op: Op, _inputs: &[Value]) -> Option<Value> {
    None
}

pub fn end_of_block(_cx: &mut EmitCtx<'_, '_>, _op: Op) {}

pub fn memory_bytes(_op: Op, _sample_rate: f32) -> usize {
    0
}
