//! The operation table: one definition per signal operation.
//!
//! [`Op`] names what a node computes; [`Op::spec`] is its one definition: the name
//! the language and the IR dump use, the documentation, the inputs in the order the
//! kernels take them, the language's parameters (for the operations that are
//! built-ins of the language: oscillators, filters, envelopes, effects), the kind of
//! node, the state it carries and what that costs the JIT's registers, a cost
//! estimate for planning, and, for foldable arithmetic, the formula constant folding
//! uses. Everything else reads this table: the built-in table (`check::signatures`
//! turns the language part into signature rows), the lowering (arguments to inputs,
//! which one is the trigger), the dump, the planner (costs, which packs may share a
//! loop).
//!
//! The engines link each operation to their code with one `match` over `Op` and no
//! wildcard arm (`interp::kernel`, `jit::kernel::emitter`): an operation added here
//! without an interpreter kernel or a JIT emitter does not compile.
//!
//! Adding an operation: a variant of [`Op`], its row in [`Op::spec`] (and in
//! [`Op::LANGUAGE`] if the language calls it by name), its `dsp` kernel, its arm in
//! the interpreter and its emitter in the JIT.

use crate::dsp::arith;
use crate::dsp::filter::SvfMode;
use crate::signature::{opt, p, Kind, Param, ParamTy};

/// What a node computes. The inputs each operation expects, in order, are in its
/// [`OpSpec::inputs`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    // ---- fed by the runtime ----
    /// A numeric pattern as a stepped signal: each event's value over its span, the
    /// last value held across rests (0 before the first). Notes become their
    /// frequency in Hz.
    Stepped {
        pattern: usize,
    },
    /// 1 on the frame of each event onset of a pattern, else 0.
    Trigger {
        pattern: usize,
    },
    /// 1 over the span of each event of a pattern, else 0.
    Gate {
        pattern: usize,
    },
    /// The stereo mix of the voices of sound `sound`; the inputs are the signals its
    /// controls sample at each onset (in the order of `SoundSource::sampled`).
    Voices {
        sound: usize,
    },
    /// The input's output of the previous block (a bus that refers to itself).
    Feedback,
    /// Parameter `index` of a voice definition (`ir::voice::VoiceDef`): the value its
    /// event gave it, constant between the frames where the runtime sets it (the
    /// voice's start, its gate's close). Kept as state, so a compiled voice reads it
    /// from a register.
    Param {
        index: usize,
    },
    // ---- elementwise ----
    Add,
    Sub,
    Mul,
    Div,
    Neg,
    Abs,
    Mtof,
    Clip,
    Range,
    Distortion,
    Shape,
    // ---- recurrences ----
    Sine,
    Saw,
    Square,
    Pulse,
    Tri,
    Supersaw,
    Fm,
    Impulse,
    Noise {
        seed: u32,
    },
    Pink {
        seed: u32,
    },
    Brown {
        seed: u32,
    },
    Svf(SvfMode),
    Moog,
    Ad,
    Adsr,
    Perc,
    Delay,
    Reverb,
    Bitcrush,
    Chorus,
    Compressor,
    // ---- master ----
    /// Sums every input into the stereo master (mono inputs in the centre).
    Master,
}

/// The four kinds of node (see the `ir` module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// Buffers the runtime fills (patterns, voices, the previous block of a bus).
    Fed,
    /// A pure function of the inputs at the same frame.
    Elementwise,
    /// State carried from sample to sample and block to block.
    Recurrence,
    /// The sum of the outputs.
    Master,
}

impl NodeKind {
    pub const ALL: [NodeKind; 4] = [
        NodeKind::Fed,
        NodeKind::Elementwise,
        NodeKind::Recurrence,
        NodeKind::Master,
    ];

