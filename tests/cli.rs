//! The `phonon` binary: exit codes, output streams, and diagnostics with file, line,
//! column and caret for a set of broken patches.

use std::path::PathBuf;
use std::process::{Command, Output};

fn phonon(args: &[&str]) -> Output {
    match Command::new(env!("CARGO_BIN_EXE_phonon"))
        .args(args)
        .output()
    {
        Ok(o) => o,
        Err(e) => panic!("cannot run phonon: {e}"),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn temp_patch(name: &str, source: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("phonon-cli-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(name);
    if let Err(e) = std::fs::write(&path, source) {
        panic!("cannot write {}: {e}", path.display());
    }
    path
}

#[test]
fn every_fixture_checks() {
    let mut fixtures: Vec<String> = match std::fs::read_dir("fixtures") {
        Ok(dir) => dir
            .filter_map(|e| e.ok())
            .map(|e| e.path().display().to_string())
            .filter(|p| p.ends_with(".ph"))
            .collect(),
        Err(e) => panic!("no fixtures: {e}"),
    };
    fixtures.sort();
    assert!(fixtures.len() >= 5, "{fixtures:?}");
    let args: Vec<&str> = std::iter::once("check")
        .chain(fixtures.iter().map(String::as_str))
        .collect();
    let out = phonon(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout)
            .lines()
            .filter(|l| l.ends_with(": ok"))
            .count(),
        fixtures.len()
    );
}

/// (patch, expected line, column, part of the message)
const BROKEN: &[(&str, usize, usize, &str)] = &[
    ("tempo: 1\no1: fsat 2 $ s \"bd\"\n", 2, 5, "unknown"),
    ("o1: s \"bd\" # gian 0.5\n", 1, 14, "unknown"),
    ("o1: saw 55 $ fast 2\n", 1, 5, "signal"),
    ("o1: s \"bd [sn\"\n", 1, 11, "["),
    ("o1: ~drums\n~drum: s \"bd\"\n", 1, 5, "~drums"),
    ("~a: s \"bd\"\n~b: s \"sn\"\n", 2, 1, "no output"),
    ("o1: s \"bd\" # lpf 800 0.7 0.3 0.2\n", 1, 30, "too many"),
    ("o1: (s \"bd\"\n", 1, 5, "unclosed"),
    ("o1: s \"bd*\"\n", 1, 10, "*"),
    ("foo: 1\n", 1, 1, "unknown statement"),
];

#[test]
fn broken_patches_report_line_column_and_caret() {
    for (i, (source, line, col, message)) in BROKEN.iter().enumerate() {
        let path = temp_patch(&format!("broken{i}.ph"), source);
        let out = phonon(&["check", &path.display().to_string()]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "case {i}: {source:?}\n{err}");
        let location = format!("broken{i}.ph:{line}:{col}");
        assert!(
            err.contains(&location),
            "case {i}: {source:?}: expected {location} in\n{err}"
        );
        assert!(
            err.contains(message),
            "case {i}: expected `{message}` in\n{err}"
        );
        assert!(err.contains('^'), "case {i}: no caret in\n{err}");
    }
}

#[test]
fn check_reports_every_error_not_only_the_first() {
    let path = temp_patch(
        "many.ph",
        "o1: fsat 2 $ s \"bd\"\no2: s \"sn\" # gian 1\no3: saw 55 $ rev\n",
    );
    let out = phonon(&["check", &path.display().to_string()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    for location in ["many.ph:1:5", "many.ph:2:14", "many.ph:3:5"] {
        assert!(err.contains(location), "expected {location} in\n{err}");
    }
}

#[test]
fn query_prints_json_lines_on_stdout() {
    let out = phonon(&["query", "\"bd*2 [sn cp]\"", "--from", "1/2", "--to", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "{\"whole\":[\"1/2\",\"3/4\"],\"part\":[\"1/2\",\"3/4\"],\"value\":\"sn\"}\n\
         {\"whole\":[\"3/4\",\"1/1\"],\"part\":[\"3/4\",\"1/1\"],\"value\":\"cp\"}\n"
    );
}

#[test]
fn query_bad_input_exits_2_with_a_diagnostic() {
    let out = phonon(&["query", "\"bd sn\" $ fsat 2"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("<expression>:1:11"), "{err}");
    assert!(err.contains("fast"), "a suggestion is expected: {err}");
    let out = phonon(&["query", "saw 55"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("signal"));
    let out = phonon(&["query", "\"a\"", "--from", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let out = phonon(&["query", "\"a\"", "--from", "2", "--to", "1"]);
    assert_eq!(out.status.code(), Some(2));
    let out = phonon(&["query", "\"a*1e18\""]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
}

#[test]
fn missing_file_is_bad_input() {
    let out = phonon(&["check", "/nonexistent/patch.ph"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read"));
}

#[test]
fn functions_lists_every_builtin_and_the_docs_do_too() {
    let out = phonon(&["functions"]);
    assert_eq!(out.status.code(), Some(0));
    let listing = text(&out.stdout);
    let docs = match std::fs::read_to_string("docs/language.md") {
        Ok(d) => d,
        Err(e) => panic!("docs/language.md: {e}"),
    };
    for b in phonon::check::builtins() {
        assert!(
            listing.contains(&b.usage()),
            "{} missing from `phonon functions`",
            b.name
        );
        assert!(
            docs.contains(&format!("| `{}` |", b.usage())),
            "{} missing from docs/language.md",
            b.name
        );
    }
    let out = phonon(&["functions", "evry"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("every"));
}
