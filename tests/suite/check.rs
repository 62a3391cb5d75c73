//! Tests of the type checker on whole patches, parsed by the real parser.

use crate::common::errors::reported;
use phonon::check::{check_expr, check_program, lookup, Checked, Type};
use phonon::diag::{Diagnostic, SrcSpan};
use phonon::syntax::ast::*;

fn parse(src: &str) -> Program {
    match phonon::syntax::parse_program(src) {
        Ok(p) => p,
        Err(d) => panic!("{}", phonon::diag::render("t.ph", src, &d)),
    }
}

fn parse_expr_at(src: &str, start: usize, end: usize) -> Expr {
    match phonon::syntax::parse_expr(&src[start..end]) {
        Ok(e) => e,
        Err(d) => panic!("{}", phonon::diag::render("t.ph", src, &d)),
    }
}

// ---------------------------------------------------------------- helpers

fn check(src: &str) -> Checked {
    check_program(&parse(src))
}

fn errors(c: &Checked) -> Vec<&Diagnostic> {
    c.diagnostics.iter().filter(|d| d.is_error()).collect()
}

/// Asserts that `src` checks without any diagnostic.
fn ok(src: &str) -> Checked {
    let c = check(src);
    assert!(
        c.diagnostics.is_empty(),
        "{src}\n{}",
        phonon::diag::render("t.ph", src, &c.diagnostics)
    );
    c
}

/// The type of the only output of `out: <expr>`.
fn out_type(expr: &str) -> Type {
    let src = format!("out: {expr}");
    let c = ok(&src);
    c.outputs[0].ty.clone()
}

/// The span of the only occurrence of `needle` in `src` (the `n`-th when repeated).
fn span_of(src: &str, needle: &str, nth: usize) -> SrcSpan {
    let start = src
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle} not in {src}"))
        .0;
    SrcSpan::new(start, start + needle.len())
}

/// Asserts exactly one error, with this message, on exactly this text.
fn one_error(src: &str, message: &str, at: &str) -> Diagnostic {
    let c = check(src);
    let errs = errors(&c);
    assert_eq!(errs.len(), 1, "{src}: {errs:#?}");
    assert_eq!(errs[0].message, message, "{src}");
    assert_eq!(errs[0].span, span_of(src, at, 0), "{src}: span");
    errs[0].clone()
}

// ---------------------------------------------------------------- well typed

#[test]
fn the_examples_of_the_language_reference_check() {
    for src in [
        "tempo: 0.5\nout: s \"bd sn\"",
        "cps: 0.5\nout: s \"bd sn\"",
        "bpm: 120\nout: s \"bd sn\"",
        "out: jux rev $ s \"bd sn\"",
        "out: s \"bd sn\" $ fast 2 $ every 3 rev",
        "out: s \"bd*2 [sn cp]\" # every 3 (fast 2)",
        "out: saw 110 # lpf 800 0.7",
        "out: s \"bd sn\" # every 3 (# speed 2)",
        "out: n \"0 3 7\" # s \"superpiano\" # off 0.125 (|+ n 12)",
        "out: every 2 (+ 0.5) $ \"0 1\"",
        "out: every 2 (* 2) $ \"0 1\"",
        "out: every 2 (0.25 <~) $ s \"bd sn\"",
        "out: every 2 (0.25 ~>) $ s \"bd sn\"",
        "out: rotR (1/3) $ s \"bd sn\"",
        "out: saw 55 # lpf 800 0.7 * 0.3",
        "out: s \"bd sn\" # pan -1",
        "out: saw 55 # lpf 800 -0.5",
        "~a: sine 2\nout: ~a - 1",
        "~a: sine 2\nout: ~a-1",
        "out: s \"hh*8\" # pan (sine 0.25)",
        "out: fast \"<1 2>\" $ s \"bd sn\"",
        "out: degradeBy \"0.2 0.8\" $ s \"hh*8\"",
        "out: s \"bd\" # n 3",
        "out: saw 55 * adsr 0.01 0.1 0.6 0.2 \"1 ~ 1 1\"",
        "out: stut 3 0.5 0.125 $ s \"bd sn\"",
        "out: jux (fast 2) $ s \"bd sn\"",
        "out: s \"bd sn\" # gain \"1 0.5\" # speed 2 # begin 0 # end 0.5 # cut 1 # legato 1 # attack 0.01 # release 0.2 # note 12",
        "out: sine 440 + saw 220 + square 110 + square 110 0.3 + tri 55 + noise + pink + impulse 4",
        "out: saw 55 # hpf 200 # bpf 800 2 # notch 1000 # moog 800 0.5",
        "out: saw 55 # delay 0.25 0.5 # reverb 0.8 0.5 0.3 # distortion 2 # bitcrush 8 0.5 # chorus 1 0.5 # compressor -20 4",
        "out: sine (mtof \"60 64 67\") * perc 0.3 \"1 1 1\"",
        "out: sine (range 200 800 (sine 0.5)) * ad 0.01 0.2",
        "out: clip -0.5 0.5 (saw 55) + abs (sine 2)",
        "out: s \"bd*8\" # n (irand 8) # gain (range 0.5 1 rand)",
        "out: n (run 4) # s \"arpy\" # speed (choose \"1 2 -1\")",
        "d1: s \"bd sn\"\nd2: s \"hh*4\"\no3: sine 220 * 0.1\nout1: noise * 0.01",
    ] {
        ok(src);
    }
}

