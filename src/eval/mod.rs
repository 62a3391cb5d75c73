//! Evaluation of a checked patch: every pattern-valued expression becomes a
//! [`Pattern`], and every audio-rate expression a [`Sig`] tree whose leaves are
//! constants, patterns, sounds and buses (the input of the later lowering to the
//! signal graph).
//!
//! Evaluation is dynamic on purpose: the type checker has already rejected what
//! cannot work, and the evaluator decides the remaining overloads (`$` composing or
//! applying, `range` on a pattern or a signal, `#` applying or setting controls) from
//! the values it meets. What the checker would have caught is still reported here as
//! an [`EvalError`] with a span, never a panic.

mod builtins;
mod ops;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use crate::check;
use crate::diag::Diagnostic;
use crate::diag::SrcSpan;
use crate::pattern::value::{Control, Value};
use crate::pattern::Pattern;
use crate::syntax::ast::{Expr, ExprKind, Program, SectionOp, Side, StatementKind, TempoUnit};
use crate::time::Rational;

/// A constant number, exact when it came from exact literals and exact arithmetic.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Num {
    pub value: f64,
    pub exact: Option<Rational>,
}

impl Num {
    pub fn new(value: f64) -> Num {
        Num { value, exact: None }
    }

    /// The value as exact time: the exact fraction when known, else the float read as
    /// the simplest nearby fraction.
    pub fn time(self) -> Rational {
        self.exact.unwrap_or_else(|| Rational::from_f64(self.value))
    }
}

/// A control whose value comes from a signal, sampled at each event's onset.
#[derive(Clone, Debug)]
pub struct SampledControl {
    pub control: Control,
    pub signal: Arc<Sig>,
    /// The source text of the signal expression, for display.
    pub text: String,
}

/// A sound: a pattern of control maps, plus controls sampled from signals. `plays`:
/// it names what plays (`s`), as the checker's `Type::Sound { plays }` says; two
/// sounds that both play mix under `+ - * /`, any other two combine key by key.
#[derive(Clone, Debug)]
pub struct SoundVal {
    pub pattern: Pattern<Value>,
    pub sampled: Vec<SampledControl>,
    pub plays: bool,
}

impl SoundVal {
    /// Controls that do not name what plays (`n "0 1"`).
    pub fn new(pattern: Pattern<Value>) -> SoundVal {
        SoundVal {
            pattern,
            sampled: Vec::new(),
            plays: false,
        }
    }

    /// The pattern of `s`/`sound`: it names what plays.
    pub fn playing(pattern: Pattern<Value>) -> SoundVal {
        SoundVal {
            plays: true,
            ..SoundVal::new(pattern)
        }
    }

    pub fn with_pattern(&self, pattern: Pattern<Value>) -> SoundVal {
        SoundVal {
            pattern,
            sampled: self.sampled.clone(),
            plays: self.plays,
        }
    }

    /// The pattern and the parts: the inverse of [`SoundVal::from_parts`].
    pub fn split(self) -> (Pattern<Value>, Parts) {
        let parts = Parts {
            sampled: self.sampled,
            plays: self.plays,
        };
        (self.pattern, parts)
    }

    /// The sound made of `pattern` and the given parts.
    pub fn from_parts(pattern: Pattern<Value>, parts: Parts) -> SoundVal {
        SoundVal {
            pattern,
            sampled: parts.sampled,
            plays: parts.plays,
        }
    }
}

/// What the arguments and input of a built-in bring to the sound it makes: the
/// controls they sample from signals, and whether one of them names what plays.
#[derive(Default)]
pub struct Parts {
    pub sampled: Vec<SampledControl>,
    pub plays: bool,
}

/// An audio-rate expression, kept symbolic for the signal graph.
#[derive(Clone, Debug)]
pub enum Sig {
    Const(f64),
    /// A numeric pattern held as a stepped signal; `span` is the expression that
    /// made it a signal.
    Pattern(Pattern<Value>, SrcSpan),
    /// The stereo mix of a sound's voices.
    Sound(SoundVal, SrcSpan),
    /// A bus's output; when the bus depends on itself, its previous block.
    Bus(String),
    /// Parameter `index` of the voice whose body this is.
    Param(usize, SrcSpan),
    /// A signal operation of the graph (an oscillator, filter, envelope, effect or
    /// maths on a signal). `input` is the signal it processes, for effects.
    Builtin {
        op: crate::ir::Op,
        args: Vec<Val>,
        /// Where each of `args` was written, when known (see `Func::Partial`).
        arg_spans: Vec<Option<SrcSpan>>,
        input: Option<Arc<Sig>>,
        span: SrcSpan,
    },
    Binary {
        op: crate::pattern::value::NumOp,
        left: Arc<Sig>,
        right: Arc<Sig>,
        span: SrcSpan,
    },
    Neg(Arc<Sig>, SrcSpan),
}

