//! From a [`Plan`] to native code: one function per loop group of a stage (the groups
//! the plan's `loops` say: one pack, or two packs sharing a loop), so that the groups of
//! a stage, which are independent, can run on different threads.
//!
//! A group function is `fn(buffers: *mut f32, state: *mut u8, memory: *mut u8,
//! frames: i64)`. Buffers are addressed by the runtime arena's fixed offsets (the
//! block size is part of the program). In a pack's loop, each frame computes every
//! node of the region for the four lanes: values computed inside the region stay in
//! registers, inputs from outside are loaded lane by lane, constants are vectors made
//! once before the loop, and the region's outputs are stored lane by lane. The
//! kernels' state is loaded into variables before the loop and stored after it.

use std::time::{Duration, Instant};

use cranelift_codegen::ir::types::{F32, I64};
use cranelift_codegen::ir::{AbiParam, InstBuilder, UserFuncName, Value};
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_jit::JITModule;
use cranelift_module::{FuncId, Linkage, Module};

use super::kernel::{self, EmitCtx, StateInit};
use super::{approx, mem_flags, FrameLoop, JitError};
use crate::ir::{NodeId, Operand};
use crate::passes::Plan;
use crate::runtime::Buffers;

/// The native signature of a group function.
pub type StageFn = unsafe extern "C" fn(*mut f32, *mut u8, *mut u8, i64);

/// Time spent compiling, by phase.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CodegenTimings {
    /// Building Cranelift IR.
    pub build: Duration,
    /// Cranelift's compilation of every function.
    pub compile: Duration,
    /// Linking and making the code executable.
    pub finalize: Duration,
}

/// The compiled stages, with the state and memory blocks they use.
pub struct NativeStages {
    pub module: JITModule,
    /// For every stage, one function per loop group, with the packs it computes (empty
    /// for a stage of runtime calls only).
    pub functions: Vec<Vec<GroupFn>>,
    /// Initial contents of the state block (16 bytes per variable).
    pub state: Vec<u128>,
    /// Size of the memory block, in 16-byte units.
    pub memory_units: usize,
    /// Where each node's state and memory live in those blocks.
    pub state_map: StateMap,
    pub clif: Vec<String>,
    pub timings: CodegenTimings,
}

/// One compiled loop group: its function and the packs it computes.
#[derive(Clone, Debug)]
pub struct GroupFn {
    pub function: StageFn,
    pub packs: Vec<usize>,
}

