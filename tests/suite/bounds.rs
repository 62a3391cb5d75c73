//! Bounded work for any input: long bus chains, buses shared many times over, tempos
//! far out of range. Each gives a clean error (with line and column) or compiles and
//! runs, quickly and without deep recursion.

use std::sync::Arc;
use std::time::{Duration, Instant};

use phonon::check::{MAX_BUSES, MAX_CPS, MIN_CPS};
use phonon::diag::line_col;
use phonon::jit::engine::JitOptions;
use phonon::runtime::Config;
use phonon::runtime::Runtime;
use phonon::time::{Rational, Span};
use phonon::{check_source, compile, Diagnostic, SampleBank};

/// `~b0: saw 110`, then `~b{i+1}: ~b{i} * 0.99` up to `~b{n}`, played.
fn chain(n: usize) -> String {
    let mut s = String::from("~b0: saw 110\n");
    for i in 0..n {
        s.push_str(&format!("~b{}: ~b{i} * 0.99\n", i + 1));
    }
    s.push_str(&format!("out: ~b{n} * 0.5\n"));
    s
}

/// `~a0: "1 2"`, then `~a{i+1}: ~a{i} + ~a{i}` up to `~a{n}`.
fn doubling(n: usize) -> String {
    let mut s = String::from("~a0: \"1 2\"\n");
    for i in 0..n {
        s.push_str(&format!("~a{}: ~a{i} + ~a{i}\n", i + 1));
    }
    s.push_str(&format!("out: sine (~a{n} + 100) * 0.1\n"));
    s
}

fn errors(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags.iter().filter(|d| d.is_error()).collect()
}

fn timed<T>(what: &str, limit: Duration, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let v = f();
    let took = t.elapsed();
    eprintln!("{what}: {took:?}");
    assert!(took < limit, "{what} took {took:?}");
    v
}

/// Runs `blocks` blocks of `graph` on the interpreter and on the JIT.
fn run_on_both_engines(graph: &phonon::ir::Graph, blocks: usize) {
    let bank = Arc::new(SampleBank::builtin(44_100));
    let config = Config::default();
    let mut interp =
        Runtime::interp(Arc::new(graph.clone()), &config, bank.clone()).expect("interp builds");
    run_blocks(&mut interp, blocks);
    let mut jit = Runtime::jit(graph, &config, JitOptions::default(), bank).expect("jit builds");
    run_blocks(&mut jit, blocks);
}

fn run_blocks<E: phonon::runtime::Engine>(rt: &mut Runtime<E>, blocks: usize) {
    let mut l = vec![0.0f32; 512];
    let mut r = vec![0.0f32; 512];
    for _ in 0..blocks {
        rt.process(&mut l, &mut r);
        assert_eq!(rt.failures(), &[], "a query failed");
    }
    assert!(l.iter().chain(&r).all(|x| x.is_finite()));
}

#[test]
fn a_bus_past_the_limit_is_an_error_at_that_bus() {
    for n in [MAX_BUSES, 5_000] {
        // `chain(n)` defines n + 1 buses: the one past the limit is `~b{MAX_BUSES}`.
        let src = chain(n);
        let diags = timed(&format!("check {n}"), Duration::from_millis(900), || {
            check_source(&src)
        });
        let errs = errors(&diags);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].message.contains(&format!("at most {MAX_BUSES}")),
            "{}",
            errs[0].message
        );
        // Line MAX_BUSES + 1 (1-based) defines `~b{MAX_BUSES}`; the span is its name.
        assert_eq!(line_col(&src, errs[0].span.start), (MAX_BUSES + 1, 1));
        let failed = timed(&format!("compile {n}"), Duration::from_millis(900), || {
            compile(&src)
        });
        assert!(failed.is_err());
    }
}

#[test]
fn a_chain_just_under_the_limit_compiles_and_runs() {
    // MAX_BUSES buses: ~b0 .. ~b{MAX_BUSES - 1}.
    let src = chain(MAX_BUSES - 1);
    let diags = timed("check", Duration::from_millis(900), || check_source(&src));
    assert!(errors(&diags).is_empty(), "{:?}", errors(&diags));
    let graph = timed("compile", Duration::from_secs(2), || {
        compile(&src).expect("compiles")
    });
    run_on_both_engines(&graph, 4);
}

#[test]
fn checking_a_bus_chain_is_linear() {
    let time = |n: usize| {
        let src = chain(n);
        let t = Instant::now();
        let diags = check_source(&src);
        assert!(errors(&diags).is_empty());
        t.elapsed()
    };
    time(100);
    let small = time(MAX_BUSES / 4);
    let large = time(MAX_BUSES - 1);
    eprintln!(
        "{} buses: {small:?}, {} buses: {large:?}",
        MAX_BUSES / 4,
        MAX_BUSES - 1
    );
    // Four times the buses: linear is 4x, quadratic 16x. Generous for noise.
    assert!(
        large < small * 10 + Duration::from_millis(20),
        "{small:?} -> {large:?}"
    );
}

