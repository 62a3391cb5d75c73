//! The types of the language and their names in user words.

use std::fmt;

use super::signatures::{Builtin, Kind};
use crate::diag::SrcSpan;
use crate::syntax::ast::{BinOp, Side};

/// The type of an expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    /// A constant.
    Number,
    /// A pattern of scalar values (a string literal or anything built from one).
    Pattern,
    /// A pattern of control maps (`s "bd"`, `n "0 1"`, `gain 0.5`, ...). `plays`: it
    /// names what plays (`s`/`sound`, directly or through a bus, `#` or a transform's
    /// function); two sounds that both play mix their audio under `+ - * /`, any other
    /// pair combines key by key (LANGUAGE.md).
    Sound { plays: bool },
    /// An audio-rate signal.
    Signal,
    /// A function, possibly partially applied.
    Function(Box<FnType>),
    /// A list `[a, b]`: each element's type and span. The elements agree (checked
    /// where the list is written, `infer::list`).
    List(Vec<Item>),
    /// A tuple `(a, b)`: each element's type and span.
    Tuple(Vec<Item>),
    /// The type of an expression that already produced an error: accepted everywhere,
    /// so that one mistake is reported once.
    Error,
}

/// An element of a list or tuple: its type, and its span for errors about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub ty: Type,
    pub span: SrcSpan,
}

/// An operator that can be lifted over functions or made into a section (not to be
/// confused with the graph's `ir::Op`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Operator {
    Hash,
    Bin(BinOp),
}

