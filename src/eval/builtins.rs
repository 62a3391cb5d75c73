//! Calling built-ins. Parameter lists, kinds, defaults and the implementations come
//! from the table ([`crate::check::signatures`]); this file converts the argument
//! values by their parameter types into [`Args`], calls a row's implementation, and
//! keeps what is the same for every built-in of a family: a transform's input kind
//! (pattern or sound) and the controls its sound samples from signals, a control's
//! signal sampling, maths on numbers, patterns or signals.

use std::sync::Arc;

use super::ops::num_pattern;
use super::{Ctx, EvalError, EvalResult, Func, Num, Parts, SampledControl, Sig, SoundVal, Val};
use crate::check::signatures::{lookup, Builtin, Imp, NumberFn, ParamTy, TransformFn};
use crate::diag::SrcSpan;
use crate::ir::Op;
use crate::pattern::transforms::{sound, Arg, ArgError, Args, Transform};
use crate::pattern::value::{Control, Value};
use crate::pattern::Pattern;
use crate::time::Rational;

/// Gives built-in `b`, which has `args` so far (`None` for optional parameters
/// skipped by `$`), one more argument: by juxtaposition the next parameter, by `$`
/// or `#` the one [`Builtin::input_slot`] picks. Calls it once it is complete.
pub(crate) fn apply_partial(
    ctx: &Ctx,
    b: &'static Builtin,
    args: &[Option<Val>],
    arg_spans: &[Option<SrcSpan>],
    (arg, arg_span): (Val, Option<SrcSpan>),
    juxtaposed: bool,
    span: SrcSpan,
) -> EvalResult<Val> {
    let slot = if juxtaposed {
        Some(args.len())
    } else {
        b.input_slot(args.len())
    };
    let Some(slot) = slot.filter(|i| *i < b.params.len()) else {
        return Err(
            EvalError::new(format!("too many arguments to `{}`", b.name), span)
                .with_hint(format!("usage: {}", b.usage())),
        );
    };
    let mut args = args.to_vec();
    args.resize(slot, None);
    let mut arg_spans = arg_spans.to_vec();
    arg_spans.resize(slot, None);
    match arg {
        // `within (0, 0.5)`: a pair fills a begin and an end.
        Val::Tuple(items) if items.len() == 2 && b.takes_pair(slot) => {
            for (v, item_span) in items {
                args.push(Some(v));
                arg_spans.push(Some(item_span));
            }
        }
        arg => {
            args.push(Some(arg));
            arg_spans.push(arg_span);
        }
    }
    if args.len() >= b.params.len() || (!juxtaposed && b.missing_required(args.len()) == 0) {
        return finish(ctx, b, args, &arg_spans, span);
    }
    Ok(Val::Func(Arc::new(Func::Partial {
        builtin: b,
        args,
        arg_spans,
        span,
    })))
}

/// Calls built-in `b` with the arguments given, optional ones that are missing
/// taking their defaults.
pub(crate) fn finish(
    ctx: &Ctx,
    b: &'static Builtin,
    args: Vec<Option<Val>>,
    arg_spans: &[Option<SrcSpan>],
    span: SrcSpan,
) -> EvalResult<Val> {
    let mut values = Vec::with_capacity(b.params.len());
    let mut spans: Vec<Option<SrcSpan>> = (0..b.params.len())
        .map(|i| arg_spans.get(i).copied().flatten())
        .collect();
    for (i, p) in b.params.iter().enumerate() {
        match (args.get(i).cloned().flatten(), p.default) {
            (Some(v), _) => values.push(v),
            (None, Some(d)) => values.push(Val::Num(Num::new(d))),
            (None, None) => {
                return Err(EvalError::new(
                    format!("`{}` is missing its `{}` argument", b.name, p.name),
                    span,
                )
                .with_hint(format!("usage: {}", b.usage())))
            }
        }
    }
    let input = if b.has_input {
        spans.pop();
        values.pop()
    } else {
        None
    };
    call(ctx, b, (values, spans), input, span)
}

/// Whether an argument value is a sound (for transforms that keep the kind).
#[derive(Clone, Copy, PartialEq, Eq)]
enum PatKind {
    Pattern,
    Sound,
}

