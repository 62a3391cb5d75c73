//! Inference of one expression's type, and application of function types.
//!
//! The checker is an abstract interpreter over types: a function's type records how
//! the function was built ([`FnType`]), and applying it to an argument type computes
//! the result type, reporting the first mismatch as a [`Diagnostic`].

use std::collections::HashMap;

use super::literal::check_argument;
use super::explain::{
    mismatch, sound_as_value, too_many,
    transform_on_signal, unknown_name, unquoted, with_usage,
};
use super::signatures::{lookup, ParamTy, Ret};
use super::const_value;
use super::lists::{collection_operand, disagreement};
use super::operators::{binary, binop, compose, dollar, either_plays, hash, negate};
use super::types::{fn_noun, join, FnType, Item, Operator, Partial, Type};
use crate::diag::SrcSpan;
use crate::syntax::MAX_DEPTH;
use crate::diag::{nearest, Diagnostic};
use crate::syntax::ast::{Expr, ExprKind, SectionOp, Side};

pub(super) type Res = Result<Type, Diagnostic>;

/// Infers expression types, collecting diagnostics and the type of every expression.
pub(crate) struct Infer<'a> {
    /// The defined buses and their types.
    pub buses: &'a HashMap<String, Type>,
    pub diags: Vec<Diagnostic>,
    pub types: HashMap<SrcSpan, Type>,
    /// The voice definitions' names (`~pluck` is played by `s "~pluck"`, not read).
    pub voices: &'a [String],
    /// Inside a voice's body: its parameters' names (each a signal).
    params: Vec<String>,
}

