//! Chords with Tidal 1.9's meanings (`Sound.Tidal.Chords`): the chord table, the
//! modifiers of the mini-notation's `'` (number of notes, inversion, open voicing,
//! drop), and how a chord becomes events. The mini-notation parses `c'maj'ii`
//! (src/mini); this module gives it meaning.

use std::sync::Arc;

use crate::pattern::{Event, Pattern};

/// Every chord of Tidal 1.9's `chordTable`, in its order, aliases included: the notes
/// in semitones above the root, in the order the events come out.
pub const CHORDS: &[(&str, &[i32])] = &[
    ("major", MAJOR),
    ("maj", MAJOR),
    ("M", MAJOR),
    ("aug", AUG),
    ("plus", AUG),
    ("sharp5", AUG),
    ("six", SIX),
    ("6", SIX),
    ("sixNine", SIX_NINE),
    ("six9", SIX_NINE),
    ("sixby9", SIX_NINE),
    ("6by9", SIX_NINE),
    ("major7", MAJOR7),
    ("maj7", MAJOR7),
    ("major9", MAJOR9),
    ("maj9", MAJOR9),
    ("add9", ADD9),
    ("major11", MAJOR11),
    ("maj11", MAJOR11),
    ("add11", ADD11),
    ("major13", MAJOR13),
    ("maj13", MAJOR13),
    ("add13", ADD13),
    ("dom7", &[0, 4, 7, 10]),
    // Tidal's dom9, dom11 and dom13 have no seventh: the same notes as add9 ...
    ("dom9", ADD9),
    ("dom11", ADD11),
    ("dom13", ADD13),
    ("sevenFlat5", SEVEN_FLAT5),
    ("7f5", SEVEN_FLAT5),
    ("sevenSharp5", SEVEN_SHARP5),
    ("7s5", SEVEN_SHARP5),
    ("sevenFlat9", SEVEN_FLAT9),
    ("7f9", SEVEN_FLAT9),
    ("nine", &[0, 4, 7, 10, 14]),
    ("eleven", ELEVEN),
    ("11", ELEVEN),
    ("thirteen", THIRTEEN),
    ("13", THIRTEEN),
    ("minor", MINOR),
    ("min", MINOR),
    ("m", MINOR),
    ("diminished", DIMINISHED),
    ("dim", DIMINISHED),
    ("minorSharp5", MINOR_SHARP5),
    ("msharp5", MINOR_SHARP5),
    ("mS5", MINOR_SHARP5),
    ("minor6", MINOR6),
    ("min6", MINOR6),
    ("m6", MINOR6),
    ("minorSixNine", MINOR_SIX_NINE),
    ("minor69", MINOR_SIX_NINE),
    ("min69", MINOR_SIX_NINE),
    ("minSixNine", MINOR_SIX_NINE),
    ("m69", MINOR_SIX_NINE),
    ("mSixNine", MINOR_SIX_NINE),
    ("m6by9", MINOR_SIX_NINE),
    ("minor7flat5", MINOR7_FLAT5),
    ("minor7f5", MINOR7_FLAT5),
    ("min7flat5", MINOR7_FLAT5),
    ("min7f5", MINOR7_FLAT5),
    ("m7flat5", MINOR7_FLAT5),
    ("m7f5", MINOR7_FLAT5),
    ("minor7", MINOR7),
    ("min7", MINOR7),
    ("m7", MINOR7),
    ("minor7sharp5", MINOR7_SHARP5),
    ("minor7s5", MINOR7_SHARP5),
    ("min7sharp5", MINOR7_SHARP5),
    ("min7s5", MINOR7_SHARP5),
    ("m7sharp5", MINOR7_SHARP5),
    ("m7s5", MINOR7_SHARP5),
    ("minor7flat9", MINOR7_FLAT9),
    ("minor7f9", MINOR7_FLAT9),
    ("min7flat9", MINOR7_FLAT9),
    ("min7f9", MINOR7_FLAT9),
    ("m7flat9", MINOR7_FLAT9),
    ("m7f9", MINOR7_FLAT9),
    ("minor7sharp9", MINOR7_SHARP9),
    ("minor7s9", MINOR7_SHARP9),
    ("min7sharp9", MINOR7_SHARP9),
    ("min7s9", MINOR7_SHARP9),
    ("m7sharp9", MINOR7_SHARP9),
    ("m7s9", MINOR7_SHARP9),
    ("diminished7", DIMINISHED7),
    ("dim7", DIMINISHED7),
    ("minor9", MINOR9),
    ("min9", MINOR9),
    ("m9", MINOR9),
    ("minor11", MINOR11),
    ("min11", MINOR11),
    ("m11", MINOR11),
    ("minor13", MINOR13),
    ("min13", MINOR13),
    ("m13", MINOR13),
    ("minorMajor7", MINOR_MAJOR7),
    ("minMaj7", MINOR_MAJOR7),
    ("mmaj7", MINOR_MAJOR7),
    ("one", ONE),
    ("1", ONE),
    ("five", FIVE),
    ("5", FIVE),
    ("sus2", &[0, 2, 7]),
    ("sus4", &[0, 5, 7]),
    ("sevenSus2", SEVEN_SUS2),
    ("7sus2", SEVEN_SUS2),
    ("sevenSus4", SEVEN_SUS4),
    ("7sus4", SEVEN_SUS4),
    ("nineSus4", NINE_SUS4),
    ("ninesus4", NINE_SUS4),
    ("9sus4", NINE_SUS4),
    ("sevenFlat10", SEVEN_FLAT10),
    ("7f10", SEVEN_FLAT10),
    // Tidal's "questionable chords", kept as its table has them.
    ("nineSharp5", NINE_SHARP5),
    ("9sharp5", NINE_SHARP5),
    ("9s5", NINE_SHARP5),
    ("minor9sharp5", MINOR9_SHARP5),
    ("minor9s5", MINOR9_SHARP5),
    ("min9sharp5", MINOR9_SHARP5),
    ("min9s5", MINOR9_SHARP5),
    ("m9sharp5", MINOR9_SHARP5),
    ("m9s5", MINOR9_SHARP5),
    ("sevenSharp5flat9", SEVEN_SHARP5_FLAT9),
    ("7s5f9", SEVEN_SHARP5_FLAT9),
    ("minor7sharp5flat9", MINOR7_SHARP5_FLAT9),
    ("m7sharp5flat9", MINOR7_SHARP5_FLAT9),
    ("elevenSharp", ELEVEN_SHARP),
    ("11s", ELEVEN_SHARP),
    ("minor11sharp", MINOR11_SHARP),
    ("m11sharp", MINOR11_SHARP),
    ("m11s", MINOR11_SHARP),
];

