//! `phonon render` and `phonon ir`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::render::{check_wav_size, EngineKind, Length, SampleFormat, WavSink};
use crate::runtime::Config;

use super::common::{
    compile_file, load_bank, query_failure_text, skipped_sample, unknown_sample, write_stdout,
    BAD_INPUT,
};

/// How the JIT runs each voice definition: its voices per group of lanes, and with
/// `plan` the lane graph's packs.
fn voice_lanes(graph: &crate::ir::Graph, plan: bool) -> String {
    let mut out = String::new();
    for def in &graph.voices {
        let lanes = crate::jit::voice::lanes_for(def);
        out.push_str(&format!(
            "# voice ~{}: the JIT runs its voices {lanes} side by side, {} f32x4 vector{} per step\n",
            def.name,
            lanes / 4,
            if lanes > 4 { "s" } else { "" }
        ));
        if plan {
            let p = crate::jit::voice::lane_plan(def, lanes);
            out.push_str(&p.describe(Config::default().block));
        }
    }
    out
}

pub fn ir_command(path: &std::path::Path, passes: bool) -> ExitCode {
    let (source, graph) = match compile_file(path) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let name = path.display().to_string();
    if !passes {
        let mut out = crate::ir::dump(&graph, &source, &name);
        out.push_str(&voice_lanes(&graph, false));
        write_stdout(&out);
        return ExitCode::SUCCESS;
    }
    use crate::passes::fold;
    let folded = fold::fold(&graph);
    let live = fold::remove_dead(&folded);
    let plan = crate::passes::plan(live.clone());
    let mut out = String::new();
    out.push_str("## lowered\n");
    out.push_str(&crate::ir::dump(&graph, &source, &name));
    // A pass that changed nothing says so instead of printing the same graph again.
    for (pass, title, before, after) in [
        ("fold", "after constant folding", &graph, &folded),
        ("dead", "after dead-node removal", &folded, &live),
    ] {
        if after.same_as(before) {
            out.push_str(&format!("\n## {pass}: unchanged\n"));
        } else {
            out.push_str(&format!("\n## {pass}: {title}\n"));
            out.push_str(&crate::ir::dump_nodes(after, &source, &name));
        }
    }
    out.push_str("\n## fused, staged and packed\n");
    out.push_str(&plan.describe(Config::default().block));

    out.push_str("\n## JIT loops (packs sharing a loop run two vectors per step)\n");
    for (s, groups) in plan.loops.iter().enumerate() {
        let loops: Vec<String> = groups
            .iter()
            .map(|g| {
                g.iter()
                    .map(|p| format!("pack {p}"))
                    .collect::<Vec<_>>()
                    .join(" + ")
            })
            .collect();
        if !loops.is_empty() {
            out.push_str(&format!("stage {s}: {}\n", loops.join("; ")));
        }
    }
    if !graph.voices.is_empty() {
        out.push_str("\n## voice definitions, as the JIT packs their copies\n");
        out.push_str(&voice_lanes(&graph, true));
    }
    write_stdout(&out);
    ExitCode::SUCCESS
}

pub struct RenderArgs {
    pub patch: PathBuf,
    pub output: PathBuf,
    pub length: Length,
    pub engine: EngineKind,
    pub samples: Option<PathBuf>,
    pub rate: u32,
    pub block: usize,
    pub threads: usize,
    pub format: SampleFormat,
    /// Run the master stage (DC blocker and limiter).
    pub limit: bool,
    /// Draw a spectrogram of what was rendered.
    pub spectrogram: Option<SpectrogramArgs>,
}

/// Where `--spectrogram` draws, and its frequency axis.
pub struct SpectrogramArgs {
    pub path: PathBuf,
    pub scale: crate::plot::spectrogram::Scale,
}

