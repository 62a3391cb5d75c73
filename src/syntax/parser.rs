//! The patch parser: splits a patch into statements by the line rule, parses each with
//! the pest grammar in `grammar/patch.pest`, and builds the syntax tree with byte spans.
//!
//! Errors are converted from pest's rule lists into messages a live coder can act on,
//! one per broken statement; parsing goes on with the next statement.

use pest::iterators::Pair;
use pest::Parser;

use super::ast::{
    BinOp, Broken, Expr, ExprKind, ParamDecl, Parsed, SectionOp, Side, Statement, StatementKind,
    TempoUnit,
};
use crate::diag::SrcSpan;
use crate::diag::{nearest, Diagnostic};
use crate::pattern::value::NumOp;
use crate::pattern::Structure;
use crate::time::Rational;
use super::dialect::{self, Form, Use};
use super::errors::{lex, pest_error, prescan, Tok, TokKind};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/patch.pest"]
pub(super) struct PatchParser;

/// The deepest nesting accepted: nodes from the root to a leaf, where the links of a
/// left-associative chain (`1 + 2 + 3`, `f a b`, `x # f # g`) count as one level, since
/// every later stage walks such a chain in a loop (`Expr::left_spine`); what does
/// count is an operand inside another (parentheses, `$` to the right, `-`, sections).
/// Far beyond any real patch; it keeps every later recursive stage well inside its
/// stack.
pub const MAX_DEPTH: usize = 200;

/// The deepest nesting of parentheses accepted.
pub const MAX_PARENS: usize = 64;

const STATEMENT_FORMS: &str = "tempo:, cps:, bpm:, limit:, ~bus:, out:, oN:, dN:, hush";

/// Parses a whole patch. Every broken statement is reported, each with one diagnostic.
/// (The commands use [`parse_lines`], which keeps the statements that parse.)
#[cfg(any(test, feature = "testing"))]
pub fn parse_program(src: &str) -> Result<super::ast::Program, Vec<Diagnostic>> {
    let parsed = parse_lines(src);
    if parsed.errors.is_empty() {
        Ok(parsed.program)
    } else {
        Err(parsed.errors)
    }
}

/// Parses a patch statement by statement: the statements that parse, an error for
/// each one that does not, and what the broken ones would have defined (read from
/// their first token: `~name` or an output name), so that the others can still be
/// checked.
pub fn parse_lines(src: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut uses = dialect::comments(src);
    for (start, end) in split_statements(src) {
        let (chunk, tempo_comment) = dialect::blank_comments(src.get(start..end).unwrap_or(""), start);
        uses.extend(tempo_comment);
        match parse_statement(&chunk, start) {
            Ok((s, old)) => {
                parsed.program.statements.push(s);
                uses.extend(old);
            }
            Err(d) => {
                parsed.errors.push(d);
                note_broken(&chunk, &mut parsed.broken);
            }
        }
    }
    parsed.warnings = dialect::warnings(src, uses);
    parsed
}

/// What a statement that failed to parse defines, from its first token.
fn note_broken(chunk: &str, broken: &mut Broken) {
    let toks = lex(chunk);
    let Some(t0) = toks.first() else { return };
    let name = t0.text(chunk);
    match t0.kind {
        TokKind::Bus => broken.buses.push(name.trim_start_matches('~').to_string()),
        TokKind::Ident if is_out_name(name) => broken.output = true,
        _ => {}
    }
}

/// Parses one expression (the whole of `src`; newlines are plain whitespace here).
pub fn parse_expr(src: &str) -> Result<Expr, Vec<Diagnostic>> {
    parse_expr_at(src, 0).map_err(|d| vec![d])
}