impl Ctx {
    /// The value of a bare name: a built-in with no parameters is evaluated at once,
    /// any other waits for its arguments.
    pub(crate) fn reference(&self, name: &str, span: SrcSpan) -> EvalResult<Val> {
        let Some(b) = lookup(name) else {
            return Err(EvalError::new(format!("unknown function `{name}`"), span));
        };
        if b.params.is_empty() {
            return call(self, b, (Vec::new(), Vec::new()), None, span);
        }
        Ok(Val::Func(Arc::new(Func::Partial {
            builtin: b,
            args: Vec::new(),
            arg_spans: Vec::new(),
            span,
        })))
    }

    fn pat(&self, v: &Val, span: SrcSpan) -> EvalResult<Pattern<Value>> {
        self.to_pattern(v.clone(), span)
    }

    /// An argument converted for its parameter (a transform's for inputs of `kind`;
    /// the controls it samples, and those of the sounds it is given, added to
    /// `parts`, which also learns whether one of them plays). `prev` is the argument
    /// before it (`spread`'s function, applied to each element of the list after it).
    fn arg(
        &self,
        ty: ParamTy,
        v: &Val,
        prev: Option<&Val>,
        kind: PatKind,
        parts: &mut Parts,
        span: SrcSpan,
    ) -> EvalResult<Arg> {
        Ok(match ty {
            ParamTy::Transform => {
                let (t, made) = self.transform(v, kind, span)?;
                add_sampled(&mut parts.sampled, made.sampled);
                parts.plays |= made.plays;
                Arg::Transform(t)
            }
            ParamTy::ConstTime => Arg::Time(self.time(v, span)?),
            ParamTy::ConstNumber => Arg::Number(self.constant(v, span)?),
            ParamTy::Numeric => match v {
                Val::Num(n) => Arg::Number(n.value),
                other => Arg::Pattern(self.pat(other, span)?),
            },
            ParamTy::List(inner) => {
                let Val::List(items) = v else {
                    return Err(EvalError::new(
                        format!("expected a list, found {}", v.kind()),
                        span,
                    ));
                };
                let mut out = Vec::with_capacity(items.len());
                for (item, s) in items {
                    out.push(self.arg(*inner, item, prev, kind, parts, *s)?);
                }
                Arg::List(out)
            }
            ParamTy::Tuple(tys) => {
                let items = match v {
                    Val::Tuple(items) if items.len() == tys.len() => items,
                    other => {
                        return Err(EvalError::new(
                            format!("expected a tuple of {}, found {}", tys.len(), other.kind()),
                            span,
                        ))
                    }
                };
                let mut out = Vec::with_capacity(items.len());
                for (t, (item, s)) in tys.iter().zip(items) {
                    out.push(self.arg(*t, item, prev, kind, parts, *s)?);
                }
                Arg::Tuple(out)
            }
            ParamTy::Spreader => Arg::Used,
            ParamTy::SpreadArg => {
                let Some(f) = prev else {
                    return Err(EvalError::new("a value without its function", span));
                };
                let made = self.apply(f.clone(), v.clone(), span, span)?;
                self.arg(ParamTy::Transform, &made, None, kind, parts, span)?
            }
            ParamTy::Value => {
                if let Val::Sound(s) = v {
                    add_sampled(&mut parts.sampled, s.sampled.clone());
                    parts.plays |= s.plays;
                }
                Arg::Pattern(self.pat(v, span)?)
            }
            ParamTy::Time
            | ParamTy::Pattern
            | ParamTy::Control
            | ParamTy::Signal
            | ParamTy::Events => Arg::Pattern(self.pat(v, span)?),
        })
    }

    /// The arguments of `b` before its input, converted in parameter order.
    fn args(
        &self,
        b: &Builtin,
        values: &[Val],
        kind: PatKind,
        parts: &mut Parts,
        span: SrcSpan,
    ) -> EvalResult<Args> {
        let mut args = Vec::with_capacity(values.len());
        let mut prev = None;
        for (param, v) in b.params.iter().zip(values) {
            args.push(self.arg(param.ty, v, prev, kind, parts, span)?);
            prev = Some(v);
        }
        Ok(Args::new(args))
    }

    fn time(&self, v: &Val, span: SrcSpan) -> EvalResult<Rational> {
        match v {
            Val::Num(n) => Ok(n.time()),
            other => Err(EvalError::new(
                format!("expected a constant number here, found {}", other.kind()),
                span,
            )),
        }
    }

