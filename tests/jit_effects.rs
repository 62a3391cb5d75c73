//! The JIT's effects (`jit::ops::effects`) against their `dsp::effects` twins: four
//! lanes with different, per-sample modulated parameters, over many blocks of mixed
//! sizes, compared with the `dsp` kernels run lane by lane over the same blocks.

use cranelift_codegen::ir::types::{F32, I64};
use cranelift_codegen::ir::{AbiParam, InstBuilder, UserFuncName};
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_module::{Linkage, Module};

use phonon::dsp::effects as fx;
use phonon::interp::MAX_DELAY_SECONDS;
use phonon::ir::Op;
use phonon::jit::kernel::{self, EmitCtx, StateInit};
use phonon::jit::ops::effects::state_for_channels;
use phonon::jit::single::SingleOp;

/// Block sizes: 12 blocks, 2100 frames.
const BLOCKS: [usize; 12] = [512, 100, 7, 512, 1, 64, 65, 300, 3, 128, 255, 153];

fn total() -> usize {
    BLOCKS.iter().sum()
}

/// A reproducible white noise in -1..1.
fn noise(seed: u32, n: usize) -> Vec<f32> {
    let mut s = seed.wrapping_mul(2_654_435_761).max(1);
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            (s >> 8) as f32 / (1u32 << 23) as f32 - 1.0
        })
        .collect()
}

/// Impulses of height 1 at frame 0 and every `every` frames.
fn impulses(every: usize, n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| if i % every == 0 { 1.0 } else { 0.0 })
        .collect()
}

fn constant(x: f32, n: usize) -> Vec<f32> {
    vec![x; n]
}

/// `centre + swing · sin(2π·i/period)`, per sample.
fn sweep(centre: f32, swing: f32, period: f32, n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| centre + swing * (std::f32::consts::TAU * i as f32 / period).sin())
        .collect()
}

/// Parameters cycling through edge values (NaN, infinities, zeros, huge, negative).
fn edges(offset: usize, n: usize) -> Vec<f32> {
    let v = [
        0.0,
        -0.0,
        f32::NAN,
        1e30,
        -1e30,
        f32::INFINITY,
        f32::NEG_INFINITY,
        -5.0,
        0.5,
        1.0,
        3.0,
        1e-7,
        25.0,
    ];
    (0..n).map(|i| v[(i / 3 + offset) % v.len()]).collect()
}

/// One lane's `dsp` kernel.
enum Reference {
    Delay(fx::Delay),
    Reverb(Box<fx::Reverb>),
    Distortion,
    Bitcrush(fx::Bitcrush),
    Chorus(fx::Chorus),
    Compressor(fx::Compressor),
}

impl Reference {
    fn new(op: Op, sr: f32, channel: usize) -> Reference {
        match op {
            Op::Delay => Reference::Delay(fx::Delay::new(sr, MAX_DELAY_SECONDS)),
            Op::Reverb => Reference::Reverb(Box::new(fx::Reverb::new(sr, channel))),
            Op::Distortion => Reference::Distortion,
            Op::Bitcrush => Reference::Bitcrush(fx::Bitcrush::new()),
            Op::Chorus => Reference::Chorus(fx::Chorus::new(sr, channel)),
            Op::Compressor => Reference::Compressor(fx::Compressor::new(sr)),
            _ => panic!("not an effect: {op:?}"),
        }
    }

    fn run(&mut self, x: &[&[f32]], out: &mut [f32]) {
        match self {
            Reference::Delay(s) => fx::delay(s, x[0], x[1], x[2], x[3], out),
            Reference::Reverb(s) => fx::reverb(s, x[0], x[1], x[2], x[3], out),
            Reference::Distortion => fx::distortion(x[0], x[1], x[2], out),
            Reference::Bitcrush(s) => fx::bitcrush(s, x[0], x[1], x[2], out),
            Reference::Chorus(s) => fx::chorus(s, x[0], x[1], x[2], x[3], out),
            Reference::Compressor(s) => fx::compressor(s, x[0], x[1], x[2], out),
        }
    }
}

/// A block runner: either the library's harness or the channel-aware one below.
trait Runner {
    fn run(&mut self, inputs: &[[&[f32]; 4]], frames: usize) -> [Vec<f32>; 4];
}

