//! Application, `$`, `#`, arithmetic and coercions between values.

use std::sync::Arc;

use super::builtins;
use super::{Ctx, EvalError, EvalResult, Func, Num, SampledControl, Sig, SoundVal, Val};
use crate::check::control_builtins::sound_side;
use crate::diag::SrcSpan;
use crate::pattern::transforms::sound::set_controls;
use crate::pattern::transforms::with_time_arg;
use crate::pattern::value::{Controls, NumOp, Value};
use crate::pattern::{app, Pattern, Structure};
use crate::syntax::ast::{BinOp, SectionOp, Side};

/// A numeric value as a pattern: a constant becomes a pattern with one event per cycle.
pub(crate) fn num_pattern(n: Num) -> Pattern<Value> {
    Pattern::pure(Value::Num(n.value))
}

impl Ctx {
    /// `f x` by juxtaposition: fills the next parameter, optional or not.
    pub(crate) fn apply(
        &self,
        f: Val,
        x: Val,
        arg_span: SrcSpan,
        span: SrcSpan,
    ) -> EvalResult<Val> {
        let Val::Func(func) = f else {
            return Err(EvalError::new(
                format!("{} cannot be applied to an argument", f.kind()),
                span,
            )
            .with_hint("only functions take arguments; did you mean to combine with `#` or `$`?"));
        };
        match &*func {
            Func::Partial {
                builtin,
                args,
                arg_spans,
                span: fspan,
            } => builtins::apply_partial(
                self,
                builtin,
                args,
                arg_spans,
                (x, Some(arg_span)),
                true,
                fspan.join(arg_span),
            ),
            _ => self.apply_input(Val::Func(func.clone()), x, span),
        }
    }

    /// Gives a function its input, as `$` and `#` do: a built-in takes it as its next
    /// required parameter (the optional ones skipped take their defaults), or, when
    /// only optional ones are left, as the next of those.
    pub(crate) fn apply_input(&self, f: Val, x: Val, span: SrcSpan) -> EvalResult<Val> {
        let Val::Func(func) = f else {
            return Err(EvalError::new(
                format!("{} is not a function", f.kind()),
                span,
            ));
        };
        match &*func {
            Func::Partial {
                builtin,
                args,
                arg_spans,
                span: fspan,
            } => builtins::apply_partial(
                self,
                builtin,
                args,
                arg_spans,
                (x, None),
                false,
                fspan.join(span),
            ),
            Func::Compose { outer, inner } => {
                let y = self.apply_input(inner.clone(), x, span)?;
                self.apply_input(outer.clone(), y, span)
            }
            Func::Section {
                op,
                operand,
                operand_side,
                span: sspan,
            } => match (op, operand_side) {
                (SectionOp::Hash, _) => self.hash(x, operand.clone(), *sspan, span),
                (SectionOp::Binary(op), Side::Right) => self.binary(*op, x, operand.clone(), span),
                (SectionOp::Binary(op), Side::Left) => self.binary(*op, operand.clone(), x, span),
            },
            Func::Lift {
                op,
                func,
                other,
                func_side,
                span: lspan,
            } => {
                let y = self.apply_input(func.clone(), x, span)?;
                match func_side {
                    Side::Left => self.binary(*op, y, other.clone(), *lspan),
                    Side::Right => self.binary(*op, other.clone(), y, *lspan),
                }
            }
            Func::LiftBoth {
                op,
                left,
                right,
                span: bspan,
            } => {
                let a = self.apply_input(left.clone(), x.clone(), span)?;
                let b = self.apply_input(right.clone(), x, span)?;
                self.binary(*op, a, b, *bspan)
            }
        }
    }

    /// True when the parameter `$` would fill next takes a function (`every 3`
    /// waiting for its transform), so that `f $ g` applies instead of composing.
    fn wants_function(&self, f: &Val) -> bool {
        match f {
            Val::Func(func) => match &**func {
                Func::Partial { builtin, args, .. } => builtin.input_takes_function(args.len()),
                _ => false,
            },
            _ => false,
        }
    }

