//! One compiled patch, ready to be handed to the audio thread: its runtime (graph,
//! JIT engine, buffers, voice pools, all allocated here, on the compiling thread)
//! and what it takes over from the program it replaces.

use std::sync::Arc;
use std::time::Instant;

use crate::ir::Graph;
use crate::jit::carry::{CarryPlan, CarrySource};
use crate::jit::engine::{JitEngine, JitOptions};
use crate::program::CompileFailure;
use crate::runtime::{Config, Runtime, RuntimeCarry};
use crate::samples::SampleBank;

/// A patch compiled for live playback.
pub struct LiveProgram {
    /// 1 for the first patch played, then one more per successful reload.
    pub version: u64,
    pub runtime: Runtime<JitEngine>,
    /// What the runtime takes over from the program it replaces: held values,
    /// buses, voices ...
    pub carry: RuntimeCarry,
    /// ... and the kernel state of the nodes paired with the old program's.
    pub engine_carry: CarryPlan,
    /// Milliseconds from text to a runnable program.
    pub compile_ms: f64,
    /// The front end's warnings (the earlier engine's dialect ...): said when the
    /// version is played, which it is all the same.
    pub warnings: Vec<crate::diag::Diagnostic>,
}

/// What the next compile needs to know of the program it will replace.
#[derive(Clone)]
pub struct Previous {
    pub version: u64,
    pub graph: Arc<Graph>,
    pub state: CarrySource,
}

/// The cycles a new version is tried through, from the one it will start in, before
/// it may replace the playing one.
pub const PREFLIGHT_CYCLES: i64 = 2;

impl LiveProgram {
    /// Tries every pattern of this program through the [`PREFLIGHT_CYCLES`] from the
    /// cycle `at` (where playback is now): a pattern that would fail there (too much
    /// work, a time overflow) is an error with its source, so the version is not
    /// played and the previous one plays on.
    pub fn preflight(&self, at: f64) -> Result<(), CompileFailure> {
        let first = if at.is_finite() { at.floor() as i64 } else { 0 };
        let end = first.saturating_add(PREFLIGHT_CYCLES);
        let failures = crate::frontend::probe(self.runtime.graph(), first..end);
        if failures.is_empty() {
            Ok(())
        } else {
            Err(CompileFailure::Diagnostics(failures))
        }
    }

    /// Compiles `source` and builds its runtime (on the calling thread: never the
    /// audio thread). With a `previous` program, works out what carries over from it.
    pub fn build(
        source: &str,
        config: &Config,
        bank: Arc<SampleBank>,
        previous: Option<&Previous>,
    ) -> Result<(LiveProgram, Previous), CompileFailure> {
        let t0 = Instant::now();
        let (runtime, warnings) =
            Runtime::jit_from_source(source, config, JitOptions::default(), bank)?;
        let graph = runtime.shared_graph();
        let engine = runtime.engine();
        let (carry, engine_carry) = match previous {
            Some(p) => {
                // Exact pairs and loose ones (an edited constant keeps its filter's
                // memory): both carry state; the crossfade covers what differs.
                let matching = crate::ir::match_graphs(&p.graph, &graph, true);
                (
                    RuntimeCarry::new(&p.graph, &graph, &matching.nodes),
                    engine.carry_plan(&p.state, &matching.nodes),
                )
            }
            None => (RuntimeCarry::default(), CarryPlan::default()),
        };
        let state = engine.carry_source();
        let version = previous.map_or(1, |p| p.version + 1);
        let program = LiveProgram {
            version,
            runtime,
            carry,
            engine_carry,
            compile_ms: t0.elapsed().as_secs_f64() * 1e3,
            warnings,
        };
        Ok((
            program,
            Previous {
                version,
                graph,
                state,
            },
        ))
    }
}
