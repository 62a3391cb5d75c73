//! The block loop shared by every engine.
//!
//! For each block of frames the runtime
//! 1. computes the cycle position of every frame ([`clock::Clock::positions`]),
//! 2. queries every pattern once for the block's arc and writes the events into the
//!    buffers of the nodes they feed, at exact frames ([`feed`]), and collects the
//!    voice starts of every sound ([`sounds`]),
//! 3. lets the engine run the graph's nodes over the block ([`Engine`]),
//! 4. runs the orbits' effects on what the sounds sent them ([`orbits`]),
//! 5. copies the master plus the orbits' output out, guarding it: a NaN or an infinity
//!    never leaves; the first node that produced one is remembered for the report,
//! 6. keeps the outputs of the buses that read themselves for the next block.

pub mod buffers;
pub mod clock;
pub mod feed;
pub mod master;
pub mod orbits;
pub mod sounds;
pub mod voice_defs;

use std::sync::Arc;

pub use buffers::{Buffers, Inputs, Layout};
pub use clock::Clock;
pub use orbits::Orbits;
pub use sounds::SoundPlayer;

use crate::ir::{Graph, NodeId, Op, Operand};
use crate::samples::{LoadReport, SampleBank};
pub use feed::BlockEvents;
use feed::{FeedError, Feeder};
use crate::time::QueryFault;

/// How a patch is run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    pub sample_rate: u32,
    /// Frames per block.
    pub block: usize,
    /// Voices per sound.
    pub voices: usize,
    /// Threads running a block: 1 runs everything on the calling thread; more builds
    /// one crew of worker threads per runtime (`parallel::Crew`) that runs the
    /// independent items of a stage (and the block's pattern queries) in parallel
    /// where the cost model says it pays.
    pub threads: usize,
    /// The master stage ([`master::Master`]: DC blocker and true-peak limiter at
    /// -1 dBTP) runs on what `phonon render` and live playback output. The commands
    /// turn it on unless told `--no-limit`; the library's default is off, the raw sum.
    pub limit: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            sample_rate: 44_100,
            block: 512,
            voices: crate::voices::VoicePool::DEFAULT_CAPACITY,
            threads: 1,
            limit: false,
        }
    }
}

/// What an engine is told about the block it runs.
pub struct BlockContext<'a> {
    /// The first frame of the block since the start (neither engine reads it yet).
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    pub start: u64,
    /// Frames in this block (the configured block size, or fewer for the last one).
    pub frames: usize,
    /// The cycle position of every frame of the block (neither engine reads it:
    /// patterns reach nodes through their events; it is there for kernels that need
    /// cycle time).
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    pub positions: &'a [f64],
    /// The runtime's crew (`Config::threads` > 1): the engine may run the independent
    /// items of a stage on it and the calling thread (same result).
    pub crew: Option<&'a crate::parallel::Crew>,
}

/// Something that runs a graph's nodes over one block: the interpreter, or the JIT.
/// The runtime has already filled the fed nodes' buffers; the engine computes every
/// other node in order, calling `sounds` for `Voices` nodes, and leaves the stereo
/// master in the master node's buffer.
///
/// An engine owns the graph it runs and knows the buffer layout it was built for:
/// [`Runtime::new`] takes both from it (so a runtime's graph is always its engine's)
/// and refuses an engine whose layout is not the runtime's.
pub trait Engine: Send {
    /// The graph the engine runs (after whatever passes it was built from).
    fn graph(&self) -> &Arc<Graph>;
    /// The buffers it was built for: `run` is only meaningful on an arena of this
    /// layout for [`Engine::graph`].
    fn layout(&self) -> Layout;
    fn run(&mut self, ctx: &BlockContext<'_>, buffers: &mut Buffers, sounds: &mut SoundPlayer);
    /// The code and state of a pool of at least `voices` voices of the graph's voice
    /// definition `def` (`Graph::voices`), for blocks of the engine's layout. Called
    /// when a runtime is built, never on the audio thread.
    fn voice_kernel(&self, def: usize, voices: usize) -> Option<Box<dyn voice_defs::VoiceKernel>>;
}

/// An engine built for other buffers than the runtime's (a block size or a graph
/// other than the one in the runtime's configuration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayoutMismatch {
    /// What the engine was built for.
    pub engine: Layout,
    /// What the runtime laid out for the engine's graph and its configured block.
    pub runtime: Layout,
}

