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
fn functions_lists_every_builtin_and_the_docs_table_is_its_markdown() {
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
    }
    // The doc's table is the generated one, pasted between its markers.
    let table = docs
        .split_once("<!-- functions: generated by `phonon functions --markdown`")
        .and_then(|(_, rest)| rest.split_once("-->"))
        .and_then(|(_, rest)| rest.split_once("<!-- end functions -->"))
        .map(|(table, _)| table.trim())
        .unwrap_or_else(|| panic!("docs/language.md has no generated function table"));
    let out = phonon(&["functions", "--markdown"]);
    assert_eq!(out.status.code(), Some(0));
    let generated = text(&out.stdout);
    assert!(
        table == generated.trim(),
        "docs/language.md's function table is out of date: replace it (between its \
         markers) with the output of `cargo run --release -- functions --markdown`"
    );
    for b in phonon::check::builtins() {
        assert!(
            table.contains(&format!(
                "| `{}` | {} |",
                b.usage(),
                b.doc.replace('|', "\\|")
            )),
            "{} missing from the generated table",
            b.name
        );
    }
    let out = phonon(&["functions", "evry"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("every"));
}

/// Runs `phonon render PATCH -o WAV EXTRA...`.
fn render_cmd(patch: &std::path::Path, wav: &std::path::Path, extra: &[&str]) -> Output {
    let (p, w) = (patch.display().to_string(), wav.display().to_string());
    let mut args = vec!["render", p.as_str(), "-o", w.as_str()];
    args.extend_from_slice(extra);
    phonon(&args)
}

fn read_wav(path: &std::path::Path) -> (hound::WavSpec, Vec<f32>) {
    let mut reader = match hound::WavReader::open(path) {
        Ok(r) => r,
        Err(e) => panic!("{} is not a WAV file: {e}", path.display()),
    };
    let spec = reader.spec();
    let samples = match spec.sample_format {
        hound::SampleFormat::Float => reader
            .samples::<f32>()
            .map(|s| s.unwrap_or(f32::NAN))
            .collect(),
        hound::SampleFormat::Int => reader
            .samples::<i32>()
            .map(|s| s.map_or(f32::NAN, |v| v as f32 / 32768.0))
            .collect(),
    };
    (spec, samples)
}

