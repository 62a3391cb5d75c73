//! The diagnostics that name the real mistake: an argument missing before a
//! built-in's input (`s "bd*2" $ every 4`), a control with no value (`# gain`), a
//! sound where a number or a frequency is needed, a number added to a sound's audio,
//! an unknown name that is a Tidal or SuperDirt name Phonon lacks, mini-notation
//! written without its quotes (`s bd*2`), and the usage line of a built-in on every
//! argument that does not fit (`every (fast 2) 3`). The inference (`infer`) calls
//! these where it finds the mismatch.

use super::names::foreign;
use super::signatures::{builtins, lookup, Builtin, Kind, ParamTy};
use super::types::{FnType, Partial, Type};
use crate::diag::{nearest, Diagnostic, SrcSpan};
use crate::syntax::ast::{BinOp, Expr, ExprKind, SectionOp, Side};
use crate::pattern::value::NumOp;
use crate::pattern::Structure;

/// The "too many arguments" error for `func arg` where `func` is not a function.
pub(crate) fn too_many(func: &Expr, found: &Type, arg_span: SrcSpan) -> Diagnostic {
    let mut head = func;
    while let ExprKind::Apply { func, .. } = &head.kind {
        head = func;
    }
    match &head.kind {
        ExprKind::Ident(name) if lookup(name).is_some() => {
            let d = Diagnostic::error(format!("too many arguments to `{name}`"), arg_span)
                .with_label("this argument is one too many");
            match lookup(name) {
                Some(b) if b.params.is_empty() => {
                    d.with_hint(format!("`{name}` takes no arguments"))
                }
                Some(b) => d.with_hint(format!("usage: `{}`", b.usage())),
                None => d,
            }
        }
        _ => Diagnostic::error(
            format!("too many arguments: {} is not a function", found.a()),
            arg_span,
        )
        .with_label("this argument cannot be applied"),
    }
}

pub(crate) fn mismatch(expected: &str, found: &Type, span: SrcSpan) -> Diagnostic {
    Diagnostic::error(format!("expected {expected}, found {}", found.a()), span)
        .with_label(format!("this is {}", found.a()))
}

pub(crate) fn transform_on_signal(name: &str, span: SrcSpan) -> Diagnostic {
    Diagnostic::error(
        format!("cannot apply the transform `{name}` to a signal"),
        span,
    )
    .with_label("this is a signal")
    .with_hint(format!(
        "transforms rearrange events in time, and a signal has no events; \
             apply `{name}` to the pattern that feeds the signal instead"
    ))
}

/// Adds the built-in's usage line to an error about one of its arguments, unless
/// the error already has one.
pub(crate) fn with_usage(d: Diagnostic, b: &Builtin) -> Diagnostic {
    if d.hints.iter().any(|h| h.starts_with("usage:")) {
        return d;
    }
    d.with_hint(format!("usage: `{}`", b.usage()))
}

/// The error for a name that is neither a built-in nor a bus.
pub(crate) fn unknown_name(name: &str, span: SrcSpan) -> Diagnostic {
    if let Some(origin) = foreign(name) {
        return Diagnostic::error(
            format!("`{name}` is {} Phonon does not have yet", origin.noun()),
            span,
        )
        .with_label("not in Phonon")
        .with_hint("`phonon functions` lists what Phonon has");
    }
    let mut d = Diagnostic::error(format!("unknown function `{name}`"), span);
    if let Some(n) = nearest(name, builtins().iter().map(|b| b.name)) {
        d = d.with_hint(format!("did you mean `{n}`?"));
    }
    d
}

