//! `phonon plot` and `phonon render --spectrogram`: the PNG files read back. Where
//! events should be comes from the patterns (worked out by hand here); the plot's
//! layout only says where a time or a row lands in pixels.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use phonon::plot::roll::{self, Lane, RollEvent};
use phonon::plot::spectrogram::{self, Scale};
use phonon::time::Rational;

fn phonon(args: &[&str]) -> Output {
    match Command::new(env!("CARGO_BIN_EXE_phonon"))
        .args(args)
        .stdin(Stdio::null())
        .output()
    {
        Ok(o) => o,
        Err(e) => panic!("cannot run phonon: {e}"),
    }
}

fn dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("phonon-plot-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

fn temp_patch(name: &str, source: &str) -> PathBuf {
    let path = dir().join(name);
    if let Err(e) = std::fs::write(&path, source) {
        panic!("cannot write {}: {e}", path.display());
    }
    path
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "phonon failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A PNG read back: width, height and RGB pixels.
struct Image {
    width: u32,
    height: u32,
    rgb: Vec<[u8; 3]>,
}

impl Image {
    fn read(path: &Path) -> Image {
        let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut reader = png::Decoder::new(file)
            .read_info()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader
            .next_frame(&mut buf)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
        let step = info.color_type.samples();
        assert!(step >= 3, "not a colour picture: {:?}", info.color_type);
        let rgb = buf[..info.buffer_size()]
            .chunks(step)
            .map(|p| [p[0], p[1], p[2]])
            .collect();
        Image {
            width: info.width,
            height: info.height,
            rgb,
        }
    }

    fn at(&self, x: i32, y: i32) -> [u8; 3] {
        self.rgb[(y as u32 * self.width + x as u32) as usize]
    }
}

/// A pixel of an event's colour, not the greys and black of the grid and labels.
fn coloured(p: [u8; 3]) -> bool {
    let max = p.iter().copied().max().unwrap_or(0);
    let min = p.iter().copied().min().unwrap_or(0);
    max - min > 60
}

fn graph(source: &str) -> phonon::Graph {
    match phonon::compile(source) {
        Ok(g) => g,
        Err(d) => panic!("{source}: {d:?}"),
    }
}

fn plot(name: &str, source: &str, cycles: &str, w: u32, h: u32) -> Image {
    let patch = temp_patch(&format!("{name}.ph"), source);
    let png = dir().join(format!("{name}.png"));
    let (ws, hs) = (w.to_string(), h.to_string());
    let out = phonon(&[
        "plot",
        &patch.display().to_string(),
        "-o",
        &png.display().to_string(),
        "--cycles",
        cycles,
        "--width",
        &ws,
        "--height",
        &hs,
    ]);
    ok(&out);
    Image::read(&png)
}

/// The columns where row `y0..y1` (inside its edges) has coloured pixels.
fn coloured_columns(img: &Image, lay: &roll::Layout, y0: f64, y1: f64) -> Vec<i32> {
    let (ya, yb) = (y0.ceil() as i32 + 2, y1.floor() as i32 - 2);
    assert!(ya <= yb, "row too thin to look at");
    (lay.left + 1..lay.right)
        .filter(|&x| (ya..=yb).any(|y| coloured(img.at(x, y))))
        .collect()
}

#[test]
fn samples_sit_in_their_rows_at_their_times() {
    let source = "out: s \"bd ~ sn ~\"\n";
    let (w, h) = (800, 400);
    let img = plot("bd_sn", source, "1", w, h);
    assert_eq!((img.width, img.height), (w, h));

    // The events, from the pattern: bd over the first quarter, sn over the third.
    let roll = roll::collect(&graph(source), Rational::from(0), Rational::from(1))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let ev = |begin, end, name: &str| RollEvent {
        output: 0,
        begin,
        end,
        lane: Lane::Sample(name.to_string()),
        onset: true,
    };
    assert_eq!(roll.events, vec![ev(0.0, 0.25, "bd"), ev(0.5, 0.75, "sn")]);

    let lay = roll::layout(&roll, w, h);
    for (name, begin, end) in [("bd", 0.0, 0.25), ("sn", 0.5, 0.75)] {
        let row = lay
            .sample_row(name)
            .unwrap_or_else(|| panic!("no row for {name}"));
        let cols = coloured_columns(&img, &lay, row.top, row.bottom);
        let (xa, xb) = (lay.x(begin), lay.x(end));
        assert!(!cols.is_empty(), "nothing drawn in the {name} row");
        for &x in &cols {
            assert!(
                f64::from(x) >= xa - 1.0 && f64::from(x) <= xb + 1.0,
                "{name}: coloured at x {x}, outside {xa}..{xb}"
            );
        }
        // And the whole event is drawn, not a sliver of it.
        let covered = cols.len() as f64;
        assert!(
            covered >= xb - xa - 3.0,
            "{name}: {covered} columns of {}",
            xb - xa
        );
    }
    // Nothing else is coloured in the plot area.
    let rows: Vec<(f64, f64)> = ["bd", "sn"]
        .iter()
        .filter_map(|n| lay.sample_row(n).map(|r| (r.top, r.bottom)))
        .collect();
    for y in lay.top + 1..lay.bottom {
        let in_row = rows
            .iter()
            .any(|&(a, b)| f64::from(y) >= a - 1.0 && f64::from(y) <= b + 1.0);
        if !in_row {
            for x in lay.left + 1..lay.right {
                assert!(!coloured(img.at(x, y)), "coloured at ({x}, {y}), in no row");
            }
        }
    }
}

/// The mean height of the coloured pixels in column `x` of the plot area.
fn mean_y(img: &Image, lay: &roll::Layout, x: f64) -> f64 {
    let x = x.round() as i32;
    let ys: Vec<i32> = (lay.top + 1..lay.bottom)
        .filter(|&y| coloured(img.at(x, y)))
        .collect();
    assert!(!ys.is_empty(), "nothing coloured at x {x}");
    ys.iter().map(|&y| f64::from(y)).sum::<f64>() / ys.len() as f64
}

#[test]
fn a_higher_note_is_drawn_higher() {
    // `note` 12 is an octave above `note` 0: semitones over the sample's pitch.
    let source = "out: note \"0 12\" # s \"bd\"\n";
    let (w, h) = (600, 300);
    let img = plot("notes", source, "1", w, h);
    let roll = roll::collect(&graph(source), Rational::from(0), Rational::from(1))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let lanes: Vec<Lane> = roll.events.iter().map(|e| e.lane.clone()).collect();
    assert_eq!(lanes, vec![Lane::Pitch(60.0), Lane::Pitch(72.0)]);
    let lay = roll::layout(&roll, w, h);
    let first = mean_y(&img, &lay, lay.x(0.25));
    let second = mean_y(&img, &lay, lay.x(0.75));
    // Pixel rows count down from the top: higher is smaller.
    assert!(
        second < first,
        "second event at y {second}, first at {first}"
    );
    // Twelve semitone rows apart (13 rows: 60 to 72).
    let row = f64::from(lay.bottom - lay.top) / 13.0;
    assert!(
        ((first - second) - 12.0 * row).abs() <= 1.5,
        "{first} {second} {row}"
    );
}

#[test]
fn oscillator_patterns_are_placed_by_their_pitch() {
    // Notes into a frequency (as Hz), numbers through mtof (as MIDI numbers).
    let source = "out: saw \"c4 e4\" * 0.1 + sine (mtof \"69 57\") * 0.1\n";
    let roll = roll::collect(&graph(source), Rational::from(0), Rational::from(1))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let mut got: Vec<(f64, f64)> = roll
        .events
        .iter()
        .map(|e| match e.lane {
            Lane::Pitch(p) => (e.begin, p),
            Lane::Sample(_) => panic!("a sample lane: {e:?}"),
        })
        .collect();
    got.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let want = [(0.0, 60.0), (0.0, 69.0), (0.5, 57.0), (0.5, 64.0)];
    assert_eq!(got.len(), want.len(), "{got:?}");
    for ((tb, pb), (ta, pa)) in got.iter().zip(want) {
        assert_eq!(*tb, ta);
        // Hz pass through f32 on the way, as the runtime's stepped value does.
        assert!((pb - pa).abs() < 1e-3, "{got:?}");
    }
}

#[test]
fn a_pitch_past_the_drawn_range_sits_on_its_edge() {
    let source = "out: note \"0 1e12\" # s \"bd\"\n";
    let roll = roll::collect(&graph(source), Rational::from(0), Rational::from(1))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let lanes: Vec<Lane> = roll.events.iter().map(|e| e.lane.clone()).collect();
    assert_eq!(lanes, vec![Lane::Pitch(60.0), Lane::Pitch(roll::MAX_PITCH)]);
    let img = plot("far", source, "1", 400, 300);
    assert_eq!((img.width, img.height), (400, 300));
}

#[test]
fn two_outputs_get_two_colours() {
    let source = "out: s \"bd ~ ~ ~\"\nout2: s \"~ ~ sn ~\"\n";
    let (w, h) = (600, 300);
    let img = plot("two", source, "1", w, h);
    let roll = roll::collect(&graph(source), Rational::from(0), Rational::from(1))
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(roll.outputs, vec!["out".to_string(), "out2".to_string()]);
    let lay = roll::layout(&roll, w, h);
    let centre = |name: &str, t: f64| {
        let row = lay
            .sample_row(name)
            .unwrap_or_else(|| panic!("no row for {name}"));
        img.at(
            lay.x(t).round() as i32,
            ((row.top + row.bottom) / 2.0).round() as i32,
        )
    };
    let (a, b) = (centre("bd", 0.125), centre("sn", 0.625));
    assert!(coloured(a) && coloured(b), "{a:?} {b:?}");
    assert_ne!(a, b, "both outputs drawn in one colour");
}

#[test]
fn the_span_is_from_and_cycles() {
    // `<bd sn>`: bd in even cycles, sn in odd ones; cycles 3 to 5 hold sn, bd.
    let source = "out: s \"<bd sn>\"\n";
    let roll = roll::collect(&graph(source), Rational::from(3), Rational::from(5))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let names: Vec<(f64, Lane)> = roll
        .events
        .iter()
        .map(|e| (e.begin, e.lane.clone()))
        .collect();
    assert_eq!(
        names,
        vec![
            (3.0, Lane::Sample("sn".into())),
            (4.0, Lane::Sample("bd".into()))
        ]
    );
    // An event that began before the span is cut to it, without an onset.
    let source = "out: s \"bd\" $ slow 2\n";
    let roll = roll::collect(&graph(source), Rational::from(1), Rational::from(2))
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        roll.events,
        vec![RollEvent {
            output: 0,
            begin: 1.0,
            end: 2.0,
            lane: Lane::Sample("bd".into()),
            onset: false
        }]
    );
    let patch = temp_patch("from.ph", source);
    let png = dir().join("from.png");
    let out = phonon(&[
        "plot",
        &patch.display().to_string(),
        "-o",
        &png.display().to_string(),
        "--from",
        "1",
        "--cycles",
        "1",
    ]);
    ok(&out);
    let img = Image::read(&png);
    assert_eq!((img.width, img.height), (1200, 600));
}

#[test]
fn a_broken_patch_is_a_diagnostic_and_exit_code_2() {
    let patch = temp_patch("broken.ph", "out: s \"bd\"\nout2: foo 3\n");
    let png = dir().join("broken.png");
    let out = phonon(&[
        "plot",
        &patch.display().to_string(),
        "-o",
        &png.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown function `foo`"), "{err}");
    assert!(err.contains("broken.ph:2:7"), "{err}");
    assert!(!png.exists());
    let out = phonon(&[
        "plot",
        &patch.display().to_string(),
        "-o",
        "x.png",
        "--cycles",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    // A picture that cannot be written: the reason, before anything is rendered.
    let good = temp_patch("good.ph", "out: s \"bd\"\n");
    let nowhere = dir().join("no-such-dir").join("x.png");
    let nowhere = nowhere.display().to_string();
    let out = phonon(&["plot", &good.display().to_string(), "-o", &nowhere]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("cannot write {nowhere}")), "{err}");
    let wav = dir().join("nowhere.wav");
    let out = phonon(&[
        "render",
        &good.display().to_string(),
        "-o",
        &wav.display().to_string(),
        "--spectrogram",
        &nowhere,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("cannot create {nowhere}")), "{err}");
    assert!(
        !wav.exists(),
        "rendered although the picture cannot be written"
    );
}

/// Renders `source` for one second, with and without a spectrogram; returns the WAV
/// bytes of both and the picture.
fn render_with_spectrogram(name: &str, source: &str, scale: &str) -> (Vec<u8>, Vec<u8>, Image) {
    let patch = temp_patch(&format!("{name}.ph"), source);
    let plain = dir().join(format!("{name}-plain.wav"));
    let with = dir().join(format!("{name}-with.wav"));
    let png = dir().join(format!("{name}.png"));
    let p = patch.display().to_string();
    ok(&phonon(&[
        "render",
        &p,
        "-o",
        &plain.display().to_string(),
        "--duration",
        "1",
    ]));
    ok(&phonon(&[
        "render",
        &p,
        "-o",
        &with.display().to_string(),
        "--duration",
        "1",
        "--spectrogram",
        &png.display().to_string(),
        "--spectrogram-scale",
        scale,
    ]));
    let read = |path: &Path| std::fs::read(path).unwrap_or_else(|e| panic!("{e:?}"));
    (read(&plain), read(&with), Image::read(&png))
}

fn luminance(p: [u8; 3]) -> u32 {
    p.iter().map(|&c| u32::from(c)).sum()
}

#[test]
fn a_sine_is_brightest_at_its_frequency() {
    for scale in ["log", "linear"] {
        let (plain, with, img) =
            render_with_spectrogram(&format!("sine-{scale}"), "out: sine 1000 * 0.5\n", scale);
        assert_eq!(plain, with, "the spectrogram changed the WAV");
        assert_eq!(
            (img.width, img.height),
            (spectrogram::WIDTH, spectrogram::HEIGHT)
        );
        let lay = spectrogram::Layout::new(
            44_100,
            44_100,
            if scale == "log" {
                Scale::Log
            } else {
                Scale::Linear
            },
        );
        let bin = 44_100.0 / spectrogram::WINDOW as f64;
        // Columns across the middle of the second, away from the start's click.
        for k in 2..8 {
            let x = lay.left + (lay.right - lay.left) * k / 10;
            let y = (lay.top..lay.bottom)
                .max_by_key(|&y| luminance(img.at(x, y)))
                .unwrap_or(lay.top);
            // The band of frequencies that pixel row shows.
            let (hi, lo) = (lay.freq_at(f64::from(y)), lay.freq_at(f64::from(y + 1)));
            assert!(
                lo - bin <= 1000.0 && 1000.0 <= hi + bin,
                "{scale}: brightest at {lo:.1}..{hi:.1} Hz in column {x}"
            );
            // -6 dB (amplitude 0.5) is near the top of the scale: bright.
            assert!(luminance(img.at(x, y)) > 500, "{:?}", img.at(x, y));
        }
    }
}

#[test]
fn silence_has_no_bright_pixels() {
    let (plain, with, img) = render_with_spectrogram("silent", "out: sine 1000 * 0\n", "log");
    assert_eq!(plain, with);
    let lay = spectrogram::Layout::new(44_100, 44_100, Scale::Log);
    for y in lay.top..lay.bottom {
        for x in lay.left..lay.right {
            assert!(
                luminance(img.at(x, y)) < 30,
                "bright at ({x}, {y}): {:?}",
                img.at(x, y)
            );
        }
    }
}

#[test]
fn a_spectrogram_leaves_a_streamed_wav_alone() {
    let patch = temp_patch("stream.ph", "out: s \"bd sn\"\n");
    let p = patch.display().to_string();
    let png = dir().join("stream.png");
    let plain = phonon(&["render", &p, "-o", "-", "--cycles", "1"]);
    ok(&plain);
    let with = phonon(&[
        "render",
        &p,
        "-o",
        "-",
        "--cycles",
        "1",
        "--spectrogram",
        &png.display().to_string(),
    ]);
    ok(&with);
    assert!(plain.stdout.len() > 44);
    assert_eq!(plain.stdout, with.stdout);
    // What the command says goes to standard error, and names the picture.
    assert!(String::from_utf8_lossy(&with.stderr).contains("wrote spectrogram"));
    let img = Image::read(&png);
    assert_eq!(
        (img.width, img.height),
        (spectrogram::WIDTH, spectrogram::HEIGHT)
    );
}