/// A function value: a built-in waiting for arguments, or one built from others.
#[derive(Clone, Debug)]
pub enum Func {
    /// A built-in with the arguments given so far.
    Partial {
        builtin: &'static crate::check::signatures::Builtin,
        /// Arguments by parameter position; `None` for an optional parameter that
        /// `$` skipped (it takes its default).
        args: Vec<Option<Val>>,
        /// Where each argument was written, parallel to `args`: known for arguments
        /// given by juxtaposition, `None` for those given by `$` or `#` and skipped
        /// ones (the graph shows a pattern argument's own text).
        arg_spans: Vec<Option<SrcSpan>>,
        span: SrcSpan,
    },
    /// `outer . inner`: apply `inner`, then `outer` (from `f $ g`).
    Compose { outer: Val, inner: Val },
    /// An operator section such as `(# speed 2)`, `(+ 1)` or `(0.25 <~)`.
    Section {
        op: SectionOp,
        operand: Val,
        operand_side: Side,
        span: SrcSpan,
    },
    /// Arithmetic lifted over a function: `v -> f v op other` (or `other op f v`).
    /// The checker's `FnType::Lift`.
    Lift {
        op: crate::syntax::ast::BinOp,
        func: Val,
        other: Val,
        func_side: Side,
        span: SrcSpan,
    },
    /// Arithmetic of two functions of one input: `v -> f v op g v`. The checker's
    /// `FnType::LiftBoth`.
    LiftBoth {
        op: crate::syntax::ast::BinOp,
        left: Val,
        right: Val,
        span: SrcSpan,
    },
}

/// The value of an expression.
#[derive(Clone, Debug)]
pub enum Val {
    Num(Num),
    Pat(Pattern<Value>),
    Sound(SoundVal),
    Signal(Arc<Sig>),
    Func(Arc<Func>),
    /// `[a, b]`: the elements with their spans.
    List(Vec<(Val, SrcSpan)>),
    /// `(a, b)`: the elements with their spans.
    Tuple(Vec<(Val, SrcSpan)>),
}

impl Val {
    pub fn kind(&self) -> &'static str {
        match self {
            Val::Num(_) => "a number",
            Val::Pat(_) => "a pattern",
            Val::Sound(_) => "a sound",
            Val::Signal(_) => "a signal",
            Val::Func(_) => "a function",
            Val::List(_) => "a list",
            Val::Tuple(_) => "a tuple",
        }
    }
}

/// A problem found while evaluating, with the span of the expression at fault.
#[derive(Clone, Debug, PartialEq)]
pub struct EvalError {
    pub message: String,
    pub span: SrcSpan,
    pub hint: Option<String>,
}

