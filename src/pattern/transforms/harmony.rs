//! Harmony with Tidal 1.9's meanings: the scale table and `scale` (`Sound.Tidal.Scales`),
//! arpeggios (`arp`) and rolled chords (`rolled`, `rolledBy`) from `Sound.Tidal.UI`.
//!
//! A chord is a stack of events with the same whole (`"[0,4,7]"`); `arp` and `rolled`
//! work on the events of each query, grouped by whole, as Tidal's `withEvents` does.

use super::with_time_arg;
use crate::pattern::value::Value;
use crate::pattern::{app, patternify, Event, PatValue, Pattern, Structure};
use crate::time::{Rational, Span};

/// Every scale of Tidal 1.9's `scaleTable`, by name: the steps above the root in
/// semitones (the maqam scales have quarter tones).
pub const SCALES: &[(&str, &[f64])] = &[
    // Five notes.
    ("minPent", &[0.0, 3.0, 5.0, 7.0, 10.0]),
    ("majPent", &[0.0, 2.0, 4.0, 7.0, 9.0]),
    ("ritusen", &[0.0, 2.0, 5.0, 7.0, 9.0]),
    ("egyptian", &[0.0, 2.0, 5.0, 7.0, 10.0]),
    ("kumai", &[0.0, 2.0, 3.0, 7.0, 9.0]),
    ("hirajoshi", &[0.0, 2.0, 3.0, 7.0, 8.0]),
    ("iwato", &[0.0, 1.0, 5.0, 6.0, 10.0]),
    ("chinese", &[0.0, 4.0, 6.0, 7.0, 11.0]),
    ("indian", &[0.0, 4.0, 5.0, 7.0, 10.0]),
    ("pelog", &[0.0, 1.0, 3.0, 7.0, 8.0]),
    ("prometheus", &[0.0, 2.0, 4.0, 6.0, 11.0]),
    ("scriabin", &[0.0, 1.0, 4.0, 7.0, 9.0]),
    // Han Chinese pentatonic modes.
    ("gong", &[0.0, 2.0, 4.0, 7.0, 9.0]),
    ("shang", &[0.0, 2.0, 5.0, 7.0, 10.0]),
    ("jiao", &[0.0, 3.0, 5.0, 8.0, 10.0]),
    ("zhi", &[0.0, 2.0, 5.0, 7.0, 9.0]),
    ("yu", &[0.0, 3.0, 5.0, 7.0, 10.0]),
    // Six notes.
    ("whole", WHOLE),
    ("wholetone", WHOLE),
    ("augmented", &[0.0, 3.0, 4.0, 7.0, 8.0, 11.0]),
    ("augmented2", &[0.0, 1.0, 4.0, 5.0, 8.0, 9.0]),
    ("hexMajor7", &[0.0, 2.0, 4.0, 7.0, 9.0, 11.0]),
    ("hexDorian", &[0.0, 2.0, 3.0, 5.0, 7.0, 10.0]),
    ("hexPhrygian", &[0.0, 1.0, 3.0, 5.0, 8.0, 10.0]),
    ("hexSus", &[0.0, 2.0, 5.0, 7.0, 9.0, 10.0]),
    ("hexMajor6", &[0.0, 2.0, 4.0, 5.0, 7.0, 9.0]),
    ("hexAeolian", &[0.0, 3.0, 5.0, 7.0, 8.0, 10.0]),
    // Seven notes: the church modes and their relatives.
    ("major", IONIAN),
    ("ionian", IONIAN),
    ("dorian", &[0.0, 2.0, 3.0, 5.0, 7.0, 9.0, 10.0]),
    ("phrygian", &[0.0, 1.0, 3.0, 5.0, 7.0, 8.0, 10.0]),
    ("lydian", &[0.0, 2.0, 4.0, 6.0, 7.0, 9.0, 11.0]),
    ("mixolydian", &[0.0, 2.0, 4.0, 5.0, 7.0, 9.0, 10.0]),
    ("aeolian", AEOLIAN),
    ("minor", AEOLIAN),
    ("locrian", &[0.0, 1.0, 3.0, 5.0, 6.0, 8.0, 10.0]),
    ("harmonicMinor", &[0.0, 2.0, 3.0, 5.0, 7.0, 8.0, 11.0]),
    ("harmonicMajor", &[0.0, 2.0, 4.0, 5.0, 7.0, 8.0, 11.0]),
    ("melodicMinor", &[0.0, 2.0, 3.0, 5.0, 7.0, 9.0, 11.0]),
    ("melodicMinorDesc", AEOLIAN),
    ("melodicMajor", MELODIC_MAJOR),
    ("bartok", MELODIC_MAJOR),
    ("hindu", MELODIC_MAJOR),
    // Raga modes.
    ("todi", &[0.0, 1.0, 3.0, 6.0, 7.0, 8.0, 11.0]),
    ("purvi", &[0.0, 1.0, 4.0, 6.0, 7.0, 8.0, 11.0]),
    ("marva", &[0.0, 1.0, 4.0, 6.0, 7.0, 9.0, 11.0]),
    ("bhairav", &[0.0, 1.0, 4.0, 5.0, 7.0, 8.0, 11.0]),
    ("ahirbhairav", &[0.0, 1.0, 4.0, 5.0, 7.0, 9.0, 10.0]),
    ("superLocrian", &[0.0, 1.0, 3.0, 4.0, 6.0, 8.0, 10.0]),
    ("romanianMinor", &[0.0, 2.0, 3.0, 6.0, 7.0, 9.0, 10.0]),
    ("hungarianMinor", &[0.0, 2.0, 3.0, 6.0, 7.0, 8.0, 11.0]),
    ("neapolitanMinor", &[0.0, 1.0, 3.0, 5.0, 7.0, 8.0, 11.0]),
    ("enigmatic", &[0.0, 1.0, 4.0, 6.0, 8.0, 10.0, 11.0]),
    ("spanish", &[0.0, 1.0, 4.0, 5.0, 7.0, 8.0, 10.0]),
    // Whole-tone modes with a note added.
    ("leadingWhole", &[0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 11.0]),
    ("lydianMinor", &[0.0, 2.0, 4.0, 6.0, 7.0, 8.0, 10.0]),
    ("neapolitanMajor", &[0.0, 1.0, 3.0, 5.0, 7.0, 9.0, 11.0]),
    ("locrianMajor", &[0.0, 2.0, 4.0, 5.0, 6.0, 8.0, 10.0]),
    // Eight notes.
    ("diminished", HALF_WHOLE),
    ("octatonic", HALF_WHOLE),
    ("diminished2", WHOLE_HALF),
    ("octatonic2", WHOLE_HALF),
    // Messiaen's modes of limited transposition.
    ("messiaen1", WHOLE),
    ("messiaen2", HALF_WHOLE),
    ("messiaen3", &[0.0, 2.0, 3.0, 4.0, 6.0, 7.0, 8.0, 10.0, 11.0]),
    ("messiaen4", &[0.0, 1.0, 2.0, 5.0, 6.0, 7.0, 8.0, 11.0]),
    ("messiaen5", &[0.0, 1.0, 5.0, 6.0, 7.0, 11.0]),
    ("messiaen6", &[0.0, 2.0, 4.0, 5.0, 6.0, 8.0, 10.0, 11.0]),
    (
        "messiaen7",
        &[0.0, 1.0, 2.0, 3.0, 5.0, 6.0, 7.0, 8.0, 9.0, 11.0],
    ),
    // Twelve notes.
    (
        "chromatic",
        &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0],
    ),
    // Arabic maqamat, with quarter tones.
    ("bayati", &[0.0, 1.5, 3.0, 5.0, 7.0, 8.0, 10.0]),
    ("hijaz", &[0.0, 1.0, 4.0, 5.0, 7.0, 8.5, 10.0]),
    ("sikah", &[0.0, 1.5, 3.5, 5.5, 7.0, 8.5, 10.5]),
    ("rast", &[0.0, 2.0, 3.5, 5.0, 7.0, 9.0, 10.5]),
    ("saba", &[0.0, 1.5, 3.0, 4.0, 6.0, 8.0, 10.0]),
    ("iraq", &[0.0, 1.5, 3.5, 5.0, 6.5, 8.5, 10.5]),
];