    /// True for a built-in whose only missing parameters are optional: it stands for
    /// its result (`square 110` is a signal).
    fn only_optional_missing(&self, f: &Val) -> bool {
        match f {
            Val::Func(func) => match &**func {
                Func::Partial { builtin, args, .. } => builtin.missing_required(args.len()) == 0,
                _ => false,
            },
            _ => false,
        }
    }

    /// `l $ r`: applies the function side to the value side. Two functions: a
    /// function waiting for a function takes the other; a built-in missing only
    /// optional parameters counts as its value; otherwise they compose (`f $ g` is
    /// `f . g`). The same rules as the checker's.
    pub(crate) fn dollar(&self, l: Val, r: Val, span: SrcSpan) -> EvalResult<Val> {
        match (&l, &r) {
            (Val::Func(_), Val::Func(_)) => {
                if self.wants_function(&l) {
                    self.apply_input(l, r, span)
                } else if self.only_optional_missing(&r) {
                    let r = self.finalize(r, span)?;
                    self.apply_input(l, r, span)
                } else if self.only_optional_missing(&l) {
                    let l = self.finalize(l, span)?;
                    self.apply_input(r, l, span)
                } else {
                    Ok(Val::Func(Arc::new(Func::Compose { outer: l, inner: r })))
                }
            }
            (Val::Func(_), _) => self.apply_input(l, r, span),
            (_, Val::Func(_)) => self.apply_input(r, l, span),
            _ => Err(EvalError::new(
                format!(
                    "neither side of `$` is a function: {} and {}",
                    l.kind(),
                    r.kind()
                ),
                span,
            )),
        }
    }

    /// `l # r`: applies the function `r` to `l`, or sets the controls of the sound `r`
    /// on `l` (structure from `l`, values from `r`). With a function on the left it
    /// builds a function: `f # x` is `v -> f v # x` (`x` a value or a function).
    /// `sound # lpf 800`: on a sound, a signal operation given one argument whose name
    /// is a control too is that control applied to the argument
    /// (`check::control_builtins::sound_side`, as the checker decides). `None` when
    /// it is not such a case.
    fn sound_side_control(&self, l: &Val, r: &Val, r_span: SrcSpan) -> Option<EvalResult<Val>> {
        let (Val::Sound(_), Val::Func(f)) = (l, r) else {
            return None;
        };
        let Func::Partial {
            builtin,
            args,
            arg_spans,
            span,
        } = &**f
        else {
            return None;
        };
        let control = sound_side(builtin, args.len())?;
        let arg = args.first()?.clone()?;
        let arg_span = arg_spans.first().copied().flatten().unwrap_or(r_span);
        let setter = Val::Func(Arc::new(Func::Partial {
            builtin: control,
            args: Vec::new(),
            arg_spans: Vec::new(),
            span: *span,
        }));
        Some(self.apply(setter, arg, arg_span, r_span))
    }

    pub(crate) fn hash(&self, l: Val, r: Val, r_span: SrcSpan, span: SrcSpan) -> EvalResult<Val> {
        let l = self.value_if_complete(l, span)?;
        let r = self.value_if_complete(r, r_span)?;
        if let Some(control) = self.sound_side_control(&l, &r, r_span) {
            return self.hash(l, control?, r_span, span);
        }
        match (l, r) {
            (l @ Val::Func(_), r) => {
                let set = Val::Func(Arc::new(Func::Section {
                    op: SectionOp::Hash,
                    operand: r,
                    operand_side: Side::Right,
                    span: r_span,
                }));
                Ok(Val::Func(Arc::new(Func::Compose {
                    outer: set,
                    inner: l,
                })))
            }
            (l, r @ Val::Func(_)) => self.apply_input(r, l, span),
            (Val::Sound(a), Val::Sound(b)) => {
                let mut sampled = a.sampled.clone();
                // A sampled control set again by `b` takes `b`'s value.
                sampled.retain(|s| !b.sampled.iter().any(|t| t.control == s.control));
                sampled.extend(b.sampled.iter().cloned());
                Ok(Val::Sound(SoundVal {
                    pattern: set_controls(a.pattern, b.pattern),
                    sampled,
                    plays: a.plays || b.plays,
                }))
            }
            (Val::Pat(a), b @ (Val::Pat(_) | Val::Num(_))) => {
                let b = self.to_pattern(b, r_span)?;
                Ok(Val::Pat(app(Structure::Left, a, b, |_, y: &Value| {
                    y.clone()
                })))
            }
            (Val::Num(a), b @ (Val::Pat(_) | Val::Num(_))) => {
                let b = self.to_pattern(b, r_span)?;
                Ok(Val::Pat(app(
                    Structure::Left,
                    num_pattern(a),
                    b,
                    |_, y: &Value| y.clone(),
                )))
            }
            (l, r) => Err(EvalError::new(
                format!("`#` cannot combine {} with {}", l.kind(), r.kind()),
                span,
            )
            .with_hint(
                "`#` takes a function (`# lpf 800`) or a control (`# gain 0.8`) on its right",
            )),
        }
    }