const MAJOR: &[i32] = &[0, 4, 7];
const AUG: &[i32] = &[0, 4, 8];
const SIX: &[i32] = &[0, 4, 7, 9];
const SIX_NINE: &[i32] = &[0, 4, 7, 9, 14];
const MAJOR7: &[i32] = &[0, 4, 7, 11];
const MAJOR9: &[i32] = &[0, 4, 7, 11, 14];
const ADD9: &[i32] = &[0, 4, 7, 14];
const MAJOR11: &[i32] = &[0, 4, 7, 11, 14, 17];
const ADD11: &[i32] = &[0, 4, 7, 17];
const MAJOR13: &[i32] = &[0, 4, 7, 11, 14, 21];
const ADD13: &[i32] = &[0, 4, 7, 21];
const SEVEN_FLAT5: &[i32] = &[0, 4, 6, 10];
const SEVEN_SHARP5: &[i32] = &[0, 4, 8, 10];
const SEVEN_FLAT9: &[i32] = &[0, 4, 7, 10, 13];
const ELEVEN: &[i32] = &[0, 4, 7, 10, 14, 17];
const THIRTEEN: &[i32] = &[0, 4, 7, 10, 14, 17, 21];
const MINOR: &[i32] = &[0, 3, 7];
const DIMINISHED: &[i32] = &[0, 3, 6];
const MINOR_SHARP5: &[i32] = &[0, 3, 8];
const MINOR6: &[i32] = &[0, 3, 7, 9];
// Tidal's order: the 9th (7) after the 6th (9).
const MINOR_SIX_NINE: &[i32] = &[0, 3, 9, 7, 14];
const MINOR7_FLAT5: &[i32] = &[0, 3, 6, 10];
const MINOR7: &[i32] = &[0, 3, 7, 10];
const MINOR7_SHARP5: &[i32] = &[0, 3, 8, 10];
const MINOR7_FLAT9: &[i32] = &[0, 3, 7, 10, 13];
const MINOR7_SHARP9: &[i32] = &[0, 3, 7, 10, 15];
const DIMINISHED7: &[i32] = &[0, 3, 6, 9];
const MINOR9: &[i32] = &[0, 3, 7, 10, 14];
const MINOR11: &[i32] = &[0, 3, 7, 10, 14, 17];
const MINOR13: &[i32] = &[0, 3, 7, 10, 14, 17, 21];
const MINOR_MAJOR7: &[i32] = &[0, 3, 7, 11];
const ONE: &[i32] = &[0];
const FIVE: &[i32] = &[0, 7];
const SEVEN_SUS2: &[i32] = &[0, 2, 7, 10];
const SEVEN_SUS4: &[i32] = &[0, 5, 7, 10];
const NINE_SUS4: &[i32] = &[0, 5, 7, 10, 14];
const SEVEN_FLAT10: &[i32] = &[0, 4, 7, 10, 15];
const NINE_SHARP5: &[i32] = &[0, 1, 13];
const MINOR9_SHARP5: &[i32] = &[0, 1, 14];
const SEVEN_SHARP5_FLAT9: &[i32] = &[0, 4, 8, 10, 13];
const MINOR7_SHARP5_FLAT9: &[i32] = &[0, 3, 8, 10, 13];
const ELEVEN_SHARP: &[i32] = &[0, 4, 7, 10, 14, 18];
const MINOR11_SHARP: &[i32] = &[0, 3, 7, 10, 14, 18];

