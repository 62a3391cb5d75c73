//! The values that pattern events carry: numbers, note names, words, and maps of
//! sound controls.

use std::fmt;
use std::sync::Arc;

use smallvec::SmallVec;

/// A single scalar: a number, a note (kept as its MIDI number so that arithmetic
/// transposes it, but remembered as a note so that it can become a frequency), or a
/// word such as a sample name. Mini-notation keeps note names as words (`"c e"` shows
/// as `"c"`, `"e"`); a numeric context reads a word that is a note name as its MIDI
/// number, and arithmetic on it gives a `Note`.
// Controls are stored inline on purpose: setting and combining them on every query
// never allocates, and neither does copying a voice start's controls and setting its
// sampled ones on the audio thread.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq, Debug)]
pub enum Value {
    Num(f64),
    /// MIDI note number in scientific pitch: `c4` is 60, `a4` is 69 (440 Hz).
    Note(f64),
    Word(Arc<str>),
    Controls(Controls),
}

/// The controls a sound event can carry (SuperDirt's names), in a fixed order: the
/// order a control map lists them in.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
pub enum Control {
    S,
    N,
    Gain,
    Pan,
    Speed,
    Note,
    Begin,
    End,
    Cut,
    Legato,
    Attack,
    Release,
    Velocity,
    Amp,
    Accelerate,
    Unit,
    Octave,
    Freq,
    Loop,
    Sustain,
    Hold,
    Decay,
    Sus,
    Cutoff,
    Resonance,
    Hcutoff,
    Hresonance,
    Bandf,
    Bandq,
    Vowel,
    Shape,
    Crush,
    Coarse,
    Room,
    Size,
    Dry,
    Delay,
    Delaytime,
    Delayfeedback,
    Lock,
    Orbit,
}

impl Control {
    pub const ALL: [Control; 41] = [
        Control::S,
        Control::N,
        Control::Gain,
        Control::Pan,
        Control::Speed,
        Control::Note,
        Control::Begin,
        Control::End,
        Control::Cut,
        Control::Legato,
        Control::Attack,
        Control::Release,
        Control::Velocity,
        Control::Amp,
        Control::Accelerate,
        Control::Unit,
        Control::Octave,
        Control::Freq,
        Control::Loop,
        Control::Sustain,
        Control::Hold,
        Control::Decay,
        Control::Sus,
        Control::Cutoff,
        Control::Resonance,
        Control::Hcutoff,
        Control::Hresonance,
        Control::Bandf,
        Control::Bandq,
        Control::Vowel,
        Control::Shape,
        Control::Crush,
        Control::Coarse,
        Control::Room,
        Control::Size,
        Control::Dry,
        Control::Delay,
        Control::Delaytime,
        Control::Delayfeedback,
        Control::Lock,
        Control::Orbit,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Control::S => "s",
            Control::N => "n",
            Control::Gain => "gain",
            Control::Pan => "pan",
            Control::Speed => "speed",
            Control::Note => "note",
            Control::Begin => "begin",
            Control::End => "end",
            Control::Cut => "cut",
            Control::Legato => "legato",
            Control::Attack => "attack",
            Control::Release => "release",
            Control::Velocity => "velocity",
            Control::Amp => "amp",
            Control::Accelerate => "accelerate",
            Control::Unit => "unit",
            Control::Octave => "octave",
            Control::Freq => "freq",
            Control::Loop => "loop",
            Control::Sustain => "sustain",
            Control::Hold => "hold",
            Control::Decay => "decay",
            Control::Sus => "sus",
            Control::Cutoff => "cutoff",
            Control::Resonance => "resonance",
            Control::Hcutoff => "hcutoff",
            Control::Hresonance => "hresonance",
            Control::Bandf => "bandf",
            Control::Bandq => "bandq",
            Control::Vowel => "vowel",
            Control::Shape => "shape",
            Control::Crush => "crush",
            Control::Coarse => "coarse",
            Control::Room => "room",
            Control::Size => "size",
            Control::Dry => "dry",
            Control::Delay => "delay",
            Control::Delaytime => "delaytime",
            Control::Delayfeedback => "delayfeedback",
            Control::Lock => "lock",
            Control::Orbit => "orbit",
        }
    }

    pub fn from_name(name: &str) -> Option<Control> {
        Control::ALL.iter().copied().find(|c| c.name() == name)
    }
}

/// Controls one event holds without allocating: events rarely set more, and a map
/// with more keeps the rest on the heap.
const INLINE_CONTROLS: usize = 8;

/// A map from [`Control`] to scalar [`Value`]s: the keys that are set, sorted, with
/// their values, inline up to [`INLINE_CONTROLS`] keys so that transforms can set and
/// combine controls cheaply on every query. Sorted and without duplicates, so two
/// maps with the same entries are equal.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Controls {
    entries: SmallVec<[(Control, Scalar); INLINE_CONTROLS]>,
}