fn parse_expr_at(text: &str, base: usize) -> Result<Expr, Diagnostic> {
    if let Some(d) = prescan(text, base) {
        return Err(d);
    }
    let mut pairs = match PatchParser::parse(Rule::expr_input, text) {
        Ok(p) => p,
        Err(e) => return Err(pest_error(&e, text, base, None)),
    };
    let b = Builder { base };
    let input = pairs
        .next()
        .ok_or_else(|| Diagnostic::error("expected an expression", b.span_at(0, text.len())))?;
    let expr = input
        .into_inner()
        .find(|p| p.as_rule() == Rule::expr)
        .ok_or_else(|| Diagnostic::error("expected an expression", b.span_at(0, text.len())))?;
    Ok(b.expr(expr)?.0)
}

// ---- statements and lines ----------------------------------------------------------

/// The byte ranges of the statements of `src`: a line that starts with a space or a tab
/// continues the previous statement; blank and comment-only lines belong to none. Each
/// range runs from the statement's first character to the end of its last line (without
/// the line break).
fn split_statements(src: &str) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    let mut line_start = crate::diag::bom_len(src);
    while line_start <= src.len() {
        let rest = src.get(line_start..).unwrap_or("");
        let (line_len, next) = match rest.find('\n') {
            Some(i) => (i, line_start + i + 1),
            None => (rest.len(), src.len() + 1),
        };
        let line = rest.get(..line_len).unwrap_or("");
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim_start_matches([' ', '\t', '\r']);
        // `//` and a `#` in column 1 are the earlier engine's comments.
        let blank = trimmed.is_empty()
            || trimmed.starts_with("--")
            || trimmed.starts_with("//")
            || line.starts_with('#');
        if !blank {
            let end = line_start + line.len();
            let continues = line.starts_with([' ', '\t']);
            match current.as_mut() {
                Some(cur) if continues => cur.1 = end,
                _ => {
                    if let Some(cur) = current.take() {
                        out.push(cur);
                    }
                    let indent = line.len() - trimmed.len();
                    current = Some((line_start + indent, end));
                }
            }
        }
        line_start = next;
    }
    if let Some(cur) = current {
        out.push(cur);
    }
    out
}

/// A statement, and the uses of the earlier engine's dialect in its head.
fn parse_statement(chunk: &str, base: usize) -> Result<(Statement, Vec<Use>), Diagnostic> {
    if let Some(d) = prescan(chunk, base) {
        return Err(d);
    }
    let toks = lex(chunk);
    let head = check_head(chunk, base, &toks)?;
    let mut pairs = match PatchParser::parse(Rule::statement, chunk) {
        Ok(p) => p,
        Err(e) => return Err(pest_error(&e, chunk, base, Some(&head))),
    };
    let b = Builder { base };
    let whole = b.span_at(0, chunk.len());
    let stmt = pairs
        .next()
        .and_then(|p| p.into_inner().find(|p| p.as_rule() != Rule::EOI))
        .ok_or_else(|| Diagnostic::error("expected a statement", whole))?;
    b.statement(stmt)
}

/// What the statement starts with, once it is known to be a valid statement head.
pub(super) struct Head {
    /// As written, with the `:` or `$`: `o1:`, `~bass $`.
    pub(super) text: String,
    /// Chunk-relative end of the `:` or `$`.
    pub(super) end: usize,
}

