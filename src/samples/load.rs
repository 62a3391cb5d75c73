//! Reading a Dirt-Samples style folder: `DIR/name/*.wav`.
//!
//! Each subfolder (not starting with `.`) is a name; its files ending in `.wav`
//! (any case), sorted by file name, are the variants 0, 1, 2... Other files are
//! ignored. WAV files are read with hound: 8/16/24/32-bit integer (scaled by
//! 1/2^(bits-1)) and 32-bit float; mono and stereo; with more than two channels the
//! first two are kept. Non-finite float values become 0. A file at another rate is
//! resampled to the bank rate with rubato's windowed-sinc resampler
//! ([`resample`]), offline, over the whole file. A file that fails is skipped with
//! its reason.
//!
//! Two steps: [`scan`] lists the folders and their files once, opening none;
//! [`read_files`] decodes one folder's files, when a patch names the folder.
//!
//! Every file is bounded before it is read: a file larger than
//! [`MAX_SAMPLE_FILE_BYTES`] is skipped without being opened, and one whose header
//! claims more than [`MAX_SAMPLE_VALUES`] values (frames × channels), or that would
//! hold more than that at the bank's rate, is skipped before any of its audio is
//! read. Nothing is allocated from a header's claims before they are checked.

use std::fs;
use std::path::{Path, PathBuf};

use rubato::{
    calculate_cutoff, Resampler, SincFixedIn, SincInterpolationParameters, SincInterpolationType,
    WindowFunction,
};

use super::{Sample, SampleError};

/// The largest sample file loaded, in bytes (256 MiB); bigger files are skipped.
pub const MAX_SAMPLE_FILE_BYTES: u64 = 256 << 20;

/// The most values (frames × channels) a sample file may hold, in the file and
/// after resampling to the bank's rate (the two kept channels): 2^25, six minutes of
/// stereo at 44.1 kHz, 128 MiB as `f32`. Longer files are skipped.
pub const MAX_SAMPLE_VALUES: u64 = 1 << 25;

/// One subfolder as a scan finds it: its name and its `.wav` files in variant
/// order, or why they could not be listed. Nothing in it has been opened.
pub struct Listing {
    pub name: String,
    pub files: Result<Vec<PathBuf>, String>,
}

/// Lists every subfolder of `dir` and its `.wav` files, sorted by name, without
/// opening a file (the files are only listed). Errors only when `dir` itself cannot
/// be listed; a subfolder that cannot be listed has the reason as its `files`.
pub fn scan(dir: &Path) -> Result<Vec<Listing>, SampleError> {
    let meta = fs::metadata(dir).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            SampleError::NotFound(dir.to_path_buf())
        } else {
            SampleError::Unreadable(dir.to_path_buf(), e)
        }
    })?;
    if !meta.is_dir() {
        return Err(SampleError::NotADirectory(dir.to_path_buf()));
    }
    let entries = fs::read_dir(dir).map_err(|e| SampleError::Unreadable(dir.to_path_buf(), e))?;
    let mut subdirs: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            (!name.starts_with('.')).then(|| (name, e.path()))
        })
        .collect();
    subdirs.sort();
    Ok(subdirs
        .into_iter()
        .map(|(name, path)| Listing {
            name,
            files: wav_files(&path),
        })
        .collect())
}

/// Why a folder given as a Dirt-Samples folder holds no sound folder (no subfolder
/// with a `.wav` file): it is one sound's folder itself (its parent is the one to
/// give), it holds the Dirt-Samples folder one level down, or it holds no samples.
pub fn no_sounds_in(dir: &Path) -> SampleError {
    if let Ok(files) = wav_files(dir) {
        if !files.is_empty() {
            return SampleError::OneSoundFolder {
                dir: dir.to_path_buf(),
                files: files.len(),
            };
        }
    }
    if let Ok(listings) = scan(dir) {
        for listing in listings {
            let inner = dir.join(&listing.name);
            let holds_sounds = scan(&inner).is_ok_and(|subs| {
                subs.iter()
                    .any(|s| s.files.as_ref().is_ok_and(|f| !f.is_empty()))
            });
            if holds_sounds {
                return SampleError::SoundsOneLevelDown {
                    dir: dir.to_path_buf(),
                    inner,
                };
            }
        }
    }
    SampleError::NoSounds(dir.to_path_buf())
}