    /// The kind's word in the dump.
    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Fed => "fed",
            NodeKind::Elementwise => "elementwise",
            NodeKind::Recurrence => "recurrence",
            NodeKind::Master => "master",
        }
    }

    /// What a node of the kind is, in a few words (the dump's legend).
    pub fn meaning(self) -> &'static str {
        match self {
            NodeKind::Fed => {
                "filled by the runtime each block: a pattern's values or events, a sound's voices, a bus's previous block"
            }
            NodeKind::Elementwise => "a pure function of its inputs at the same frame",
            NodeKind::Recurrence => {
                "keeps state from frame to frame and block to block (oscillators, filters, envelopes, effects)"
            }
            NodeKind::Master => "the sum of the outputs, stereo",
        }
    }
}

/// The inputs of an operation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Inputs {
    /// Exactly these, in this order.
    Fixed(&'static [&'static str]),
    /// Any number (the master's outputs, the sampled controls of voices).
    Any,
}

/// How many channels a node of the operation has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channels {
    Mono,
    Stereo,
    /// The most of its inputs' (mono inputs are shared by both channels of a
    /// stereo node; a recurrence on a stereo input keeps one state per channel).
    Widest,
}

/// How the language calls an operation that is one of its built-ins.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Language {
    pub kind: Kind,
    /// The parameters in application order; when `has_input`, the last one is the
    /// signal processed (what `$` and `#` supply), which is the operation's first
    /// input. A [`ParamTy::Events`] parameter is the trigger: its events become the
    /// `trig` input (and the `gate` input, when the operation has one).
    pub params: &'static [Param],
    pub has_input: bool,
}

/// The definition of one operation.
#[derive(Clone, Copy, Debug)]
pub struct OpSpec {
    /// The name in the language (for built-ins) and in the IR dump.
    pub name: &'static str,
    pub doc: &'static str,
    pub kind: NodeKind,
    pub inputs: Inputs,
    pub channels: Channels,
    /// `Some` for a built-in of the language.
    pub language: Option<Language>,
    /// The state carried per channel, in words (empty when there is none).
    pub state: &'static str,
    /// The JIT's loop-carried vectors for four lanes (the planner keeps two packs in
    /// one loop only while their state fits the registers; `jit::kernel` tests that
    /// its emitters agree).
    pub state_vectors: usize,
    /// Whether the kernel keeps delay lines in memory.
    pub delay_lines: bool,
    /// Rough cost of one frame of four lanes in nanoseconds (the plan's report and
    /// the parallel runtime's hand-off decision).
    pub cost: f64,
    /// For arithmetic that constant folding may compute: the formula on the inputs.
    pub fold: Option<fn(&[f32]) -> f32>,
}

const fn fed(
    name: &'static str,
    doc: &'static str,
    inputs: Inputs,
    channels: Channels,
    state: &'static str,
) -> OpSpec {
    OpSpec {
        name,
        doc,
        kind: NodeKind::Fed,
        inputs,
        channels,
        language: None,
        state,
        state_vectors: 0,
        delay_lines: false,
        cost: 0.0,
        fold: None,
    }
}

const fn arith(
    name: &'static str,
    doc: &'static str,
    inputs: &'static [&'static str],
    cost: f64,
    fold: fn(&[f32]) -> f32,
) -> OpSpec {
    OpSpec {
        name,
        doc,
        kind: NodeKind::Elementwise,
        inputs: Inputs::Fixed(inputs),
        channels: Channels::Widest,
        language: None,
        state: "",
        state_vectors: 0,
        delay_lines: false,
        cost,
        fold: Some(fold),
    }
}