impl Runner for SingleOp {
    fn run(&mut self, inputs: &[[&[f32]; 4]], frames: usize) -> [Vec<f32>; 4] {
        SingleOp::run(self, inputs, frames)
    }
}

/// The largest difference between the JIT and the `dsp` kernels, and how many
/// samples were not bit-identical (NaN matching NaN counts as identical).
#[derive(Debug, Default)]
struct Diff {
    max: f32,
    inexact: usize,
    jit_nonfinite: usize,
}

/// Runs `op` over `BLOCKS` on the JIT (`jit`) and on the `dsp` kernels (lane `l` on
/// channel `channels[l]`) with `inputs[k][lane]` full-length signals.
fn compare(
    jit: &mut dyn Runner,
    op: Op,
    sr: f32,
    channels: [usize; 4],
    inputs: &[[Vec<f32>; 4]],
) -> Diff {
    let mut refs: Vec<Reference> = channels
        .iter()
        .map(|&c| Reference::new(op, sr, c))
        .collect();
    let mut diff = Diff::default();
    let mut at = 0;
    for &n in &BLOCKS {
        let block: Vec<[&[f32]; 4]> = inputs
            .iter()
            .map(|lanes| std::array::from_fn(|l| &lanes[l][at..at + n]))
            .collect();
        let got = jit.run(&block, n);
        for (l, r) in refs.iter_mut().enumerate() {
            let ins: Vec<&[f32]> = block.iter().map(|lanes| lanes[l]).collect();
            let mut want = vec![0.0f32; n];
            r.run(&ins, &mut want);
            for i in 0..n {
                let (g, w) = (got[l][i], want[i]);
                if !g.is_finite() {
                    diff.jit_nonfinite += 1;
                }
                if g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()) {
                    continue;
                }
                diff.inexact += 1;
                let d = (g - w).abs();
                diff.max = if d.is_nan() {
                    f32::INFINITY
                } else {
                    diff.max.max(d)
                };
            }
        }
        at += n;
    }
    diff
}

fn check(name: &str, op: Op, sr: f32, inputs: Vec<[Vec<f32>; 4]>) -> Diff {
    let mut jit = SingleOp::new(op, [op; 4], inputs.len(), sr).unwrap_or_else(|e| panic!("{e}"));
    let d = compare(&mut jit, op, sr, [0; 4], &inputs);
    report(name, &d);
    d
}

fn report(name: &str, d: &Diff) {
    println!(
        "{name}: max |jit - dsp| = {:e}, {} samples not bit-identical",
        d.max, d.inexact
    );
    assert!(d.max <= 1e-5, "{name}: {d:?}");
}

fn bit_exact(name: &str, d: &Diff) {
    assert_eq!(d.inexact, 0, "{name}: {d:?}");
}

#[test]
fn delay_matches_dsp() {
    for sr in [44_100.0, 200.0] {
        let n = total();
        let x = [
            impulses(300, n),
            noise(1, n),
            impulses(777, n),
            noise(2, n).iter().map(|v| v * 1e3).collect(),
        ];
        let time = [
            constant(0.0071, n),
            sweep(0.005, 0.004, 333.0, n),
            constant(0.0, n),
            sweep(2.0, 1.9, 1500.0, n),
        ];
        let fb = [
            constant(0.5, n),
            constant(0.999, n),
            constant(1.0, n),
            sweep(0.0, 1.2, 91.0, n),
        ];
        let mix = [
            constant(0.5, n),
            constant(1.0, n),
            sweep(0.5, 0.6, 50.0, n),
            constant(0.3, n),
        ];
        let d = check(
            &format!("delay @{sr}"),
            Op::Delay,
            sr,
            vec![x, time, fb, mix],
        );
        bit_exact("delay", &d);
        assert_eq!(d.jit_nonfinite, 0);
    }
}