#[test]
fn every_transform_of_the_reference_checks_on_sounds() {
    for t in [
        "fast 2",
        "slow 2",
        "hurry 2",
        "rev",
        "every 3 rev",
        "whenmod 4 2 rev",
        "jux rev",
        "juxBy 0.5 rev",
        "stut 3 0.5 0.125",
        "echo 3 0.2 0.5",
        "stutWith 3 (1/8) (# speed 2)",
        "degrade",
        "degradeBy 0.3",
        "unDegradeBy 0.3",
        "sometimes (# speed 2)",
        "sometimesBy 0.3 rev",
        "often rev",
        "rarely rev",
        "almostNever rev",
        "almostAlways rev",
        "always rev",
        "never rev",
        "someCycles rev",
        "someCyclesBy 0.3 rev",
        "palindrome",
        "iter 4",
        "iter' 4",
        "chunk 4 (hurry 2)",
        "chunk' 4 rev",
        "ply 2",
        "euclid 3 8",
        "euclidOff 3 8 2",
        "euclidFull 3 8 (s \"hh\")",
        "rotL 0.25",
        "rotR 0.25",
        "off 0.125 (# crush 4)",
        "superimpose (fast 2)",
        "brak",
        "segment 4",
        "swingBy (1/3) 4",
        "swing 4",
        "linger 0.25",
        "chop 4",
        "striate 4",
        "struct \"t f t t\"",
        "mask \"1 0\"",
        "zoom 0.25 0.75",
        "compress 0.25 0.75",
        "fastGap 2",
        "inside 2 rev",
        "outside 2 rev",
        "within 0 0.5 (fast 2)",
        "press",
        "pressBy 0.25",
        "shuffle 4",
        "scramble 4",
    ] {
        let t = t.replace("crush 4", "speed 2");
        let src = format!("out: s \"bd sn\" # {t}");
        let c = ok(&src);
        assert_eq!(c.outputs[0].ty, Type::Sound { plays: true }, "{t}");
    }
}

