//! The earlier engine's dialect (docs/language.md, "The earlier engine's dialect"):
//! each form is accepted with one warning that shows the modern spelling, at its line
//! and column, and means what the modern form means (the same rendered samples); the
//! earlier names of built-ins (`check::aliases::ALIASES`, the one table, tied here to
//! the doc's table); `hush`; and the modern forms the dialect must not disturb (`#` in
//! the middle of a line, `//` inside a string, division).

use std::process::{Command, Output};
use std::sync::Arc;

use phonon::check::aliases::ALIASES;
use phonon::diag::Diagnostic;
use phonon::render::{EngineKind, Length};
use phonon::runtime::Config;

use crate::common::rendering::{render_on, render_with, Rendered};

// ---- helpers -----------------------------------------------------------------------

const RATE: u32 = 44_100;

fn rendered(source: &str, cycles: f64) -> Rendered {
    let config = Config {
        sample_rate: RATE,
        block: 512,
        ..Config::default()
    };
    render_with(source, Length::Cycles(cycles), config)
}

/// Every diagnostic of `source` as `phonon check` gives them, as (line, column,
/// message), asserting that none is an error.
fn warnings(source: &str) -> Vec<(usize, usize, String)> {
    let diagnostics = phonon::check_source(source);
    assert!(
        !diagnostics.iter().any(Diagnostic::is_error),
        "{}",
        phonon::render_diagnostics("t.ph", source, &diagnostics)
    );
    diagnostics
        .iter()
        .map(|d| {
            let (line, col) = d.line_col(source);
            (line, col, d.message.clone())
        })
        .collect()
}

/// The one diagnostic of `source` whose message is `message`.
fn diagnostic(source: &str, message: &str) -> Diagnostic {
    let all = phonon::check_source(source);
    match all.iter().find(|d| d.message == message) {
        Some(d) => d.clone(),
        None => panic!(
            "no {message:?} in\n{}",
            phonon::render_diagnostics("t.ph", source, &all)
        ),
    }
}

fn w(line: usize, col: usize, message: &str) -> (usize, usize, String) {
    (line, col, message.to_string())
}

/// `old` renders exactly the samples `modern` does, and they are not silence.
fn same_sound(old: &str, modern: &str) {
    let (a, b) = (rendered(old, 1.0), rendered(modern, 1.0));
    assert_eq!(a.left.len(), b.left.len(), "{old}");
    assert!(
        a.left == b.left && a.right == b.right,
        "{old:?} does not sound as {modern:?}"
    );
    assert!(
        a.left.iter().any(|&x| x != 0.0),
        "{modern:?} is silent: nothing compared"
    );
}

fn silent(source: &str) {
    let r = rendered(source, 1.0);
    assert!(!r.left.is_empty());
    assert!(
        r.left.iter().chain(&r.right).all(|&x| x == 0.0),
        "{source:?} is not silent"
    );
}

const SLASH: &str = "`//` comments are the earlier engine's; write `--`";
const HASH: &str = "`#` comments are the earlier engine's; write `--`";

// ---- comments ----------------------------------------------------------------------

#[test]
fn slash_comments_warn_once_naming_the_other_lines() {
    let old = "// a tone\nout: sine 440 * 0.2 // quiet\n  // inside the statement\n  * 0.5\n";
    assert_eq!(warnings(old), vec![w(1, 1, SLASH)]);
    let d = diagnostic(old, SLASH);
    assert_eq!(d.hints, vec!["lines 2, 3 too".to_string()]);
    same_sound(old, "-- a tone\nout: sine 440 * 0.2 -- quiet\n  * 0.5\n");
}

#[test]
fn hash_comments_start_a_line() {
    let old = "# A tone\n# in two lines\n\ntempo: 0.5\nout: s \"bd sn\"\n# between\n  # speed 2\n";
    assert_eq!(warnings(old), vec![w(1, 1, HASH)]);
    let d = diagnostic(old, HASH);
    assert_eq!(
        d.hints,
        vec![
            "an indented `# ...` line continues the statement above it (Tidal's `#`)".to_string(),
            "lines 2, 6 too".to_string()
        ]
    );
    // The `#` line inside the statement is a comment; the indented one is Tidal's `#`.
    same_sound(old, "tempo: 0.5\nout: s \"bd sn\" # speed 2\n");
}