/// Compiles every stage of `plan` for buffers laid out as `buffers`.
pub fn generate(
    plan: &Plan,
    buffers: &Buffers,
    sample_rate: f32,
    verify: bool,
    keep_clif: bool,
) -> Result<NativeStages, JitError> {
    let mut module = super::new_module(verify)?;
    let ptr = module.target_config().pointer_type();
    let frontend = module.target_config();
    let mut layout = Layout::default();
    let mut functions = Vec::with_capacity(plan.stages.len());
    let mut ids: Vec<Vec<(FuncId, Vec<usize>)>> = Vec::with_capacity(plan.stages.len());
    let mut clif = Vec::new();
    let mut timings = CodegenTimings::default();
    let mut fctx = FunctionBuilderContext::new();
    let mut ctx = Context::new();
    for s in 0..plan.stages.len() {
        let mut stage_ids = Vec::new();
        let groups = plan.loops.get(s).map_or(&[][..], |l| l.as_slice());
        for (g, group) in groups.iter().enumerate() {
            let t0 = Instant::now();
            let mut sig = module.make_signature();
            for _ in 0..3 {
                sig.params.push(AbiParam::new(ptr));
            }
            sig.params.push(AbiParam::new(I64));
            let id = module
                .declare_function(&format!("stage{s}_group{g}"), Linkage::Local, &sig)
                .map_err(JitError::from_module)?;
            ctx.func.signature = sig;
            ctx.func.name = UserFuncName::user(0, id.as_u32());
            {
                let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
                let entry = b.create_block();
                b.append_block_params_for_function_params(entry);
                b.switch_to_block(entry);
                let params = b.block_params(entry).to_vec();
                let args = StageArgs {
                    bufs: params[0],
                    state: params[1],
                    mem: params[2],
                    frames: params[3],
                };
                let code: Vec<PackCode> = group
                    .iter()
                    .map(|p| {
                        prepare_pack(&mut b, plan, *p, buffers, sample_rate, &args, &mut layout)
                    })
                    .collect();
                emit_loop(&mut b, &code, sample_rate, &args)?;
                b.ins().return_(&[]);
                b.seal_all_blocks();
                b.finalize(frontend);
            }
            if keep_clif {
                clif.push(format!("; stage {s}, group {g}\n{}", ctx.func.display()));
            }
            timings.build += t0.elapsed();
            let t1 = Instant::now();
            module
                .define_function(id, &mut ctx)
                .map_err(|e| JitError::Compile(format!("stage {s}, group {g}: {e:?}")))?;
            timings.compile += t1.elapsed();
            module.clear_context(&mut ctx);
            stage_ids.push((id, group.clone()));
        }
        ids.push(stage_ids);
    }
    let t2 = Instant::now();
    module
        .finalize_definitions()
        .map_err(JitError::from_module)?;
    for stage in ids {
        functions.push(
            stage
                .into_iter()
                .map(|(id, packs)| {
                    let code = module.get_finalized_function(id);
                    // SAFETY: every group function was declared with the `StageFn`
                    // signature.
                    let function = unsafe { std::mem::transmute::<*const u8, StageFn>(code) };
                    GroupFn { function, packs }
                })
                .collect(),
        );
    }
    timings.finalize = t2.elapsed();
    Ok(NativeStages {
        module,
        functions,
        state: layout.state,
        memory_units: layout.memory_bytes.div_ceil(16),
        state_map: StateMap {
            sample_rate,
            entries: {
                let mut e = layout.entries;
                e.sort_by_key(|x| (x.node, x.instance));
                e
            },
        },
        clif,
        timings,
    })
}

struct StageArgs {
    bufs: Value,
    state: Value,
    mem: Value,
    frames: Value,
}

/// Where each pack's state variables and memory go.
#[derive(Default)]
struct Layout {
    state: Vec<u128>,
    memory_bytes: usize,
    entries: Vec<StateEntry>,
}

/// Where the state of every instance of every stateful node lives, so that a new
/// program can take over an old one's state (`jit::carry`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StateMap {
    /// The sample rate the program was compiled for (state such as the reverb's line
    /// lengths depends on it).
    pub sample_rate: f32,
    /// Sorted by node, then instance.
    pub entries: Vec<StateEntry>,
}

/// One instance of a node in one lane of a pack: its state variables and memory.
///
/// Lane layout (see `kernel::StateInit`): an `F32`/`I32` variable holds lane `l` in
/// bytes `4l..4l+4`; `F64` variables come in consecutive pairs (lanes 0-1, lanes
/// 2-3), lane `l` in bytes `8(l % 2)..` of the pair's variable `l / 2`. A node's
/// memory is one block per lane, lane `l`'s at `memory + l·memory_bytes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateEntry {
    pub node: NodeId,
    /// The region instance (channel of the region) the lane runs; a mono node in a
    /// stereo region has two instances with the same values.
    pub instance: u8,
    pub lane: u8,
    /// Byte offset of the node's first state variable in the state block.
    pub state: usize,
    /// Number of state variables (16 bytes each, consecutive).
    pub vars: u16,
    /// Byte offset of lane 0's memory block, and the bytes per lane (0: none).
    pub memory: usize,
    pub memory_bytes: usize,
}

impl StateMap {
    /// The entries of node `node`, by instance.
    pub fn of(&self, node: NodeId) -> &[StateEntry] {
        let lo = self.entries.partition_point(|e| e.node < node);
        let hi = self.entries.partition_point(|e| e.node <= node);
        self.entries.get(lo..hi).unwrap_or(&[])
    }
}

