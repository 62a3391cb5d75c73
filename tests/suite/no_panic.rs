//! No input makes Phonon panic: random text, mutated patches and mutated
//! mini-notation go through parsing, checking, evaluation and a query, and each either
//! works or yields diagnostics that carry a position inside the input.
//!
//! Patches that compile are also rendered for a few blocks through the runtime with
//! the JIT and with the interpreter, and the master must stay finite; sequences of
//! them are played live, each a reload of the one before.
//!
//! Every case runs under a deadline and a memory cap: a peak-tracking allocator
//! watches the case's thread, and a case past either fails with its input printed
//! (densities multiply, and the query budget must bound what any mutation builds).
//!
//! The test run does a few thousand cases; `PHONON_FUZZ_CASES=1000000` runs the long
//! version.

use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::common::peak;

/// What one case may take: memory held at once beyond what its thread held before,
/// and time (generous: debug builds and a loaded machine stay well inside it).
const CASE_MEMORY: usize = 512 << 20;
const CASE_DEADLINE: Duration = Duration::from_secs(20);

/// Runs one case, failing with its input if it broke the deadline or the memory cap.
fn bounded(input: &str, f: impl FnOnce(&str)) {
    let ((), peak, took) = peak::measured(|| f(input));
    assert!(took < CASE_DEADLINE, "took {took:?} on input {input:?}");
    assert!(
        peak < CASE_MEMORY,
        "held {} MiB at once on input {input:?}",
        peak >> 20
    );
}

use phonon::diag::Diagnostic;
use phonon::time::{r, Span};

const FIXTURES: &[&str] = &[
    include_str!("../../fixtures/stress_extreme.ph"),
    include_str!("../../fixtures/house.ph"),
    include_str!("../../fixtures/techno.ph"),
    include_str!("../../fixtures/ambient.ph"),
    include_str!("../../fixtures/melody.ph"),
    // The earlier engine's dialect (tests/suite/dialect.rs).
    "// old\n# heading\ntempo 2.0  # 120 BPM\n~a = white_noise # hpf 800 0.5\n~m = moog_ladder (saw 55) 400 0.7\nout ~a * 0.1 + distort ~m 4 0.7\nd1 = s \"bd sn\" # distort 3 // end\n",
    "bpm 120\n~p = pink_noise # dist 2\nout2 ~p * 0.1 # moog_ladder 800 0.5\n# a\nhush\n",
];

/// Patches that use every synthesis node, with parameters at and past their ranges.
const SYNTH: &[&str] = &[
    include_str!("../../fixtures/synth_dense.ph"),
    "out: moog 1e9 -3 (saw 55 + square 30 0 + tri -40) # delay 0 2 # reverb 9 -1\n\
     out2: noise # bitcrush 0 0 # chorus 1e6 5 # compressor 100 -2 # distortion -5 2\n",
    "~fb: (pink * 0.1 + ~fb * 1.5) # notch 0 0 # hpf 1e6 99\nout: ~fb # bpf 20000 0.001\n",
    "out: sine (impulse 3 * 1e5) * adsr 0 0 2 0 \"1 0 1\" * ad -1 1e9 (s \"bd*3\") * perc 0\n",
    "out: s \"bd*16 cr:3 hh:-2\" # speed \"-2 0 1e3\" # begin 0.9 # end 0.1 # cut 1 # legato 0\n\
     out2: s \"sn*8\" # pan (sine 9 * 9) # attack 1 # release 0 # note (saw 1 * 99) # gain -1\n",
    "out: clip -1 1 (range 0 9 (abs (mtof (saw 1 * 300)))) / (sine 1 - sine 1)\n",
];

/// Compiles `source` and, when it compiles, renders a few blocks: nothing panics and
/// the master stays finite.
fn exercise_render(source: &str) {
    use std::sync::Arc;
    if !numbers_are_small_for_render(source) {
        return;
    }
    let Ok(graph) = phonon::compile(source) else {
        return;
    };
    let config = phonon::runtime::Config {
        voices: 64,
        block: 128,
        ..phonon::runtime::Config::default()
    };
    let bank = BANK.with(|b| b.clone());
    // Through the JIT, after the passes...
    let rt = phonon::runtime::Runtime::jit(&graph, &config, Default::default(), bank.clone())
        .unwrap_or_else(|e| panic!("{source}: {e}"));
    render_blocks(rt, source);
    // ...and through the interpreter.
    let rt = phonon::runtime::Runtime::interp(Arc::new(graph), &config, bank)
        .unwrap_or_else(|e| panic!("{source}: {e}"));
    render_blocks(rt, source);
    RENDERED.with(|n| n.set(n.get() + 1));
}

