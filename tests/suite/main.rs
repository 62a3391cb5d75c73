//! The integration tests, as one test crate with a module per area: one binary links
//! the library once instead of once per file. (The allocation-counting tests, which
//! install their own global allocator, are their own crates: `tests/voices.rs`,
//! `tests/live_alloc.rs`, `tests/parallel_alloc.rs`.)

mod block_size;
mod bounds;
mod budget;
mod carry;
mod check;
mod chords;
mod cli;
mod common;
mod continuous;
mod control_arithmetic;
mod dialect;
mod draw;
mod dsp_env_fx;
mod dsp_osc_filter;
mod harmony;
mod ir;
mod jit_effects;
mod jit_engine;
mod jit_filter_env;
mod jit_kernels;
mod jit_osc;
mod jit_voices;
mod jit_vs_interp;
mod layers;
mod lists;
mod live;
mod live_cli;
mod master;
mod mini_notation;
mod no_panic;
mod orbits;
mod osc_ops;
mod overflow;
mod parallel;
mod plot;
mod render;
mod samples;
mod slicing;
mod sound_controls;
mod syntax;
mod synth_voices;
mod tidal_conformance;
mod tidal_corpus;
mod tidal_functions;
mod tidal_vocabulary;
mod transforms_chance;
mod transforms_sound;
mod transforms_timing;
mod voice_controls;
mod voice_defs;
