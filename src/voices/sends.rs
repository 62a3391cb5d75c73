//! What the voices of one sound send to the orbits' effects in one block.
//!
//! An orbit is an effect bus, as in SuperDirt: each has its own stereo reverb and
//! delay. A voice with `room` or `delay` adds its signal (after its envelope, gain
//! and pan), times the send amount, into its orbit's buffers here; the runtime sums
//! the sends of every sound per orbit and runs the orbit's effects. Each sound owns
//! its own `Sends`, so the voices calls of one stage can run on different threads.

/// Orbits a patch can use (`orbit 0` .. `orbit 11`, SuperDirt's default of 12).
pub const ORBITS: usize = 12;

/// The orbit's effect parameters an event sets (SuperDirt's global effects take the
/// parameters of the latest event on their orbit).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OrbitParams {
    /// Reverb room size, 0..1.
    pub size: f32,
    /// SuperDirt's `dry`: how much of the orbit's dry signal the reverb leaves.
    pub dry: f32,
    /// Delay time, seconds (or cycles with `lock`).
    pub delaytime: f32,
    pub delayfeedback: f32,
    /// `lock 1`: `delaytime` counts cycles.
    pub lock: bool,
}

impl OrbitParams {
    /// SuperDirt's defaults, for an orbit no event has set yet and the parameters an
    /// event leaves out (`dirt_reverb`: size 0.1, dry 0; `dirt_delay`: delaytime and
    /// delayfeedback 0; lock 0).
    pub const DEFAULT: OrbitParams = OrbitParams {
        size: 0.1,
        dry: 0.0,
        delaytime: 0.0,
        delayfeedback: 0.0,
        lock: false,
    };
}

/// One orbit's share of a sound's block.
pub struct OrbitSend {
    /// Reverb input, left and right, for this block.
    pub room: [Vec<f32>; 2],
    /// Delay input, left and right, for this block.
    pub delay: [Vec<f32>; 2],
    /// Whether anything was added this block (the buffers are all zero otherwise).
    pub active: bool,
    /// The parameters of the latest event on this orbit in this block, with its
    /// onset frame.
    pub params: Option<(usize, OrbitParams)>,
}

/// A sound's sends to every orbit, preallocated for blocks of up to `block` frames.
pub struct Sends {
    pub orbits: Vec<OrbitSend>,
}

impl Sends {
    pub fn new(block: usize) -> Sends {
        let buf = || vec![0.0; block];
        Sends {
            orbits: (0..ORBITS)
                .map(|_| OrbitSend {
                    room: [buf(), buf()],
                    delay: [buf(), buf()],
                    active: false,
                    params: None,
                })
                .collect(),
        }
    }

    /// Adds a voice's final `left`/`right` frames, from frame `at` of the block, times
    /// its send amounts into its orbit.
    pub fn add(&mut self, spec: &super::start::SendSpec, at: usize, left: &[f32], right: &[f32]) {
        if !spec.any() {
            return;
        }
        let Some(orbit) = self.orbits.get_mut(spec.orbit) else {
            return;
        };
        orbit.active = true;
        for (amount, dest) in [(spec.room, &mut orbit.room), (spec.delay, &mut orbit.delay)] {
            if amount > 0.0 {
                for (buf, src) in dest.iter_mut().zip([left, right]) {
                    if let Some(d) = buf.get_mut(at..at + src.len()) {
                        for (d, x) in d.iter_mut().zip(src) {
                            *d += x * amount;
                        }
                    }
                }
            }
        }
    }

    /// Zeroes what the last block added (only the orbits that were used).
    pub fn clear(&mut self) {
        for o in &mut self.orbits {
            if o.active {
                for b in o.room.iter_mut().chain(o.delay.iter_mut()) {
                    b.fill(0.0);
                }
            }
            o.active = false;
            o.params = None;
        }
    }
}
