//! Type checking: infers the type of every expression of a patch against the table of
//! built-in signatures ([`signatures`]) and reports every error, not only the first.
//!
//! # Types
//! `number` (a constant), `pattern` (of scalar values), `sound` (a pattern of control
//! maps: `s "bd"`, `n "0 1"`, `gain 0.5` and anything built from them), `signal`
//! (audio rate) and functions (see [`Type`]). Coercions: number -> pattern -> signal,
//! and sound -> signal (the stereo mix of its voices). Channel counts are not tracked
//! here: the lowering stage knows them (a sound is stereo, an oscillator mono).
//!
//! A transform is polymorphic over pattern and sound with one type variable
//! (`fast : time -> a -> a`); a number given as its input is a pattern. The checker is
//! an abstract interpreter over types: a function's type records how it was built, and
//! applying it computes the result type. A transform argument (`every 3 f`) is checked
//! by applying `f` to a pattern and to a sound: if it only works on sounds
//! (`(# speed 2)`) the variable is bound to sound.
//!
//! # Application
//! - Juxtaposition fills parameters in order, optional ones included (`lpf 800 0.7`).
//! - `f $ x` and `x $ f` both apply the function side to the value side. `$` and `#`
//!   fill the next REQUIRED parameter (the input of a transform or effect), leave the
//!   optional ones before it at their defaults and close the optional ones after it
//!   (`lpf 800 $ x` is `lpf 800 0.707 x`; `adsr a d s r $ "1 ~ 1"` fills `trig`, the
//!   only parameter left).
//! - When both sides of `$` are functions: if the left one's next parameter is a
//!   function (`every 3 $ fast 2`) it is application; else if one side misses only
//!   optional parameters it stands for its value (`lpf 800 $ square 110`); otherwise
//!   `f $ g` composes, `v -> f (g v)`, so `x $ fast 2 $ every 3 rev` is
//!   `fast 2 (every 3 rev x)`.
//! - A builtin missing only optional parameters stands for its result wherever a value
//!   is expected (`square 110` is a signal).
//!
//! # `#`
//! `a # f` applies the function `f` to `a` (`x # lpf 800 0.7`). `a # c` with `c` a
//! sound sets the controls of `c` on the sound `a` (Tidal's `#`, structure from the
//! left); `a` must be a sound. `"1 2" # "3"` on two patterns is a pattern. With a
//! function on the left and a value on the right, `#` lifts like arithmetic
//! (`fast 2 # speed 2` is `v -> fast 2 v # speed 2`); with functions on both sides it
//! composes left to right (`f # g` is `v -> g (f v)`).
//!
//! # Arithmetic
//! `+ - * /` give the widest type of their operands: number op number = number,
//! pattern op pattern|number = pattern, sound op sound = sound (key-wise, Tidal),
//! anything with a signal = signal, sound op number|pattern = signal (audio scaling:
//! `s "bd*4" * 0.5`). The structure operators `|+ +| |< ...` (and `|<|`, `|>|`) work
//! on patterns and sounds only (a signal has no events to take structure from; an
//! error says so), both sides the same kind. `<~`/`~>` take a time (number or pattern)
//! on the left and a pattern or sound on the right. All of these lift over functions:
//! `lpf 800 0.7 * 0.3` is `v -> lpf 800 0.7 v * 0.3`, `f + g` is `v -> f v + g v`.
//! Unary minus keeps numbers, patterns and signals, makes a sound a signal. Maths
//! builtins (`range clip mtof abs`) give the widest of their arguments, a sound
//! counting as a signal.
//!
//! # Signals
//! A transform applied to a signal (`saw 55 $ fast 2`, `sine 1 # every 2 rev`) is an
//! error: transforms rearrange events in time and a signal has none. A control given
//! a signal (`# pan (sine 0.25)`) is allowed: it is sampled at each event onset. Time
//! arguments of transforms accept numbers and patterns, not signals.
//!
//! # Buses
//! `~name` may be used before its definition. A bus that refers to itself, directly or
//! through others, is a signal (it reads its previous block); its body must coerce to
//! a signal. Other buses take the type of their body, in dependency order, and may
//! hold any type, functions included (such a bus is inlined where used). A bus
//! defined twice: the last definition wins, with a warning. An undefined bus is an
//! error suggesting the nearest defined one.
//!
//! # Outputs and tempo
//! Outputs must be signals or coerce to one; an unapplied function is an error. A
//! patch without output is an error naming its buses. Tempo values must be positive
//! constant numbers (literals and `+ - * /` of literals, `bpm: 140 / 2`); the last
//! one wins; `bpm: x` is `cps: x / 60`; the default cps is 0.5. A tempo outside
//! [`MIN_CPS`]..=[`MAX_CPS`] cycles per second is an error giving the range.
//!
//! # Limits
//! A patch defines at most [`MAX_BUSES`] buses; the one past it is an error at its
//! name. Checking is linear in the number of buses (nothing here recurses along a
//! chain of buses), and the evaluator evaluates the buses in dependency order, each
//! once.

