//! `phonon query`: evaluate a pattern expression and print its events as JSON lines.
//!
//! One object per event, sorted by the beginning of its part:
//! `{"whole":["0/1","1/2"],"part":["0/1","1/2"],"value":...}`. Times are exact
//! `n/d` strings; `whole` is `null` for a continuous value. A value is a number, a
//! string, or an object of controls in the order `s n gain pan speed note begin end
//! cut legato attack release`; a control sampled from a signal at each onset shows as
//! `{"signal":"<its source text>"}`.

pub mod draw;

use crate::diag::SrcSpan;
use crate::diag::{render, Diagnostic};
use crate::eval::{EvalError, Evaluator, SampledControl, Val};
use crate::pattern::value::{parse_note_name, Control, Scalar, Value};
use crate::pattern::{sort_events, Event};
use crate::time::{Rational, Span};

/// The longest span a query covers, in cycles.
pub const MAX_QUERY_CYCLES: i64 = 10_000;

/// The most events a query returns.
pub const MAX_QUERY_EVENTS: usize = 100_000;

/// Events returned by a query, with the controls that are sampled from signals.
#[derive(Clone, Debug)]
pub struct QueryResult {
    pub events: Vec<Event<Value>>,
    pub sampled: Vec<(Control, String)>,
}

/// Why a query failed: diagnostics against the expression text.
#[derive(Clone, Debug)]
pub struct QueryFailure {
    pub diagnostics: Vec<Diagnostic>,
}

impl QueryFailure {
    fn single(message: impl Into<String>, span: SrcSpan) -> QueryFailure {
        QueryFailure {
            diagnostics: vec![Diagnostic::error(message, span)],
        }
    }

    /// The diagnostics rendered against the expression, shown as `<expression>`.
    pub fn render(&self, expression: &str) -> String {
        render("<expression>", expression, &self.diagnostics)
    }
}

impl From<EvalError> for QueryFailure {
    fn from(e: EvalError) -> Self {
        QueryFailure {
            diagnostics: vec![e.to_diagnostic()],
        }
    }
}

/// Parses a time in cycles: an integer, a decimal (`0.25`, exact) or a fraction
/// (`1/3`, `-3/4`).
pub fn parse_time(text: &str) -> Option<Rational> {
    let text = text.trim();
    if let Some((n, d)) = text.split_once('/') {
        let n = Rational::parse_decimal(n.trim())?;
        let d = Rational::parse_decimal(d.trim())?;
        if d.is_zero() {
            return None;
        }
        return crate::time::overflow_guard(|| n / d).ok();
    }
    Rational::parse_decimal(text)
}

/// Parses, checks and evaluates `expression` and queries it from `from` to `to`.
pub fn query_expression(
    expression: &str,
    from: Rational,
    to: Rational,
) -> Result<QueryResult, QueryFailure> {
    let whole = SrcSpan::new(0, expression.len());
    let expr = crate::syntax::parse_expr(expression)
        .map_err(|diagnostics| QueryFailure { diagnostics })?;
    let (_, diagnostics) = crate::check::check_expr(&expr);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(QueryFailure { diagnostics });
    }
    let mut evaluator = Evaluator::new(expression, None);
    let value = evaluator.eval(&expr)?;
    let value = evaluator.ctx().finalize(value, expr.span)?;
    let (pattern, sampled) = match value {
        Val::Pat(p) => (p, Vec::new()),
        Val::Num(n) => (
            crate::pattern::Pattern::pure(Value::Num(n.value)),
            Vec::new(),
        ),
        Val::Sound(s) => (s.pattern, s.sampled),
        Val::Signal(_) => {
            return Err(QueryFailure {
                diagnostics: vec![Diagnostic::error(
                    "this expression is a signal, not a pattern",
                    whole,
                )
                .with_hint("a signal is audio: it has no events to list; render it instead")],
            })
        }
        Val::Func(_) => {
            return Err(QueryFailure::single(
                "this expression is a function waiting for its input, not a pattern",
                whole,
            ))
        }
        Val::List(_) | Val::Tuple(_) => {
            return Err(QueryFailure {
                diagnostics: vec![Diagnostic::error(
                    "this expression is a list, not a pattern",
                    whole,
                )
                .with_hint("combine the elements of a list with `stack [...]` or `cat [...]`")],
            })
        }
    };
    check_span(from, to).map_err(|m| QueryFailure::single(m, whole))?;
    let too_many = || QueryFailure {
        diagnostics: vec![Diagnostic::error(
            format!(
                "this query gives more than {MAX_QUERY_EVENTS} events from {from} to {to}, the limit for a query"
            ),
            whole,
        )
        .with_hint("query a shorter span (--from, --to)")],
    };
    count_events(&pattern, from, to, whole)?
        .then_some(())
        .ok_or_else(too_many)?;
    let mut events = pattern
        .query_checked(Span::new(from, to))
        .map_err(|e| QueryFailure::single(e.to_string(), whole))?;
    if events.len() > MAX_QUERY_EVENTS {
        return Err(too_many());
    }
    sort_events(&mut events);
    Ok(QueryResult {
        events,
        sampled: sampled
            .into_iter()
            .map(|SampledControl { control, text, .. }| (control, text))
            .collect(),
    })
}

