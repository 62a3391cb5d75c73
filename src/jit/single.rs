//! A harness that compiles one operation alone, over four lanes, into a function
//! that runs a block: the way each kernel emitter is tested against its `dsp` twin.
//!
//! The compiled function reads `inputs[k][lane][frame]`, keeps the state in a state
//! block (and memory blocks) between calls exactly as the engine does, and writes
//! `out[lane][frame]`.

use cranelift_codegen::ir::types::{F32, I64};
use cranelift_codegen::ir::{AbiParam, InstBuilder, UserFuncName};
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_module::{Linkage, Module};

use super::kernel::{self, EmitCtx, StateInit};
use super::{new_module, FrameLoop, JitError};
use crate::ir::Op;

type KernelFn = unsafe extern "C" fn(*const *const f32, *const *mut f32, *mut u8, *mut u8, i64);

/// One operation compiled over four lanes, with its state.
pub struct SingleOp {
    _module: cranelift_jit::JITModule,
    func: KernelFn,
    inputs: usize,
    /// 16-byte aligned blocks (`u128` has that alignment).
    state: Vec<u128>,
    memory: Vec<u128>,
    /// The CLIF text of the function (for debugging a failing comparison).
    pub clif: String,
}

impl SingleOp {
    /// Compiles `op` (lanes `lanes`: four operations of the same kind; only their
    /// parameters, such as a seed, may differ) with `inputs` inputs.
    pub fn new(
        op: Op,
        lanes: [Op; 4],
        inputs: usize,
        sample_rate: f32,
    ) -> Result<SingleOp, JitError> {
        SingleOp::with_channels(op, lanes, [0; 4], inputs, sample_rate)
    }

    /// As [`SingleOp::new`], with lane `l` running channel `channels[l]` of its node
    /// (the stereo spread of reverb and chorus depends on it).
    pub fn with_channels(
        op: Op,
        lanes: [Op; 4],
        channels: [usize; 4],
        inputs: usize,
        sample_rate: f32,
    ) -> Result<SingleOp, JitError> {
        let mut module = new_module(true)?;
        let ptr = module.target_config().pointer_type();
        let mut sig = module.make_signature();
        for _ in 0..4 {
            sig.params.push(AbiParam::new(ptr));
        }
        sig.params.push(AbiParam::new(I64));
        let id = module
            .declare_function("single", Linkage::Local, &sig)
            .map_err(JitError::from_module)?;
        let mut ctx = Context::new();
        ctx.func.signature = sig;
        ctx.func.name = UserFuncName::user(0, id.as_u32());
        let inits = kernel::state(op, &lanes, channels, sample_rate);
        let mem_bytes = kernel::memory_bytes(op, sample_rate);
        let frontend = module.target_config();
        let mut fctx = FunctionBuilderContext::new();
        {
            let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
            let entry = b.create_block();
            b.append_block_params_for_function_params(entry);
            b.switch_to_block(entry);
            let params = b.block_params(entry).to_vec();
            let (ins_p, outs_p, state_p, mem_p, frames) =
                (params[0], params[1], params[2], params[3], params[4]);
            let flags = super::mem_flags();
            // Loop-carried state: loaded now, stored after the loop.
            let vars: Vec<Variable> = inits
                .iter()
                .enumerate()
                .map(|(k, init)| {
                    let v = b.declare_var(init.ty());
                    let x = b.ins().load(init.ty(), flags, state_p, (k * 16) as i32);
                    b.def_var(v, x);
                    v
                })
                .collect();
            let (frame_loop, byte) = FrameLoop::open(&mut b, frames);
            let mut values = Vec::with_capacity(inputs);
            for k in 0..inputs {
                let mut v = super::approx::splat(&mut b, 0.0);
                for lane in 0..4u8 {
                    let p = b
                        .ins()
                        .load(ptr, flags, ins_p, ((k * 4 + lane as usize) * 8) as i32);
                    let addr = b.ins().iadd(p, byte);
                    let x = b.ins().load(F32, flags, addr, 0);
                    v = b.ins().insertlane(v, x, lane);
                }
                values.push(v);
            }
            let mem = (mem_bytes > 0).then_some((mem_p, mem_bytes as i64));
            let mut cx = EmitCtx {
                b: &mut b,
                state: &vars,
                mem,
                sample_rate,
            };
            let out = kernel::emit(&mut cx, op, &values)
                .ok_or_else(|| JitError::Unsupported(op.name().to_string()))?;
            for lane in 0..4u8 {
                let x = b.ins().extractlane(out, lane);
                let p = b.ins().load(ptr, flags, outs_p, (lane as usize * 8) as i32);
                let addr = b.ins().iadd(p, byte);
                b.ins().store(flags, x, addr, 0);
            }
            frame_loop.close(&mut b, 1);
            let mut cx = EmitCtx {
                b: &mut b,
                state: &vars,
                mem,
                sample_rate,
            };
            kernel::end_of_block(&mut cx, op);
            for (k, v) in vars.iter().enumerate() {
                let x = b.use_var(*v);
                b.ins().store(flags, x, state_p, (k * 16) as i32);
            }
            b.ins().return_(&[]);
            b.seal_all_blocks();
            b.finalize(frontend);
        }
        let clif = ctx.func.display().to_string();
        let code = define_one(&mut module, id, &mut ctx, &clif)?;
        // SAFETY: the function was declared with exactly this signature above.
        let func = unsafe { std::mem::transmute::<*const u8, KernelFn>(code) };
        let state = inits
            .iter()
            .map(|init| u128::from_le_bytes(init.bytes()))
            .collect();
        Ok(SingleOp {
            _module: module,
            func,
            inputs,
            state,
            memory: vec![0u128; mem_bytes * 4 / 16],
            clif,
        })
    }