#[test]
fn types_of_expressions() {
    assert_eq!(out_type("\"1 2\" + 3"), Type::Pattern);
    assert_eq!(out_type("1 + 2"), Type::Number);
    // Plain arithmetic on two sounds mixes their audio; `|+` combines their controls.
    assert_eq!(out_type("s \"bd\" + s \"sn\""), Type::Signal);
    assert_eq!(
        out_type("n \"0 1\" |+ n 12 # s \"arpy\""),
        Type::Sound { plays: true }
    );
    assert_eq!(out_type("s \"bd*4\" * 0.5"), Type::Signal);
    assert_eq!(out_type("s \"bd*4\" * sine 1"), Type::Signal);
    assert_eq!(out_type("\"1 2\" * sine 1"), Type::Signal);
    assert_eq!(out_type("\"1 2\" # \"3\""), Type::Pattern);
    assert_eq!(out_type("\"1 2\" |+ 3"), Type::Pattern);
    assert_eq!(out_type("0.25 <~ \"1 2\""), Type::Pattern);
    assert_eq!(
        out_type("\"<0 0.25>\" ~> s \"bd\""),
        Type::Sound { plays: true }
    );
    assert_eq!(out_type("range 1 5 \"0 0.5\""), Type::Pattern);
    assert_eq!(out_type("range 1 5 (sine 1)"), Type::Signal);
    assert_eq!(out_type("mtof 69"), Type::Number);
    assert_eq!(out_type("abs (s \"bd\")"), Type::Signal);
    assert_eq!(out_type("-(s \"bd\")"), Type::Signal);
    assert_eq!(out_type("fast 2 $ 1"), Type::Pattern);
    // A builtin missing only optional parameters is its value.
    assert_eq!(out_type("square 110"), Type::Signal);
    assert_eq!(out_type("ad 0.01 0.3"), Type::Signal);
    // `$` fills the trigger of an envelope, the only parameter left.
    assert_eq!(out_type("adsr 0.01 0.1 0.6 0.2 $ \"1 1\""), Type::Signal);
    // `lpf 800 $ square 110`: the oscillator stands for its value.
    assert_eq!(out_type("lpf 800 $ square 110"), Type::Signal);
    assert_eq!(out_type("square 110 # lpf 800"), Type::Signal);
}

#[test]
fn dollar_in_both_directions_and_composition() {
    // x $ fast 2 $ every 3 rev = fast 2 (every 3 rev x) = fast 2 $ every 3 rev $ x
    let src = "out: s \"bd sn\" $ fast 2 $ every 3 rev";
    let c = ok(src);
    assert_eq!(c.outputs[0].ty, Type::Sound { plays: true });
    let comp = c.type_at(span_of(src, "fast 2 $ every 3 rev", 0)).unwrap();
    assert_eq!(comp.to_string(), "transform waiting for its input");
    assert_eq!(
        out_type("fast 2 $ every 3 rev $ s \"bd sn\""),
        Type::Sound { plays: true }
    );
    // every 3 $ fast 2 is application: the next parameter of `every 3` is a function.
    let src = "out: every 3 $ fast 2";
    let c = check(src);
    let t = c.type_at(span_of(src, "every 3 $ fast 2", 0)).unwrap();
    assert_eq!(t.to_string(), "transform waiting for its input");
    assert_eq!(out_type("\"0 1\" $ every 3 $ fast 2"), Type::Pattern);
    assert_eq!(
        out_type("jux rev $ s \"bd\" # speed 2"),
        Type::Sound { plays: true }
    );
}

#[test]
fn arithmetic_lifts_over_functions() {
    let src = "out: saw 55 # lpf 800 0.7 * 0.3";
    let c = ok(src);
    let f = c.type_at(span_of(src, "lpf 800 0.7 * 0.3", 0)).unwrap();
    assert_eq!(f.to_string(), "effect waiting for its input");
    assert_eq!(c.outputs[0].ty, Type::Signal);
    assert_eq!(
        out_type("saw 55 # (lpf 800 + hpf 2000) * 0.5"),
        Type::Signal
    );
    assert_eq!(
        out_type("s \"bd\" # (fast 2 # speed 2)"),
        Type::Sound { plays: true }
    );
}

#[test]
fn transforms_are_polymorphic_over_patterns_and_sounds() {
    assert_eq!(out_type("fast 2 $ \"1 2\""), Type::Pattern);
    assert_eq!(out_type("fast 2 $ s \"bd\""), Type::Sound { plays: true });
    assert_eq!(out_type("every 3 (+ 1) \"1 2\""), Type::Pattern);
    // A transform that only works on sounds binds the variable to sound.
    one_error(
        "out: every 3 (# speed 2) $ \"1 2\"",
        "expected a sound, found a pattern",
        "\"1 2\"",
    );
}