/// Where lane `l` of an input comes from.
#[derive(Clone, Copy, PartialEq)]
enum Source {
    /// A value computed earlier in this frame (the `k`th node of the region).
    Inner(usize),
    /// A buffer, at this offset in samples from the arena's start.
    Buffer(usize),
    Const(f32),
}

/// Everything a pack's loop body needs, made before the loop: its state variables,
/// where each input comes from, constant vectors, buffer addresses.
struct PackCode {
    ops: Vec<crate::ir::Op>,
    vars: Vec<Vec<Variable>>,
    var_offsets: Vec<Vec<usize>>,
    sources: Vec<Vec<[Source; 4]>>,
    consts: Vec<Vec<Option<Value>>>,
    bases: Vec<Vec<[Option<Value>; 4]>>,
    out_bases: Vec<Vec<Option<Value>>>,
    mem_bases: Vec<Option<(Value, i64)>>,
}

/// Loads a pack's state and makes its constants and addresses (in the current block,
/// before the loop).
fn prepare_pack(
    b: &mut FunctionBuilder<'_>,
    plan: &Plan,
    pack: usize,
    buffers: &Buffers,
    sample_rate: f32,
    args: &StageArgs,
    layout: &mut Layout,
) -> PackCode {
    let graph = &plan.graph;
    let lanes = &plan.packs[pack].lanes;
    let real = lanes.len();
    // Pad to four lanes with copies of lane 0 (computed, never stored).
    let padded: Vec<(usize, usize)> = (0..4).map(|l| lanes[l.min(real - 1)]).collect();
    let template = &plan.regions[padded[0].0].nodes;
    let node_of = |l: usize, k: usize| -> NodeId { plan.regions[padded[l].0].nodes[k] };
    let block = buffers.block();
    let flags = mem_flags();

    // State variables and memory of every node, and its constant inputs.
    let mut vars: Vec<Vec<Variable>> = Vec::with_capacity(template.len());
    let mut var_offsets: Vec<Vec<usize>> = Vec::with_capacity(template.len());
    let mut mems: Vec<Option<(usize, usize)>> = Vec::with_capacity(template.len());
    for k in 0..template.len() {
        let ops: [crate::ir::Op; 4] = std::array::from_fn(|l| graph.nodes[node_of(l, k)].op);
        // A mono node in a stereo region runs as channel 0 in every lane (the
        // interpreter's one instance), whatever instance the lane is.
        let channels: [usize; 4] = std::array::from_fn(|l| {
            padded[l]
                .1
                .min(graph.nodes[node_of(l, k)].channels.saturating_sub(1))
        });
        let inits: Vec<StateInit> = kernel::state(ops[0], &ops, channels, sample_rate);
        let first_var = layout.state.len() * 16;
        let n_vars = inits.len();
        let mut vs = Vec::with_capacity(inits.len());
        let mut offs = Vec::with_capacity(inits.len());
        for init in inits {
            let off = layout.state.len() * 16;
            layout.state.push(u128::from_le_bytes(init.bytes()));
            let v = b.declare_var(init.ty());
            let x = b.ins().load(init.ty(), flags, args.state, off as i32);
            b.def_var(v, x);
            vs.push(v);
            offs.push(off);
        }
        vars.push(vs);
        var_offsets.push(offs);
        let bytes = kernel::memory_bytes(ops[0], sample_rate);
        let mem_off = layout.memory_bytes;
        if bytes > 0 {
            layout.memory_bytes += bytes * 4;
            mems.push(Some((mem_off, bytes)));
        } else {
            mems.push(None);
        }
        if n_vars > 0 || bytes > 0 {
            // The real lanes only: padding lanes compute copies that are never read.
            for (l, (_, instance)) in padded.iter().enumerate().take(real) {
                layout.entries.push(StateEntry {
                    node: node_of(l, k),
                    instance: u8::try_from(*instance).unwrap_or(u8::MAX),
                    lane: l as u8,
                    state: first_var,
                    vars: u16::try_from(n_vars).unwrap_or(u16::MAX),
                    memory: mem_off,
                    memory_bytes: bytes,
                });
            }
        }
    }
    // Input sources per node, input and lane; constant vectors made before the loop.
    let position = |l: usize, id: NodeId| -> Option<usize> {
        plan.regions[padded[l].0]
            .nodes
            .iter()
            .position(|n| *n == id)
    };
    let mut sources: Vec<Vec<[Source; 4]>> = Vec::with_capacity(template.len());
    for (k, first) in template.iter().enumerate() {
        let n_inputs = graph.nodes[*first].inputs.len();
        let mut per_input = Vec::with_capacity(n_inputs);
        for j in 0..n_inputs {
            let src: [Source; 4] = std::array::from_fn(|l| {
                let id = node_of(l, k);
                match graph.nodes[id].inputs.get(j).copied() {
                    Some(Operand::Const(c)) => Source::Const(c),
                    Some(Operand::Node(src)) => match position(l, src) {
                        Some(p) => Source::Inner(p),
                        None => {
                            let ch = padded[l].1.min(graph.nodes[src].channels.saturating_sub(1));
                            Source::Buffer(buffers.offset(src) + ch * block)
                        }
                    },
                    None => Source::Const(0.0),
                }
            });
            per_input.push(src);
        }
        sources.push(per_input);
    }
    let mut consts: Vec<Vec<Option<Value>>> = Vec::with_capacity(template.len());
    for per_input in &sources {
        let mut row = Vec::with_capacity(per_input.len());
        for src in per_input {
            row.push(const_vector(b, src));
        }
        consts.push(row);
    }
    // Hoisted buffer base addresses.
    let mut bases: Vec<Vec<[Option<Value>; 4]>> = Vec::with_capacity(template.len());
    for per_input in &sources {
        let mut row = Vec::with_capacity(per_input.len());
        for src in per_input {
            let mut lane_bases = [None; 4];
            for (l, s) in src.iter().enumerate() {
                if let Source::Buffer(off) = s {
                    lane_bases[l] = Some(b.ins().iadd_imm_s(args.bufs, (*off * 4) as i64));
                }
            }
            row.push(lane_bases);
        }
        bases.push(row);
    }
    // Output addresses, lane by lane, for stored nodes.
    let stored: Vec<bool> = template
        .iter()
        .map(|id| plan.regions[padded[0].0].outputs.contains(id))
        .collect();
    let mut out_bases: Vec<Vec<Option<Value>>> = Vec::with_capacity(template.len());
    for (k, is_stored) in stored.iter().enumerate() {
        let mut row = Vec::with_capacity(real);
        for (l, (_, channel)) in padded.iter().enumerate().take(real) {
            let id = node_of(l, k);
            let ok = *is_stored && graph.nodes[id].channels > *channel;
            row.push(ok.then(|| {
                let off = buffers.offset(id) + channel * block;
                b.ins().iadd_imm_s(args.bufs, (off * 4) as i64)
            }));
        }
        out_bases.push(row);
    }
    let mem_bases: Vec<Option<(Value, i64)>> = mems
        .iter()
        .map(|m| m.map(|(off, bytes)| (b.ins().iadd_imm_s(args.mem, off as i64), bytes as i64)))
        .collect();
    PackCode {
        ops: template.iter().map(|id| graph.nodes[*id].op).collect(),
        vars,
        var_offsets,
        sources,
        consts,
        bases,
        out_bases,
        mem_bases,
    }
}

