//! How the time per block grows with the work, on 1 and 2 threads: generated patches
//! growing along three axes, each measured with `phonon::bench` (the one- and
//! two-thread JIT runtimes alternating block by block, back to back):
//!
//! * outputs: N independent synth chains (a saw through a low-pass filter whose
//!   cutoff a sine sweeps, as in `synth_dense.ph`);
//! * events per cycle: 8 synth outputs whose frequency is a pattern of E events per
//!   cycle (queries and stepped buffers, no voices);
//! * voices: 8 sample outputs (`s "hh*8"`) echoed V times by `stut`, at 4 cycles per
//!   second, so that V × 8 × 4 voices start every second.
//!
//! `cargo bench --bench scaling` prints a Markdown table (the one in
//! `docs/performance.md`); `PHONON_SCALING_BLOCKS` sets the blocks per patch (600).

use std::sync::Arc;

use phonon::bench::{bench, Engines};
use phonon::runtime::Config;
use phonon::samples::SampleBank;

/// N synth chains, each with its own frequency and sweep rate.
fn outputs(n: usize) -> String {
    let mut src = String::from("tempo: 0.5\n");
    for k in 0..n {
        src.push_str(&format!(
            "o{k}: saw {:.3} # lpf (sine {:.3} * 1500 + 1800) 0.7 * 0.02\n",
            55.0 * 2f64.powf((k % 48) as f64 / 12.0),
            0.05 + 0.01 * k as f64
        ));
    }
    src
}

/// 8 synth outputs driven by patterns of `e` events per cycle.
fn events(e: usize) -> String {
    let mut src = String::from("tempo: 1\n");
    for k in 0..8 {
        src.push_str(&format!(
            "o{k}: saw \"[c{o} e{o} g{o} b{o}]*{}\" # lpf 2000 0.7 * 0.02\n",
            (e / 4).max(1),
            o = 2 + k % 4
        ));
    }
    src
}

/// 8 sample outputs, each echoed `v` times.
fn voices(v: usize) -> String {
    let mut src = String::from("tempo: 4\n");
    let kit = ["hh", "bd", "sn", "cp", "oh", "lt", "mt", "ht"];
    for (k, s) in kit.iter().enumerate() {
        src.push_str(&format!(
            "o{k}: stut {v} 0.8 0.03 $ s \"{s}*8\" # gain 0.2\n"
        ));
    }
    src
}

/// An axis: its name, the patch of size n, and the sizes.
type Axis = (&'static str, fn(usize) -> String, &'static [usize]);

fn main() {
    let blocks: usize = std::env::var("PHONON_SCALING_BLOCKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600);
    let config = Config {
        threads: 2,
        ..Config::default()
    };
    let bank = Arc::new(SampleBank::builtin(config.sample_rate));
    let axes: [Axis; 3] = [
        ("outputs", outputs, &[1, 2, 4, 8, 16, 32, 64, 128]),
        ("events/cycle", events, &[4, 16, 64, 256, 1024, 4096]),
        ("stut echoes", voices, &[1, 2, 4, 8, 16, 32]),
    ];
    println!(
        "| axis | n | voices | 1 thread mean | p99 | 2 threads mean | p99 | speed-up (mean) |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (axis, make, sizes) in axes {
        for &n in sizes {
            let src = make(n);
            let report = match bench(&src, Engines::Jit, blocks, config, bank.clone()) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("{axis} {n}: {e:?}");
                    continue;
                }
            };
            let (Some(one), Some(two)) = (&report.jit, &report.jit_threads) else {
                continue;
            };
            println!(
                "| {axis} | {n} | {:.0} | {:.4} ms | {:.4} | {:.4} ms | {:.4} | {:.2}x |",
                report.voices_mean,
                one.times.mean_ms,
                one.times.p99_ms,
                two.times.mean_ms,
                two.times.p99_ms,
                one.times.mean_ms / two.times.mean_ms.max(1e-9)
            );
        }
    }
}
