//! The JIT's voice kernel (`jit::voice::JitVoices`) against the interpreter's
//! (`interp::InterpVoices`, one voice at a time) on voice definitions built by hand:
//! the same starts, parameter changes and block splits, sample for sample. The JIT
//! runs each voice in a vector lane beside others and splits a group's block at every
//! event of any of its voices; the interpreter splits a voice's block at its own
//! events only. The kernels are twins operation for operation and splitting a block
//! changes nothing, so the outputs are expected to be bit-identical.

use std::sync::Arc;

use phonon::dsp::filter::SvfMode;
use phonon::interp::InterpVoices;
use phonon::ir::voice::{VoiceDef, VoiceParam};
use phonon::ir::{Graph, Node, Op, Operand};
use phonon::jit::voice::{lane_plan, lanes_for, JitVoices, VoiceCode, NARROW_LANES};
use phonon::runtime::voice_defs::VoiceKernel;
use phonon::runtime::Config;

const BLOCK: usize = 512;
const SR: u32 = 44_100;

use Operand::{Const as C, Node as N};

fn node(op: Op, inputs: &[Operand]) -> Node {
    Node {
        op,
        inputs: inputs.to_vec(),
        channels: 1,
        span: None,
    }
}

/// A definition with parameters `params` (name, default) whose graph is `nodes`
/// (channels worked out from the inputs, a reverb stereo) and sound `sound`.
fn def(name: &str, params: &[(&str, f32)], mut nodes: Vec<Node>, sound: Operand) -> VoiceDef {
    for k in 0..nodes.len() {
        let widest = nodes[k]
            .inputs
            .iter()
            .map(|op| match op {
                N(j) => nodes[*j].channels,
                C(_) => 1,
            })
            .max()
            .unwrap_or(1);
        nodes[k].channels = if nodes[k].op == Op::Reverb { 2 } else { widest };
    }
    let master = nodes.len();
    nodes.push(Node {
        op: Op::Master,
        inputs: vec![sound],
        channels: 2,
        span: None,
    });
    VoiceDef {
        name: name.to_string(),
        params: params
            .iter()
            .map(|(n, d)| VoiceParam {
                name: n.to_string(),
                default: *d,
            })
            .collect(),
        graph: Graph {
            nodes,
            outputs: vec![("sound".to_string(), sound)],
            buses: Vec::new(),
            master,
            patterns: Vec::new(),
            sounds: Vec::new(),
            voices: Vec::new(),
            cps: 0.5,
            limit: false,
        },
        span: None,
    }
}

/// `saw freq # lpf cutoff 0.8 * adsr 0.005 0.2 0.4 0.3 gate` (params freq, cutoff,
/// gate; the onset is param 3).
fn pluck() -> VoiceDef {
    let nodes = vec![
        node(Op::Param { index: 0 }, &[]),
        node(Op::Param { index: 1 }, &[]),
        node(Op::Param { index: 2 }, &[]),
        node(Op::Saw, &[N(0)]),
        node(Op::Svf(SvfMode::Low), &[N(3), N(1), C(0.8)]),
        node(Op::Adsr, &[C(0.005), C(0.2), C(0.4), C(0.3), C(0.0), N(2)]),
        node(Op::Mul, &[N(4), N(5)]),
    ];
    def(
        "pluck",
        &[("freq", 440.0), ("cutoff", 2000.0), ("gate", 1.0)],
        nodes,
        N(6),
    )
}

/// `tri freq * ad 0.01 decay + saw (freq * 1.5) * perc 0.2`, both envelopes
/// triggered by the onset (param 2).
fn blip() -> VoiceDef {
    let nodes = vec![
        node(Op::Param { index: 0 }, &[]),
        node(Op::Param { index: 1 }, &[]),
        node(Op::Param { index: 2 }, &[]),
        node(Op::Tri, &[N(0)]),
        node(Op::Ad, &[C(0.01), N(1), N(2)]),
        node(Op::Mul, &[N(3), N(4)]),
        node(Op::Mul, &[N(0), C(1.5)]),
        node(Op::Saw, &[N(6)]),
        node(Op::Perc, &[C(0.2), N(2)]),
        node(Op::Mul, &[N(7), N(8)]),
        node(Op::Add, &[N(5), N(9)]),
    ];
    def("blip", &[("freq", 220.0), ("decay", 0.1)], nodes, N(10))
}