/// The most notes one chord may have (`'n` asks for `n`).
pub const MAX_NOTES: i64 = 256;

/// The notes of the chord called `name` (case matters: `M` is major, `m` minor).
pub fn lookup(name: &str) -> Option<&'static [i32]> {
    CHORDS.iter().find(|(n, _)| *n == name).map(|(_, notes)| *notes)
}

/// The names of the chord table, in its order.
pub fn names() -> impl Iterator<Item = &'static str> {
    CHORDS.iter().map(|(n, _)| *n)
}

/// One of Tidal's chord modifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modifier {
    /// `'n`: `n` notes, the chord repeated an octave up as often as needed.
    Range(usize),
    /// `'dn`: the `n`th note from the top (from 1) dropped an octave, to the bottom.
    Drop(usize),
    /// `'i` repeated `n` times (`'iii`, `'i3`): each time the lowest note moves an
    /// octave up, to the top (Tidal's `replicate n Invert`, kept as a count).
    Invert(u64),
    /// `'o`: the first and third notes dropped an octave, before the second.
    Open,
}

/// The modifiers one `'` part stands for (Tidal's `parseModifiers`): `o` (or `oo`...),
/// `d` and a count, a number of notes, `i` and a count, or `i` repeated. `Err` says
/// what is wrong with `text`.
pub fn parse_modifiers(text: &str) -> Result<Vec<Modifier>, String> {
    let count = |digits: &str| -> Option<u64> {
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse::<u64>().unwrap_or(u64::MAX))
    };
    if !text.is_empty() && text.bytes().all(|b| b == b'o') {
        return Ok(vec![Modifier::Open; text.len()]);
    }
    if !text.is_empty() && text.bytes().all(|b| b == b'i') {
        return Ok(vec![Modifier::Invert(text.len() as u64)]);
    }
    if let Ok(x) = text.parse::<f64>() {
        // A number of notes; a whole number written as a decimal (`8.0`) counts, as
        // Tidal's `parseIntNote` reads it.
        if x.fract() != 0.0 || !x.is_finite() {
            return Err(format!(
                "a chord's number of notes is a whole number, found `{text}`"
            ));
        }
        if x < 0.0 {
            return Err(format!(
                "a chord's number of notes is 0 or more, found `{text}`"
            ));
        }
        if x > MAX_NOTES as f64 {
            return Err(format!("a chord has at most {MAX_NOTES} notes, found `{text}`"));
        }
        return Ok(vec![Modifier::Range(x as usize)]);
    }
    if let Some(rest) = text.strip_prefix('d') {
        return match count(rest) {
            // Tidal 1.9 crashes on `'d0` (it indexes past the chord's end).
            Some(0) => Err("`'d0` drops nothing: drops count from 1 (`'d1` is the top note)".into()),
            Some(n) => Ok(vec![Modifier::Drop(usize::try_from(n).unwrap_or(usize::MAX))]),
            None => Err(format!(
                "`d` needs a whole number after it (`'d1`, `'d2`), found `{text}`"
            )),
        };
    }
    if let Some(n) = text.strip_prefix('i').and_then(count) {
        return Ok(vec![Modifier::Invert(n)]);
    }
    Err(format!(
        "unknown chord modifier `{text}`: modifiers are a number of notes (`'8`), \
         inversions (`'i`, `'ii`, `'i3`), open (`'o`) and drops (`'d1`, `'d2`)"
    ))
}