    /// Runs one block: `inputs[k][lane]` are the input signals (all `frames` long);
    /// returns the four lanes' outputs. State carries over to the next call.
    pub fn run(&mut self, inputs: &[[&[f32]; 4]], frames: usize) -> [Vec<f32>; 4] {
        let mut out: [Vec<f32>; 4] = std::array::from_fn(|_| vec![0.0f32; frames]);
        assert_eq!(inputs.len(), self.inputs, "input count");
        for input in inputs {
            for lane in input {
                assert!(lane.len() >= frames, "an input is shorter than the block");
            }
        }
        let in_ptrs: Vec<*const f32> = inputs
            .iter()
            .flat_map(|lanes| lanes.iter().map(|s| s.as_ptr()))
            .collect();
        let out_ptrs: Vec<*mut f32> = out.iter_mut().map(|v| v.as_mut_ptr()).collect();
        let mem = self.memory.as_mut_ptr().cast::<u8>();
        // SAFETY: every pointer covers `frames` samples (checked above), the state
        // block holds every variable the kernel declared, the memory block the bytes
        // it asked for per lane.
        unsafe {
            (self.func)(
                in_ptrs.as_ptr(),
                out_ptrs.as_ptr(),
                self.state.as_mut_ptr().cast::<u8>(),
                mem,
                frames as i64,
            )
        };
        out
    }
}

/// The initial state of an op, for tests that check their layout.
pub fn initial_state(op: Op, lanes: [Op; 4], sample_rate: f32) -> Vec<StateInit> {
    kernel::state(op, &lanes, [0; 4], sample_rate)
}

/// Compiles the one function of a harness module and makes it executable; `clif`
/// (its text) goes into the error if Cranelift rejects it.
fn define_one(
    module: &mut cranelift_jit::JITModule,
    id: cranelift_module::FuncId,
    ctx: &mut Context,
    clif: &str,
) -> Result<*const u8, JitError> {
    module
        .define_function(id, ctx)
        .map_err(|e| JitError::Compile(format!("{e:?}\n{clif}")))?;
    module.clear_context(ctx);
    module
        .finalize_definitions()
        .map_err(JitError::from_module)?;
    Ok(module.get_finalized_function(id))
}

type MapFn = unsafe extern "C" fn(*const f32, *mut f32, i64);

/// A function applying `f` (an emitter of one `f32x4` from one `f32x4`) to a slice,
/// four values at a time: for testing `jit::approx` against `dsp::approx`.
pub struct MapFunction {
    _module: cranelift_jit::JITModule,
    func: MapFn,
}

impl MapFunction {
    pub fn new(
        f: impl Fn(
            &mut FunctionBuilder<'_>,
            cranelift_codegen::ir::Value,
        ) -> cranelift_codegen::ir::Value,
    ) -> Result<MapFunction, JitError> {
        let mut module = new_module(true)?;
        let ptr = module.target_config().pointer_type();
        let mut sig = module.make_signature();
        sig.params.push(AbiParam::new(ptr));
        sig.params.push(AbiParam::new(ptr));
        sig.params.push(AbiParam::new(I64));
        let id = module
            .declare_function("map", Linkage::Local, &sig)
            .map_err(JitError::from_module)?;
        let mut ctx = Context::new();
        ctx.func.signature = sig;
        ctx.func.name = UserFuncName::user(0, id.as_u32());
        let frontend = module.target_config();
        let mut fctx = FunctionBuilderContext::new();
        {
            let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
            let entry = b.create_block();
            b.append_block_params_for_function_params(entry);
            b.switch_to_block(entry);
            let params = b.block_params(entry).to_vec();
            let (src, dst, n) = (params[0], params[1], params[2]);
            let flags = super::mem_flags();
            let (frame_loop, byte) = FrameLoop::open(&mut b, n);
            let a = b.ins().iadd(src, byte);
            let x = b
                .ins()
                .load(cranelift_codegen::ir::types::F32X4, flags, a, 0);
            let y = f(&mut b, x);
            let d = b.ins().iadd(dst, byte);
            b.ins().store(flags, y, d, 0);
            frame_loop.close(&mut b, 4);
            b.ins().return_(&[]);
            b.seal_all_blocks();
            b.finalize(frontend);
        }
        let code = define_one(&mut module, id, &mut ctx, "")?;
        // SAFETY: declared with this signature above.
        let func = unsafe { std::mem::transmute::<*const u8, MapFn>(code) };
        Ok(MapFunction {
            _module: module,
            func,
        })
    }

    /// `f` over `x` (its length rounded down to a multiple of 4).
    pub fn apply(&self, x: &[f32]) -> Vec<f32> {
        let n = x.len() / 4 * 4;
        let mut out = vec![0.0f32; n];
        // SAFETY: both buffers hold `n` floats; the function reads and writes 4 at a
        // time up to `n`.
        unsafe { (self.func)(x.as_ptr(), out.as_mut_ptr(), n as i64) };
        out
    }
}