/// A stereo voice: `saw freq * perc 0.3 # reverb room 0.5 0.4 * 0.5` (the onset is
/// param 2).
fn hall() -> VoiceDef {
    let nodes = vec![
        node(Op::Param { index: 0 }, &[]),
        node(Op::Param { index: 1 }, &[]),
        node(Op::Param { index: 2 }, &[]),
        node(Op::Saw, &[N(0)]),
        node(Op::Perc, &[C(0.3), N(2)]),
        node(Op::Mul, &[N(3), N(4)]),
        node(Op::Reverb, &[N(5), N(1), C(0.5), C(0.4)]),
        node(Op::Mul, &[N(6), C(0.5)]),
    ];
    def("hall", &[("freq", 330.0), ("room", 0.7)], nodes, N(7))
}

/// A voice whose sound is its parameter itself (`value * 1` folds to the param).
fn echo() -> VoiceDef {
    let nodes = vec![
        node(Op::Param { index: 0 }, &[]),
        node(Op::Mul, &[N(0), C(1.0)]),
    ];
    def("echo", &[("value", 0.5)], nodes, N(1))
}

/// A voice whose sound is a constant.
fn hum() -> VoiceDef {
    let nodes = vec![node(Op::Param { index: 0 }, &[])];
    def("hum", &[("unused", 3.0)], nodes, C(0.25))
}

fn config() -> Config {
    Config {
        sample_rate: SR,
        block: BLOCK,
        ..Config::default()
    }
}

fn jit(def: &VoiceDef, voices: usize) -> JitVoices {
    let code = VoiceCode::compile(def, BLOCK, SR as f32, true).unwrap_or_else(|e| panic!("{e}"));
    JitVoices::new(Arc::new(code), voices)
}

#[derive(Clone, Debug)]
enum Action {
    Start(Vec<f32>),
    Set(usize, f32),
}

/// Something a pool does to voice `voice` at absolute frame `frame`.
#[derive(Clone, Debug)]
struct Event {
    frame: usize,
    voice: usize,
    action: Action,
}

/// A start as a pool makes it: the parameters with the onset at 1, and the onset
/// back to 0 one frame later.
fn start(events: &mut Vec<Event>, frame: usize, voice: usize, params: &[f32]) {
    let mut p = params.to_vec();
    let onset = p.len();
    p.push(1.0);
    events.push(Event {
        frame,
        voice,
        action: Action::Start(p),
    });
    events.push(Event {
        frame: frame + 1,
        voice,
        action: Action::Set(onset, 0.0),
    });
}

fn set(events: &mut Vec<Event>, frame: usize, voice: usize, param: usize, value: f32) {
    events.push(Event {
        frame,
        voice,
        action: Action::Set(param, value),
    });
}

/// Runs `events` over `blocks` blocks as a pool would: per block and group, the run
/// split at every frame where an event of one of the group's voices falls, the
/// events applied (in the order given) before the run from their frame. Returns
/// the sound of each voice of `record`, channel by channel, over every block.
fn play(
    k: &mut dyn VoiceKernel,
    events: &[Event],
    blocks: usize,
    record: &[usize],
) -> Vec<Vec<Vec<f32>>> {
    let lanes = k.lanes();
    let channels = k.channels();
    let mut out = vec![vec![Vec::with_capacity(blocks * BLOCK); channels]; record.len()];
    for b in 0..blocks {
        let lo = b * BLOCK;
        for g in 0..k.groups() {
            let mine = |e: &&Event| e.voice / lanes == g && (lo..lo + BLOCK).contains(&e.frame);
            let mut cuts: Vec<usize> = events.iter().filter(mine).map(|e| e.frame - lo).collect();
            cuts.push(0);
            cuts.push(BLOCK);
            cuts.sort_unstable();
            cuts.dedup();
            for w in cuts.windows(2) {
                for e in events.iter().filter(mine).filter(|e| e.frame - lo == w[0]) {
                    let lane = e.voice % lanes;
                    match &e.action {
                        Action::Start(p) => k.start(g, lane, p),
                        Action::Set(i, x) => k.set_param(g, lane, *i, *x),
                    }
                }
                k.run(g, w[0], w[1]);
            }
            for (r, v) in record.iter().enumerate() {
                if v / lanes == g {
                    for (c, o) in out[r].iter_mut().enumerate() {
                        o.extend_from_slice(&k.output(v % lanes, c)[..BLOCK]);
                    }
                }
            }
        }
    }
    out
}

