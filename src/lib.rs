//! Phonon: a live-coding audio language. TidalCycles-style patterns driving a
//! modular synthesis graph.
//!
//! The library's public API is a handful of entry points (re-exported below):
//! [`check_source`] and [`compile`] (patch text to its diagnostics, or to its signal
//! [`Graph`]), [`query_expression`] (a pattern's events, as `phonon query` prints
//! them), [`render()`] (a graph to audio, for example into a [`WavSink`]), [`play`] (a
//! live session that reloads the patch on every save), [`bench()`] and
//! [`bench_paced`] (the engines timed block by block), and [`cli::main`], the `phonon`
//! command itself.
//!
//! Inside, one module per stage (see `ARCHITECTURE.md`, which also states the layers
//! they keep to): `syntax` parses a patch with pest, `check` infers and checks types
//! against the table of built-ins, `eval` evaluates it, `lower` turns the result into
//! the signal graph (`ir`, whose operations are defined once in `ir::op`), `passes`
//! plan it, and `runtime` runs it block by block with an engine (`interp`, the
//! reference interpreter over the `dsp` kernels, or `jit`, Cranelift), built by
//! `program`. The stages are crate-private; the `testing` feature, which the tests
//! and benchmarks turn on, makes them public.

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
    render bench live plot
}

// ---- The public API: the entry points of a user of the library (the command line
// is one, `cli::main`) and the types they take and return.

/// Timing the engines block by block, as `phonon bench` does.
pub use bench::{bench, bench_paced, BenchError, BenchReport, Engines, Pacing};
/// Checking and compiling patch text: every diagnostic with its span, or the graph.
pub use diag::{render as render_diagnostics, Diagnostic, SrcSpan};
pub use frontend::{check_patch, check_source, compile, Checked};
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