impl std::fmt::Display for LayoutMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the engine was built for buffers of {}, the runtime's are {}",
            self.engine, self.runtime
        )
    }
}

impl std::error::Error for LayoutMismatch {}

/// The first non-finite value that reached the master: which node made it, and when.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NonFinite {
    /// The first node (in graph order) whose output held a NaN or an infinity.
    pub node: NodeId,
    /// The frame (since the start) of the block where it happened.
    pub frame: u64,
}

/// A pattern (or sound) whose query failed in a block: it overflowed exact time or
/// spent its work budget, and played silence for that block.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PatternFailure {
    /// The pattern's source, where it has one.
    pub span: Option<crate::diag::SrcSpan>,
    pub fault: QueryFault,
}

impl std::fmt::Display for PatternFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.fault)
    }
}

/// A pattern whose queries failed during a run: the first failure, the frame of the
/// first block it failed in, and in how many blocks it failed (and was silent).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FailureRecord {
    pub failure: PatternFailure,
    pub first_frame: u64,
    pub blocks: u64,
}

/// An engine (with its graph) and everything they need to produce blocks of stereo
/// audio.
pub struct Runtime<E: Engine> {
    engine: E,
    config: Config,
    clock: Clock,
    buffers: Buffers,
    feeder: Feeder,
    /// This runtime's own block of events (offline: queried, then applied).
    events: BlockEvents,
    sounds: SoundPlayer,
    /// The effect buses the sounds send to, run after them.
    orbits: Orbits,
    positions: Vec<f64>,
    /// Feedback nodes and the node each reads from the previous block.
    feedback: Vec<(NodeId, NodeId)>,
    frame: u64,
    nonfinite: Option<NonFinite>,
    nonfinite_samples: u64,
    /// The patterns whose queries failed, one record per pattern source.
    failures: Vec<FailureRecord>,
    /// The crew of workers (`config.threads` > 1), started once with the runtime and
    /// joined when it is dropped.
    crew: Option<crate::parallel::Crew>,
    /// What loading the graph's samples did (the sets no earlier runtime loaded).
    samples: LoadReport,
}

