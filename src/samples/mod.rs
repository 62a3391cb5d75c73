//! The sample bank: named sets of sample variants, all at the bank's rate.
//!
//! A bank knows names before it holds their audio, and decodes a set only when a
//! patch names it ([`SampleBank::load`]): the built-in kit ([`SampleBank::builtin`],
//! synthesised by [`kit`], no files needed) and the folders of a Dirt-Samples
//! directory scanned over it ([`SampleBank::scan_dir`], see [`load`]):
//! `DIR/name/*.wav`, one name per subfolder, its `.wav` files sorted by file name
//! as variants 0, 1, 2... The scan lists folders and files and opens none, so a
//! huge or broken file in a folder no patch names costs nothing.
//!
//! Loading needs only `&self`: a set's samples are written once (a `OnceLock`) and
//! then only read, so one bank is shared (`Arc`) by the compiling thread, which
//! loads what a new program names before handing it over, and the threads that
//! play, which only read ([`SampleBank::find`], [`SampleBank::sample`]: no lock, no
//! allocation). A set stays loaded for the bank's lifetime.
//!
//! Samples are addressed by [`SampleId`]: a set and a variant. Sets are never
//! removed or replaced (a folder named like a built-in sound is a new set over
//! it), so an id handed out stays valid for the bank's lifetime.

pub mod kit;
pub mod load;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

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

/// A sample in a [`SampleBank`]: variant `variant` of the bank's set `set`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct SampleId {
    set: u32,
    variant: u32,
}

/// Named sets of sample variants at one rate, each decoded when first named.
#[derive(Clone, Debug)]
pub struct SampleBank {
    rate: u32,
    /// Only ever appended to (with `&mut self`), so indexes stay valid.
    sets: Vec<Set>,
    /// Each name's newest set.
    names: BTreeMap<String, usize>,
}

/// One name's variants: where they come from, and once loaded, the samples.
#[derive(Clone, Debug)]
struct Set {
    source: Source,
    /// The set this one was put over (a folder named like a built-in sound), played
    /// instead when this one loads no sample.
    under: Option<usize>,
    samples: OnceLock<Vec<Sample>>,
}

#[derive(Clone, Debug)]
enum Source {
    /// The kit's sound of this number (`kit::synth`).
    Kit(usize),
    /// A folder's `.wav` files, or why the folder could not be listed.
    Files(Result<Vec<PathBuf>, (PathBuf, String)>),
    /// Samples given with [`SampleBank::insert`] (loaded from the start).
    Given,
}

/// What [`SampleBank::load`] did: how many samples it decoded, and the files it
/// skipped with the reason. Each file is reported by the load that read its folder,
/// so once per bank.
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
    /// The folder holds `.wav` files itself and no sound folders: it is one
    /// sound's folder, one level too deep.
    OneSoundFolder { dir: PathBuf, files: usize },
    /// The folder holds no sound folders, but `inner`, one of its folders, does.
    SoundsOneLevelDown { dir: PathBuf, inner: PathBuf },
    /// The folder holds no sound folders and no samples.
    NoSounds(PathBuf),
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
            SampleError::OneSoundFolder { dir, files } => {
                write!(
                    f,
                    "sample folder {} holds {files} .wav file{} itself and no sound folders: it is one sound's folder, one level too deep",
                    dir.display(),
                    if *files == 1 { "" } else { "s" }
                )?;
                match dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                    Some(parent) => write!(f, "; pass its parent, {}", parent.display())?,
                    None => write!(f, "; pass the folder that holds it")?,
                }
                write!(f, " (a sample folder holds one folder per sound: DIR/bd/*.wav)")
            }
            SampleError::SoundsOneLevelDown { dir, inner } => write!(
                f,
                "sample folder {} holds no sound folders, but {} does: pass that one (a sample folder holds one folder per sound: DIR/bd/*.wav)",
                dir.display(),
                inner.display()
            ),
            SampleError::NoSounds(p) => write!(
                f,
                "sample folder {} holds no sound folders (a sample folder holds one folder per sound with its .wav files: DIR/bd/*.wav)",
                p.display()
            ),
        }
    }
}

impl std::error::Error for SampleError {}

impl SampleBank {
    /// An empty bank at `rate` (clamped to 1000..=768000 Hz).
    pub fn empty(rate: u32) -> SampleBank {
        SampleBank {
            rate: rate.clamp(1000, 768_000),
            sets: Vec::new(),
            names: BTreeMap::new(),
        }
    }

    /// The built-in kit (`bd sn hh oh cp lt mt ht cb cr rim`, see `samples::kit`),
    /// synthesised deterministically at `rate` (clamped to 1000..=768000 Hz) when
    /// a patch first names a sound ([`SampleBank::load`]).
    pub fn builtin(rate: u32) -> SampleBank {
        let mut bank = SampleBank::empty(rate);
        for (index, name) in kit::names().enumerate() {
            bank.add(name, Source::Kit(index), OnceLock::new());
        }
        bank
    }

