//! The earlier engine's names of built-ins that have a modern equivalent: the one
//! table of them (old name, modern name). The front end renames them in the syntax
//! tree before the checker and the evaluator read it ([`modernize`]), each name with
//! one warning; `phonon functions` lists them, and `phonon functions white_noise`
//! shows the modern row.
//!
//! The earlier engine called an effect with its input first when it was given all
//! its arguments (`moog_ladder ~bass 400 0.7`) and through the chain otherwise
//! (`~bass # moog_ladder 400 0.7`). A row says how many arguments made the first one
//! the input; such a call is rewritten with the input last, as the modern built-in
//! takes it (`moog 400 0.7 ~bass`), so the old line means what it meant.
//!
//! `pulse`, `supersaw` and `fm` kept their names, so they are built-ins, not rows
//! here.

use crate::diag::{Diagnostic, SrcSpan};
use crate::syntax::ast::{Expr, ExprKind, Program, SectionOp, StatementKind};
use crate::syntax::dialect::{self, Form, Use};
use crate::time::Rational;

/// An earlier name of a built-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Alias {
    pub old: &'static str,
    /// The built-in's name today (a row of `check::signatures`).
    pub modern: &'static str,
    /// The numbers of arguments (at least, at most) with which the earlier engine
    /// read the first argument as the input; `None` for a source (no input).
    pub input_first: Option<(usize, usize)>,
    /// How many parameters the modern built-in takes besides its input.
    pub params: usize,
    /// The earlier engine's defaults of the last parameters where they differ from
    /// today's (`distort`'s mix was 0.5, `distortion`'s is 1): written in when a call
    /// leaves them out.
    pub earlier_defaults: &'static [&'static str],
    /// What a user of the old name should know, when something differs.
    pub note: Option<&'static str>,
}

/// Every earlier name, in the order `phonon functions` lists them.
pub const ALIASES: &[Alias] = &[
    Alias {
        old: "white_noise",
        modern: "noise",
        input_first: None,
        params: 0,
        earlier_defaults: &[],
        note: None,
    },
    Alias {
        old: "brown_noise",
        modern: "brown",
        input_first: None,
        params: 0,
        earlier_defaults: &[],
        note: None,
    },
    Alias {
        old: "pink_noise",
        modern: "pink",
        input_first: None,
        params: 0,
        earlier_defaults: &[],
        note: None,
    },
    Alias {
        old: "moog_ladder",
        modern: "moog",
        input_first: Some((3, 3)),
        params: 2,
        earlier_defaults: &[],
        note: Some(
            "`moog_ladder input cutoff resonance` is `moog cutoff resonance input` (or `input # moog cutoff resonance`)",
        ),
    },
    Alias {
        old: "distort",
        modern: "distortion",
        input_first: Some((2, 3)),
        params: 2,
        earlier_defaults: &["0.5"],
        note: Some(
            "`distort input drive [mix]` is `distortion drive mix input`, the mix 0.5 when left out (`distortion`'s is 1); on a sound it distorts the sound's mix (SuperDirt's per-voice `distort` control is not there yet)",
        ),
    },
    Alias {
        old: "dist",
        modern: "distortion",
        input_first: Some((2, 3)),
        params: 2,
        earlier_defaults: &["0.5"],
        note: Some(
            "`dist input drive [mix]` is `distortion drive mix input`, the mix 0.5 when left out (`distortion`'s is 1)",
        ),
    },
];

/// The row of an earlier name.
pub fn alias(old: &str) -> Option<&'static Alias> {
    ALIASES.iter().find(|a| a.old == old)
}

/// Renames the earlier names in `program` to the modern ones (reordering the calls
/// that gave the input first), and returns one warning per old name used, at its
/// first use (`source` for the line numbers of the others).
pub fn modernize(source: &str, program: &mut Program) -> Vec<Diagnostic> {
    let mut uses = Vec::new();
    for st in &mut program.statements {
        match &mut st.kind {
            StatementKind::Tempo { value: e, .. }
            | StatementKind::Bus { expr: e, .. }
            | StatementKind::Voice { expr: e, .. }
            | StatementKind::Output { expr: e, .. } => walk(e, &mut uses),
            StatementKind::Limit { .. } | StatementKind::Hush => {}
        }
    }
    dialect::warnings(source, uses)
}