/// A control's value: like [`Value`] without nested maps.
#[derive(Clone, PartialEq, Debug)]
pub enum Scalar {
    Num(f64),
    Note(f64),
    Word(Arc<str>),
}

impl Scalar {
    pub fn to_value(&self) -> Value {
        match self {
            Scalar::Num(x) => Value::Num(*x),
            Scalar::Note(x) => Value::Note(*x),
            Scalar::Word(w) => Value::Word(w.clone()),
        }
    }

    pub fn from_value(v: &Value) -> Option<Scalar> {
        match v {
            Value::Num(x) => Some(Scalar::Num(*x)),
            Value::Note(x) => Some(Scalar::Note(*x)),
            Value::Word(w) => Some(Scalar::Word(w.clone())),
            Value::Controls(_) => None,
        }
    }

    /// The numeric value: numbers and notes as they are, and a word that is a note
    /// name (`c4`, `e`) as its MIDI number.
    pub fn as_f64(&self) -> Option<f64> {
        self.numeric().map(|(x, _)| x)
    }

    /// The numeric value and whether it is a note.
    pub fn numeric(&self) -> Option<(f64, bool)> {
        match self {
            Scalar::Num(x) => Some((*x, false)),
            Scalar::Note(x) => Some((*x, true)),
            Scalar::Word(w) => parse_note_name(w).map(|x| (x, true)),
        }
    }
}

impl Controls {
    pub fn new() -> Controls {
        Controls::default()
    }

    pub fn single(key: Control, value: Scalar) -> Controls {
        let mut c = Controls::new();
        c.set(key, value);
        c
    }

    pub fn get(&self, key: Control) -> Option<&Scalar> {
        let i = self.find(key).ok()?;
        self.entries.get(i).map(|(_, v)| v)
    }

    pub fn get_f64(&self, key: Control) -> Option<f64> {
        self.get(key).and_then(Scalar::as_f64)
    }

    /// Where `key` is (`Ok`) or would go (`Err`) among the set keys.
    fn find(&self, key: Control) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.cmp(&key))
    }

    pub fn set(&mut self, key: Control, value: Scalar) {
        match self.find(key) {
            Ok(i) => self.entries[i].1 = value,
            Err(i) => self.entries.insert(i, (key, value)),
        }
    }

    pub fn remove(&mut self, key: Control) {
        if let Ok(i) = self.find(key) {
            self.entries.remove(i);
        }
    }

    /// The controls that are set, in [`Control::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Control, &Scalar)> {
        self.entries.iter().map(|(k, v)| (*k, v))
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Combines two maps key by key with `op`: keys present in both are combined,
    /// keys present on the left only are kept, and keys present on the right only
    /// are what `op` makes of them alone (Tidal's `Map.unionWith` under its `Num
    /// ValueMap`: see [`NumOp::apply_right_only`]).
    pub fn union_with(&self, other: &Controls, op: NumOp) -> Controls {
        let mut out = self.clone();
        out.union_with_in_place(other, op);
        out
    }

    /// `*self = self.union_with(other, op)`, without copying the untouched keys.
    pub fn union_with_in_place(&mut self, other: &Controls, op: NumOp) {
        for (key, theirs) in other.iter() {
            // A sample name is a word even when it spells a note (`s "e"`): only `|<`
            // and `|>` choose between two of them; arithmetic keeps the left one, and
            // one on the right only is kept as it is (never negated as a note).
            let name = key == Control::S && op.is_arithmetic();
            match self.find(key) {
                Ok(_) if name => {}
                Ok(i) => self.entries[i].1 = op.apply_scalar(&self.entries[i].1, theirs),
                Err(_) if name => self.set(key, theirs.clone()),
                Err(_) => self.set(key, op.apply_right_only(theirs)),
            }
        }
    }
}

/// The arithmetic operators that patterns lift over their values.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum NumOp {
    Add,
    Sub,
    Mul,
    Div,
    /// Tidal's `|%` family: the floored remainder (`mod'`), with the sign of the
    /// divisor, so `-1 |% 3` is 2.
    Mod,
    /// Keep the left value (Tidal's `|<` family).
    Left,
    /// Keep the right value (Tidal's `|>`, `#`).
    Right,
}

impl NumOp {
    /// `+ - * /`, as opposed to choosing a side (`|<`, `|>`).
    pub fn is_arithmetic(self) -> bool {
        !matches!(self, NumOp::Left | NumOp::Right)
    }

