//! What each built-in does when it has all its arguments. Parameter lists, kinds and
//! defaults come from the checker's table ([`crate::check::signatures`]); this file
//! only maps names to implementations.

use std::sync::Arc;

use super::ops::num_pattern;
use super::{Ctx, EvalError, EvalResult, Func, Num, Sig, SoundVal, Val};
use crate::check::signatures::{lookup, Builtin, Imp, Kind, ParamTy};
use crate::diag::SrcSpan;
use crate::ir::Op;
use crate::pattern::transforms::{chance, sound, timing, Transform};
use crate::pattern::value::{Control, Value};
use crate::pattern::Pattern;
use crate::time::Rational;

/// The parameter that `$` and `#` fill next, after `given` arguments: the next
/// required one (skipping optional ones, which keep their defaults), or the next
/// optional one when only optional ones are left. `None` when none is left.
fn input_slot(b: &Builtin, given: usize) -> Option<usize> {
    let rest = b.params.get(given..)?;
    rest.iter()
        .position(|p| p.default.is_none())
        .or(if rest.is_empty() { None } else { Some(0) })
        .map(|i| i + given)
}

/// Required parameters of `name` after the first `given`.
pub(crate) fn missing_required(name: &str, given: usize) -> usize {
    lookup(name).map_or(0, |b| {
        b.params.get(given..).map_or(0, |rest| {
            rest.iter().filter(|p| p.default.is_none()).count()
        })
    })
}

/// True when the parameter that `$` fills next takes a transform.
pub(crate) fn input_takes_function(name: &str, given: usize) -> bool {
    lookup(name).is_some_and(|b| {
        input_slot(b, given)
            .and_then(|i| b.params.get(i))
            .is_some_and(|p| p.ty == ParamTy::Transform)
    })
}

/// Gives built-in `name`, which has `args` so far (`None` for optional parameters
/// skipped by `$`), one more argument: by juxtaposition the next parameter, by `$`
/// or `#` the one [`input_slot`] picks. Calls it once it is complete.
pub(crate) fn apply_partial(
    ctx: &Ctx,
    name: &'static str,
    args: &[Option<Val>],
    arg: Val,
    juxtaposed: bool,
    span: SrcSpan,
) -> EvalResult<Val> {
    let Some(b) = lookup(name) else {
        return Err(EvalError::new(format!("unknown function `{name}`"), span));
    };
    let slot = if juxtaposed {
        Some(args.len())
    } else {
        input_slot(b, args.len())
    };
    let Some(slot) = slot.filter(|i| *i < b.params.len()) else {
        return Err(
            EvalError::new(format!("too many arguments to `{name}`"), span)
                .with_hint(format!("usage: {}", b.usage())),
        );
    };
    let mut args = args.to_vec();
    args.resize(slot, None);
    args.push(Some(arg));
    if args.len() >= b.params.len() || (!juxtaposed && missing_required(name, args.len()) == 0) {
        return finish(ctx, name, args, span);
    }
    Ok(Val::Func(Arc::new(Func::Partial { name, args, span })))
}

/// Calls built-in `name` with the arguments given, optional ones that are missing
/// taking their defaults.
pub(crate) fn finish(
    ctx: &Ctx,
    name: &'static str,
    args: Vec<Option<Val>>,
    span: SrcSpan,
) -> EvalResult<Val> {
    let Some(b) = lookup(name) else {
        return Err(EvalError::new(format!("unknown function `{name}`"), span));
    };
    let mut values = Vec::with_capacity(b.params.len());
    for (i, p) in b.params.iter().enumerate() {
        match (args.get(i).cloned().flatten(), p.default) {
            (Some(v), _) => values.push(v),
            (None, Some(d)) => values.push(Val::Num(Num::new(d))),
            (None, None) => {
                return Err(EvalError::new(
                    format!("`{name}` is missing its `{}` argument", p.name),
                    span,
                )
                .with_hint(format!("usage: {}", b.usage())))
            }
        }
    }
    let input = if b.has_input { values.pop() } else { None };
    call(ctx, name, values, input, span)
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
            return call(self, b.name, Vec::new(), None, span);
        }
        Ok(Val::Func(Arc::new(Func::Partial {
            name: b.name,
            args: Vec::new(),
            span,
        })))
    }

    fn pat(&self, v: &Val, span: SrcSpan) -> EvalResult<Pattern<Value>> {
        self.to_pattern(v.clone(), span)
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
    ) -> EvalResult<(Transform<Value>, Vec<super::SampledControl>)> {
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

/// Calls built-in `name` with all its parameters (`args`, defaults filled in) and,
/// for those that process one, its `input`.
pub(crate) fn call(
    ctx: &Ctx,
    name: &'static str,
    args: Vec<Val>,
    input: Option<Val>,
    span: SrcSpan,
) -> EvalResult<Val> {
    let Some(b) = lookup(name) else {
        return Err(EvalError::new(format!("unknown function `{name}`"), span));
    };
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
                input,
                span,
            })))
        }
        Imp::Maths(op) => call_maths(ctx, name, op, args, input, span),
        Imp::Pattern => match b.kind {
            Kind::Source => call_source(ctx, name, &args, span),
            Kind::Control => call_control(ctx, name, &args, span),
            Kind::Transform => call_transform(ctx, b, &args, input, span),
            Kind::Oscillator | Kind::Filter | Kind::Envelope | Kind::Effect | Kind::Maths => Err(
                EvalError::new(format!("`{name}` has no pattern implementation"), span),
            ),
        },
    }
}

