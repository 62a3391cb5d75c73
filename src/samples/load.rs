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

use std::fs;
use std::path::{Path, PathBuf};

use rubato::{
    calculate_cutoff, Resampler, SincFixedIn, SincInterpolationParameters,
    SincInterpolationType, WindowFunction,
};

use super::{Sample, SampleError};

/// One subfolder: its name, the samples that loaded (in file-name order) and the
/// files skipped with the reason.
pub struct Folder {
    pub name: String,
    pub samples: Vec<Sample>,
    pub skipped: Vec<(PathBuf, String)>,
}

/// Reads every subfolder of `dir`, sorted by name. Errors only when `dir` itself
/// cannot be listed; unreadable subfolders and bad files are reported as skipped.
pub fn read_folder(dir: &Path, rate: u32) -> Result<Vec<Folder>, SampleError> {
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
    let mut folders = Vec::with_capacity(subdirs.len());
    for (name, path) in subdirs {
        let mut folder = Folder {
            name,
            samples: Vec::new(),
            skipped: Vec::new(),
        };
        let files = match fs::read_dir(&path) {
            Ok(entries) => entries,
            Err(e) => {
                folder.skipped.push((path, format!("cannot read folder: {e}")));
                folders.push(folder);
                continue;
            }
        };
        let mut wavs: Vec<PathBuf> = files
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
        for file in wavs {
            match read_wav(&file, rate) {
                Ok(s) => folder.samples.push(s),
                Err(why) => folder.skipped.push((file, why)),
            }
        }
        folders.push(folder);
    }
    Ok(folders)
}

/// Reads one WAV file and converts it to `rate`.
pub fn read_wav(path: &Path, rate: u32) -> Result<Sample, String> {
    let mut reader = hound::WavReader::open(path).map_err(|e| e.to_string())?;
    let spec = reader.spec();
    let channels = spec.channels as usize;
    if channels == 0 {
        return Err("no channels".to_string());
    }
    if !(1000..=768_000).contains(&spec.sample_rate) {
        return Err(format!("unsupported sample rate {} Hz", spec.sample_rate));
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
/// 256 oversampled points). The resampler's delay is removed, so that the output is
/// aligned with the input and has `round(frames * to / from)` frames.
pub fn resample(input: &[Vec<f32>], from: u32, to: u32) -> Result<Vec<Vec<f32>>, String> {
    let channels = input.len();
    let frames = input.first().map_or(0, Vec::len);
    if channels == 0 || frames == 0 || from == to {
        return Ok(input.to_vec());
    }
    let ratio = to as f64 / from as f64;
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
    let delay = resampler.output_delay();
    let want = (frames as f64 * ratio).round() as usize;
    let mut output: Vec<Vec<f32>> = vec![Vec::with_capacity(want + delay + 2 * chunk); channels];
    let mut chunk_in = vec![vec![0.0f32; chunk]; channels];
    let mut chunk_out = resampler.output_buffer_allocate(true);
    let mut pos = 0;
    while output[0].len() < want + delay {
        for (dst, src) in chunk_in.iter_mut().zip(input) {
            dst.fill(0.0);
            if pos < frames {
                let n = chunk.min(frames - pos);
                dst[..n].copy_from_slice(&src[pos..pos + n]);
            }
        }
        let (_, produced) = resampler
            .process_into_buffer(&chunk_in, &mut chunk_out, None)
            .map_err(|e| e.to_string())?;
        if produced == 0 {
            return Err("resampler produced no output".to_string());
        }
        for (dst, src) in output.iter_mut().zip(&chunk_out) {
            dst.extend_from_slice(&src[..produced]);
        }
        pos += chunk;
    }
    for ch in &mut output {
        ch.drain(..delay);
        ch.truncate(want);
    }
    Ok(output)
}