    pub fn apply_f64(self, a: f64, b: f64) -> f64 {
        match self {
            NumOp::Add => a + b,
            NumOp::Sub => a - b,
            NumOp::Mul => a * b,
            NumOp::Div => {
                if b == 0.0 {
                    0.0
                } else {
                    a / b
                }
            }
            NumOp::Mod => {
                if b == 0.0 {
                    0.0
                } else {
                    a - b * (a / b).floor()
                }
            }
            NumOp::Left => a,
            NumOp::Right => b,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            NumOp::Add => "+",
            NumOp::Sub => "-",
            NumOp::Mul => "*",
            NumOp::Div => "/",
            NumOp::Mod => "%",
            NumOp::Left => "<",
            NumOp::Right => ">",
        }
    }

    /// Applies the operator to two scalars. A note stays a note when a number is added
    /// to it; any pairing with a word that is not a note name keeps the left value,
    /// so two words added keep the left one (Tidal 1.9's `fNum2` fallback). Division
    /// by zero gives 0 rather than infinity, so that no pattern can smuggle a
    /// non-finite value into the audio.
    pub fn apply_scalar(self, a: &Scalar, b: &Scalar) -> Scalar {
        match self {
            NumOp::Left => return a.clone(),
            NumOp::Right => return b.clone(),
            _ => {}
        }
        match (a.numeric(), b.numeric()) {
            (Some((x, x_note)), Some((y, y_note))) => {
                let v = self.apply_f64(x, y);
                if x_note || y_note {
                    Scalar::Note(v)
                } else {
                    Scalar::Num(v)
                }
            }
            _ => a.clone(),
        }
    }

    /// The value a key present only on the right side of a key-wise operation gets.
    /// Tidal's `Num ValueMap` defines `a - b` as `a + negate b` and `a / b` as
    /// `a * recip b`, so such a key is negated under `-` and inverted under `/`
    /// (numbers only; words pass); under the other operators it is kept as it is.
    pub fn apply_right_only(self, b: &Scalar) -> Scalar {
        match (self, b.numeric()) {
            (NumOp::Sub, Some(_)) => NumOp::Sub.apply_scalar(&Scalar::Num(0.0), b),
            (NumOp::Div, Some(_)) => NumOp::Div.apply_scalar(&Scalar::Num(1.0), b),
            _ => b.clone(),
        }
    }

    /// Applies the operator to two event values: scalars combine as in
    /// [`NumOp::apply_scalar`], control maps combine key by key, and a scalar meeting
    /// a map keeps the left side.
    /// `*a = self.apply(a, b)`, updating a control map in place.
    pub fn apply_in_place(self, a: &mut Value, b: &Value) {
        match (&mut *a, b) {
            (Value::Controls(x), Value::Controls(y)) => {
                x.union_with_in_place(y, self);
            }
            (Value::Controls(_), _) | (_, Value::Controls(_)) => {
                if self == NumOp::Right {
                    *a = b.clone();
                }
            }
            _ => *a = self.apply(a, b),
        }
    }

    pub fn apply(self, a: &Value, b: &Value) -> Value {
        match (a, b) {
            (Value::Controls(x), Value::Controls(y)) => {
                Value::Controls(x.union_with(y, self))
            }
            (Value::Controls(_), _) | (_, Value::Controls(_)) => match self {
                NumOp::Right => b.clone(),
                _ => a.clone(),
            },
            _ => match (Scalar::from_value(a), Scalar::from_value(b)) {
                (Some(x), Some(y)) => self.apply_scalar(&x, &y).to_value(),
                _ => a.clone(),
            },
        }
    }
}

impl Value {
    pub fn word(text: &str) -> Value {
        Value::Word(Arc::from(text))
    }

    /// The numeric value: numbers and notes as they are, a word that is a note name
    /// as its MIDI number, anything else `None`.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Num(x) | Value::Note(x) => Some(*x),
            Value::Word(w) => parse_note_name(w),
            Value::Controls(_) => None,
        }
    }

    /// Truthiness as Tidal's boolean patterns read it: `t`/`true`/`x` and non-zero
    /// numbers are true; `f`/`false`, zero and anything else are false (the checker
    /// refuses other words in `struct` and `mask`).
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Num(x) | Value::Note(x) => *x != 0.0,
            Value::Word(w) => matches!(&**w, "t" | "true" | "x"),
            Value::Controls(_) => true,
        }
    }

    pub fn as_controls(&self) -> Option<&Controls> {
        match self {
            Value::Controls(c) => Some(c),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Num(x) => write!(f, "{x}"),
            Value::Note(x) => write!(f, "note {x}"),
            Value::Word(w) => write!(f, "{w}"),
            Value::Controls(c) => {
                write!(f, "{{")?;
                for (i, (k, v)) in c.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{}: {}", k.name(), v.to_value())?;
                }
                write!(f, "}}")
            }
        }
    }
}

