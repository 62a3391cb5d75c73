//! Block DSP kernels: every oscillator, filter, envelope and effect of the language as
//! a state struct and a function over whole buffers of one block. They know nothing
//! of the graph; the interpreter calls them node by node, and the JIT reproduces the
//! same arithmetic. Transcendentals go through [`approx`] so the engines can agree.

pub mod approx;
pub mod arith;
pub mod effects;
pub mod env;
pub mod filter;
pub mod limiter;
pub mod osc;
pub mod synth;
