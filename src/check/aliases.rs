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
//! Not here: `brown_noise`, `pulse`, `supersaw` and the other `super*` names need
//! synths Phonon does not have yet; they are unknown names.

use crate::diag::{Diagnostic, SrcSpan};
use crate::syntax::ast::{Expr, ExprKind, Program, SectionOp, StatementKind};
use crate::syntax::dialect::{self, Form, Use};

/// An earlier name of a built-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Alias {
    pub old: &'static str,
    /// The built-in's name today (a row of `check::signatures`).
    pub modern: &'static str,
    /// The numbers of arguments (at least, at most) with which the earlier engine
    /// read the first argument as the input; `None` for a source (no input).
    pub input_first: Option<(usize, usize)>,
    /// What a user of the old name should know, when something differs.
    pub note: Option<&'static str>,
}

/// Every earlier name, in the order `phonon functions` lists them.
pub const ALIASES: &[Alias] = &[
    Alias {
        old: "white_noise",
        modern: "noise",
        input_first: None,
        note: None,
    },
    Alias {
        old: "pink_noise",
        modern: "pink",
        input_first: None,
        note: None,
    },
    Alias {
        old: "moog_ladder",
        modern: "moog",
        input_first: Some((3, 3)),
        note: Some(
            "`moog_ladder input cutoff resonance` is `moog cutoff resonance input` (or `input # moog cutoff resonance`)",
        ),
    },
    Alias {
        old: "distort",
        modern: "distortion",
        input_first: Some((2, 3)),
        note: Some(
            "`distort input drive [mix]` is `distortion drive [mix] input`; on a sound it distorts the sound's mix (SuperDirt's per-voice `distort` control is not there yet)",
        ),
    },
    Alias {
        old: "dist",
        modern: "distortion",
        input_first: Some((2, 3)),
        note: Some("`dist input drive [mix]` is `distortion drive [mix] input`"),
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

/// `old a1 a2 a3`, an earlier name applied to the arguments that made `a1` its
/// input, becomes `old a2 a3 a1`, the modern order (the name is renamed by the walk).
/// With all its arguments (`moog_ladder ~bass 400 0.7`) the first is the input
/// wherever the call stands; with fewer (`distort ~bass 4`, the mix left out) only
/// outside a chain (`~bass # distort 4 0.7` takes its input from the chain).
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
    let head = cur.span;
    match alias(name).and_then(|a| a.input_first) {
        Some((lo, hi)) if n == hi || (!chained && (lo..hi).contains(&n)) => {}
        _ => return,
    }
    // The argument slots, outermost first: `[a3, a2, a1]`.
    let mut slots: Vec<&mut Expr> = Vec::with_capacity(n);
    let mut cur = &mut *e;
    while let ExprKind::Apply { func, arg } = &mut cur.kind {
        slots.push(&mut **arg);
        cur = &mut **func;
    }
    let mut values: Vec<Expr> = slots
        .iter_mut()
        .map(|s| {
            let hole = Expr {
                kind: ExprKind::Ident(String::new()),
                span: s.span,
            };
            std::mem::replace(&mut **s, hole)
        })
        .collect();
    // `[a1, a3, a2]`: the input into the outermost slot, the others one further in.
    values.rotate_right(1);
    let ends: Vec<usize> = values.iter().map(|v| v.span.end).collect();
    for (slot, v) in slots.into_iter().zip(values) {
        *slot = v;
    }
    // Each application spans its head and the arguments it holds.
    let mut cur = &mut *e;
    let mut i = 0;
    while matches!(cur.kind, ExprKind::Apply { .. }) {
        let end = ends.get(i..).and_then(|r| r.iter().max().copied());
        cur.span = SrcSpan::new(head.start, end.unwrap_or(head.end));
        i += 1;
        let ExprKind::Apply { func, .. } = &mut cur.kind else {
            break;
        };
        cur = &mut **func;
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