fn call_source(ctx: &Ctx, name: &str, args: &[Val], span: SrcSpan) -> EvalResult<Val> {
    let arg = |i: usize| -> EvalResult<Pattern<Value>> {
        match args.get(i) {
            Some(v) => ctx.pat(v, span),
            None => Err(EvalError::new(
                format!("`{name}` is missing an argument"),
                span,
            )),
        }
    };
    let p = match name {
        "run" => timing::run(arg(0)?),
        "irand" => chance::irand(arg(0)?),
        "rand" => chance::rand(),
        "choose" => chance::choose(arg(0)?),
        _ => {
            return Err(EvalError::new(
                format!("`{name}` has no implementation"),
                span,
            ))
        }
    };
    Ok(Val::Pat(p))
}

fn call_control(ctx: &Ctx, name: &str, args: &[Val], span: SrcSpan) -> EvalResult<Val> {
    let Some(arg) = args.first() else {
        return Err(EvalError::new(format!("`{name}` needs a value"), span));
    };
    if name == "s" || name == "sound" {
        return Ok(Val::Sound(SoundVal::new(sound::sound(ctx.pat(arg, span)?))));
    }
    let Some(control) = Control::from_name(name) else {
        return Err(EvalError::new(format!("`{name}` is not a control"), span));
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

fn call_maths(
    ctx: &Ctx,
    name: &'static str,
    op: Op,
    args: Vec<Val>,
    input: Option<Val>,
    span: SrcSpan,
) -> EvalResult<Val> {
    let Some(input) = input else {
        return Err(EvalError::new(format!("`{name}` needs an input"), span));
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
        let a: Vec<f64> = args
            .iter()
            .map(|v| ctx.constant(v, span))
            .collect::<EvalResult<_>>()?;
        let y = match (name, a.as_slice()) {
            ("mtof", []) => 440.0 * 2f64.powf((x - 69.0) / 12.0),
            ("abs", []) => x.abs(),
            ("clip", [lo, hi]) => x.max(*lo).min(*hi),
            ("range", [lo, hi]) => x * (hi - lo) + lo,
            _ => {
                return Err(EvalError::new(
                    format!("`{name}` has the wrong arguments"),
                    span,
                ))
            }
        };
        return Ok(Val::Num(Num::new(y)));
    }
    if all_patterns {
        let x = ctx.pat(&input, span)?;
        let p = match (name, args.as_slice()) {
            ("mtof", []) => timing::mtof(x),
            ("abs", []) => timing::abs(x),
            ("range", [lo, hi]) => timing::range(ctx.pat(lo, span)?, ctx.pat(hi, span)?, x),
            ("clip", [lo, hi]) => {
                let lo = ctx.constant(lo, span)?;
                let hi = ctx.constant(hi, span)?;
                timing::clip(lo, hi, x)
            }
            _ => {
                return Err(EvalError::new(
                    format!("`{name}` has the wrong arguments"),
                    span,
                ))
            }
        };
        return Ok(Val::Pat(p));
    }
    // On signals: a node of the signal graph.
    Ok(Val::Signal(Arc::new(Sig::Builtin {
        op,
        args,
        input: Some(ctx.to_signal(input, span)?),
        span,
    })))
}

fn call_transform(
    ctx: &Ctx,
    b: &Builtin,
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
    let p = |i: usize| -> EvalResult<Pattern<Value>> {
        match args.get(i) {
            Some(v) => ctx.pat(v, span),
            None => Err(EvalError::new(
                format!("`{name}` is missing argument {}", i + 1),
                span,
            )),
        }
    };
    let t = |i: usize| -> EvalResult<Rational> {
        match args.get(i) {
            Some(v) => ctx.time(v, span),
            None => Err(EvalError::new(
                format!("`{name}` is missing argument {}", i + 1),
                span,
            )),
        }
    };
    let mut f = |i: usize| -> EvalResult<Transform<Value>> {
        match args.get(i) {
            Some(v) => {
                let (t, more) = ctx.transform(v, kind, span)?;
                sampled.extend(more);
                Ok(t)
            }
            None => Err(EvalError::new(
                format!("`{name}` is missing its transform"),
                span,
            )),
        }
    };
    let out = match name {
        "fast" => timing::fast(p(0)?, pat),
        "slow" => timing::slow(p(0)?, pat),
        "hurry" => sound::hurry(p(0)?, pat),
        "rev" => timing::rev(pat),
        "every" => timing::every(p(0)?, f(1)?, pat),
        "whenmod" => timing::whenmod(p(0)?, p(1)?, f(2)?, pat),
        "jux" => sound::jux(f(0)?, pat),
        "juxBy" => sound::jux_by(p(0)?, f(1)?, pat),
        "stut" => sound::stut(p(0)?, p(1)?, p(2)?, pat),
        "echo" => sound::echo(p(0)?, p(1)?, p(2)?, pat),
        "stutWith" => sound::stut_with(p(0)?, p(1)?, f(2)?, pat),
        "degrade" => chance::degrade(pat),
        "degradeBy" => chance::degrade_by(p(0)?, pat),
        "unDegradeBy" => chance::undegrade_by(p(0)?, pat),
        "sometimes" => chance::sometimes(f(0)?, pat),
        "sometimesBy" => chance::sometimes_by(p(0)?, f(1)?, pat),
        "often" => chance::often(f(0)?, pat),
        "rarely" => chance::rarely(f(0)?, pat),
        "almostNever" => chance::almost_never(f(0)?, pat),
        "almostAlways" => chance::almost_always(f(0)?, pat),
        "always" => chance::always(f(0)?, pat),
        "never" => chance::never(f(0)?, pat),
        "someCycles" => chance::some_cycles(f(0)?, pat),
        "someCyclesBy" => chance::some_cycles_by(p(0)?, f(1)?, pat),
        "palindrome" => timing::palindrome(pat),
        "iter" => timing::iter(p(0)?, pat),
        "iter'" => timing::iter_back(p(0)?, pat),
        "chunk" => timing::chunk(p(0)?, f(1)?, pat),
        "chunk'" => timing::chunk_back(p(0)?, f(1)?, pat),
        "ply" => timing::ply(p(0)?, pat),
        "euclid" => timing::euclid(p(0)?, p(1)?, pat),
        "euclidOff" => timing::euclid_off(p(0)?, p(1)?, p(2)?, pat),
        // The input of euclidFull (what `$` supplies) is its last parameter, the
        // pattern for the rests; `pat` here is that one.
        "euclidFull" => timing::euclid_full(p(0)?, p(1)?, p(2)?, pat),
        "rotL" => timing::rot_l(p(0)?, pat),
        "rotR" => timing::rot_r(p(0)?, pat),
        "off" => timing::off(p(0)?, f(1)?, pat),
        "superimpose" => timing::superimpose(f(0)?, pat),
        "brak" => timing::brak(pat),
        "segment" => timing::segment(p(0)?, pat),
        "swingBy" => timing::swing_by(p(0)?, p(1)?, pat),
        "swing" => timing::swing(p(0)?, pat),
        "linger" => timing::linger(p(0)?, pat),
        "chop" => sound::chop(p(0)?, pat),
        "striate" => sound::striate(p(0)?, pat),
        "struct" => timing::struct_(p(0)?, pat),
        "mask" => timing::mask(p(0)?, pat),
        "zoom" => timing::zoom(t(0)?, t(1)?, pat),
        "compress" => timing::compress(t(0)?, t(1)?, pat),
        "fastGap" => timing::fast_gap(p(0)?, pat),
        "inside" => timing::inside(p(0)?, f(1)?, pat),
        "outside" => timing::outside(p(0)?, f(1)?, pat),
        "within" => timing::within(t(0)?, t(1)?, f(2)?, pat),
        "press" => timing::press(pat),
        "pressBy" => timing::press_by(p(0)?, pat),
        "shuffle" => chance::shuffle(p(0)?, pat),
        "scramble" => chance::scramble(p(0)?, pat),
        _ => {
            return Err(EvalError::new(
                format!("`{name}` has no implementation"),
                span,
            ))
        }
    };
    Ok(match kind {
        PatKind::Pattern => Val::Pat(out),
        PatKind::Sound => Val::Sound(SoundVal {
            pattern: out,
            sampled,
        }),
    })
}