/// `s bd*2`: an unknown name given to a parameter that takes mini-notation, and the
/// links of the chain after it that belong to the same unquoted text (`*2`, ` sn`).
/// The error and how many of `rest` it takes in.
pub(crate) fn unquoted(t: &Type, arg: &Expr, rest: &[&Expr]) -> Option<(Diagnostic, usize)> {
    let Type::Function(f) = t else { return None };
    let FnType::Partial(p) = &**f else {
        return None;
    };
    let param = p.builtin.params.get(p.args.len())?;
    let ExprKind::Ident(name) = &arg.kind else {
        return None;
    };
    if param.ty != ParamTy::Pattern || lookup(name).is_some() {
        return None;
    }
    let mut text = name.clone();
    let mut span = arg.span;
    let mut taken = 0;
    for link in rest {
        match &link.kind {
            ExprKind::Apply { arg, .. } => {
                text.push(' ');
                text.push_str(&show_expr(arg));
                span = span.join(arg.span);
            }
            ExprKind::Binary {
                op:
                    BinOp::Arith {
                        op: op @ (NumOp::Mul | NumOp::Div),
                        structure: Structure::Both,
                        ..
                    },
                right,
                ..
            } => {
                text.push_str(op.symbol());
                text.push_str(&show_expr(right));
                span = span.join(right.span);
            }
            _ => break,
        }
        taken += 1;
    }
    let d = Diagnostic::error(
        format!("`{text}` is mini-notation: it goes in quotes"),
        span,
    )
    .with_label("not quoted")
    .with_hint(format!("write `{} \"{text}\"`", p.builtin.name));
    Some((d, taken))
}

/// `s "bd" # gain`: a control given no value, used as a function of the sound.
pub(crate) fn setter_without_value(g: &FnType, span: SrcSpan) -> Option<Diagnostic> {
    let FnType::Partial(p) = g else { return None };
    if p.builtin.kind != Kind::Control || !p.args.is_empty() || p.builtin.has_input {
        return None;
    }
    let name = p.builtin.name;
    let example = if p.builtin.params.first().is_some_and(|q| q.ty == ParamTy::Pattern) {
        format!("`# {name} \"bd sn\"`")
    } else {
        format!("`# {name} 0.8` or `# {name} \"1 0.5\"`")
    };
    Some(
        Diagnostic::error(format!("the control `{name}` has no value"), span)
            .with_label(format!("`{name}` needs a value"))
            .with_hint(format!("give it one: {example}")),
    )
}

/// `x $ every 4`, `x # every 4`: the function's next required parameter is not its
/// input, and the value given fits the input, not that parameter: the function is
/// missing an argument. `fspan` is the function's.
pub(crate) fn missing_argument(f: &FnType, arg: &Type, fspan: SrcSpan) -> Option<Diagnostic> {
    let FnType::Partial(p) = f else { return None };
    let b = p.builtin;
    if !b.has_input {
        return None;
    }
    let slot = b.input_slot(p.args.len())?;
    let input = b.params.len().checked_sub(1)?;
    if slot == input {
        return None;
    }
    let param = b.params.get(slot)?;
    let value = matches!(
        arg,
        Type::Number | Type::Pattern | Type::Sound { .. } | Type::Signal
    );
    let missing_here = match param.ty {
        ParamTy::Transform => value,
        ParamTy::Time | ParamTy::ConstTime | ParamTy::Pattern => {
            matches!(arg, Type::Sound { .. } | Type::Signal)
        }
        _ => false,
    };
    if !missing_here {
        return None;
    }
    let names: Vec<String> = b.params[slot..input]
        .iter()
        .filter(|q| q.default.is_none())
        .map(|q| format!("`{}`", q.name))
        .collect();
    let (s, list) = match names.as_slice() {
        [one] => ("", one.clone()),
        [init @ .., last] => ("s", format!("{} and {last}", init.join(", "))),
        [] => return None,
    };
    Some(
        Diagnostic::error(
            format!("`{}` is missing an argument: it still needs {list}", b.name),
            fspan,
        )
        .with_label(format!("needs {list} before its input"))
        .with_hint(format!(
            "usage: `{}`; give the argument{s} before `$` or `#` applies it",
            b.usage()
        )),
    )
}

/// A sound given to a parameter that is not an input (`saw (n "36 48")`): as a
/// signal, a sound is the audio of its voices, not the values of its controls.
pub(crate) fn sound_as_value(p: &Partial, ty: ParamTy, span: SrcSpan) -> Diagnostic {
    let b = p.builtin;
    let name = b.params.get(p.args.len()).map_or("value", |q| q.name);
    let d = Diagnostic::error(
        format!("`{name}` of `{}` needs a number, a pattern or a signal, found a sound", b.name),
        span,
    )
    .with_label("this is a sound (a pattern of controls)");
    if ty == ParamTy::Control {
        return d.with_hint(format!(
            "a control takes values, not controls: `# {} \"1 0.5\"`",
            b.name
        ));
    }
    d.with_hint(format!(
        "used as a signal, a sound is the audio its voices play, not its numbers: give \
         the pattern itself, such as `{} (mtof \"36 48\")` for notes or `{} \"110 220\"` \
         for Hz",
        b.name, b.name
    ))
}

