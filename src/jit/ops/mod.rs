//! Emitters of the stateful kernels, one module per `dsp` module.

pub mod effects;
pub mod env;
pub mod filter;
pub mod osc;