#[test]
fn a_bus_read_twice_is_evaluated_once_and_queried_once() {
    let src = doubling(30);
    let diags = timed("check 30 levels", Duration::from_millis(900), || {
        check_source(&src)
    });
    assert!(errors(&diags).is_empty(), "{:?}", errors(&diags));
    // Compile time sharing: both reads of a bus are the one value.
    let program = phonon::syntax::parse_program(&src).expect("parses");
    let ev = phonon::eval::eval_program(&src, &program).expect("evaluates");
    let Some(phonon::eval::Val::Pat(top)) = ev.buses.get("a30") else {
        panic!("~a30 is a pattern");
    };
    // Query time sharing: a cycle of ~a30 is 2 events (1 * 2^30, 2 * 2^30), found
    // in one query per level instead of 2^30 queries.
    let events = timed("query a cycle of ~a30", Duration::from_millis(500), || {
        top.query(Span::new(Rational::new(0, 1), Rational::new(1, 1)))
    });
    assert_eq!(events.len(), 2);
    let graph = timed("compile 30 levels", Duration::from_millis(900), || {
        compile(&src).expect("compiles")
    });
    let bank = Arc::new(SampleBank::builtin(44_100));
    let mut rt = Runtime::interp(Arc::new(graph), &Config::default(), bank).expect("builds");
    timed("8 blocks", Duration::from_millis(500), || {
        run_blocks(&mut rt, 8)
    });
}

#[test]
fn a_tempo_out_of_range_is_an_error_at_the_tempo() {
    for (line, ok) in [
        ("tempo: 2000000", false),
        ("cps: 1e7", false),
        ("tempo: 0.0000000000003", false),
        ("bpm: 0.001", false),
        ("bpm: 120000", false),
        ("tempo: 0.0001", true),
        ("tempo: 1000", true),
        ("bpm: 60000", true),
        ("bpm: 30", true),
    ] {
        let src = format!("out: sine 440 * 0.1\n{line}\n");
        let diags = timed(line, Duration::from_millis(500), || check_source(&src));
        let errs = errors(&diags);
        if ok {
            assert!(errs.is_empty(), "{line}: {errs:?}");
            continue;
        }
        assert_eq!(errs.len(), 1, "{line}: {errs:?}");
        let message = &errs[0].message;
        assert!(
            message.contains(&MIN_CPS.to_string()) && message.contains(&MAX_CPS.to_string()),
            "{line}: {message}"
        );
        let col = line.find(':').map_or(0, |c| c + 3);
        assert_eq!(line_col(&src, errs[0].span.start), (2, col), "{line}");
        assert!(compile(&src).is_err(), "{line}");
    }
}

#[test]
fn a_feedback_loop_through_every_bus_up_to_the_limit_compiles_and_runs() {
    // ~b0 reads the last bus: the whole chain is one feedback loop, evaluated
    // through the cycle.
    let n = MAX_BUSES - 1;
    let mut src = format!("~b0: saw 110 + ~b{n} * 0.5\n");
    for i in 0..n {
        src.push_str(&format!("~b{}: ~b{i} * 0.99\n", i + 1));
    }
    src.push_str(&format!("out: ~b{n} * 0.1\n"));
    let diags = timed("check loop", Duration::from_millis(900), || {
        check_source(&src)
    });
    assert!(errors(&diags).is_empty(), "{:?}", errors(&diags));
    let graph = timed("compile loop", Duration::from_secs(2), || {
        compile(&src).expect("compiles")
    });
    run_on_both_engines(&graph, 4);
}

#[test]
fn chains_of_filters_patterns_and_sounds_up_to_the_limit_compile_and_run() {
    let n = MAX_BUSES - 1;
    let chained = |first: &str, step: &str, out: &str| {
        let mut src = format!("~b0: {first}\n");
        for i in 0..n {
            src.push_str(&format!(
                "~b{}: {}\n",
                i + 1,
                step.replace("PREV", &format!("~b{i}"))
            ));
        }
        src.push_str(&out.replace("LAST", &format!("~b{n}")));
        src.push('\n');
        src
    };
    for src in [
        chained("saw 110", "lpf 2000 0.7 PREV", "out: LAST * 0.5"),
        chained("\"1 2\"", "PREV + 1", "out: sine (LAST + 100) * 0.1"),
        chained("s \"bd sn\"", "PREV # gain 0.9999", "out: LAST"),
    ] {
        let first = src.lines().nth(1).unwrap_or_default().to_string();
        let diags = timed(&first, Duration::from_millis(900), || check_source(&src));
        assert!(errors(&diags).is_empty(), "{first}: {:?}", errors(&diags));
        let graph = timed(&first, Duration::from_secs(2), || {
            compile(&src).expect("compiles")
        });
        run_on_both_engines(&graph, 4);
    }
}

/// `n` copies of `term` joined by `op`.
fn flat(term: &str, op: &str, n: usize) -> String {
    vec![term; n].join(op)
}

/// The first block's first left sample of `graph` on the interpreter.
fn first_sample(graph: &phonon::ir::Graph) -> f32 {
    let bank = Arc::new(SampleBank::builtin(44_100));
    let mut rt =
        Runtime::interp(Arc::new(graph.clone()), &Config::default(), bank).expect("interp builds");
    let (mut l, mut r) = (vec![0.0f32; 512], vec![0.0f32; 512]);
    rt.process(&mut l, &mut r);
    assert_eq!(rt.failures(), &[], "a query failed");
    l[0]
}

