//! A patch rendered in memory with the built-in kit: what the render and master
//! tests read.

use std::sync::Arc;

use phonon::render::{render, EngineKind, Length, RenderReport};
use phonon::runtime::Config;
use phonon::samples::SampleBank;

pub struct Rendered {
    pub left: Vec<f32>,
    pub right: Vec<f32>,
    pub report: RenderReport,
}

/// Renders `source` for `length` with `config` (its sample rate for the kit too) on
/// the interpreter.
pub fn render_with(source: &str, length: Length, config: Config) -> Rendered {
    render_on(EngineKind::Interp, source, length, config)
}

/// [`render_with`] on `engine`.
pub fn render_on(engine: EngineKind, source: &str, length: Length, config: Config) -> Rendered {
    let graph = match phonon::compile(source) {
        Ok(g) => Arc::new(g),
        Err(d) => panic!("does not compile: {d:?}"),
    };
    let rate = config.sample_rate;
    let frames = length.frames(graph.cps, rate);
    let (mut left, mut right) = (Vec::new(), Vec::new());
    let report = render(
        graph,
        Arc::new(SampleBank::builtin(rate)),
        config,
        engine,
        frames,
        &mut |l, r| {
            left.extend_from_slice(l);
            right.extend_from_slice(r);
            Ok(())
        },
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("render failed: {e}"));
    Rendered {
        left,
        right,
        report,
    }
}
