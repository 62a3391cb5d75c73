//! Densities multiply, and every query has a budget: whichever combinators build a
//! pattern bomb, `check` reports it with its position, a query of it fails cleanly,
//! and a render or a block plays silence for it while the other outputs play on,
//! each in bounded time and bounded memory (a peak-tracking allocator watches).

use std::sync::Arc;
use std::time::Duration;

use phonon::diag::line_col;
use phonon::pattern::WORK_PER_CYCLE;
use phonon::render::EngineKind;
use phonon::runtime::Config;
use phonon::time::{r, QueryFault};
use phonon::{check_source, compile, SampleBank};

use crate::common::peak::measured;

/// What any one bomb may cost: far less than the machine has, and no hang.
const MEMORY_CAP: usize = 256 << 20;
const DEADLINE: Duration = Duration::from_secs(5);

/// The issue's reproducers, each the pattern of one output (`d2: …`).
const BOMBS: &[&str] = &[
    r#"s "a*65536*65536""#,
    r#"s "[[a*256]*256]*256""#,
    r#"s "[a!4096]*4096""#,
    r#"n "[0 .. 65535]*65536" # s "a""#,
    r#"s "a(65536,65536)*65536""#,
    r#"fast 2 $ fast 2 $ fast 2 $ fast 2 $ fast 2 $ fast 2 $ fast 2 $ fast 2 $ fast 2 $ fast 2 $ fast 2 $ fast 2 $ fast 2 $ fast 2 $ fast 2 $ fast 2 $ fast 2 $ s "a*8""#,
    r#"fast 256 $ fast 256 $ fast 256 $ s "a""#,
    r#"ply 256 $ ply 256 $ ply 256 $ s "a""#,
    r#"chop 256 $ chop 256 $ chop 256 $ s "a""#,
    r#"stutWith 256 0 (ply 2) $ s "a""#,
    r#"stutWith 30 0 (superimpose rev) $ s "a""#,
    r#"stut 256 0.5 0.001 $ stut 256 0.5 0.001 $ stut 256 0.5 0.001 $ s "a""#,
    r#"hurry 1e9 $ s "bd""#,
];

/// A patch whose first output is fine and whose second (line 2) is `pattern`.
fn patch(pattern: &str) -> String {
    format!("out: s \"bd sn\"\nd2: {pattern}\n")
}

#[test]
fn check_reports_every_bomb_at_its_pattern_in_bounded_time_and_memory() {
    for bomb in BOMBS {
        let source = patch(bomb);
        let (diags, peak, took) = measured(|| check_source(&source));
        let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 1, "{bomb}: {diags:?}");
        let e = errors[0];
        assert_eq!(
            line_col(&source, e.span.start),
            (2, 5),
            "{bomb}: {}",
            e.message
        );
        assert_eq!(&source[e.span.start..e.span.end], *bomb);
        assert!(
            e.message
                .starts_with("cycle 0: this pattern makes too many events"),
            "{bomb}: {}",
            e.message
        );
        assert!(peak < MEMORY_CAP, "{bomb}: {} MiB", peak >> 20);
        assert!(took < DEADLINE, "{bomb}: {took:?}");
    }
}

#[test]
fn a_query_of_a_bomb_fails_cleanly_with_the_budget_named() {
    for bomb in BOMBS {
        let (result, peak, took) =
            measured(|| phonon::query::query_expression(bomb, r(0, 1), r(1, 1)));
        let failure = result.err().unwrap_or_else(|| panic!("{bomb} gave events"));
        let message = &failure.diagnostics[0].message;
        assert!(
            message.contains(&format!("more than {WORK_PER_CYCLE} events")),
            "{bomb}: {message}"
        );
        assert!(peak < MEMORY_CAP, "{bomb}: {} MiB", peak >> 20);
        assert!(took < DEADLINE, "{bomb}: {took:?}");
    }
}