impl<E: Engine> Runtime<E> {
    /// A runtime for `engine`'s graph, with buffers, feed and voice pools laid out for
    /// it and `config`. An engine built for another layout (another block size) is an
    /// error here rather than silence later. The usual ways to a runtime, graph or
    /// text to engine to runtime, are in [`crate::program`].
    ///
    /// Loads the sample sets the graph's sounds name ([`sounds::named_samples`])
    /// into `bank`, which other runtimes may share: on the calling thread, so that
    /// a live program's files are read where it is compiled, never where it plays.
    /// [`Runtime::sample_report`] says what this load read and skipped.
    pub fn new(engine: E, bank: Arc<SampleBank>, config: Config) -> Result<Self, LayoutMismatch> {
        let config = Config {
            block: config.block.max(1),
            ..config
        };
        let graph = engine.graph().clone();
        let buffers = Buffers::new(&graph, config.block);
        if buffers.layout() != engine.layout() {
            return Err(LayoutMismatch {
                engine: engine.layout(),
                runtime: buffers.layout(),
            });
        }
        let clock = Clock::new(graph.cps, config.sample_rate);
        let feeder = Feeder::new(&graph);
        let events = BlockEvents::new(&graph);
        let samples = bank.load(sounds::named_samples(&graph));
        let sampled = graph.sounds.iter().map(|s| s.sampled.clone()).collect();
        let mut sounds = SoundPlayer::new(
            bank,
            sampled,
            config.voices,
            config.sample_rate,
            config.block,
        );
        // A pool of each voice definition for each sound that names it (over the
        // cycles `named_samples` looks at).
        if !graph.voices.is_empty() {
            for (k, sound) in graph.sounds.iter().enumerate() {
                let names = sounds::sound_samples(sound);
                for (d, def) in graph.voices.iter().enumerate() {
                    if !names.contains(&format!("~{}", def.name)) {
                        continue;
                    }
                    let lanes = config.voices + voice_defs::SPARE_VOICES;
                    if let Some(kernel) = engine.voice_kernel(d, lanes) {
                        let pool = voice_defs::DefPool::new(
                            def,
                            kernel,
                            config.voices,
                            config.sample_rate,
                            config.block,
                        );
                        sounds.add_def_pool(k, pool);
                    }
                }
            }
        }
        let orbits = Orbits::new(config.sample_rate, config.block);
        let feedback = graph
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.op == Op::Feedback)
            .filter_map(|(id, n)| match n.inputs.first() {
                Some(Operand::Node(src)) => Some((id, *src)),
                _ => None,
            })
            .collect();
        Ok(Runtime {
            engine,
            config,
            clock,
            buffers,
            feeder,
            events,
            sounds,
            orbits,
            positions: vec![0.0; config.block],
            feedback,
            frame: 0,
            nonfinite: None,
            nonfinite_samples: 0,
            failures: Vec::new(),
            crew: crate::parallel::crew(config.threads),
            samples,
        })
    }

    /// What [`Runtime::new`] loaded into the bank for this graph, and the files it
    /// skipped (empty for sets an earlier runtime on the same bank loaded).
    pub fn sample_report(&self) -> &LoadReport {
        &self.samples
    }

    pub fn config(&self) -> Config {
        self.config
    }

    /// The crew of workers (`config.threads` > 1, and the system started them).
    pub fn crew(&self) -> Option<&crate::parallel::Crew> {
        self.crew.as_ref()
    }

    /// The graph (the engine's).
    pub fn graph(&self) -> &Graph {
        self.engine.graph()
    }

    /// The graph, shared (live playback queries it on another thread).
    pub fn shared_graph(&self) -> Arc<Graph> {
        self.engine.graph().clone()
    }

    /// Voices sounding now, over all sounds.
    pub fn voices_active(&self) -> usize {
        self.sounds.active()
    }

    pub fn sounds(&self) -> &SoundPlayer {
        &self.sounds
    }

    /// The orbits' effects.
    pub fn orbits(&self) -> &Orbits {
        &self.orbits
    }

    /// Makes the voices time themselves from now on, or stop (see
    /// [`SoundPlayer::voice_time`]): `phonon bench`'s time per voice-frame.
    pub fn time_voices(&mut self, on: bool) {
        self.sounds.set_timing(on);
    }

    /// The first non-finite value the master guard caught, and how many samples it
    /// silenced in all.
    pub fn nonfinite(&self) -> Option<(NonFinite, u64)> {
        self.nonfinite.map(|n| (n, self.nonfinite_samples))
    }

    /// Produces the next `left.len()` frames (at most one block; extra frames of a
    /// longer buffer are left untouched) into `left` and `right`: queries the
    /// patterns for them, then runs the block ([`Runtime::process_events`]). A
    /// pattern whose query fails is silent for the block and is recorded in
    /// [`Runtime::failures`]; the others play on.
    pub fn process(&mut self, left: &mut [f32], right: &mut [f32]) {
        let frames = left.len().min(right.len()).min(self.config.block);
        let _flush = crate::fpu::FlushDenormals::new();
        // The block starts with its queries: the crew hears of it before them.
        self.wake_crew();
        let mut events = std::mem::replace(&mut self.events, BlockEvents::empty());
        let frame = self.frame;
        for failure in self.query(frame, frames, &mut events) {
            match self.failures.iter_mut().find(|r| r.failure.span == failure.span) {
                Some(record) => record.blocks += 1,
                None => self.failures.push(FailureRecord {
                    failure,
                    first_frame: frame,
                    blocks: 1,
                }),
            }
        }
        self.run_block(&mut events, left, right);
        self.events = events;
    }

    /// The patterns whose queries failed so far (each silent in the blocks it failed
    /// in), in the order they first failed.
    pub fn failures(&self) -> &[FailureRecord] {
        &self.failures
    }

    /// Tells napping crew workers that a block starts (a relaxed counter, no system
    /// call; the workers also learn the block period from it).
    fn wake_crew(&self) {
        if let Some(crew) = self.crew.as_ref() {
            crew.wake();
        }
    }

    /// Queries this runtime's patterns for frames `[start, start+frames)` into
    /// `events` (prepared for this runtime's graph); returns the failed queries.
    pub fn query(
        &self,
        start: u64,
        frames: usize,
        events: &mut BlockEvents,
    ) -> Vec<PatternFailure> {
        query_block(
            self.engine.graph(),
            &self.clock,
            start,
            frames,
            events,
            self.crew.as_ref(),
        )
    }

    /// Runs the next block with events queried for it elsewhere (live playback
    /// queries ahead on another thread): writes them into the fed nodes' buffers and
    /// voice slots, runs the engine, copies the guarded master into `left`/`right`
    /// and keeps the feedback buses. `events` must have been queried for this graph
    /// and for the frames starting at the runtime's current frame; if they were not (a late
    /// query thread), the block runs without new events. Allocates nothing: it is
    /// what the audio thread calls.
    pub fn process_events(
        &mut self,
        events: &mut BlockEvents,
        left: &mut [f32],
        right: &mut [f32],
    ) {
        // Denormals are flushed while kernels run, on this thread (the crew's
        // workers flush for good when they start): the same bits on one thread or
        // more; the caller's mode comes back when the block is done.
        let _flush = crate::fpu::FlushDenormals::new();
        self.wake_crew();
        self.run_block(events, left, right);
    }

    /// The block after its queries: feed, engine, master, feedback.
    fn run_block(&mut self, events: &mut BlockEvents, left: &mut [f32], right: &mut [f32]) {
        let crew = self.crew.as_ref();
        let frames = left.len().min(right.len()).min(self.config.block);
        let start = self.frame;
        self.clock.positions(start, &mut self.positions[..frames]);
        if events.start() == start && events.frames() == frames {
            self.feeder.apply(
                events,
                &self.clock,
                &mut self.buffers,
                &mut self.sounds,
                crew,
            );
        } else {
            self.feeder
                .apply_none(frames, &mut self.buffers, &mut self.sounds);
        }
        let ctx = BlockContext {
            start,
            frames,
            positions: &self.positions[..frames],
            crew,
        };
        self.engine.run(&ctx, &mut self.buffers, &mut self.sounds);
        self.orbits
            .process(self.sounds.sends(), frames, self.clock.cps());
        self.copy_master(&mut left[..frames], &mut right[..frames]);
        for &(to, from) in &self.feedback {
            self.buffers.copy_node(from, to);
        }
        self.frame += frames as u64;
    }

    /// The engine (a reload carries its state from the previous program's).
    pub fn engine(&self) -> &E {
        &self.engine
    }

    pub fn engine_mut(&mut self) -> &mut E {
        &mut self.engine
    }

    /// The clock mapping this runtime's frames to cycles.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Starts playing at frame `frame` with `clock` (the first program of a live
    /// session).
    pub fn take_over_clock(&mut self, clock: Clock, frame: u64) {
        self.clock = clock;
        self.frame = frame;
    }

    /// Continues from `old` (the program this one replaces, live): from `old`'s
    /// current frame on, with `clock` (the previous clock, or one continuing its
    /// cycle position at a new tempo). The nodes `carry` pairs keep what they held:
    /// stepped values, the last block of the buses that read themselves, and the
    /// voices of each sound (copied: they go on here, and in `old` while it fades
    /// out, so that the crossfade between the two is seamless), and the orbits'
    /// reverb and delay state, whose tails ring on the same way. Kernel state
    /// is the engine's ([`crate::jit::engine::JitEngine::apply_carry`]). Allocates
    /// nothing.
    pub fn take_over(&mut self, old: &mut Runtime<E>, clock: Clock, carry: &RuntimeCarry) {
        self.take_over_clock(clock, old.frame);
        for &(new, from) in &carry.held {
            if let Some(v) = old.feeder.held(from) {
                self.feeder.set_held(new, v);
            }
        }
        for &(new, from) in &carry.buffers {
            let src = old.buffers.node_mut(from);
            let dst = self.buffers.node_mut(new);
            let n = src.len().min(dst.len());
            dst[..n].copy_from_slice(&src[..n]);
        }
        for &(new, from) in &carry.sounds {
            self.sounds.copy_voices(new, &old.sounds, from);
        }
        self.orbits.copy_from(&old.orbits);
    }

    /// The master plus the orbits' output into `left`/`right`, with every non-finite
    /// sample replaced by 0.
    fn copy_master(&mut self, left: &mut [f32], right: &mut [f32]) {
        let master = self.engine.graph().master;
        let mut bad = 0u64;
        for (c, out) in [left, right].into_iter().enumerate() {
            let src = self.buffers.channel(master, c);
            for (o, s) in out.iter_mut().zip(src) {
                *o = *s;
            }
            if let Some(wet) = self.orbits.output(c) {
                for (o, w) in out.iter_mut().zip(wet) {
                    *o += *w;
                }
            }
            for o in out.iter_mut() {
                if !o.is_finite() {
                    *o = 0.0;
                    bad += 1;
                }
            }
        }
        if bad > 0 {
            self.nonfinite_samples += bad;
            if self.nonfinite.is_none() {
                self.nonfinite = Some(NonFinite {
                    node: self.first_nonfinite_node(left_len(&self.buffers)),
                    frame: self.frame,
                });
            }
        }
    }

    /// The first node, in graph order, whose buffer holds a NaN or an infinity.
    fn first_nonfinite_node(&self, frames: usize) -> NodeId {
        let inputs = self.buffers.inputs();
        let graph = self.engine.graph();
        for (id, node) in graph.nodes.iter().enumerate() {
            for c in 0..node.channels {
                let buf = inputs.channel(id, c);
                if buf[..frames.min(buf.len())].iter().any(|x| !x.is_finite()) {
                    return id;
                }
            }
        }
        graph.master
    }
}

