//! Calling built-ins. Parameter lists, kinds, defaults and the implementations come
//! from the table ([`crate::check::signatures`]); this file converts the argument
//! values by their parameter types into [`Args`], calls a row's implementation, and
//! keeps what is the same for every built-in of a family: a transform's input kind
//! (pattern or sound) and the controls its sound samples from signals, a control's
//! signal sampling, maths on numbers, patterns or signals.

use std::sync::Arc;

use super::ops::num_pattern;
use super::{Ctx, EvalError, EvalResult, Func, Num, SampledControl, Sig, SoundVal, Val};
use crate::check::signatures::{lookup, Builtin, Imp, NumberFn, Param, ParamTy, TransformFn};
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
    args.push(Some(arg));
    let mut arg_spans = arg_spans.to_vec();
    arg_spans.resize(slot, None);
    arg_spans.push(arg_span);
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

    /// An argument converted for its parameter (a transform's for inputs of `kind`,
    /// the controls it samples added to `sampled`).
    fn arg(
        &self,
        param: &Param,
        v: &Val,
        kind: PatKind,
        sampled: &mut Vec<SampledControl>,
        span: SrcSpan,
    ) -> EvalResult<Arg> {
        Ok(match param.ty {
            ParamTy::Transform => {
                let (t, more) = self.transform(v, kind, span)?;
                sampled.extend(more);
                Arg::Transform(t)
            }
            ParamTy::ConstTime => Arg::Time(self.time(v, span)?),
            ParamTy::Numeric => match v {
                Val::Num(n) => Arg::Number(n.value),
                other => Arg::Pattern(self.pat(other, span)?),
            },
            ParamTy::Time
            | ParamTy::Pattern
            | ParamTy::Value
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
        sampled: &mut Vec<SampledControl>,
        span: SrcSpan,
    ) -> EvalResult<Args> {
        let mut args = Vec::with_capacity(values.len());
        for (param, v) in b.params.iter().zip(values) {
            args.push(self.arg(param, v, kind, sampled, span)?);
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
    /// span, rather than at query time.
    fn transform(
        &self,
        f: &Val,
        kind: PatKind,
        span: SrcSpan,
    ) -> EvalResult<(Transform<Value>, Vec<SampledControl>)> {
        let wrap = move |p: Pattern<Value>| match kind {
            PatKind::Pattern => Val::Pat(p),
            PatKind::Sound => Val::Sound(SoundVal::new(p)),
        };
        let trial = self.apply_input(f.clone(), wrap(Pattern::silence()), span)?;
        let sampled = match (&trial, kind) {
            (Val::Pat(_), PatKind::Pattern) => Vec::new(),
            (Val::Sound(s), PatKind::Sound) => s.sampled.clone(),
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
        Ok((t, sampled))
    }
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
        Imp::Source(imp) => {
            let args = ctx.args(b, &args, PatKind::Pattern, &mut Vec::new(), span)?;
            Ok(Val::Pat(imp(&args).map_err(|e| arg_error(b, e, span))?))
        }
        Imp::Continuous => crate::pattern::continuous::by_name(b.name)
            .map(Val::Pat)
            .ok_or_else(|| EvalError::new(format!("no continuous pattern `{}`", b.name), span)),
        Imp::Sound(imp) => {
            if args.is_empty() {
                return Err(EvalError::new(format!("`{}` needs a value", b.name), span));
            }
            let args = ctx.args(b, &args, PatKind::Pattern, &mut Vec::new(), span)?;
            let p = imp(&args).map_err(|e| arg_error(b, e, span))?;
            Ok(Val::Sound(SoundVal::new(p)))
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
        let a = ctx.args(b, &args, PatKind::Pattern, &mut Vec::new(), span)?;
        let y = number(&a, x).map_err(|e| arg_error(b, e, span))?;
        return Ok(Val::Num(Num::new(y)));
    }
    if all_patterns {
        let x = ctx.pat(&input, span)?;
        let a = ctx.args(b, &args, PatKind::Pattern, &mut Vec::new(), span)?;
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
    let (kind, pat, mut sampled) = match ctx.finalize(input, span)? {
        Val::Num(n) => (PatKind::Pattern, num_pattern(n), Vec::new()),
        Val::Pat(p) => (PatKind::Pattern, p, Vec::new()),
        Val::Sound(s) => (PatKind::Sound, s.pattern, s.sampled),
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
    let args = ctx.args(b, args, kind, &mut sampled, span)?;
    let out = imp(&args, pat).map_err(|e| arg_error(b, e, span))?;
    Ok(match kind {
        PatKind::Pattern => Val::Pat(out),
        PatKind::Sound => Val::Sound(SoundVal {
            pattern: out,
            sampled,
        }),
    })
}
