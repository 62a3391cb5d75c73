//! The JIT engine: runs a compiled plan's stages block by block.
//!
//! Each stage is a set of independent items: native functions over the runtime's
//! buffer arena (one per loop group of packs) and runtime calls (the `voices` nodes,
//! in Rust); the master sums the outputs at the end, as in the interpreter. With a
//! crew of workers (`Config::threads` > 1) a stage whose estimated work pays for the
//! hand-off ([`crate::parallel`]) runs its items on the crew and the calling thread,
//! each thread taking the next item; otherwise they run
//! in order on the calling thread. Either way each item computes exactly what it
//! computes alone, so the output is bit-identical.
//!
//! Why the items of a stage may run at the same time (the safety argument for the
//! shared raw pointers): within a stage nothing depends on anything else (stages are
//! the levels of the dependency DAG). A group function reads the buffers of nodes
//! computed in earlier stages or by the feed (none of which is written during the
//! stage) and writes only its own regions' output buffers (each node belongs to one
//! region, each region to one pack, each pack to one group); its state variables and
//! delay lines were laid out for its packs alone (disjoint 16-byte slots of the
//! state block, disjoint ranges of the memory block). A voices call likewise reads
//! earlier buffers, writes only its own node's buffer and mutates only its own
//! sound's slot of the `SoundPlayer` (a stage runs in parallel only if its voice
//! calls play different sounds).

use std::sync::Arc;
use std::time::Duration;

use super::codegen::{self, CodegenTimings, StageFn};
use super::voice::{JitVoices, VoiceCode};
use super::JitError;
use crate::ir::{Graph, Operand};
use crate::parallel::SendPtr;
use crate::passes::{Item, Plan};
use crate::runtime::sounds::{SoundSlot, MAX_SAMPLED};
use crate::runtime::{BlockContext, Buffers, Config, Engine, Layout, SoundPlayer};

/// How long each phase of compiling took.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CompileTimings {
    /// Parsing, checking, evaluating and lowering the patch (filled by the caller:
    /// [`crate::program::jit_engine_from_source`]).
    pub front: Duration,
    /// The optimising passes (filled by the caller: [`crate::program::jit_engine`]).
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
    pub(super) graph: Arc<Graph>,
    stages: Vec<Stage>,
    pub(super) state: Vec<u128>,
    pub(super) memory: Vec<u128>,
    /// Where each node's state and memory live in `state` and `memory` (`jit::carry`).
    pub(super) state_map: Arc<codegen::StateMap>,
    /// The buffer arena the functions were compiled for.
    layout: Layout,
    /// Keeps the code alive as long as the engine.
    _module: cranelift_jit::JITModule,
    clif: Vec<String>,
    timings: CompileTimings,
    /// A block-long buffer for every constant input of a `voices` node (a sampled
    /// control whose signal the passes folded to a constant).
    voice_consts: Vec<Vec<f32>>,
    /// Every voice definition of the graph (`Graph::voices`), compiled.
    voice_defs: Vec<Arc<VoiceCode>>,
}

/// One stage: its loop groups and voice calls, and what the cost model knows of it.
struct Stage {
    /// Group functions with their estimated nanoseconds per frame.
    groups: Vec<(StageFn, f64)>,
    voices: Vec<VoiceCall>,
    /// Whether the voice calls play different sounds (else never in parallel).
    distinct_sounds: bool,
}

/// Where a sampled control of a voices call comes from.
#[derive(Clone, Copy)]
enum VoiceInput {
    /// A node's first channel, at this offset in the arena.
    Buffer(usize),
    /// `voice_consts[k]`.
    Const(usize),
}

/// A `voices` node, with its buffers resolved to arena offsets.
struct VoiceCall {
    sound: usize,
    inputs: Vec<VoiceInput>,
    /// The node's output (two channels), at this offset in the arena.
    out: usize,
    /// Samples of the node's output buffer.
    out_len: usize,
}

// SAFETY: the engine owns its code (the module) and its state and memory blocks;
// nothing in it is shared with another thread except while `run` runs a stage's
// items in parallel, under the argument in the module documentation.
unsafe impl Send for JitEngine {}