#[test]
fn buses_before_definition_feedback_and_functions() {
    let c = ok("out: ~drums + ~bass\n~drums: s \"bd sn\"\n~bass: saw 55 # lpf 400");
    assert_eq!(c.buses[0].ty, Type::Sound { plays: true });
    assert_eq!(c.buses[1].ty, Type::Signal);
    let c = ok("~fb: ~fb * 0.5 + sine 1\nout: ~fb");
    assert!(c.buses[0].feedback);
    assert_eq!(c.buses[0].ty, Type::Signal);
    // A cycle through two buses.
    let c = ok("~a: ~b * 0.5\n~b: ~a + saw 55\n~c: ~a # lpf 200\nout: ~c");
    assert!(c.buses[0].feedback && c.buses[1].feedback && !c.buses[2].feedback);
    // A bus holding a function (inlined where used).
    let c = ok("~fx: lpf 800 0.7\nout: saw 55 # ~fx");
    assert_eq!(c.buses[0].ty.to_string(), "effect waiting for its input");
    assert_eq!(c.outputs[0].ty, Type::Signal);
}

#[test]
fn tempo_forms() {
    assert_eq!(ok("bpm: 120\nout: 0").cps, 2.0);
    assert_eq!(ok("cps: 135 / 60 / 4\nout: 0").cps, 135.0 / 240.0);
    assert_eq!(ok("tempo: 1\ntempo: 0.25\nout: 0").cps, 0.25);
    assert_eq!(ok("out: 0").cps, 0.5);
}

#[test]
fn check_expr_types_a_single_expression() {
    let src = "fast 2 $ s \"bd sn\"";
    let e = parse_expr_at(src, 0, src.len());
    assert_eq!(check_expr(&e), (Some(Type::Sound { plays: true }), vec![]));
    let src = "fsat 2";
    let (t, d) = check_expr(&parse_expr_at(src, 0, src.len()));
    assert_eq!(t, None);
    assert_eq!(d.len(), 1);
}

// ---------------------------------------------------------------- ill typed

#[test]
fn unknown_name_suggests_the_nearest() {
    let d = one_error("out: fsat 2 $ s \"bd\"", "unknown function `fsat`", "fsat");
    assert_eq!(d.hints, vec!["did you mean `fast`?".to_string()]);
}

#[test]
fn too_many_arguments_point_at_the_first_extra_one() {
    let d = one_error(
        "out: fast 2 \"1 2\" \"3\" \"4\"",
        "too many arguments to `fast`",
        "\"3\"",
    );
    assert_eq!(d.hints, vec!["usage: `fast factor pattern`".to_string()]);
    one_error("out: noise 3", "too many arguments to `noise`", "3");
    one_error(
        "out: saw 55 # lpf 800 0.7 0.5 0.2",
        "too many arguments to `lpf`",
        "0.2",
    );
}

#[test]
fn type_mismatches_name_both_types() {
    one_error(
        "out: fast (sine 1) $ s \"bd\"",
        "expected a number or a pattern, found a signal",
        // The span of a parenthesised expression includes its parentheses.
        "(sine 1)",
    );
    one_error(
        "out: s \"bd\" # \"1 2\"",
        "expected a sound, found a pattern",
        "\"1 2\"",
    );
    one_error(
        "out: \"1 2\" # speed 2",
        "expected a sound, found a pattern",
        "\"1 2\"",
    );
    one_error(
        "out: every 3 4 $ s \"bd\"",
        "expected a transform, found a number",
        "4",
    );
    one_error(
        "out: every 3 (lpf 800) $ s \"bd\"",
        "expected a transform, found an effect waiting for its input",
        "(lpf 800)",
    );
    one_error(
        "out: jux rev $ \"1 2\"",
        "expected a sound, found a pattern",
        "\"1 2\"",
    );
    one_error(
        "out: s (sine 1)",
        "expected a number or a pattern, found a signal",
        "(sine 1)",
    );
    one_error(
        "out: sine 1 * ad 0.1 0.2 (saw 2)",
        "expected a pattern, found a signal",
        "(saw 2)",
    );
    one_error(
        "out: lpf (fast 2) 0.7 $ saw 55",
        "expected a signal (or a number, pattern or sound), found a transform waiting for its input",
        "(fast 2)",
    );
    one_error(
        "out: 1 $ 2",
        "`$` applies a function, but neither side is one: found a number and a number",
        "1 $ 2",
    );
}

