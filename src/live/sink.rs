//! What calls the audio callback: a sound card through cpal (the `audio` feature),
//! or a clock without one (`--sink null`) that runs the very same callback on a
//! thread of its own at the pace a device would, and counts the callbacks that
//! would have made it run dry.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::player::Player;

/// Runs `player` as a device of `period` frames per callback at `sample_rate` would,
/// until `stop` is set or `frames` frames have been played; returns it. A callback
/// is an underrun when it finishes after the moment the device would have played
/// out the buffer before it (a device with two periods of buffer); after one, the
/// clock starts again from now, as a device restarting after an underrun does.
/// Each underrun is told apart: the callback itself took longer than its period
/// (`Stats::underruns_over_budget`: the patch), or it fitted its period and the
/// thread woke up too late to finish in time (`Stats::underruns_late_wake`: the
/// machine).
pub fn run_null(
    mut player: Player,
    sample_rate: u32,
    period: usize,
    stop: &AtomicBool,
    frames: Option<u64>,
) -> Player {
    let _flush = crate::fpu::FlushDenormals::new();
    let period = period.max(1);
    let mut left = vec![0.0f32; period];
    let mut right = vec![0.0f32; period];
    let every = Duration::from_secs_f64(period as f64 / f64::from(sample_rate.max(1)));
    let mut due = Instant::now();
    let mut played = 0u64;
    while !stop.load(Ordering::Relaxed) && frames.is_none_or(|f| played < f) {
        let now = Instant::now();
        if due > now {
            std::thread::sleep(due - now);
        }
        let woke = Instant::now();
        player.fill(&mut left, &mut right);
        played += period as u64;
        let done = Instant::now();
        if done > due + every {
            let stats = player.stats();
            stats.underruns.fetch_add(1, Ordering::Relaxed);
            let cause = if over_budget(woke, done, every) {
                &stats.underruns_over_budget
            } else {
                &stats.underruns_late_wake
            };
            cause.fetch_add(1, Ordering::Relaxed);
            due = done;
        } else {
            due += every;
        }
    }
    player
}

/// True when a late callback was late because of itself: it ran longer than its
/// period (`woke` to `done`), so the patch is over budget. Otherwise it fitted, and
/// the thread woke up too late: the machine.
fn over_budget(woke: Instant, done: Instant, every: Duration) -> bool {
    done.saturating_duration_since(woke) > every
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_late_callback_is_the_patch_only_when_it_ran_past_its_period() {
        let period = Duration::from_millis(10);
        let t = Instant::now();
        assert!(over_budget(t, t + Duration::from_millis(12), period));
        assert!(!over_budget(t, t + Duration::from_millis(3), period));
        assert!(!over_budget(t + Duration::from_millis(1), t, period));
    }
}

#[cfg(feature = "audio")]
pub mod device {
    //! The default sound card, through cpal.

    use std::sync::atomic::Ordering;
    use std::sync::Arc;

    use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};

    use super::super::player::{Player, Stats};

    /// Frames converted at a time for a device that wants integer samples (the
    /// scratch buffer is allocated once, when the stream is built).
    const CHUNK_FRAMES: usize = 1024;

    /// A stream of `T` samples: the player fills a preallocated `f32` scratch, chunk
    /// by chunk, converted on the way out (no allocation in the callback).
    fn converting<T>(
        device: &cpal::Device,
        config: &cpal::StreamConfig,
        mut player: Player,
        channels: usize,
        on_error: impl FnMut(cpal::StreamError) + Send + 'static,
    ) -> Result<cpal::Stream, cpal::BuildStreamError>
    where
        T: cpal::SizedSample + cpal::FromSample<f32>,
    {
        let mut scratch = vec![0.0f32; CHUNK_FRAMES * channels.max(1)];
        let mut flushed = false;
        device.build_output_stream(
            config,
            move |out: &mut [T], _: &cpal::OutputCallbackInfo| {
                if !flushed {
                    crate::fpu::flush_denormals();
                    flushed = true;
                }
                for chunk in out.chunks_mut(scratch.len()) {
                    let tmp = &mut scratch[..chunk.len()];
                    player.fill_interleaved(tmp, channels);
                    for (o, x) in chunk.iter_mut().zip(tmp.iter()) {
                        *o = T::from_sample(x.clamp(-1.0, 1.0));
                    }
                }
            },
            on_error,
            None,
        )
    }

    /// The default output device and the configuration it will be opened with.
    pub struct Device {
        device: cpal::Device,
        config: cpal::SupportedStreamConfig,
    }

    impl Device {
        /// The default output device of the default host, or why there is none.
        pub fn open_default() -> Result<Device, String> {
            let host = cpal::default_host();
            let device = host
                .default_output_device()
                .ok_or_else(|| "no default audio output device".to_string())?;
            let config = device
                .default_output_config()
                .map_err(|e| format!("the default audio device cannot play: {e}"))?;
            Ok(Device { device, config })
        }

        /// The device's sample rate (programs are compiled for it).
        pub fn sample_rate(&self) -> u32 {
            self.config.sample_rate().0
        }

        pub fn name(&self) -> String {
            self.device
                .name()
                .unwrap_or_else(|_| "default device".to_string())
        }

        /// Starts playing: the stream calls `player` from the device's thread until
        /// the returned stream is dropped.
        pub fn play(self, mut player: Player) -> Result<cpal::Stream, String> {
            let channels = usize::from(self.config.channels());
            let stats: Arc<Stats> = player.stats().clone();
            let config: cpal::StreamConfig = self.config.config();
            let on_error = move |e: cpal::StreamError| {
                // Called on the device's thread for an xrun or a lost device: only
                // counted (printing would lock stdout).
                let _ = e;
                stats.underruns.fetch_add(1, Ordering::Relaxed);
            };
            let device = &self.device;
            let stream = match self.config.sample_format() {
                cpal::SampleFormat::F32 => {
                    let mut flushed = false;
                    device.build_output_stream(
                        &config,
                        move |out: &mut [f32], _: &cpal::OutputCallbackInfo| {
                            if !flushed {
                                // Once, on the device's own thread (it stays set).
                                crate::fpu::flush_denormals();
                                flushed = true;
                            }
                            player.fill_interleaved(out, channels);
                        },
                        on_error,
                        None,
                    )
                }
                cpal::SampleFormat::I16 => converting::<i16>(device, &config, player, channels, on_error),
                cpal::SampleFormat::U16 => converting::<u16>(device, &config, player, channels, on_error),
                cpal::SampleFormat::I32 => converting::<i32>(device, &config, player, channels, on_error),
                other => {
                    return Err(format!(
                        "the default audio device wants {other} samples; phonon plays 32-bit float, 16- and 32-bit integers"
                    ))
                }
            }
            .map_err(|e| format!("cannot open the audio device: {e}"))?;
            stream
                .play()
                .map_err(|e| format!("cannot start the audio device: {e}"))?;
            Ok(stream)
        }
    }
}