#[test]
fn render_writes_a_stereo_float_wav_and_reports_block_times() {
    let patch = temp_patch("render_ok.ph", "tempo: 0.5\nout: saw 110 # lpf 800 * 0.3\n");
    let wav = patch.with_extension("wav");
    let out = render_cmd(&patch, &wav, &["--cycles", "2"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("time per block: mean"), "{stdout}");
    assert!(stdout.contains("p50") && stdout.contains("p99") && stdout.contains("max"));
    assert!(stdout.contains("real-time budget 11.61 ms"), "{stdout}");
    let (spec, samples) = read_wav(&wav);
    assert_eq!(spec.channels, 2);
    assert_eq!(spec.sample_rate, 44_100);
    assert_eq!(
        (spec.bits_per_sample, spec.sample_format),
        (32, hound::SampleFormat::Float)
    );
    // Two cycles at 0.5 cycles per second: 4 seconds.
    assert_eq!(samples.len(), 2 * 4 * 44_100);
    // A mono output sits in the centre: both channels equal.
    assert!(samples.chunks(2).all(|f| f[0] == f[1]));
    assert!(samples.iter().any(|x| x.abs() > 0.05));
    // The same patch renders to the same bytes.
    let again = patch.with_extension("again.wav");
    let out2 = render_cmd(&patch, &again, &["--cycles", "2"]);
    assert!(out2.status.success());
    assert_eq!(std::fs::read(&wav).ok(), std::fs::read(&again).ok());
}

#[test]
fn render_options_set_format_rate_block_and_length() {
    let patch = temp_patch("render_opts.ph", "out: sine 440 * 0.5\n");
    let wav = patch.with_extension("wav");
    let out = render_cmd(
        &patch,
        &wav,
        &[
            "--duration",
            "0.5",
            "--rate",
            "48000",
            "--block",
            "100",
            "--bits",
            "16",
            // The raw sum: the limiter's look-ahead would run 102 frames ahead
            // (2 blocks more), and its DC blocker would move the samples.
            "--no-limit",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("240 blocks"),
        "{}",
        text(&out.stdout)
    );
    let (spec, samples) = read_wav(&wav);
    assert_eq!((spec.sample_rate, spec.bits_per_sample), (48_000, 16));
    assert_eq!(spec.sample_format, hound::SampleFormat::Int);
    assert_eq!(samples.len(), 2 * 24_000);
    // A 440 Hz sine at half scale: peak 0.5 within 16-bit precision.
    let peak = samples.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    assert!((peak - 0.5).abs() < 1e-3, "{peak}");
}

#[test]
fn render_reports_a_broken_patch_and_writes_nothing() {
    let patch = temp_patch("render_bad.ph", "out: saw 110 # lpff 800\n");
    let wav = patch.with_extension("wav");
    let _ = std::fs::remove_file(&wav);
    let out = render_cmd(&patch, &wav, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("render_bad.ph:1:16"), "{err}");
    assert!(err.contains("lpf"), "{err}");
    assert!(!wav.exists());
}

#[test]
fn render_warns_about_unknown_samples_and_nonfinite_nodes() {
    let patch = temp_patch(
        "render_warn.ph",
        "out: s \"bd nosuch\"\nout2: saw 100 * 1e30 * 1e30\n",
    );
    let wav = patch.with_extension("wav");
    let out = render_cmd(&patch, &wav, &["--cycles", "1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("warning: no sample named `nosuch`"), "{err}");
    assert!(err.contains("produced NaN or infinity"), "{err}");
    assert!(err.contains("mul (line 2, column 7)"), "{err}");
    let (_, samples) = read_wav(&wav);
    assert!(samples.iter().all(|x| x.is_finite()));
}

#[test]
fn render_plays_samples_from_a_folder_given_by_option_or_variable() {
    // DIR/blip/a.wav: a 44.1 kHz mono file holding 0.5 for 1000 frames (then the kit
    // is not involved: `blip` is not a built-in name).
    let dir = std::env::temp_dir().join(format!("phonon-cli-samples-{}", std::process::id()));
    let _ = std::fs::create_dir_all(dir.join("blip"));
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 44_100,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    match hound::WavWriter::create(dir.join("blip/a.wav"), spec) {
        Ok(mut w) => {
            for _ in 0..1000 {
                let _ = w.write_sample(0.5f32);
            }
            let _ = w.finalize();
        }
        Err(e) => panic!("{e}"),
    }
    let patch = temp_patch("render_blip.ph", "out: s \"blip\" # pan 0\n");
    for by_env in [false, true] {
        let wav = patch.with_extension(if by_env { "env.wav" } else { "opt.wav" });
        let (p, w, d) = (
            patch.display().to_string(),
            wav.display().to_string(),
            dir.display().to_string(),
        );
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_phonon"));
        // The raw sum: the master's DC blocker would let a held sample decay.
        cmd.args(["render", &p, "-o", &w, "--duration", "0.1", "--no-limit"]);
        if by_env {
            cmd.env("PHONON_SAMPLES", &d);
        } else {
            cmd.args(["--samples", &d]);
        }
        let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            !text(&out.stderr).contains("no sample named"),
            "{}",
            text(&out.stderr)
        );
        let (_, samples) = read_wav(&wav);
        // Hard left, equal power: the left channel is the file, the right is silent.
        for f in 1..900 {
            assert!(
                (samples[2 * f] - 0.5).abs() < 1e-6,
                "frame {f}: {}",
                samples[2 * f]
            );
            assert!(samples[2 * f + 1].abs() < 1e-6);
        }
    }
    let missing = phonon(&[
        "render",
        &patch.display().to_string(),
        "-o",
        "/dev/null",
        "--samples",
        "/nonexistent/phonon",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("cannot load samples"));
}

#[test]
fn ir_prints_one_line_per_node_with_its_source() {
    let patch = temp_patch(
        "ir.ph",
        "tempo: 0.5\n~lfo: sine 0.25\nout: saw (~lfo * 100 + 200) # lpf 900 * 0.2\n",
    );
    let out = phonon(&["ir", &patch.display().to_string()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].contains("7 nodes"), "{stdout}");
    // A header of the columns, then the nodes.
    assert!(
        lines[1].contains("node") && lines[1].contains("from"),
        "{stdout}"
    );
    assert!(
        lines[2].contains("sine") && lines[2].contains("freq=0.25") && lines[2].contains("2:7"),
        "{stdout}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("lpf") && l.contains("cutoff=900") && l.contains("q=0.707")),
        "{stdout}"
    );
    assert!(lines
        .get(2 + 6)
        .is_some_and(|l| l.contains("master") && l.contains("stereo")));
}

#[test]
fn jit_renders_what_the_interpreter_renders() {
    let patch = temp_patch(
        "jit_same.ph",
        "out: (s \"bd*4 hh*2\" # pan 0.3) * \"1 0.5\"\nout2: \"0.1 -0.2\" * 2\n",
    );
    let a = patch.with_extension("jit.wav");
    let b = patch.with_extension("interp.wav");
    let p = patch.display().to_string();
    let out = phonon(&["jit", &p, "-o", &a.display().to_string(), "--cycles", "1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("engine jit"),
        "{}",
        text(&out.stdout)
    );
    let out = render_cmd(&patch, &b, &["--engine", "interp", "--cycles", "1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (_, x) = read_wav(&a);
    let (_, y) = read_wav(&b);
    assert_eq!(x.len(), y.len());
    assert!(x.iter().zip(&y).all(|(p, q)| (p - q).abs() <= 1e-5));
    assert!(y.iter().any(|v| v.abs() > 0.1));
}

#[test]
fn jit_reports_timings_and_clif() {
    // (Without `-o` or these options `phonon jit` plays live: tests/suite/live_cli.rs.)
    let patch = temp_patch("jit_info.ph", "out: s \"bd\" * 0.5 + \"0.1 0.2\"\n");
    let p = patch.display().to_string();
    let out = phonon(&["jit", &p, "--timings"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let t = text(&out.stdout);
    assert!(
        t.contains("front end") && t.contains("Cranelift") && t.contains("total"),
        "{t}"
    );
    let out = phonon(&["jit", &p, "--dump-clif"]);
    assert!(out.status.success());
    let clif = text(&out.stdout);
    assert!(
        clif.contains("function") && clif.contains("f32x4") && clif.contains("fmul"),
        "{clif}"
    );
}

#[test]
fn bench_prints_json_for_scripts() {
    let patch = temp_patch("bench.ph", "out: s \"hh*8\" * \"1 0.5\"\n");
    let p = patch.display().to_string();
    let out = phonon(&["bench", &p, "--blocks", "20", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value =
        serde_json::from_str(text(&out.stdout).trim()).unwrap_or_else(|e| panic!("{e}"));
    for engine in ["jit", "interp"] {
        for key in ["mean_ms", "p50_ms", "p99_ms", "max_ms", "compile_ms"] {
            assert!(
                v[engine][key].as_f64().is_some_and(|x| x >= 0.0),
                "{engine}.{key}: {v}"
            );
        }
        assert!(v[engine]["p50_ms"].as_f64() <= v[engine]["max_ms"].as_f64());
    }
    assert!(v["voices_mean"].as_f64().is_some_and(|x| x > 0.0), "{v}");
    // The patch, the blocks measured and the budget they are held against.
    assert_eq!(v["patch"].as_str(), Some(p.as_str()), "{v}");
    assert_eq!(v["blocks"].as_u64(), Some(20), "{v}");
    assert_eq!(v["block"].as_u64(), Some(512), "{v}");
    let budget = v["budget_ms"].as_f64().unwrap_or(0.0);
    assert!((budget - 512.0 / 44100.0 * 1e3).abs() < 1e-9, "{v}");
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    for engine in ["jit", "interp"] {
        let e = &v[engine];
        let f = |k: &str| e[k].as_f64().unwrap_or(f64::NAN);
        // Headroom: the budget over the p99 and over the mean block time.
        assert!(
            close(f("headroom_p99"), budget / f("p99_ms")),
            "{engine}: {v}"
        );
        assert!(
            close(f("headroom_mean"), budget / f("mean_ms")),
            "{engine}: {v}"
        );
        // Per voice-frame: the time in voices over the voice-frames mixed, which
        // are at most the voices' frames the 20 blocks could hold.
        let frames = e["voice_frames"].as_u64().unwrap_or(0);
        assert!(frames > 0 && frames <= 20 * 512 * 64, "{engine}: {v}");
        assert!(
            f("voice_ms") > 0.0 && f("voice_ms") <= 20.0 * f("max_ms"),
            "{engine}: {v}"
        );
        assert!(
            close(f("ns_per_voice_frame"), f("voice_ms") * 1e6 / frames as f64),
            "{engine}: {v}"
        );
    }
    // Both engines mix the same voices.
    assert_eq!(v["jit"]["voice_frames"], v["interp"]["voice_frames"], "{v}");
    assert_eq!(
        v["ns_per_voice_frame"], v["jit"]["ns_per_voice_frame"],
        "{v}"
    );
    let out = phonon(&["bench", &p, "--blocks", "5", "--json", "--engine", "jit"]);
    let v: serde_json::Value =
        serde_json::from_str(text(&out.stdout).trim()).unwrap_or_else(|e| panic!("{e}"));
    assert!(v.get("interp").is_none() && v.get("jit").is_some());
    let out = phonon(&["bench", &p, "--blocks", "20"]);
    let t = text(&out.stdout);
    assert!(t.contains("x the interpreter"), "{t}");
    // Each engine's headroom, both figures labelled, and what headroom means.
    for engine in ["jit", "interp"] {
        let at = t
            .lines()
            .position(|l| l.starts_with(engine) && l.contains(" mean "))
            .unwrap_or_else(|| panic!("no {engine} line: {t}"));
        let next = t.lines().nth(at + 1).unwrap_or("");
        let words: Vec<&str> = next.split_whitespace().collect();
        assert_eq!(words[..3], ["headroom", "at", "p99:"], "{next}");
        assert!(
            words[3]
                .strip_suffix('x')
                .and_then(|x| x.parse::<f64>().ok())
                .is_some(),
            "{next}"
        );
        assert!(
            next.contains("x the real-time budget; at the mean: "),
            "{next}"
        );
    }
    assert!(
        t.contains("(headroom: the budget, one block's duration, divided by"),
        "{t}"
    );
    assert!(
        t.contains(" ns per voice-frame (the jit's time in voices"),
        "{t}"
    );
    // Without voices there is no time per voice-frame.
    let quiet = temp_patch("bench_quiet.ph", "out: sine 440 * 0.1\n");
    let out = phonon(&[
        "bench",
        &quiet.display().to_string(),
        "--blocks",
        "5",
        "--json",
    ]);
    let v: serde_json::Value =
        serde_json::from_str(text(&out.stdout).trim()).unwrap_or_else(|e| panic!("{e}"));
    assert!(v["ns_per_voice_frame"].is_null(), "{v}");
    assert_eq!(v["jit"]["voice_frames"].as_u64(), Some(0), "{v}");
}

#[test]
fn ir_passes_shows_each_pass_and_the_plan() {
    let patch = temp_patch(
        "ir_passes.ph",
        "out: s \"bd\" * 0.5 + saw 55 * 0\nout2: s \"hh\" * \"1 0.5\"\n",
    );
    let out = phonon(&["ir", &patch.display().to_string(), "--passes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let t = text(&out.stdout);
    for heading in [
        "## lowered",
        "## fold: after constant folding",
        "## dead: after dead-node removal",
        "## fused, staged and packed",
    ] {
        assert!(t.contains(heading), "{heading}: {t}");
    }
    assert!(
        t.contains("stage 0") && t.contains("pack 0: native") && t.contains("runtime call"),
        "{t}"
    );
    assert!(t.contains("## JIT loops") && t.contains("master #"), "{t}");
}

/// Runs phonon and checks it ends within `seconds`.
fn phonon_within(args: &[&str], seconds: f64) -> Output {
    let t0 = std::time::Instant::now();
    let out = phonon(args);
    let took = t0.elapsed().as_secs_f64();
    assert!(took < seconds, "{args:?} took {took:.2} s");
    out
}

#[test]
fn a_day_long_render_at_block_1_is_refused_at_once_with_the_wav_limit() {
    let path = temp_patch("day.ph", "o1: sine 440 * 0.1\n");
    let wav = path.with_extension("wav");
    let _ = std::fs::remove_file(&wav);
    let (p, w) = (path.display().to_string(), wav.display().to_string());
    let out = phonon_within(
        &[
            "render",
            &p,
            "-o",
            &w,
            "--duration",
            "86400",
            "--block",
            "1",
        ],
        10.0,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("30481920068 bytes") && err.contains("4294967295"),
        "{err}"
    );
    assert!(!wav.exists(), "nothing is written");
    // 16-bit halves the size, still past the limit.
    let out = phonon_within(
        &[
            "render",
            &p,
            "-o",
            &w,
            "--duration",
            "86400",
            "--bits",
            "16",
        ],
        10.0,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("15240960068 bytes"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn cycles_are_held_to_the_duration_limit_at_the_patch_tempo() {
    let path = temp_patch("slow.ph", "tempo: 0.01\no1: sine 440 * 0.1\n");
    let wav = path.with_extension("wav");
    let (p, w) = (path.display().to_string(), wav.display().to_string());
    let out = phonon_within(&["render", &p, "-o", &w, "--cycles", "1000"], 10.0);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("1000 cycles") && err.contains("86400 s"),
        "{err}"
    );
    assert!(!wav.exists());
}

#[test]
fn a_query_is_bounded_in_cycles_and_events() {
    let out = phonon_within(&["query", "\"a\"", "--to", "1e9"], 10.0);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("10000 cycles"), "{err}");
    let out = phonon_within(&["query", "\"a*1000\"", "--to", "5000"], 10.0);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("100000 events"), "{err}");
    // Within the limits: every event, as before.
    let out = phonon_within(&["query", "\"a\"", "--to", "10000"], 10.0);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout).lines().count(), 10_000);
    let out = phonon_within(
        &["query", "\"a*8\"", "--from", "-1/2", "--to", "9999"],
        10.0,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().count(), 8 * 9999 + 4);
}

#[test]
fn endless_and_binary_inputs_are_refused_with_the_limit() {
    for device in ["/dev/zero", "/dev/urandom"] {
        if !std::path::Path::new(device).exists() {
            continue;
        }
        let out = phonon_within(&["check", device], 10.0);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("1048576 bytes"), "{err}");
        let wav = std::env::temp_dir().join(format!("phonon-dev-{}.wav", std::process::id()));
        let out = phonon_within(&["render", device, "-o", &wav.display().to_string()], 10.0);
        assert_eq!(out.status.code(), Some(2));
        assert!(text(&out.stderr).contains("1048576 bytes"));
    }
    let path = temp_patch("latin1.ph", "o1: s \"bd\"\n-- caf\u{e9}\n");
    let mut bytes = std::fs::read(&path).unwrap_or_default();
    // Make the é Latin-1: 0xE9 alone.
    if let Some(i) = bytes.iter().position(|&b| b == 0xC3) {
        bytes.splice(i..i + 2, [0xE9]);
    }
    std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let out = phonon_within(&["check", &path.display().to_string()], 10.0);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("not UTF-8") && err.contains("latin1.ph:2:7"),
        "{err}"
    );
}

#[test]
fn render_reads_only_the_sample_folders_the_patch_names() {
    // DIR/good/a.wav is a sample; DIR/bad holds a file that is not a WAV and a
    // sparse 300 MiB one. A patch playing `good` hears nothing of `bad`.
    let dir = std::env::temp_dir().join(format!("phonon-cli-lazy-{}", std::process::id()));
    let _ = std::fs::create_dir_all(dir.join("good"));
    let _ = std::fs::create_dir_all(dir.join("bad"));
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 44_100,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    match hound::WavWriter::create(dir.join("good/a.wav"), spec) {
        Ok(mut w) => {
            for _ in 0..100 {
                let _ = w.write_sample(10_000i16);
            }
            let _ = w.finalize();
        }
        Err(e) => panic!("{e}"),
    }
    let broken = dir.join("bad/broken.wav");
    let huge = dir.join("bad/huge.wav");
    if let Err(e) = std::fs::write(&broken, b"RIFF....not a wave file")
        .and_then(|()| std::fs::File::create(&huge))
        .and_then(|f| f.set_len(300 << 20))
    {
        panic!("{e}");
    }
    let d = dir.display().to_string();
    let run = |name: &str, source: &str| {
        let patch = temp_patch(name, source);
        let p = patch.display().to_string();
        let out = phonon(&[
            "render",
            &p,
            "-o",
            "/dev/null",
            "--cycles",
            "1",
            "--samples",
            &d,
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stderr)
    };
    let err = run("lazy_good.ph", "out: s \"good\"\n");
    assert!(!err.contains("warning"), "{err}");
    let err = run("lazy_bad.ph", "out: s \"good bad\"\n");
    for file in [&broken, &huge] {
        let line = format!("warning: skipped sample {}: ", file.display());
        assert!(err.contains(&line), "{err}");
    }
    assert!(err.contains("256 MiB"), "{err}");
    assert!(err.contains("no sample named `bad`"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_byte_order_mark_is_not_a_column() {
    // The same error on line 1, with and without a leading U+FEFF: the same line and
    // column, from `check` (the reader drops the mark) and from the library, which
    // takes the text as given (the mark stays in it; spans index that text).
    let plain = "out: sinne 220\n";
    let marked = format!("\u{feff}{plain}");
    for (name, source) in [("plain.ph", plain), ("marked.ph", marked.as_str())] {
        let path = temp_patch(name, source);
        let out = phonon(&["check", &path.display().to_string()]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(&format!("{name}:1:6")), "{err}");
        let diagnostics = phonon::check_source(source);
        let first = diagnostics.first().unwrap_or_else(|| panic!("no error"));
        assert_eq!(phonon::diag::line_col(source, first.span.start), (1, 6));
        let rendered = phonon::render_diagnostics(name, source, &diagnostics);
        assert!(rendered.contains(&format!("{name}:1:6")), "{rendered}");
        // The caret sits under `sinne`, five columns after `out: `.
        assert!(rendered.contains("1 | out: sinne 220"), "{rendered:?}");
        assert!(rendered.contains("  |      ^^^^^"), "{rendered}");
    }
    // A bad byte after the mark is at the column it has without it.
    let path = temp_patch("marked-latin1.ph", "");
    std::fs::write(&path, b"\xef\xbb\xbfo1: 1\xe9\n").unwrap_or_else(|e| panic!("{e}"));
    let out = phonon(&["check", &path.display().to_string()]);
    let err = text(&out.stderr);
    assert!(err.contains("marked-latin1.ph:1:6"), "{err}");
}

#[test]
fn render_to_standard_output_streams_the_same_file() {
    let patch = temp_patch("stdout.ph", "tempo: 0.5\nout: s \"bd sn\" * 0.5\n");
    for bits in ["32", "16"] {
        let file = patch.with_extension(format!("{bits}.wav"));
        let to_file = render_cmd(&patch, &file, &["--cycles", "1", "--bits", bits]);
        assert!(to_file.status.success(), "{}", text(&to_file.stderr));
        let streamed = phonon(&[
            "render",
            &patch.display().to_string(),
            "-o",
            "-",
            "--cycles",
            "1",
            "--bits",
            bits,
        ]);
        assert!(streamed.status.success(), "{}", text(&streamed.stderr));
        // The report goes to standard error, so the stream holds only the file.
        assert!(
            text(&streamed.stderr).contains("wrote standard output"),
            "{}",
            text(&streamed.stderr)
        );
        let written = std::fs::read(&file).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(streamed.stdout, written, "{bits}-bit");
        // Its header's sizes are the stream's: a reader finds every frame.
        let riff = u32::from_le_bytes([written[4], written[5], written[6], written[7]]);
        assert_eq!(riff as usize, written.len() - 8);
        let reader = hound::WavReader::new(std::io::Cursor::new(streamed.stdout))
            .unwrap_or_else(|e| panic!("{e}"));
        // One cycle at 0.5 cps is two seconds.
        assert_eq!(reader.duration(), 88_200);
        assert_eq!(reader.len(), 2 * 88_200);
    }
}

#[test]
fn check_warns_about_sample_names_nobody_has() {
    let patch = temp_patch("unknown_name.ph", "tempo: 1\nout: s \"bd kik\"\n");
    let p = patch.display().to_string();
    let out = phonon(&["check", &p]);
    // A warning: the patch is sound, one name is silent.
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("no sample named `kik`"), "{err}");
    assert!(err.contains(&format!("{p}:2:6")), "{err}");
    assert!(!err.contains("`bd`"), "{err}");
    // A folder that has it: no warning.
    let dir = std::env::temp_dir().join(format!("phonon-cli-check-{}", std::process::id()));
    let _ = std::fs::create_dir_all(dir.join("kik"));
    let _ = std::fs::write(dir.join("kik/a.wav"), b"not read by check");
    let d = dir.display().to_string();
    let out = phonon(&["check", "--samples", &d, &p]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("no sample named"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains(": ok"));
}

#[test]
fn a_sample_folder_one_level_off_says_which_folder_to_give() {
    let root = std::env::temp_dir().join(format!("phonon-cli-deep-{}", std::process::id()));
    let samples = root.join("Dirt-Samples");
    let _ = std::fs::create_dir_all(samples.join("blip"));
    let _ = std::fs::write(samples.join("blip/a.wav"), b"listed, never read");
    let _ = std::fs::create_dir_all(root.join("nothing"));
    let patch = temp_patch("deep.ph", "out: s \"blip\"\n");
    let p = patch.display().to_string();
    let run = |dir: &std::path::Path| {
        let d = dir.display().to_string();
        phonon(&[
            "render",
            &p,
            "-o",
            "/dev/null",
            "--cycles",
            "1",
            "--samples",
            &d,
        ])
    };
    let deep = run(&samples.join("blip"));
    assert_eq!(deep.status.code(), Some(2));
    let err = text(&deep.stderr);
    assert!(err.contains("one level too deep"), "{err}");
    assert!(
        err.contains(&format!("pass its parent, {}", samples.display())),
        "{err}"
    );
    let shallow = run(&root);
    assert_eq!(shallow.status.code(), Some(2));
    let err = text(&shallow.stderr);
    assert!(
        err.contains(&format!("but {} does", samples.display())),
        "{err}"
    );
    let empty = run(&root.join("nothing"));
    assert_eq!(empty.status.code(), Some(2));
    assert!(text(&empty.stderr).contains("holds no sound folders"));
    // The right folder plays.
    assert_eq!(run(&samples).status.code(), Some(0));
}

#[test]
fn render_help_describes_rendering_only() {
    let out = phonon(&["render", "--help"]);
    assert!(out.status.success());
    let help = text(&out.stdout).to_lowercase();
    assert!(help.contains("wav"), "{help}");
    for live in ["live", "ctrl-c", "playback"] {
        assert!(!help.contains(live), "`{live}` in render --help:\n{help}");
    }
}

#[test]
fn ir_prints_each_voice_definition_as_its_own_graph() {
    let patch = temp_patch(
        "voice_ir.ph",
        "~v freq=440 gate=1: saw freq * adsr 0.01 0.1 0.5 0.2 gate\nout: n \"0 7\" # s \"~v\"\n",
    );
    let out = phonon(&["ir", &patch.display().to_string()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let head = lines
        .iter()
        .position(|l| l.starts_with("# voice ~v: 6 nodes"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        lines[head].contains("freq=440 (param=0), gate=1 (param=1), onset (param=2)"),
        "{stdout}"
    );
    // Its table: the parameter nodes, the oscillator reading param 0, the envelope
    // opened by param 1, the product, the master.
    let table = &lines[head + 2..head + 7];
    assert!(
        table[0].contains("param") && table[0].contains("param=0"),
        "{stdout}"
    );
    assert!(
        table[1].contains("saw") && table[1].contains("freq=#0"),
        "{stdout}"
    );
    assert!(
        table[3].contains("adsr") && table[3].contains("gate=#2"),
        "{stdout}"
    );
    assert!(
        stdout.contains("# voice ~v: the JIT runs its voices"),
        "{stdout}"
    );
}