/// Walks the tree with an explicit stack (no tree is too deep for it). Each node
/// comes with whether its input comes from around it (the right of `#`, a side of
/// `$` or `.`, a `#` section: the earlier engine's chain) and whether it is the top
/// of its application chain.
fn walk(root: &mut Expr, uses: &mut Vec<Use>) {
    let mut stack: Vec<(&mut Expr, bool, bool)> = vec![(root, false, true)];
    while let Some((e, chained, top)) = stack.pop() {
        if top {
            input_last(e, chained);
        }
        match &mut e.kind {
            ExprKind::Ident(name) => {
                if let Some(a) = alias(name) {
                    uses.push(Use {
                        form: Form::OldName,
                        span: e.span,
                        old: a.old.to_string(),
                        modern: a.modern.to_string(),
                        note: a.note,
                    });
                    *name = a.modern.to_string();
                }
            }
            ExprKind::Number { .. } | ExprKind::Str { .. } | ExprKind::Bus(_) => {}
            ExprKind::List(items) | ExprKind::Tuple(items) => {
                stack.extend(items.iter_mut().map(|x| (x, false, true)));
            }
            ExprKind::Apply { func, arg } => {
                stack.push((func, chained, false));
                stack.push((arg, false, true));
            }
            ExprKind::Hash { left, right } => {
                stack.push((left, false, true));
                stack.push((right, true, true));
            }
            ExprKind::Dollar { left, right } | ExprKind::Compose { left, right } => {
                stack.push((left, true, true));
                stack.push((right, true, true));
            }
            ExprKind::Binary { left, right, .. } => {
                stack.push((left, false, true));
                stack.push((right, false, true));
            }
            ExprKind::Section {
                op: SectionOp::Hash,
                operand,
                ..
            } => stack.push((operand, true, true)),
            ExprKind::Section { operand: a, .. } | ExprKind::Neg(a) => {
                stack.push((a, false, true))
            }
        }
    }
}

/// An application of an earlier name rewritten into the modern order. `old a1 a2 a3`,
/// given the arguments that made `a1` its input, becomes `old a2 a3 a1` (the name is
/// renamed by the walk): with all its arguments (`moog_ladder ~bass 400 0.7`) the
/// first is the input wherever the call stands; with fewer (`distort ~bass 4`, the
/// mix left out) only outside a chain (`~bass # distort 4 0.7` takes its input from
/// the chain). Parameters left out that the earlier engine gave another default
/// (`Alias::earlier_defaults`) are written in, so `distort ~bass 4` is
/// `distortion 4 0.5 ~bass`.
fn input_last(e: &mut Expr, chained: bool) {
    let mut n = 0;
    let mut cur = &*e;
    while let ExprKind::Apply { func, .. } = &cur.kind {
        n += 1;
        cur = func;
    }
    let ExprKind::Ident(name) = &cur.kind else {
        return;
    };
    let Some(a) = alias(name) else { return };
    let input_first = match a.input_first {
        Some((lo, hi)) => n == hi || (!chained && (lo..hi).contains(&n)),
        None => false,
    };
    let given = if input_first { n - 1 } else { n };
    let missing = a.params.saturating_sub(given);
    let fill = match a.earlier_defaults.len().checked_sub(missing) {
        Some(skip) if missing > 0 => a.earlier_defaults.get(skip..).unwrap_or(&[]),
        _ => &[],
    };
    if !input_first && fill.is_empty() {
        return;
    }
    // Take the call apart: its head and its arguments, first one first.
    let whole = e.span;
    let mut args = Vec::with_capacity(n + fill.len());
    let mut cur = std::mem::replace(e, hole(whole));
    let head = loop {
        match std::mem::replace(&mut cur.kind, ExprKind::Ident(String::new())) {
            ExprKind::Apply { func, arg } => {
                args.push(*arg);
                cur = *func;
            }
            kind => {
                cur.kind = kind;
                break cur;
            }
        }
    };
    args.reverse();
    if input_first && !args.is_empty() {
        let input = args.remove(0);
        args.extend(fill.iter().map(|&v| number(v, whole)));
        args.push(input);
    } else {
        args.extend(fill.iter().map(|&v| number(v, whole)));
    }
    // Put it back together; each application spans its head and the arguments it holds.
    let start = head.span.start;
    let mut end = head.span.end;
    let mut call = head;
    for arg in args {
        end = end.max(arg.span.end);
        call = Expr {
            span: SrcSpan::new(start, end),
            kind: ExprKind::Apply {
                func: Box::new(call),
                arg: Box::new(arg),
            },
        };
    }
    *e = call;
}

/// A placeholder while a call is taken apart.
fn hole(span: SrcSpan) -> Expr {
    Expr {
        kind: ExprKind::Ident(String::new()),
        span,
    }
}

/// A number written in by the rewrite (an earlier default), at the call's span.
fn number(text: &'static str, span: SrcSpan) -> Expr {
    let exact = Rational::parse_decimal(text);
    let value = exact.map_or(0.0, |r| r.to_f64());
    Expr {
        kind: ExprKind::Number { value, exact },
        span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_modern_name_is_a_builtin_and_no_old_one_is() {
        for a in ALIASES {
            assert!(
                super::super::signatures::lookup(a.modern).is_some(),
                "{} is no built-in",
                a.modern
            );
            assert!(
                super::super::signatures::lookup(a.old).is_none(),
                "{} is a built-in of its own",
                a.old
            );
        }
    }
}