fn render_blocks<E: phonon::runtime::Engine>(mut rt: phonon::runtime::Runtime<E>, source: &str) {
    let (mut l, mut r) = (vec![0.0f32; 128], vec![0.0f32; 128]);
    for _ in 0..4 {
        rt.process(&mut l, &mut r);
        assert!(l.iter().chain(&r).all(|x| x.is_finite()), "{source}");
    }
}

thread_local! {
    static RENDERED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    static BANK: std::sync::Arc<phonon::samples::SampleBank> =
        std::sync::Arc::new(phonon::samples::SampleBank::builtin(44_100));
}

/// Rendering needs the pattern densities small (a mutated `*8` can become `*88`,
/// which is fine, but not `*88888`); synthesis parameters such as 1800 Hz are fine.
fn numbers_are_small_for_render(text: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == 'e'))
        .filter_map(|t| t.parse::<f64>().ok())
        .all(|x| x.abs() < 5000.0)
}

const EXPRESSIONS: &[&str] = &[
    "\"bd*2 [sn cp]\" $ every 3 rev",
    "s \"bd:3 sn\" # gain \"1 0.5\" $ jux rev",
    "n (\"0 .. 3\" + \"<10 20>\")",
    "\"a b\" $ stut 3 0.5 (1/8)",
    "\"<a [b c]>*2 {d e f}%4 g(3,8,<0 2>) h? i!2 j@3 _ . k | l\"",
    "s \"bd*4\" $ sometimesBy 0.3 (# speed 2) $ off 0.25 (|+ n 12) $ chunk 4 (hurry 2)",
    "\"0 .. 7\" $ iter 4 $ palindrome $ ply \"<1 2>\" $ linger 0.25",
    "struct \"t ~ t t\" $ \"c4 e4\" + \"<0 12>\"",
    "s \"[bd sn]*2\" $ striate 2 $ chop 2 $ shuffle 4 $ scramble 2 $ swingBy (1/3) 4",
    "0.25 <~ (\"a b c\" $ within 0 0.5 (fast 2) $ inside 2 rev $ euclidFull 3 8 \"x\")",
    "stack [s \"bd*2\", cat [s \"a\", s \"<b c>\"] # gain 0.8, timeCat [(1, s \"x\"), (2, s \"y*2\")]]",
    "layer [rev, fast 2, (# speed 2)] $ spread fast [1, \"<2 3>\"] $ pickF \"0 1\" [id, rev] $ n \"0 1\"",
    "randcat [n \"0\", wrandcat [(n \"1\", 0.5), (n \"2\", 1)]] # s (fit 1 [\"a\", \"b\"] \"0 1\")",
    "within (0, 0.5) (fast 2) $ zoom (0.25, 0.75) $ compress (1/4, 3/4) $ squeeze \"0 1\" [s \"a b\", select \"0 1\" [s \"c\", s \"d\"]]",
    "spin 3 $ s \"a\" # note (segment 4 $ wchoose [(0, 0.25), (2, 0.5)]) # pan (fastcat [0, 1])",
    "spread ($) [rev, fast 2, (# speed 2)] $ fastspread ($) [id] $ s \"a b\"",
    "fastspread ($ \"<1 2>\") [fast] $ overlay (append (s \"a\") (s \"b\")) (fastAppend [s \"c\"] (s \"d\"))",
    "n \"c'maj e4'min7'ii <c e>'<maj min>'<o d1> 'dom7'8 0'm9'i3'd2\"",
    "arp \"<up downup>\" \"c'maj'5 [g3'sus4 a'm6by9]'<i oo>\" # s \"a\"",
    "rolled $ note \"[c e]'[maj min dim]'[0 4]*2 c/2'maj/3\" + n \"e'7f5'i99999\"",
    "every' \"<2 3>\" 1 rev $ foldEvery [2, 3] (fast 2) $ lastOf 3 (plyWith \"<2 3>\" (|* gain 0.8)) $ s \"a b\"",
    "sew \"t f\" (n \"0*4\") (rot \"<1 -1>\" $ n \"0 1 2\") # s (chooseBy \"0 0.5\" [\"a\", \"b\"])",
    "fix (hurry 2) (s \"bd\") $ ghost $ bite 4 \"0 2\" $ trunc 0.75 $ euclidLegato 3 8 $ s \"bd sn\"",
    "n (\"-1 5\" |%| \"<3 0>\") # s \"a\" |% n \"2 0\" %| speed (sine * 0.5 + saw)",
    "contrast (# gain 0.5) rev (n 1) $ stitch (inv \"t f\") (n 1) (n (quantise 1 $ rangex 1 8 \"0 0.5\"))",
];