/// Both engines over the same events; asserts every recorded voice's sound is the
/// same bits and returns the JIT's.
fn agree(
    def: &VoiceDef,
    voices: usize,
    events: &[Event],
    blocks: usize,
    record: &[usize],
) -> Vec<Vec<Vec<f32>>> {
    let mut a = jit(def, voices);
    let mut b = InterpVoices::new(def, &config(), voices);
    assert!(a.groups() * a.lanes() >= voices);
    let x = play(&mut a, events, blocks, record);
    let y = play(&mut b, events, blocks, record);
    for (r, v) in record.iter().enumerate() {
        assert_eq!(x[r].len(), def.channels());
        for (c, (p, q)) in x[r].iter().zip(&y[r]).enumerate() {
            assert_eq!(p.len(), blocks * BLOCK);
            if let Some(i) = (0..p.len()).find(|&i| p[i].to_bits() != q[i].to_bits()) {
                panic!(
                    "{}: voice {v} channel {c} differs first at frame {i}: jit {} interp {}",
                    def.name, p[i], q[i]
                );
            }
        }
    }
    x
}

/// Whether a signal is more than silence somewhere in `range`.
fn sounds(x: &[f32], range: std::ops::Range<usize>) -> bool {
    x[range].iter().any(|v| v.abs() > 1e-3)
}

#[test]
fn a_pluck_pool_agrees_with_the_interpreter() {
    let d = pluck();
    let l = lanes_for(&d);
    let mut ev = Vec::new();
    // Voices in three groups, different parameters, starts at odd frames.
    start(&mut ev, 3, 0, &[220.0, 1500.0, 1.0]);
    start(&mut ev, 100, 2, &[330.0, 900.0, 1.0]);
    start(&mut ev, 511, 1, &[97.5, 4000.0, 1.0]);
    start(&mut ev, 700, l, &[1234.0, 3000.0, 1.0]);
    start(&mut ev, 1023, 2 * l + 1, &[55.0, 200.0, 1.0]);
    // A gate closing mid-block.
    set(&mut ev, 2000, 0, 2, 0.0);
    set(&mut ev, 1800, l, 2, 0.0);
    // A lane restarted after use, in the middle of its release.
    start(&mut ev, 2100, 0, &[440.0, 2500.0, 1.0]);
    // A cutoff change while sounding.
    set(&mut ev, 1300, 2, 1, 5000.0);
    ev.sort_by_key(|e| e.frame);
    let rec = [0, 1, 2, l, 2 * l + 1];
    let x = agree(&d, 3 * l, &ev, 8, &rec);
    // Every recorded voice sounds after its start (the comparison is not of silence;
    // before it, a lane computes from its defaults, which a pool does not read).
    for (r, from) in [3, 511, 100, 700, 1023].into_iter().enumerate() {
        assert!(sounds(&x[r][0], from + 1..from + 400), "voice {}", rec[r]);
    }
}

