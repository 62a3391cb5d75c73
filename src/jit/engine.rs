//! The JIT engine: runs a compiled plan's stages block by block.
//!
//! Each stage is a native function over the runtime's buffer arena (its packs), then
//! the stage's runtime calls (the `voices` nodes, in Rust); the master sums the
//! outputs at the end, as in the interpreter.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::codegen::{self, CodegenTimings, StageFn};
use super::JitError;
use crate::ir::{Graph, NodeId, Operand};
use crate::passes::{Item, Plan};
use crate::runtime::{BlockContext, Buffers, Config, Engine, SoundPlayer};

/// How long each phase of compiling took.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CompileTimings {
    /// Parsing, checking, evaluating and lowering the patch (filled by the caller).
    pub front: Duration,
    /// The optimising passes.
    pub passes: Duration,
    pub codegen: CodegenTimings,
}

impl CompileTimings {
    pub fn total(&self) -> Duration {
        self.front + self.passes + self.codegen.build + self.codegen.compile + self.codegen.finalize
    }
}

/// Options for compiling.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JitOptions {
    /// Run Cranelift's verifier on every function (tests; about three times slower).
    pub verify: bool,
    /// Keep the CLIF text of every stage (`phonon jit --dump-clif`).
    pub keep_clif: bool,
}

pub struct JitEngine {
    graph: Arc<Graph>,
    stages: Vec<(Option<StageFn>, Vec<NodeId>)>,
    state: Vec<u128>,
    memory: Vec<u128>,
    /// Keeps the code alive as long as the engine.
    _module: cranelift_jit::JITModule,
    clif: Vec<String>,
    timings: CompileTimings,
    /// A block-long buffer for every constant input of a `voices` node (a sampled
    /// control whose signal the passes folded to a constant), by node and input.
    voice_consts: Vec<(NodeId, usize, Vec<f32>)>,
}

// SAFETY: the engine owns its code (the module) and its state and memory blocks;
// nothing in it is shared with another thread.
unsafe impl Send for JitEngine {}

impl JitEngine {
    /// Compiles `plan` for buffers laid out for its graph with `config`'s block.
    pub fn new(plan: &Plan, config: &Config, options: JitOptions) -> Result<JitEngine, JitError> {
        let buffers = Buffers::new(&plan.graph, config.block.max(1));
        let compiled = codegen::compile(
            plan,
            &buffers,
            config.sample_rate as f32,
            options.verify,
            options.keep_clif,
        )?;
        let stages = plan
            .stages
            .iter()
            .zip(compiled.functions)
            .map(|(items, f)| {
                let voices = items
                    .iter()
                    .filter_map(|i| match i {
                        Item::Voices(id) => Some(*id),
                        Item::Pack(_) => None,
                    })
                    .collect();
                (f, voices)
            })
            .collect();
        let mut voice_consts = Vec::new();
        for (id, node) in plan.graph.nodes.iter().enumerate() {
            if matches!(node.op, crate::ir::Op::Voices { .. }) {
                for (k, op) in node.inputs.iter().enumerate() {
                    if let Operand::Const(c) = op {
                        voice_consts.push((id, k, vec![*c; config.block.max(1)]));
                    }
                }
            }
        }
        Ok(JitEngine {
            voice_consts,
            graph: Arc::new(plan.graph.clone()),
            stages,
            state: compiled.state,
            memory: vec![0u128; compiled.memory_units],
            _module: compiled.module,
            clif: compiled.clif,
            timings: CompileTimings {
                codegen: compiled.timings,
                ..CompileTimings::default()
            },
        })
    }

    /// The CLIF of every stage (when compiled with `keep_clif`).
    pub fn clif(&self) -> &[String] {
        &self.clif
    }

    pub fn timings(&self) -> CompileTimings {
        self.timings
    }

    pub fn set_timings(&mut self, t: CompileTimings) {
        self.timings = t;
    }
}