/// A MIDI note number's frequency in Hz, equal temperament with `a4` = 69 = 440 Hz:
/// `mtof`, a note as a signal, and a synth voice's pitch all read it.
pub fn midi_to_hz(m: f64) -> f64 {
    440.0 * ((m - 69.0) / 12.0).exp2()
}

/// Parses a note name in scientific pitch (`c4`, `cs3`, `eb2`, `a`): a letter `a`-`g`,
/// any number of `s`/`#` (sharp) or `f`/`b` (flat) modifiers, and an optional octave.
/// Returns the MIDI number, `c4` = 60. A bare name is in octave 4, so that `c` is
/// MIDI 60, the same pitch as Tidal's bare `c` (Tidal numbers octaves one higher).
pub fn parse_note_name(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let first = *bytes.first()?;
    let base: i64 = match first.to_ascii_lowercase() {
        b'c' => 0,
        b'd' => 2,
        b'e' => 4,
        b'f' => 5,
        b'g' => 7,
        b'a' => 9,
        b'b' => 11,
        _ => return None,
    };
    let mut i = 1;
    let mut shift = 0i64;
    while i < bytes.len() {
        match bytes[i] {
            b's' | b'#' => shift += 1,
            b'f' | b'b' => shift -= 1,
            b'n' => {}
            _ => break,
        }
        i += 1;
    }
    let octave: i64 = if i == bytes.len() {
        4
    } else {
        let rest = &text[i..];
        if !rest.bytes().all(|b| b.is_ascii_digit()) || rest.len() > 2 {
            return None;
        }
        rest.parse().ok()?
    };
    Some(((octave + 1) * 12 + base + shift) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_names_use_scientific_pitch() {
        assert_eq!(parse_note_name("c4"), Some(60.0));
        assert_eq!(parse_note_name("a4"), Some(69.0));
        assert_eq!(parse_note_name("cs3"), Some(49.0));
        assert_eq!(parse_note_name("eb2"), Some(39.0));
        assert_eq!(parse_note_name("e"), Some(64.0));
        assert_eq!(parse_note_name("bd"), None);
        assert_eq!(parse_note_name("hh"), None);
    }

    #[test]
    fn controls_union_combines_shared_keys() {
        let a = Controls::single(Control::N, Scalar::Num(1.0));
        let mut b = Controls::single(Control::N, Scalar::Num(12.0));
        b.set(Control::Gain, Scalar::Num(0.5));
        let c = a.union_with(&b, NumOp::Add);
        assert_eq!(c.get_f64(Control::N), Some(13.0));
        assert_eq!(c.get_f64(Control::Gain), Some(0.5));
    }

    #[test]
    fn keys_on_the_right_only_follow_tidals_num_valuemap() {
        // Tidal: a - b = a + negate b, a / b = a * recip b.
        let a = Controls::single(Control::N, Scalar::Num(5.0));
        let mut b = Controls::single(Control::N, Scalar::Num(2.0));
        b.set(Control::Speed, Scalar::Num(4.0));
        b.set(Control::S, Scalar::Word(Arc::from("bd")));
        let sub = a.union_with(&b, NumOp::Sub);
        assert_eq!(sub.get_f64(Control::N), Some(3.0));
        assert_eq!(sub.get_f64(Control::Speed), Some(-4.0));
        assert_eq!(sub.get(Control::S), Some(&Scalar::Word(Arc::from("bd"))));
        let div = a.union_with(&b, NumOp::Div);
        assert_eq!(div.get_f64(Control::N), Some(2.5));
        assert_eq!(div.get_f64(Control::Speed), Some(0.25));
        let mul = a.union_with(&b, NumOp::Mul);
        assert_eq!(mul.get_f64(Control::Speed), Some(4.0));
    }

    #[test]
    fn sample_names_are_never_read_as_notes() {
        let e = Controls::single(Control::S, Scalar::Word(Arc::from("e")));
        let a = Controls::single(Control::S, Scalar::Word(Arc::from("a")));
        let sum = e.union_with(&a, NumOp::Add);
        assert_eq!(sum.get(Control::S), Some(&Scalar::Word(Arc::from("e"))));
        let right = e.union_with(&a, NumOp::Right);
        assert_eq!(right.get(Control::S), Some(&Scalar::Word(Arc::from("a"))));
        // On the right only, under `-` and `/`: kept, not negated or inverted as a note.
        let n = Controls::single(Control::N, Scalar::Num(1.0));
        for op in [NumOp::Sub, NumOp::Div] {
            let got = n.union_with(&e, op);
            assert_eq!(got.get(Control::S), Some(&Scalar::Word(Arc::from("e"))), "{op:?}");
        }
    }
}
