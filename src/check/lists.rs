//! The checker's rules for lists and tuples: the elements of a list agree (an error at
//! the first that does not, saying what the list holds), and the parameters that take
//! lists, tuples, `spread`'s function and its values (`signature::ParamTy::List`,
//! `Tuple`, `Spreader`, `SpreadArg`, and the constant weights, `ConstNumber`).

use super::explain::mismatch;
use super::literal::check_argument;
use super::infer::{apply, fill as fill_param};
use super::const_value;
use super::signatures::{Param, ParamTy};
use super::types::FnType;
use crate::syntax::ast::{Expr, ExprKind};
use super::types::{Item, Partial, Type};
use crate::diag::{Diagnostic, SrcSpan};

type Res = Result<Type, Diagnostic>;

/// Checks `arg` against a parameter of type `ty` where lists or tuples are involved:
/// `None` when the general rules (`infer::fill`) apply.
pub(super) fn fill(p: &mut Partial, ty: ParamTy, arg: &Type, span: SrcSpan) -> Option<Res> {
    if matches!(arg, Type::List(_) | Type::Tuple(_))
        && !matches!(ty, ParamTy::List(_) | ParamTy::Tuple(_) | ParamTy::SpreadArg)
    {
        let mut d = mismatch(expected(ty), arg, span);
        if matches!(ty, ParamTy::Value | ParamTy::Pattern) && matches!(arg, Type::List(_)) {
            d = d.with_hint("combine the elements of a list with `stack [...]` or `cat [...]`");
        }
        return Some(Err(d));
    }
    match ty {
        ParamTy::List(_)
        | ParamTy::Tuple(_)
        | ParamTy::ConstNumber
        | ParamTy::Spreader
        | ParamTy::SpreadArg => Some(collection(p, ty, arg.clone(), span)),
        _ => None,
    }
}

/// The parameters [`fill`] takes on.
fn collection(p: &mut Partial, ty: ParamTy, arg: Type, span: SrcSpan) -> Res {
    let name = p.builtin.name;
    let fill = fill_param;
    match ty {
    ParamTy::List(inner) => {
        let Type::List(items) = arg else {
            // The parameters before the list, by name: `selectF position [a, b]`.
            let before: String = p.builtin.params[..p.args.len().min(p.builtin.params.len())]
                .iter()
                .map(|prm| format!(" {}", prm.name))
                .collect();
            return Err(mismatch("a list", &arg, span).with_hint(format!(
                "a list is written in brackets: `{name}{before} [a, b]`"
            )));
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if *inner == ParamTy::Value && item.ty == Type::Signal {
                return Err(mismatch("a pattern or a sound", &item.ty, item.span).with_hint(
                    format!(
                        "`{name}` arranges events, and a signal has none; \
                         to mix signals, add them: `a + b`"
                    ),
                ));
            }
            let ty = fill(p, *inner, item.ty, item.span)?;
            out.push(Item {
                ty,
                span: item.span,
            });
        }
        Ok(Type::List(out))
    }
    ParamTy::Tuple(tys) => {
        let items = match arg {
            Type::Tuple(items) if items.len() == tys.len() => items,
            other => {
                let what = if tys.len() == 2 { "a pair" } else { "a tuple" };
                return Err(mismatch(
                    &format!("{what} {}", ty.word(p.builtin.sound_only)),
                    &other,
                    span,
                ))
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for (t, item) in tys.iter().zip(items) {
            let ty = fill(p, *t, item.ty, item.span)?;
            out.push(Item {
                ty,
                span: item.span,
            });
        }
        Ok(Type::Tuple(out))
    }
    ParamTy::ConstNumber => match arg {
        Type::Number => Ok(arg),
        _ => Err(mismatch("a constant number", &arg, span)),
    },
    ParamTy::Spreader => match arg {
        Type::Function(_) => Ok(arg),
        _ => Err(mismatch("a function", &arg, span).with_hint(format!(
            "`{name}` applies a function to each value of the list, such as `fast` in \
             `{name} fast [1, 2]`"
        ))),
    },
    ParamTy::SpreadArg => {
        // The function before the list, applied to this element, must be a
        // transform of the input.
        let Some(Some(Type::Function(f))) = p.args.last().cloned() else {
            return Ok(arg);
        };
        let made = apply(&f, arg.clone(), span, true)?;
        fill(p, ParamTy::Transform, made, span)?;
        Ok(arg)
    }
        // Only the types above are routed here.
        _ => Ok(arg),
    }
}

/// What a parameter of this type expects, for messages.
pub(super) fn expected(ty: ParamTy) -> &'static str {
    match ty {
        ParamTy::Time | ParamTy::ConstTime | ParamTy::Pattern => "a number or a pattern",
        ParamTy::Control => "a number, a pattern or a signal",
        ParamTy::Signal | ParamTy::Numeric => "a signal (or a number, pattern or sound)",
        ParamTy::Events => "a pattern",
        ParamTy::Value => "a pattern or a sound",
        ParamTy::Transform => "a transform",
        ParamTy::ConstNumber => "a constant number",
        ParamTy::Spreader => "a function",
        ParamTy::List(_) => "a list",
        ParamTy::Tuple(_) => "a tuple",
        ParamTy::SpreadArg => "a value",
    }
}

/// Whether two element types can stand in one list: numbers and patterns together
/// (a number is a pattern), any two functions, tuples element by element.
fn agree(a: &Type, b: &Type) -> bool {
    use Type::*;
    match (a, b) {
        (Error, _) | (_, Error) => true,
        (Number | Pattern, Number | Pattern) => true,
        (Number | Signal, Number | Signal) => true,
        (Sound { .. }, Sound { .. }) | (Function(_), Function(_)) => true,
        (List(x), List(y)) => match (x.first(), y.first()) {
            (Some(x), Some(y)) => agree(&x.ty, &y.ty),
            _ => true,
        },
        (Tuple(x), Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| agree(&x.ty, &y.ty))
        }
        _ => false,
    }
}