#[test]
fn reverb_matches_dsp() {
    for sr in [44_100.0, 8_000.0] {
        let n = total();
        let x = [impulses(1000, n), noise(3, n), noise(4, n), impulses(1, n)];
        let room = [
            constant(0.5, n),
            constant(1.0, n),
            sweep(0.5, 0.6, 700.0, n),
            constant(0.0, n),
        ];
        let damp = [
            constant(0.5, n),
            sweep(0.5, 0.6, 300.0, n),
            constant(0.0, n),
            constant(1.0, n),
        ];
        let mix = [
            constant(1.0, n),
            constant(0.3, n),
            sweep(0.5, 0.5, 64.0, n),
            constant(0.7, n),
        ];
        let d = check(
            &format!("reverb @{sr}"),
            Op::Reverb,
            sr,
            vec![x, room, damp, mix],
        );
        bit_exact("reverb", &d);
    }
}

#[test]
fn distortion_matches_dsp() {
    let n = total();
    let x = [
        noise(5, n),
        sweep(0.0, 1.0, 100.0, n),
        noise(6, n),
        noise(7, n),
    ];
    let drive = [
        constant(1.0, n),
        sweep(10.0, 9.0, 77.0, n),
        constant(0.0, n),
        constant(1e7, n),
    ];
    let mix = [
        constant(1.0, n),
        constant(0.5, n),
        constant(1.0, n),
        sweep(0.5, 0.7, 31.0, n),
    ];
    let d = check("distortion", Op::Distortion, 44_100.0, vec![x, drive, mix]);
    bit_exact("distortion", &d);
}

#[test]
fn bitcrush_matches_dsp() {
    let n = total();
    let x = [
        noise(8, n),
        sweep(0.0, 1.0, 200.0, n),
        noise(9, n),
        noise(10, n),
    ];
    let bits = [
        constant(4.0, n),
        sweep(12.0, 11.5, 97.0, n),
        constant(f32::NAN, n),
        constant(30.0, n),
    ];
    let rate = [
        constant(0.25, n),
        constant(1.0, n),
        sweep(0.3, 0.29, 123.0, n),
        constant(1e-7, n),
    ];
    let d = check("bitcrush", Op::Bitcrush, 44_100.0, vec![x, bits, rate]);
    bit_exact("bitcrush", &d);
}

#[test]
fn chorus_matches_dsp() {
    for sr in [44_100.0, 1_000.0, 50.0, 1.0] {
        let n = total();
        let x = [
            noise(11, n),
            impulses(50, n),
            noise(12, n),
            sweep(0.0, 1.0, 40.0, n),
        ];
        let rate = [
            constant(0.5, n),
            constant(5.0, n),
            constant(1000.0, n),
            sweep(50.0, 49.0, 333.0, n),
        ];
        let depth = [
            constant(1.0, n),
            sweep(0.5, 0.6, 100.0, n),
            constant(0.3, n),
            constant(1.0, n),
        ];
        let mix = [
            constant(0.5, n),
            constant(1.0, n),
            constant(0.0, n),
            sweep(0.5, 0.6, 80.0, n),
        ];
        let d = check(
            &format!("chorus @{sr}"),
            Op::Chorus,
            sr,
            vec![x, rate, depth, mix],
        );
        bit_exact("chorus", &d);
    }
}

#[test]
fn compressor_matches_dsp() {
    let n = total();
    let env = sweep(0.5, 0.5, 900.0, n);
    let x = [
        noise(13, n).iter().zip(&env).map(|(a, b)| a * b).collect(),
        sweep(0.0, 1.0, 100.0, n),
        noise(14, n),
        impulses(100, n),
    ];
    let threshold = [
        constant(-20.0, n),
        sweep(-12.0, 12.0, 150.0, n),
        constant(0.0, n),
        constant(-60.0, n),
    ];
    let ratio = [
        constant(4.0, n),
        constant(f32::INFINITY, n),
        sweep(10.0, 9.5, 211.0, n),
        constant(1.0, n),
    ];
    let d = check(
        "compressor",
        Op::Compressor,
        44_100.0,
        vec![x, threshold, ratio],
    );
    bit_exact("compressor", &d);
}