/// Emits one loop over the frames computing every pack of `packs` (packs of the same
/// shape, node by node interleaved: two independent chains in one loop give the
/// processor independent work while each waits on its own recurrences), then stores
/// their state.
fn emit_loop(
    b: &mut FunctionBuilder<'_>,
    packs: &[PackCode],
    sample_rate: f32,
    args: &StageArgs,
) -> Result<(), JitError> {
    let flags = mem_flags();
    let nodes = packs.first().map_or(0, |p| p.ops.len());
    let (frame_loop, byte) = FrameLoop::open(b, args.frames);
    let mut values: Vec<Vec<Value>> = vec![Vec::with_capacity(nodes); packs.len()];
    for k in 0..nodes {
        for (pc, vals) in packs.iter().zip(values.iter_mut()) {
            let mut inputs = Vec::with_capacity(pc.sources[k].len());
            for (j, src) in pc.sources[k].iter().enumerate() {
                let v = match (src[0], pc.consts[k][j]) {
                    (_, Some(c)) => c,
                    (Source::Inner(p), _) if src.iter().all(|s| *s == Source::Inner(p)) => vals[p],
                    _ => gather(b, src, &pc.bases[k][j], vals, byte),
                };
                inputs.push(v);
            }
            let op = pc.ops[k];
            let mut cx = EmitCtx {
                b,
                state: &pc.vars[k],
                mem: pc.mem_bases[k],
                sample_rate,
            };
            let v = kernel::emit(&mut cx, op, &inputs)
                .ok_or_else(|| JitError::Unsupported(op.name().to_string()))?;
            for (l, base) in pc.out_bases[k].iter().enumerate() {
                if let Some(base) = base {
                    let x = b.ins().extractlane(v, l as u8);
                    let addr = b.ins().iadd(*base, byte);
                    b.ins().store(flags, x, addr, 0);
                }
            }
            vals.push(v);
        }
    }
    frame_loop.close(b, 1);
    for pc in packs {
        for k in 0..pc.ops.len() {
            let mut cx = EmitCtx {
                b,
                state: &pc.vars[k],
                mem: pc.mem_bases[k],
                sample_rate,
            };
            kernel::end_of_block(&mut cx, pc.ops[k]);
            for (v, off) in pc.vars[k].iter().zip(&pc.var_offsets[k]) {
                let x = b.use_var(*v);
                b.ins().store(flags, x, args.state, *off as i32);
            }
        }
    }
    Ok(())
}