pub mod aliases;
mod explain;
pub mod infer;
pub mod control_builtins;
mod list_builtins;
mod lists;
mod literal;
pub mod names;
mod operators;
pub mod signatures;
pub mod types;
mod vocab_builtins;

use std::collections::{HashMap, HashSet};

#[cfg(any(test, feature = "testing"))]
pub use signatures::{builtins, lookup, Kind};
pub use types::{FnType, Type};

use crate::diag::Diagnostic;
use crate::diag::SrcSpan;
use crate::pattern::value::NumOp;
use crate::pattern::Structure;
use crate::syntax::ast::{BinOp, Broken, Expr, ExprKind, Program, StatementKind, TempoUnit};
use explain::show_expr;
use infer::{as_value, Infer};

/// A bus as checked.
#[derive(Clone, Debug, PartialEq)]
pub struct BusInfo {
    pub name: String,
    /// The span of the name in its (winning) definition.
    pub span: SrcSpan,
    pub ty: Type,
    /// True when the bus reads itself, directly or through other buses.
    pub feedback: bool,
}

/// An output as checked.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputInfo {
    pub name: String,
    pub span: SrcSpan,
    /// The type of its expression, after a builtin missing only optional parameters
    /// was turned into its value.
    pub ty: Type,
}

/// The result of checking a patch. Outside the tests only the diagnostics are read;
/// the types, buses and outputs are what the tests check the inference by.
#[derive(Clone, Debug)]
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub struct Checked {
    /// Every error and warning, in source order of discovery.
    pub diagnostics: Vec<Diagnostic>,
    /// The type of every expression, by span (the outermost expression of a span wins).
    pub types: HashMap<SrcSpan, Type>,
    /// The buses in definition order (the last definition of a name).
    pub buses: Vec<BusInfo>,
    pub outputs: Vec<OutputInfo>,
    /// Cycles per second.
    pub cps: f64,
}

#[cfg(any(test, feature = "testing"))]
impl Checked {
    /// The type of the expression with exactly this span.
    pub fn type_at(&self, span: SrcSpan) -> Option<&Type> {
        self.types.get(&span)
    }
}

/// The default tempo in cycles per second.
pub const DEFAULT_CPS: f64 = 0.5;

/// The slowest tempo a patch may set, in cycles per second (one cycle in under three
/// hours). Slower tempos are an error: their frame positions lose precision.
pub const MIN_CPS: f64 = 1e-4;

/// The fastest tempo a patch may set, in cycles per second. Faster tempos are an
/// error: each block would hold millions of cycles of events.
pub const MAX_CPS: f64 = 1e3;

/// The most buses a patch may define. The bus past it is an error, so that bus
/// chains (each bus reading the one before) stay within the stages' bounded depth.
pub const MAX_BUSES: usize = 1000;