fn left_len(buffers: &Buffers) -> usize {
    buffers.block()
}

/// What a runtime takes over from the one it replaces (see [`Runtime::take_over`]),
/// worked out off the audio thread from a matching of the two graphs' nodes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuntimeCarry {
    /// Stepped nodes (new, old) whose held value goes on.
    pub held: Vec<(NodeId, NodeId)>,
    /// Feedback nodes (new, old) whose buffer (last block's value of the bus) goes on.
    pub buffers: Vec<(NodeId, NodeId)>,
    /// Sounds (new, old) whose voice pool goes on.
    pub sounds: Vec<(usize, usize)>,
}

impl RuntimeCarry {
    /// From `matches` (for each node of `new`, the node of `old` it continues).
    pub fn new(old: &Graph, new: &Graph, matches: &[Option<NodeId>]) -> RuntimeCarry {
        let mut carry = RuntimeCarry::default();
        for (id, node) in new.nodes.iter().enumerate() {
            let Some(from) = matches.get(id).copied().flatten() else {
                continue;
            };
            let Some(before) = old.nodes.get(from) else {
                continue;
            };
            match (node.op, before.op) {
                (Op::Stepped { .. }, Op::Stepped { .. }) => carry.held.push((id, from)),
                (Op::Feedback, Op::Feedback) if node.channels == before.channels => {
                    carry.buffers.push((id, from))
                }
                (Op::Voices { sound }, Op::Voices { sound: was })
                    if !carry.sounds.iter().any(|&(n, o)| n == sound || o == was) =>
                {
                    carry.sounds.push((sound, was));
                }
                _ => {}
            }
        }
        carry
    }
}

