//! The bodies of the `phonon` commands (`main.rs` holds the argument definitions).

pub mod audio;
pub mod common;
pub mod jit;
pub mod live;
pub mod text;