#[test]
fn a_transform_on_a_signal_is_an_error_that_explains_why() {
    let d = one_error(
        "out: saw 55 $ fast 2",
        "cannot apply the transform `fast` to a signal",
        "saw 55",
    );
    assert!(
        d.hints[0].contains("transforms rearrange events in time"),
        "{d:?}"
    );
    assert!(d.hints[0].contains("a signal has no events"), "{d:?}");
    one_error(
        "out: sine 1 # every 2 rev",
        "cannot apply the transform `every` to a signal",
        "sine 1",
    );
    one_error(
        "out: 0.25 <~ sine 1",
        "cannot apply the transform `<~` to a signal",
        "sine 1",
    );
}

#[test]
fn structure_operators_refuse_signals() {
    let d = one_error(
        "out: sine 1 |+ \"1 2\"",
        "`|+` cannot be used on a signal",
        "sine 1",
    );
    assert!(d.hints[0].contains("use `+` for signals"), "{d:?}");
    one_error(
        "out: s \"bd\" # sine 2",
        "expected a sound or a function after `#`, found a signal",
        "sine 2",
    );
}

#[test]
fn undefined_bus_suggests_the_nearest_defined_one() {
    let d = one_error(
        "~drums: s \"bd\"\nout: ~drms",
        "undefined bus `~drms`",
        "~drms",
    );
    assert_eq!(d.hints, vec!["did you mean `~drums`?".to_string()]);
}

#[test]
fn an_unapplied_function_cannot_be_an_output() {
    one_error(
        "out: lpf 800",
        "`lpf 800` is an effect waiting for its input; apply it with `#` or `$`",
        "lpf 800",
    );
    one_error(
        "out: fast 2",
        "`fast 2` is a transform waiting for its input; apply it with `#` or `$`",
        "fast 2",
    );
}

#[test]
fn a_patch_without_output_names_its_buses() {
    let src = "~a: s \"bd\"\n~b: saw 55";
    let d = one_error(src, "the patch has no output", "~b");
    assert_eq!(
        d.hints,
        vec!["the patch defines ~a, ~b; play one with a line such as `out: ~a`".to_string()]
    );
    let c = check("");
    assert_eq!(errors(&c)[0].message, "the patch has no output");
}

#[test]
fn tempo_must_be_a_positive_constant() {
    one_error(
        "tempo: \"1 2\"\nout: 0",
        "the tempo must be a constant number, found a pattern",
        "\"1 2\"",
    );
    one_error("bpm: 0\nout: 0", "the tempo must be positive, found 0", "0");
    one_error(
        "cps: mtof 60\nout: 0",
        "the tempo must be a constant number, found `mtof 60`",
        "mtof 60",
    );
}

#[test]
fn a_self_referential_bus_must_be_a_signal() {
    one_error(
        "~a: lpf 800 ~a\nout: saw 55 # ~a",
        "bus `~a` reads itself, so it must be a signal; found an effect waiting for its input",
        "lpf 800 ~a",
    );
}

#[test]
fn all_errors_of_a_patch_are_reported() {
    let src = "tempo: \"x\"\n~a: fsat 2 $ s \"bd\"\n~b: saw 55 $ fast 2\nout: ~a + ~c + (s \"bd\" # lpf 800 0.7 0.5 1)\nout2: lpf 800";
    let c = check(src);
    let got: Vec<(&str, &str)> = errors(&c)
        .iter()
        .map(|d| (d.message.as_str(), &src[d.span.start..d.span.end]))
        .collect();
    let want = [
        ("unknown function `fsat`", "fsat"),
        ("cannot apply the transform `fast` to a signal", "saw 55"),
        (
            "the tempo must be a constant number, found a pattern",
            "\"x\"",
        ),
        ("undefined bus `~c`", "~c"),
        ("too many arguments to `lpf`", "1"),
        (
            "`lpf 800` is an effect waiting for its input; apply it with `#` or `$`",
            "lpf 800",
        ),
    ];
    for w in want {
        assert!(got.contains(&w), "missing {w:?} in {got:#?}");
    }
    // No cascade: the errors inside ~a do not make `~a + ~c` an error of its own.
    assert_eq!(got.len(), want.len(), "{got:#?}");
}

