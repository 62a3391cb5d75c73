//! The types of the operators: `$`, `#`, `.`, unary minus, arithmetic, the structure
//! operators (`|+` and its family) and the shifts (`<~`, `~>`). Each takes the types
//! of its two sides and gives the result's, or the diagnostic of the side that does
//! not fit; a function on either side lifts the operator ([`FnType::Lift`]).

use super::explain::{
    missing_argument, mismatch, offset_on_sound, setter_without_value, transform_on_signal,
};
use super::infer::{apply, as_value, continuous_or_value, is_bare_continuous, Res};
use super::lists::collection_operand;
use super::control_builtins::sound_side;
use super::types::{join, FnType, Operator, Partial, Type};
use crate::diag::{Diagnostic, SrcSpan};
use crate::pattern::value::NumOp;
use crate::pattern::Structure;
use crate::syntax::ast::{BinOp, Side};

/// The operands of arithmetic, where a bare oscillator name beside a number or a
/// pattern is Tidal's continuous pattern (`sine * 0.5`, `1 - saw`, `sine + tri`).
/// Beside a signal or a function it stays the oscillator waiting for its frequency.
/// The evaluator decides the same way (`eval::ops::continuous_operands`).
fn continuous_operands(l: Type, r: Type) -> (Type, Type) {
    let fits = |t: &Type| matches!(t, Type::Number | Type::Pattern) || is_bare_continuous(t);
    if fits(&l) && fits(&r) {
        (continuous_or_value(l), continuous_or_value(r))
    } else {
        (l, r)
    }
}

pub(super) fn negate(t: Type) -> Type {
    match continuous_or_value(t) {
        // Reported by the caller.
        Type::List(_) | Type::Tuple(_) => Type::Error,
        Type::Sound { .. } => Type::Signal,
        Type::Function(f) => Type::Function(Box::new(FnType::Lift {
            op: Operator::Bin(BinOp::Arith {
                op: NumOp::Sub,
                structure: Structure::Both,
                plain: true,
            }),
            func: f,
            other: Type::Number,
            func_side: Side::Right,
        })),
        other => other,
    }
}

pub(super) fn binop(op: Operator, l: Type, ls: SrcSpan, r: Type, rs: SrcSpan) -> Res {
    match op {
        Operator::Hash => hash(l, ls, r, rs),
        Operator::Bin(b) => binary(b, l, ls, r, rs),
    }
}

/// Lifts `op` over whichever side is a function; `None` when neither is.
fn lift(op: Operator, l: &Type, r: &Type) -> Option<Type> {
    let t = match (l, r) {
        (Type::Function(f), Type::Function(g)) => FnType::LiftBoth {
            op,
            left: f.clone(),
            right: g.clone(),
        },
        (Type::Function(f), other) => FnType::Lift {
            op,
            func: f.clone(),
            other: other.clone(),
            func_side: Side::Left,
        },
        (other, Type::Function(g)) => FnType::Lift {
            op,
            func: g.clone(),
            other: other.clone(),
            func_side: Side::Right,
        },
        _ => return None,
    };
    Some(Type::Function(Box::new(t)))
}