#[test]
fn hash_in_the_middle_of_a_line_is_tidals_operator() {
    let src = "~bass: saw 55 # lpf 800 0.5\n~d: s \"bd sn\" # speed 2\n  # gain 0.8\nout: ~d + ~bass * 0.1\n";
    assert_eq!(warnings(src), vec![]);
    let modern = "~bass: lpf 800 0.5 (saw 55)\n~d: s \"bd sn\" # speed 2 # gain 0.8\nout: ~d + ~bass * 0.1\n";
    same_sound(src, modern);
}

#[test]
fn slash_inside_strings_comments_and_division_is_no_comment() {
    // Division, and `//` inside a `--` comment.
    let src = "out: sine 440 / 2 * (1/4) -- half // a quarter\n";
    assert_eq!(warnings(src), vec![]);
    same_sound(src, "out: sine 440 * 0.125\n");
    // `//` inside a string stays in the string: mini-notation reports it there.
    let src = "out: s \"bd // sn\"\n";
    let all = phonon::check_source(src);
    assert_eq!(all.len(), 1, "{all:?}");
    assert!(all[0].is_error());
    assert_eq!(all[0].line_col(src), (1, 12));
    // And a `//` after a string is a comment, strings with `/` before it or not.
    let src = "out: s \"bd*2 sn/2\" // two kicks\n";
    assert_eq!(warnings(src), vec![w(1, 20, SLASH)]);
    same_sound(src, "out: s \"bd*2 sn/2\"\n");
}

#[test]
fn hash_after_a_tempo_number_is_a_comment() {
    let old = "tempo 2.0  # 120 BPM\nout: sine 440 * 0.2\n";
    assert_eq!(
        warnings(old),
        vec![
            w(
                1,
                1,
                "`tempo 2.0` is the earlier engine's spelling; write `tempo: 2.0`"
            ),
            w(1, 12, HASH),
        ]
    );
    let graph = phonon::compile(old).unwrap_or_else(|d| panic!("{d:?}"));
    assert_eq!(graph.cps, 2.0);
    let old = "cps: 0.25 # slow\nout: sine 440 * 0.2\n";
    assert_eq!(warnings(old), vec![w(1, 11, HASH)]);
    same_sound(old, "cps: 0.25\nout: sine 440 * 0.2\n");
}

// ---- statements --------------------------------------------------------------------

#[test]
fn equals_defines_buses_and_outputs() {
    let old = "~lfo = sine 0.5 * 0.5 + 0.5\n~bass = saw 55 # lpf (~lfo * 2000 + 500) 0.8\nout = ~bass * 0.4\n";
    assert_eq!(
        warnings(old),
        vec![
            w(
                1,
                6,
                "`~lfo = ...` is the earlier engine's spelling; write `~lfo: ...`"
            ),
            w(
                3,
                5,
                "`out = ...` is the earlier engine's spelling; write `out: ...`"
            ),
        ]
    );
    assert_eq!(
        diagnostic(
            old,
            "`~lfo = ...` is the earlier engine's spelling; write `~lfo: ...`"
        )
        .hints,
        vec!["line 2 too".to_string()]
    );
    same_sound(
        old,
        "~lfo: sine 0.5 * 0.5 + 0.5\n~bass: saw 55 # lpf (~lfo * 2000 + 500) 0.8\nout: ~bass * 0.4\n",
    );
    let old = "d1 = s \"bd*2\"\nout1 = s \"~ sn\"\n";
    assert_eq!(
        warnings(old),
        vec![w(
            1,
            4,
            "`d1 = ...` is the earlier engine's spelling; write `d1: ...`"
        )],
    );
    same_sound(old, "d1: s \"bd*2\"\nout1: s \"~ sn\"\n");
}