/// Edge parameters (NaN, infinities, zeros, huge, negative) per sample: the same as
/// the dsp kernels, and finite for finite input.
#[test]
fn edge_parameters_match_dsp_and_stay_finite() {
    let n = total();
    for op in [
        Op::Delay,
        Op::Reverb,
        Op::Distortion,
        Op::Bitcrush,
        Op::Chorus,
        Op::Compressor,
    ] {
        let k = op.input_names().map_or(0, |v| v.len());
        let mut inputs = vec![[noise(20, n), impulses(64, n), noise(21, n), noise(22, n)]];
        for j in 1..k {
            inputs.push(std::array::from_fn(|l| edges(j * 5 + l * 2, n)));
        }
        let d = check(&format!("{} edges", op.name()), op, 44_100.0, inputs);
        bit_exact(op.name(), &d);
        assert_eq!(d.jit_nonfinite, 0, "{}: {d:?}", op.name());
    }
}

/// Non-finite input: the JIT still does what the dsp kernels do (the delay line and
/// the compressor recover).
#[test]
fn non_finite_input_matches_dsp() {
    let n = total();
    let mut x = noise(30, n);
    x[5] = f32::NAN;
    x[600] = f32::INFINITY;
    x[900] = f32::NEG_INFINITY;
    x[1300] = 1e38;
    for op in [Op::Delay, Op::Distortion, Op::Bitcrush, Op::Compressor] {
        let k = op.input_names().map_or(0, |v| v.len());
        let mut inputs = vec![[x.clone(), x.clone(), x.clone(), x.clone()]];
        let params: [f32; 4] = [0.01, 0.5, 0.5, 0.5];
        for &p in params.iter().take(k).skip(1) {
            inputs.push(std::array::from_fn(|l| constant(p * (l + 1) as f32, n)));
        }
        let d = check(
            &format!("{} non-finite input", op.name()),
            op,
            44_100.0,
            inputs,
        );
        bit_exact(op.name(), &d);
    }
}

#[test]
fn memory_and_state_layouts() {
    use phonon::jit::ops::effects::memory_bytes;
    let sr = 48_000.0;
    let (_, _, len) = fx::Delay::dims(sr, MAX_DELAY_SECONDS);
    assert_eq!(memory_bytes(Op::Delay, sr), len * 4);
    assert_eq!(memory_bytes(Op::Distortion, sr), 0);
    let (l, la) = fx::Reverb::line_lengths(sr, 0);
    let (r, ra) = fx::Reverb::line_lengths(sr, 1);
    let right: usize = r.iter().chain(&ra).sum();
    assert!(r.iter().zip(&l).all(|(r, l)| r >= l) && ra.iter().zip(&la).all(|(r, l)| r >= l));
    assert_eq!(memory_bytes(Op::Reverb, sr), right * 4);
    let s = state_for_channels(Op::Reverb, [0, 1, 0, 1], sr).unwrap();
    assert_eq!(s.len(), 32);
    assert_eq!(
        s[20],
        StateInit::I32([
            (l[0] * 4) as i32,
            (r[0] * 4) as i32,
            (l[0] * 4) as i32,
            (r[0] * 4) as i32
        ])
    );
    let s = state_for_channels(Op::Chorus, [1, 0, 0, 1], sr).unwrap();
    assert_eq!(s[1], StateInit::F64([0.25, 0.0]));
    assert_eq!(s[2], StateInit::F64([0.0, 0.25]));
    assert_eq!(
        phonon::jit::single::initial_state(Op::Chorus, [Op::Chorus; 4], sr),
        state_for_channels(Op::Chorus, [0; 4], sr).unwrap()
    );
    assert!(state_for_channels(Op::Saw, [0; 4], sr).is_none());
}

// ---------------------------------------------------------------------------------
// Lanes on different channels: `SingleOp` always starts from `kernel::state` (every
// lane on channel 0), so this harness compiles the same loop with the state of
// `state_for_channels`.

type KernelFn = unsafe extern "C" fn(*const *const f32, *const *mut f32, *mut u8, *mut u8, i64);

struct ChannelOp {
    _module: cranelift_jit::JITModule,
    func: KernelFn,
    state: Vec<u128>,
    memory: Vec<u128>,
}