/// The `.wav` files (any case) of `folder`, sorted by file name.
fn wav_files(folder: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(folder).map_err(|e| format!("cannot read folder: {e}"))?;
    let mut wavs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| x.eq_ignore_ascii_case("wav"))
        })
        .collect();
    wavs.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(wavs)
}

/// Reads `files` at `rate`, in order: the samples that loaded, and the files
/// skipped with the reason.
pub fn read_files(files: &[PathBuf], rate: u32) -> (Vec<Sample>, Vec<(PathBuf, String)>) {
    let mut samples = Vec::with_capacity(files.len());
    let mut skipped = Vec::new();
    for file in files {
        match read_wav(file, rate) {
            Ok(s) => samples.push(s),
            Err(why) => skipped.push((file.clone(), why)),
        }
    }
    (samples, skipped)
}

/// Reads one WAV file and converts it to `rate`.
pub fn read_wav(path: &Path, rate: u32) -> Result<Sample, String> {
    let bytes = fs::metadata(path).map_err(|e| e.to_string())?.len();
    if bytes > MAX_SAMPLE_FILE_BYTES {
        return Err(format!(
            "the file is {bytes} bytes, larger than {MAX_SAMPLE_FILE_BYTES} bytes (256 MiB), the limit for a sample file"
        ));
    }
    let mut reader = hound::WavReader::open(path).map_err(|e| e.to_string())?;
    let spec = reader.spec();
    let channels = spec.channels as usize;
    if channels == 0 {
        return Err("no channels".to_string());
    }
    if !(1000..=768_000).contains(&spec.sample_rate) {
        return Err(format!("unsupported sample rate {} Hz", spec.sample_rate));
    }
    // The header's claims, checked before anything is read or allocated.
    let claimed = u64::from(reader.len());
    let frames = u64::from(reader.duration());
    let at_rate = frames.saturating_mul(u64::from(rate)) / u64::from(spec.sample_rate)
        * channels.min(2) as u64;
    if claimed > MAX_SAMPLE_VALUES || at_rate > MAX_SAMPLE_VALUES {
        return Err(format!(
            "the header claims {frames} frames of {channels} channels ({} values at {rate} Hz), more than {MAX_SAMPLE_VALUES} values (frames × channels), the limit for a sample",
            claimed.max(at_rate)
        ));
    }
    let values: Vec<f32> = match (spec.sample_format, spec.bits_per_sample) {
        (hound::SampleFormat::Float, 32) => reader
            .samples::<f32>()
            .map(|s| s.map(|x| if x.is_finite() { x } else { 0.0 }))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?,
        (hound::SampleFormat::Int, bits @ 8..=32) => {
            let scale = 1.0 / (1u64 << (bits - 1)) as f64;
            reader
                .samples::<i32>()
                .map(|s| s.map(|x| (x as f64 * scale) as f32))
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?
        }
        (format, bits) => {
            return Err(format!("unsupported format: {bits}-bit {format:?}"));
        }
    };
    let frames = values.len() / channels;
    if frames == 0 {
        return Err("no audio frames".to_string());
    }
    let keep = channels.min(2);
    let mut planar: Vec<Vec<f32>> = (0..keep)
        .map(|c| (0..frames).map(|f| values[f * channels + c]).collect())
        .collect();
    if spec.sample_rate != rate {
        planar = resample(&planar, spec.sample_rate, rate)?;
    }
    let frames = planar[0].len();
    let mut data = Vec::with_capacity(frames * keep);
    for f in 0..frames {
        for ch in &planar {
            data.push(ch[f]);
        }
    }
    Ok(Sample {
        channels: keep,
        frames,
        data,
    })
}