#[test]
fn out_without_a_colon() {
    let old = "~pad: saw \"55 82.5\" # lpf 800 0.5\nout ~pad * 0.2\nout2 s \"bd sn\"\n";
    let msg = "`out ...` is the earlier engine's spelling; write `out: ...`";
    assert_eq!(warnings(old), vec![w(2, 1, msg)]);
    assert_eq!(diagnostic(old, msg).hints, vec!["line 3 too".to_string()]);
    same_sound(
        old,
        "~pad: saw \"55 82.5\" # lpf 800 0.5\nout: ~pad * 0.2\nout2: s \"bd sn\"\n",
    );
}

#[test]
fn tempo_cps_and_bpm_without_a_colon() {
    for (old, modern, cps) in [
        ("tempo 2.0", "tempo: 2.0", 2.0),
        ("cps 1.5", "cps: 1.5", 1.5),
        // One cycle per beat: 120 / 60.
        ("bpm 120", "bpm: 120", 2.0),
    ] {
        let src = format!("{old}\nout: s \"bd sn\"\n");
        let msg = format!("`{old}` is the earlier engine's spelling; write `{modern}`");
        assert_eq!(warnings(&src), vec![(1, 1, msg)]);
        let graph = phonon::compile(&src).unwrap_or_else(|d| panic!("{d:?}"));
        assert_eq!(graph.cps, cps, "{old}");
        same_sound(&src, &format!("{modern}\nout: s \"bd sn\"\n"));
    }
}

#[test]
fn a_warning_renders_with_file_line_column_and_caret() {
    let src = "~a: saw 55\nout = ~a * 0.1\n";
    let text = phonon::render_diagnostics("old.ph", src, &phonon::check_source(src));
    assert!(
        text.contains("warning: `out = ...` is the earlier engine's spelling; write `out: ...`"),
        "{text}"
    );
    assert!(text.contains("old.ph:2:5"), "{text}");
    assert!(
        text.contains("2 | out = ~a * 0.1\n  |     ^ the earlier engine's dialect"),
        "{text}"
    );
}

#[test]
fn broken_dialect_lines_are_errors_at_their_place() {
    for (src, at, message) in [
        ("tempo\nout: saw 55\n", (1, 1), "expected `:` after `tempo`"),
        (
            "~bass saw 55\nout: ~bass\n",
            (1, 1),
            "expected `:` or `$` after `~bass`",
        ),
        (
            "hush now\nout: saw 55\n",
            (1, 6),
            "`hush` stands alone on its line",
        ),
    ] {
        let all = phonon::check_source(src);
        let errors: Vec<_> = all.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 1, "{src:?}: {all:?}");
        assert_eq!(errors[0].message, message, "{src:?}");
        assert_eq!(errors[0].line_col(src), at, "{src:?}");
    }
}

// ---- the earlier names of built-ins ------------------------------------------------

fn name_warning(old: &str, modern: &str) -> String {
    format!("`{old}` is the earlier engine's name; write `{modern}`")
}

#[test]
fn noise_names() {
    let old = "~hat: white_noise # hpf 6000 0.5\nout: ~hat * 0.1 + pink_noise * 0.1 + white_noise * 0.01\n";
    assert_eq!(
        warnings(old),
        vec![
            w(1, 7, &name_warning("white_noise", "noise")),
            w(2, 19, &name_warning("pink_noise", "pink")),
        ]
    );
    assert_eq!(
        diagnostic(old, &name_warning("white_noise", "noise")).hints,
        vec!["line 2 too".to_string()]
    );
    same_sound(
        old,
        "~hat: noise # hpf 6000 0.5\nout: ~hat * 0.1 + pink * 0.1 + noise * 0.01\n",
    );
    let brown = "out: brown_noise * 0.2\n";
    assert_eq!(
        warnings(brown),
        vec![w(1, 6, &name_warning("brown_noise", "brown"))]
    );
    same_sound(brown, "out: brown * 0.2\n");
}