#[test]
fn onset_triggered_envelopes_agree() {
    let d = blip();
    let l = lanes_for(&d);
    let mut ev = Vec::new();
    start(&mut ev, 0, 0, &[220.0, 0.05]);
    start(&mut ev, 17, 3, &[440.0, 0.2]);
    start(&mut ev, 600, l + 2, &[110.0, 0.3]);
    // Restarted in the same block as its first start, and again later.
    start(&mut ev, 300, 0, &[660.0, 0.1]);
    start(&mut ev, 1500, 3, &[300.0, 0.02]);
    ev.sort_by_key(|e| e.frame);
    let x = agree(&d, 2 * l, &ev, 6, &[0, 3, l + 2]);
    assert!(sounds(&x[2][0], 601..1000));
}

#[test]
fn a_stereo_voice_agrees_on_both_channels() {
    let d = hall();
    assert_eq!(d.channels(), 2);
    let mut ev = Vec::new();
    start(&mut ev, 5, 0, &[330.0, 0.9]);
    start(&mut ev, 260, 1, &[415.0, 0.2]);
    set(&mut ev, 900, 1, 1, 0.6);
    start(&mut ev, 1400, 0, &[200.0, 0.5]);
    ev.sort_by_key(|e| e.frame);
    let x = agree(&d, 4, &ev, 5, &[0, 1]);
    // The reverb makes the channels differ.
    assert!((0..x[0][0].len()).any(|i| (x[0][0][i] - x[0][1][i]).abs() > 1e-4));
}

#[test]
fn a_constant_sound_is_a_block_of_the_constant() {
    let d = hum();
    let mut ev = Vec::new();
    start(&mut ev, 40, 1, &[1.0]);
    let x = agree(&d, 4, &ev, 2, &[0, 1]);
    assert!(x[1][0].iter().all(|v| *v == 0.25));
}

/// An independent check of the lanes' parameters: a parameter read back exactly,
/// from the frame it is set on.
#[test]
fn a_parameter_reads_back_exactly_from_its_frame() {
    let d = echo();
    let l = lanes_for(&d);
    let mut ev = Vec::new();
    start(&mut ev, 37, 1, &[0.125]);
    start(&mut ev, 0, l, &[7.0]);
    set(&mut ev, 300, 1, 0, -3.5);
    set(&mut ev, 700, l, 0, 1e-3);
    ev.sort_by_key(|e| e.frame);
    let x = agree(&d, 2 * l, &ev, 2, &[1, l]);
    let a = &x[0][0];
    assert!(a[37..300].iter().all(|v| *v == 0.125));
    assert!(a[300..1024].iter().all(|v| *v == -3.5));
    // Before its start the lane holds the default.
    assert!(a[..37].iter().all(|v| *v == 0.5));
    let b = &x[1][0];
    assert!(b[..700].iter().all(|v| *v == 7.0));
    assert!(b[700..].iter().all(|v| *v == 1e-3));
}