#[test]
fn flat_chains_of_any_length_compile_on_a_test_threads_stack() {
    // A chain of one operator is one level of nesting, however long: the parser, the
    // checker, the evaluator and the lowering walk it in a loop.
    for n in [200, 10_000] {
        let sums = [
            (flat("0.0001", " + ", n), 0.0001 * n as f32),
            (format!("1 * {}", flat("1", " * ", n)), 1.0),
            (format!("{n} - {}", flat("1", " - ", n)), 0.0),
            (flat("(1/10000)", "+", n), n as f32 / 10_000.0),
        ];
        for (expr, value) in sums {
            let src = format!("out: {expr}\n");
            let graph = timed(&format!("{n} terms"), Duration::from_secs(2), || {
                compile(&src)
            })
            .unwrap_or_else(|d| panic!("{n} terms: {d:?}"));
            let got = first_sample(&graph);
            assert!((got - value).abs() < 1e-3, "{n} terms: {got} for {value}");
        }
        // Signals: one node per term, lowered with an explicit stack.
        let src = format!("out: {}\n", flat("sine 110 * 0.0001", " + ", n));
        let graph = timed(&format!("{n} signals"), Duration::from_secs(2), || {
            compile(&src)
        })
        .unwrap_or_else(|d| panic!("{n} signals: {d:?}"));
        assert!(graph.nodes.len() > 2 * n, "{}", graph.nodes.len());
        let diags = timed("check", Duration::from_secs(2), || check_source(&src));
        assert!(errors(&diags).is_empty(), "{diags:?}");
    }
}

#[test]
fn a_chain_of_pattern_operators_is_bounded_at_the_nesting_limit() {
    // A pattern made by an operator wraps the one before it: queried by recursion,
    // so such a chain stops at MAX_DEPTH links, with an error at the operand past it.
    let limit = phonon::syntax::MAX_DEPTH;
    for op in [" |+ ", " + ", " # "] {
        let at_limit = format!("out: s \"bd\" # n ({})\n", flat("\"1\"", op, limit + 1));
        let graph = compile(&at_limit).unwrap_or_else(|d| panic!("{op}: {d:?}"));
        run_on_both_engines(&graph, 2);
    }
    for n in [limit + 2, 10_000] {
        let src = format!("out: {}\n", flat("\"1\"", " |+ ", n));
        let diags = timed("a long pattern chain", Duration::from_secs(2), || {
            check_source(&src)
        });
        let errs = errors(&diags);
        assert_eq!(errs.len(), 1, "{diags:?}");
        assert!(errs[0].message.contains("nested too deeply"), "{errs:?}");
        // At term MAX_DEPTH + 2 (0-based MAX_DEPTH + 1), 7 characters each after
        // `out: `.
        assert_eq!(line_col(&src, errs[0].span.start), (1, 6 + 7 * (limit + 1)));
        assert!(compile(&src).is_err());
    }
    // A sound, and functions composed by `#`, likewise.
    let sound = format!("out: s \"bd\"{}\n", " # gain 1".repeat(10_000));
    let diags = check_source(&sound);
    assert!(
        errors(&diags)[0].message.contains("nested too deeply"),
        "{diags:?}"
    );
    let composed = format!("out: s \"bd\" # ({})\n", flat("fast 1", " # ", 10_000));
    let diags = check_source(&composed);
    assert!(
        errors(&diags)[0].message.contains("nested too deeply"),
        "{diags:?}"
    );
}

#[test]
fn real_nesting_stays_bounded_with_an_error_at_its_place() {
    // 1000 parentheses: the 65th is past the limit, at column 5 + 65.
    let src = format!("o1: 1\nout: {}1{}\n", "(".repeat(1000), ")".repeat(1000));
    let diags = timed("1000 parentheses", Duration::from_secs(1), || {
        check_source(&src)
    });
    let errs = errors(&diags);
    assert_eq!(errs.len(), 1, "{diags:?}");
    assert!(errs[0].message.contains("nested too deeply"), "{errs:?}");
    assert_eq!(line_col(&src, errs[0].span.start), (2, 70));
    let text = phonon::render_diagnostics("deep.ph", &src, &diags);
    assert!(text.contains("deep.ph:2:70"), "{text}");
    // `$` nests to the right: 1000 of them are too deep, as are 1000 minus signs.
    for deep in [
        format!("out: {}s \"bd\"\n", "fast 1 $ ".repeat(1000)),
        format!("out: {}1\n", "- ".repeat(1000)),
    ] {
        let diags = timed("deep nesting", Duration::from_secs(1), || {
            check_source(&deep)
        });
        let errs = errors(&diags);
        assert_eq!(errs.len(), 1, "{diags:?}");
        assert!(errs[0].message.contains("nested too deeply"), "{errs:?}");
        assert_eq!(line_col(&deep, errs[0].span.start).0, 1);
    }
}
