//! One compiled patch, ready to be handed to the audio thread: its runtime (graph,
//! JIT engine, buffers, voice pools, all allocated here, on the compiling thread)
//! and what it takes over from the program it replaces.

use std::sync::Arc;
use std::time::Instant;

use crate::ir::Graph;
use crate::jit::engine::{compile_source, CompileFailure, JitEngine, JitOptions};
use crate::runtime::{Config, Runtime, RuntimeCarry};
use crate::samples::SampleBank;

/// A patch compiled for live playback.
pub struct Program {
    /// 1 for the first patch played, then one more per successful reload.
    pub version: u64,
    pub runtime: Runtime<JitEngine>,
    /// What the runtime takes over from the program it replaces.
    pub carry: RuntimeCarry,
    /// Milliseconds from text to a runnable program.
    pub compile_ms: f64,
}

/// What the next compile needs to know of the program it will replace.
#[derive(Clone)]
pub struct Previous {
    pub version: u64,
    pub graph: Arc<Graph>,
}

impl Program {
    /// Compiles `source` (on the calling thread: never the audio thread). With a
    /// `previous` program, works out what carries over from it.
    pub fn compile(
        source: &str,
        config: &Config,
        bank: Arc<SampleBank>,
        previous: Option<&Previous>,
    ) -> Result<(Program, Previous), CompileFailure> {
        let t0 = Instant::now();
        let (graph, engine) = compile_source(source, config, JitOptions::default())?;
        let carry = match previous {
            Some(p) => {
                let matches = crate::ir::identity::match_nodes(&p.graph, &graph);
                RuntimeCarry::new(&p.graph, &graph, &matches)
            }
            None => RuntimeCarry::default(),
        };
        let version = previous.map_or(1, |p| p.version + 1);
        let runtime = Runtime::new(graph.clone(), engine, bank, *config);
        let program = Program {
            version,
            runtime,
            carry,
            compile_ms: t0.elapsed().as_secs_f64() * 1e3,
        };
        Ok((program, Previous { version, graph }))
    }
}