/// A built-in of the language computed by a kernel.
#[allow(clippy::too_many_arguments)]
const fn builtin(
    kind: Kind,
    name: &'static str,
    doc: &'static str,
    inputs: &'static [&'static str],
    params: &'static [Param],
    state: &'static str,
    state_vectors: usize,
    cost: f64,
) -> OpSpec {
    let has_input = matches!(kind, Kind::Filter | Kind::Effect);
    OpSpec {
        name,
        doc,
        kind: if state_vectors == 0 {
            NodeKind::Elementwise
        } else {
            NodeKind::Recurrence
        },
        inputs: Inputs::Fixed(inputs),
        // Noise sources (no inputs) are mono; envelopes follow their (mono)
        // triggers and their parameters.
        channels: if inputs.is_empty() {
            Channels::Mono
        } else {
            Channels::Widest
        },
        language: Some(Language {
            kind,
            params,
            has_input,
        }),
        state,
        state_vectors,
        delay_lines: false,
        cost,
        fold: None,
    }
}

/// A kernel whose output is stereo whatever its inputs (mono inputs are read on
/// both channels).
const fn stereo(spec: OpSpec) -> OpSpec {
    OpSpec {
        channels: Channels::Stereo,
        ..spec
    }
}

/// [`builtin`] for a kernel with delay lines.
const fn with_delay_lines(spec: OpSpec) -> OpSpec {
    OpSpec {
        delay_lines: true,
        ..spec
    }
}

/// An input's value at `k` (0 when missing: folding only calls with full arity).
fn at(x: &[f32], k: usize) -> f32 {
    x.get(k).copied().unwrap_or(0.0)
}

use Kind::{Effect, Envelope, Filter, Oscillator};
use ParamTy::{Control, Events, Signal};

const IN: Param = p("input", Signal);
const FREQ: &[Param] = &[p("freq", Signal)];
const SVF_PARAMS: &[Param] = &[p("cutoff", Signal), opt("q", Signal, 0.707), IN];
const SVF_INPUTS: &[&str] = &["in", "cutoff", "q"];
const SVF_STATE: &str = "2 integrators";

const STEPPED: OpSpec = fed(
    "stepped",
    "a numeric pattern held as a signal",
    Inputs::Fixed(&[]),
    Channels::Mono,
    "held value",
);
const TRIGGER: OpSpec = fed(
    "trigger",
    "1 on each onset of a pattern",
    Inputs::Fixed(&[]),
    Channels::Mono,
    "",
);
const GATE: OpSpec = fed(
    "gate",
    "1 over each event of a pattern",
    Inputs::Fixed(&[]),
    Channels::Mono,
    "",
);
const VOICES: OpSpec = fed(
    "voices",
    "the stereo mix of a sound's voices",
    Inputs::Any,
    Channels::Stereo,
    "voice pool",
);
const FEEDBACK: OpSpec = fed(
    "feedback",
    "a bus's output of the previous block",
    Inputs::Fixed(&["source"]),
    Channels::Widest,
    "previous block",
);
const PARAM: OpSpec = OpSpec {
    name: "param",
    doc: "a voice's parameter: the value its event gave it, set by the runtime",
    kind: NodeKind::Recurrence,
    inputs: Inputs::Fixed(&[]),
    channels: Channels::Mono,
    language: None,
    state: "value",
    state_vectors: 1,
    delay_lines: false,
    cost: 0.0,
    fold: None,
};
const MASTER: OpSpec = OpSpec {
    name: "master",
    doc: "the sum of the outputs into the stereo master",
    kind: NodeKind::Master,
    inputs: Inputs::Any,
    channels: Channels::Stereo,
    language: None,
    state: "",
    state_vectors: 0,
    delay_lines: false,
    cost: 0.0,
    fold: None,
};

