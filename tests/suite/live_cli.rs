//! `phonon jit patch.ph` live, end to end, on the null sink (no sound card here):
//! saving a new version reloads it, saving a broken one prints its diagnostics with
//! line, column and caret and leaves the last good one playing.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("phonon-live-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn write(path: &std::path::Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
}

/// Waits until `path`'s stderr file holds `needle`, or panics after 20 s.
fn wait_for(log: &std::path::Path, needle: &str) {
    wait_for_count(log, needle, 1);
}

#[test]
fn saving_reloads_and_a_broken_save_keeps_the_last_version_playing() {
    let dir = temp_dir("reload");
    let patch = dir.join("live.ph");
    let log = dir.join("stderr.txt");
    write(&patch, "out: sine 220 * 0.3\n");
    let err = std::fs::File::create(&log).unwrap_or_else(|e| panic!("{e}"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_phonon"))
        .args(["jit", "--sink", "null", "--duration", "6"])
        .arg(&patch)
        .stdout(Stdio::null())
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    wait_for(&log, "playing");
    // A broken save: an unknown function on line 2.
    std::thread::sleep(Duration::from_millis(300));
    write(&patch, "out: sine 220 * 0.3\nout2: sinne 330\n");
    wait_for(&log, "still playing the previous version");
    // A good one.
    std::thread::sleep(Duration::from_millis(300));
    write(&patch, "out: sine 220 * 0.3\nout2: sine 330 * 0.1\n");
    wait_for(&log, "reloaded");
    let status = child.wait().unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(status.success(), "{text}");
    // The diagnostic: file, line 2, column 7, the line and a caret under the name.
    assert!(text.contains("live.ph:2:7"), "{text}");
    assert!(text.contains("out2: sinne 330"), "{text}");
    assert!(text.contains("^^^^^"), "{text}");
    assert!(text.contains("live.ph: v2"), "{text}");
    assert!(text.contains("reloads 1"), "{text}");
    // Six seconds of 512-frame blocks (516.8, the last one whole), timed.
    assert!(text.contains("played 517 blocks (6.00 s)"), "{text}");
    assert!(text.contains("time per block: mean"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_patch_that_never_compiled_exits_with_its_diagnostics() {
    let dir = temp_dir("broken");
    let patch = dir.join("broken.ph");
    write(&patch, "out: saw 110 # lpf\n  * \"1 0.5\" + \n");
    let out = Command::new(env!("CARGO_BIN_EXE_phonon"))
        .args(["jit", "--sink", "null", "--duration", "0.3"])
        .arg(&patch)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("broken.ph:"), "{text}");
    // Nothing played before: it waits for a version that compiles.
    assert!(
        text.contains("(nothing plays yet: waiting for a version that compiles)"),
        "{text}"
    );
    assert!(!text.contains("previous version"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(not(feature = "audio"))]
#[test]
fn without_the_audio_feature_the_device_sink_says_how_to_get_it() {
    let out = Command::new(env!("CARGO_BIN_EXE_phonon"))
        .args(["jit", "fixtures/house.ph", "--duration", "1"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("--features audio"), "{text}");
    assert!(text.contains("--sink null"), "{text}");
}

/// With the `audio` feature, through cpal and ALSA. There is no sound card here, so
/// ALSA is given a configuration whose default device is its `null` plugin: a real
/// stream, whose callbacks come as fast as the plugin takes samples.
#[cfg(all(feature = "audio", target_os = "linux"))]
#[test]
fn with_the_audio_feature_it_plays_through_cpal() {
    let dir = temp_dir("alsa");
    let conf = dir.join("asound.conf");
    write(&conf, "pcm.!default {\n  type null\n}\n");
    let out = Command::new(env!("CARGO_BIN_EXE_phonon"))
        .args(["jit", "fixtures/house.ph", "--duration", "1"])
        .env("ALSA_CONFIG_PATH", &conf)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("on default at"), "{text}");
    assert!(text.contains("played "), "{text}");
    assert!(!text.contains("played 0 blocks"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// How often `needle` appears in the log so far.
fn count_in(log: &std::path::Path, needle: &str) -> usize {
    std::fs::read_to_string(log).map_or(0, |s| s.matches(needle).count())
}

/// Waits until `needle` appears `n` times in the log, or panics after 20 s.
fn wait_for_count(log: &std::path::Path, needle: &str, n: usize) {
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(20) {
        if count_in(log, needle) >= n {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!(
        "{needle:?} never appeared {n} times; stderr so far:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

#[test]
fn a_bomb_saved_live_is_refused_with_its_position_and_the_next_good_save_plays() {
    // Each bomb would need far more than a query's budget in the cycles where it
    // would start: the session says where, keeps the version playing, and takes the
    // next good save.
    const BOMBS: &[&str] = &[
        r#"fast 256 $ fast 256 $ fast 256 $ s "a""#,
        r#"s "[a!4096]*4096""#,
        r#"chop 256 $ chop 256 $ chop 256 $ s "bd""#,
        r#"stutWith 30 0 (superimpose rev) $ s "a""#,
        r#"hurry 1e9 $ s "bd""#,
        r#"rotR (1/4294967291) $ rotR (1/4294967279) $ s "bd""#,
    ];
    let dir = temp_dir("bombs");
    let patch = dir.join("live.ph");
    let log = dir.join("stderr.txt");
    write(&patch, "out: s \"bd sn\"\n");
    let mut child = play(&patch, &log, "60");
    wait_for(&log, "playing");
    for (i, bomb) in BOMBS.iter().enumerate() {
        std::thread::sleep(Duration::from_millis(300));
        write(&patch, &format!("out: s \"bd sn\"\nd2: {bomb}\n"));
        wait_for_count(&log, "(still playing the previous version)", i + 1);
        // A different good version each time, so that each save is a change.
        std::thread::sleep(Duration::from_millis(300));
        write(&patch, &format!("out: s \"bd sn\" # gain 0.{}\n", i + 1));
        wait_for_count(&log, "reloaded", i + 1);
    }
    let _ = child.kill();
    let _ = child.wait();
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    // Every bomb: the file, line 2, column 5 (where the pattern starts), and why.
    assert_eq!(
        text.matches("live.ph:2:5").count(),
        2 * BOMBS.len(),
        "{text}"
    );
    assert_eq!(
        text.matches("this pattern makes too many events").count(),
        2 * (BOMBS.len() - 1),
        "{text}"
    );
    assert_eq!(text.matches("pattern time overflowed").count(), 2, "{text}");
    // The good saves all played: versions 2 to 7.
    for v in 2..=BOMBS.len() + 1 {
        assert!(text.contains(&format!(": v{v} (compiled")), "v{v}: {text}");
    }
    assert!(!text.contains("panicked"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_pattern_that_fails_later_in_live_playback_is_named_and_the_rest_plays() {
    // Cycle 2 (0.5 s in, at four cycles a second) of the second output needs far
    // more than a block's budget: that output is silent there, the session says
    // where it is, and the first output and the session go on.
    let dir = temp_dir("later");
    let patch = dir.join("live.ph");
    let log = dir.join("stderr.txt");
    write(
        &patch,
        "tempo: 4\nout: s \"bd sn\"\nd2: s \"<~ ~ [a*65536*65536] ~>\"\n",
    );
    let status = play(&patch, &log, "2")
        .wait()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(status.success(), "{text}");
    assert!(text.contains("playing"), "{text}");
    assert!(
        text.contains("live.ph:3:5: this pattern makes too many events"),
        "{text}"
    );
    assert!(text.contains("it is silent where it fails"), "{text}");
    // Said once, though it fails in every block of cycles 2 and 6.
    assert_eq!(text.matches("too many events").count(), 1, "{text}");
    assert!(text.contains("played 173 blocks"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_save_naming_a_new_sample_folder_reads_it_and_warns_of_its_bad_files() {
    // DIR/good/a.wav is a sample; DIR/bad/broken.wav is not a WAV.
    let dir = temp_dir("samples");
    let samples = dir.join("samples");
    std::fs::create_dir_all(samples.join("good")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir_all(samples.join("bad")).unwrap_or_else(|e| panic!("{e}"));
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 44_100,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(samples.join("good/a.wav"), spec)
        .unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..100 {
        w.write_sample(10_000i16).unwrap_or_else(|e| panic!("{e}"));
    }
    w.finalize().unwrap_or_else(|e| panic!("{e}"));
    let broken = samples.join("bad/broken.wav");
    write(&broken, "RIFF....not a wave file");
    let patch = dir.join("live.ph");
    let log = dir.join("stderr.txt");
    write(&patch, "out: s \"good*4\"\n");
    let err = std::fs::File::create(&log).unwrap_or_else(|e| panic!("{e}"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_phonon"))
        .args(["jit", "--sink", "null", "--duration", "3", "--samples"])
        .arg(&samples)
        .arg(&patch)
        .stdout(Stdio::null())
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    wait_for(&log, "playing");
    std::thread::sleep(Duration::from_millis(300));
    let before = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!before.contains("warning"), "{before}");
    write(&patch, "out: s \"good*4 bad\"\n");
    wait_for(&log, "reloaded");
    let status = child.wait().unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(status.success(), "{text}");
    let warning = format!("warning: skipped sample {}: ", broken.display());
    assert_eq!(text.matches(&warning).count(), 1, "{text}");
    // The warning comes with the version that read the folder, before it plays.
    let (at_warning, at_reload) = (text.find(&warning), text.find("reloaded"));
    assert!(at_warning < at_reload, "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Starts `phonon jit --sink null` on `patch` for `seconds`, its stderr into `log`.
fn play(patch: &std::path::Path, log: &std::path::Path, seconds: &str) -> std::process::Child {
    let err = std::fs::File::create(log).unwrap_or_else(|e| panic!("{e}"));
    Command::new(env!("CARGO_BIN_EXE_phonon"))
        .args(["jit", "--sink", "null", "--duration", seconds])
        .arg(patch)
        .stdout(Stdio::null())
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Each save that cannot be read says why, naming the file, and the first version
/// plays on to the end; a readable save after them reloads.
#[cfg(unix)]
#[test]
fn a_save_that_cannot_be_read_says_why_and_keeps_the_last_version_playing() {
    let dir = temp_dir("unreadable");
    let patch = dir.join("live.ph");
    let log = dir.join("stderr.txt");
    write(&patch, "out: sine 220 * 0.3\n");
    let mut child = play(&patch, &log, "7");
    wait_for(&log, "playing");
    let pause = || std::thread::sleep(Duration::from_millis(300));
    // Not UTF-8: a Latin-1 é at line 2, column 7.
    pause();
    std::fs::write(&patch, b"out: sine 220 * 0.3\n-- caf\xe9\n").unwrap_or_else(|e| panic!("{e}"));
    wait_for(&log, "live.ph:2:7");
    // Deleted.
    pause();
    std::fs::remove_file(&patch).unwrap_or_else(|e| panic!("{e}"));
    wait_for(&log, "No such file");
    // A directory in its place.
    pause();
    std::fs::create_dir(&patch).unwrap_or_else(|e| panic!("{e}"));
    wait_for(&log, "it is a directory");
    // A symbolic link to itself.
    pause();
    std::fs::remove_dir(&patch).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink(&patch, &patch).unwrap_or_else(|e| panic!("{e}"));
    wait_for(&log, "symbolic links");
    // Readable again.
    pause();
    std::fs::remove_file(&patch).unwrap_or_else(|e| panic!("{e}"));
    write(&patch, "out: sine 330 * 0.3\n");
    wait_for(&log, "reloaded");
    let status = child.wait().unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(status.success(), "{text}");
    for reason in [
        "not UTF-8 text",
        "No such file",
        "it is a directory",
        "symbolic links",
    ] {
        let line = text
            .lines()
            .find(|l| l.contains(reason))
            .unwrap_or_else(|| panic!("{reason}: {text}"));
        assert!(line.contains("live.ph"), "{line}");
        assert!(
            line.contains("still playing the previous version"),
            "{line}"
        );
    }
    // The first version played until the good save: one reload, no blocks missing.
    assert!(text.contains("live.ph: v2"), "{text}");
    assert!(text.contains("reloads 1"), "{text}");
    assert!(text.contains("played 603 blocks (7.00 s)"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_end_report_carries_the_peak_and_the_limiting() {
    let dir = temp_dir("peak");
    let patch = dir.join("loud.ph");
    // Twice full scale: +6 dBFS in, limited to -1 dBTP.
    write(&patch, "out: sine 440 * 2\n");
    let out = Command::new(env!("CARGO_BIN_EXE_phonon"))
        .args(["jit", "--sink", "null", "--duration", "0.5"])
        .arg(&patch)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("peak in +6."), "{text}");
    assert!(text.contains("(true peak), out -1."), "{text}");
    assert!(text.contains("dB of gain reduction"), "{text}");
    // Off, the raw sum goes out, and its clipping is counted.
    let out = Command::new(env!("CARGO_BIN_EXE_phonon"))
        .args(["jit", "--sink", "null", "--duration", "0.5", "--no-limit"])
        .arg(&patch)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("out +6."), "{text}");
    assert!(text.contains("limiter off (--no-limit)"), "{text}");
    assert!(text.contains("past full scale"), "{text}");
    // `limit: off` in the patch: the limiter never works and the report says why.
    write(&patch, "limit: off\nout: sine 440 * 2\n");
    let out = Command::new(env!("CARGO_BIN_EXE_phonon"))
        .args(["jit", "--sink", "null", "--duration", "0.5"])
        .arg(&patch)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("out +6."), "{text}");
    assert!(
        text.contains("limiter off (`limit: off` in the patch)"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
