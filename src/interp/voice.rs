//! The interpreter's voices of a voice definition: one [`Interpreter`] of the
//! definition's graph per voice, run one voice at a time over a shared arena (the
//! reference the JIT's lanes are checked against).

use std::sync::Arc;

use super::Interpreter;
use crate::ir::voice::VoiceDef;
use crate::ir::Operand;
use crate::runtime::voice_defs::VoiceKernel;
use crate::runtime::{BlockContext, Buffers, Config, Engine, SoundPlayer};
use crate::samples::SampleBank;

pub struct InterpVoices {
    /// One interpreter per voice (each its own state), all of one graph.
    voices: Vec<Interpreter>,
    /// The arena every voice runs in, one at a time.
    buffers: Buffers,
    /// The voice graph has no sounds; `Engine::run` wants a player anyway.
    sounds: SoundPlayer,
    positions: Vec<f64>,
    /// The parameters' defaults and the onset's 0: what a start does not give.
    defaults: Vec<f32>,
    /// The voice's sound: the operand of the graph's output.
    sound: Operand,
    channels: usize,
    /// The last voice run's sound, channel by channel, block-long.
    out: Vec<Vec<f32>>,
}

impl InterpVoices {
    /// A pool of `voices` voices of `def`, for blocks of `config.block` frames.
    pub fn new(def: &VoiceDef, config: &Config, voices: usize) -> InterpVoices {
        let graph = Arc::new(def.graph.clone());
        let block = config.block.max(1);
        let sample_rate = config.sample_rate as f32;
        let mut initial = Interpreter::new(graph.clone(), config);
        initial.params = def.params.iter().map(|p| p.default).collect();
        initial.params.push(0.0);
        let voices = (0..voices.max(1))
            .map(|_| initial.fresh_copy(sample_rate))
            .collect();
        let channels = def.channels();
        let defaults = initial.params.clone();
        InterpVoices {
            defaults,
            voices,
            buffers: Buffers::new(&graph, block),
            sounds: SoundPlayer::new(
                Arc::new(SampleBank::empty(config.sample_rate)),
                Vec::new(),
                0,
                config.sample_rate,
                block,
            ),
            positions: vec![0.0; block],
            sound: graph.outputs.first().map_or(Operand::Const(0.0), |(_, op)| *op),
            channels,
            out: vec![vec![0.0; block]; channels],
        }
    }
}

impl VoiceKernel for InterpVoices {
    fn lanes(&self) -> usize {
        1
    }

    fn groups(&self) -> usize {
        self.voices.len()
    }

    fn channels(&self) -> usize {
        self.channels
    }

    fn start(&mut self, group: usize, _lane: usize, params: &[f32]) {
        if let Some(v) = self.voices.get_mut(group) {
            v.reset();
            let given = params.iter().chain(self.defaults.get(params.len()..).unwrap_or(&[]));
            for (p, x) in v.params.iter_mut().zip(given) {
                *p = *x;
            }
        }
    }

    fn set_param(&mut self, group: usize, _lane: usize, param: usize, value: f32) {
        if let Some(p) = self
            .voices
            .get_mut(group)
            .and_then(|v| v.params.get_mut(param))
        {
            *p = value;
        }
    }

    fn run(&mut self, group: usize, from: usize, to: usize) {
        let block = self.buffers.block();
        let to = to.min(block);
        if from >= to {
            return;
        }
        let Some(voice) = self.voices.get_mut(group) else {
            return;
        };
        let ctx = BlockContext {
            start: 0,
            frames: to - from,
            positions: &self.positions[..to - from],
            crew: None,
        };
        voice.run(&ctx, &mut self.buffers, &mut self.sounds);
        for (c, out) in self.out.iter_mut().enumerate() {
            let dst = &mut out[from..to];
            match self.sound {
                Operand::Node(id) => {
                    let src = self.buffers.channel(id, c);
                    dst.copy_from_slice(&src[..to - from]);
                }
                Operand::Const(x) => dst.fill(x),
            }
        }
    }

    fn output(&self, _lane: usize, channel: usize) -> &[f32] {
        self.out.get(channel).map_or(&[][..], |v| v.as_slice())
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn copy_from(&mut self, other: &dyn VoiceKernel) -> bool {
        let Some(o) = other.as_any().downcast_ref::<InterpVoices>() else {
            return false;
        };
        if o.voices.len() != self.voices.len() {
            return false;
        }
        let mut all = true;
        for (a, b) in self.voices.iter_mut().zip(&o.voices) {
            all &= a.copy_state_from(b);
        }
        all
    }
}