/// The head of a voice definition, `~pluck freq=440 gate=1:`: parameters, each a
/// name, `=` and a number, then `:` or `$`.
fn voice_head(
    chunk: &str,
    name: &str,
    toks: &[Tok],
    abs: &dyn Fn(&Tok) -> SrcSpan,
) -> Result<Head, Diagnostic> {
    let param_error = |t: &Tok| {
        Diagnostic::error("expected a parameter `name=number`", abs(t))
            .with_label("not a parameter")
            .with_hint(format!(
                "define a voice with `{name} freq=440 gate=1: expr`, each parameter with its default"
            ))
    };
    let mut i = 1;
    loop {
        let Some(t) = toks.get(i) else {
            let last = toks.last().map_or(SrcSpan::new(0, 0), abs);
            return Err(Diagnostic::error(format!("expected `:` after the parameters of `{name}`"), last)
                .with_hint(format!("write `{name} freq=440: expr`")));
        };
        match t.kind {
            TokKind::Colon => {
                return Ok(Head {
                    text: chunk.get(..t.end).unwrap_or(name).to_string(),
                    end: t.end,
                })
            }
            TokKind::Op if t.text(chunk) == "$" => {
                return Ok(Head {
                    text: chunk.get(..t.end).unwrap_or(name).to_string(),
                    end: t.end,
                })
            }
            TokKind::Ident => {
                let eq = toks.get(i + 1).filter(|e| e.text(chunk) == "=");
                let Some(_) = eq else {
                    return Err(param_error(t));
                };
                let mut j = i + 2;
                if toks.get(j).is_some_and(|m| m.text(chunk) == "-") {
                    j += 1;
                }
                match toks.get(j) {
                    Some(v) if v.kind == TokKind::Number => i = j + 1,
                    Some(v) => return Err(param_error(v)),
                    None => return Err(param_error(t)),
                }
            }
            _ => return Err(param_error(t)),
        }
    }
}

fn is_out_name(name: &str) -> bool {
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = name.strip_prefix("out") {
        return digits(rest);
    }
    match name.strip_prefix('o').or_else(|| name.strip_prefix('d')) {
        Some(rest) => !rest.is_empty() && digits(rest),
        None => false,
    }
}

/// Checks the first tokens of a statement, so that an unknown or malformed statement
/// is reported as such rather than as a confusing expression error.
fn check_head(chunk: &str, base: usize, toks: &[Tok]) -> Result<Head, Diagnostic> {
    let abs = |t: &Tok| SrcSpan::new(base + t.start, base + t.end);
    let first_line_end = chunk.find(['\n', '\r']).unwrap_or(chunk.len());
    let first_line = SrcSpan::new(base, base + first_line_end);
    let forms_hint = format!("statements are {STATEMENT_FORMS}");
    let Some(t0) = toks.first() else {
        return Err(Diagnostic::error("expected a statement", first_line).with_hint(forms_hint));
    };
    let t1 = toks.get(1);
    let name = t0.text(chunk);
    let is_colon = |t: Option<&Tok>| t.is_some_and(|t| t.kind == TokKind::Colon);
    let is_dollar =
        |t: Option<&Tok>| t.is_some_and(|t| t.kind == TokKind::Op && t.text(chunk) == "$");
    let is_eq = |t: Option<&Tok>| t.is_some_and(|t| t.text(chunk) == "=");
    let head_of = |t: &Tok| Head {
        text: match t.kind {
            TokKind::Colon => format!("{name}:"),
            _ => format!("{name} {}", t.text(chunk)),
        },
        end: t.end,
    };
    match t0.kind {
        TokKind::Ident if name == "setcps" => Ok(Head {
            text: name.to_string(),
            end: t0.end,
        }),
        TokKind::Ident if name == "limit" => {
            let Some(colon) = t1.filter(|t| t.kind == TokKind::Colon) else {
                return Err(
                    Diagnostic::error("expected `:` after `limit`", abs(t0))
                        .with_hint("write `limit: off` or `limit: on`"),
                );
            };
            let value = toks.get(2);
            match value {
                Some(v) if matches!(v.text(chunk), "on" | "off") && toks.len() == 3 => {
                    Ok(head_of(colon))
                }
                _ => {
                    let span = match (value, toks.last()) {
                        (Some(v), Some(last)) => abs(v).join(abs(last)),
                        _ => abs(t0).join(abs(colon)),
                    };
                    Err(
                        Diagnostic::error("`limit:` takes `on` or `off`", span)
                            .with_label("not `on` or `off`")
                            .with_hint("`limit: off` turns the master limiter off for this patch"),
                    )
                }
            }
        }
        TokKind::Ident if name == "hush" => match toks.get(1..) {
            Some([first, .., last]) | Some([first @ last]) => Err(Diagnostic::error(
                "`hush` stands alone on its line",
                abs(first).join(abs(last)),
            )
            .with_label("nothing may follow `hush`")
            .with_hint("`hush` silences every output of the patch")),
            _ => Ok(Head {
                text: name.to_string(),
                end: t0.end,
            }),
        },
        TokKind::Ident if matches!(name, "tempo" | "cps" | "bpm") || is_out_name(name) => {
            let bare = Head {
                text: name.to_string(),
                end: t0.end,
            };
            let old_bare = matches!(name, "tempo" | "cps" | "bpm")
                || name.strip_prefix("out").is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()));
            match t1 {
                Some(t) if t.kind == TokKind::Colon => Ok(head_of(t)),
                Some(t) if is_dollar(Some(t)) && is_out_name(name) => Ok(head_of(t)),
                // The earlier engine's `out = expr`, `out expr` and `tempo 2.0`.
                Some(t) if is_eq(Some(t)) && is_out_name(name) => Ok(head_of(t)),
                Some(t) if old_bare && !is_dollar(Some(t)) && !is_eq(Some(t)) => Ok(bare),
                _ => Err(
                    Diagnostic::error(format!("expected `:` after `{name}`"), abs(t0))
                        .with_hint(format!("write `{name}: ...`")),
                ),
            }
        }
        TokKind::Bus
            if t1.is_some_and(|t| t.kind == TokKind::Ident)
                && toks.get(2).is_some_and(|t| t.text(chunk) == "=") =>
        {
            voice_head(chunk, name, toks, &abs)
        }
        TokKind::Bus => match t1 {
            Some(t) if is_colon(Some(t)) || is_dollar(Some(t)) || is_eq(Some(t)) => {
                Ok(head_of(t))
            }
            _ => Err(
                Diagnostic::error(format!("expected `:` or `$` after `{name}`"), abs(t0))
                    .with_label("a bus definition")
                    .with_hint(format!("define a bus with `{name}: expr`")),
            ),
        },
        TokKind::Ident if is_colon(t1) => {
            let span = match t1 {
                Some(t) => abs(t0).join(abs(t)),
                None => abs(t0),
            };
            let mut d = Diagnostic::error(
                format!("unknown statement `{name}:`; statements are {STATEMENT_FORMS}"),
                span,
            )
            .with_label("not a statement");
            if let Some(near) = nearest(name, ["tempo", "cps", "bpm", "limit", "out"]) {
                d = d.with_hint(format!("did you mean `{near}:`?"));
            }
            Err(d)
        }
        _ => {
            let d = Diagnostic::error(
                format!("expected a statement; statements are {STATEMENT_FORMS}"),
                first_line,
            )
            .with_label("not a statement");
            Err(match name {
                "once" | "let" | "import" => d,
                _ => d.with_hint("to play an expression, write `out: ` in front of it"),
            })
        }
    }
}

