//! The Cranelift JIT: native code for the graph's kernels.
//!
//! `approx` emits the polynomial approximations of `dsp::approx` on `f32x4` vectors;
//! `kernel` is the per-operation emitter interface (one frame, four lanes) and the
//! elementwise arithmetic; `ops` holds the emitters of the stateful kernels, each the
//! twin of a `dsp` kernel; `single` compiles one operation alone, for tests; `voice` compiles a voice
//! definition into a kernel that runs its voices in vector lanes.

pub mod approx;
pub mod carry;
pub mod codegen;
pub mod engine;
pub mod kernel;
pub mod ops;
#[cfg(any(test, feature = "testing"))]
pub mod single;
pub mod voice;

use std::fmt;

use cranelift_codegen::ir::MemFlagsData;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_jit::{JITBuilder, JITModule};

/// Why compiling failed.
#[derive(Clone, Debug, PartialEq)]
pub enum JitError {
    /// The host is not supported by Cranelift, or a setting was refused.
    Host(String),
    /// Cranelift rejected a function (a bug in an emitter: the verifier's message
    /// and the function's text).
    Compile(String),
    /// An operation has no emitter.
    Unsupported(String),
}

impl JitError {
    pub(crate) fn from_module(e: cranelift_module::ModuleError) -> JitError {
        JitError::Compile(format!("{e:?}"))
    }
}

impl fmt::Display for JitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JitError::Host(m) => write!(f, "the JIT cannot run on this machine: {m}"),
            JitError::Compile(m) => write!(f, "the JIT failed to compile a kernel: {m}"),
            JitError::Unsupported(op) => write!(f, "the JIT has no kernel for `{op}`"),
        }
    }
}

impl std::error::Error for JitError {}

/// A JIT module for the host, optimising for speed; `verify` runs Cranelift's
/// verifier on every function (about three times the compile time: on in tests).
pub fn new_module(verify: bool) -> Result<JITModule, JitError> {
    let mut flags = settings::builder();
    let set = |flags: &mut settings::Builder, k: &str, v: &str| {
        flags
            .set(k, v)
            .map_err(|e| JitError::Host(format!("{k}={v}: {e}")))
    };
    set(&mut flags, "opt_level", "speed")?;
    set(
        &mut flags,
        "enable_verifier",
        if verify { "true" } else { "false" },
    )?;
    set(&mut flags, "use_colocated_libcalls", "false")?;
    set(&mut flags, "is_pic", "false")?;
    let isa = cranelift_native::builder()
        .map_err(|e| JitError::Host(e.to_string()))?
        .finish(settings::Flags::new(flags))
        .map_err(|e| JitError::Host(e.to_string()))?;
    Ok(JITModule::new(JITBuilder::with_isa(
        isa,
        cranelift_module::default_libcall_names(),
    )))
}

/// Flags for the kernels' loads and stores: they never trap (every address is
/// inside a buffer the engine owns); no alignment is promised.
pub(crate) fn mem_flags() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

/// A counted loop over the frames of a block, in the shape Cranelift optimises: the
/// header branches to the exit first. (Cranelift 0.135's egraph elaborates the
/// header's dominator-tree children in reverse post-order; with the body as the
/// first target the exit came first, popped the loop off its loop stack, and the
/// body lost loop-invariant code motion: every invariant such as `freq / sr` was
/// recomputed each frame.)
pub(crate) struct FrameLoop {
    index: cranelift_frontend::Variable,
    head: cranelift_codegen::ir::Block,
    exit: cranelift_codegen::ir::Block,
}

impl FrameLoop {
    /// Opens the loop `i = 0; while i < end` and switches to its body; returns the
    /// loop and the byte offset of frame `i` in an f32 buffer (`4 i`).
    pub(crate) fn open(
        b: &mut cranelift_frontend::FunctionBuilder<'_>,
        end: cranelift_codegen::ir::Value,
    ) -> (FrameLoop, cranelift_codegen::ir::Value) {
        use cranelift_codegen::ir::condcodes::IntCC;
        use cranelift_codegen::ir::types::I64;
        use cranelift_codegen::ir::InstBuilder;
        let index = b.declare_var(I64);
        let zero = b.ins().iconst(I64, 0);
        b.def_var(index, zero);
        let head = b.create_block();
        let body = b.create_block();
        let exit = b.create_block();
        b.ins().jump(head, &[]);
        b.switch_to_block(head);
        let i = b.use_var(index);
        let done = b.ins().icmp(IntCC::SignedGreaterThanOrEqual, i, end);
        b.ins().brif(done, exit, &[], body, &[]);
        b.switch_to_block(body);
        let i = b.use_var(index);
        let byte = b.ins().ishl_imm_u(i, 2);
        (FrameLoop { index, head, exit }, byte)
    }

    /// Closes the body (`i += step`, back to the header) and switches to the exit.
    pub(crate) fn close(self, b: &mut cranelift_frontend::FunctionBuilder<'_>, step: i64) {
        use cranelift_codegen::ir::InstBuilder;
        let i = b.use_var(self.index);
        let next = b.ins().iadd_imm_s(i, step);
        b.def_var(self.index, next);
        b.ins().jump(self.head, &[]);
        b.switch_to_block(self.exit);
    }
}