const ADD: OpSpec = arith("add", "a + b", &["a", "b"], 0.3, |x| at(x, 0) + at(x, 1));
const SUB: OpSpec = arith("sub", "a - b", &["a", "b"], 0.3, |x| at(x, 0) - at(x, 1));
const MUL: OpSpec = arith("mul", "a * b", &["a", "b"], 0.3, |x| at(x, 0) * at(x, 1));
const DIV: OpSpec = arith(
    "div",
    "a / b; a zero divisor gives 0, as in pattern arithmetic",
    &["a", "b"],
    1.0,
    |x| arith::div(at(x, 0), at(x, 1)),
);
const NEG: OpSpec = arith("neg", "-x", &["x"], 0.3, |x| -at(x, 0));
const ABS: OpSpec = arith("abs", "absolute value", &["x"], 0.3, |x| at(x, 0).abs());
const MTOF: OpSpec = arith("mtof", "MIDI note to Hz", &["x"], 3.0, |x| {
    arith::mtof(at(x, 0))
});
const CLIP: OpSpec = arith("clip", "clamp to lo..hi", &["x", "lo", "hi"], 0.3, |x| {
    arith::clip(at(x, 0), at(x, 1), at(x, 2))
});
const RANGE: OpSpec = arith("range", "-1..1 onto lo..hi", &["x", "lo", "hi"], 0.3, |x| {
    arith::range(at(x, 0), at(x, 1), at(x, 2))
});