thread_local! {
    /// Whether the expression being inferred is a voice's body, where an envelope's
    /// trigger may be a signal (the voice's gate). Set by [`Infer::voice_body`].
    static IN_VOICE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn in_voice() -> bool {
    IN_VOICE.with(|v| v.get())
}

impl<'a> Infer<'a> {
    pub fn new(buses: &'a HashMap<String, Type>) -> Infer<'a> {
        Infer {
            buses,
            diags: Vec::new(),
            types: HashMap::new(),
            voices: &[],
            params: Vec::new(),
        }
    }

    /// Infers the body of a voice with parameters `params`: each a signal, buses out
    /// of reach (a voice is computed on its own, once per event).
    pub fn voice_body(&mut self, params: &[String], body: &Expr) -> Type {
        self.params = params.to_vec();
        IN_VOICE.with(|v| v.set(true));
        let t = self.expr(body);
        IN_VOICE.with(|v| v.set(false));
        self.params.clear();
        t
    }

    fn report(&mut self, r: Res) -> Type {
        match r {
            Ok(t) => t,
            Err(d) => {
                self.diags.push(d);
                Type::Error
            }
        }
    }

    /// An expression that is not a link of a chain. Inlined into `expr`: one frame
    /// per level of nesting.
    #[inline(always)]
    fn single(&mut self, e: &Expr) -> Type {
        let t = match &e.kind {
            ExprKind::Number { .. } => Type::Number,
            ExprKind::Str { .. } => Type::Pattern,
            ExprKind::Bus(name) if in_voice() => {
                self.diags.push(
                    Diagnostic::error(
                        format!("a voice cannot read the bus `~{name}`"),
                        e.span,
                    )
                    .with_label("a bus outside the voice")
                    .with_hint(
                        "a voice is computed on its own for each event: use its parameters, \
                         numbers and signal operations",
                    ),
                );
                Type::Error
            }
            ExprKind::Bus(name) if self.voices.contains(name) => {
                self.diags.push(
                    Diagnostic::error(format!("`~{name}` is a voice, not a signal"), e.span)
                        .with_label("a voice plays once per event")
                        .with_hint(format!("play it with a sound: `s \"~{name}\"`")),
                );
                Type::Error
            }
            ExprKind::Bus(name) => match self.buses.get(name) {
                Some(t) => t.clone(),
                None => {
                    let mut d = Diagnostic::error(format!("undefined bus `~{name}`"), e.span)
                        .with_label("no bus of this name is defined");
                    let mut known: Vec<&str> = self.buses.keys().map(String::as_str).collect();
                    known.sort_unstable();
                    if let Some(n) = nearest(name, known.iter().copied()) {
                        d = d.with_hint(format!("did you mean `~{n}`?"));
                    } else if known.is_empty() {
                        d = d.with_hint("no bus is defined; define one with `~name: expr`");
                    } else {
                        let list: Vec<String> = known.iter().map(|k| format!("~{k}")).collect();
                        d = d.with_hint(format!("the defined buses are {}", list.join(", ")));
                    }
                    self.diags.push(d);
                    Type::Error
                }
            },
            ExprKind::Ident(name) if self.params.contains(name) => Type::Signal,
            ExprKind::Ident(name) => match lookup(name) {
                Some(b) if b.params.is_empty() => finish(&Partial::new(b)),
                Some(b) => Type::Function(Box::new(FnType::Partial(Partial::new(b)))),
                None => {
                    self.diags.push(unknown_name(name, e.span));
                    Type::Error
                }
            },
            ExprKind::Apply { .. } | ExprKind::Hash { .. } | ExprKind::Binary { .. } => {
                Type::Error
            }
            ExprKind::List(items) => {
                let items = self.items(items);
                match disagreement(&items) {
                    Some(d) => {
                        self.diags.push(d);
                        Type::Error
                    }
                    None => Type::List(items),
                }
            }
            ExprKind::Tuple(items) => Type::Tuple(self.items(items)),
            ExprKind::Dollar { left, right } => {
                let l = self.expr(left);
                let r = self.expr(right);
                let res = dollar(l, left.span, r, right.span, e.span);
                self.report(res)
            }
            ExprKind::Compose { left, right } => {
                let l = self.expr(left);
                let r = self.expr(right);
                let res = compose(l, left.span, r, right.span);
                self.report(res)
            }
            ExprKind::Neg(x) => {
                let t = as_value(self.expr(x));
                if let Some(d) = collection_operand("-", &t, x.span, &Type::Error, x.span) {
                    self.diags.push(d);
                }
                negate(t)
            }
            ExprKind::Section {
                op,
                operand,
                operand_side,
            } => {
                let t = self.expr(operand);
                if t == Type::Error {
                    Type::Error
                } else {
                    let op = match op {
                        SectionOp::Hash => Operator::Hash,
                        SectionOp::Binary(b) => Operator::Bin(*b),
                    };
                    Type::Function(Box::new(FnType::Section {
                        op,
                        operand: t,
                        operand_side: *operand_side,
                    }))
                }
            }
        };
        self.types.insert(e.span, t.clone());
        t
    }

    /// The types of the elements of a list or tuple, each standing for its value.
    fn items(&mut self, items: &[Expr]) -> Vec<Item> {
        items
            .iter()
            .map(|e| Item {
                ty: as_value(self.expr(e)),
                span: e.span,
            })
            .collect()
    }

    /// The type of `e`. A left-associative chain (application, `#`, arithmetic) is
    /// typed in a loop along its left spine (`Expr::left_spine`): only the right
    /// operands are recursed into, so a flat chain of any length costs no stack.
    ///
    /// Numbers fold and signals become nodes of the graph, so such chains may be of
    /// any length; but a pattern, a sound or a function made by a link wraps the one
    /// before it, and is queried or applied by recursion through every link: past
    /// [`MAX_DEPTH`] such links in a row, an error at the operand that goes past.
    pub fn expr(&mut self, e: &Expr) -> Type {
        let (first, links) = e.left_spine();
        let mut t = self.single(first);
        let mut wrapped = 0;
        // Links taken in by an unquoted mini-notation (`s bd*2`), already reported.
        let mut swallowed = 0;
        for (i, link) in links.iter().enumerate() {
            if swallowed > 0 {
                swallowed -= 1;
                continue;
            }
            let operand = match &link.kind {
                ExprKind::Apply { arg: r, .. }
                | ExprKind::Hash { right: r, .. }
                | ExprKind::Binary { right: r, .. } => r.span,
                _ => link.span,
            };
            t = match &link.kind {
                ExprKind::Apply { func, arg } => {
                    if let Some((d, n)) = unquoted(&t, arg, &links[i + 1..]) {
                        self.diags.push(d);
                        swallowed = n;
                        t = Type::Error;
                        continue;
                    }
                    let ta = self.expr(arg);
                    let found = match (&t, ta != Type::Error) {
                        (Type::Function(f), true) => match &**f {
                            FnType::Partial(p) => {
                                p.builtin.params.get(p.args.len()).and_then(|prm| {
                                    check_argument(p.builtin, prm, arg, const_value(arg))
                                        .or_else(|| super::lists::check_spread_values(p, prm, arg))
                                })
                            }
                            _ => None,
                        },
                        _ => None,
                    };
                    if let Some(d) = found {
                        self.diags.push(d);
                        t = Type::Error;
                        continue;
                    }
                    match t {
                        Type::Error => Type::Error,
                        Type::Function(f) => {
                            let r = apply(&f, ta, arg.span, true);
                            self.report(r)
                        }
                        other => {
                            let d = too_many(func, &other, arg.span);
                            self.diags.push(d);
                            Type::Error
                        }
                    }
                }
                ExprKind::Hash { left, right } => {
                    let r = self.expr(right);
                    let res = hash(t, left.span, r, right.span);
                    self.report(res)
                }
                ExprKind::Binary { op, left, right } => {
                    let r = self.expr(right);
                    let res = binary(*op, t, left.span, r, right.span);
                    self.report(res)
                }
                _ => t,
            };
            let made = match t {
                Type::Pattern => Some("a pattern"),
                Type::Sound { .. } => Some("a sound"),
                Type::Function(_) => Some("a function"),
                _ => None,
            };
            if let Some(made) = made {
                wrapped += 1;
                if wrapped > MAX_DEPTH {
                    self.diags.push(
                        Diagnostic::error(
                            format!(
                                "{made} nested too deeply: more than {MAX_DEPTH} operators \
                                 in a row on patterns, sounds or functions"
                            ),
                            operand,
                        )
                        .with_hint("split it into buses (`~part: ...`)"),
                    );
                    return Type::Error;
                }
            } else {
                wrapped = 0;
            }
            self.types.insert(link.span, t.clone());
        }
        t
    }
}

/// A function whose only missing parameters are optional stands for its result.
pub(crate) fn as_value(t: Type) -> Type {
    match t {
        Type::Function(f) => match *f {
            FnType::Partial(p) if p.builtin.missing_required(p.args.len()) == 0 => {
                let mut p = p;
                while p.args.len() < p.builtin.params.len() {
                    p.args.push(None);
                    p.spans.push(SrcSpan::default());
                }
                finish(&p)
            }
            other => Type::Function(Box::new(other)),
        },
        other => other,
    }
}

/// [`as_value`], except that an oscillator's bare name with a continuous twin
/// (`sine`, `saw`, `square`, `tri`) is a pattern.
pub(super) fn continuous_or_value(t: Type) -> Type {
    if is_bare_continuous(&t) {
        return Type::Pattern;
    }
    as_value(t)
}

/// An oscillator's name with no argument, whose continuous twin has the same name.
pub(super) fn is_bare_continuous(t: &Type) -> bool {
    matches!(t, Type::Function(f) if matches!(&**f, FnType::Partial(p)
        if p.args.is_empty() && crate::pattern::continuous::is_name(p.builtin.name)))
}

/// The result of a builtin whose parameters are all given or defaulted.
fn finish(p: &Partial) -> Type {
    let given = || p.args.iter().flatten();
    if given().any(|t| *t == Type::Error) {
        return Type::Error;
    }
    match p.builtin.result {
        Ret::Same => p.t.clone().unwrap_or(Type::Error),
        Ret::Pattern => Type::Pattern,
        // `s` and `sound` name what plays; the other controls do not.
        Ret::Sound => Type::Sound {
            plays: matches!(p.builtin.imp, super::signatures::Imp::Sound(_)),
        },
        Ret::Signal => Type::Signal,
        Ret::Widest => {
            let mut t = Type::Number;
            for (prm, a) in p.builtin.params.iter().zip(&p.args) {
                if let (ParamTy::Numeric, Some(a)) = (prm.ty, a) {
                    t = join(&t, a);
                }
            }
            if t.is_sound() {
                Type::Signal
            } else {
                t
            }
        }
    }
}

/// Applies a function type to an argument type. `juxt`: application by juxtaposition
/// (fills the next parameter, optional or not); otherwise `$`/`#` (fills the next
/// required parameter, leaving skipped optional ones at their defaults, and closes
/// the remaining optional ones). `span` is the argument's, for errors about it.
pub(crate) fn apply(f: &FnType, arg: Type, span: SrcSpan, juxt: bool) -> Res {
    if arg == Type::Error {
        return Ok(Type::Error);
    }
    match f {
        FnType::Partial(p) => apply_partial(p, arg, span, juxt),
        FnType::Compose { outer, inner } => {
            let v = apply(inner, arg, span, false)?;
            apply(outer, v, span, false)
        }
        FnType::Section {
            op,
            operand,
            operand_side,
        } => match operand_side {
            Side::Right => binop(*op, arg, span, operand.clone(), span),
            Side::Left => binop(*op, operand.clone(), span, arg, span),
        },
        FnType::Lift {
            op,
            func,
            other,
            func_side,
        } => {
            let v = apply(func, arg, span, false)?;
            match func_side {
                Side::Left => binop(*op, v, span, other.clone(), span),
                Side::Right => binop(*op, other.clone(), span, v, span),
            }
        }
        FnType::LiftBoth { op, left, right } => {
            let a = apply(left, arg.clone(), span, false)?;
            let b = apply(right, arg, span, false)?;
            binop(*op, a, span, b, span)
        }
    }
}

fn apply_partial(p: &Partial, arg: Type, span: SrcSpan, juxt: bool) -> Res {
    let mut p = p.clone();
    let slot = if juxt {
        Some(p.args.len())
    } else {
        p.builtin.input_slot(p.args.len())
    };
    let Some(param) = slot.and_then(|i| p.builtin.params.get(i)) else {
        // Unreachable for a well-formed partial (it would have been its result).
        return Err(Diagnostic::error(
            format!("too many arguments to `{}`", p.builtin.name),
            span,
        ));
    };
    let slot = slot.unwrap_or_default();
    while p.args.len() < slot {
        p.args.push(None);
        p.spans.push(SrcSpan::default());
    }
    match arg {
        // `within (0, 0.5)`: a pair fills a begin and an end.
        Type::Tuple(items) if items.len() == 2 && p.builtin.takes_pair(slot) => {
            for item in items {
                let t = fill(&mut p, ParamTy::ConstTime, item.ty, item.span)
                    .map_err(|d| with_usage(d, p.builtin))?;
                p.args.push(Some(t));
                p.spans.push(item.span);
            }
        }
        arg => {
            let arg =
                fill(&mut p, param.ty, arg, span).map_err(|d| with_usage(d, p.builtin))?;
            p.args.push(Some(arg));
            p.spans.push(span);
        }
    }
    let done = p.args.len() >= p.builtin.params.len();
    if done || (!juxt && p.builtin.missing_required(p.args.len()) == 0) {
        while p.args.len() < p.builtin.params.len() {
            p.args.push(None);
            p.spans.push(SrcSpan::default());
        }
        Ok(finish(&p))
    } else {
        Ok(Type::Function(Box::new(FnType::Partial(p))))
    }
}

/// Checks an argument against a parameter type, binding the transform's type
/// variable; returns the argument's type as the parameter sees it.
pub(super) fn fill(p: &mut Partial, ty: ParamTy, arg: Type, span: SrcSpan) -> Res {
    let arg = match ty {
        ParamTy::Transform => arg,
        // A bare oscillator name where a pattern fits is Tidal's continuous pattern
        // (`# pan sine`, `range 1 5 saw`); as a signal it still needs a frequency.
        ParamTy::Time | ParamTy::Pattern | ParamTy::Control | ParamTy::Value => {
            continuous_or_value(arg)
        }
        // The input of maths on patterns (`range 1 5 saw`, `quantise 1 sine`).
        ParamTy::Signal | ParamTy::Numeric
            if p.builtin.kind == crate::signature::Kind::Maths
                && p.builtin.has_input
                && p.args.len() + 1 == p.builtin.params.len() =>
        {
            continuous_or_value(arg)
        }
        _ => as_value(arg),
    };
    if arg == Type::Error {
        return Ok(Type::Error);
    }
    let name = p.builtin.name;
    if let Some(r) = super::lists::fill(p, ty, &arg, span) {
        return r;
    }
    match ty {
        ParamTy::Time | ParamTy::ConstTime | ParamTy::Pattern => match arg {
            Type::Number | Type::Pattern => Ok(arg),
            Type::Signal if ty != ParamTy::Pattern => {
                Err(
                    mismatch("a number or a pattern", &arg, span).with_hint(format!(
                "the time arguments of `{name}` are read per event and cycle; a signal has no \
                 events: use a number or a pattern such as \"<1 2>\""
            )),
                )
            }
            _ => Err(mismatch("a number or a pattern", &arg, span)),
        },
        ParamTy::Signal | ParamTy::Control
            if arg.is_sound() && !(p.builtin.has_input && p.args.len() + 1 == p.builtin.params.len()) =>
        {
            Err(sound_as_value(p, ty, span))
        }
        ParamTy::Control | ParamTy::Signal | ParamTy::Numeric => match arg {
            Type::Function(_) => Err(mismatch(
                if ty == ParamTy::Control {
                    "a number, a pattern or a signal"
                } else {
                    "a signal (or a number, pattern or sound)"
                },
                &arg,
                span,
            )),
            _ => Ok(arg),
        },
        // Lists, tuples, `spread`'s function and values, weights: `lists::fill`.
        ParamTy::List(_)
        | ParamTy::Tuple(_)
        | ParamTy::ConstNumber
        | ParamTy::Spreader
        | ParamTy::SpreadArg => Ok(arg),
        ParamTy::Events => match arg {
            Type::Number | Type::Pattern | Type::Sound { .. } => Ok(arg),
            // Inside a voice, an envelope opens and closes with a signal (its gate).
            Type::Signal if in_voice() => Ok(arg),
            Type::Signal => Err(mismatch("a pattern", &arg, span).with_hint(
                "an envelope is retriggered by the events of a pattern, and a signal has no events",
            )),
            _ => Err(mismatch("a pattern", &arg, span)),
        },
        ParamTy::Value => {
            let v = match arg {
                Type::Number => Type::Pattern,
                Type::Pattern | Type::Sound { .. } => arg,
                Type::Signal => return Err(transform_on_signal(name, span)),
                _ => {
                    let exp =
                        p.t.as_ref()
                            .map_or("a pattern or a sound".to_string(), Type::a);
                    return Err(mismatch(&exp, &arg, span));
                }
            };
            match &p.t {
                None => {
                    p.t = Some(v.clone());
                    Ok(v)
                }
                // Values of one transform agree in kind; the result plays if any
                // of them does (`overlay (n "0") (s "x")`).
                Some(t) if t.same_kind(&v) => {
                    let merged = either_plays(t, &v);
                    p.t = Some(merged.clone());
                    Ok(merged)
                }
                Some(t) => {
                    let mut d = mismatch(&t.a(), &v, span);
                    if p.builtin.sound_only {
                        d = d.with_hint(format!(
                            "`{name}` works on sounds; make one with `s`, `n`, `note`, ... \
                             (`s \"bd sn\"`)"
                        ));
                    }
                    Err(d)
                }
            }
        }
        ParamTy::Transform => {
            let Type::Function(f) = &arg else {
                let arg = as_value(arg);
                return Err(mismatch("a transform", &arg, span).with_hint(
                    "a transform is a function from pattern to pattern or sound to sound, \
                     such as `rev`, `(fast 2)` or `(# speed 2)`",
                ));
            };
            let works = |t: &Type| apply(f, t.clone(), span, false);
            match p.t.clone() {
                Some(t) => match works(&t) {
                    // A transform of sounds may name what plays (`every 2 (# s "x")`).
                    Ok(r) if r.same_kind(&t) => {
                        p.t = Some(either_plays(&t, &r));
                        Ok(arg)
                    }
                    other => {
                        let mut d = mismatch(&format!("a transform of {t}s"), &arg, span);
                        if let Err(inner) = other {
                            d = d.with_hint(format!("applied to {}: {}", t.a(), inner.message));
                        }
                        Err(d)
                    }
                },
                None => {
                    let wp = works(&Type::Pattern) == Ok(Type::Pattern);
                    let on_sound = works(&Type::CONTROLS).ok().filter(Type::is_sound);
                    match (wp, on_sound) {
                        (true, Some(_)) => {}
                        (true, None) => p.t = Some(Type::Pattern),
                        (false, Some(r)) => p.t = Some(r),
                        (false, None) => {
                            return Err(mismatch("a transform", &arg, span).with_hint(
                                "a transform is a function from pattern to pattern or sound \
                                 to sound, such as `rev`, `(fast 2)` or `(# speed 2)`",
                            ))
                        }
                    }
                    Ok(arg)
                }
            }
        }
    }
}

/// Describes a function type in user words ("effect waiting for its input").
pub(crate) fn describe_fn(f: &FnType) -> String {
    match f {
        FnType::Partial(p) => fn_noun(Some(p), false, false, false),
        _ => {
            let works = |t: Type| {
                apply(f, t.clone(), SrcSpan::default(), false).is_ok_and(|r| r.same_kind(&t))
            };
            fn_noun(
                None,
                works(Type::Pattern),
                works(Type::CONTROLS),
                works(Type::Signal),
            )
        }
    }
}