impl JitEngine {
    /// Compiles `plan` for buffers laid out for its graph with `config`'s block.
    pub fn new(plan: &Plan, config: &Config, options: JitOptions) -> Result<JitEngine, JitError> {
        let buffers = Buffers::new(&plan.graph, config.block.max(1));
        let compiled = codegen::generate(
            plan,
            &buffers,
            config.sample_rate as f32,
            options.verify,
            options.keep_clif,
        )?;
        let block = config.block.max(1);
        let voice_defs = plan
            .graph
            .voices
            .iter()
            .map(|def| {
                VoiceCode::compile(def, block, config.sample_rate as f32, options.verify)
                    .map(Arc::new)
            })
            .collect::<Result<Vec<_>, JitError>>()?;
        let mut voice_consts = Vec::new();
        let mut stages = Vec::with_capacity(plan.stages.len());
        for (items, groups) in plan.stages.iter().zip(compiled.functions) {
            let groups = groups
                .iter()
                .map(|g| {
                    let ns: f64 = g.packs.iter().map(|p| plan.pack_cost(*p)).sum();
                    (g.function, ns)
                })
                .collect();
            let mut voices: Vec<VoiceCall> = Vec::new();
            for item in items {
                let Item::Voices(id) = item else { continue };
                let Some(node) = plan.graph.nodes.get(*id) else {
                    continue;
                };
                let crate::ir::Op::Voices { sound } = node.op else {
                    continue;
                };
                let inputs = node
                    .inputs
                    .iter()
                    .take(MAX_SAMPLED)
                    .map(|op| match op {
                        Operand::Node(j) => VoiceInput::Buffer(buffers.offset(*j)),
                        Operand::Const(c) => {
                            voice_consts.push(vec![*c; block]);
                            VoiceInput::Const(voice_consts.len() - 1)
                        }
                    })
                    .collect();
                voices.push(VoiceCall {
                    sound,
                    inputs,
                    out: buffers.offset(*id),
                    out_len: node.channels * block,
                });
            }
            let mut sounds: Vec<usize> = voices.iter().map(|v| v.sound).collect();
            sounds.sort_unstable();
            sounds.dedup();
            let distinct_sounds = sounds.len() == voices.len();
            let mut groups: Vec<(StageFn, f64)> = groups;
            groups.sort_by(|a, b| b.1.total_cmp(&a.1));
            stages.push(Stage {
                groups,
                voices,
                distinct_sounds,
            });
        }
        Ok(JitEngine {
            voice_consts,
            voice_defs,
            graph: Arc::new(plan.graph.clone()),
            stages,
            layout: buffers.layout(),
            state: compiled.state,
            memory: vec![0u128; compiled.memory_units],
            state_map: Arc::new(compiled.state_map),
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

impl Engine for JitEngine {

    fn graph(&self) -> &Arc<Graph> {
        &self.graph
    }

    fn layout(&self) -> Layout {
        self.layout
    }

    fn voice_kernel(
        &self,
        def: usize,
        voices: usize,
    ) -> Option<Box<dyn crate::runtime::voice_defs::VoiceKernel>> {
        let code = self.voice_defs.get(def)?;
        Some(Box::new(JitVoices::new(code.clone(), voices)))
    }

    fn run(&mut self, ctx: &BlockContext<'_>, buffers: &mut Buffers, sounds: &mut SoundPlayer) {
        let n = ctx.frames;
        let block = buffers.block();
        if buffers.layout() != self.layout || n > block {
            // Not the layout the code was compiled for: nothing can run safely. A
            // runtime never gets here (`Runtime::new` refuses such an engine); this
            // guards the unsafe calls below against any other caller of `run`.
            return;
        }
        let arena = SendPtr(buffers.as_mut_ptr());
        let state = SendPtr(self.state.as_mut_ptr().cast::<u8>());
        let memory = SendPtr(self.memory.as_mut_ptr().cast::<u8>());
        let (bank, slots) = sounds.slots_mut();
        let slot_count = slots.len();
        let slots = SendPtr(slots.as_mut_ptr());
        let consts = &self.voice_consts;
        let arena_len = self.layout.samples;
        for stage in &self.stages {
            let run_group = |f: StageFn| {
                // SAFETY: the function was compiled for this buffer layout (checked
                // above: same arena size, from the same graph and config) and block
                // size, with the state and memory blocks allocated from the same
                // plan; it touches frames 0..n <= block of the buffers it was given
                // offsets for. Run alongside other items of its stage, it touches
                // only its own outputs, state and memory (module documentation).
                unsafe { f(arena.get(), state.get(), memory.get(), n as i64) };
            };
            let run_call = |call: &VoiceCall| {
                if call.sound >= slot_count {
                    return;
                }
                // SAFETY: `call.sound` < the slots' length; in a parallel stage the
                // calls play distinct sounds, so no two tasks hold the same slot.
                let slot = unsafe { &mut *slots.get().add(call.sound) };
                // SAFETY: the arena is `arena_len` samples (checked above); the call
                // reads earlier nodes' buffers and writes its own (disjoint from every
                // other item's writes in this stage).
                unsafe { run_voices(call, arena, arena_len, consts, slot, bank, block, n) };
            };
            let items = stage.groups.len() + stage.voices.len();
            let crew = ctx.crew.filter(|_| {
                items > 1 && stage.distinct_sounds && {
                    let (total, max) = stage_estimate(stage, slots, slot_count, n);
                    crate::parallel::pays(total, max)
                }
            });
            if let Some(crew) = crew {
                // Voice calls first (their cost varies), then the groups, costliest
                // first, so that the last items taken are the small ones.
                crate::parallel::run_items(crew, items, &|i| match stage.voices.get(i) {
                    Some(call) => run_call(call),
                    None => {
                        if let Some((f, _)) = stage.groups.get(i - stage.voices.len()) {
                            run_group(*f)
                        }
                    }
                });
            } else {
                for (f, _) in &stage.groups {
                    run_group(*f);
                }
                for call in &stage.voices {
                    run_call(call);
                }
            }
        }
        run_master(&self.graph, buffers, block, n);
    }
}

/// A stage's estimated work for `n` frames (total and largest item, nanoseconds):
/// its packs' costs, and its voice calls' sounding and starting voices.
fn stage_estimate(
    stage: &Stage,
    slots: SendPtr<SoundSlot>,
    slot_count: usize,
    n: usize,
) -> (f64, f64) {
    let mut total = 0.0;
    let mut max: f64 = 0.0;
    for (_, ns) in &stage.groups {
        let w = ns * n as f64;
        total += w;
        max = max.max(w);
    }
    for call in &stage.voices {
        if call.sound >= slot_count {
            continue;
        }
        // SAFETY: read-only look at a slot before any task of this stage runs.
        let slot = unsafe { &*slots.get().add(call.sound) };
        let voices = (slot.active() + slot.pending_len()) as f64;
        let w = voices * crate::parallel::VOICE_NS_PER_FRAME * n as f64;
        total += w;
        max = max.max(w);
    }
    (total, max)
}

/// Runs one voices call over raw arena pointers.
///
/// # Safety
/// `arena` points to `arena_len` samples; no other thread writes the buffers this
/// call reads or touches the buffer it writes while it runs.
#[allow(clippy::too_many_arguments)]
unsafe fn run_voices(
    call: &VoiceCall,
    arena: SendPtr<f32>,
    arena_len: usize,
    consts: &[Vec<f32>],
    slot: &mut SoundSlot,
    bank: &crate::samples::SampleBank,
    block: usize,
    n: usize,
) {
    let mut sampled: [&[f32]; MAX_SAMPLED] = [&[]; MAX_SAMPLED];
    let count = call.inputs.len().min(MAX_SAMPLED);
    for (slot_in, input) in sampled.iter_mut().zip(&call.inputs) {
        *slot_in = match *input {
            VoiceInput::Buffer(off) if off + block <= arena_len => {
                // SAFETY: in bounds (checked); read only while the stage runs.
                unsafe { std::slice::from_raw_parts(arena.get().add(off), block) }
            }
            VoiceInput::Buffer(_) => &[],
            VoiceInput::Const(k) => consts.get(k).map_or(&[][..], |b| b.as_slice()),
        };
    }
    if call.out + call.out_len > arena_len {
        return;
    }
    // SAFETY: in bounds (checked); this node's own buffer, written by no other item.
    let out = unsafe { std::slice::from_raw_parts_mut(arena.get().add(call.out), call.out_len) };
    out.fill(0.0);
    if out.len() < block + n {
        return;
    }
    let (left, right) = out.split_at_mut(block);
    slot.render(bank, &sampled[..count], &mut left[..n], &mut right[..n]);
}

fn run_master(graph: &Graph, buffers: &mut Buffers, block: usize, n: usize) {
    let Some(node) = graph.nodes.get(graph.master) else {
        return;
    };
    let (before, out) = buffers.split_at(graph.master);
    crate::runtime::mix_master(&node.inputs, before, out, block, n);
}