const SINE: OpSpec = builtin(
    Oscillator,
    "sine",
    "sine wave",
    &["freq"],
    FREQ,
    "phase",
    1,
    2.0,
);
const SAW: OpSpec = builtin(
    Oscillator,
    "saw",
    "band-limited sawtooth",
    &["freq"],
    FREQ,
    "phase",
    1,
    4.0,
);
const SQUARE: OpSpec = builtin(
    Oscillator,
    "square",
    "band-limited pulse; width is the duty cycle 0..1",
    &["freq", "width"],
    &[p("freq", Signal), opt("width", Signal, 0.5)],
    "phase",
    1,
    4.0,
);
const PULSE: OpSpec = builtin(
    Oscillator,
    "pulse",
    "band-limited pulse of duty cycle width (0..1); `square` with the width required",
    &["freq", "width"],
    &[p("freq", Signal), p("width", Signal)],
    "phase",
    1,
    4.0,
);
const TRI: OpSpec = builtin(
    Oscillator,
    "tri",
    "triangle wave",
    &["freq"],
    FREQ,
    "phase",
    1,
    2.0,
);
const SUPERSAW: OpSpec = builtin(
    Oscillator,
    "supersaw",
    "seven band-limited saws around freq, summed (RMS of one saw); detune 0 is unison, 0.5 ±31 cents (the supersaw synth), 1 about ±62 cents",
    &["freq", "detune"],
    &[p("freq", Signal), opt("detune", Signal, 0.5)],
    "7 phases",
    7,
    28.0,
);
const FM: OpSpec = builtin(
    Oscillator,
    "fm",
    "sine carrier phase-modulated by a sine at carrier × ratio; index is the peak phase deviation in radians",
    &["carrier", "ratio", "index"],
    &[p("carrier", Signal), p("ratio", Signal), p("index", Signal)],
    "2 phases",
    2,
    6.0,
);
const NOISE: OpSpec = builtin(
    Oscillator,
    "noise",
    "white noise",
    &[],
    &[],
    "xorshift state",
    1,
    2.0,
);
const PINK: OpSpec = builtin(
    Oscillator,
    "pink",
    "pink noise",
    &[],
    &[],
    "xorshift state, 7 one-poles",
    8,
    3.0,
);
const BROWN: OpSpec = builtin(
    Oscillator,
    "brown",
    "brown noise",
    &[],
    &[],
    "xorshift state, leaky integrator",
    2,
    2.5,
);
const IMPULSE: OpSpec = builtin(
    Oscillator,
    "impulse",
    "one-sample impulse train",
    &["freq"],
    FREQ,
    "phase",
    2,
    2.0,
);
const LPF: OpSpec = builtin(
    Filter,
    "lpf",
    "state-variable low-pass",
    SVF_INPUTS,
    SVF_PARAMS,
    SVF_STATE,
    2,
    5.0,
);
const HPF: OpSpec = builtin(
    Filter,
    "hpf",
    "state-variable high-pass",
    SVF_INPUTS,
    SVF_PARAMS,
    SVF_STATE,
    2,
    5.0,
);
const BPF: OpSpec = builtin(
    Filter,
    "bpf",
    "state-variable band-pass",
    SVF_INPUTS,
    SVF_PARAMS,
    SVF_STATE,
    2,
    5.0,
);
const NOTCH: OpSpec = builtin(
    Filter,
    "notch",
    "state-variable notch",
    SVF_INPUTS,
    SVF_PARAMS,
    SVF_STATE,
    2,
    5.0,
);
const MOOG: OpSpec = builtin(
    Filter,
    "moog",
    "Moog ladder low-pass; resonance 0..1 (1 self-oscillates)",
    &["in", "cutoff", "resonance"],
    &[p("cutoff", Signal), p("resonance", Signal), IN],
    "4 integrators",
    4,
    12.0,
);
// Envelopes: without a trigger pattern, once per cycle. Their state is f64, two
// lanes a vector: each quantity takes two vectors.
const AD: OpSpec = builtin(
    Envelope,
    "ad",
    "attack-decay envelope 0..1, retriggered by each event of trig",
    &["attack", "decay", "trig"],
    &[
        p("attack", Control),
        p("decay", Control),
        opt("trig", Events, 0.0),
    ],
    "stage, level",
    4,
    3.0,
);
const ADSR: OpSpec = builtin(
    Envelope,
    "adsr",
    "ADSR envelope 0..1; the gate is each trig event's span",
    &["attack", "decay", "sustain", "release", "trig", "gate"],
    &[
        p("attack", Control),
        p("decay", Control),
        p("sustain", Control),
        p("release", Control),
        opt("trig", Events, 0.0),
    ],
    "stage, level",
    8,
    3.0,
);
const PERC: OpSpec = builtin(
    Envelope,
    "perc",
    "percussive envelope: 1 ms attack, exponential release (-60 dB at `release` seconds)",
    &["release", "trig"],
    &[p("release", Control), opt("trig", Events, 0.0)],
    "stage, level",
    4,
    3.0,
);
// Effects (mix: 0 dry .. 1 wet).
const DELAY: OpSpec = with_delay_lines(builtin(
    Effect,
    "delay",
    "feedback delay; time in seconds, feedback 0..1",
    &["in", "time", "feedback", "mix"],
    &[
        p("time", Signal),
        p("feedback", Signal),
        opt("mix", Signal, 0.5),
        IN,
    ],
    "delay line (4 s)",
    1,
    5.0,
));
/// Stereo whatever its input: the two channels' line lengths differ, so a mono
/// input comes out as a stereo room.
const REVERB: OpSpec = stereo(with_delay_lines(builtin(
    Effect,
    "reverb",
    "reverb; room size 0..1, damping 0..1; stereo even on a mono input",
    &["in", "room", "damp", "mix"],
    &[
        p("room", Signal),
        p("damp", Signal),
        opt("mix", Signal, 0.3),
        IN,
    ],
    "8 combs, 4 all-passes",
    32,
    25.0,
)));
const DISTORTION: OpSpec = builtin(
    Effect,
    "distortion",
    "tanh waveshaper; drive is the input gain (1 = gentle)",
    &["in", "drive", "mix"],
    &[p("drive", Signal), opt("mix", Signal, 1.0), IN],
    "",
    0,
    3.0,
);
const BITCRUSH: OpSpec = builtin(
    Effect,
    "bitcrush",
    "bit depth reduction; rate is the fraction of the sample rate kept (0..1)",
    &["in", "bits", "rate"],
    &[p("bits", Signal), opt("rate", Signal, 1.0), IN],
    "held sample, phase",
    2,
    5.0,
);
const CHORUS: OpSpec = with_delay_lines(builtin(
    Effect,
    "chorus",
    "chorus; rate in Hz, depth 0..1",
    &["in", "rate", "depth", "mix"],
    &[
        p("rate", Signal),
        p("depth", Signal),
        opt("mix", Signal, 0.5),
        IN,
    ],
    "delay line, LFO phase",
    3,
    8.0,
));
const COMPRESSOR: OpSpec = builtin(
    Effect,
    "compressor",
    "compressor; threshold in dB (e.g. -20), ratio >= 1 (e.g. 4)",
    &["in", "threshold", "ratio"],
    &[p("threshold", Signal), p("ratio", Signal), IN],
    "level detector",
    1,
    5.0,
);
const SHAPE: OpSpec = builtin(
    Effect,
    "shape",
    "SuperDirt's waveshaper; amount 0..1 (0 leaves the input alone, near 1 almost a hard clip)",
    &["in", "amount"],
    &[p("amount", Signal), IN],
    "",
    0,
    1.5,
);