impl ChannelOp {
    fn new(op: Op, channels: [usize; 4], inputs: usize, sample_rate: f32) -> ChannelOp {
        let mut module = phonon::jit::new_module(true).unwrap();
        let ptr = module.target_config().pointer_type();
        let mut sig = module.make_signature();
        for _ in 0..4 {
            sig.params.push(AbiParam::new(ptr));
        }
        sig.params.push(AbiParam::new(I64));
        let id = module
            .declare_function("channels", Linkage::Local, &sig)
            .unwrap();
        let mut ctx = Context::new();
        ctx.func.signature = sig;
        ctx.func.name = UserFuncName::user(0, id.as_u32());
        let inits = state_for_channels(op, channels, sample_rate).unwrap();
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
            let flags = cranelift_codegen::ir::MemFlagsData::new().with_notrap();
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
            let i_var = b.declare_var(I64);
            let zero = b.ins().iconst(I64, 0);
            b.def_var(i_var, zero);
            let head = b.create_block();
            let body = b.create_block();
            let exit = b.create_block();
            b.ins().jump(head, &[]);
            b.switch_to_block(head);
            let i = b.use_var(i_var);
            let more = b.ins().icmp(
                cranelift_codegen::ir::condcodes::IntCC::SignedLessThan,
                i,
                frames,
            );
            b.ins().brif(more, body, &[], exit, &[]);
            b.switch_to_block(body);
            let i = b.use_var(i_var);
            let byte = b.ins().ishl_imm_u(i, 2);
            let mut values = Vec::with_capacity(inputs);
            for k in 0..inputs {
                let mut v = phonon::jit::approx::splat(&mut b, 0.0);
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
            let out = kernel::emit(&mut cx, op, &values).unwrap();
            for lane in 0..4u8 {
                let x = b.ins().extractlane(out, lane);
                let p = b.ins().load(ptr, flags, outs_p, (lane as usize * 8) as i32);
                let addr = b.ins().iadd(p, byte);
                b.ins().store(flags, x, addr, 0);
            }
            let next = b.ins().iadd_imm_s(i, 1);
            b.def_var(i_var, next);
            b.ins().jump(head, &[]);
            b.switch_to_block(exit);
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
        module.define_function(id, &mut ctx).unwrap();
        module.clear_context(&mut ctx);
        module.finalize_definitions().unwrap();
        let code = module.get_finalized_function(id);
        // SAFETY: the function was declared with exactly this signature above.
        let func = unsafe { std::mem::transmute::<*const u8, KernelFn>(code) };
        ChannelOp {
            _module: module,
            func,
            state: inits
                .iter()
                .map(|init| u128::from_le_bytes(init.bytes()))
                .collect(),
            memory: vec![0u128; mem_bytes * 4 / 16],
        }
    }
}

impl Runner for ChannelOp {
    fn run(&mut self, inputs: &[[&[f32]; 4]], frames: usize) -> [Vec<f32>; 4] {
        let mut out: [Vec<f32>; 4] = std::array::from_fn(|_| vec![0.0f32; frames]);
        let in_ptrs: Vec<*const f32> = inputs
            .iter()
            .flat_map(|lanes| {
                lanes.iter().map(|s| {
                    assert!(s.len() >= frames);
                    s.as_ptr()
                })
            })
            .collect();
        let out_ptrs: Vec<*mut f32> = out.iter_mut().map(|v| v.as_mut_ptr()).collect();
        // SAFETY: every pointer covers `frames` samples; the state and memory blocks
        // are the sizes the kernel asked for.
        unsafe {
            (self.func)(
                in_ptrs.as_ptr(),
                out_ptrs.as_ptr(),
                self.state.as_mut_ptr().cast::<u8>(),
                self.memory.as_mut_ptr().cast::<u8>(),
                frames as i64,
            )
        };
        out
    }
}

#[test]
fn reverb_and_chorus_lanes_on_either_channel_match_dsp() {
    let n = total();
    let channels = [0, 1, 1, 0];
    for sr in [44_100.0, 11_025.0] {
        let x = [
            noise(40, n),
            noise(40, n),
            impulses(500, n),
            impulses(500, n),
        ];
        let a = [
            constant(0.8, n),
            constant(0.8, n),
            sweep(0.5, 0.5, 300.0, n),
            sweep(0.5, 0.5, 300.0, n),
        ];
        let b = [
            constant(0.3, n),
            constant(0.3, n),
            constant(1.0, n),
            constant(1.0, n),
        ];
        let mix = [
            constant(1.0, n),
            constant(1.0, n),
            constant(0.5, n),
            constant(0.5, n),
        ];
        let inputs = vec![x, a, b, mix];
        let mut jit = ChannelOp::new(Op::Reverb, channels, 4, sr);
        let d = compare(&mut jit, Op::Reverb, sr, channels, &inputs);
        report(&format!("reverb channels {channels:?} @{sr}"), &d);
        bit_exact("reverb channels", &d);
        let rate: [Vec<f32>; 4] = std::array::from_fn(|l| constant(0.5 + l as f32, n));
        let inputs = vec![
            inputs[0].clone(),
            rate,
            inputs[2].clone(),
            inputs[3].clone(),
        ];
        let mut jit = ChannelOp::new(Op::Chorus, channels, 4, sr);
        let d = compare(&mut jit, Op::Chorus, sr, channels, &inputs);
        report(&format!("chorus channels {channels:?} @{sr}"), &d);
        bit_exact("chorus channels", &d);
    }
}

/// The right channel's reverb really differs from the left one (the test above would
/// otherwise prove little).
#[test]
fn channels_change_the_output() {
    let n = total();
    let x: [Vec<f32>; 4] = std::array::from_fn(|_| noise(50, n));
    let c = |v: f32| -> [Vec<f32>; 4] { std::array::from_fn(|_| constant(v, n)) };
    let inputs = [x, c(0.8), c(0.3), c(1.0)];
    let mut jit = ChannelOp::new(Op::Reverb, [0, 1, 0, 1], 4, 44_100.0);
    let refs: Vec<[&[f32]; 4]> = inputs
        .iter()
        .map(|lanes| std::array::from_fn(|l| lanes[l].as_slice()))
        .collect();
    let out = Runner::run(&mut jit, &refs, n);
    assert_eq!(out[0], out[2]);
    assert_eq!(out[1], out[3]);
    assert_ne!(out[0], out[1]);
}

/// Time of the JIT (four lanes at once) against the dsp kernels (four lanes one after
/// the other) per effect: `cargo test --release --test jit_effects -- --ignored
/// --nocapture`.
#[test]
#[ignore]
fn speed_report() {
    let sr = 44_100.0;
    let n = 512;
    let blocks = 400;
    for op in [
        Op::Delay,
        Op::Reverb,
        Op::Distortion,
        Op::Bitcrush,
        Op::Chorus,
        Op::Compressor,
    ] {
        let k = op.input_names().map_or(0, |v| v.len());
        let mut inputs: Vec<[Vec<f32>; 4]> = vec![std::array::from_fn(|l| noise(l as u32, n))];
        for j in 1..k {
            inputs.push(std::array::from_fn(|l| {
                sweep(0.3, 0.1, 100.0 + (j + l) as f32, n)
            }));
        }
        let block: Vec<[&[f32]; 4]> = inputs
            .iter()
            .map(|lanes| std::array::from_fn(|l| lanes[l].as_slice()))
            .collect();
        let mut jit = SingleOp::new(op, [op; 4], k, sr).unwrap();
        let t = std::time::Instant::now();
        for _ in 0..blocks {
            std::hint::black_box(jit.run(&block, n));
        }
        let tj = t.elapsed();
        let mut refs: Vec<Reference> = (0..4).map(|_| Reference::new(op, sr, 0)).collect();
        let mut out = vec![0.0f32; n];
        let t = std::time::Instant::now();
        for _ in 0..blocks {
            for (l, r) in refs.iter_mut().enumerate() {
                let ins: Vec<&[f32]> = block.iter().map(|lanes| lanes[l]).collect();
                r.run(&ins, &mut out);
                std::hint::black_box(&out);
            }
        }
        let td = t.elapsed();
        println!(
            "{:>10}: jit {:>8.1?}  dsp {:>8.1?}  (dsp/jit {:.2})",
            op.name(),
            tj,
            td,
            td.as_secs_f64() / tj.as_secs_f64()
        );
    }
}