/// Refuses a span longer than [`MAX_QUERY_CYCLES`].
fn check_span(from: Rational, to: Rational) -> Result<(), String> {
    let long = match crate::time::overflow_guard(|| to - from) {
        Ok(d) => d > Rational::from(MAX_QUERY_CYCLES),
        Err(_) => true,
    };
    if long {
        return Err(format!(
            "the queried span from {from} to {to} is longer than {MAX_QUERY_CYCLES} cycles, the limit for a query; query a shorter span (--from, --to)"
        ));
    }
    Ok(())
}

/// Whether the query from `from` to `to` gives at most [`MAX_QUERY_EVENTS`] events,
/// found cycle by cycle so that memory stays bounded by one cycle's events: each
/// event is counted in the cycle where its whole begins (those begun before `from`,
/// and continuous ones, in the first). A span within one cycle is not counted here.
fn count_events(
    pattern: &crate::pattern::Pattern<Value>,
    from: Rational,
    to: Rational,
    whole: SrcSpan,
) -> Result<bool, QueryFailure> {
    let mut count = 0;
    let mut begin = from;
    while begin < to {
        let end = crate::time::overflow_guard(|| (begin.floor() + Rational::from(1)).min(to))
            .map_err(|e| QueryFailure::single(e.to_string(), whole))?;
        if begin == from && end == to {
            return Ok(true);
        }
        let events = pattern
            .query_checked(Span::new(begin, end))
            .map_err(|e| QueryFailure::single(e.to_string(), whole))?;
        count += events
            .iter()
            .filter(|e| begin == from || e.whole.is_some_and(|w| w.begin >= begin))
            .count();
        if count > MAX_QUERY_EVENTS {
            return Ok(false);
        }
        begin = end;
    }
    Ok(true)
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

fn json_number(x: f64) -> String {
    if !x.is_finite() {
        return "null".into();
    }
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        serde_json::Number::from_f64(x).map_or_else(|| "null".into(), |n| n.to_string())
    }
}

/// The name of a MIDI note in scientific pitch (`60` is `c4`), when it is a whole
/// number; otherwise the number.
fn note_json(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e6 {
        const NAMES: [&str; 12] = [
            "c", "cs", "d", "ds", "e", "f", "fs", "g", "gs", "a", "as", "b",
        ];
        let n = x as i64;
        let name = format!(
            "{}{}",
            NAMES[n.rem_euclid(12) as usize],
            n.div_euclid(12) - 1
        );
        if parse_note_name(&name) == Some(x) {
            return json_string(&name);
        }
    }
    json_number(x)
}

fn scalar_json(s: &Scalar) -> String {
    match s {
        Scalar::Num(x) => json_number(*x),
        Scalar::Note(x) => note_json(*x),
        Scalar::Word(w) => json_string(w),
    }
}

/// A value as JSON.
pub fn value_json(v: &Value, sampled: &[(Control, String)]) -> String {
    match v {
        Value::Num(x) => json_number(*x),
        Value::Note(x) => note_json(*x),
        Value::Word(w) => json_string(w),
        Value::Controls(c) => {
            let mut fields: Vec<String> = Vec::new();
            for key in Control::ALL {
                if let Some((_, text)) = sampled.iter().rev().find(|(k, _)| *k == key) {
                    fields.push(format!(
                        "{}:{{\"signal\":{}}}",
                        json_string(key.name()),
                        json_string(text)
                    ));
                } else if let Some(s) = c.get(key) {
                    fields.push(format!("{}:{}", json_string(key.name()), scalar_json(s)));
                }
            }
            format!("{{{}}}", fields.join(","))
        }
    }
}

fn span_json(s: Span) -> String {
    format!("[\"{}\",\"{}\"]", s.begin, s.end)
}

/// One JSON object per event, one per line (no trailing newline).
pub fn events_to_json_lines(result: &QueryResult) -> String {
    result
        .events
        .iter()
        .map(|e| {
            format!(
                "{{\"whole\":{},\"part\":{},\"value\":{}}}",
                e.whole.map_or_else(|| "null".into(), span_json),
                span_json(e.part),
                value_json(&e.value, &result.sampled)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