/// Compiles patch text all the way: front end, passes, native code. The graph the
/// runtime must use is the plan's (returned with the engine).
pub fn compile_source(
    source: &str,
    config: &Config,
    options: JitOptions,
) -> Result<(Arc<Graph>, JitEngine), CompileFailure> {
    let t0 = Instant::now();
    let graph = crate::compile(source).map_err(CompileFailure::Diagnostics)?;
    let front = t0.elapsed();
    let t1 = Instant::now();
    let plan = crate::passes::optimize(&graph);
    let passes = t1.elapsed();
    let mut engine = JitEngine::new(&plan, config, options).map_err(CompileFailure::Jit)?;
    let codegen = engine.timings.codegen;
    engine.set_timings(CompileTimings {
        front,
        passes,
        codegen,
    });
    Ok((engine.graph.clone(), engine))
}

/// Why a patch did not compile.
#[derive(Debug)]
pub enum CompileFailure {
    Diagnostics(Vec<crate::diag::Diagnostic>),
    Jit(JitError),
}

impl Engine for JitEngine {
    fn name(&self) -> &'static str {
        "jit"
    }

    fn run(&mut self, ctx: &BlockContext<'_>, buffers: &mut Buffers, sounds: &mut SoundPlayer) {
        let n = ctx.frames;
        let block = buffers.block();
        for (func, voices) in &self.stages {
            if let Some(f) = func {
                // SAFETY: the function was compiled for this graph's buffer layout and
                // block size (the runtime was built from the same graph and config),
                // with the state and memory blocks allocated from the same plan; it
                // touches frames 0..n < block of the buffers it was given offsets for.
                unsafe {
                    f(
                        buffers.as_mut_ptr(),
                        self.state.as_mut_ptr().cast::<u8>(),
                        self.memory.as_mut_ptr().cast::<u8>(),
                        n as i64,
                    )
                };
            }
            for &v in voices {
                run_voices(
                    &self.graph,
                    v,
                    &self.voice_consts,
                    buffers,
                    sounds,
                    block,
                    n,
                );
            }
        }
        run_master(&self.graph, buffers, block, n);
    }
}

/// The most signals a sound samples.
const MAX_SAMPLED: usize = 16;

fn run_voices(
    graph: &Graph,
    id: NodeId,
    consts: &[(NodeId, usize, Vec<f32>)],
    buffers: &mut Buffers,
    sounds: &mut SoundPlayer,
    block: usize,
    n: usize,
) {
    let Some(node) = graph.nodes.get(id) else {
        return;
    };
    let crate::ir::Op::Voices { sound } = node.op else {
        return;
    };
    let (before, out) = buffers.split_at(id);
    let mut sampled: [&[f32]; MAX_SAMPLED] = [&[]; MAX_SAMPLED];
    let count = node.inputs.len().min(MAX_SAMPLED);
    for (k, slot) in sampled.iter_mut().enumerate().take(count) {
        *slot = match node.inputs[k] {
            Operand::Node(j) => before.channel(j, 0),
            Operand::Const(_) => consts
                .iter()
                .find(|(node, input, _)| *node == id && *input == k)
                .map_or(&[][..], |(_, _, buf)| buf.as_slice()),
        };
    }
    out.fill(0.0);
    if out.len() < block + n {
        return;
    }
    let (left, right) = out.split_at_mut(block);
    sounds.render(sound, &sampled[..count], &mut left[..n], &mut right[..n]);
}

fn run_master(graph: &Graph, buffers: &mut Buffers, block: usize, n: usize) {
    let id = graph.master;
    let Some(node) = graph.nodes.get(id) else {
        return;
    };
    let (before, out) = buffers.split_at(id);
    out.fill(0.0);
    for c in 0..2 {
        let Some(o) = out.get_mut(c * block..c * block + n) else {
            continue;
        };
        for op in &node.inputs {
            match op {
                Operand::Node(j) => {
                    for (y, x) in o.iter_mut().zip(before.channel(*j, c)) {
                        *y += *x;
                    }
                }
                Operand::Const(k) => {
                    for y in o.iter_mut() {
                        *y += *k;
                    }
                }
            }
        }
    }
}
