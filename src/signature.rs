//! The words of a built-in's signature: what a parameter accepts, what a built-in
//! returns, the family it belongs to. Both tables of built-ins use them: the signal
//! operations (`ir::op`, which defines the language's oscillators, filters,
//! envelopes and effects) and the pattern built-ins (`check::signatures`). They sit
//! below both, so neither has to know the other.

/// What a parameter accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamTy {
    /// A number or a pattern read per cycle: a time, a count or a probability of a
    /// transform (`fast "<1 2>"`). Never a signal.
    Time,
    /// A time that must be a constant number (`zoom`'s begin and end). The checker
    /// accepts what it accepts for [`ParamTy::Time`]; the evaluator asks for a
    /// constant and reports anything else.
    ConstTime,
    /// A number or a pattern of values (`s "bd sn"`, `struct "t f t t"`).
    Pattern,
    /// A number, a pattern or a signal: a control, sampled at each event onset when it
    /// is a signal (`# pan (sine 0.25)`).
    Control,
    /// Anything that becomes a signal: number, pattern, sound or signal (oscillator
    /// frequencies, filter cutoffs, effect inputs).
    Signal,
    /// A pattern or a sound whose event onsets trigger an envelope.
    Events,
    /// A number, pattern, sound or signal; the result is the widest of the arguments
    /// so marked (maths: `range`, `clip`, `mtof`, `abs`).
    Numeric,
    /// A transform `a -> a` (`every 3 (fast 2)`).
    Transform,
    /// The pattern or sound being transformed, of type `a`.
    Value,
    /// A constant number that is not a time (a weight of `wchoose`).
    ConstNumber,
    /// A list `[x, y, ...]`, every element of the inner type (`stack [p, q]`).
    List(&'static ParamTy),
    /// A tuple `(x, y)`, its elements of these types (`timeCat [(1, p)]`).
    Tuple(&'static [ParamTy]),
    /// A function of one value of the list after it, giving a transform (`spread`'s
    /// `fast` in `spread fast [1, 2]`): `b -> (a -> a)`.
    Spreader,
    /// An element of the list after a [`ParamTy::Spreader`]: any value that function
    /// takes (`b`).
    SpreadArg,
}

impl ParamTy {
    /// The word used for it in signatures; `sound` for a transform's `a` fixed to a
    /// sound.
    pub fn word(self, sound: bool) -> String {
        match self {
            ParamTy::Time | ParamTy::ConstTime => "time".into(),
            ParamTy::Pattern => "pattern".into(),
            ParamTy::Control => "control".into(),
            ParamTy::Signal => "signal".into(),
            ParamTy::Events => "events".into(),
            ParamTy::Numeric => "numeric".into(),
            ParamTy::ConstNumber => "number".into(),
            ParamTy::Transform if sound => "(sound -> sound)".into(),
            ParamTy::Transform => "(a -> a)".into(),
            ParamTy::Value if sound => "sound".into(),
            ParamTy::Value => "a".into(),
            ParamTy::List(inner) => format!("[{}]", inner.word(sound)),
            ParamTy::Tuple(items) => {
                let words: Vec<String> = items.iter().map(|t| t.word(sound)).collect();
                format!("({})", words.join(", "))
            }
            ParamTy::Spreader if sound => "(b -> sound -> sound)".into(),
            ParamTy::Spreader => "(b -> a -> a)".into(),
            ParamTy::SpreadArg => "b".into(),
        }
    }
}

/// The result of a fully applied builtin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ret {
    /// The type `a` of the transformed value.
    Same,
    Pattern,
    Sound,
    Signal,
    /// The widest of the [`ParamTy::Numeric`] arguments (number < pattern < signal; a
    /// sound counts as a signal).
    Widest,
}

impl Ret {
    pub fn word(self) -> &'static str {
        match self {
            Ret::Same => "a",
            Ret::Pattern => "pattern",
            Ret::Sound => "sound",
            Ret::Signal => "signal",
            Ret::Widest => "numeric",
        }
    }
}

/// The family a builtin belongs to (for documentation and messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Transform,
    Control,
    Oscillator,
    Filter,
    Envelope,
    Effect,
    Maths,
    /// A pattern source (`run`, `irand`, `rand`, `choose`).
    Source,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Param {
    pub name: &'static str,
    pub ty: ParamTy,
    /// `Some` for an optional parameter: its default.
    pub default: Option<f64>,
    /// What values make sense, where the checker can tell from a constant.
    pub limit: Limit,
}

/// The values a parameter can usefully take, known to the checker: a constant (or
/// a mini-notation number) outside them is an error at check time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Any value the type accepts.
    Any,
    /// A probability, 0..=1 (`degradeBy`, `sometimesBy`).
    Probability,
    /// A speed factor or count of events per cycle: past the transforms' density
    /// bound every event vanishes (`fast`, `ply`, `segment`).
    Density,
    /// A slow-down factor: its inverse is a density (`slow`).
    InverseDensity,
    /// A boolean pattern (`struct`, `mask`): the words `t true x` and `f false`, or
    /// numbers (non-zero is true); any other word is an error.
    Boolean,
}

pub const fn p(name: &'static str, ty: ParamTy) -> Param {
    Param {
        name,
        ty,
        default: None,
        limit: Limit::Any,
    }
}

pub const fn opt(name: &'static str, ty: ParamTy, default: f64) -> Param {
    Param {
        name,
        ty,
        default: Some(default),
        limit: Limit::Any,
    }
}

/// `p` with a limit on its values.
pub const fn limited(name: &'static str, ty: ParamTy, limit: Limit) -> Param {
    Param {
        name,
        ty,
        default: None,
        limit,
    }
}