/// `~melody + 12` with `~melody` a sound: plain arithmetic on a sound works on its
/// audio, so this adds a constant (DC) to it.
pub(crate) fn offset_on_sound(sym: &str, other: &Type, span: SrcSpan) -> Diagnostic {
    Diagnostic::error(
        format!(
            "`{sym}` with a sound and {} offsets the sound's audio by a constant",
            other.a()
        ),
        span,
    )
    .with_label(format!("{} {sym} a sound's audio", other.a()))
    .with_hint(format!(
        "to change the notes, name the control: `|{sym} n 12`; to mix, add another sound \
         or a signal; to scale the audio, `*`"
    ))
}

/// The expression as source-like text, for messages. A left-associative chain is
/// written out in a loop along its left spine (`Expr::left_spine`), each link's left
/// side in parentheses unless it is an atom (or, for an application, an application
/// itself), as `(a + b) + c`: a flat chain of any length costs no stack.
pub fn show_expr(e: &Expr) -> String {
    fn atomic(e: &Expr) -> bool {
        matches!(
            e.kind,
            ExprKind::Number { .. }
                | ExprKind::Str { .. }
                | ExprKind::Bus(_)
                | ExprKind::Ident(_)
                | ExprKind::Section { .. }
                | ExprKind::List(_)
                | ExprKind::Tuple(_)
        )
    }
    fn atom(e: &Expr) -> String {
        if atomic(e) {
            show_expr(e)
        } else {
            format!("({})", show_expr(e))
        }
    }
    let (first, links) = e.left_spine();
    if !links.is_empty() {
        // Each link's left side is the text so far; parentheses around it all open
        // at the start, so they are counted and written there at the end.
        let mut text = show_expr(first);
        let mut opens = 0;
        let mut left = first;
        for link in links {
            let bare = atomic(left)
                || matches!(
                    (&link.kind, &left.kind),
                    (ExprKind::Apply { .. }, ExprKind::Apply { .. })
                );
            if !bare {
                text.push(')');
                opens += 1;
            }
            let right = match &link.kind {
                ExprKind::Apply { arg, .. } => format!(" {}", atom(arg)),
                ExprKind::Hash { right, .. } => format!(" # {}", atom(right)),
                ExprKind::Binary { op, right, .. } => {
                    format!(" {} {}", op.symbol(), atom(right))
                }
                _ => String::new(),
            };
            text.push_str(&right);
            left = link;
        }
        return "(".repeat(opens) + &text;
    }
    match &e.kind {
        ExprKind::Number { value, .. } => format!("{value}"),
        ExprKind::Str { text, .. } => format!("\"{text}\""),
        ExprKind::Bus(n) => format!("~{n}"),
        ExprKind::Ident(n) => n.clone(),
        ExprKind::List(items) => {
            let parts: Vec<String> = items.iter().map(show_expr).collect();
            format!("[{}]", parts.join(", "))
        }
        ExprKind::Tuple(items) => {
            let parts: Vec<String> = items.iter().map(show_expr).collect();
            format!("({})", parts.join(", "))
        }
        ExprKind::Apply { .. } | ExprKind::Hash { .. } | ExprKind::Binary { .. } => {
            String::new()
        }
        ExprKind::Dollar { left, right } => format!("{} $ {}", atom(left), atom(right)),
        ExprKind::Compose { left, right } => format!("{} . {}", atom(left), atom(right)),
        ExprKind::Neg(x) => format!("-{}", atom(x)),
        ExprKind::Section {
            op,
            operand,
            operand_side,
        } => {
            let o = match op {
                SectionOp::Hash => "#".to_string(),
                SectionOp::Binary(b) => b.symbol(),
            };
            match operand_side {
                Side::Right => format!("({o} {})", atom(operand)),
                Side::Left => format!("({} {o})", atom(operand)),
            }
        }
    }
}
