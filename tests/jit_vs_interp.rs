//! The JIT against the interpreter on every fixture and on a generated corpus of
//! random well-typed patches: the same plan through both engines, block by block.
//! The largest difference per sample must stay within 1e-5 of full scale (of the
//! signal's own peak when that is above 1).

use std::sync::Arc;

use phonon::interp::Interpreter;
use phonon::jit::engine::{JitEngine, JitOptions};
use phonon::runtime::{Config, Runtime};
use phonon::samples::SampleBank;

const TOLERANCE: f32 = 1e-5;

thread_local! {
    static BANK: Arc<SampleBank> = Arc::new(SampleBank::builtin(44_100));
}

/// Largest difference between the engines over `seconds`, and the interpreter's
/// peak, for blocks of `block` frames (the last one shorter).
fn compare(source: &str, seconds: f64, block: usize) -> (f32, f32) {
    let graph = phonon::compile(source).unwrap_or_else(|d| panic!("{source}\n{d:?}"));
    let plan = phonon::passes::optimize(&graph);
    let graph = Arc::new(plan.graph.clone());
    let config = Config {
        block,
        ..Config::default()
    };
    let options = JitOptions {
        verify: true,
        keep_clif: false,
    };
    let jit = JitEngine::new(&plan, &config, options).unwrap_or_else(|e| panic!("{source}\n{e}"));
    let interp = Interpreter::new(graph.clone(), &config);
    let bank = BANK.with(|b| b.clone());
    let mut a = Runtime::new(graph.clone(), jit, bank.clone(), config);
    let mut b = Runtime::new(graph, interp, bank, config);
    let total = (seconds * 44_100.0) as usize;
    let (mut worst, mut peak) = (0.0f32, 0.0f32);
    let mut done = 0;
    while done < total {
        let n = (total - done).min(block);
        let (mut l1, mut r1) = (vec![0.0; n], vec![0.0; n]);
        let (mut l2, mut r2) = (vec![0.0; n], vec![0.0; n]);
        a.process(&mut l1, &mut r1)
            .unwrap_or_else(|e| panic!("{e}"));
        b.process(&mut l2, &mut r2)
            .unwrap_or_else(|e| panic!("{e}"));
        for (x, y) in l1.iter().chain(&r1).zip(l2.iter().chain(&r2)) {
            worst = worst.max((x - y).abs());
            peak = peak.max(y.abs());
        }
        done += n;
    }
    (worst, peak)
}

fn within_tolerance(worst: f32, peak: f32) -> bool {
    worst <= TOLERANCE * peak.max(1.0)
}

#[test]
fn every_fixture_agrees() {
    for name in [
        "synth_dense.ph",
        "stress_extreme.ph",
        "house.ph",
        "techno.ph",
        "ambient.ph",
        "melody.ph",
    ] {
        let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let (worst, peak) = compare(&src, 3.0, 512);
        eprintln!("{name}: largest difference {worst:e} (peak {peak})");
        assert!(
            within_tolerance(worst, peak),
            "{name}: {worst:e} (peak {peak})"
        );
    }
}

/// A tiny deterministic generator (xorshift64*).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn freq(g: &mut Gen, depth: u32) -> String {
    match g.below(5) {
        0 if depth > 0 => format!("({} * 200 + 300)", signal(g, depth - 1)),
        1 => "\"c4 e4 <g4 b3>\"".to_string(),
        2 => "(mtof \"48 55 60\")".to_string(),
        _ => g
            .pick(&["55", "110.5", "440", "1234", "3000", "0.5", "-30"])
            .to_string(),
    }
}

fn signal(g: &mut Gen, depth: u32) -> String {
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
    match g.below(16) {
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

#[test]
fn random_well_typed_patches_agree() {
    let cases: u64 = std::env::var("PHONON_JIT_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    let mut checked = 0;
    let mut largest = 0.0f32;
    let mut audible = 0;
    for case in 0..cases {
        let outputs = 1 + g.below(3);
        let mut src = format!("tempo: {}\n", g.pick(&["0.5", "1", "0.7"]));
        for k in 0..outputs {
            src.push_str(&format!("out{}: {} * 0.3\n", k + 1, signal(&mut g, 3)));
        }
        if phonon::compile(&src).is_err() {
            continue; // the generator can make an ill-typed patch; the checker says so
        }
        let block = [512, 256, 100][(case % 3) as usize];
        let (worst, peak) = compare(&src, 0.3, block);
        assert!(
            within_tolerance(worst, peak),
            "case {case}: {worst:e} (peak {peak})\n{src}"
        );
        largest = largest.max(worst / peak.max(1.0));
        checked += 1;
        if peak > 0.01 {
            audible += 1;
        }
    }
    assert!(
        audible * 2 > checked,
        "only {audible} of {checked} patches made sound"
    );
    eprintln!("{checked} random patches: largest difference {largest:e} of full scale");
    assert!(
        checked * 2 > cases,
        "only {checked} of {cases} generated patches compiled"
    );
}
