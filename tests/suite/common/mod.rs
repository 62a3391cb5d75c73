//! What several test modules share: a generator of random well-typed patches
//! (used by `jit_vs_interp.rs` to compare the engines and by `parallel.rs` to compare
//! one and two threads), the suite's allocator (`peak`), in-memory renders (`rendering`), query
//! lines (`json`) and the checker's errors with their positions (`errors`).
#![allow(dead_code)]

pub mod errors;
pub mod json;
pub mod peak;
pub mod rendering;
pub mod spectrum;

/// A tiny deterministic generator (xorshift64*).
pub struct Gen(pub u64);

impl Gen {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

pub fn freq(g: &mut Gen, depth: u32) -> String {
    match g.below(5) {
        0 if depth > 0 => format!("({} * 200 + 300)", signal(g, depth - 1)),
        1 => "\"c4 e4 <g4 b3>\"".to_string(),
        2 => "(mtof \"48 55 60\")".to_string(),
        _ => g
            .pick(&["55", "110.5", "440", "1234", "3000", "0.5", "-30"])
            .to_string(),
    }
}

pub fn signal(g: &mut Gen, depth: u32) -> String {
    let leafy = depth == 0 || g.below(4) == 0;
    if leafy {
        return match g.below(9) {
            0 => format!("sine {}", freq(g, 0)),
            1 => format!("saw {}", freq(g, 0)),
            2 => format!("square {} {}", freq(g, 0), g.pick(&["0.5", "0.1", "0.9"])),
            3 => format!("tri {}", freq(g, 0)),
            4 => format!("impulse {}", g.pick(&["3", "100", "440"])),
            5 => "noise".to_string(),
            6 => "pink".to_string(),
            7 => g
                .pick(&["\"0.2 0.5 <0.1 -0.3>\"", "\"1 ~ 0.5\"", "0.25"])
                .to_string(),
            _ => "(s \"bd*2 [hh cp]\" # gain 0.5)".to_string(),
        };
    }
    let x = signal(g, depth - 1);
    match g.below(17) {
        0 => format!("({x} + {})", signal(g, depth - 1)),
        1 => format!("({x} * {})", signal(g, depth - 1)),
        2 => format!("({x} - {})", signal(g, depth - 1)),
        3 => format!("({x} / {})", g.pick(&["2", "\"1 0 4\"", "(sine 2 + 1.5)"])),
        4 => format!("abs ({x})"),
        5 => format!("clip -0.5 0.5 ({x})"),
        6 => format!("range -1 1 ({x})"),
        7 => format!(
            "({x} # {} {} {})",
            g.pick(&["lpf", "hpf", "bpf", "notch"]),
            g.pick(&["800", "(sine 0.3 * 1000 + 1500)", "30000", "5"]),
            g.pick(&["0.707", "4", "0.1"])
        ),
        8 => format!(
            "({x} # moog {} {})",
            g.pick(&["1000", "(saw 1 * 500 + 900)"]),
            g.pick(&["0", "0.5", "1.1"])
        ),
        9 => format!(
            "({x} * {})",
            g.pick(&[
                "ad 0.01 0.2 \"1 1 ~ 1\"",
                "adsr 0.01 0.1 0.5 0.2 \"1 ~ 1 [1 1]\"",
                "perc 0.3 \"1*3\"",
                "perc 0.1",
                "adsr 0 0 2 0 \"<1 ~>\""
            ])
        ),
        10 => format!(
            "({x} # delay {} {} {})",
            g.pick(&["0.1", "0.37", "(sine 0.5 * 0.01 + 0.02)"]),
            g.pick(&["0.5", "0.95", "1"]),
            g.pick(&["0.5", "1"])
        ),
        11 => format!(
            "({x} # reverb {} {} {})",
            g.pick(&["0.2", "0.9"]),
            g.pick(&["0.1", "0.8"]),
            g.pick(&["0.3", "1"])
        ),
        12 => format!(
            "({x} # distortion {} {})",
            g.pick(&["1", "5", "(sine 1 * 3 + 3)"]),
            g.pick(&["1", "0.5"])
        ),
        13 => format!(
            "({x} # bitcrush {} {})",
            g.pick(&["4", "8.5", "16"]),
            g.pick(&["1", "0.3", "0.05"])
        ),
        15 => format!(
            "({x} # shape {})",
            g.pick(&["0.3", "0.9", "(sine 0.5 * 0.5 + 0.5)"])
        ),
        14 => format!(
            "({x} # chorus {} {} {})",
            g.pick(&["0.5", "3"]),
            g.pick(&["0.2", "1"]),
            g.pick(&["0.5", "1"])
        ),
        _ => format!(
            "({x} # compressor {} {})",
            g.pick(&["-20", "-6"]),
            g.pick(&["4", "1", "20"])
        ),
    }
}

/// A random patch: a tempo and 1 to `max_outputs` outputs of random signals (depth
/// 3), each scaled by 0.3. Not every patch is well typed; callers skip the ones the
/// checker rejects.
pub fn random_patch(g: &mut Gen, max_outputs: u64) -> String {
    let outputs = 1 + g.below(max_outputs);
    let mut src = format!("tempo: {}\n", g.pick(&["0.5", "1", "0.7"]));
    for k in 0..outputs {
        src.push_str(&format!("out{}: {} * 0.3\n", k + 1, signal(g, 3)));
    }
    src
}

/// The JIT (with Cranelift's verifier on) and the interpreter on the same plan: the
/// interpreter runs the graph the JIT runs, after the passes.
pub fn both_engines(
    source: &str,
    config: &phonon::runtime::Config,
    bank: std::sync::Arc<phonon::samples::SampleBank>,
) -> (
    phonon::runtime::Runtime<phonon::jit::engine::JitEngine>,
    phonon::runtime::Runtime<phonon::interp::Interpreter>,
) {
    use phonon::runtime::Runtime;
    let graph = phonon::compile(source).unwrap_or_else(|d| panic!("{source}\n{d:?}"));
    let options = phonon::jit::engine::JitOptions {
        verify: true,
        keep_clif: false,
    };
    let jit = Runtime::jit(&graph, config, options, bank.clone())
        .unwrap_or_else(|e| panic!("{source}\n{e}"));
    let interp = Runtime::interp(jit.shared_graph(), config, bank)
        .unwrap_or_else(|e| panic!("{source}\n{e}"));
    (jit, interp)
}

/// Runs both runtimes block by block, a block of each length in `blocks`, and returns
/// the largest difference between their samples and the second one's peak.
pub fn largest_difference<A: phonon::runtime::Engine, B: phonon::runtime::Engine>(
    a: &mut phonon::runtime::Runtime<A>,
    b: &mut phonon::runtime::Runtime<B>,
    blocks: impl IntoIterator<Item = usize>,
) -> (f32, f32) {
    let (mut worst, mut peak) = (0.0f32, 0.0f32);
    for n in blocks {
        let (mut l1, mut r1) = (vec![0.0; n], vec![0.0; n]);
        let (mut l2, mut r2) = (vec![0.0; n], vec![0.0; n]);
        a.process(&mut l1, &mut r1);
        b.process(&mut l2, &mut r2);
        assert_eq!(a.failures(), &[], "a query failed");
        assert_eq!(b.failures(), &[], "a query failed");
        for (x, y) in l1.iter().chain(&r1).zip(l2.iter().chain(&r2)) {
            worst = worst.max((x - y).abs());
            peak = peak.max(y.abs());
        }
    }
    (worst, peak)
}

/// A random voice body over the parameters `freq`, `cutoff` and `gate` (depth
/// `depth`): oscillators at the voice's pitch, filters at its cutoff, envelopes
/// opened by its gate, arithmetic and the effects without delay lines.
pub fn voice_body(g: &mut Gen, depth: u32) -> String {
    if depth == 0 || g.below(4) == 0 {
        return match g.below(8) {
            0 => format!(
                "sine {}",
                g.pick(&["freq", "(freq * 2)", "(freq / 3 + 20)"])
            ),
            1 => format!("saw {}", g.pick(&["freq", "(freq * 1.01)"])),
            2 => format!("square freq {}", g.pick(&["0.5", "0.2"])),
            3 => "tri freq".to_string(),
            4 => "noise".to_string(),
            5 => g.pick(&["gate", "cutoff / 4000"]).to_string(),
            6 => format!("pulse freq {}", g.pick(&["0.25", "0.7"])),
            _ => "pink".to_string(),
        };
    }
    let x = voice_body(g, depth - 1);
    match g.below(10) {
        0 => format!("({x} + {})", voice_body(g, depth - 1)),
        1 => format!("({x} * {})", voice_body(g, depth - 1)),
        2 => format!(
            "({x} # {} {} {})",
            g.pick(&["lpf", "hpf", "bpf", "notch"]),
            g.pick(&["cutoff", "(cutoff * 2)", "800"]),
            g.pick(&["0.707", "3", "0.3"])
        ),
        3 => format!("({x} # moog cutoff {})", g.pick(&["0.2", "0.9"])),
        4 => format!(
            "({x} * {})",
            g.pick(&[
                "adsr 0.01 0.1 0.5 0.05 gate",
                "ad 0.005 0.2 gate",
                "perc 0.1 gate",
                "adsr 0 0.02 0.3 0"
            ])
        ),
        5 => format!("({x} # shape {})", g.pick(&["0.3", "0.8"])),
        6 => format!("({x} # distortion {} 1)", g.pick(&["2", "6"])),
        7 => format!("({x} # bitcrush {} 0.5)", g.pick(&["6", "12"])),
        8 => format!("clip -0.5 0.5 ({x})"),
        _ => format!(
            "({x} * {})",
            g.pick(&["0.5", "gate", "(sine 3 * 0.5 + 0.5)"])
        ),
    }
}

/// A random patch playing a random voice definition: chords and overlapping notes,
/// per-event cutoff, short and long lengths.
pub fn random_voice_patch(g: &mut Gen) -> String {
    format!(
        "tempo: {}\n~v freq=220 cutoff=1000 gate=1: {}\nout: n \"{}\" # s \"~v\" # cutoff \"{}\" # legato {} # gain 0.2\n",
        g.pick(&["0.5", "1", "2"]),
        voice_body(g, 3),
        g.pick(&["0 4 7", "c'maj e'min", "0*8", "[0 12]*3 7", "0 ~ 5 [3 10]"]),
        g.pick(&["300 2000", "<800 4000>", "100"]),
        g.pick(&["0.5", "1", "2.5"]),
    )
}
