//! From text to the syntax tree: a bracket check, the pest grammar, and a walk over
//! its parse tree that numbers the seeds of `?` and `|` as Tidal's parser does.

use pest::error::{ErrorVariant, InputLocation};
use std::iter::Peekable;

use pest::iterators::{Pair, Pairs};
use pest::Parser;

use super::ast::{AtomKind, Kind, Node, PolySteps, Step};
use super::MiniError;
use crate::time::Rational;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/mini.pest"]
struct MiniParser;

/// Deepest bracket nesting accepted (the parser and the pattern recurse per level).
pub(crate) const MAX_BRACKET_DEPTH: usize = 48;
/// Most modifiers (`*2`, `?`, `(3,8)`, ...) one step may carry, and most links in a
/// chain of factors (`<2 3>*<1 2>*...`): each nests the tree one level deeper.
pub(crate) const MAX_MODIFIERS: usize = 32;
/// Most copies one step may have (`a!n`).
pub(crate) const MAX_REPEAT: i64 = 4096;

pub(crate) fn parse_tree(src: &str) -> Result<Node, MiniError> {
    check_brackets(src)?;
    let mut pairs = MiniParser::parse(Rule::pattern, src).map_err(|e| grammar_error(src, e))?;
    let body = pairs
        .next()
        .and_then(|pattern| pattern.into_inner().find(|p| p.as_rule() == Rule::body))
        .ok_or_else(|| MiniError::new("could not parse the pattern", 0, src.len()))?;
    TreeBuilder { seed: 0 }.body(body)
}

fn closer_of(open: char) -> char {
    match open {
        '[' => ']',
        '<' => '>',
        '{' => '}',
        _ => ')',
    }
}

fn opener_of(close: char) -> char {
    match close {
        ']' => '[',
        '>' => '<',
        '}' => '{',
        _ => '(',
    }
}

/// Finds unbalanced brackets before the grammar runs, so that the error points at the
/// bracket that is not closed.
fn check_brackets(src: &str) -> Result<(), MiniError> {
    let mut stack: Vec<(char, usize)> = Vec::new();
    for (i, c) in src.char_indices() {
        match c {
            '[' | '<' | '{' | '(' => {
                stack.push((c, i));
                if stack.len() > MAX_BRACKET_DEPTH {
                    return Err(MiniError::new(
                        format!("brackets nested too deeply (at most {MAX_BRACKET_DEPTH} levels)"),
                        i,
                        i + 1,
                    ));
                }
            }
            ']' | '>' | '}' | ')' => match stack.pop() {
                None => {
                    return Err(MiniError::new(
                        format!("unmatched `{c}`: there is no `{}` to close", opener_of(c)),
                        i,
                        i + 1,
                    )
                    .with_hint(format!("remove it, or add `{}` before it", opener_of(c))));
                }
                Some((open, at)) if closer_of(open) != c => {
                    return Err(MiniError::new(format!("unclosed `{open}`"), at, at + 1)
                        .with_hint(format!(
                            "the `{c}` at offset {i} cannot close it; add `{}` before that",
                            closer_of(open)
                        )));
                }
                Some(_) => {}
            },
            _ => {}
        }
    }
    if let Some((open, at)) = stack.pop() {
        return Err(MiniError::new(format!("unclosed `{open}`"), at, at + 1)
            .with_hint(format!("add `{}` to close it", closer_of(open))));
    }
    Ok(())
}