#[test]
fn the_table_is_data() {
    let lpf = lookup("lpf").unwrap();
    assert_eq!(lpf.params.len(), 3);
    assert_eq!(lpf.params[1].default, Some(0.707));
    assert!(lpf.has_input);
    assert_eq!(lookup("sound").unwrap().usage(), "sound samples");
}

#[test]
fn a_bus_defined_twice_warns_and_the_last_definition_wins() {
    let src = "~a: s \"bd\"\n~a: saw 55\nout: ~a";
    let c = check(src);
    assert!(errors(&c).is_empty());
    assert_eq!(c.diagnostics.len(), 1);
    assert_eq!(c.diagnostics[0].message, "bus `~a` is defined twice");
    assert_eq!(c.diagnostics[0].span, span_of(src, "~a", 1));
    assert_eq!(c.buses.len(), 1);
    assert_eq!(c.buses[0].ty, Type::Signal);
    // The replaced definition is still checked for errors.
    let c = check("~a: fsat 2\n~a: saw 55\nout: ~a");
    assert_eq!(errors(&c)[0].message, "unknown function `fsat`");
}

#[test]
fn rendered_error_shows_the_hint() {
    let src = "tempo: 1\nout: saw 55 $ fast 2\n";
    let text = phonon::diag::render("p.ph", src, &check(src).diagnostics);
    assert!(text.contains("p.ph:2:6"), "{text}");
    assert!(text.contains("^^^^^^"), "{text}");
    assert!(
        text.contains("hint: transforms rearrange events in time"),
        "{text}"
    );
}

// ---------------------------------------------------------------- honest types and errors
// Each case was accepted with `check: ok` and played silence or nonsense; each is now
// reported by `phonon check` (`check_source`), at its line and column.

/// Asserts that `src` reports exactly one error, at this line and column with this
/// message, and returns its hints.
fn reports(src: &str, line: usize, col: usize, message: &str) -> Vec<String> {
    assert_eq!(reported(src), [(line, col, message.to_string())], "{src}");
    phonon::check_source(src)
        .into_iter()
        .find(|d| d.is_error())
        .map(|d| d.hints)
        .unwrap_or_default()
}

fn checks_clean(src: &str) {
    let errors = reported(src);
    assert!(errors.is_empty(), "{src}: {errors:?}");
}

#[test]
fn a_control_pattern_used_as_a_frequency_is_an_error() {
    let hints = reports(
        "out: saw (n \"36 ~ 36 48\")",
        1,
        10,
        "`freq` of `saw` needs a number, a pattern or a signal, found a sound",
    );
    assert!(hints[0].contains("`saw (mtof \"36 48\")`"), "{hints:?}");
    // The pattern itself is a frequency (notes become Hz), and a sound is still an
    // effect's input.
    checks_clean("out: saw (mtof \"36 ~ 36 48\")");
    checks_clean("out: s \"bd\" # lpf 800");
}

#[test]
fn a_setter_with_no_value_is_an_error() {
    let hints = reports(
        "out: s \"bd\" # gain",
        1,
        15,
        "the control `gain` has no value",
    );
    assert_eq!(hints, ["give it one: `# gain 0.8` or `# gain \"1 0.5\"`"]);
}

