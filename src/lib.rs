//! Phonon: a live-coding audio language. TidalCycles-style patterns driving a
//! modular synthesis graph.
//!
//! The pipeline, one module per stage (see `ARCHITECTURE.md`):
//! [`syntax`] parses a patch with pest into a syntax tree with source spans,
//! [`check`] infers and checks types against the table of built-in signatures,
//! [`eval`] evaluates the pattern-valued parts into [`pattern::Pattern`]s, whose
//! strings are parsed by [`mini`]. [`time`] is exact rational time, [`diag`] the
//! diagnostics every stage reports through. [`ir`] lowers an evaluated patch to the
//! signal graph, [`runtime`] runs it block by block with an engine ([`interp`], the
//! reference interpreter, calling the [`dsp`] kernels and the [`voices`] of the
//! [`samples`], or [`jit`]), [`program`] builds the two together from a graph or from
//! text, and [`render`] writes the result to a WAV file.

pub mod cli;

/// Declares the library's stages. Outside the crate only the entry points below are
/// public; the `testing` feature (which the tests and benchmarks turn on through the
/// crate's dev-dependency on itself) makes the stages public too, so that each can be
/// tested on its own.
macro_rules! stages {
    ($($name:ident)*) => {
        $(
            #[cfg(feature = "testing")]
            pub mod $name;
            #[cfg(not(feature = "testing"))]
            pub(crate) mod $name;
        )*
    };
}

stages! {
    time signature fpu dsp diag
    pattern mini samples voices parallel
    syntax ir check eval lower query frontend
    passes runtime interp jit program
    render bench live
}

// ---- The public API: the entry points of a user of the library (the command line
// is one, `cli::main`) and the types they take and return.

/// Timing the engines block by block, as `phonon bench` does.
pub use bench::{bench, bench_paced, BenchError, BenchReport, Engines, Pacing};
/// Checking and compiling patch text: every diagnostic with its span, or the graph.
pub use diag::{render as render_diagnostics, Diagnostic, SrcSpan};
pub use frontend::{check_source, compile};
pub use ir::Graph;
/// Playing a patch live, reloading it on every save.
pub use live::{run as play, Event as LiveEvent, SessionOptions, Sink};
/// Querying a pattern expression, as `phonon query` does.
pub use query::{events_to_json_lines, parse_time, query_expression, QueryFailure, QueryResult};
/// Rendering a graph to audio (a WAV file through `WavSink`).
pub use render::{render, EngineKind, Length, RenderError, RenderReport, SampleFormat, WavSink};
/// What the entry points run with.
pub use runtime::Config;
pub use samples::SampleBank;
pub use time::Rational;