/// The first element of a list that does not agree with the first one.
pub(super) fn disagreement(items: &[Item]) -> Option<Diagnostic> {
    let first = items.iter().find(|i| i.ty != Type::Error)?;
    let odd = items.iter().find(|i| !agree(&first.ty, &i.ty))?;
    Some(
        Diagnostic::error(
            format!(
                "this list holds {}, but this element is {}",
                first.ty.plural(),
                odd.ty.a()
            ),
            odd.span,
        )
        .with_label(format!("this is {}", odd.ty.a()))
        .with_hint("the elements of a list are all of one kind: patterns, sounds, functions, numbers or tuples of the same shape"),
    )
}

/// A list or tuple used as an operand of `op`: an error at it.
pub(super) fn collection_operand(op: &str, l: &Type, ls: SrcSpan, r: &Type, rs: SrcSpan) -> Option<Diagnostic> {
    [(l, ls), (r, rs)]
        .into_iter()
        .find(|(t, _)| matches!(t, Type::List(_) | Type::Tuple(_)))
        .map(|(t, s)| {
            Diagnostic::error(format!("`{op}` cannot be used on {}", t.a()), s)
                .with_label(format!("this is {}", t.a()))
                .with_hint("combine the elements of a list first, with `stack [...]` or `cat [...]`")
        })
}


/// The values of `spread f [x, y]` as arguments of `f`: what the checker can tell from
/// their text (`spread fast ["x", 2]` gives `fast` a word), as for a direct argument.
pub(super) fn check_spread_values(p: &Partial, prm: &Param, arg: &Expr) -> Option<Diagnostic> {
    if prm.ty != ParamTy::List(&ParamTy::SpreadArg) {
        return None;
    }
    let Some(Some(Type::Function(f))) = p.args.last() else {
        return None;
    };
    let FnType::Partial(q) = &**f else {
        return None;
    };
    let param = q.builtin.params.get(q.args.len())?;
    let ExprKind::List(items) = &arg.kind else {
        return None;
    };
    items
        .iter()
        .find_map(|e| check_argument(q.builtin, param, e, const_value(e)))
}
