//! What the checker can tell from the text of an argument: a constant number, or
//! the atoms of a mini-notation string, which are known before anything plays.
//! A word where the parameter needs a number (`fast "bd"`, `sine "bd"`), a
//! probability outside 0..1 (`degradeBy 2`), a factor past the transforms' density
//! bound, where every event vanishes (`fast 100000`), are errors here, with the
//! built-in's usage line. The parameter's type and [`Limit`] come from the table.

use super::signatures::{Builtin, Limit, Param, ParamTy};
use crate::diag::{Diagnostic, SrcSpan};
use crate::mini::ast::{parse_f64, AtomKind, Kind};
use crate::pattern::transforms::timing::MAX_DENSITY;
use crate::pattern::value::parse_note_name;
use crate::syntax::ast::{Expr, ExprKind};

/// True when the parameter reads its values as numbers (note names count: `c4` is
/// 60, and as a frequency 261.6 Hz).
fn needs_number(param: &Param) -> bool {
    matches!(
        param.ty,
        ParamTy::Time | ParamTy::ConstTime | ParamTy::Signal | ParamTy::Control | ParamTy::Numeric
    )
}

/// A word that reads as a number: a note name or a chord (`c4`, `e'min7`).
fn numeric_word(word: &str) -> bool {
    parse_note_name(word).is_some() || word.contains('\'')
}

/// The errors of `arg`, written for the parameter `param` of `b`: the first
/// offending atom of a string, or the constant.
pub(crate) fn check_argument(
    b: &Builtin,
    param: &Param,
    arg: &Expr,
    constant: Option<f64>,
) -> Option<Diagnostic> {
    let usage = || format!("usage: `{}`", b.usage());
    if let ExprKind::Str {
        text,
        content_start,
    } = &arg.kind
    {
        // A string that does not parse is reported by the string check.
        let tree = crate::mini::parse_tree(text).ok()?;
        for atom in tree.value_atoms() {
            let Kind::Atom(kind, word) = &atom.kind else {
                continue;
            };
            let span = SrcSpan::new(content_start + atom.start, content_start + atom.end);
            match kind {
                AtomKind::Word
                    if param.limit == Limit::Boolean
                        && !matches!(word.as_str(), "t" | "true" | "x" | "f" | "false") =>
                {
                    return Some(
                        Diagnostic::error(
                            format!(
                                "`{}` reads `t`, `true`, `x` or `1` as true and `f`, `false` \
                                 or `0` as false, found the word `{word}`",
                                b.name
                            ),
                            span,
                        )
                        .with_label("not a boolean")
                        .with_hint(format!("{}, such as \"t ~ t t\" or \"1 0 1 1\"", usage())),
                    );
                }
                AtomKind::Word if needs_number(param) && !numeric_word(word) => {
                    return Some(
                        Diagnostic::error(
                            format!(
                                "`{}` of `{}` needs a number, found the word `{word}`",
                                param.name, b.name
                            ),
                            span,
                        )
                        .with_label("not a number")
                        .with_hint(format!(
                            "{}; give numbers or note names, such as \"1 2\", \"<1 2>\" \
                             or \"c4 e4\"",
                            usage()
                        )),
                    );
                }
                AtomKind::Num => {
                    if let Some(d) = parse_f64(word).and_then(|v| limit(b, param, v, span, false))
                    {
                        return Some(d);
                    }
                }
                AtomKind::Word => {}
            }
        }
        return None;
    }
    constant.and_then(|v| limit(b, param, v, arg.span, true))
}

/// The error for a value of `param` outside its [`Limit`]. `constant`: the whole
/// argument is this number (a zero factor is an error only then: in a pattern,
/// `fast "<1 0>"` silences every other cycle on purpose).
fn limit(b: &Builtin, param: &Param, v: f64, span: SrcSpan, constant: bool) -> Option<Diagnostic> {
    let name = b.name;
    let max = MAX_DENSITY as f64;
    let vanish = |why: String| {
        Diagnostic::error(
            format!("`{name} {v}` plays nothing: {why}"),
            span,
        )
        .with_label(format!("{} {v}", param.name))
    };
    match param.limit {
        Limit::Any => None,
        Limit::Probability if !(0.0..=1.0).contains(&v) => Some(
            Diagnostic::error(
                format!("a probability is between 0 and 1, found {v}"),
                span,
            )
            .with_label(format!("`{}` of `{name}`", param.name))
            .with_hint(format!(
                "0 is never and 1 is always: write e.g. `{name} {}`",
                if v > 1.0 { "1" } else { "0" }
            )),
        ),
        Limit::Density if v.abs() > max => Some(
            vanish(format!(
                "past a factor of {MAX_DENSITY} (events per cycle) every event vanishes"
            ))
            .with_hint(format!("a transform makes at most {MAX_DENSITY} events per cycle; use a smaller {}", param.name)),
        ),
        Limit::Density if constant && v == 0.0 => {
            Some(vanish("a factor of 0 leaves no event".into()))
        }
        Limit::InverseDensity if constant && v == 0.0 => {
            Some(vanish("a factor of 0 leaves no event".into()))
        }
        Limit::InverseDensity if v != 0.0 && (1.0 / v).abs() > max => Some(
            vanish(format!(
                "slowing by less than 1/{MAX_DENSITY} makes more than {MAX_DENSITY} events \
                 per cycle, and every event vanishes"
            ))
            .with_hint("use `fast` with a factor of at most 65536"),
        ),
        _ => None,
    }
}