const WHOLE: &[f64] = &[0.0, 2.0, 4.0, 6.0, 8.0, 10.0];
const IONIAN: &[f64] = &[0.0, 2.0, 4.0, 5.0, 7.0, 9.0, 11.0];
const AEOLIAN: &[f64] = &[0.0, 2.0, 3.0, 5.0, 7.0, 8.0, 10.0];
const MELODIC_MAJOR: &[f64] = &[0.0, 2.0, 4.0, 5.0, 7.0, 8.0, 10.0];
const HALF_WHOLE: &[f64] = &[0.0, 1.0, 3.0, 4.0, 6.0, 7.0, 9.0, 10.0];
const WHOLE_HALF: &[f64] = &[0.0, 2.0, 3.0, 5.0, 6.0, 8.0, 9.0, 11.0];

/// The steps of the scale named `name` (Tidal's names, case as Tidal writes them).
pub fn scale_steps(name: &str) -> Option<&'static [f64]> {
    SCALES.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// Degree `degree` of `steps`: the step at `degree` modulo the scale's length, plus
/// twelve semitones per octave the degree is above (or below) the first
/// (Tidal's `noteInScale`).
fn note_in_scale(steps: &[f64], degree: i64) -> f64 {
    note_in_steps(steps, 12.0, degree)
}