#[test]
fn moog_ladder_takes_its_input_first_when_given_all_three() {
    let modern = "~b: saw 55\nout: moog 400 0.7 ~b * 0.3\n";
    for old in [
        "~b: saw 55\nout: moog_ladder ~b 400 0.7 * 0.3\n",
        "~b: saw 55\nout: (~b # moog_ladder 400 0.7) * 0.3\n",
        "~b: saw 55\nout: moog_ladder ~b 400 0.7 * 0.3\n",
        "~b: saw 55\nout: (* 0.3) $ moog_ladder ~b 400 0.7\n",
        "~b: saw 55\nout: moog_ladder ~b 400 0.7 $ (* 0.3)\n",
    ] {
        let ws = warnings(old);
        assert_eq!(ws.len(), 1, "{old}: {ws:?}");
        assert_eq!(ws[0].2, name_warning("moog_ladder", "moog"));
        same_sound(old, modern);
    }
    let d = diagnostic(
        "out: moog_ladder (saw 55) 400 0.7\n",
        &name_warning("moog_ladder", "moog"),
    );
    assert_eq!(d.line_col("out: moog_ladder (saw 55) 400 0.7\n"), (1, 6));
    assert_eq!(
        d.hints,
        vec!["`moog_ladder input cutoff resonance` is `moog cutoff resonance input` (or `input # moog cutoff resonance`)".to_string()]
    );
    // Its input may be an earlier name too.
    same_sound(
        "out: moog_ladder pink_noise 2000 0.5 * 0.3\n",
        "out: moog 2000 0.5 pink * 0.3\n",
    );
}

#[test]
fn distort_and_dist_are_distortion() {
    let pre = "~b: saw 110 # lpf 900 0.3\n";
    for (old, modern) in [
        ("out: distort ~b 4.0 0.7\n", "out: distortion 4.0 0.7 ~b\n"),
        ("out: dist ~b 3.0\n", "out: distortion 3.0 0.5 ~b\n"),
        (
            "out: ~b # distort 4.0 0.7\n",
            "out: ~b # distortion 4.0 0.7\n",
        ),
        ("out: ~b # dist 2\n", "out: ~b # distortion 2 0.5\n"),
        ("out: ~b # dist ~b\n", "out: ~b # distortion ~b 0.5\n"),
        (
            "out: distort ~b 4.0 0.7 * 0.5\n",
            "out: distortion 4.0 0.7 ~b * 0.5\n",
        ),
        (
            "out: dist (dist ~b 2.0) 3.0 0.3\n",
            "out: distortion 3.0 0.3 (distortion 2.0 0.5 ~b)\n",
        ),
    ] {
        let (old, modern) = (format!("{pre}{old}"), format!("{pre}{modern}"));
        assert!(!warnings(&old).is_empty(), "{old}");
        same_sound(&old, &modern);
    }
    // The mix left out is the earlier engine's 0.5, not `distortion`'s 1.
    let d = diagnostic(
        "out: dist (saw 55) 2\n",
        &name_warning("dist", "distortion"),
    );
    assert_eq!(
        d.hints,
        vec!["`dist input drive [mix]` is `distortion drive mix input`, the mix 0.5 when left out (`distortion`'s is 1)".to_string()]
    );
    // On a sound, today, it distorts the sound's mix (voices have no `distort` yet).
    let old = "out: s \"cp(3,8)\" # gain 0.5 # distort 10\n";
    assert_eq!(
        warnings(old),
        vec![w(1, 31, &name_warning("distort", "distortion"))]
    );
    same_sound(old, "out: s \"cp(3,8)\" # gain 0.5 # distortion 10 0.5\n");
}

/// The aliases' table in docs/language.md, row by row: (old, modern).
fn doc_aliases() -> Vec<(String, String)> {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/language.md"))
        .unwrap_or_else(|e| panic!("docs/language.md: {e}"));
    let start = docs
        .find("| earlier name | modern name |")
        .unwrap_or_else(|| panic!("no table of the earlier names in docs/language.md"));
    docs[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let cell = |i: usize| {
                cells
                    .get(i)
                    .copied()
                    .unwrap_or("")
                    .trim_matches('`')
                    .to_string()
            };
            (cell(1), cell(2))
        })
        .collect()
}

#[test]
fn the_docs_table_of_earlier_names_is_the_alias_table() {
    let table: Vec<(String, String)> = ALIASES
        .iter()
        .map(|a| (a.old.to_string(), a.modern.to_string()))
        .collect();
    assert_eq!(doc_aliases(), table);
}

fn phonon(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_phonon"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run phonon: {e}"))
}