    /// A built-in missing only optional parameters becomes its value; anything else
    /// is returned as it is.
    fn value_if_complete(&self, v: Val, span: SrcSpan) -> EvalResult<Val> {
        if self.only_optional_missing(&v) {
            self.finalize(v, span)
        } else {
            Ok(v)
        }
    }

    /// Arithmetic, the structure operators and the shift operators.
    pub(crate) fn binary(&self, op: BinOp, l: Val, r: Val, span: SrcSpan) -> EvalResult<Val> {
        // A built-in missing only optional parameters is its value (`perc 0.3` is an
        // envelope), as in the checker; other functions lift the arithmetic.
        let (l, r) = continuous_operands(self.as_value(l)?, self.as_value(r)?);
        match (&l, &r) {
            (Val::Func(_), Val::Func(_)) => {
                return Ok(Val::Func(Arc::new(Func::LiftBoth {
                    op,
                    left: l,
                    right: r,
                    span,
                })))
            }
            (Val::Func(_), _) => {
                return Ok(Val::Func(Arc::new(Func::Lift {
                    op,
                    func: l,
                    other: r,
                    func_side: Side::Left,
                    span,
                })))
            }
            (_, Val::Func(_)) => {
                return Ok(Val::Func(Arc::new(Func::Lift {
                    op,
                    func: r,
                    other: l,
                    func_side: Side::Right,
                    span,
                })))
            }
            _ => {}
        }
        match op {
            BinOp::ShiftEarly | BinOp::ShiftLate => {
                let amount = self.to_pattern(l, span)?;
                let early = op == BinOp::ShiftEarly;
                let shift = move |t: crate::time::Rational, p: Pattern<Value>| {
                    if early {
                        p.early(t)
                    } else {
                        p.late(t)
                    }
                };
                match r {
                    Val::Pat(p) => Ok(Val::Pat(with_time_arg(amount, p, shift))),
                    Val::Num(n) => Ok(Val::Pat(with_time_arg(amount, num_pattern(n), shift))),
                    Val::Sound(s) => Ok(Val::Sound(s.with_pattern(with_time_arg(
                        amount,
                        s.pattern.clone(),
                        shift,
                    )))),
                    other => Err(EvalError::new(
                        format!(
                            "`{}` shifts patterns in time; {} has no events to shift",
                            op.symbol(),
                            other.kind()
                        ),
                        span,
                    )),
                }
            }
            BinOp::Arith {
                op: num_op,
                structure,
                plain,
            } => self.arith(num_op, (structure, plain), l, r, span),
        }
    }