/// The error for a tempo of `cps` cycles per second outside `MIN_CPS..=MAX_CPS`, if
/// it is (the message gives the range in the unit the patch wrote).
pub fn tempo_out_of_range(cps: f64, unit: TempoUnit) -> Option<String> {
    if (MIN_CPS..=MAX_CPS).contains(&cps) {
        return None;
    }
    Some(match unit {
        TempoUnit::Cps => format!(
            "the tempo must be between {MIN_CPS} and {MAX_CPS} cycles per second, found {cps}"
        ),
        TempoUnit::Bpm => format!(
            "the tempo must be between {} and {} bpm ({MIN_CPS} to {MAX_CPS} cycles per \
             second), found {}",
            MIN_CPS * 60.0,
            MAX_CPS * 60.0,
            cps * 60.0
        ),
    })
}

/// Checks a single expression (no buses are defined). The type is `None` when the
/// expression has errors.
pub fn check_expr(expr: &Expr) -> (Option<Type>, Vec<Diagnostic>) {
    let env = HashMap::new();
    let mut inf = Infer::new(&env);
    let t = inf.expr(expr);
    let t = (t != Type::Error && inf.diags.is_empty()).then_some(t);
    (t, inf.diags)
}

/// The buses referred to in `e`.
pub fn bus_refs<'e>(e: &'e Expr, out: &mut Vec<&'e str>) {
    for node in e.nodes() {
        if let ExprKind::Bus(n) = &node.kind {
            out.push(n);
        }
    }
}

/// The value of a constant numeric expression (a chain of arithmetic folded in a
/// loop along its left spine).
pub(crate) fn const_value(e: &Expr) -> Option<f64> {
    let (first, links) = e.left_spine();
    let mut a = match &first.kind {
        ExprKind::Number { value, .. } => *value,
        ExprKind::Neg(x) => -const_value(x)?,
        _ => return None,
    };
    for link in links {
        let ExprKind::Binary {
            op:
                BinOp::Arith {
                    op,
                    structure: Structure::Both,
                    ..
                },
            right,
            ..
        } = &link.kind
        else {
            return None;
        };
        let b = const_value(right)?;
        a = match op {
            NumOp::Add => a + b,
            NumOp::Sub => a - b,
            NumOp::Mul => a * b,
            NumOp::Div if b != 0.0 => a / b,
            _ => return None,
        };
    }
    Some(a)
}

/// Kahn's algorithm over the nodes `keep`, edges `deps` (node -> what it reads);
/// returns the nodes whose dependencies could all be ordered, in order.
pub fn topo(keep: &[bool], deps: &[Vec<usize>]) -> Vec<usize> {
    let n = deps.len();
    let mut indeg = vec![0usize; n];
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, ds) in deps.iter().enumerate() {
        if !keep.get(i).copied().unwrap_or(false) {
            continue;
        }
        for &d in ds {
            if keep.get(d).copied().unwrap_or(false) {
                indeg[i] += 1;
                users[d].push(i);
            }
        }
    }
    let mut ready: Vec<usize> = (0..n)
        .filter(|&i| keep.get(i).copied().unwrap_or(false) && indeg[i] == 0)
        .rev()
        .collect();
    let mut order = Vec::new();
    while let Some(i) = ready.pop() {
        order.push(i);
        for &u in users[i].iter().rev() {
            indeg[u] -= 1;
            if indeg[u] == 0 {
                ready.push(u);
            }
        }
    }
    order
}

/// True when `start` can reach itself through `deps`, staying inside `within`.
pub fn reaches_itself(start: usize, deps: &[Vec<usize>], within: &[bool]) -> bool {
    let mut seen = vec![false; deps.len()];
    let mut stack: Vec<usize> = deps.get(start).cloned().unwrap_or_default();
    while let Some(i) = stack.pop() {
        if i == start {
            return true;
        }
        if seen[i] || !within.get(i).copied().unwrap_or(false) {
            continue;
        }
        seen[i] = true;
        if let Some(ds) = deps.get(i) {
            stack.extend(ds.iter().copied());
        }
    }
    false
}

