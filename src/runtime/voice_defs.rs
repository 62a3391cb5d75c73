//! The voices of voice definitions (`~pluck freq=440 gate=1: ...`, played by
//! `s "~pluck"`): the engines compute them ([`VoiceKernel`]), a pool per sound and
//! definition starts, ends and mixes them.

/// An engine's code for the voices of one voice definition
/// ([`crate::ir::voice::VoiceDef`]), with the state of a pool of them: `groups()`
/// groups of `lanes()` voices, each group computed by one call. The JIT computes a
/// group's voices side by side in vector lanes; the interpreter has one voice per
/// group. Nothing here allocates.
pub trait VoiceKernel: Send {
    /// Voices computed together by one [`VoiceKernel::run`].
    fn lanes(&self) -> usize;
    /// Groups of lanes: the pool holds `groups() × lanes()` voices.
    fn groups(&self) -> usize;
    /// Channels of a voice's sound (1 or 2).
    fn channels(&self) -> usize;
    /// Puts voice `lane` of `group` into its initial state, with parameter values
    /// `params` (indexed as [`crate::ir::voice::VoiceDef::params`], then the onset).
    fn start(&mut self, group: usize, lane: usize, params: &[f32]);
    /// Sets one parameter of one voice from the next frame run on.
    fn set_param(&mut self, group: usize, lane: usize, param: usize, value: f32);
    /// Computes frames `from..to` of the block for every lane of `group` (lanes
    /// holding no voice compute whatever their state gives; their output is not read).
    fn run(&mut self, group: usize, from: usize, to: usize);
    /// Channel `channel` of lane `lane`'s sound, block-long: frames `from..to` hold
    /// what the last [`VoiceKernel::run`] of the lane's group over `from..to` computed.
    fn output(&self, lane: usize, channel: usize) -> &[f32];
}