fn cases() -> u32 {
    std::env::var("PHONON_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000)
}

/// A text edited by a few random insertions, deletions and replacements drawn from the
/// characters the language uses.
fn mutated(corpus: &'static [&'static str]) -> impl Strategy<Value = String> {
    let alphabet: Vec<char> = "abcdefghinorstuvwxyz0123456789 .,:;~-+*/|<>[]{}()!?@_%#$'\"\n\t\r-e"
        .chars()
        .collect();
    (
        0..corpus.len(),
        prop::collection::vec((any::<u16>(), 0u8..3, prop::sample::select(alphabet)), 1..4),
    )
        .prop_map(move |(i, edits)| {
            let mut chars: Vec<char> = corpus[i].chars().collect();
            for (pos, kind, c) in edits {
                let at = if chars.is_empty() {
                    0
                } else {
                    pos as usize % (chars.len() + 1)
                };
                match kind {
                    0 => chars.insert(at, c),
                    1 if at < chars.len() => {
                        chars.remove(at);
                    }
                    _ if at < chars.len() => chars[at] = c,
                    _ => chars.push(c),
                }
            }
            chars.into_iter().collect()
        })
}

fn random_text() -> impl Strategy<Value = String> {
    prop::string::string_regex("[a-z0-9 .,:~+*/|<>\\[\\]{}()!?@_%#$'\"\n-]{0,60}")
        .expect("valid regex")
}

fn assert_positions(source: &str, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        assert!(
            d.span.start <= d.span.end && d.span.end <= source.len(),
            "diagnostic `{}` has span {:?} outside the input of {} bytes",
            d.message,
            d.span,
            source.len()
        );
    }
}

fn exercise_patch(source: &str) {
    let diagnostics = phonon::check_source(source);
    assert_positions(source, &diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return;
    }
    // A sound patch: evaluate and query every output that is a pattern.
    if let Ok(program) = phonon::syntax::parse_program(source) {
        if let Ok(evaluated) = phonon::eval::eval_program(source, &program) {
            for (_, sig) in &evaluated.outputs {
                if let phonon::eval::Sig::Sound(s, _) = &**sig {
                    let _ = s.pattern.query_checked(Span::new(r(0, 1), r(1, 1)));
                }
            }
        }
    }
}

fn exercise_expression(source: &str) {
    match phonon::query::query_expression(source, r(0, 1), r(2, 1)) {
        Ok(_) => {}
        Err(failure) => assert_positions(source, &failure.diagnostics),
    }
}

fn exercise_mini(source: &str) {
    match phonon::mini::parse(source) {
        Ok(p) => {
            let _ = p.query_checked(Span::new(r(0, 1), r(3, 1)));
        }
        Err(e) => assert!(e.start <= e.end && e.end <= source.len(), "{e:?}"),
    }
}

fn run(strategy: impl Strategy<Value = String>, f: impl Fn(&str)) {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |text| {
        bounded(&text, &f);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn mutated_patches_never_panic() {
    run(mutated(FIXTURES), exercise_patch);
}

fn runner_cases() -> u32 {
    (cases() / 10).max(50)
}

/// The fixtures and the synthesis edge cases, the corpus the render tests mutate.
fn render_corpus() -> &'static [&'static str] {
    Box::leak(
        FIXTURES
            .iter()
            .chain(SYNTH)
            .copied()
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    )
}

/// A runner of `cases` cases drawn from a fixed seed (the render tests count what
/// compiled, which must not depend on the draw).
fn fixed_seed_runner(cases: u32) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = proptest::test_runner::TestRng::deterministic_rng(config.rng_algorithm);
    TestRunner::new_with_rng(config, rng)
}