/// Tidal's `noteInScale` with an octave of `octave` semitones: the step at the
/// degree, cyclically, plus an octave per time round the steps.
fn note_in_steps(steps: &[f64], octave: f64, degree: i64) -> f64 {
    let len = steps.len().max(1) as i64;
    let step = steps
        .get(degree.rem_euclid(len) as usize)
        .copied()
        .unwrap_or(0.0);
    step + octave * degree.div_euclid(len) as f64
}

/// Tidal's `toScale' octave steps degrees`: each degree (floored to a whole number)
/// as `steps !!! degree + octave * (degree div length steps)`; no steps is silence.
/// A value that is not a number stays as it is.
pub fn to_scale(octave: f64, steps: Vec<f64>, degrees: Pattern<Value>) -> Pattern<Value> {
    if steps.is_empty() {
        return Pattern::silence();
    }
    degrees.fmap(move |v| match v.as_f64().filter(|x| x.is_finite()) {
        Some(d) => {
            let degree = d.floor().clamp(-1e15, 1e15) as i64;
            Value::Num(note_in_steps(&steps, octave, degree))
        }
        None => v.clone(),
    })
}

/// Tidal's `scale`: each note of `notes` (a degree, floored to a whole number) as a
/// semitone of the scale that `names` names at the note's onset (`<*`: the notes give
/// the structure). An unknown name is Tidal's fallback, the scale `[0]`: every
/// degree an octave. A value that is not a number stays as it is.
pub fn scale(names: Pattern<Value>, notes: Pattern<Value>) -> Pattern<Value> {
    app(Structure::Left, notes, names, |note, name| {
        let Some(degree) = note.as_f64().filter(|x| x.is_finite()) else {
            return note.clone();
        };
        let degree = degree.floor().clamp(-1e15, 1e15) as i64;
        let steps = match name {
            Value::Word(w) => scale_steps(w),
            _ => None,
        };
        Value::Num(note_in_scale(steps.unwrap_or(&[0.0]), degree))
    })
}

/// The notes of one chord, in the order mode `mode` plays them (Tidal's `arps`; an
/// unknown mode plays them up). Haskell's `init` of an empty list is taken as empty.
fn arpeggiated<E: Clone>(mode: &str, notes: Vec<E>) -> Vec<E> {
    fn init<E>(mut v: Vec<E>) -> Vec<E> {
        v.pop();
        v
    }
    fn reversed<E>(mut v: Vec<E>) -> Vec<E> {
        v.reverse();
        v
    }
    fn joined<E>(mut a: Vec<E>, b: Vec<E>) -> Vec<E> {
        a.extend(b);
        a
    }
    // First, last, second, second to last, ... (Tidal's `converge`).
    fn converge<E: Clone>(notes: &[E]) -> Vec<E> {
        let (mut lo, mut hi) = (0, notes.len());
        let mut out = Vec::with_capacity(notes.len());
        while lo < hi {
            out.push(notes[lo].clone());
            lo += 1;
            if lo < hi {
                hi -= 1;
                out.push(notes[hi].clone());
            }
        }
        out
    }
    // Each note but the last, each followed by the last (Tidal's `pinkyup`).
    fn pinkyup<E: Clone>(notes: &[E]) -> Vec<E> {
        match notes.split_last() {
            Some((pinky, rest)) => rest.iter().flat_map(|n| [n.clone(), pinky.clone()]).collect(),
            None => Vec::new(),
        }
    }
    // The first note before each of the others (Tidal's `thumbup`).
    fn thumbup<E: Clone>(notes: &[E]) -> Vec<E> {
        match notes.split_first() {
            Some((thumb, rest)) => rest.iter().flat_map(|n| [thumb.clone(), n.clone()]).collect(),
            None => Vec::new(),
        }
    }
    let there_and_back = |v: Vec<E>| joined(init(v.clone()), init(reversed(v)));
    match mode {
        "down" => reversed(notes),
        "updown" => there_and_back(notes),
        "downup" => joined(init(reversed(notes.clone())), init(notes)),
        "up&down" => joined(notes.clone(), reversed(notes)),
        "down&up" => joined(reversed(notes.clone()), notes),
        "converge" => converge(&notes),
        "diverge" => reversed(converge(&notes)),
        "disconverge" => {
            let c = converge(&notes);
            let mut back = reversed(c.clone());
            if !back.is_empty() {
                back.remove(0);
            }
            joined(c, back)
        }
        "pinkyup" => pinkyup(&notes),
        "pinkyupdown" => there_and_back(pinkyup(&notes)),
        "thumbup" => thumbup(&notes),
        "thumbupdown" => there_and_back(thumbup(&notes)),
        _ => notes,
    }
}

