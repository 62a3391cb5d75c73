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
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(20) {
        if std::fs::read_to_string(log).is_ok_and(|s| s.contains(needle)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!(
        "never printed {needle:?}; stderr so far:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
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