#[test]
fn functions_names_the_earlier_names() {
    let out = phonon(&["functions"]);
    assert_eq!(out.status.code(), Some(0));
    let listing = String::from_utf8_lossy(&out.stdout);
    for a in ALIASES {
        let line = listing
            .lines()
            .find(|l| l.split_whitespace().next() == Some(a.old))
            .unwrap_or_else(|| panic!("{} missing from `phonon functions`", a.old));
        assert!(line.ends_with(&format!("write `{}`", a.modern)), "{line}");
        let out = phonon(&["functions", a.old]);
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.starts_with(&format!(
                "`{}` is the earlier engine's name of `{}`",
                a.old, a.modern
            )),
            "{text}"
        );
    }
}

// ---- hush --------------------------------------------------------------------------

#[test]
fn hush_silences_every_output_wherever_it_stands() {
    assert_eq!(warnings("hush\n"), vec![]);
    silent("hush\n");
    silent("out: sine 440 * 0.2\nd1: s \"bd*4\"\nhush\n");
    silent("hush -- for now\nout: sine 440 * 0.2\n");
    silent("tempo: 1\n~a: saw 55\nout: ~a * 0.2\n\nhush\nout2: s \"sn\"\n");
    // The outputs are still checked: their errors stand.
    let src = "hush\nout: sine 440 * nosuch\n";
    let all = phonon::check_source(src);
    assert!(
        all.iter()
            .any(|d| d.is_error() && d.line_col(src) == (2, 17)),
        "{all:?}"
    );
    // On native code too (what `render` and live play): a graph with no output.
    let config = Config {
        sample_rate: RATE,
        block: 512,
        ..Config::default()
    };
    let r = render_on(
        EngineKind::Jit,
        "out: saw 55\nhush\n",
        Length::Cycles(1.0),
        config,
    );
    assert!(!r.left.is_empty());
    assert!(r.left.iter().chain(&r.right).all(|&x| x == 0.0));
    // And without `hush` the patch plays (what the silence above is measured against).
    assert!(rendered("out: sine 440 * 0.2\n", 1.0)
        .left
        .iter()
        .any(|&x| x != 0.0));
}

#[test]
fn a_patch_without_outputs_is_still_an_error_and_hush_is_not_an_output_name() {
    let all = phonon::check_source("~a: saw 55\n");
    assert!(
        all.iter()
            .any(|d| d.is_error() && d.message == "the patch has no output"),
        "{all:?}"
    );
    // `~hush` is a bus like any other.
    same_sound(
        "~hush: saw 55\nout: ~hush * 0.1\n",
        "~h: saw 55\nout: ~h * 0.1\n",
    );
}

// ---- the earlier engine's own kind of patches --------------------------------------

/// Patches in the style of the earlier engine's examples (`examples_verified` 01..05
/// of github.com/ekg/phonon, which has no licence, so these are written anew): a
/// `#` comment heading, then a tone, a pattern-driven oscillator, samples, an LFO on a
/// filter and a mix of all of them. Each checks with warnings only, and plays.
const OLD_STYLE: &[&str] = &[
    "# A single tone\n# the smallest patch\n\ntempo: 0.5\nout: sine 330 * 0.2\n",
    "# A stepped melody\n# the pattern sets the frequency\n\ntempo: 0.5\nout: saw \"110 165 220 330\" * 0.1\n",
    "# Drums\n# samples from mini-notation\n\ntempo: 0.5\nout: s \"bd*2 [~ sn] hh*3 cp\" * 0.7\n",
    "# A filter sweep\n\ntempo: 0.5\n\n# slow LFO, 0 to 1\n~lfo: sine 0.25 * 0.5 + 0.5\n\n# square bass under it\n~bass: square 41.2 # lpf (~lfo * 1500 + 300) 0.7\n\nout: ~bass * 0.3\n",
    "# Everything\n\ntempo: 0.5\n\n# a pad\n~pad: tri 220 * 0.1\n# the LFO\n~lfo: sine 0.5 * 0.5 + 0.5\n# bass\n~bass: saw 55 # lpf (~lfo * 1000 + 400) 0.6\n# drums\n~drums: s \"bd sn bd [sn cp]\"\n\nout: ~pad + ~bass * 0.3 + ~drums * 0.5\n",
    // The statement forms of the earlier engine's demos.
    "// A groove\ntempo 2.0  # 120 BPM\n~kick = s \"bd*4\"\n~hats = white_noise # hpf 8000 0.5 * 0.05\n~acid = moog_ladder (saw \"55 110\") 800 0.85\n~dirt = distort ~acid 4.0 0.7\nout ~kick * 0.8 + ~hats + ~dirt * 0.2\no2 = s \"cp(2,8)\" # gain 0.5 # distort 10\n",
];