    /// The bank's sample rate in Hz.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    fn add(&mut self, name: &str, source: Source, samples: OnceLock<Vec<Sample>>) {
        let under = self.names.get(name).copied();
        self.names.insert(name.to_string(), self.sets.len());
        self.sets.push(Set {
            source,
            under,
            samples,
        });
    }

    /// Sets `name` to these variants (at the bank's rate), over any set of that
    /// name. An empty list removes the name.
    pub fn insert(&mut self, name: &str, variants: Vec<Sample>) {
        if variants.is_empty() {
            self.names.remove(name);
            return;
        }
        self.add(name, Source::Given, OnceLock::from(variants));
    }

    /// Scans a Dirt-Samples folder (`dir/name/*.wav`) over what the bank holds:
    /// each subfolder with at least one `.wav` file (or that cannot be listed) is a
    /// name, over any set of that name. Lists folders and files and opens none:
    /// [`SampleBank::load`] decodes a folder when a patch names it (and if none of
    /// its files loads, the name plays the set it was put over). Errors when `dir`
    /// itself cannot be read, and when it holds no sound folder, with what it
    /// looks like instead (one sound's folder, or the sample folder's parent).
    pub fn scan_dir(&mut self, dir: &Path) -> Result<(), SampleError> {
        let listings = load::scan(dir)?;
        if !listings
            .iter()
            .any(|l| l.files.as_ref().map_or(true, |f| !f.is_empty()))
        {
            return Err(load::no_sounds_in(dir));
        }
        for listing in listings {
            let files = match listing.files {
                Ok(files) if files.is_empty() => continue,
                Ok(files) => Ok(files),
                Err(why) => Err((dir.join(&listing.name), why)),
            };
            self.add(&listing.name, Source::Files(files), OnceLock::new());
        }
        Ok(())
    }

    /// Decodes the sets of these names that are not loaded yet (a name the bank
    /// does not know is left to the players to report): the kit's sounds are
    /// synthesised, a folder's files read and resampled to the bank's rate, and the
    /// files that fail are skipped and reported. Reads files: never call it on the
    /// audio thread.
    pub fn load<S: AsRef<str>>(&self, names: impl IntoIterator<Item = S>) -> LoadReport {
        let mut report = LoadReport::default();
        for name in names {
            let mut next = self.names.get(name.as_ref()).copied();
            while let Some(set) = next.and_then(|i| self.sets.get(i)) {
                let samples = set.samples.get_or_init(|| {
                    let samples = match &set.source {
                        Source::Kit(index) => kit::synth(*index, self.rate),
                        Source::Files(Ok(files)) => {
                            let (samples, skipped) = load::read_files(files, self.rate);
                            report.skipped.extend(skipped);
                            samples
                        }
                        Source::Files(Err(why)) => {
                            report.skipped.push(why.clone());
                            Vec::new()
                        }
                        Source::Given => Vec::new(),
                    };
                    report.loaded += samples.len();
                    samples
                });
                if !samples.is_empty() {
                    break;
                }
                next = set.under;
            }
        }
        report
    }

    /// Whether the bank has a set of this name, loaded or not (a name it knows,
    /// though its files may still fail to load).
    pub fn knows(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    /// Every name the bank knows, loaded or not, sorted.
    pub fn known_names(&self) -> impl Iterator<Item = &str> {
        self.names.keys().map(String::as_str)
    }

    /// Whether the bank has a set of this name that no load has read yet (a name a
    /// patch played only after its first cycles: see `runtime::sounds::named_samples`).
    pub fn not_loaded(&self, name: &str) -> bool {
        self.names
            .get(name)
            .and_then(|&i| self.sets.get(i))
            .is_some_and(|set| set.samples.get().is_none())
    }

    /// The id of variant `n` of `name`: `n` is floored and wraps around the number of
    /// variants (`rem_euclid`); a non-finite `n` counts as 0. `None` for a name the
    /// bank does not know or has not loaded ([`SampleBank::load`]). Reads only: no
    /// lock, no allocation.
    pub fn find(&self, name: &str, n: f64) -> Option<SampleId> {
        let mut set = *self.names.get(name)?;
        loop {
            let entry = self.sets.get(set)?;
            let samples = entry.samples.get()?;
            if !samples.is_empty() {
                let n = if n.is_finite() { n.floor() as i64 } else { 0 };
                let variant = n.rem_euclid(samples.len() as i64);
                return Some(SampleId {
                    set: u32::try_from(set).ok()?,
                    variant: u32::try_from(variant).ok()?,
                });
            }
            set = entry.under?;
        }
    }

    /// The sample with this id; an empty sample for an id the bank does not hold.
    pub fn sample(&self, id: SampleId) -> &Sample {
        self.sets
            .get(id.set as usize)
            .and_then(|s| s.samples.get())
            .and_then(|v| v.get(id.variant as usize))
            .unwrap_or(&EMPTY)
    }

    #[cfg(any(test, feature = "testing"))]
    /// Every name the bank can play now (loaded, with samples) with its number of
    /// variants, sorted by name.
    pub fn names(&self) -> impl Iterator<Item = (&str, usize)> {
        self.names.keys().filter_map(|name| {
            let id = self.find(name, 0.0)?;
            let count = self.sets.get(id.set as usize)?.samples.get()?.len();
            Some((name.as_str(), count))
        })
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
        assert_eq!(bank.sample(SampleId { set: 999, variant: 0 }).frames, 0);
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

    #[test]
    fn the_kit_is_known_before_it_is_loaded_and_loads_once() {
        let bank = SampleBank::builtin(44100);
        assert!(bank.not_loaded("bd") && !bank.not_loaded("nosuch"));
        assert_eq!(bank.find("bd", 0.0), None);
        assert_eq!(bank.names().count(), 0);
        let report = bank.load(["bd", "nosuch"]);
        assert_eq!(report.loaded, 4);
        let bd = bank.find("bd", 1.0).unwrap();
        assert!(bank.sample(bd).frames > 0);
        assert_eq!(bank.find("sn", 0.0), None);
        assert!(!bank.not_loaded("bd") && bank.not_loaded("sn"));
        assert_eq!(bank.load(["bd"]).loaded, 0);
        assert_eq!(bank.find("bd", 1.0), Some(bd));
        assert_eq!(bank.names().collect::<Vec<_>>(), vec![("bd", 4)]);
    }
}