/// The Goertzel power of `x` at `freq`.
fn goertzel(x: &[f32], freq: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * freq / SR as f64;
    let c = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for v in x {
        let s = *v as f64 + c * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    s1 * s1 + s2 * s2 - c * s1 * s2
}

/// An independent check of the lanes' frequencies: each lane's sound has its own
/// frequency's power, far above the other lanes' frequencies.
#[test]
fn each_lane_sounds_its_own_frequency() {
    let d = pluck();
    let l = lanes_for(&d);
    let freqs = [220.0f32, 311.0, 370.0, 523.0];
    let mut ev = Vec::new();
    for (v, f) in freqs.iter().enumerate() {
        start(&mut ev, 11 * v, v, &[*f, 16_000.0, 1.0]);
    }
    ev.sort_by_key(|e| e.frame);
    let mut k = jit(&d, l);
    let x = play(&mut k, &ev, 40, &[0, 1, 2, 3]);
    for (v, f) in freqs.iter().enumerate() {
        // After the attack and decay (0.205 s, under 18 blocks): the sustain, 0.4
        // of a saw.
        let s = &x[v][0][BLOCK * 20..BLOCK * 40];
        let own = goertzel(s, *f as f64);
        for (u, g) in freqs.iter().enumerate() {
            if u != v {
                let other = goertzel(s, *g as f64);
                assert!(
                    own > 100.0 * other,
                    "lane {v} at {f} Hz: {own} vs {other} at {g} Hz"
                );
            }
        }
        // A saw's fundamental of amplitude 0.4 · 2/π: power (A·N/2)² over N frames.
        let n = s.len() as f64;
        let expected = (0.4 * 2.0 / std::f64::consts::PI * n / 2.0).powi(2);
        assert!(
            (own / expected - 1.0).abs() < 0.1,
            "lane {v}: {own} vs {expected}"
        );
    }
}

/// Lanes beside a voice, unstarted or started with wild parameters (NaN, infinite,
/// huge), leave its sound as it is alone.
#[test]
fn neighbouring_lanes_do_not_disturb_a_voice() {
    let d = pluck();
    let l = lanes_for(&d);
    let mut alone = Vec::new();
    start(&mut alone, 50, 1, &[330.0, 1200.0, 1.0]);
    set(&mut alone, 900, 1, 2, 0.0);
    let mut crowded = alone.clone();
    start(&mut crowded, 10, 0, &[f32::NAN, 1200.0, 1.0]);
    start(&mut crowded, 200, 2, &[1e30, f32::INFINITY, 1.0]);
    if l > 3 {
        start(&mut crowded, 333, 3, &[-5000.0, -1.0, f32::NAN]);
    }
    alone.sort_by_key(|e| e.frame);
    crowded.sort_by_key(|e| e.frame);
    let a = play(&mut jit(&d, l), &alone, 4, &[1]);
    let b = play(&mut jit(&d, l), &crowded, 4, &[1]);
    assert!(sounds(&a[0][0], 51..400));
    assert!(a[0][0]
        .iter()
        .zip(&b[0][0])
        .all(|(x, y)| x.to_bits() == y.to_bits()));
    // And the same as the interpreter's voice alone.
    agree(&d, l, &alone, 4, &[1]);
}

/// The copies of a definition pack four to a vector: every pack of the lane plan
/// is full, for a mono and a stereo voice.
#[test]
fn the_copies_pack_four_to_a_vector() {
    for d in [pluck(), blip(), hall(), echo()] {
        let l = lanes_for(&d);
        let plan = lane_plan(&d, l);
        let instances = l * d.channels();
        assert_eq!(
            plan.packs.len(),
            instances / 4,
            "{}: {}",
            d.name,
            plan.describe(BLOCK)
        );
        assert!(plan.packs.iter().all(|p| p.lanes.len() == 4), "{}", d.name);
    }
    // The pluck's state (3 params, saw, lpf, adsr: 14 vectors) is too large to pair
    // two packs in one loop: four lanes.
    assert_eq!(lanes_for(&pluck()), NARROW_LANES);
}

#[test]
fn the_engine_gives_a_kernel_per_definition() {
    use phonon::jit::engine::{JitEngine, JitOptions};
    use phonon::runtime::Engine;
    let mut g = hum().graph;
    g.voices = vec![pluck(), hall()];
    let plan = phonon::passes::optimize(&g);
    let engine =
        JitEngine::new(&plan, &config(), JitOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let k = engine
        .voice_kernel(1, 10)
        .unwrap_or_else(|| panic!("no kernel"));
    assert_eq!(k.channels(), 2);
    assert!(k.groups() * k.lanes() >= 10);
    assert!((k.groups() - 1) * k.lanes() < 10);
    assert!(engine.voice_kernel(2, 10).is_none());
}

/// A start given fewer values than the parameters leaves the others at their
/// defaults (not at what the lane's last voice had).
#[test]
fn a_short_start_takes_the_defaults() {
    let d = echo();
    let mut ev = Vec::new();
    start(&mut ev, 0, 0, &[2.0]);
    ev.push(Event {
        frame: 100,
        voice: 0,
        action: Action::Start(Vec::new()),
    });
    let x = agree(&d, 1, &ev, 1, &[0]);
    assert!(x[0][0][..100].iter().all(|v| *v == 2.0));
    assert!(x[0][0][100..].iter().all(|v| *v == 0.5));
}
