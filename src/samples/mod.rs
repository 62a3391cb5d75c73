//! The sample bank: named sets of sample variants, all at the bank's rate.
//!
//! A bank starts from the built-in kit ([`SampleBank::builtin`], synthesised at
//! start-up by [`kit`], no files needed) and can merge a Dirt-Samples style folder
//! over it ([`SampleBank::load_dir`], see [`load`]): `DIR/name/*.wav`, one name per
//! subfolder, its `.wav` files sorted by file name as variants 0, 1, 2...
//!
//! Samples are addressed by [`SampleId`], an index into the bank's sample store.
//! Replacing a name (a folder named like a built-in sound) keeps the old samples in
//! the store, so an id handed out earlier stays valid for the bank's lifetime.

pub mod kit;
pub mod load;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// One sample: `frames` frames of `channels` (1 or 2) interleaved `f32` values at the
/// bank's rate. `data.len() == frames * channels`.
#[derive(Clone, PartialEq, Debug)]
pub struct Sample {
    pub channels: usize,
    pub frames: usize,
    pub data: Vec<f32>,
}

impl Sample {
    /// A mono sample from its frames.
    pub fn mono(data: Vec<f32>) -> Sample {
        Sample {
            channels: 1,
            frames: data.len(),
            data,
        }
    }

    #[cfg(any(test, feature = "testing"))]
    /// A stereo sample from interleaved L R frames (an odd trailing value is dropped).
    pub fn stereo(mut data: Vec<f32>) -> Sample {
        let frames = data.len() / 2;
        data.truncate(frames * 2);
        Sample {
            channels: 2,
            frames,
            data,
        }
    }
}

/// The sample returned for ids the bank does not hold.
static EMPTY: Sample = Sample {
    channels: 1,
    frames: 0,
    data: Vec::new(),
};

/// Index of a sample in a [`SampleBank`].
pub type SampleId = u32;

/// Named sets of sample variants at one rate.
#[derive(Clone, Debug)]
pub struct SampleBank {
    rate: u32,
    store: Vec<Sample>,
    names: BTreeMap<String, Vec<SampleId>>,
}

/// What [`SampleBank::load_dir`] did: how many files it loaded, and the files it
/// skipped with the reason.
#[derive(Clone, Debug, Default)]
pub struct LoadReport {
    pub loaded: usize,
    pub skipped: Vec<(PathBuf, String)>,
}

/// A sample folder that cannot be used at all (individual bad files are not errors:
/// they are listed in [`LoadReport::skipped`]).
#[derive(Debug)]
pub enum SampleError {
    /// The folder does not exist.
    NotFound(PathBuf),
    /// The path exists but is not a folder.
    NotADirectory(PathBuf),
    /// The folder could not be read.
    Unreadable(PathBuf, std::io::Error),
}

impl fmt::Display for SampleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SampleError::NotFound(p) => write!(f, "sample folder {} does not exist", p.display()),
            SampleError::NotADirectory(p) => {
                write!(f, "sample path {} is not a folder", p.display())
            }
            SampleError::Unreadable(p, e) => {
                write!(f, "sample folder {} cannot be read: {e}", p.display())
            }
        }
    }
}

impl std::error::Error for SampleError {}

impl SampleBank {
    /// An empty bank at `rate` (clamped to 1000..=768000 Hz).
    pub fn empty(rate: u32) -> SampleBank {
        SampleBank {
            rate: rate.clamp(1000, 768_000),
            store: Vec::new(),
            names: BTreeMap::new(),
        }
    }

    /// The built-in kit (`bd sn hh oh cp lt mt ht cb cr rim`, see `samples::kit`),
    /// synthesised deterministically at `rate` (clamped to 1000..=768000 Hz).
    pub fn builtin(rate: u32) -> SampleBank {
        let mut bank = SampleBank::empty(rate);
        for (name, variants) in kit::build(bank.rate) {
            bank.insert(name, variants);
        }
        bank
    }

    /// The bank's sample rate in Hz.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Sets `name` to these variants (at the bank's rate), replacing any set of that
    /// name. An empty list removes the name.
    pub fn insert(&mut self, name: &str, variants: Vec<Sample>) {
        if variants.is_empty() {
            self.names.remove(name);
            return;
        }
        let mut ids = Vec::with_capacity(variants.len());
        for s in variants {
            ids.push(self.store.len() as SampleId);
            self.store.push(s);
        }
        self.names.insert(name.to_string(), ids);
    }

    /// Loads a Dirt-Samples folder (`dir/name/*.wav`) over what the bank holds: each
    /// subfolder with at least one readable `.wav` replaces the set of its name.
    /// Files are resampled to the bank's rate; files that fail are skipped and
    /// reported. Errors only when `dir` itself cannot be read.
    pub fn load_dir(&mut self, dir: &Path) -> Result<LoadReport, SampleError> {
        let folders = load::read_folder(dir, self.rate)?;
        let mut report = LoadReport::default();
        for folder in folders {
            report.skipped.extend(folder.skipped);
            if !folder.samples.is_empty() {
                report.loaded += folder.samples.len();
                self.insert(&folder.name, folder.samples);
            }
        }
        Ok(report)
    }

    /// The id of variant `n` of `name`: `n` is floored and wraps around the number of
    /// variants (`rem_euclid`); a non-finite `n` counts as 0. `None` for an unknown
    /// name.
    pub fn find(&self, name: &str, n: f64) -> Option<SampleId> {
        let ids = self.names.get(name)?;
        let n = if n.is_finite() { n.floor() as i64 } else { 0 };
        let i = n.rem_euclid(ids.len() as i64) as usize;
        ids.get(i).copied()
    }

    /// The sample with this id; an empty sample for an id the bank does not hold.
    pub fn sample(&self, id: SampleId) -> &Sample {
        self.store.get(id as usize).unwrap_or(&EMPTY)
    }

    #[cfg(any(test, feature = "testing"))]
    /// Every name with its number of variants, sorted by name.
    pub fn names(&self) -> impl Iterator<Item = (&str, usize)> {
        self.names.iter().map(|(k, v)| (k.as_str(), v.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_wraps_and_floors() {
        let mut bank = SampleBank::empty(44100);
        bank.insert(
            "x",
            vec![
                Sample::mono(vec![0.0]),
                Sample::mono(vec![1.0]),
                Sample::mono(vec![2.0]),
            ],
        );
        let first = |n: f64| bank.sample(bank.find("x", n).unwrap()).data[0];
        assert_eq!(first(0.0), 0.0);
        assert_eq!(first(1.9), 1.0);
        assert_eq!(first(3.0), 0.0);
        assert_eq!(first(-1.0), 2.0);
        assert_eq!(first(-0.5), 2.0);
        assert_eq!(first(f64::NAN), 0.0);
        assert_eq!(first(1e300), first(i64::MAX as f64));
        assert!(bank.find("y", 0.0).is_none());
        assert_eq!(bank.sample(999).frames, 0);
    }

    #[test]
    fn replacing_a_name_keeps_old_ids_valid() {
        let mut bank = SampleBank::empty(44100);
        bank.insert("x", vec![Sample::mono(vec![0.5])]);
        let old = bank.find("x", 0.0).unwrap();
        bank.insert("x", vec![Sample::mono(vec![0.25]), Sample::mono(vec![0.1])]);
        assert_eq!(bank.sample(old).data, vec![0.5]);
        assert_eq!(bank.names().collect::<Vec<_>>(), vec![("x", 2)]);
    }
}