pub(super) fn binary(b: BinOp, l: Type, ls: SrcSpan, r: Type, rs: SrcSpan) -> Res {
    let (l, r) = continuous_operands(as_value(l), as_value(r));
    if l == Type::Error || r == Type::Error {
        return Ok(Type::Error);
    }
    if let Some(d) = collection_operand(&b.symbol(), &l, ls, &r, rs) {
        return Err(d);
    }
    if let Some(t) = lift(Operator::Bin(b), &l, &r) {
        return Ok(t);
    }
    let sym = b.symbol();
    match b {
        BinOp::ShiftEarly | BinOp::ShiftLate => {
            match l {
                Type::Number | Type::Pattern => {}
                Type::Signal => {
                    return Err(mismatch("a number or a pattern", &l, ls).with_hint(format!(
                        "the time to shift by with `{sym}` is read per cycle; a signal has \
                         no events"
                    )))
                }
                _ => return Err(mismatch("a number or a pattern", &l, ls)),
            }
            match r {
                Type::Number => Ok(Type::Pattern),
                Type::Pattern | Type::Sound { .. } => Ok(r),
                Type::Signal => Err(transform_on_signal(&sym, rs)),
                _ => Err(mismatch("a pattern or a sound", &r, rs)),
            }
        }
        BinOp::Arith { op, plain, .. } => {
            if plain {
                if matches!(op, NumOp::Add | NumOp::Sub) {
                    for (a, b, bs) in [(&l, &r, rs), (&r, &l, ls)] {
                        if a.is_sound() && matches!(b, Type::Number | Type::Pattern) {
                            return Err(offset_on_sound(&sym, b, bs));
                        }
                    }
                }
                // Two sounds that both play mix their audio (`~kick + ~hats`); any
                // other two combine key by key (`n "0 2" + n "<12 7>"`).
                if l.is_sound() && r.is_sound() && !(l.plays() && r.plays()) {
                    return Ok(either_plays(&l, &r));
                }
                return Ok(join(&l, &r));
            }
            for (t, s) in [(&l, ls), (&r, rs)] {
                if *t == Type::Signal {
                    return Err(Diagnostic::error(
                        format!("`{sym}` cannot be used on a signal"),
                        s,
                    )
                    .with_label("this is a signal")
                    .with_hint(match op {
                        // Signals have no remainder operator.
                        NumOp::Mod => format!(
                            "`{sym}` combines the events of patterns; a signal has no events"
                        ),
                        _ => format!(
                            "`{sym}` combines the events of patterns and takes the structure \
                             from one side; a signal has no events: use `{}` for signals",
                            op.symbol()
                        ),
                    }));
                }
            }
            match (&l, &r) {
                (Type::Sound { .. }, Type::Sound { .. }) => Ok(either_plays(&l, &r)),
                (Type::Number, Type::Number) => Ok(Type::Number),
                (Type::Number | Type::Pattern, Type::Number | Type::Pattern) => Ok(Type::Pattern),
                (Type::Sound { .. }, other) => Err(mismatch("a sound", other, rs).with_hint(format!(
                    "name the control to change, e.g. `{sym} n 12` or `{sym} speed 2`"
                ))),
                (other, _) => Err(mismatch("a sound", other, ls)),
            }
        }
    }
}

/// `l # r`.
pub(super) fn hash(l: Type, ls: SrcSpan, r: Type, rs: SrcSpan) -> Res {
    let l = as_value(l);
    let r = as_value(r);
    if l == Type::Error || r == Type::Error {
        return Ok(Type::Error);
    }
    if let Some(d) = collection_operand("#", &l, ls, &r, rs) {
        return Err(d);
    }
    if let Some(control) = sound_side_control(&l, &r) {
        return hash(l, ls, control?, rs);
    }
    match (&l, &r) {
        // A function on the left composes: `fast 2 # lpf 800` is `x -> fast 2 x # lpf
        // 800`, the right side applied as `#` applies it (a setter sets its control).
        (Type::Function(f), Type::Function(_)) => Ok(Type::Function(Box::new(FnType::Lift {
            op: Operator::Hash,
            func: f.clone(),
            other: r.clone(),
            func_side: Side::Left,
        }))),
        (_, Type::Function(g)) => {
            if let Some(d) = setter_without_value(g, rs).or_else(|| missing_argument(g, &l, rs)) {
                return Err(d);
            }
            apply(g, l, ls, false)
        }
        (Type::Function(_), _) => Ok(lift(Operator::Hash, &l, &r).unwrap_or(Type::Error)),
        (_, Type::Signal) => Err(mismatch("a sound or a function after `#`", &r, rs)
            .with_hint("to set a control from a signal, name the control: `# pan (sine 0.25)`")),
        (Type::Sound { .. }, Type::Sound { .. }) => Ok(either_plays(&l, &r)),
        (Type::Number | Type::Pattern, Type::Number | Type::Pattern) => Ok(Type::Pattern),
        (Type::Signal, _) => Err(mismatch("a sound", &l, ls).with_hint(
            "`#` sets controls on each event of a sound, and a signal has no events; \
             to scale a signal use `*`",
        )),
        (Type::Sound { .. }, _) => Err(mismatch("a sound", &r, rs)
            .with_hint("name the control to set, e.g. `# gain \"1 0.5\"` or `# n 3`")),
        (_, _) => Err(mismatch("a sound", &l, ls).with_hint(
            "controls are set on a sound; make one with `s` or `n`, e.g. `s \"bd sn\" # gain 0.8`",
        )),
    }
}