#[test]
fn a_word_where_a_number_is_needed_is_an_error_at_the_word() {
    let hints = reports(
        "out: fast \"bd\" $ s \"bd\"",
        1,
        12,
        "`factor` of `fast` needs a number, found the word `bd`",
    );
    assert!(
        hints[0].starts_with("usage: `fast factor pattern`"),
        "{hints:?}"
    );
    reports(
        "out: every \"x\" (fast 2) $ s \"bd\"",
        1,
        13,
        "`n` of `every` needs a number, found the word `x`",
    );
    reports(
        "out: sine \"440 bd\"",
        1,
        16,
        "`freq` of `sine` needs a number, found the word `bd`",
    );
    // Note names are numbers; factors inside the string are not values.
    checks_clean("out: sine \"c4 a4\"");
    checks_clean("out: fast \"<1 2>*2\" $ s \"bd\"");
}

#[test]
fn a_probability_outside_0_to_1_is_an_error() {
    let hints = reports(
        "out: sometimesBy 1.5 (fast 2) $ s \"bd\"",
        1,
        18,
        "a probability is between 0 and 1, found 1.5",
    );
    assert_eq!(
        hints,
        ["0 is never and 1 is always: write e.g. `sometimesBy 1`"]
    );
    reports(
        "out: degradeBy 2 $ s \"bd\"",
        1,
        16,
        "a probability is between 0 and 1, found 2",
    );
    reports(
        "out: degradeBy \"0.2 1.5\" $ s \"hh*8\"",
        1,
        21,
        "a probability is between 0 and 1, found 1.5",
    );
    checks_clean("out: degradeBy \"0 0.5 1\" $ s \"hh*8\"");
}

#[test]
fn a_sound_that_names_nothing_to_play_is_an_error() {
    let hints = reports(
        "out: n \"c4 e4\"",
        1,
        6,
        "this sound names no sample or synth, so it plays nothing",
    );
    assert_eq!(
        hints,
        ["name what plays each event with `s`: a sample, such as `# s \"bd\"`"]
    );
    // Through a bus, `s` counts wherever it is.
    checks_clean("~m: n \"c4 e4\"\nout: ~m # s \"arpy\"");
    checks_clean("~d: s \"bd\"\n~e: ~d # n 1\nout: ~e");
}

#[test]
fn a_number_added_to_a_sound_is_an_error() {
    let hints = reports(
        "~melody: n \"c4 e4\" # s \"arpy\"\nout: ~melody + 12",
        2,
        16,
        "`+` with a sound and a number offsets the sound's audio by a constant",
    );
    assert!(hints[0].contains("`|+ n 12`"), "{hints:?}");
    // Scaling a sound's audio, mixing two sounds and transposing stay fine.
    checks_clean("out: s \"bd*4\" * 0.5");
    checks_clean("out: s \"bd*4\" + s \"hh*8\"");
    checks_clean("~melody: n \"c4 e4\" # s \"arpy\"\nout: ~melody |+ n 12");
}

#[test]
fn a_factor_where_every_event_vanishes_is_an_error_with_the_factor() {
    let hints = reports(
        "out: fast 100000 $ s \"bd\"",
        1,
        11,
        "`fast 100000` plays nothing: past a factor of 65536 (events per cycle) every event vanishes",
    );
    assert_eq!(
        hints,
        ["a transform makes at most 65536 events per cycle; use a smaller factor"]
    );
    reports(
        "out: slow 0 $ s \"bd\"",
        1,
        11,
        "`slow 0` plays nothing: a factor of 0 leaves no event",
    );
    reports(
        "out: ply \"2 100000\" $ s \"bd\"",
        1,
        13,
        "`ply 100000` plays nothing: past a factor of 65536 (events per cycle) every event vanishes",
    );
    checks_clean("out: fast 1024 $ s \"bd\"");
    checks_clean("out: fast \"<1 0>\" $ s \"bd\"");
}

#[test]
fn a_function_missing_its_last_argument_is_named_with_what_it_needs() {
    let hints = reports(
        "out: s \"bd*2\" $ every 4",
        1,
        17,
        "`every` is missing an argument: it still needs `transform`",
    );
    assert_eq!(
        hints,
        ["usage: `every n transform pattern`; give the argument before `$` or `#` applies it"]
    );
    reports(
        "out: s \"bd*2\" # whenmod 4",
        1,
        17,
        "`whenmod` is missing an argument: it still needs `b` and `transform`",
    );
}