/// Resamples planar audio from `from` Hz to `to` Hz with rubato's asynchronous sinc
/// resampler (128-point Blackman-Harris² windowed sinc, cubic interpolation between
/// 256 oversampled points), aligned in time (output frame `k` is the input at time
/// `k / ratio`) and `round(frames * to / from)` frames long.
///
/// Alignment: rubato 0.16's `SincFixedIn` (whose `output_delay` does not describe
/// it) produces output frame `j` from input position `(j+1)/ratio - 1`, as measured
/// and as its buffer layout implies (the test `resampling_is_aligned` checks it).
/// With `ratio = p/q` in lowest terms, prepending `q-1` zero frames and dropping the
/// first `p-1` output frames aligns the output exactly. When `q` is large (rates
/// without a small common ratio), no padding is added and `round(ratio-1)` frames are
/// dropped: aligned within half an output frame.
pub fn resample(input: &[Vec<f32>], from: u32, to: u32) -> Result<Vec<Vec<f32>>, String> {
    let channels = input.len();
    let frames = input.first().map_or(0, Vec::len);
    if channels == 0 || frames == 0 || from == to || from == 0 || to == 0 {
        return Ok(input.to_vec());
    }
    let ratio = to as f64 / from as f64;
    let g = gcd(from as u64, to as u64);
    let (p, q) = (to as u64 / g, from as u64 / g);
    let (pad, drop) = if q <= 8192 {
        (q as usize - 1, p as usize - 1)
    } else {
        (0, (ratio - 1.0).round().max(0.0) as usize)
    };
    let sinc_len = 128;
    let window = WindowFunction::BlackmanHarris2;
    let params = SincInterpolationParameters {
        sinc_len,
        f_cutoff: calculate_cutoff(sinc_len, window),
        oversampling_factor: 256,
        interpolation: SincInterpolationType::Cubic,
        window,
    };
    let chunk = 1024;
    let mut resampler =
        SincFixedIn::<f32>::new(ratio, 1.0, params, chunk, channels).map_err(|e| e.to_string())?;
    let want = (frames as f64 * ratio).round() as usize;
    let padded = pad + frames;
    let mut output: Vec<Vec<f32>> = vec![Vec::with_capacity(want + drop + 2 * chunk); channels];
    let mut chunk_in = vec![vec![0.0f32; chunk]; channels];
    let mut chunk_out = resampler.output_buffer_allocate(true);
    // `pos` counts frames of the padded input (pad zeros, then the file).
    let mut pos = 0;
    while output[0].len() < want + drop {
        for (dst, src) in chunk_in.iter_mut().zip(input) {
            for (k, d) in dst.iter_mut().enumerate() {
                let at = pos + k;
                *d = if at >= pad && at < padded {
                    src[at - pad]
                } else {
                    0.0
                };
            }
        }
        let (_, produced) = resampler
            .process_into_buffer(&chunk_in, &mut chunk_out, None)
            .map_err(|e| e.to_string())?;
        for (dst, src) in output.iter_mut().zip(&chunk_out) {
            dst.extend_from_slice(&src[..produced]);
        }
        pos += chunk;
        if pos > padded + 64 * chunk && produced == 0 {
            return Err("resampler produced no output".to_string());
        }
    }
    for ch in &mut output {
        ch.drain(..drop);
        ch.truncate(want);
    }
    Ok(output)
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// The lag of `y` (at `to` Hz) behind a `f` Hz sine started at 0, in output
    /// frames, from its phase against sin/cos over the middle of the signal.
    fn lag(y: &[f32], f: f64, to: f64) -> f64 {
        let (mut s, mut c) = (0.0, 0.0);
        for (j, &v) in y
            .iter()
            .enumerate()
            .take(y.len() * 9 / 10)
            .skip(y.len() / 10)
        {
            let ph = 2.0 * PI * f * j as f64 / to;
            s += v as f64 * ph.sin();
            c += v as f64 * ph.cos();
        }
        -c.atan2(s) / (2.0 * PI * f) * to
    }

    #[test]
    fn resampling_is_aligned_and_keeps_length() {
        for (from, to) in [
            (22050, 44100),
            (48000, 44100),
            (44100, 22050),
            (44100, 96000),
            (8000, 44100),
        ] {
            // 10 Hz over a second: one phase ambiguity per 0.1 s, far from any lag.
            let f = 10.0;
            let x: Vec<f32> = (0..from)
                .map(|i| (2.0 * PI * f * i as f64 / from as f64).sin() as f32)
                .collect();
            let y = resample(&[x], from, to).unwrap().remove(0);
            assert_eq!(y.len(), to as usize, "{from} -> {to}");
            let d = lag(&y, f, to as f64);
            assert!(d.abs() < 0.05, "{from} -> {to}: lag {d} frames");
        }
    }

    #[test]
    fn gcd_works() {
        assert_eq!(gcd(44100, 48000), 300);
        assert_eq!(gcd(22050, 44100), 22050);
    }
}