/// What a grammar rule means to someone writing a pattern, for "expected ..." lists;
/// `None` for rules not worth mentioning.
fn describe_rule(rule: Rule) -> Option<(u8, &'static str)> {
    Some(match rule {
        Rule::step
        | Rule::part
        | Rule::rest
        | Rule::number
        | Rule::word
        | Rule::subseq
        | Rule::polymeter
        | Rule::alternation
        | Rule::chord_tail
        | Rule::chord_sep => (0, "a step (a word, a number, `~`, `[`, `<` or `{`)"),
        Rule::factor => (
            1,
            "a factor (a number, or a pattern in `[ ]`, `< >` or `{ }`)",
        ),
        Rule::comma => (2, "`,`"),
        Rule::bar => (3, "`|`"),
        Rule::close_sq => (4, "`]`"),
        Rule::close_angle => (4, "`>`"),
        Rule::close_brace => (4, "`}`"),
        Rule::close_paren => (4, "`)`"),
        Rule::EOI => (5, "the end of the pattern"),
        _ => return None,
    })
}

fn join_alternatives(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// Turns a pest error into a message for a live coder, with a few common mistakes
/// recognised from the text around the error.
fn grammar_error(src: &str, err: pest::error::Error<Rule>) -> MiniError {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
    .min(src.len());
    let positives: Vec<Rule> = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let found = src.get(pos..).and_then(|s| s.chars().next());
    let before = src.get(..pos).unwrap_or("");
    let prev_raw = before.chars().last();
    let prev = before.trim_end().chars().last();
    let width = found.map_or(0, char::len_utf8);

    // `a*` / `a/` / `a* x`: a missing or unusable factor.
    if positives.contains(&Rule::factor) {
        let op = prev.unwrap_or('*');
        let op_at = before.trim_end().len().saturating_sub(1);
        let mut e = MiniError::new(
            format!("`{op}` needs a factor after it"),
            op_at,
            (pos + width).max(op_at + 1),
        );
        e = if found == Some('(') {
            e.with_hint(format!(
                "write fractions as decimals (`a{op}1.5`) or use a pattern (`a{op}<2 3>`); \
                 `(` starts Euclid arguments"
            ))
        } else {
            e.with_hint(format!(
                "use a number (`a{op}2`, `a{op}1.5`) or a pattern in brackets (`a{op}<2 3>`, `a{op}[2 3]`)"
            ))
        };
        return e;
    }
    if prev == Some('%') && positives.contains(&Rule::part) {
        let at = before.trim_end().len().saturating_sub(1);
        return MiniError::new("`%` needs a number of steps after it", at, pos + width)
            .with_hint("for example `{a b c}%4` plays four steps per cycle");
    }

    // `c'`, `c' maj`, `c'maj'`: nothing a chord can read after a `'`.
    if prev_raw == Some('\'') {
        return MiniError::new(
            "`'` needs a chord name (`c'maj`) or a chord modifier (`c'maj'ii`) right after it",
            pos.saturating_sub(1),
            pos + width,
        )
        .with_hint("chord names and modifiers follow `'` with no space: `e4'min7'ii`");
    }

    // `a!1e9`, `a!1.5`: a count that goes on as a number.
    if prev_raw == Some('!') && found.is_some_and(|c| c.is_ascii_digit()) {
        let rest = src.get(pos..).unwrap_or("");
        let len = rest
            .find(|c: char| c.is_whitespace() || "[]{}<>,|".contains(c))
            .unwrap_or(rest.len());
        let text = rest.get(..len).unwrap_or("");
        return MiniError::new(
            format!("`!` takes a whole number of copies, not `{text}`"),
            pos,
            pos + len.max(1),
        )
        .with_hint("`a!3` plays three copies of `a`; to lengthen a step use `@` (`a@1.5`)");
    }
    let found_text = match found {
        Some(c) => format!("`{c}`"),
        None => "end of pattern".to_string(),
    };
    let mut expected: Vec<(u8, &'static str)> =
        positives.iter().filter_map(|r| describe_rule(*r)).collect();
    expected.sort();
    expected.dedup();
    let expected: Vec<&str> = expected.into_iter().map(|(_, s)| s).collect();
    let mut message = format!("unexpected {found_text}");
    if !expected.is_empty() {
        message.push_str("; expected ");
        message.push_str(&join_alternatives(&expected));
    }
    let err = MiniError::new(message, pos, pos + width);

    match found {
        Some(c @ ('!' | '@' | '_')) => {
            let what = if c == '!' { "repeats" } else { "lengthens" };
            MiniError::new(
                format!("`{c}` needs a step before it: it {what} the step it follows"),
                pos,
                pos + 1,
            )
            .with_hint(format!("for example `a{c}3` or `a {c}`"))
        }
        Some('(') if prev_raw.is_some_and(char::is_whitespace) => {
            err.with_hint("Euclid arguments follow their step directly: `bd(3,8)`, with no space")
        }
        Some(')') if positives.contains(&Rule::comma) => err.with_hint(
            "Euclid rhythms take two or three arguments: `(hits,steps)` or `(hits,steps,rotation)`",
        ),
        Some(',') if positives.contains(&Rule::close_paren) => {
            err.with_hint("Euclid rhythms take at most three arguments: `(hits,steps,rotation)`")
        }
        Some('|') => err.with_hint(
            "a random choice `a | b` works at the top level or inside `[ ]`, and cannot be \
             mixed with `,` at the same level: write `<[a | b] c>` or `[a, b] | c`",
        ),
        Some(',') => err.with_hint(
            "a stack `a, b` cannot be mixed with `|` at the same level: write `[a, b] | c`",
        ),
        Some('(') => err.with_hint("`(` starts Euclid arguments after a step: `bd(3,8)`"),
        Some(c) if c.is_alphanumeric() && prev == Some('?') => err.with_hint(
            "a `?` after a space drops the whole sequence at random, so it must come last; \
             write `b?` to drop one step",
        ),
        Some('-' | '+') => err.with_hint("a sign must be followed by digits: `-1`, `-0.5`"),
        _ => err,
    }
}

fn span_of(pair: &Pair<Rule>) -> (usize, usize) {
    let s = pair.as_span();
    (s.start(), s.end())
}

/// The span of `pair` without surrounding whitespace.
fn trimmed_span(pair: &Pair<Rule>) -> (usize, usize) {
    let (start, end) = span_of(pair);
    let text = pair.as_str();
    let lead = text.len() - text.trim_start().len();
    let trail = text.len() - text.trim_end().len();
    if lead + trail >= text.len() {
        (start + lead.min(text.len()), start + lead.min(text.len()))
    } else {
        (start + lead, end - trail)
    }
}

fn node(kind: Kind, start: usize, end: usize) -> Node {
    Node { kind, start, end }
}

fn number_of(pair: &Pair<Rule>) -> Result<Rational, MiniError> {
    let (s, e) = span_of(pair);
    super::ast::parse_rational(pair.as_str())
        .ok_or_else(|| MiniError::new(format!("number `{}` is out of range", pair.as_str()), s, e))
}

fn amount_of(pair: Option<Pair<Rule>>) -> Result<f64, MiniError> {
    match pair {
        None => Ok(0.5),
        Some(p) => {
            let (s, e) = span_of(&p);
            p.as_str()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| MiniError::new("probability out of range", s, e))
        }
    }
}

/// Walks the pest tree in text order, numbering seeds as Tidal's `newSeed` does: a
/// `?` takes the next seed when it is read (after its step), a choice `|` after all
/// its alternatives have been read.
struct TreeBuilder {
    seed: u32,
}

impl TreeBuilder {
    fn next_seed(&mut self) -> u32 {
        let s = self.seed;
        self.seed = self.seed.saturating_add(1);
        s
    }

    fn body(&mut self, pair: Pair<Rule>) -> Result<Node, MiniError> {
        let (start, end) = trimmed_span(&pair);
        let mut inner = pair.into_inner();
        let first = match inner.next() {
            Some(p) => self.sequence(p)?,
            None => return Ok(node(Kind::Seq(Vec::new()), start, end)),
        };
        let Some(tail) = inner.next() else {
            return Ok(first);
        };
        let is_choice = tail.as_rule() == Rule::choice_tail;
        let mut nodes = vec![first];
        for p in tail.into_inner() {
            if p.as_rule() == Rule::sequence {
                nodes.push(self.sequence(p)?);
            }
        }
        if is_choice {
            let seed = self.next_seed();
            Ok(node(
                Kind::Choose {
                    seed,
                    alternatives: nodes,
                },
                start,
                end,
            ))
        } else {
            Ok(node(Kind::Stack(nodes), start, end))
        }
    }

    fn layers(&mut self, pair: Pair<Rule>) -> Result<Vec<Node>, MiniError> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::sequence)
            .map(|p| self.sequence(p))
            .collect()
    }

    fn sequence(&mut self, pair: Pair<Rule>) -> Result<Node, MiniError> {
        let (start, end) = trimmed_span(&pair);
        // `None` marks a foot.
        let mut items: Vec<Option<Step>> = Vec::new();
        let mut foot_at: Vec<usize> = Vec::new();
        let mut degrade = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::step => items.push(Some(self.step(p)?)),
                Rule::foot => {
                    foot_at.push(p.as_span().start());
                    items.push(None);
                }
                Rule::seq_degrade => degrade = Some(amount_of(p.into_inner().next())?),
                _ => {}
            }
        }
        let total: i64 = items.iter().flatten().map(|s| i64::from(s.count)).sum();
        if total > 16 * MAX_REPEAT {
            return Err(MiniError::new(
                format!(
                    "too many steps in one sequence (at most {})",
                    16 * MAX_REPEAT
                ),
                start,
                end,
            ));
        }
        let steps = if items.iter().any(Option::is_none) {
            // Feet (Tidal's `splitFeet`): a trailing `.` does not open an empty foot.
            let ends_with_foot = matches!(items.last(), Some(None));
            let mut feet: Vec<Vec<Step>> = Vec::new();
            let mut current = Vec::new();
            for item in items {
                match item {
                    Some(step) => current.push(step),
                    None => feet.push(std::mem::take(&mut current)),
                }
            }
            if !ends_with_foot {
                feet.push(current);
            }
            if feet.len() > 1 {
                let mut dots = foot_at.into_iter();
                feet.into_iter()
                    .map(|foot| {
                        let dot = dots.next().unwrap_or(end);
                        let (s, e) = match (foot.first(), foot.last()) {
                            (Some(a), Some(b)) => (a.node.start, b.node.end),
                            _ => (dot, dot + 1),
                        };
                        Step {
                            node: node(Kind::Seq(foot), s, e),
                            weight: Rational::ONE,
                            count: 1,
                        }
                    })
                    .collect()
            } else {
                feet.into_iter().flatten().collect()
            }
        } else {
            items.into_iter().flatten().collect()
        };
        let seq = node(Kind::Seq(steps), start, end);
        Ok(match degrade {
            None => seq,
            Some(amount) => node(
                Kind::Degrade {
                    seed: self.next_seed(),
                    amount,
                    pat: Box::new(seq),
                },
                start,
                end,
            ),
        })
    }

    fn step(&mut self, pair: Pair<Rule>) -> Result<Step, MiniError> {
        let mut inner = pair.into_inner().peekable();
        let mut part = self.chordable(&mut inner)?;
        let mut weight = Rational::ONE;
        let mut count: i64 = 1;
        let mut weighted: Option<(usize, usize)> = None;
        let mut repeated: Option<(usize, usize)> = None;
        for p in inner {
            let (s, e) = span_of(&p);
            match p.as_rule() {
                Rule::range_tail => {
                    let to = self.chordable(&mut p.into_inner().peekable())?;
                    let (start, end) = (part.start, to.end);
                    part = node(Kind::Range(Box::new(part), Box::new(to)), start, end);
                }
                Rule::elongate => {
                    if let Some((rs, re)) = repeated {
                        return Err(mixed_weights(s, e, rs, re));
                    }
                    weighted = Some((s, e));
                    let r = match p.into_inner().next() {
                        Some(n) => number_of(&n)?,
                        None => Rational::from_int(2),
                    };
                    weight = weight + r - Rational::ONE;
                }
                Rule::replicate => {
                    if let Some((ws, we)) = weighted {
                        return Err(mixed_weights(s, e, ws, we));
                    }
                    repeated = Some((s, e));
                    let n = match p.into_inner().next() {
                        Some(n) => n.as_str().parse::<i64>().unwrap_or(i64::MAX),
                        None => 2,
                    };
                    count = count.saturating_add(n.min(MAX_REPEAT + 1) - 1);
                    if count > MAX_REPEAT {
                        return Err(MiniError::new(
                            format!("too many repeats (at most {MAX_REPEAT})"),
                            s,
                            e,
                        ));
                    }
                }
                _ => {}
            }
        }
        Ok(Step {
            node: part,
            weight,
            count: count.clamp(0, MAX_REPEAT) as u32,
        })
    }

    /// A part, with the chord on it if one follows (`c'maj`), or a chord on root 0.
    fn chordable(&mut self, inner: &mut Peekable<Pairs<Rule>>) -> Result<Node, MiniError> {
        let Some(first) = inner.next() else {
            return Err(MiniError::new("empty step", 0, 0));
        };
        let (root, tail) = if first.as_rule() == Rule::chord_tail {
            (None, first)
        } else {
            let root = self.part(first)?;
            match inner.next_if(|p| p.as_rule() == Rule::chord_tail) {
                Some(tail) => (Some(root), tail),
                None => return Ok(root),
            }
        };
        let (tail_start, end) = span_of(&tail);
        let mut parts = tail.into_inner().filter(|p| p.as_rule() == Rule::part);
        let Some(name) = parts.next() else {
            return Err(MiniError::new("`'` needs a chord name after it", tail_start, end));
        };
        let name = self.part(name)?;
        let mut modifiers = Vec::new();
        for m in parts {
            if modifiers.len() >= MAX_MODIFIERS {
                let (s, e) = span_of(&m);
                return Err(MiniError::new(
                    format!("too many chord modifiers (at most {MAX_MODIFIERS})"),
                    s,
                    e,
                ));
            }
            modifiers.push(self.part(m)?);
        }
        let start = root.as_ref().map_or(tail_start, |r| r.start);
        Ok(node(
            Kind::Chord {
                root: root.map(Box::new),
                name: Box::new(name),
                modifiers,
            },
            start,
            end,
        ))
    }

    fn part(&mut self, pair: Pair<Rule>) -> Result<Node, MiniError> {
        let mut inner = pair.into_inner();
        let Some(core) = inner.next() else {
            return Err(MiniError::new("empty step", 0, 0));
        };
        let mut current = self.core(core)?;
        for (i, m) in inner.enumerate() {
            if i >= MAX_MODIFIERS {
                let (s, e) = span_of(&m);
                return Err(MiniError::new(
                    format!("too many modifiers on one step (at most {MAX_MODIFIERS})"),
                    s,
                    e,
                ));
            }
            let (_, end) = span_of(&m);
            let start = current.start;
            let rule = m.as_rule();
            current = match rule {
                Rule::fast | Rule::slow => {
                    let factor = match m.into_inner().next() {
                        Some(f) => self.factor(f)?,
                        None => return Err(MiniError::new("missing factor", start, end)),
                    };
                    let kind = if rule == Rule::fast {
                        Kind::Fast(Box::new(factor), Box::new(current))
                    } else {
                        Kind::Slow(Box::new(factor), Box::new(current))
                    };
                    node(kind, start, end)
                }
                Rule::degrade => {
                    let amount = amount_of(m.into_inner().next())?;
                    let seed = self.next_seed();
                    node(
                        Kind::Degrade {
                            seed,
                            amount,
                            pat: Box::new(current),
                        },
                        start,
                        end,
                    )
                }
                Rule::euclid => {
                    let mut args = Vec::new();
                    for p in m.into_inner() {
                        if p.as_rule() == Rule::sequence {
                            args.push(self.sequence(p)?);
                        }
                    }
                    let mut args = args.into_iter();
                    let (Some(hits), Some(steps)) = (args.next(), args.next()) else {
                        return Err(MiniError::new(
                            "Euclid rhythms need two arguments",
                            start,
                            end,
                        ));
                    };
                    node(
                        Kind::Euclid {
                            hits: Box::new(hits),
                            steps: Box::new(steps),
                            rotation: args.next().map(Box::new),
                            pat: Box::new(current),
                        },
                        start,
                        end,
                    )
                }
                _ => current,
            };
        }
        Ok(current)
    }

    fn core(&mut self, pair: Pair<Rule>) -> Result<Node, MiniError> {
        let (start, end) = span_of(&pair);
        let rule = pair.as_rule();
        Ok(match rule {
            Rule::rest => node(Kind::Rest, start, end),
            Rule::number => node(Kind::Atom(AtomKind::Num, pair.as_str().into()), start, end),
            Rule::word => node(Kind::Atom(AtomKind::Word, pair.as_str().into()), start, end),
            Rule::subseq => {
                let body = pair.into_inner().find(|p| p.as_rule() == Rule::body);
                let mut n = match body {
                    Some(b) => self.body(b)?,
                    None => node(Kind::Seq(Vec::new()), start, end),
                };
                n.start = start;
                n.end = end;
                n
            }
            Rule::polymeter | Rule::alternation => {
                let mut layers = Vec::new();
                let mut steps = if rule == Rule::alternation {
                    PolySteps::One
                } else {
                    PolySteps::FirstLayer
                };
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::layers => layers = self.layers(p)?,
                        Rule::steps_per_cycle => {
                            if let Some(part) = p.into_inner().next() {
                                steps = PolySteps::Given(Box::new(self.part(part)?));
                            }
                        }
                        _ => {}
                    }
                }
                node(Kind::Poly { steps, layers }, start, end)
            }
            _ => {
                return Err(MiniError::new(
                    format!("unexpected `{}`", pair.as_str()),
                    start,
                    end,
                ))
            }
        })
    }

    /// `f0 op1 f1 op2 f2 ...` groups to the right: `f0` sped up by (`f1` sped up by ...).
    fn factor(&mut self, pair: Pair<Rule>) -> Result<Node, MiniError> {
        let mut elems = Vec::new();
        let mut ops = Vec::new();
        for p in pair.into_inner() {
            if ops.len() >= MAX_MODIFIERS {
                let (s, e) = span_of(&p);
                return Err(MiniError::new(
                    format!("factor chain too long (at most {MAX_MODIFIERS} links)"),
                    s,
                    e,
                ));
            }
            if p.as_rule() == Rule::factor_op {
                ops.push(p.as_str() == "*");
            } else {
                elems.push(self.core(p)?);
            }
        }
        let Some(mut acc) = elems.pop() else {
            return Err(MiniError::new("missing factor", 0, 0));
        };
        while let (Some(pat), Some(is_fast)) = (elems.pop(), ops.pop()) {
            let (start, end) = (pat.start, acc.end);
            let kind = if is_fast {
                Kind::Fast(Box::new(acc), Box::new(pat))
            } else {
                Kind::Slow(Box::new(acc), Box::new(pat))
            };
            acc = node(kind, start, end);
        }
        Ok(acc)
    }
}

fn mixed_weights(s: usize, e: usize, other_s: usize, other_e: usize) -> MiniError {
    MiniError::new(
        "a step cannot be both repeated (`!`) and lengthened (`@`, `_`)",
        s,
        e,
    )
    .with_hint(format!(
        "the other one is at {other_s}..{other_e}; wrap one in brackets: `[a@2]!2`"
    ))
}