/// `sound # lpf 800`: on a sound, a signal operation given one argument whose name
/// is a control too is that control (`check::control_builtins::sound_side`), typed
/// as the control applied to the argument. `None` when it is not such a case.
fn sound_side_control(l: &Type, r: &Type) -> Option<Res> {
    let (Type::Sound { .. }, Type::Function(g)) = (l, r) else {
        return None;
    };
    let FnType::Partial(p) = g.as_ref() else {
        return None;
    };
    let control = sound_side(p.builtin, p.args.len())?;
    let arg = p.args.first()?.clone()?;
    let span = p.spans.first().copied()?;
    Some(apply(&FnType::Partial(Partial::new(control)), arg, span, true))
}

/// `l . r`: both sides functions, `v -> l (r v)`.
pub(super) fn compose(l: Type, ls: SrcSpan, r: Type, rs: SrcSpan) -> Res {
    match (as_value(l), as_value(r)) {
        (Type::Error, _) | (_, Type::Error) => Ok(Type::Error),
        (Type::Function(f), Type::Function(g)) => Ok(Type::Function(Box::new(FnType::Compose {
            outer: f,
            inner: g,
        }))),
        (Type::Function(_), other) => Err(mismatch("a function after `.`", &other, rs)
            .with_hint("`.` composes two functions: `fast 2 . rev`; to apply one, use `$`")),
        (other, _) => Err(mismatch("a function before `.`", &other, ls)
            .with_hint("`.` composes two functions: `fast 2 . rev`; to apply one, use `$`")),
    }
}

/// `l $ r`.
pub(super) fn dollar(l: Type, ls: SrcSpan, r: Type, rs: SrcSpan, whole: SrcSpan) -> Res {
    if l == Type::Error || r == Type::Error {
        return Ok(Type::Error);
    }
    match (&l, &r) {
        (Type::Function(f), Type::Function(g)) => {
            if f.wants_function() {
                apply(f, r, rs, false)
            } else if g.only_optional_missing() {
                apply(f, as_value(r), rs, false)
            } else if f.only_optional_missing() {
                apply(g, as_value(l), ls, false)
            } else {
                Ok(Type::Function(Box::new(FnType::Compose {
                    outer: f.clone(),
                    inner: g.clone(),
                })))
            }
        }
        (Type::Function(f), _) => match missing_argument(f, &r, ls) {
            Some(d) => Err(d),
            None => apply(f, r, rs, false),
        },
        (_, Type::Function(g)) => match missing_argument(g, &l, rs) {
            Some(d) => Err(d),
            None => apply(g, l, ls, false),
        },
        _ => Err(Diagnostic::error(
            format!(
                "`$` applies a function, but neither side is one: found {} and {}",
                l.a(),
                r.a()
            ),
            whole,
        )),
    }
}

/// Two sounds combined (`#`, key-wise arithmetic, the values of one transform): the
/// result plays if either side does. Any other type is returned as `a`.
pub(super) fn either_plays(a: &Type, b: &Type) -> Type {
    match a {
        Type::Sound { plays } => Type::Sound {
            plays: *plays || b.plays(),
        },
        other => other.clone(),
    }
}