/// Runs `f` on the events of each query of `pat` (Tidal's `withEvents`).
fn with_events<T: PatValue>(
    pat: Pattern<T>,
    f: impl Fn(Vec<Event<T>>, &mut Vec<Event<T>>) + Send + Sync + 'static,
) -> Pattern<T> {
    Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
        let mut events = Vec::new();
        pat.query_into(span, &mut events);
        f(events, out);
    })
}

/// Splits `events` into runs of neighbours with the same whole (Haskell's `groupBy`).
fn runs_by_whole<T>(events: Vec<Event<T>>) -> Vec<Vec<Event<T>>> {
    let mut runs: Vec<Vec<Event<T>>> = Vec::new();
    for e in events {
        match runs.last_mut() {
            Some(run) if run.first().is_some_and(|f| f.whole == e.whole) => run.push(e),
            _ => runs.push(vec![e]),
        }
    }
    runs
}

/// Tidal's `_arp`: the notes of each chord (events with the same whole), ordered by
/// `mode`, one after another, each taking an equal share of the chord's whole. A
/// fragment keeps the notes whose new whole meets its part; events without a whole
/// are dropped.
pub fn arp_with<T: PatValue>(mode: &str, pat: Pattern<T>) -> Pattern<T> {
    let mode: std::sync::Arc<str> = mode.into();
    with_events(pat, move |mut events, out| {
        // A stable sort: notes of a chord keep the order the pattern gave them.
        events.sort_by_key(|e| e.whole.map(|w| (w.begin, w.end)));
        for chord in runs_by_whole(events) {
            let notes = arpeggiated(&mode, chord);
            let count = Rational::from_int(notes.len() as i64);
            for (i, e) in notes.into_iter().enumerate() {
                let Some(whole) = e.whole else { continue };
                let share = whole.duration() / count;
                let begin = whole.begin + share * Rational::from_int(i as i64);
                let new_whole = Span::new(begin, begin + share);
                if let Some(part) = new_whole.sub_span(e.part) {
                    out.push(Event {
                        whole: Some(new_whole),
                        part,
                        value: e.value,
                    });
                }
            }
        }
    })
}

/// Tidal's `arp`: the mode a pattern of names (`arp "<up down>"`).
pub fn arp<T: PatValue>(modes: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    patternify(modes, pat, |mode, p| match mode {
        Value::Word(w) => arp_with(w, p),
        _ => arp_with("up", p),
    })
}

/// Tidal's `rolledWith t`: the notes of each chord (neighbouring events with the
/// same whole) start one after another over the first `|t|` of the chord, each
/// still ending with it; a negative `t` plays them from the last (the query's
/// events reversed); `t = 0` leaves them together.
pub fn rolled_with<T: PatValue>(t: Rational, pat: Pattern<T>) -> Pattern<T> {
    with_events(pat, move |mut events, out| {
        if !t.is_positive() {
            events.reverse();
        }
        for chord in runs_by_whole(events) {
            let count = Rational::from_int(chord.len() as i64);
            for (i, e) in chord.into_iter().enumerate() {
                let whole = match e.whole {
                    Some(w) if !t.is_zero() => w,
                    _ => {
                        out.push(e);
                        continue;
                    }
                };
                let step = whole.duration() * t.abs() / count;
                let begin = whole.begin + step * Rational::from_int(i as i64);
                let new_whole = Span::new(begin, whole.end);
                if let Some(part) = new_whole.sub_span(e.part) {
                    out.push(Event {
                        whole: Some(new_whole),
                        part,
                        value: e.value,
                    });
                }
            }
        }
    })
}

/// Tidal's `rolledBy`: the roll's length a pattern, read once per cycle
/// (`tParam rolledWith (segment 1 t)`).
pub fn rolled_by<T: PatValue>(t: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    let per_cycle = super::timing::segment(Pattern::pure(Value::Num(1.0)), t);
    with_time_arg(per_cycle, pat, rolled_with)
}

/// Tidal's `rolled`: `rolledBy (1/4)`.
pub fn rolled<T: PatValue>(pat: Pattern<T>) -> Pattern<T> {
    rolled_with(Rational::new(1, 4), pat)
}