/// Checks a whole patch.
pub fn check_program(program: &Program) -> Checked {
    check_program_with(program, &Broken::default())
}

/// Checks the statements of a patch that parsed, knowing what its broken statements
/// would have defined: their buses are known (of no type, so that their uses report
/// nothing) and, when one of them is an output, a patch without other outputs is not
/// reported for it.
pub fn check_program_with(program: &Program, broken: &Broken) -> Checked {
    let mut diags: Vec<Diagnostic> = Vec::new();

    // The definitions of each bus; the last one wins.
    let mut defs: Vec<(&str, SrcSpan, &Expr)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut replaced: Vec<&Expr> = Vec::new();
    for st in &program.statements {
        if let StatementKind::Bus {
            name,
            name_span,
            expr,
        } = &st.kind
        {
            if let Some(&i) = index.get(name.as_str()) {
                diags.push(
                    Diagnostic::warning(format!("bus `~{name}` is defined twice"), *name_span)
                        .with_label("this definition replaces the earlier one"),
                );
                if let Some(d) = defs.get_mut(i) {
                    replaced.push(d.2);
                    *d = (name.as_str(), *name_span, expr);
                }
            } else {
                if defs.len() == MAX_BUSES {
                    diags.push(
                        Diagnostic::error(
                            format!("too many buses: a patch may define at most {MAX_BUSES}"),
                            *name_span,
                        )
                        .with_label(format!("bus number {}", MAX_BUSES + 1)),
                    );
                }
                index.insert(name.as_str(), defs.len());
                defs.push((name.as_str(), *name_span, expr));
            }
        }
    }

    // The voice definitions (the last of a name wins, as for buses).
    let mut voices: Vec<(&str, SrcSpan, Vec<String>, &Expr)> = Vec::new();
    for st in &program.statements {
        let StatementKind::Voice {
            name,
            name_span,
            params,
            expr,
        } = &st.kind
        else {
            continue;
        };
        if index.contains_key(name.as_str()) {
            diags.push(
                Diagnostic::error(
                    format!("`~{name}` is defined as a bus and as a voice"),
                    *name_span,
                )
                .with_label("a voice of the same name as a bus")
                .with_hint("give the voice another name"),
            );
            continue;
        }
        for p in params {
            let known = p.name == crate::ir::voice::GATE
                || p.name == "freq"
                || crate::pattern::value::Control::from_name(&p.name).is_some();
            if !known {
                diags.push(
                    Diagnostic::warning(
                        format!(
                            "parameter `{}` is no control, so no event sets it: it stays {}",
                            p.name, p.default
                        ),
                        p.span,
                    )
                    .with_label("not a control's name")
                    .with_hint(
                        "events fill the parameters named after their controls (`cutoff`, \
                         `resonance`, `attack`, ...), `freq` from the pitch and `gate`",
                    ),
                );
            }
        }
        let names = params.iter().map(|p| p.name.clone()).collect();
        if let Some(v) = voices.iter_mut().find(|v| v.0 == name.as_str()) {
            diags.push(
                Diagnostic::warning(format!("voice `~{name}` is defined twice"), *name_span)
                    .with_label("this definition replaces the earlier one"),
            );
            *v = (name.as_str(), *name_span, names, expr);
        } else {
            voices.push((name.as_str(), *name_span, names, expr));
        }
    }
    let voice_names: Vec<String> = voices.iter().map(|v| v.0.to_string()).collect();

    // Dependencies between buses, cycles, and an order to infer them in.
    let deps: Vec<Vec<usize>> = defs
        .iter()
        .map(|(_, _, e)| {
            let mut refs = Vec::new();
            bus_refs(e, &mut refs);
            let mut ds: Vec<usize> = refs.iter().filter_map(|r| index.get(r).copied()).collect();
            ds.sort_unstable();
            ds.dedup();
            ds
        })
        .collect();
    let n = defs.len();
    let mut order = topo(&vec![true; n], &deps);
    let ordered: HashSet<usize> = order.iter().copied().collect();
    let leftover: Vec<bool> = (0..n).map(|i| !ordered.contains(&i)).collect();
    let feedback: Vec<bool> = (0..n)
        .map(|i| leftover[i] && reaches_itself(i, &deps, &leftover))
        .collect();
    let rest: Vec<bool> = (0..n).map(|i| leftover[i] && !feedback[i]).collect();
    order.extend(topo(&rest, &deps));

    let mut env: HashMap<String, Type> = HashMap::new();
    for (i, (name, _, _)) in defs.iter().enumerate() {
        let t = if feedback[i] {
            Type::Signal
        } else {
            Type::Error
        };
        env.insert((*name).to_string(), t);
    }
    for name in &broken.buses {
        env.entry(name.clone()).or_insert(Type::Error);
    }
    let mut types: HashMap<SrcSpan, Type> = HashMap::new();
    let mut bus_types: Vec<Type> = vec![Type::Error; n];
    for (name, _, params, e) in &voices {
        let mut inf = Infer::new(&env);
        inf.voices = &voice_names;
        let t = as_value(inf.voice_body(params, e));
        diags.append(&mut inf.diags);
        types.extend(inf.types);
        if t != Type::Error && t != Type::Signal && t != Type::Number {
            diags.push(
                Diagnostic::error(
                    format!("the voice `~{name}` must be a signal; found {}", t.a()),
                    e.span,
                )
                .with_label(format!("this is {}", t.a()))
                .with_hint("a voice is a signal of its parameters, such as `saw freq * adsr 0.01 0.1 0.5 0.2 gate`"),
            );
        }
    }
    let mut run = |env: &HashMap<String, Type>, e: &Expr, diags: &mut Vec<Diagnostic>| {
        let mut inf = Infer::new(env);
        inf.voices = &voice_names;
        let t = inf.expr(e);
        diags.append(&mut inf.diags);
        types.extend(inf.types);
        t
    };
    for &i in &order {
        if let Some((name, _, e)) = defs.get(i) {
            let t = run(&env, e, &mut diags);
            env.insert((*name).to_string(), t.clone());
            bus_types[i] = t;
        }
    }
    for i in (0..n).filter(|&i| feedback[i]) {
        if let Some((name, _, e)) = defs.get(i) {
            let t = as_value(run(&env, e, &mut diags));
            if !t.coerces_to_signal() {
                diags.push(
                    Diagnostic::error(
                        format!(
                            "bus `~{name}` reads itself, so it must be a signal; found {}",
                            t.a()
                        ),
                        e.span,
                    )
                    .with_label(format!("this is {}", t.a())),
                );
                // Later uses of the bus must not cascade.
                env.insert((*name).to_string(), Type::Error);
            }
            bus_types[i] = Type::Signal;
        }
    }
    for e in replaced {
        run(&env, e, &mut diags);
    }

    // Tempo and outputs, in source order.
    let mut cps = DEFAULT_CPS;
    let mut outputs = Vec::new();
    for st in &program.statements {
        match &st.kind {
            StatementKind::Limit { .. } | StatementKind::Hush => {}
            StatementKind::Tempo { unit, value } => {
                let t = as_value(run(&env, value, &mut diags));
                if t == Type::Error {
                    continue;
                }
                match (t, const_value(value)) {
                    (Type::Number, Some(v)) if v.is_finite() && v > 0.0 => {
                        let x = match unit {
                            TempoUnit::Cps => v,
                            TempoUnit::Bpm => v / 60.0,
                        };
                        match tempo_out_of_range(x, *unit) {
                            None => cps = x,
                            Some(message) => diags.push(
                                Diagnostic::error(message, value.span)
                                    .with_label("outside the tempo range"),
                            ),
                        }
                    }
                    (Type::Number, Some(v)) => diags.push(
                        Diagnostic::error(
                            format!("the tempo must be positive, found {v}"),
                            value.span,
                        )
                        .with_label("not a positive number"),
                    ),
                    (t, _) => {
                        let found = if t == Type::Number {
                            format!("`{}`", show_expr(value))
                        } else {
                            t.a()
                        };
                        diags.push(
                            Diagnostic::error(
                                format!("the tempo must be a constant number, found {found}"),
                                value.span,
                            )
                            .with_label("not a constant")
                            .with_hint("write a number, such as `tempo: 0.5` or `bpm: 120`"),
                        )
                    }
                }
            }
            StatementKind::Output {
                name,
                name_span,
                expr,
            } => {
                let t = as_value(run(&env, expr, &mut diags));
                if matches!(t, Type::List(_) | Type::Tuple(_)) {
                    diags.push(
                        Diagnostic::error(
                            format!("an output plays one value; this is {}", t.a()),
                            expr.span,
                        )
                        .with_label("an output must be a signal, a sound or a pattern")
                        .with_hint("combine the elements of a list with `stack [...]` or `cat [...]`"),
                    );
                }
                if let Type::Function(f) = &t {
                    let mut d = Diagnostic::error(
                        format!(
                            "`{}` is {}; apply it with `#` or `$`",
                            show_expr(expr),
                            t.a()
                        ),
                        expr.span,
                    )
                    .with_label("an output must be a signal, a sound or a pattern");
                    if let FnType::Partial(p) = &**f {
                        d = d.with_hint(format!(
                            "usage: `{}`; juxtaposition fills the parameters in order, \
                             `$` and `#` give the input",
                            p.builtin.usage()
                        ));
                    }
                    diags.push(d);
                }
                if t == Type::CONTROLS {
                    diags.push(
                        Diagnostic::error(
                            "this sound names no sample or synth, so it plays nothing",
                            expr.span,
                        )
                        .with_label("controls without `s`")
                        .with_hint(
                            "name what plays each event with `s`: a sample, such as \
                             `# s \"bd\"`",
                        ),
                    );
                }
                outputs.push(OutputInfo {
                    name: name.clone(),
                    span: *name_span,
                    ty: t,
                });
            }
            StatementKind::Bus { .. } | StatementKind::Voice { .. } => {}
        }
    }

    // A hushed patch plays nothing, outputs or not (docs/language.md, "Patches").
    let hushed = program
        .statements
        .iter()
        .any(|st| st.kind == StatementKind::Hush);
    if outputs.is_empty() && !broken.output && !hushed {
        let span = defs.last().map_or(SrcSpan::default(), |d| d.1);
        let mut d = Diagnostic::error("the patch has no output", span);
        if defs.is_empty() {
            d = d.with_hint("add an output line, such as `out: s \"bd sn\"`");
        } else {
            let names: Vec<String> = defs.iter().map(|d| format!("~{}", d.0)).collect();
            let first = names.first().cloned().unwrap_or_default();
            d = d
                .with_label("buses are only heard through an output")
                .with_hint(format!(
                    "the patch defines {}; play one with a line such as `out: {first}`",
                    names.join(", ")
                ));
        }
        diags.push(d);
    }

    let buses = defs
        .iter()
        .enumerate()
        .map(|(i, (name, span, _))| BusInfo {
            name: (*name).to_string(),
            span: *span,
            ty: bus_types.get(i).cloned().unwrap_or(Type::Error),
            feedback: feedback[i],
        })
        .collect();
    Checked {
        diagnostics: diags,
        types,
        buses,
        outputs,
        cps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::Side;

    fn sp(start: usize, end: usize) -> SrcSpan {
        SrcSpan::new(start, end)
    }
    fn num(v: f64, s: SrcSpan) -> Expr {
        Expr {
            kind: ExprKind::Number {
                value: v,
                exact: None,
            },
            span: s,
        }
    }
    fn id(n: &str, s: SrcSpan) -> Expr {
        Expr {
            kind: ExprKind::Ident(n.into()),
            span: s,
        }
    }
    fn app(f: Expr, a: Expr) -> Expr {
        let span = f.span.join(a.span);
        Expr {
            kind: ExprKind::Apply {
                func: Box::new(f),
                arg: Box::new(a),
            },
            span,
        }
    }
    fn dollar(l: Expr, r: Expr) -> Expr {
        let span = l.span.join(r.span);
        Expr {
            kind: ExprKind::Dollar {
                left: Box::new(l),
                right: Box::new(r),
            },
            span,
        }
    }

    #[test]
    fn transform_on_a_signal_points_at_the_signal() {
        // saw 55 $ fast 2
        let e = dollar(
            app(id("saw", sp(0, 3)), num(55.0, sp(4, 6))),
            app(id("fast", sp(9, 13)), num(2.0, sp(14, 15))),
        );
        let (t, d) = check_expr(&e);
        assert_eq!(t, None);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].span, sp(0, 6));
        assert_eq!(
            d[0].message,
            "cannot apply the transform `fast` to a signal"
        );
    }

    #[test]
    fn a_section_of_hash_is_a_transform_of_sounds() {
        // (# speed 2)
        let e = Expr {
            kind: ExprKind::Section {
                op: crate::syntax::ast::SectionOp::Hash,
                operand: Box::new(app(id("speed", sp(3, 8)), num(2.0, sp(9, 10)))),
                operand_side: Side::Right,
            },
            span: sp(0, 11),
        };
        let (t, d) = check_expr(&e);
        assert!(d.is_empty());
        assert_eq!(
            t.map(|t| t.to_string()).as_deref(),
            Some("transform of sounds waiting for its input")
        );
    }

    #[test]
    fn optional_parameters_are_filled_in_order_by_juxtaposition() {
        // square 110 0.3 is a signal; lpf 800 0.7 still waits for its input.
        let e = app(
            app(id("square", sp(0, 6)), num(110.0, sp(7, 10))),
            num(0.3, sp(11, 14)),
        );
        assert_eq!(check_expr(&e).0, Some(Type::Signal));
        let e = app(
            app(id("lpf", sp(0, 3)), num(800.0, sp(4, 7))),
            num(0.7, sp(8, 11)),
        );
        let t = check_expr(&e).0;
        assert_eq!(
            t.map(|t| t.to_string()).as_deref(),
            Some("effect waiting for its input")
        );
    }

    #[test]
    fn join_is_the_widest_type() {
        use types::join;
        assert_eq!(join(&Type::Number, &Type::Number), Type::Number);
        assert_eq!(join(&Type::Number, &Type::Pattern), Type::Pattern);
        assert_eq!(join(&Type::CONTROLS, &Type::CONTROLS), Type::Signal);
        assert_eq!(join(&Type::CONTROLS, &Type::Number), Type::Signal);
        assert_eq!(join(&Type::Pattern, &Type::Signal), Type::Signal);
        assert_eq!(join(&Type::Error, &Type::Signal), Type::Error);
    }

    #[test]
    fn constant_tempo_values() {
        let e = Expr {
            kind: ExprKind::Binary {
                op: BinOp::Arith {
                    op: NumOp::Div,
                    structure: Structure::Both,
                    plain: true,
                },
                left: Box::new(num(135.0, sp(0, 3))),
                right: Box::new(num(0.0, sp(6, 7))),
            },
            span: sp(0, 7),
        };
        assert_eq!(const_value(&e), None);
        assert_eq!(const_value(&num(2.0, sp(0, 1))), Some(2.0));
    }
}