/// A function value, described by how it was built; applying it to an argument type
/// computes the result type (see `infer::apply`).
#[derive(Clone, Debug, PartialEq)]
pub enum FnType {
    /// A builtin with its first `args.len()` parameters given (`None`: left at its
    /// default). `t` is what the transform's type variable is bound to so far.
    Partial(Partial),
    /// `v -> outer (inner v)` (`fast 2 $ every 3 rev`).
    Compose {
        outer: Box<FnType>,
        inner: Box<FnType>,
    },
    /// `v -> v op operand` (`(# speed 2)`, `(+ 0.5)`), or `v -> operand op v` when the
    /// operand is on the left (`(0.25 <~)`).
    Section {
        op: Operator,
        operand: Type,
        operand_side: Side,
    },
    /// `v -> func v op other` (`lpf 800 * 0.3`), or `v -> other op func v`. The
    /// evaluator's `Func::Lift`.
    Lift {
        op: Operator,
        func: Box<FnType>,
        other: Type,
        func_side: Side,
    },
    /// `v -> left v op right v`. The evaluator's `Func::LiftBoth`.
    LiftBoth {
        op: Operator,
        left: Box<FnType>,
        right: Box<FnType>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Partial {
    pub builtin: &'static Builtin,
    pub args: Vec<Option<Type>>,
    /// The source span of each given argument (the default's: an empty span).
    pub spans: Vec<SrcSpan>,
    /// The transform's type variable: `Pattern` or `Sound` once known.
    pub t: Option<Type>,
}

impl Partial {
    pub fn new(builtin: &'static Builtin) -> Partial {
        Partial {
            builtin,
            args: Vec::new(),
            spans: Vec::new(),
            t: if builtin.sound_only {
                Some(Type::CONTROLS)
            } else {
                None
            },
        }
    }
}

impl FnType {
    /// True when only optional parameters are missing: the function can stand for its
    /// result (`square 110` is a signal).
    pub fn only_optional_missing(&self) -> bool {
        matches!(self, FnType::Partial(p) if p.builtin.missing_required(p.args.len()) == 0)
    }

    /// True when the parameter `$` would fill is itself a function (`every 3 $ fast 2`).
    pub fn wants_function(&self) -> bool {
        match self {
            FnType::Partial(p) => p.builtin.input_takes_function(p.args.len()),
            _ => false,
        }
    }
}

/// The widest of two value types for arithmetic: number < pattern < signal,
/// sound < signal; sound with sound stays a sound (key-wise arithmetic).
pub fn join(a: &Type, b: &Type) -> Type {
    use Type::*;
    match (a, b) {
        (Error, _) | (_, Error) => Error,
        (Number, Number) => Number,
        (Number | Pattern, Number | Pattern) => Pattern,
        // Plain arithmetic on two sounds mixes their audio.
        _ => Signal,
    }
}

impl Type {
    /// A sound that does not (yet) name what plays: controls such as `n "0 1"`.
    pub const CONTROLS: Type = Type::Sound { plays: false };

    /// True for a sound, playing or not.
    pub fn is_sound(&self) -> bool {
        matches!(self, Type::Sound { .. })
    }

    /// True for a sound that names what plays.
    pub fn plays(&self) -> bool {
        matches!(self, Type::Sound { plays: true })
    }

    /// The two types are of one kind: equal, or two sounds whether they play or not.
    pub fn same_kind(&self, other: &Type) -> bool {
        self == other || (self.is_sound() && other.is_sound())
    }

    /// True for types that can be used where a signal is expected.
    pub fn coerces_to_signal(&self) -> bool {
        matches!(
            self,
            Type::Number | Type::Pattern | Type::Sound { .. } | Type::Signal | Type::Error
        )
    }

    /// The name of several values of this type: "patterns", "transforms", "pairs".
    pub fn plural(&self) -> String {
        match self {
            Type::Function(_) => "functions".into(),
            Type::List(_) => "lists".into(),
            Type::Tuple(items) if items.len() == 2 => "pairs".into(),
            Type::Tuple(_) => "tuples".into(),
            other => format!("{other}s"),
        }
    }

    /// The type's name with an article: "a pattern", "an effect waiting for its input".
    pub fn a(&self) -> String {
        let s = self.to_string();
        let vowel = s
            .chars()
            .next()
            .is_some_and(|c| "aeiou".contains(c.to_ascii_lowercase()));
        if vowel {
            format!("an {s}")
        } else {
            format!("a {s}")
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Number => write!(f, "number"),
            Type::Pattern => write!(f, "pattern"),
            Type::Sound { .. } => write!(f, "sound"),
            Type::Signal => write!(f, "signal"),
            Type::Error => write!(f, "error"),
            Type::Function(func) => write!(f, "{}", super::infer::describe_fn(func)),
            Type::List(items) => match items.iter().find(|i| i.ty != Type::Error) {
                Some(i) => write!(f, "list of {}", i.ty.plural()),
                None => write!(f, "list"),
            },
            Type::Tuple(items) => {
                let noun = if items.len() == 2 { "pair" } else { "tuple" };
                let parts: Vec<String> = items.iter().map(|i| i.ty.a()).collect();
                write!(f, "{noun} of {}", parts.join(" and "))
            }
        }
    }
}

/// The kind of a function for messages, given what probing it found.
pub(crate) fn fn_noun(
    partial: Option<&Partial>,
    on_pattern: bool,
    on_sound: bool,
    on_signal: bool,
) -> String {
    if let Some(p) = partial {
        let b = p.builtin;
        let missing = p.builtin.missing_required(p.args.len());
        let only_input = missing == 1 && b.has_input;
        if !only_input {
            let s = if missing == 1 { "" } else { "s" };
            return format!(
                "function `{}` waiting for {missing} more argument{s}",
                b.name
            );
        }
        return match b.kind {
            Kind::Transform => match &p.t {
                Some(Type::Sound { .. }) => "transform of sounds waiting for its input".into(),
                Some(Type::Pattern) => "transform of patterns waiting for its input".into(),
                _ => "transform waiting for its input".into(),
            },
            Kind::Filter | Kind::Effect => "effect waiting for its input".into(),
            _ => format!("function `{}` waiting for its input", b.name),
        };
    }
    match (on_pattern, on_sound, on_signal) {
        (true, true, _) => "transform waiting for its input".into(),
        (false, true, _) => "transform of sounds waiting for its input".into(),
        (true, false, _) => "transform of patterns waiting for its input".into(),
        (false, false, true) => "effect waiting for its input".into(),
        _ => "function waiting for its input".into(),
    }
}