#[test]
fn dense_patterns_within_the_budget_are_untouched() {
    // Each factor at its limit, alone: 65536 events in the cycle, exactly.
    for (expr, count) in [
        (r#"s "a*65536""#, 65536),
        (r#"s "[0 .. 16383]*4""#, 65536),
        (r#"fast 256 $ s "a*256""#, 65536),
        (r#"chop 256 $ s "a*64""#, 16384),
        (r#"ply 128 $ s "a*128""#, 16384),
    ] {
        let events = phonon::query::query_expression(expr, r(0, 1), r(1, 1))
            .unwrap_or_else(|f| panic!("{expr}: {:?}", f.diagnostics))
            .events;
        assert_eq!(events.len(), count, "{expr}");
        let source = patch(expr);
        assert_eq!(check_source(&source), [], "{expr}");
    }
}

#[test]
fn time_that_overflows_in_a_query_is_found_by_check_at_its_pattern() {
    for bomb in [
        r#"0.123456789 ~> (0.987654321 ~> (0.333333331 ~> s "a"))"#,
        r#"rotR (1/4294967291) $ rotR (1/4294967279) $ s "a""#,
        r#"rotR 0.1234567 $ rotR 0.7654321 $ rotR 0.3333331 $ s "a""#,
    ] {
        let source = patch(bomb);
        let diags = check_source(&source);
        let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 1, "{bomb}: {diags:?}");
        assert_eq!(line_col(&source, errors[0].span.start), (2, 5));
        assert!(
            errors[0]
                .message
                .starts_with("cycle 0: pattern time overflowed"),
            "{bomb}: {}",
            errors[0].message
        );
    }
}

/// Renders `source` for `seconds` on `engine`, returning the samples and the report.
fn render(
    source: &str,
    seconds: f64,
    engine: EngineKind,
) -> (Vec<f32>, phonon::render::RenderReport) {
    let graph = compile(source).unwrap_or_else(|d| panic!("{source}: {d:?}"));
    let config = Config::default();
    let frames = (seconds * f64::from(config.sample_rate)) as u64;
    let bank = Arc::new(SampleBank::builtin(config.sample_rate));
    let mut out = Vec::new();
    let report = phonon::render::render(
        Arc::new(graph),
        bank,
        config,
        engine,
        frames,
        &mut |l, r| {
            out.extend(l.iter().chain(r));
            Ok(())
        },
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("{source}: {e}"));
    (out, report)
}

#[test]
fn a_bomb_that_goes_off_later_is_silent_while_the_other_outputs_play_on() {
    // Cycles 0, 1 and 3 pass `check`; in cycle 2 the second output needs far more
    // than its budget. The render goes on: the first output sounds exactly as it
    // does alone, and the report names the second output, from the block where it
    // failed; none of its events leaks through.
    let good = "tempo: 4\nout: s \"bd sn\"\n";
    let source = "tempo: 4\nout: s \"bd sn\"\nd2: s \"<~ ~ [a*65536*65536] ~>\"\n";
    assert!(
        check_source(source).is_empty(),
        "{:?}",
        check_source(source)
    );
    for engine in [EngineKind::Jit, EngineKind::Interp] {
        let (alone, _) = render(good, 1.5, engine);
        let ((both, report), peak, took) = measured(|| render(source, 1.5, engine));
        assert!(alone.iter().any(|x| *x != 0.0), "the good output sounds");
        // Equal as numbers (the silent output adds zeros, which may turn a -0 into 0).
        assert!(
            alone == both,
            "{engine:?}: the other output played on, unchanged"
        );
        assert_eq!(report.unknown_samples, Vec::<String>::new());
        assert_eq!(report.failures.len(), 1, "{:?}", report.failures);
        let f = &report.failures[0];
        let span = f.failure.span.expect("the pattern's source");
        assert_eq!(line_col(source, span.start), (3, 5));
        assert!(matches!(f.failure.fault, QueryFault::TooMuchWork { .. }));
        // Cycle 2 is frames 22050 to 33075 (4 cycles a second). A block's query
        // starts half a frame early: the blocks that meet cycle 2 are those of
        // frames 22016 (block 43) to 32768 (block 64).
        assert_eq!(f.first_frame, 43 * 512);
        assert_eq!(f.blocks, 64 - 43 + 1);
        assert!(peak < MEMORY_CAP, "{engine:?}: {} MiB", peak >> 20);
        assert!(took < Duration::from_secs(60), "{engine:?}: {took:?}");
    }
}

#[test]
fn a_block_spends_in_proportion_to_its_span() {
    use phonon::pattern::{work_budget, MIN_WORK_PER_QUERY};
    use phonon::time::Span;
    assert_eq!(work_budget(Span::new(r(0, 1), r(1, 1))), WORK_PER_CYCLE);
    assert_eq!(
        work_budget(Span::new(r(0, 1), r(5, 2))),
        5 * WORK_PER_CYCLE / 2
    );
    // A 512-frame block at 44.1 kHz and 1 cycle per second: the floor.
    assert_eq!(
        work_budget(Span::new(r(0, 1), r(512, 44100))),
        MIN_WORK_PER_QUERY
    );
    // At 100 cycles per second the same block spans 1.16 cycles.
    assert_eq!(
        work_budget(Span::new(r(0, 1), r(51200, 44100))),
        (51200.0 / 44100.0 * WORK_PER_CYCLE as f64).ceil() as u64
    );
}
