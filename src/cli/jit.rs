//! `phonon jit` and `phonon bench`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::bench::{bench_paced, BenchError, Engines, Pacing};
use crate::jit::engine::JitOptions;
use crate::program::{jit_engine_from_source, CompileFailure};
use crate::runtime::Config;

use super::audio::{render_command, RenderArgs};
use super::common::{
    load_bank, query_failure_text, read_file, skipped_sample, write_stdout, BAD_INPUT,
};

pub struct JitArgs {
    pub patch: PathBuf,
    pub dump_clif: bool,
    pub timings: bool,
    /// Render to a file through the JIT.
    pub render: Option<RenderArgs>,
}

pub fn jit_command(args: JitArgs) -> ExitCode {
    if args.dump_clif || args.timings {
        let source = match read_file(&args.patch) {
            Ok(s) => s,
            Err(code) => return code,
        };
        let config = Config::default();
        let options = JitOptions {
            verify: false,
            keep_clif: args.dump_clif,
        };
        let engine = match jit_engine_from_source(&source, &config, options) {
            Ok(engine) => engine,
            Err(failure) => return report_failure(&args.patch, &source, failure),
        };
        if args.dump_clif {
            write_stdout(&engine.clif().join("\n"));
        }
        if args.timings {
            let t = engine.timings();
            let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
            write_stdout(&format!(
                "compile {}: front end {:.3} ms, passes {:.3} ms, building IR {:.3} ms, Cranelift {:.3} ms, linking {:.3} ms; total {:.3} ms\n",
                args.patch.display(),
                ms(t.front),
                ms(t.passes),
                ms(t.codegen.build),
                ms(t.codegen.compile),
                ms(t.codegen.finalize),
                ms(t.total())
            ));
        }
    }
    match args.render {
        Some(render) => render_command(render),
        None => ExitCode::SUCCESS,
    }
}

/// Prints a compile failure: diagnostics with the file's name, or the build's error.
pub fn report_failure(path: &std::path::Path, source: &str, failure: CompileFailure) -> ExitCode {
    match failure {
        CompileFailure::Diagnostics(d) => {
            eprint!(
                "{}",
                crate::diag::render(&path.display().to_string(), source, &d)
            );
            ExitCode::from(BAD_INPUT)
        }
        CompileFailure::Build(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

pub struct BenchArgs {
    pub patch: PathBuf,
    pub engines: Engines,
    pub blocks: usize,
    pub json: bool,
    pub samples: Option<PathBuf>,
    pub rate: u32,
    pub block: usize,
    pub threads: usize,
    /// Pace the blocks as in real time.
    pub paced: bool,
}

pub fn bench_command(args: BenchArgs) -> ExitCode {
    let source = match read_file(&args.patch) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let bank = match load_bank(args.samples.as_deref(), args.rate) {
        Ok(b) => Arc::new(b),
        Err(code) => return code,
    };
    let config = Config {
        sample_rate: args.rate,
        block: args.block,
        threads: args.threads,
        ..Config::default()
    };
    let pacing = if args.paced {
        Pacing::RealTime
    } else {
        Pacing::BackToBack
    };
    match bench_paced(&source, args.engines, args.blocks, config, bank, pacing) {
        Ok(report) => {
            for (file, why) in &report.skipped_samples {
                eprintln!("{}", skipped_sample(file, why));
            }
            if args.json {
                let patch = args.patch.display().to_string();
                write_stdout(&(report.to_json(&patch) + "\n"));
            } else {
                write_stdout(&format!("{}\n{}", args.patch.display(), report.summary()));
            }
            ExitCode::SUCCESS
        }
        Err(BenchError::Compile(failure)) => report_failure(&args.patch, &source, failure),
        Err(BenchError::Pattern(failure)) => {
            let note =
                "the benchmark stopped: a patch with a failing pattern does not play as written";
            eprint!(
                "{}",
                query_failure_text(&args.patch, &source, &failure, note)
            );
            ExitCode::FAILURE
        }
    }
}