/// Tidal's `applyModifier` (an `Invert(n)` is `n` of Tidal's `Invert`s).
pub fn apply(modifier: Modifier, notes: &[f64]) -> Vec<f64> {
    match modifier {
        // `take n $ concatMap (\x -> map (+ x) ds) [0,12..]`; an empty chord stays
        // empty (Tidal never returns).
        Modifier::Range(n) => (0..)
            .flat_map(|octave: i32| notes.iter().map(move |x| x + 12.0 * f64::from(octave)))
            .take(if notes.is_empty() { 0 } else { n })
            .collect(),
        Modifier::Invert(n) => {
            if notes.is_empty() {
                return Vec::new();
            }
            // Inverting a chord of `len` notes `len` times raises it an octave.
            let len = notes.len() as u64;
            let octaves = 12.0 * (n / len) as f64;
            let r = (n % len) as usize;
            notes[r..]
                .iter()
                .map(|x| x + octaves)
                .chain(notes[..r].iter().map(|x| x + octaves + 12.0))
                .collect()
        }
        Modifier::Open => {
            if notes.len() > 2 {
                [notes[0] - 12.0, notes[2] - 12.0, notes[1]]
                    .into_iter()
                    .chain(notes[3..].iter().copied())
                    .collect()
            } else {
                notes.to_vec()
            }
        }
        Modifier::Drop(i) => {
            if notes.len() < i || i == 0 {
                return notes.to_vec();
            }
            let s = notes.len() - i;
            [notes[s] - 12.0]
                .into_iter()
                .chain(notes[..s].iter().copied())
                .chain(notes[s + 1..].iter().copied())
                .collect()
        }
    }
}

/// Tidal's `uncollect`: each event holding a chord becomes one event per note, with
/// the same whole and part, in the chord's order.
pub fn uncollect(pat: Pattern<Arc<[f64]>>) -> Pattern<f64> {
    Pattern::new(move |span, out: &mut Vec<Event<f64>>| {
        let mut chords = Vec::new();
        pat.query_into(span, &mut chords);
        for e in chords {
            for x in e.value.iter() {
                out.push(Event {
                    whole: e.whole,
                    part: e.part,
                    value: *x,
                });
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tidal's `Invert`, one at a time: `ds ++ [d + 12]`.
    fn invert_once(notes: &[f64]) -> Vec<f64> {
        match notes.split_first() {
            None => Vec::new(),
            Some((d, ds)) => ds.iter().copied().chain([d + 12.0]).collect(),
        }
    }

    #[test]
    fn many_inversions_are_single_inversions_repeated() {
        let chord = [0.0, 3.0, 9.0, 7.0, 14.0];
        let mut by_one = chord.to_vec();
        for n in 0..23u64 {
            assert_eq!(apply(Modifier::Invert(n), &chord), by_one, "{n}");
            by_one = invert_once(&by_one);
        }
        assert!(apply(Modifier::Invert(3), &[]).is_empty());
    }

    #[test]
    fn modifiers_parse_as_tidal_reads_them() {
        assert_eq!(parse_modifiers("iii"), Ok(vec![Modifier::Invert(3)]));
        assert_eq!(parse_modifiers("i12"), Ok(vec![Modifier::Invert(12)]));
        assert_eq!(parse_modifiers("oo"), Ok(vec![Modifier::Open, Modifier::Open]));
        assert_eq!(parse_modifiers("d2"), Ok(vec![Modifier::Drop(2)]));
        assert_eq!(parse_modifiers("8"), Ok(vec![Modifier::Range(8)]));
        assert_eq!(parse_modifiers("8.0"), Ok(vec![Modifier::Range(8)]));
        for bad in ["d0", "d", "io", "x", "1.5", "-1", "257", "i-1"] {
            assert!(parse_modifiers(bad).is_err(), "{bad}");
        }
    }
}