    fn constant(&self, v: &Val, span: SrcSpan) -> EvalResult<f64> {
        match v {
            Val::Num(n) => Ok(n.value),
            other => Err(EvalError::new(
                format!("expected a constant number here, found {}", other.kind()),
                span,
            )),
        }
    }

    /// A function value as a pattern transform for inputs of `kind`. It is tried once
    /// on silence, so that a function that cannot apply is reported now, with its
    /// span, rather than at query time. On sounds, the trial also tells what the
    /// function adds: the controls it samples, and whether it names what plays.
    fn transform(
        &self,
        f: &Val,
        kind: PatKind,
        span: SrcSpan,
    ) -> EvalResult<(Transform<Value>, Parts)> {
        let wrap = move |p: Pattern<Value>| match kind {
            PatKind::Pattern => Val::Pat(p),
            PatKind::Sound => Val::Sound(SoundVal::new(p)),
        };
        let trial = self.apply_input(f.clone(), wrap(Pattern::silence()), span)?;
        let made = match (trial, kind) {
            (Val::Pat(_), PatKind::Pattern) => Parts::default(),
            (Val::Sound(s), PatKind::Sound) => s.split().1,
            (other, _) => {
                let expected = match kind {
                    PatKind::Pattern => "a pattern",
                    PatKind::Sound => "a sound",
                };
                return Err(EvalError::new(
                    format!("this transform turns {expected} into {}", other.kind()),
                    span,
                ));
            }
        };
        let ctx = self.clone();
        let f = f.clone();
        let t: Transform<Value> = Arc::new(move |p: Pattern<Value>| {
            // Cannot fail: the same function applied to a value of the same kind
            // succeeded above, and application depends only on kinds.
            match ctx.apply_input(f.clone(), wrap(p), span) {
                Ok(Val::Pat(p)) => p,
                Ok(Val::Sound(s)) => s.pattern,
                _ => Pattern::silence(),
            }
        });
        Ok((t, made))
    }
}

/// Adds sampled controls to `to`, each (control, signal text) once.
fn add_sampled(to: &mut Vec<SampledControl>, more: Vec<SampledControl>) {
    for c in more {
        if !to.iter().any(|o| o.control == c.control && o.text == c.text) {
            to.push(c);
        }
    }
}

/// The controls a sound samples from signals, as (control, signal text).
fn sampled_keys(s: &SoundVal) -> Vec<(Control, String)> {
    let mut keys: Vec<(Control, String)> =
        s.sampled.iter().map(|c| (c.control, c.text.clone())).collect();
    keys.sort_by(|a, b| (a.0.name(), &a.1).cmp(&(b.0.name(), &b.1)));
    keys.dedup();
    keys
}

/// The kind of the values given to `b`'s `a`-typed parameters (directly or inside
/// lists and tuples) and of its `input`: sounds or patterns (`stack [s "a", s "b"]`
/// is a sound). A sound's controls sampled from signals apply to all its events, so
/// the sounds combined must sample the same ones: an error at the first that does
/// not.
fn combined_kind(
    b: &Builtin,
    values: &[Val],
    input: Option<&Val>,
    span: SrcSpan,
) -> EvalResult<PatKind> {
    struct Seen {
        kind: PatKind,
        sampled: Vec<(Control, String)>,
    }
    fn walk(ty: ParamTy, v: &Val, span: SrcSpan, seen: &mut Option<Seen>) -> EvalResult<()> {
        match (ty, v) {
            (ParamTy::Value, v) => {
                let (kind, sampled) = match v {
                    Val::Sound(s) => (PatKind::Sound, sampled_keys(s)),
                    _ => (PatKind::Pattern, Vec::new()),
                };
                match seen {
                    Some(first) if first.kind != kind => {
                        let (this, those) = match kind {
                            PatKind::Sound => ("a sound", "patterns"),
                            PatKind::Pattern => ("a pattern", "sounds"),
                        };
                        Err(EvalError::new(
                            format!("this is {this}, and the others are {those}"),
                            span,
                        ))
                    }
                    Some(first) if first.sampled != sampled => {
                        let show = |keys: &[(Control, String)]| {
                            if keys.is_empty() {
                                return "no control from a signal".to_string();
                            }
                            let parts: Vec<String> = keys
                                .iter()
                                .map(|(c, t)| format!("`{}` from `{t}`", c.name()))
                                .collect();
                            parts.join(", ")
                        };
                        Err(EvalError::new(
                            format!(
                                "this sound samples {}, the one before {}; sounds combined \
                                 into one sample the same signals",
                                show(&sampled),
                                show(&first.sampled)
                            ),
                            span,
                        )
                        .with_hint(
                            "a control sampled from a signal applies to every event of a sound: \
                             set it on the combination, e.g. `stack [a, b] # pan (sine 0.25)`",
                        ))
                    }
                    Some(_) => Ok(()),
                    None => {
                        *seen = Some(Seen { kind, sampled });
                        Ok(())
                    }
                }
            }
            (ParamTy::List(inner), Val::List(items)) => {
                items.iter().try_for_each(|(v, s)| walk(*inner, v, *s, seen))
            }
            (ParamTy::Tuple(tys), Val::Tuple(items)) => tys
                .iter()
                .zip(items)
                .try_for_each(|(t, (v, s))| walk(*t, v, *s, seen)),
            _ => Ok(()),
        }
    }
    let mut seen = None;
    if let Some(v) = input {
        walk(ParamTy::Value, v, span, &mut seen)?;
    }
    for (param, v) in b.params.iter().zip(values) {
        walk(param.ty, v, span, &mut seen)?;
    }
    Ok(seen.map_or(PatKind::Pattern, |s| s.kind))
}

