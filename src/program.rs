//! From a graph, or from patch text, to a runnable program: the one place that runs
//! the passes, builds an engine and puts a runtime around it.
//!
//! The engine owns the graph it runs (the JIT's is the plan's graph, after the
//! passes; the interpreter's the graph as given) and the buffer layout it was built
//! for; [`Runtime::new`] takes the graph from the engine and refuses an engine whose
//! layout is not the runtime's, so a runtime can never run code compiled for other
//! buffers. Render, bench, live playback and the tests all build through here.
//!
//! The front end (text to graph) is [`crate::frontend::compile`]; `jit` only ever sees a plan.

use std::sync::Arc;
use std::time::Instant;

use crate::diag::Diagnostic;
use crate::interp::Interpreter;
use crate::ir::Graph;
use crate::jit::engine::{CompileTimings, JitEngine, JitOptions};
use crate::jit::JitError;
use crate::runtime::{Config, LayoutMismatch, Runtime};
use crate::samples::SampleBank;

/// Why a graph did not become a runnable program.
#[derive(Debug)]
pub enum BuildError {
    /// The JIT could not compile the plan.
    Jit(JitError),
    /// The engine was built for other buffers than the runtime's.
    Layout(LayoutMismatch),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Jit(e) => write!(f, "{e}"),
            BuildError::Layout(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for BuildError {}

impl From<JitError> for BuildError {
    fn from(e: JitError) -> BuildError {
        BuildError::Jit(e)
    }
}

impl From<LayoutMismatch> for BuildError {
    fn from(e: LayoutMismatch) -> BuildError {
        BuildError::Layout(e)
    }
}

/// Why patch text did not become a runnable program.
#[derive(Debug)]
pub enum CompileFailure {
    /// The front end's diagnostics (syntax, types, mini-notation, evaluation,
    /// lowering), with their spans.
    Diagnostics(Vec<Diagnostic>),
    /// The graph was fine; building its engine or runtime was not.
    Build(BuildError),
}

impl From<BuildError> for CompileFailure {
    fn from(e: BuildError) -> CompileFailure {
        CompileFailure::Build(e)
    }
}

/// The configuration every engine and runtime is built with: at least one frame per
/// block (what [`Runtime::new`] uses, so the interpreter's constant buffers match).
pub fn normalized(config: &Config) -> Config {
    Config {
        block: config.block.max(1),
        ..*config
    }
}

/// `graph` through the optimising passes and the JIT, for `config`'s block and
/// sample rate. The time the passes took is in the engine's timings.
pub fn jit_engine(
    graph: &Graph,
    config: &Config,
    options: JitOptions,
) -> Result<JitEngine, JitError> {
    let t0 = Instant::now();
    let plan = crate::passes::optimize(graph);
    let passes = t0.elapsed();
    let mut engine = JitEngine::new(&plan, &normalized(config), options)?;
    engine.set_timings(CompileTimings {
        passes,
        ..engine.timings()
    });
    Ok(engine)
}

/// Patch text all the way to a JIT engine: the front end ([`crate::frontend::compile`]), then
/// [`jit_engine`]. Every phase's time is in the engine's timings.
pub fn jit_engine_from_source(
    source: &str,
    config: &Config,
    options: JitOptions,
) -> Result<JitEngine, CompileFailure> {
    jit_engine_from_source_warned(source, config, options).map(|(engine, _)| engine)
}

/// [`jit_engine_from_source`], with the front end's warnings of a patch that
/// compiles (the earlier engine's dialect, a bus defined twice ...).
pub fn jit_engine_from_source_warned(
    source: &str,
    config: &Config,
    options: JitOptions,
) -> Result<(JitEngine, Vec<Diagnostic>), CompileFailure> {
    let t0 = Instant::now();
    let compiled = crate::frontend::compile_warned(source).map_err(CompileFailure::Diagnostics)?;
    let front = t0.elapsed();
    let mut engine = jit_engine(&compiled.graph, config, options).map_err(BuildError::Jit)?;
    engine.set_timings(CompileTimings {
        front,
        ..engine.timings()
    });
    Ok((engine, compiled.warnings))
}

/// The reference interpreter for `graph` as it is (no passes: give it a plan's graph
/// to run what the JIT runs).
pub fn interp_engine(graph: Arc<Graph>, config: &Config) -> Interpreter {
    Interpreter::new(graph, &normalized(config))
}

impl Runtime<JitEngine> {
    /// A runtime running `graph` through the JIT (after the passes: the runtime's
    /// graph is the plan's).
    pub fn jit(
        graph: &Graph,
        config: &Config,
        options: JitOptions,
        bank: Arc<SampleBank>,
    ) -> Result<Self, BuildError> {
        let engine = jit_engine(graph, config, options)?;
        Ok(Runtime::new(engine, bank, normalized(config))?)
    }

    /// A runtime running patch text through the JIT
    /// ([`jit_engine_from_source_warned`]), with the patch's warnings.
    pub fn jit_from_source(
        source: &str,
        config: &Config,
        options: JitOptions,
        bank: Arc<SampleBank>,
    ) -> Result<(Self, Vec<Diagnostic>), CompileFailure> {
        let (engine, warnings) = jit_engine_from_source_warned(source, config, options)?;
        let runtime = Runtime::new(engine, bank, normalized(config)).map_err(BuildError::from)?;
        Ok((runtime, warnings))
    }
}

impl Runtime<Interpreter> {
    /// A runtime running `graph` through the reference interpreter
    /// ([`interp_engine`]).
    pub fn interp(
        graph: Arc<Graph>,
        config: &Config,
        bank: Arc<SampleBank>,
    ) -> Result<Self, BuildError> {
        let engine = interp_engine(graph, config);
        Ok(Runtime::new(engine, bank, normalized(config))?)
    }
}