// ---- syntax tree -------------------------------------------------------------------

struct Builder {
    /// Byte offset of the parsed text in the patch.
    base: usize,
}

type Built = (Expr, usize);

impl Builder {
    fn span_at(&self, start: usize, end: usize) -> SrcSpan {
        SrcSpan::new(self.base + start, self.base + end)
    }

    fn span(&self, pair: &Pair<Rule>) -> SrcSpan {
        let s = pair.as_span();
        self.span_at(s.start(), s.end())
    }

    fn node(&self, kind: ExprKind, span: SrcSpan, depth: usize) -> Result<Built, Diagnostic> {
        if depth > MAX_DEPTH {
            return Err(Diagnostic::error(
                format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
                span,
            )
            .with_hint("split it into buses (`~part: ...`)"));
        }
        Ok((Expr { kind, span }, depth))
    }

    /// A statement, and the earlier engine's forms its head uses.
    fn statement(&self, pair: Pair<Rule>) -> Result<(Statement, Vec<Use>), Diagnostic> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let parts: Vec<Pair<Rule>> = pair.into_inner().collect();
        let missing = || Diagnostic::error("malformed statement", span);
        let head = parts.first().ok_or_else(missing)?;
        let name_span = self.span(head);
        if rule == Rule::limit_stmt {
            let value = parts.get(1).ok_or_else(missing)?;
            let span = SrcSpan::new(name_span.start, self.span(value).end);
            let on = value.as_str() == "on";
            let kind = StatementKind::Limit { on };
            return Ok((Statement { kind, span }, Vec::new()));
        }
        if rule == Rule::hush_stmt {
            let kind = StatementKind::Hush;
            return Ok((Statement { kind, span: name_span }, Vec::new()));
        }
        let sep = parts
            .iter()
            .find(|p| matches!(p.as_rule(), Rule::sep | Rule::colon | Rule::old_eq));
        let expr = parts
            .iter()
            .find(|p| p.as_rule() == Rule::expr)
            .ok_or_else(missing)?;
        let value_text = dialect::short(expr.as_str());
        let (expr, _) = self.expr(expr.clone())?;
        // pest's rule spans can take in trailing whitespace and comments: the statement
        // runs from its name to the end of its expression.
        let span = SrcSpan::new(name_span.start, expr.span.end);
        let head_text = head.as_str();
        let mut old = Vec::new();
        let mut note = |form, span, old_text: String, modern: String| {
            old.push(Use {
                form,
                span,
                old: old_text,
                modern,
                note: None,
            })
        };
        let is_old_eq = sep.filter(|p| p.as_rule() == Rule::old_eq).map(|p| self.span(p));
        let kind = match rule {
            Rule::tempo_stmt => {
                if head.as_rule() == Rule::tempo_kw && sep.is_none() {
                    note(
                        Form::BareTempo,
                        name_span,
                        format!("{head_text} {value_text}"),
                        format!("{head_text}: {value_text}"),
                    );
                }
                StatementKind::Tempo {
                    unit: if head_text == "bpm" {
                        TempoUnit::Bpm
                    } else {
                        TempoUnit::Cps
                    },
                    value: expr,
                }
            }
            Rule::bus_stmt => {
                if let Some(eq) = is_old_eq {
                    note(
                        Form::EqualsBus,
                        eq,
                        format!("{head_text} = ..."),
                        format!("{head_text}: ..."),
                    );
                }
                StatementKind::Bus {
                    name: head_text.trim_start_matches('~').to_string(),
                    name_span,
                    expr,
                }
            }
            Rule::voice_stmt => {
                let mut params = Vec::new();
                for p in parts.iter().filter(|p| p.as_rule() == Rule::voice_param) {
                    let inner: Vec<Pair<Rule>> = p.clone().into_inner().collect();
                    let (Some(name), Some(value)) = (inner.first(), inner.get(1)) else {
                        return Err(missing());
                    };
                    let span = self.span(name);
                    let default = value.as_str().parse::<f64>().map_err(|_| {
                        Diagnostic::error("a parameter's default is a number", self.span(value))
                    })?;
                    if params.iter().any(|d: &ParamDecl| d.name == name.as_str()) {
                        return Err(Diagnostic::error(
                            format!("parameter `{}` is declared twice", name.as_str()),
                            span,
                        ));
                    }
                    params.push(ParamDecl {
                        name: name.as_str().to_string(),
                        span,
                        default,
                    });
                }
                StatementKind::Voice {
                    name: head_text.trim_start_matches('~').to_string(),
                    name_span,
                    params,
                    expr,
                }
            }
            Rule::out_stmt => {
                if let Some(eq) = is_old_eq {
                    note(
                        Form::EqualsOut,
                        eq,
                        format!("{head_text} = ..."),
                        format!("{head_text}: ..."),
                    );
                } else if head.as_rule() == Rule::old_out {
                    note(
                        Form::BareOut,
                        name_span,
                        format!("{head_text} ..."),
                        format!("{head_text}: ..."),
                    );
                }
                StatementKind::Output {
                    name: head_text.to_string(),
                    name_span,
                    expr,
                }
            }
            _ => return Err(missing()),
        };
        Ok((Statement { kind, span }, old))
    }

    /// Builds an expression. Levels with a single operand (`expr` holding one `dollar`,
    /// and so on down to an application of one atom) are skipped in a loop, so that a
    /// parenthesis costs only two stack frames here, even in debug builds.
    fn expr(&self, mut pair: Pair<Rule>) -> Result<Built, Diagnostic> {
        while matches!(
            pair.as_rule(),
            Rule::expr
                | Rule::dollar
                | Rule::hashes
                | Rule::sum
                | Rule::product
                | Rule::compose
                | Rule::unary
                | Rule::application
        ) {
            let mut inner = pair.clone().into_inner();
            match (inner.next(), inner.next()) {
                (Some(only), None) => pair = only,
                _ => break,
            }
        }
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr | Rule::hashes | Rule::sum | Rule::product => self.left_fold(pair),
            Rule::dollar | Rule::compose => self.right_fold(pair, span),
            Rule::unary => self.unary(pair, span),
            Rule::application => self.application(pair, span),
            Rule::number | Rule::neg_number => self.number(pair.as_str(), span),
            Rule::string => self.string(pair, span),
            Rule::bus => self.node(
                ExprKind::Bus(pair.as_str().trim_start_matches('~').to_string()),
                span,
                1,
            ),
            Rule::ident => self.node(ExprKind::Ident(pair.as_str().to_string()), span, 1),
            Rule::apply_fn => self.node(ExprKind::Ident("($)".to_string()), span, 1),
            Rule::paren => self.paren(pair, span),
            Rule::list => self.list(pair, span),
            _ => Err(Diagnostic::error("malformed expression", span)),
        }
    }

    /// `a $ b $ c` and `f . g . h`, right-associative.
    fn right_fold(&self, pair: Pair<Rule>, span: SrcSpan) -> Result<Built, Diagnostic> {
        let compose = pair.as_rule() == Rule::compose;
        let mut operands = Vec::new();
        for p in pair.into_inner() {
            if p.as_rule() != Rule::compose_op {
                operands.push(self.expr(p)?);
            }
        }
        let mut acc = operands
            .pop()
            .ok_or_else(|| Diagnostic::error("expected an expression", span))?;
        while let Some((left, ld)) = operands.pop() {
            let (right, rd) = acc;
            let s = left.span.join(right.span);
            let (left, right) = (Box::new(left), Box::new(right));
            let kind = if compose {
                ExprKind::Compose { left, right }
            } else {
                ExprKind::Dollar { left, right }
            };
            acc = self.node(kind, s, 1 + ld.max(rd))?;
        }
        Ok(acc)
    }

    /// `- - x`.
    fn unary(&self, pair: Pair<Rule>, span: SrcSpan) -> Result<Built, Diagnostic> {
        let mut negs = Vec::new();
        let mut operand = None;
        for p in pair.into_inner() {
            if p.as_rule() == Rule::neg_op {
                negs.push(self.span(&p).start);
            } else {
                operand = Some(self.expr(p)?);
            }
        }
        let mut acc = operand.ok_or_else(|| Diagnostic::error("expected an expression", span))?;
        while let Some(start) = negs.pop() {
            let (e, d) = acc;
            let s = SrcSpan::new(start, e.span.end);
            acc = self.node(ExprKind::Neg(Box::new(e)), s, d + 1)?;
        }
        Ok(acc)
    }

    /// `f a b`: `Apply(Apply(f, a), b)`.
    fn application(&self, pair: Pair<Rule>, span: SrcSpan) -> Result<Built, Diagnostic> {
        let mut inner = pair.into_inner();
        let head = inner
            .next()
            .ok_or_else(|| Diagnostic::error("expected an expression", span))?;
        let mut acc = self.expr(head)?;
        for arg in inner {
            let (a, ad) = self.expr(arg)?;
            let (f, fd) = acc;
            let s = f.span.join(a.span);
            acc = self.node(
                ExprKind::Apply {
                    func: Box::new(f),
                    arg: Box::new(a),
                },
                s,
                chain_depth(fd, ad),
            )?;
        }
        Ok(acc)
    }

    fn string(&self, pair: Pair<Rule>, span: SrcSpan) -> Result<Built, Diagnostic> {
        let (text, content_start) = match pair.into_inner().next() {
            Some(c) => (c.as_str().to_string(), self.span(&c).start),
            None => (String::new(), span.start + 1),
        };
        self.node(
            ExprKind::Str {
                text,
                content_start,
            },
            span,
            1,
        )
    }

    /// `operand (op operand)*`, left-associative: the `#` level (with the structure
    /// operators), the `+` level and the `*` level.
    fn left_fold(&self, pair: Pair<Rule>) -> Result<Built, Diagnostic> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let first = inner
            .next()
            .ok_or_else(|| Diagnostic::error("expected an expression", span))?;
        let mut acc = self.expr(first)?;
        while let Some(op) = inner.next() {
            let operand = inner
                .next()
                .ok_or_else(|| Diagnostic::error("expected an expression", self.span(&op)))?;
            let (right, rd) = self.expr(operand)?;
            let (left, ld) = acc;
            let s = left.span.join(right.span);
            let (left, right) = (Box::new(left), Box::new(right));
            let kind = if op.as_rule() == Rule::hash_op {
                ExprKind::Hash { left, right }
            } else {
                ExprKind::Binary {
                    op: binop(op.as_str()),
                    left,
                    right,
                }
            };
            acc = self.node(kind, s, chain_depth(ld, rd))?;
        }
        Ok(acc)
    }

    fn paren(&self, pair: Pair<Rule>, span: SrcSpan) -> Result<Built, Diagnostic> {
        let parts: Vec<Pair<Rule>> = pair.into_inner().collect();
        let empty = || Diagnostic::error("expected an expression inside `( )`", span);
        let section_op = |p: &Pair<Rule>| match p.as_rule() {
            Rule::hash_op => SectionOp::Hash,
            _ => SectionOp::Binary(binop(p.as_str())),
        };
        match parts.as_slice() {
            [single] if single.as_rule() == Rule::right_section => {
                let inner: Vec<Pair<Rule>> = single.clone().into_inner().collect();
                match inner.as_slice() {
                    [op, operand] => {
                        let (e, d) = self.expr(operand.clone())?;
                        self.node(
                            ExprKind::Section {
                                op: section_op(op),
                                operand: Box::new(e),
                                operand_side: Side::Right,
                            },
                            span,
                            d + 1,
                        )
                    }
                    _ => Err(empty()),
                }
            }
            [single] => {
                // Plain parentheses: the inner expression, its span widened to them.
                let (mut e, d) = self.expr(single.clone())?;
                e.span = span;
                Ok((e, d))
            }
            [first, rest] if rest.as_rule() == Rule::tuple_rest => {
                let pairs = std::iter::once(first.clone()).chain(rest.clone().into_inner());
                let (items, d) = self.items(pairs, "tuple", span)?;
                self.node(ExprKind::Tuple(items), span, d + 1)
            }
            [operand, op] => {
                let (e, d) = self.expr(operand.clone())?;
                self.node(
                    ExprKind::Section {
                        op: section_op(op),
                        operand: Box::new(e),
                        operand_side: Side::Left,
                    },
                    span,
                    d + 1,
                )
            }
            _ => Err(empty()),
        }
    }

    /// `[a, b, c]`.
    fn list(&self, pair: Pair<Rule>, span: SrcSpan) -> Result<Built, Diagnostic> {
        let inner: Vec<Pair<Rule>> = pair.into_inner().collect();
        if inner.is_empty() {
            return Err(Diagnostic::error("an empty list", span)
                .with_label("nothing to play")
                .with_hint("a list holds at least one element, `[a, b]`; for nothing, write `silence`"));
        }
        let (items, d) = self.items(inner.into_iter(), "list", span)?;
        self.node(ExprKind::List(items), span, d + 1)
    }

    /// The elements of a list or tuple from its expressions and commas, in order:
    /// each comma must stand between two elements.
    fn items<'i>(
        &self,
        pairs: impl Iterator<Item = Pair<'i, Rule>>,
        what: &str,
        span: SrcSpan,
    ) -> Result<(Vec<Expr>, usize), Diagnostic> {
        let mut items = Vec::new();
        let mut depth = 0;
        // The span of the last comma, while no element has followed it yet.
        let mut pending: Option<SrcSpan> = None;
        let mut any = false;
        for p in pairs {
            if p.as_rule() == Rule::comma {
                let comma = self.span(&p);
                if !any || pending.is_some() {
                    let message = match pending {
                        Some(_) => format!("a missing {what} element between two commas"),
                        None => format!("a missing {what} element before the comma"),
                    };
                    return Err(Diagnostic::error(message, comma)
                        .with_label("an element is missing before this `,`")
                        .with_hint("write the element, or remove the `,`"));
                }
                pending = Some(comma);
                continue;
            }
            let (e, d) = self.expr(p)?;
            depth = depth.max(d);
            items.push(e);
            any = true;
            pending = None;
        }
        if let Some(comma) = pending {
            return Err(Diagnostic::error(format!("a trailing comma in a {what}"), comma)
                .with_label("no element after this `,`")
                .with_hint("remove the `,` or write the element after it"));
        }
        if items.is_empty() {
            return Err(Diagnostic::error(format!("an empty {what}"), span));
        }
        Ok((items, depth))
    }

    fn number(&self, text: &str, span: SrcSpan) -> Result<Built, Diagnostic> {
        let value: f64 = text
            .parse()
            .map_err(|_| Diagnostic::error(format!("malformed number `{text}`"), span))?;
        if !value.is_finite() {
            return Err(
                Diagnostic::error(format!("number `{text}` is too large"), span)
                    .with_label("beyond the range of a 64-bit float"),
            );
        }
        // Rational::parse_decimal walks the exponent digit by digit; a huge exponent on a
        // zero mantissa would take billions of steps. Beyond 10^±60 no exact value fits
        // in 64 bits anyway, except zero.
        let exact = match text.find(['e', 'E']) {
            Some(i) => {
                let mantissa = text.get(..i).unwrap_or("");
                let exponent = text.get(i + 1..).and_then(|e| e.parse::<i64>().ok());
                match exponent {
                    Some(e) if (-60..=60).contains(&e) => Rational::parse_decimal(text),
                    _ if !mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b)) => {
                        Some(Rational::ZERO)
                    }
                    _ => None,
                }
            }
            None => Rational::parse_decimal(text),
        };
        self.node(ExprKind::Number { value, exact }, span, 1)
    }
}