#[test]
fn swapped_arguments_show_the_usage_line() {
    let hints = reports(
        "out: every (fast 2) 3 $ s \"bd\"",
        1,
        12,
        "expected a number or a pattern, found a transform waiting for its input",
    );
    assert_eq!(hints, ["usage: `every n transform pattern`"]);
}

#[test]
fn a_bus_name_starting_with_a_digit_says_so() {
    assert_eq!(
        reported("~808: s \"bd\"\nout: ~808"),
        [
            (
                1,
                1,
                "a bus name cannot start with a digit: `~808`".to_string()
            ),
            (
                2,
                6,
                "a bus name cannot start with a digit: `~808`".to_string()
            ),
        ]
    );
}

#[test]
fn a_syntax_error_does_not_hide_the_errors_of_other_lines() {
    assert_eq!(
        reported("out: s \"bd\" $ fsat 2\nout2: s \"bd\" +\nout3: sine \"x\""),
        [
            (1, 15, "unknown function `fsat`".to_string()),
            (2, 14, "expected an expression after `+`".to_string()),
            (
                3,
                13,
                "`freq` of `sine` needs a number, found the word `x`".to_string()
            ),
        ]
    );
    // What a broken line defines is not reported again where it is used, and a
    // broken output is an output.
    assert_eq!(
        reported("~a: s \"bd\" +\nout: ~a # fast 2"),
        [(1, 12, "expected an expression after `+`".to_string())]
    );
    assert_eq!(
        reported("out: s \"bd\" +\n~b: s \"hh\""),
        [(1, 13, "expected an expression after `+`".to_string())]
    );
    // The same through `compile`, which live playback uses.
    let errors = phonon::compile("out: s \"bd\" +\nout2: fsat 2")
        .err()
        .unwrap_or_default();
    assert_eq!(errors.len(), 2, "{errors:?}");
}

#[test]
fn tidal_and_superdirt_names_are_told_from_typos() {
    let hints = reports(
        "out: s \"bd\" # leslie 0.3",
        1,
        15,
        "`leslie` is a SuperDirt control Phonon does not have yet",
    );
    assert_eq!(hints, ["`phonon functions` lists what Phonon has"]);
    reports(
        "out: s \"bd\" # every 2 (ur 2)",
        1,
        24,
        "`ur` is a Tidal function Phonon does not have yet",
    );
    // A typo still gets its nearest name.
    let hints = reports("out: s \"bd\" $ fsat 2", 1, 15, "unknown function `fsat`");
    assert_eq!(hints, ["did you mean `fast`?"]);
}

#[test]
fn unquoted_mini_notation_says_to_quote_it() {
    let hints = reports(
        "out: s bd*2",
        1,
        8,
        "`bd*2` is mini-notation: it goes in quotes",
    );
    assert_eq!(hints, ["write `s \"bd*2\"`"]);
    let hints = reports(
        "out: s bd sn # gain 0.8",
        1,
        8,
        "`bd sn` is mini-notation: it goes in quotes",
    );
    assert_eq!(hints, ["write `s \"bd sn\"`"]);
}

#[test]
fn a_word_other_than_a_boolean_in_struct_or_mask_is_an_error() {
    let d = one_error(
        "out: struct \"t bd x\" $ s \"hh\"",
        "`struct` reads `t`, `true`, `x` or `1` as true and `f`, `false` or `0` as false, found the word `bd`",
        "bd",
    );
    assert!(d
        .hints
        .iter()
        .any(|h| h.contains("struct booleans pattern")));
    one_error(
        "out: s \"hh*4\" $ mask \"1 0 yes 1\"",
        "`mask` reads `t`, `true`, `x` or `1` as true and `f`, `false` or `0` as false, found the word `yes`",
        "yes",
    );
    // The words it reads, rests and numbers check.
    ok("out: struct \"t ~ x true f false 1 0\" $ s \"hh\"");
}