    /// `l op r`, with the structure and bars it was written with (`BinOp::Arith`).
    fn arith(
        &self,
        op: NumOp,
        (structure, plain): (Structure, bool),
        l: Val,
        r: Val,
        span: SrcSpan,
    ) -> EvalResult<Val> {
        match (l, r) {
            (Val::Num(a), Val::Num(b)) => num_arith(op, a, b, span).map(Val::Num),
            (a @ (Val::Num(_) | Val::Pat(_)), b @ (Val::Num(_) | Val::Pat(_))) => {
                let a = self.to_pattern(a, span)?;
                let b = self.to_pattern(b, span)?;
                Ok(Val::Pat(app(structure, a, b, move |x, y| op.apply(x, y))))
            }
            // Plain arithmetic between two sounds that both play mixes their audio (the
            // arm below); any other two sounds, and the barred forms (`|+ n 12`,
            // `|+|`), combine their controls key by key, as in Tidal. The checker
            // decides the same way (`check::operators::binary`).
            (Val::Sound(a), Val::Sound(b)) if !(plain && a.plays && b.plays) => {
                let mut sampled = a.sampled.clone();
                sampled.extend(b.sampled.iter().cloned());
                Ok(Val::Sound(SoundVal {
                    pattern: app(structure, a.pattern, b.pattern, move |x, y| op.apply(x, y)),
                    sampled,
                    plays: a.plays || b.plays,
                }))
            }
            (a, b) => {
                if !plain {
                    return Err(EvalError::new(
                        format!(
                            "`{}` keeps the structure of a pattern, but {} and {} are not both patterns",
                            crate::syntax::ast::BinOp::Arith {
                                op,
                                structure,
                                plain
                            }
                            .symbol(),
                            a.kind(),
                            b.kind()
                        ),
                        span,
                    )
                    .with_hint("signals have no events to take structure from; use plain `+ - * /`"));
                }
                let left = self.to_signal(a, span)?;
                let right = self.to_signal(b, span)?;
                Ok(Val::Signal(Arc::new(Sig::Binary {
                    op,
                    left,
                    right,
                    span,
                })))
            }
        }
    }

    pub(crate) fn negate(&self, v: Val, span: SrcSpan) -> EvalResult<Val> {
        let v = bare_continuous(&v).map_or(v, Val::Pat);
        match v {
            Val::Num(n) => Ok(Val::Num(Num {
                value: -n.value,
                exact: n.exact.map(|x| -x),
            })),
            Val::Pat(p) => Ok(Val::Pat(p.map_values(|v| {
                *v = NumOp::Sub.apply(&Value::Num(0.0), v);
            }))),
            Val::Func(_) => self.binary(
                BinOp::Arith {
                    op: NumOp::Sub,
                    structure: Structure::Both,
                    plain: true,
                },
                Val::Num(Num::new(0.0)),
                v,
                span,
            ),
            other => Ok(Val::Signal(Arc::new(Sig::Neg(
                self.to_signal(other, span)?,
                span,
            )))),
        }
    }

    /// A value as a pattern (numbers become one event per cycle).
    pub(crate) fn to_pattern(&self, v: Val, span: SrcSpan) -> EvalResult<Pattern<Value>> {
        match self.finalize(v, span)? {
            Val::Num(n) => Ok(num_pattern(n)),
            Val::Pat(p) => Ok(p),
            Val::Sound(s) => Ok(s.pattern),
            other => Err(EvalError::new(
                format!("expected a pattern, found {}", other.kind()),
                span,
            )),
        }
    }

    /// A value as a signal: numbers are constants, patterns stepped signals, sounds
    /// the mix of their voices.
    pub(crate) fn to_signal(&self, v: Val, span: SrcSpan) -> EvalResult<Arc<Sig>> {
        match self.finalize(v, span)? {
            Val::Num(n) => Ok(Arc::new(Sig::Const(n.value))),
            Val::Pat(p) => Ok(Arc::new(Sig::Pattern(p, span))),
            Val::Sound(s) => Ok(Arc::new(Sig::Sound(s, span))),
            Val::Signal(s) => Ok(s),
            Val::Func(f) => Err(function_as_value(&f, span)),
            other @ (Val::List(_) | Val::Tuple(_)) => Err(EvalError::new(
                format!("expected a signal, a sound or a pattern, found {}", other.kind()),
                span,
            )
            .with_hint("combine the elements of a list with `stack [...]` or `cat [...]`")),
        }
    }

    /// A built-in whose only missing parameters are optional becomes its value; any
    /// other value is returned as is.
    fn as_value(&self, v: Val) -> EvalResult<Val> {
        if let Val::Func(func) = &v {
            if let Func::Partial {
                builtin,
                args,
                arg_spans,
                span,
            } = &**func
            {
                if builtin.missing_required(args.len()) == 0 {
                    return builtins::finish(self, builtin, args.clone(), arg_spans, *span);
                }
            }
        }
        Ok(v)
    }