/// The depth of a link of a left-associative chain whose left operand has depth
/// `left` and right operand `right`: the chain itself is one level (its links are
/// walked in a loop), its right operand one level deeper.
fn chain_depth(left: usize, right: usize) -> usize {
    left.max(right + 1)
}

/// The operator of the structure, `+` and `*` levels, as written.
fn binop(text: &str) -> BinOp {
    match text {
        "<~" => return BinOp::ShiftEarly,
        "~>" => return BinOp::ShiftLate,
        _ => {}
    }
    let squeeze = text.starts_with("||");
    let left_bar = text.starts_with('|');
    let right_bar = text.len() > 1 && text.ends_with('|');
    let core = text.trim_matches('|');
    let op = match core {
        "+" => NumOp::Add,
        "-" => NumOp::Sub,
        "*" => NumOp::Mul,
        "/" => NumOp::Div,
        "%" => NumOp::Mod,
        "<" => NumOp::Left,
        _ => NumOp::Right,
    };
    let structure = match (left_bar, right_bar) {
        _ if squeeze => Structure::Squeeze,
        (true, false) => Structure::Left,
        (false, true) => Structure::Right,
        _ => Structure::Both,
    };
    BinOp::Arith {
        op,
        structure,
        plain: !left_bar && !right_bar,
    }
}