/// What an implementation's [`ArgError`] says to the user, at the call's span.
fn arg_error(b: &Builtin, e: ArgError, span: SrcSpan) -> EvalError {
    let message = match e {
        ArgError::Missing(i) => format!("`{}` is missing argument {}", b.name, i + 1),
        ArgError::NotConstant { .. } => e.to_string(),
        ArgError::Kind { .. } => format!("`{}`: {e}", b.name),
    };
    EvalError::new(message, span)
}

/// Calls built-in `b` with all its parameters (`args`, defaults filled in) and, for
/// those that process one, its `input`; with each argument, where it was written
/// when known.
pub(crate) fn call(
    ctx: &Ctx,
    b: &Builtin,
    (args, arg_spans): (Vec<Val>, Vec<Option<SrcSpan>>),
    input: Option<Val>,
    span: SrcSpan,
) -> EvalResult<Val> {
    match b.imp {
        Imp::Signal(op) => {
            let mut finished = Vec::with_capacity(args.len());
            for a in args {
                finished.push(ctx.finalize(a, span)?);
            }
            let input = match input {
                Some(v) => Some(ctx.to_signal(v, span)?),
                None => None,
            };
            Ok(Val::Signal(Arc::new(Sig::Builtin {
                op,
                args: finished,
                arg_spans,
                input,
                span,
            })))
        }
        Imp::Maths {
            op,
            number,
            pattern,
        } => call_maths(ctx, b, (op, number, pattern), (args, arg_spans), input, span),
        Imp::Transform(imp) => call_transform(ctx, b, imp, &args, input, span),
        Imp::Combine(imp) => {
            let kind = combined_kind(b, &args, None, span)?;
            let mut parts = Parts::default();
            let args = ctx.args(b, &args, kind, &mut parts, span)?;
            let p = imp(&args).map_err(|e| arg_error(b, e, span))?;
            Ok(match kind {
                PatKind::Pattern => Val::Pat(p),
                PatKind::Sound => Val::Sound(SoundVal::from_parts(p, parts)),
            })
        }
        Imp::Source(imp) => {
            let args = ctx.args(b, &args, PatKind::Pattern, &mut Parts::default(), span)?;
            Ok(Val::Pat(imp(&args).map_err(|e| arg_error(b, e, span))?))
        }
        Imp::Continuous => crate::pattern::continuous::by_name(b.name)
            .map(Val::Pat)
            .ok_or_else(|| EvalError::new(format!("no continuous pattern `{}`", b.name), span)),
        Imp::Sound(imp) => {
            if args.is_empty() {
                return Err(EvalError::new(format!("`{}` needs a value", b.name), span));
            }
            let args = ctx.args(b, &args, PatKind::Pattern, &mut Parts::default(), span)?;
            let p = imp(&args).map_err(|e| arg_error(b, e, span))?;
            Ok(Val::Sound(SoundVal::playing(p)))
        }
        Imp::Control(control) => call_control(ctx, b, control, &args, span),
    }
}