impl Op {
    /// The operations the language calls by name, in documentation order (the
    /// payloads of `noise`, `pink` and `brown` are placeholders: lowering gives each node its
    /// seed).
    pub const LANGUAGE: &'static [Op] = &[
        Op::Sine,
        Op::Saw,
        Op::Square,
        Op::Pulse,
        Op::Tri,
        Op::Supersaw,
        Op::Fm,
        Op::Noise { seed: 0 },
        Op::Pink { seed: 0 },
        Op::Brown { seed: 0 },
        Op::Impulse,
        Op::Svf(SvfMode::Low),
        Op::Svf(SvfMode::High),
        Op::Svf(SvfMode::Band),
        Op::Svf(SvfMode::Notch),
        Op::Moog,
        Op::Ad,
        Op::Adsr,
        Op::Perc,
        Op::Delay,
        Op::Reverb,
        Op::Distortion,
        Op::Bitcrush,
        Op::Chorus,
        Op::Compressor,
        Op::Shape,
    ];

    /// The operation's definition.
    pub const fn spec(self) -> &'static OpSpec {
        match self {
            Op::Stepped { .. } => &STEPPED,
            Op::Trigger { .. } => &TRIGGER,
            Op::Gate { .. } => &GATE,
            Op::Voices { .. } => &VOICES,
            Op::Feedback => &FEEDBACK,
            Op::Param { .. } => &PARAM,
            Op::Add => &ADD,
            Op::Sub => &SUB,
            Op::Mul => &MUL,
            Op::Div => &DIV,
            Op::Neg => &NEG,
            Op::Abs => &ABS,
            Op::Mtof => &MTOF,
            Op::Clip => &CLIP,
            Op::Range => &RANGE,
            Op::Distortion => &DISTORTION,
            Op::Shape => &SHAPE,
            Op::Sine => &SINE,
            Op::Saw => &SAW,
            Op::Square => &SQUARE,
            Op::Pulse => &PULSE,
            Op::Tri => &TRI,
            Op::Supersaw => &SUPERSAW,
            Op::Fm => &FM,
            Op::Impulse => &IMPULSE,
            Op::Noise { .. } => &NOISE,
            Op::Pink { .. } => &PINK,
            Op::Brown { .. } => &BROWN,
            Op::Svf(SvfMode::Low) => &LPF,
            Op::Svf(SvfMode::High) => &HPF,
            Op::Svf(SvfMode::Band) => &BPF,
            Op::Svf(SvfMode::Notch) => &NOTCH,
            Op::Moog => &MOOG,
            Op::Ad => &AD,
            Op::Adsr => &ADSR,
            Op::Perc => &PERC,
            Op::Delay => &DELAY,
            Op::Reverb => &REVERB,
            Op::Bitcrush => &BITCRUSH,
            Op::Chorus => &CHORUS,
            Op::Compressor => &COMPRESSOR,
            Op::Master => &MASTER,
        }
    }

    pub fn kind(self) -> NodeKind {
        self.spec().kind
    }

    /// The operation's name as the language and the IR dump spell it.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The state the operation carries from sample to sample and block to block, per
    /// channel (empty for elementwise operations).
    pub fn state(self) -> &'static str {
        self.spec().state
    }

    /// The names of the inputs, in order (`None`: any number, as for the master and
    /// for voices).
    pub fn input_names(self) -> Option<&'static [&'static str]> {
        match self.spec().inputs {
            Inputs::Fixed(names) => Some(names),
            Inputs::Any => None,
        }
    }

    /// The built-in of the language named `name`, if it is a signal operation.
    pub fn by_name(name: &str) -> Option<Op> {
        Op::LANGUAGE.iter().copied().find(|op| op.name() == name)
    }

    /// The same operation with another noise seed (other operations unchanged).
    pub fn with_seed(self, seed: u32) -> Op {
        match self {
            Op::Noise { .. } => Op::Noise { seed },
            Op::Pink { .. } => Op::Pink { seed },
            Op::Brown { .. } => Op::Brown { seed },
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation, one of each (payloads arbitrary).
    fn all() -> Vec<Op> {
        let mut ops = vec![
            Op::Stepped { pattern: 0 },
            Op::Trigger { pattern: 0 },
            Op::Gate { pattern: 0 },
            Op::Voices { sound: 0 },
            Op::Feedback,
            Op::Param { index: 0 },
            Op::Add,
            Op::Sub,
            Op::Mul,
            Op::Div,
            Op::Neg,
            Op::Abs,
            Op::Mtof,
            Op::Clip,
            Op::Range,
            Op::Master,
        ];
        ops.extend_from_slice(Op::LANGUAGE);
        ops
    }

    #[test]
    fn names_are_unique() {
        let ops = all();
        for (i, a) in ops.iter().enumerate() {
            for b in &ops[..i] {
                assert_ne!(a.name(), b.name(), "{a:?} and {b:?}");
            }
        }
    }

    /// The language's parameters and the kernel's inputs describe the same values:
    /// the input (`$`) first, then the parameters in order, a trigger becoming `trig`
    /// (and `gate` when the kernel has one).
    #[test]
    fn parameters_map_onto_inputs() {
        for op in Op::LANGUAGE {
            let spec = op.spec();
            let lang = spec.language.expect("a language op has a language part");
            let mut expected: Vec<&str> = Vec::new();
            let mut params = lang.params.to_vec();
            if lang.has_input {
                assert_eq!(params.pop().map(|p| p.name), Some("input"), "{op:?}");
                expected.push("in");
            }
            for p in &params {
                expected.push(p.name);
                let has_gate = op.input_names().is_some_and(|n| n.contains(&"gate"));
                if p.ty == ParamTy::Events && has_gate {
                    expected.push("gate");
                }
            }
            assert_eq!(op.input_names(), Some(&expected[..]), "{op:?}");
            assert_eq!(Op::by_name(spec.name).map(|o| o.name()), Some(spec.name));
        }
    }

    #[test]
    fn kinds_follow_state() {
        for op in all() {
            let spec = op.spec();
            match spec.kind {
                NodeKind::Elementwise => assert_eq!(spec.state_vectors, 0, "{op:?}"),
                NodeKind::Recurrence => assert!(spec.state_vectors > 0, "{op:?}"),
                NodeKind::Fed | NodeKind::Master => assert_eq!(spec.cost, 0.0, "{op:?}"),
            }
            assert!(spec.fold.is_none() || spec.kind == NodeKind::Elementwise);
        }
    }

    #[test]
    fn folding_formulas() {
        let f = |op: Op, x: &[f32]| op.spec().fold.map(|f| f(x));
        assert_eq!(f(Op::Div, &[1.0, 0.0]), Some(0.0));
        assert_eq!(f(Op::Range, &[0.0, 100.0, 200.0]), Some(150.0));
        assert_eq!(f(Op::Clip, &[5.0, -1.0, 1.0]), Some(1.0));
        assert_eq!(f(Op::Sub, &[5.0, 2.0]), Some(3.0));
        assert_eq!(f(Op::Sine, &[1.0]), None);
    }
}