/// A constant input as a vector, when every lane reads a constant.
fn const_vector(b: &mut FunctionBuilder<'_>, src: &[Source; 4]) -> Option<Value> {
    let vals: Vec<f32> = src
        .iter()
        .map(|s| match s {
            Source::Const(c) => Some(*c),
            _ => None,
        })
        .collect::<Option<Vec<f32>>>()?;
    if vals.iter().all(|v| v.to_bits() == vals[0].to_bits()) {
        return Some(approx::splat(b, vals[0]));
    }
    let mut v = approx::splat(b, 0.0);
    for (l, x) in vals.iter().enumerate() {
        let c = b.ins().f32const(*x);
        v = b.ins().insertlane(v, c, l as u8);
    }
    Some(v)
}

/// An input whose lanes come from different places: buffers, inner values, constants.
fn gather(
    b: &mut FunctionBuilder<'_>,
    src: &[Source; 4],
    bases: &[Option<Value>; 4],
    values: &[Value],
    byte: Value,
) -> Value {
    // Four lanes reading the same buffer: one load, splat.
    if let (Source::Buffer(o), Some(base)) = (src[0], bases[0]) {
        if src.iter().all(|s| *s == Source::Buffer(o)) {
            let addr = b.ins().iadd(base, byte);
            let x = b.ins().load(F32, mem_flags(), addr, 0);
            return b.ins().splat(cranelift_codegen::ir::types::F32X4, x);
        }
    }
    let mut v = approx::splat(b, 0.0);
    for l in 0..4 {
        let x = match (src[l], bases[l]) {
            (Source::Buffer(_), Some(base)) => {
                let addr = b.ins().iadd(base, byte);
                b.ins().load(F32, mem_flags(), addr, 0)
            }
            (Source::Inner(p), _) => b.ins().extractlane(values[p], l as u8),
            (Source::Const(c), _) => b.ins().f32const(c),
            (Source::Buffer(_), None) => b.ins().f32const(0.0),
        };
        v = b.ins().insertlane(v, x, l as u8);
    }
    v
}