/// Queries `graph`'s patterns for frames `[start, start+frames)` into `events`
/// (prepared for `graph`), on `crew` and the calling thread where that pays, and
/// returns the queries that failed (their patterns are silent for the block), in
/// graph order.
pub fn query_block(
    graph: &Graph,
    clock: &Clock,
    start: u64,
    frames: usize,
    events: &mut BlockEvents,
    crew: Option<&crate::parallel::Crew>,
) -> Vec<PatternFailure> {
    events.query(graph, clock, start, frames, crew);
    let failures = events.failures().map(|e| match e {
        FeedError::Pattern(i, fault) => PatternFailure {
            span: graph.patterns.get(i).and_then(|p| p.span),
            fault,
        },
        FeedError::Sound(i, fault) => PatternFailure {
            span: graph.sounds.get(i).and_then(|s| s.span),
            fault,
        },
    });
    // Empty (and not allocated) unless a query failed.
    failures.collect()
}

/// The master node's work, the same for every engine: sums `inputs` (the outputs, in
/// order; a mono one into both channels, a constant added as it is) into the stereo
/// `out` (`2 × block` samples) over the first `n` frames, reading from `before`.
pub fn mix_master(inputs: &[Operand], before: Inputs<'_>, out: &mut [f32], block: usize, n: usize) {
    out.fill(0.0);
    for c in 0..2 {
        let Some(o) = out.get_mut(c * block..c * block + n) else {
            continue;
        };
        for op in inputs {
            match op {
                Operand::Node(j) => {
                    for (y, x) in o.iter_mut().zip(before.channel(*j, c)) {
                        *y += *x;
                    }
                }
                Operand::Const(k) => {
                    for y in o.iter_mut() {
                        *y += *k;
                    }
                }
            }
        }
    }
}