fn call_control(
    ctx: &Ctx,
    b: &Builtin,
    control: Control,
    args: &[Val],
    span: SrcSpan,
) -> EvalResult<Val> {
    let Some(arg) = args.first() else {
        return Err(EvalError::new(format!("`{}` needs a value", b.name), span));
    };
    match ctx.finalize(arg.clone(), span)? {
        Val::Signal(sig) => {
            // Describe the signal by its own text where it has one (`sine 0.25`).
            let text_span = match &*sig {
                Sig::Builtin { span, .. } => *span,
                _ => span,
            };
            Ok(Val::Sound(ctx.sampled_control(control, sig, text_span)))
        }
        other => Ok(Val::Sound(SoundVal::new(sound::control(
            control,
            ctx.pat(&other, span)?,
        )))),
    }
}

/// The three implementations of a maths built-in: the graph operation, on numbers,
/// on patterns.
type MathsImp = (Op, NumberFn, TransformFn);

fn call_maths(
    ctx: &Ctx,
    b: &Builtin,
    (op, number, pattern): MathsImp,
    (args, arg_spans): (Vec<Val>, Vec<Option<SrcSpan>>),
    input: Option<Val>,
    span: SrcSpan,
) -> EvalResult<Val> {
    let Some(input) = input else {
        return Err(EvalError::new(format!("`{}` needs an input", b.name), span));
    };
    let input = ctx.finalize(input, span)?;
    let args: Vec<Val> = args
        .into_iter()
        .map(|a| ctx.finalize(a, span))
        .collect::<EvalResult<_>>()?;
    let all_numbers = std::iter::once(&input)
        .chain(args.iter())
        .all(|v| matches!(v, Val::Num(_)));
    let all_patterns = std::iter::once(&input)
        .chain(args.iter())
        .all(|v| matches!(v, Val::Num(_) | Val::Pat(_)));
    if all_numbers {
        // Constant folding: the same formula as the pattern version.
        let x = ctx.constant(&input, span)?;
        let a = ctx.args(b, &args, PatKind::Pattern, &mut Parts::default(), span)?;
        let y = number(&a, x).map_err(|e| arg_error(b, e, span))?;
        return Ok(Val::Num(Num::new(y)));
    }
    if all_patterns {
        let x = ctx.pat(&input, span)?;
        let a = ctx.args(b, &args, PatKind::Pattern, &mut Parts::default(), span)?;
        let p = pattern(&a, x).map_err(|e| arg_error(b, e, span))?;
        return Ok(Val::Pat(p));
    }
    // On signals: a node of the signal graph.
    Ok(Val::Signal(Arc::new(Sig::Builtin {
        op,
        args,
        arg_spans,
        input: Some(ctx.to_signal(input, span)?),
        span,
    })))
}

fn call_transform(
    ctx: &Ctx,
    b: &Builtin,
    imp: TransformFn,
    args: &[Val],
    input: Option<Val>,
    span: SrcSpan,
) -> EvalResult<Val> {
    let name = b.name;
    let Some(input) = input else {
        return Err(EvalError::new(
            format!("`{name}` needs a pattern to transform"),
            span,
        ));
    };
    let input = ctx.finalize(input, span)?;
    if b.params.iter().any(|p| p.ty == ParamTy::Value) {
        combined_kind(b, args, Some(&input), span)?;
    }
    let (kind, pat, mut parts) = match input {
        Val::Num(n) => (PatKind::Pattern, num_pattern(n), Parts::default()),
        Val::Pat(p) => (PatKind::Pattern, p, Parts::default()),
        Val::Sound(s) => {
            let (pattern, parts) = s.split();
            (PatKind::Sound, pattern, parts)
        }
        other => {
            return Err(EvalError::new(
                format!(
                    "`{name}` rearranges events in time, but it was given {}",
                    other.kind()
                ),
                span,
            )
            .with_hint("a signal has no events; apply the transform to the pattern that feeds it"))
        }
    };
    if b.sound_only && kind != PatKind::Sound {
        return Err(EvalError::new(
            format!(
                "`{name}` works on sounds (it sets sound controls), but it was given a pattern"
            ),
            span,
        )
        .with_hint("make a sound first, e.g. `s \"bd sn\"`"));
    }
    let args = ctx.args(b, args, kind, &mut parts, span)?;
    let out = imp(&args, pat).map_err(|e| arg_error(b, e, span))?;
    Ok(match kind {
        PatKind::Pattern => Val::Pat(out),
        PatKind::Sound => Val::Sound(SoundVal::from_parts(out, parts)),
    })
}