#[test]
fn old_style_patches_check_with_warnings_and_play() {
    for src in OLD_STYLE {
        let ws = warnings(src);
        assert!(!ws.is_empty(), "{src}");
        let r = rendered(src, 1.0);
        assert!(r.left.iter().any(|&x| x != 0.0), "{src} is silent");
        assert!(
            r.left.iter().chain(&r.right).all(|x| x.is_finite()),
            "{src}"
        );
    }
    // Without their comment lines, the first five are modern patches that sound the same.
    for src in &OLD_STYLE[..5] {
        let modern: String = src
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(warnings(&modern), vec![]);
        same_sound(src, &modern);
    }
}

// ---- the commands ------------------------------------------------------------------

#[test]
fn render_prints_the_warnings_and_still_renders() {
    let dir = std::env::temp_dir().join(format!("phonon-dialect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let patch = dir.join("old.ph");
    std::fs::write(&patch, "// old\nout sine 440 * 0.1\n").unwrap_or_else(|e| panic!("{e}"));
    let wav = dir.join("old.wav");
    let (p, o) = (patch.display().to_string(), wav.display().to_string());
    let out = phonon(&["render", &p, "-o", &o, "--cycles", "1"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains(&format!("{p}:1:1")), "{err}");
    assert!(err.contains(&format!("{p}:2:1")), "{err}");
    assert!(err.contains(SLASH), "{err}");
    assert!(wav.exists());
    let out = phonon(&["check", &p]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`out ...` is the earlier engine's spelling")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Live, the first version and a reload each tell their warnings, and both play.
#[test]
fn live_tells_the_warnings_of_each_version_and_plays_it() {
    use std::sync::atomic::AtomicBool;
    let dir = std::env::temp_dir().join(format!("phonon-dialect-live-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let patch = dir.join("old.ph");
    let first = "out sine 220 * 0.1\n";
    let second = "// the second\nout: sine 330 * 0.1\n";
    std::fs::write(&patch, first).unwrap_or_else(|e| panic!("{e}"));
    let options = phonon::SessionOptions {
        patch: patch.clone(),
        source: first.to_string(),
        sink: phonon::Sink::Null,
        config: Config::default(),
        bank: Arc::new(phonon::SampleBank::builtin(44_100)),
        seconds: Some(2.0),
        cycles: None,
        stop: Arc::new(AtomicBool::new(false)),
    };
    let mut said: Vec<String> = Vec::new();
    let mut saved = false;
    let mut on = |event: phonon::LiveEvent<'_>| match event {
        phonon::LiveEvent::Playing { .. } => said.push("playing".into()),
        phonon::LiveEvent::Reloaded { .. } => said.push("reloaded".into()),
        phonon::LiveEvent::Warnings {
            source,
            diagnostics,
        } => {
            for d in diagnostics {
                let (line, col) = d.line_col(source);
                said.push(format!("{line}:{col} {}", d.message));
            }
        }
        phonon::LiveEvent::Status { .. } if !saved => {
            std::fs::write(&patch, second).unwrap_or_else(|e| panic!("{e}"));
            saved = true;
        }
        phonon::LiveEvent::Failed { summary, .. } => panic!("{summary}"),
        _ => {}
    };
    let end = phonon::play(options, &mut on).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(end.reloads, 1);
    assert_eq!(
        said,
        vec![
            "playing".to_string(),
            "1:1 `out ...` is the earlier engine's spelling; write `out: ...`".to_string(),
            "reloaded".to_string(),
            format!("1:1 {SLASH}"),
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