pub fn render_command(args: RenderArgs) -> ExitCode {
    let (source, graph) = match compile_file(&args.patch) {
        Ok(x) => x,
        Err(code) => return code,
    };
    // Refused before anything is loaded or written: a length past the limit (in
    // seconds at the patch's tempo), a file past what a RIFF WAV can hold.
    let frames = match args.length.check(graph.cps).and_then(|_| {
        let frames = args.length.frames(graph.cps, args.rate);
        check_wav_size(frames, args.format).map(|_| frames)
    }) {
        Ok(frames) => frames,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(BAD_INPUT);
        }
    };
    let bank = match load_bank(args.samples.as_deref(), args.rate) {
        Ok(b) => Arc::new(b),
        Err(code) => return code,
    };
    let config = Config {
        sample_rate: args.rate,
        block: args.block,
        threads: args.threads,
        limit: args.limit,
        ..Config::default()
    };
    if let Some(spec) = &args.spectrogram {
        // Before the WAV is created or anything rendered: a picture that cannot be
        // written costs no render.
        if let Err(e) = std::fs::File::create(&spec.path) {
            eprintln!("error: cannot create {}: {e}", spec.path.display());
            return ExitCode::FAILURE;
        }
    }
    let graph = Arc::new(graph);
    // `-o -`: the WAV goes to standard output, and what the command says goes to
    // standard error, so that the stream holds nothing but the file.
    let to_stdout = args.output.as_os_str() == "-";
    if to_stdout && std::io::stdout().is_terminal() {
        eprintln!("error: `-o -` writes the WAV file to standard output, which is a terminal here; redirect it (`> out.wav`) or pipe it (`| aplay`)");
        return ExitCode::from(BAD_INPUT);
    }
    let output_name = if to_stdout {
        "standard output".to_string()
    } else {
        args.output.display().to_string()
    };
    let created = if to_stdout {
        let out = Box::new(std::io::BufWriter::new(std::io::stdout()));
        WavSink::stream(out, args.rate, args.format, frames)
    } else {
        WavSink::create(&args.output, args.rate, args.format)
    };
    let mut wav = match created {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot create {output_name}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let bar = indicatif::ProgressBar::new(frames);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} rendering [{bar:32}] {percent:>3}% {elapsed} (eta {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    // The spectrogram sees each block as it is written, and changes nothing in it.
    let (spec_layout, mut analyzer) = match &args.spectrogram {
        Some(s) => {
            let layout = crate::plot::spectrogram::Layout::new(args.rate, frames, s.scale);
            let analyzer =
                crate::plot::spectrogram::Analyzer::new(args.rate, frames, layout.columns());
            (Some(layout), Some(analyzer))
        }
        None => (None, None),
    };
    let result = crate::render::render(
        graph.clone(),
        bank.clone(),
        config,
        args.engine,
        frames,
        &mut |l, r| {
            if let Some(a) = analyzer.as_mut() {
                a.push(l, r);
            }
            wav.write(l, r)
        },
        &mut |done| bar.set_position(done),
    );
    bar.finish_and_clear();
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = wav.finish() {
        eprintln!("error: cannot write {output_name}: {e}");
        return ExitCode::FAILURE;
    }
    let mut drew = String::new();
    if let (Some(spec), Some(layout), Some(analyzer)) = (&args.spectrogram, spec_layout, analyzer) {
        let spectrum = analyzer.finish();
        let title = args.patch.display().to_string();
        if let Err(e) = crate::plot::spectrogram::draw(&spectrum, &layout, &spec.path, &title) {
            eprintln!("error: cannot write {}: {e}", spec.path.display());
            return ExitCode::FAILURE;
        }
        drew = format!("\nwrote spectrogram {}", spec.path.display());
    }
    for (file, why) in &report.skipped_samples {
        eprintln!("{}", skipped_sample(file, why));
    }
    for name in &report.unknown_samples {
        eprintln!("{}", unknown_sample(name, &bank));
    }
    if let Some((nf, count)) = report.nonfinite {
        eprintln!(
            "warning: node {} produced NaN or infinity at {:.3} s; the master replaced {count} samples with silence",
            graph.describe(nf.node, &source),
            nf.frame as f64 / f64::from(args.rate)
        );
    }
    for record in &report.failures {
        let at = record.first_frame as f64 / f64::from(args.rate);
        let note = format!(
            "silent in {} block(s) from {at:.3} s on; the other outputs played on",
            record.blocks
        );
        eprint!(
            "{}",
            query_failure_text(&args.patch, &source, &record.failure, &note)
        );
    }
    let seconds = report.frames as f64 / f64::from(args.rate);
    let format = match args.format {
        SampleFormat::Float32 => "32-bit float",
        SampleFormat::Int16 => "16-bit",
    };
    let summary = format!(
        "wrote {output_name}: {seconds:.2} s ({} frames), stereo {format} at {} Hz; engine {}, block {}\n{}\npeak voices {}\n{}\n",
        report.frames,
        args.rate,
        match args.engine {
            EngineKind::Jit => "jit",
            EngineKind::Interp => "interp",
        },
        args.block,
        report.times.summary(),
        report.peak_voices,
        report.level_summary()
    );
    let summary = if drew.is_empty() {
        summary
    } else {
        format!("{}{drew}\n", summary.trim_end_matches('\n'))
    };
    if to_stdout {
        eprint!("{summary}");
    } else {
        write_stdout(&summary);
    }
    ExitCode::SUCCESS
}