#[test]
fn mutated_patches_render_without_panic_or_nan() {
    let corpus = render_corpus();
    // A fixed seed: how many mutations still compile depends on the draw, and the
    // check below must not depend on luck.
    let mut runner = fixed_seed_runner(runner_cases());
    let result = runner.run(&mutated(corpus), |text| {
        bounded(&text, exercise_render);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // Many mutations still compile (about one in six): the property is not vacuous.
    let rendered = RENDERED.with(|n| n.get());
    eprintln!(
        "{rendered} of {} mutated patches compiled and rendered",
        runner_cases()
    );
    assert!(
        rendered * 10 > runner_cases() as usize,
        "only {rendered} patches rendered"
    );
}

#[test]
fn synth_edge_cases_render_finite() {
    for src in SYNTH {
        assert!(
            phonon::compile(src).is_ok(),
            "{src}: {:?}",
            phonon::compile(src).err()
        );
        exercise_render(src);
    }
}

/// Voice definitions at their edges: huge and negative parameters and defaults,
/// lengths of 0 and below, a sound naming a voice that does not exist.
const VOICES: &[&str] = &[
    "~v freq=440 cutoff=2000 gate=1: (saw freq # lpf cutoff 0.8) * adsr 0.005 0.2 0.4 0.3 gate\n\
     out: n \"c'maj e'min\" # s \"~v\" # cutoff \"<800 3000>\" # room 0.3\n",
    "~p gate=1 x=-3: perc 0.1 gate * sine (x * 4000)\nout: s \"~p*16 ~q\" # legato 0\n",
    "~d freq=4999 gate=1: fm freq 1000 1000 * ad 0 0 gate + supersaw freq 9\n\
     out: n \"-1000 1000\" # s \"~d\" # pan 9 # gain -1 # sustain -1\n",
    "~s gate=1 resonance=2: (noise # moog 4000 resonance) * adsr 0 0 2 0 gate\n\
     out: s \"~s*8\" # resonance \"0 5 -5\" # orbit 99 # delay 2\n",
];

#[test]
fn voice_definitions_at_their_edges_render_finite() {
    for src in VOICES {
        assert!(
            phonon::compile(src).is_ok(),
            "{src}: {:?}",
            phonon::compile(src).err()
        );
        exercise_render(src);
    }
}

#[test]
fn mutated_voice_definitions_never_panic() {
    run(mutated(VOICES), |s| {
        exercise_patch(s);
        exercise_render(s);
    });
}

#[test]
fn random_patches_never_panic() {
    run(random_text(), exercise_patch);
}

/// Nestings of every function that changes density, at sizes whose product is far
/// past a query's budget: mutated, they must stay bounded in time and memory.
const DENSE: &[&str] = &[
    "fast 256 $ fast 256 $ s \"a*256\"",
    "ply 64 $ ply 64 $ chop 64 $ striate 64 $ s \"a*64\"",
    "stut 64 0.5 0.001 $ stutWith 16 0 (ply 2) $ s \"a!64\"",
    "hurry 64 $ s \"a*64\" # speed (segment 64 $ fast 64 \"0 .. 255\")",
    "stutWith 20 0 (superimpose rev) $ \"[a*16]*16\"",
    "\"[[a*256]*256]*256 a(255,256)*256 [0 .. 4095]!16\"",
    "echo 64 0.001 0.5 $ off 0.001 (fast 64) $ s \"[bd*64]!64\"",
    "n (\"0 .. 4095\" + \"<0 12>*4096\") # speed (fast 4096 $ \"1 2\")",
    "jux (fast 1024) $ iter 64 $ linger 0.001 $ s \"a*1024\"",
    "rotR (1/4294967291) $ rotR (1/4294967279) $ s \"a b\"",
    "fastcat [fast 256 $ s \"a*256\", squeeze \"[0 1]*256\" [s \"a*256\", s \"b*256\"]]",
    "spin 4096 $ layer [fast 64, ply 64] $ s \"a*64\"",
    "timeCat [(1, fast 4096 $ s \"a*16\"), (1/4096, s \"b*4096\")] # n (fit 4096 [0, 1] \"0 .. 4095\")",
];

#[test]
fn mutated_density_bombs_stay_bounded() {
    run(mutated(DENSE), exercise_expression);
    let patches: &'static [&'static str] = Box::leak(
        DENSE
            .iter()
            .map(|e| &*Box::leak(format!("out: s \"bd\"\nd2: {e}\n").into_boxed_str()))
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    );
    run(mutated(patches), exercise_patch);
}

#[test]
fn mutated_expressions_never_panic() {
    run(mutated(EXPRESSIONS), exercise_expression);
}

#[test]
fn mutated_mini_notation_never_panics() {
    const MINI: &[&str] = &[
        "bd*2 [sn cp]",
        "<a [b c]>*2",
        "{a b c, d e}%4",
        "a . b c . d",
        "a(<3 5>,8,<0 2>)",
        "a? b?0.3 c!3 d@2 _ e | f | g",
        "0 .. 7",
        "[bd:3 ~ hh]/2 <c4 eb2>*<2 3>",
        "a ! ! b*[2 3]",
    ];
    run(mutated(MINI), exercise_mini);
    run(random_text(), exercise_mini);
}

/// Plays a sequence of patches live, each a reload of the one before (matching,
/// state carry, crossfade between unrelated graphs): nothing panics, the output stays
/// finite, and every version that compiled is heard.
fn exercise_reloads(sources: &[String]) {
    use std::sync::Arc;
    let config = phonon::runtime::Config {
        voices: 64,
        block: 128,
        ..phonon::runtime::Config::default()
    };
    let bank = BANK.with(|b| b.clone());
    let mut pipe = phonon::live::pipeline(config.block, config.sample_rate, bank.clone());
    let mut previous: Option<phonon::live::Previous> = None;
    let (mut l, mut r) = (vec![0.0f32; 200], vec![0.0f32; 200]);
    let fade = phonon::live::fade_frames(config.sample_rate);
    let mut versions = 0;
    for source in sources {
        if !numbers_are_small_for_render(source) {
            continue;
        }
        let compiled =
            phonon::live::LiveProgram::build(source, &config, Arc::clone(&bank), previous.as_ref());
        let Ok((program, prev)) = compiled else {
            continue;
        };
        previous = Some(prev);
        versions += 1;
        pipe.scheduler.submit(Box::new(program));
        // Through the crossfade and a little after.
        for _ in 0..(fade / 200 + 8) {
            pipe.scheduler.pump();
            pipe.player.fill(&mut l, &mut r);
            assert!(l.iter().chain(&r).all(|x| x.is_finite()), "{source}");
            while pipe.retired.pop().is_ok() {}
        }
    }
    let playing = pipe
        .player
        .stats()
        .version
        .load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(playing, versions, "{sources:?}");
    RELOADED.with(|n| n.set(n.get() + versions as usize));
}

thread_local! {
    static RELOADED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[test]
fn mutated_reload_sequences_never_panic() {
    let corpus = render_corpus();
    let cases = (runner_cases() / 3).max(10);
    let mut runner = fixed_seed_runner(cases);
    // A patch as it is, then reloads: other patches of the corpus (unrelated graphs,
    // or the same one again) and mutations of them.
    let version = prop_oneof![
        proptest::sample::select(corpus).prop_map(String::from),
        mutated(corpus),
    ];
    let sequences = (
        proptest::sample::select(corpus),
        proptest::collection::vec(version, 1..5),
    );
    let result = runner.run(&sequences, |(first, rest)| {
        let texts: Vec<String> = std::iter::once(first.to_string()).chain(rest).collect();
        exercise_reloads(&texts);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // Every sequence starts with a patch that compiles; about half the versions after
    // it are whole patches (some left out by the size filter), so reloads are many.
    let played = RELOADED.with(|n| n.get());
    let reloads = played.saturating_sub(cases as usize);
    eprintln!("{played} versions played in {cases} reload sequences: {reloads} reloads");
    assert!(reloads * 3 > cases as usize, "only {reloads} reloads");
}