impl EvalError {
    pub fn new(message: impl Into<String>, span: SrcSpan) -> EvalError {
        EvalError {
            message: message.into(),
            span,
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> EvalError {
        self.hint = Some(hint.into());
        self
    }

    pub fn to_diagnostic(&self) -> Diagnostic {
        let d = Diagnostic::error(self.message.clone(), self.span);
        match &self.hint {
            Some(h) => d.with_hint(h.clone()),
            None => d,
        }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

pub type EvalResult<T> = Result<T, EvalError>;

/// An evaluated patch.
#[derive(Clone, Debug)]
pub struct Evaluated {
    /// Cycles per second.
    pub cps: f64,
    /// The master limiter engaged (`limit: off` disengages it).
    pub limit: bool,
    /// The outputs in source order, each as a signal.
    pub outputs: Vec<(String, Arc<Sig>)>,
    /// The value of every bus.
    pub buses: HashMap<String, Val>,
    /// Where each bus's (last) definition is written: its expression.
    pub bus_spans: HashMap<String, SrcSpan>,
    /// The voice definitions, in source order (the last of a name).
    pub voices: Vec<EvaluatedVoice>,
}

/// A voice definition evaluated: its body a signal of its parameters (`Sig::Param`).
#[derive(Clone, Debug)]
pub struct EvaluatedVoice {
    pub name: String,
    pub params: Vec<(String, f64)>,
    pub body: Arc<Sig>,
    pub span: SrcSpan,
}

/// What applying functions needs besides the values: the patch text, to describe
/// signals that controls sample. Cheap to clone into transform closures.
#[derive(Clone, Debug)]
pub struct Ctx {
    source: Arc<str>,
}

impl Ctx {
    pub fn new(source: &str) -> Ctx {
        Ctx {
            source: Arc::from(source),
        }
    }

    fn text(&self, span: SrcSpan) -> String {
        self.source
            .get(span.start..span.end)
            .unwrap_or("signal")
            .to_string()
    }
}

/// Evaluates expressions in the scope of a patch's buses.
pub struct Evaluator<'a> {
    ctx: Ctx,
    bus_exprs: HashMap<String, &'a Expr>,
    values: HashMap<String, Val>,
    /// The buses whose evaluation failed, with the error (evaluation is pure, so a
    /// second evaluation would fail the same way).
    errors: HashMap<String, EvalError>,
    /// The buses that read themselves, directly or through others.
    feedback: HashSet<String>,
    in_progress: Vec<String>,
    /// Inside a voice's body: its parameters' names, by index.
    params: Vec<String>,
}

impl<'a> Evaluator<'a> {
    /// An evaluator for expressions that may refer to the buses of `program`, whose
    /// text is `source` (used to describe sampled signals).
    pub fn new(source: &'a str, program: Option<&'a Program>) -> Evaluator<'a> {
        // The buses in order of first definition, each with its last definition.
        let mut names: Vec<(&'a str, SrcSpan)> = Vec::new();
        let mut bus_exprs: HashMap<String, &'a Expr> = HashMap::new();
        if let Some(program) = program {
            for st in &program.statements {
                if let StatementKind::Bus {
                    name,
                    name_span,
                    expr,
                } = &st.kind
                {
                    if bus_exprs.insert(name.clone(), expr).is_none() {
                        names.push((name.as_str(), *name_span));
                    }
                }
            }
        }
        let index: HashMap<&str, usize> =
            names.iter().enumerate().map(|(i, n)| (n.0, i)).collect();
        let deps: Vec<Vec<usize>> = names
            .iter()
            .map(|(name, _)| {
                let mut refs = Vec::new();
                if let Some(e) = bus_exprs.get(*name) {
                    check::bus_refs(e, &mut refs);
                }
                let mut ds: Vec<usize> = refs.iter().filter_map(|r| index.get(r).copied()).collect();
                ds.sort_unstable();
                ds.dedup();
                ds
            })
            .collect();
        let n = names.len();
        // Buses outside every cycle and reading none, in dependency order; the others
        // are on a cycle or read one.
        let order = check::topo(&vec![true; n], &deps);
        let mut leftover = vec![true; n];
        for &i in &order {
            leftover[i] = false;
        }
        let feedback: HashSet<String> = (0..n)
            .filter(|&i| leftover[i] && check::reaches_itself(i, &deps, &leftover))
            .filter_map(|i| names.get(i).map(|n| n.0.to_string()))
            .collect();
        let mut ev = Evaluator {
            ctx: Ctx::new(source),
            bus_exprs,
            values: HashMap::new(),
            errors: HashMap::new(),
            feedback,
            in_progress: Vec::new(),
            params: Vec::new(),
        };
        // Each of those buses is evaluated once, after the buses it reads, so a chain of
        // buses is a loop here rather than a recursion, and a bus read twice is one
        // value (one pattern, one signal) read twice. Errors are kept for the
        // statement that reaches the bus first, so they come out in source order.
        for &i in &order {
            if let Some(&(name, span)) = names.get(i) {
                let _ = ev.bus(name, span);
            }
        }
        ev
    }

    /// The value of bus `name`. A bus that depends on itself reads as its own
    /// output (one block earlier, at run time).
    pub fn bus(&mut self, name: &str, span: SrcSpan) -> EvalResult<Val> {
        if let Some(v) = self.values.get(name) {
            return Ok(v.clone());
        }
        if let Some(e) = self.errors.get(name) {
            return Err(e.clone());
        }
        if self.in_progress.iter().any(|n| n == name) {
            return Ok(Val::Signal(Arc::new(Sig::Bus(name.to_string()))));
        }
        let Some(expr) = self.bus_exprs.get(name).copied() else {
            return Err(EvalError::new(format!("undefined bus `~{name}`"), span));
        };
        self.in_progress.push(name.to_string());
        let result = self.eval(expr);
        self.in_progress.pop();
        // A bus whose definition reads itself is audio feedback: it is a signal.
        let value = result.and_then(|value| {
            if self.feedback.contains(name) {
                Ok(Val::Signal(self.ctx.to_signal(value, expr.span)?))
            } else {
                Ok(value)
            }
        });
        match value {
            Ok(value) => {
                self.values.insert(name.to_string(), value.clone());
                Ok(value)
            }
            Err(e) => {
                self.errors.insert(name.to_string(), e.clone());
                Err(e)
            }
        }
    }

    /// The context functions are applied in.
    pub fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    /// Evaluates one expression.
    ///
    /// A left-associative chain (application, `#`, arithmetic) is evaluated in a loop
    /// along its left spine (`Expr::left_spine`): only the right operands are recursed
    /// into, so a flat chain of any length costs no stack. (How many links in a row
    /// may make patterns, sounds or functions is bounded by the checker,
    /// `check::infer`, which runs first.)
    pub fn eval(&mut self, expr: &Expr) -> EvalResult<Val> {
        let (first, links) = expr.left_spine();
        let mut v = self.operand(first)?;
        for link in links {
            let span = link.span;
            v = match &link.kind {
                ExprKind::Apply { arg, .. } => {
                    let a = self.eval(arg)?;
                    self.ctx.apply(v, a, arg.span, span)?
                }
                ExprKind::Hash { right, .. } => {
                    let r = self.eval(right)?;
                    self.ctx.hash(v, r, right.span, span)?
                }
                ExprKind::Binary { op, right, .. } => {
                    let r = self.eval(right)?;
                    self.ctx.binary(*op, v, r, span)?
                }
                _ => return Err(EvalError::new("malformed expression", span)),
            };
        }
        Ok(v)
    }

    /// An expression that is not a link of a chain. Inlined into `eval`: one frame
    /// per level of nesting, which a feedback loop through every bus
    /// (`Evaluator::bus`) recurses through once per bus.
    #[inline(always)]
    fn operand(&mut self, expr: &Expr) -> EvalResult<Val> {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Number { value, exact } => Ok(Val::Num(Num {
                value: *value,
                exact: *exact,
            })),
            ExprKind::Str {
                text,
                content_start,
            } => match crate::mini::parse(text) {
                Ok(p) => Ok(Val::Pat(p)),
                Err(e) => {
                    let start = content_start + e.start;
                    let end = (content_start + e.end).max(start);
                    let mut err = EvalError::new(e.message, SrcSpan::new(start, end));
                    err.hint = e.hint;
                    Err(err)
                }
            },
            ExprKind::Bus(name) => self.bus(name, span),
            ExprKind::Ident(name) => match self.params.iter().position(|p| p == name) {
                Some(index) => Ok(Val::Signal(Arc::new(Sig::Param(index, span)))),
                None => self.ctx.reference(name, span),
            },
            ExprKind::List(items) => Ok(Val::List(self.items(items)?)),
            ExprKind::Tuple(items) => Ok(Val::Tuple(self.items(items)?)),
            ExprKind::Apply { .. } | ExprKind::Hash { .. } | ExprKind::Binary { .. } => {
                Err(EvalError::new("malformed expression", span))
            }
            ExprKind::Dollar { left, right } => {
                let l = self.eval(left)?;
                let r = self.eval(right)?;
                self.ctx.dollar(l, r, span)
            }
            ExprKind::Compose { left, right } => {
                let l = self.eval(left)?;
                let r = self.eval(right)?;
                match (l, r) {
                    (outer @ Val::Func(_), inner @ Val::Func(_)) => {
                        Ok(Val::Func(Arc::new(Func::Compose { outer, inner })))
                    }
                    _ => Err(EvalError::new("`.` composes two functions", span)),
                }
            }
            ExprKind::Neg(inner) => {
                let v = self.eval(inner)?;
                self.ctx.negate(v, span)
            }
            ExprKind::Section {
                op,
                operand,
                operand_side,
            } => {
                let operand = self.eval(operand)?;
                Ok(Val::Func(Arc::new(Func::Section {
                    op: *op,
                    operand,
                    operand_side: *operand_side,
                    span,
                })))
            }
        }
    }

    /// The values of the elements of a list or tuple, with their spans.
    fn items(&mut self, items: &[Expr]) -> EvalResult<Vec<(Val, SrcSpan)>> {
        items
            .iter()
            .map(|e| Ok((self.eval(e)?, e.span)))
            .collect()
    }

    /// Evaluates a whole patch: its tempo, its buses and its outputs.
    pub fn eval_program(&mut self, program: &Program) -> EvalResult<Evaluated> {
        let mut cps = 0.5;
        let mut limit = true;
        let mut hushed = false;
        let mut outputs = Vec::new();
        let mut voices = Vec::new();
        for st in &program.statements {
            match &st.kind {
                StatementKind::Tempo { unit, value } => {
                    let v = self.eval(value)?;
                    let Val::Num(n) = v else {
                        return Err(EvalError::new(
                            "the tempo must be a constant number",
                            value.span,
                        ));
                    };
                    let x = match unit {
                        TempoUnit::Cps => n.value,
                        TempoUnit::Bpm => n.value / 60.0,
                    };
                    if !(x.is_finite() && x > 0.0) {
                        return Err(EvalError::new(
                            "the tempo must be a positive number",
                            value.span,
                        ));
                    }
                    if let Some(message) = check::tempo_out_of_range(x, *unit) {
                        return Err(EvalError::new(message, value.span));
                    }
                    cps = x;
                }
                StatementKind::Limit { on } => limit = *on,
                StatementKind::Hush => hushed = true,
                StatementKind::Bus {
                    name, name_span, ..
                } => {
                    self.bus(name, *name_span)?;
                }
                StatementKind::Output { name, expr, .. } => {
                    let v = self.eval(expr)?;
                    outputs.push((name.clone(), self.ctx.to_signal(v, expr.span)?));
                }
                StatementKind::Voice {
                    name,
                    name_span,
                    params,
                    expr,
                } => {
                    self.params = params.iter().map(|p| p.name.clone()).collect();
                    let body = self.eval(expr).and_then(|v| self.ctx.to_signal(v, expr.span));
                    self.params.clear();
                    let voice = EvaluatedVoice {
                        name: name.clone(),
                        params: params.iter().map(|p| (p.name.clone(), p.default)).collect(),
                        body: body?,
                        span: *name_span,
                    };
                    voices.retain(|v: &EvaluatedVoice| v.name != voice.name);
                    voices.push(voice);
                }
            }
        }
        // `hush` anywhere silences every output: they are evaluated (their errors
        // still count) and then dropped, so the graph plays nothing.
        if hushed {
            outputs.clear();
        }
        Ok(Evaluated {
            cps,
            limit,
            outputs,
            buses: self.values.clone(),
            bus_spans: self
                .bus_exprs
                .iter()
                .map(|(name, e)| (name.clone(), e.span))
                .collect(),
            voices,
        })
    }
}

/// Evaluates a patch (already parsed and checked).
pub fn eval_program(source: &str, program: &Program) -> EvalResult<Evaluated> {
    Evaluator::new(source, Some(program)).eval_program(program)
}

/// Parses every string of a patch as mini-notation and reports the errors, each
/// pointing into the string inside the patch.
pub fn check_strings(program: &Program) -> Vec<Diagnostic> {
    fn walk(expr: &Expr, out: &mut Vec<Diagnostic>) {
        for node in expr.nodes() {
            let ExprKind::Str {
                text,
                content_start,
            } = &node.kind
            else {
                continue;
            };
            if let Err(e) = crate::mini::parse(text) {
                let start = content_start + e.start;
                let end = (content_start + e.end).max(start);
                let mut d = Diagnostic::error(e.message, SrcSpan::new(start, end));
                if let Some(h) = e.hint {
                    d = d.with_hint(h);
                }
                out.push(d);
            }
        }
    }
    let mut out = Vec::new();
    for st in &program.statements {
        match &st.kind {
            StatementKind::Tempo { value, .. } => walk(value, &mut out),
            StatementKind::Limit { .. } | StatementKind::Hush => {}
            StatementKind::Bus { expr, .. }
            | StatementKind::Voice { expr, .. }
            | StatementKind::Output { expr, .. } => walk(expr, &mut out),
        }
    }
    out
}