    /// A function whose only missing parameters are optional, used as a value, takes
    /// their defaults (`square 110` is a signal); any other value is returned as is.
    pub(crate) fn finalize(&self, v: Val, span: SrcSpan) -> EvalResult<Val> {
        let Val::Func(func) = &v else {
            return Ok(v);
        };
        if let Func::Partial {
            builtin,
            args,
            arg_spans,
            span: fspan,
        } = &**func
        {
            if builtin.missing_required(args.len()) == 0 {
                return builtins::finish(self, builtin, args.clone(), arg_spans, *fspan);
            }
            // An oscillator's name bare, where the checker allowed a pattern
            // (`# pan sine`): Tidal's continuous pattern of that name.
            if args.is_empty() {
                if let Some(p) = crate::pattern::continuous::by_name(builtin.name) {
                    return Ok(Val::Pat(p));
                }
            }
        }
        Err(function_as_value(func, span))
    }

    /// A signal-valued control (`# pan (sine 0.25)`), sampled at event onsets.
    pub(crate) fn sampled_control(
        &self,
        control: crate::pattern::value::Control,
        signal: Arc<Sig>,
        span: SrcSpan,
    ) -> SoundVal {
        // The pattern part is a continuous empty map, so that setting it with `#`
        // keeps every event of the left side whole.
        SoundVal {
            pattern: Pattern::signal(|_| Value::Controls(Controls::new())),
            sampled: vec![SampledControl {
                control,
                signal,
                text: self.text(span),
            }],
            plays: false,
        }
    }
}

/// The continuous pattern an oscillator's bare name stands for (`sine`), if `v` is one.
fn bare_continuous(v: &Val) -> Option<Pattern<Value>> {
    match v {
        Val::Func(f) => match &**f {
            Func::Partial { builtin, args, .. } if args.is_empty() => {
                crate::pattern::continuous::by_name(builtin.name)
            }
            _ => None,
        },
        _ => None,
    }
}

/// The operands of arithmetic, where a bare oscillator name beside a number or a
/// pattern is Tidal's continuous pattern (`sine * 0.5`, `1 - saw`), as the checker
/// decides (`check::operators::continuous_operands`).
fn continuous_operands(l: Val, r: Val) -> (Val, Val) {
    let fits = |v: &Val| matches!(v, Val::Num(_) | Val::Pat(_)) || bare_continuous(v).is_some();
    if fits(&l) && fits(&r) {
        let pattern = |v: Val| bare_continuous(&v).map_or(v, Val::Pat);
        (pattern(l), pattern(r))
    } else {
        (l, r)
    }
}

fn function_as_value(f: &Func, span: SrcSpan) -> EvalError {
    match f {
        Func::Partial { builtin, .. } => EvalError::new(
            format!(
                "`{}` is a function waiting for more arguments, not a value",
                builtin.name
            ),
            span,
        )
        .with_hint("give it its remaining arguments, or apply it to an input with `#` or `$`"),
        _ => EvalError::new(
            "this is a function waiting for its input, not a value",
            span,
        )
        .with_hint("apply it to an input with `#` or `$`"),
    }
}

/// Arithmetic on constants, exact where both sides are exact.
fn num_arith(op: NumOp, a: Num, b: Num, span: SrcSpan) -> EvalResult<Num> {
    if matches!(op, NumOp::Div | NumOp::Mod) && b.value == 0.0 {
        return Err(EvalError::new("division by zero", span));
    }
    let value = op.apply_f64(a.value, b.value);
    let exact = match (a.exact, b.exact) {
        (Some(x), Some(y)) => crate::time::overflow_guard(|| match op {
            NumOp::Add => x + y,
            NumOp::Sub => x - y,
            NumOp::Mul => x * y,
            NumOp::Div => x / y,
            NumOp::Mod => x - y * (x / y).floor(),
            NumOp::Left => x,
            NumOp::Right => y,
        })
        .ok(),
        _ => None,
    };
    Ok(Num { value, exact })
}
