//! The parser's errors in a live coder's words: pest's rule lists turned into what is
//! missing or unexpected (`pest_error`), the scan before parsing for unterminated
//! strings, unbalanced parentheses and bus names starting with a digit (`prescan`),
//! and the small lexer both read to describe where a statement went wrong.

use pest::error::{ErrorVariant, InputLocation};
use pest::Parser;

use super::parser::{Head, PatchParser, Rule, MAX_PARENS};
use crate::diag::{Diagnostic, SrcSpan};

/// Turns pest's error into one a live coder can act on.
pub(super) fn pest_error(
    e: &pest::error::Error<Rule>,
    text: &str,
    base: usize,
    head: Option<&Head>,
) -> Diagnostic {
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    if let ErrorVariant::CustomError { .. } = e.variant {
        // pest's own guard: the stack ran short (only on very deep nesting).
        return Diagnostic::error(
            "expression nested too deeply to parse",
            SrcSpan::new(base + pos.min(text.len()), base + text.len()),
        )
        .with_hint("split it into buses (`~part: ...`)");
    }
    expression_error(text, base, pos, head)
}

/// Unterminated strings, unbalanced and too deeply nested parentheses: found by a scan
/// before parsing, so that they are reported where they start.
pub(super) fn prescan(text: &str, base: usize) -> Option<Diagnostic> {
    let bytes = text.as_bytes();
    let at = |s: usize, e: usize| SrcSpan::new(base + s, base + e);
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'~' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let len = text
                    .get(i + 1..)
                    .and_then(|r| r.find(|c: char| !is_ident_char(c)))
                    .unwrap_or(text.len() - i - 1);
                let name = text.get(i..i + 1 + len).unwrap_or("~");
                return Some(
                    Diagnostic::error(
                        format!("a bus name cannot start with a digit: `{name}`"),
                        at(i, i + 1 + len),
                    )
                    .with_label("starts with a digit")
                    .with_hint(format!(
                        "start it with a letter or `_`, such as `~d{}`",
                        name.trim_start_matches('~')
                    )),
                );
            }
            b'"' => {
                let rest = bytes.get(i + 1..).unwrap_or(&[]);
                match rest.iter().position(|&c| c == b'"' || c == b'\n') {
                    Some(k) if rest.get(k) == Some(&b'"') => i += k + 2,
                    found => {
                        let mut end = found.map_or(text.len(), |k| i + 1 + k);
                        if end > i + 1 && bytes.get(end - 1) == Some(&b'\r') {
                            end -= 1;
                        }
                        return Some(
                            Diagnostic::error("unterminated string", at(i, end))
                                .with_label("this string is never closed")
                                .with_hint("close it with `\"` on the same line"),
                        );
                    }
                }
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = bytes
                    .get(i..)
                    .and_then(|r| r.iter().position(|&c| c == b'\n'))
                    .map_or(bytes.len(), |k| i + k);
            }
            b'(' | b'[' => {
                open.push(i);
                if open.len() > MAX_PARENS {
                    return Some(
                        Diagnostic::error(
                            format!(
                                "parentheses and brackets nested too deeply (more than {MAX_PARENS})"
                            ),
                            at(i, i + 1),
                        )
                        .with_hint("split the expression into buses (`~part: ...`)"),
                    );
                }
                i += 1;
            }
            b')' | b']' => {
                let opener = if b == b')' { b'(' } else { b'[' };
                let c = b as char;
                match open.pop() {
                    None => {
                        let o = opener as char;
                        return Some(
                            Diagnostic::error(format!("unmatched `{c}`"), at(i, i + 1))
                                .with_label(format!("no `{o}` before it")),
                        );
                    }
                    Some(p) if bytes.get(p) != Some(&opener) => {
                        let o = bytes.get(p).map_or('(', |&x| x as char);
                        let close = if o == '(' { ')' } else { ']' };
                        return Some(
                            Diagnostic::error(
                                format!("`{o}` closed by `{c}`"),
                                at(p, i + 1),
                            )
                            .with_label(format!("expected `{close}`"))
                            .with_hint(format!("close `{o}` with `{close}`")),
                        );
                    }
                    Some(_) => {}
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    open.last().map(|&p| {
        let (o, c) = if bytes.get(p) == Some(&b'[') {
            ('[', ']')
        } else {
            ('(', ')')
        };
        Diagnostic::error(format!("unclosed `{o}`"), at(p, p + 1))
            .with_label("opened here, never closed")
            .with_hint(format!("add the missing `{c}`"))
    })
}

/// A parse error inside a statement whose head is fine (or inside a lone expression),
/// at chunk-relative byte `pos`.
fn expression_error(text: &str, base: usize, pos: usize, head: Option<&Head>) -> Diagnostic {
    let toks = lex(text);
    let abs = |t: &Tok| SrcSpan::new(base + t.start, base + t.end);
    let prev = toks.iter().rev().find(|t| t.end <= pos);
    let found = toks.iter().find(|t| t.end > pos);
    let found_text = found.map(|t| t.text(text));

    if let Some(t) = found {
        if t.kind == TokKind::Number && !is_number(t.text(text)) {
            return Diagnostic::error(format!("malformed number `{}`", t.text(text)), abs(t))
                .with_hint("numbers are written like 1, -2, 0.5, .5, 1e3");
        }
    }

    // After the statement head, an operator or `(`: an operand is missing.
    let after_head = match (prev, head) {
        (Some(p), Some(h)) => p.end <= h.end,
        (None, _) => true,
        _ => false,
    };
    let needs_operand = match prev {
        _ if after_head => true,
        Some(p) => matches!(p.kind, TokKind::Op | TokKind::Open),
        None => true,
    };
    if needs_operand {
        let what = match (head, prev) {
            (Some(h), _) if after_head => format!(" after `{}`", h.text),
            (_, Some(p)) if p.kind == TokKind::Open => {
                if found.is_some_and(|f| f.kind == TokKind::Close) {
                    return Diagnostic::error(
                        "expected an expression inside `( )`",
                        abs(p).join(found.map_or(abs(p), abs)),
                    )
                    .with_label("empty parentheses");
                }
                format!(" after `{}`", p.text(text))
            }
            (_, Some(p)) => format!(" after `{}`", p.text(text)),
            (_, None) => String::new(),
        };
        let message = format!("expected an expression{what}");
        return match (found, found_text) {
            (Some(f), Some(ft)) => with_token_hint(
                Diagnostic::error(message, abs(f)).with_label(format!("found `{ft}`")),
                ft,
            ),
            _ => {
                let span = prev.map_or(SrcSpan::new(base, base + text.len()), abs);
                Diagnostic::error(message, span).with_label("nothing follows")
            }
        };
    }

    let Some(f) = found else {
        return Diagnostic::error(
            "unexpected end of the statement",
            SrcSpan::new(base + text.len(), base + text.len()),
        );
    };
    let ft = f.text(text);
    if f.kind == TokKind::Colon {
        if let Some(p) = prev.filter(|p| matches!(p.kind, TokKind::Ident | TokKind::Bus)) {
            return Diagnostic::error("only one statement per line", abs(p).join(abs(f)))
                .with_label("a second statement starts here")
                .with_hint(format!("start `{}:` on a new line", p.text(text)));
        }
    }
    let d = Diagnostic::error(format!("unexpected `{ft}`"), abs(f))
        .with_label("expected an operator or the end of the expression");
    with_token_hint(d, ft)
}

/// A hint for a token that has no place in an expression.
fn with_token_hint(d: Diagnostic, token: &str) -> Diagnostic {
    match token {
        "{" | "}" | "<" | ">" | "|" | "?" | "!" | "@" | "%" => {
            d.with_hint("mini-notation goes inside a string, e.g. `s \"[bd sn]*2\"`")
        }
        "," => d.with_hint(
            "`,` separates the elements of a list `[a, b]` or a tuple `(a, b)`; \
             to stack patterns in mini-notation, write it inside a string: `s \"bd, hh*2\"`",
        ),
        "~" => d.with_hint("a bus is written `~name`, without a space"),
        "=" => d.with_hint("statements are written `name: expr`, e.g. `~bass: saw 55`"),
        "'" => d.with_hint("strings are written with double quotes: `\"bd sn\"`"),
        _ => d,
    }
}

fn is_number(text: &str) -> bool {
    PatchParser::parse(Rule::number, text)
        .ok()
        .and_then(|mut p| p.next())
        .is_some_and(|p| p.as_str().len() == text.len())
}

// ---- a small lexer for error messages ---------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TokKind {
    Ident,
    Number,
    Str,
    Bus,
    Op,
    Colon,
    Open,
    Close,
    Other,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Tok {
    pub(super) kind: TokKind,
    pub(super) start: usize,
    pub(super) end: usize,
}

impl Tok {
    pub(super) fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }
}

const OPERATORS: [&str; 32] = [
    "||+", "||-", "||*", "||/", "||<", "||>", "|+|", "|-|", "|*|", "|/|", "|<|", "|>|", "|+", "|-",
    "|*", "|/", "|<", "|>", "+|", "-|", "*|", "/|", "<|", ">|", "<~", "~>", "+", "-", "*", "/",
    "#", "$",
];

pub(super) fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Splits `src` into rough tokens, only to describe where a parse went wrong.
pub(super) fn lex(src: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut i = 0;
    while let Some(rest) = src.get(i..) {
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        let next = chars.next();
        let start = i;
        let take_while = |from: usize, f: &dyn Fn(char) -> bool| {
            src.get(from..)
                .and_then(|r| r.find(|c: char| !f(c)))
                .map_or(src.len(), |k| from + k)
        };
        let kind;
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        } else if rest.starts_with("--") {
            i = take_while(i, &|c| c != '\n');
            continue;
        } else if c == '"' {
            i = match rest.get(1..).and_then(|r| r.find(['"', '\n'])) {
                Some(k) if rest.get(1 + k..).is_some_and(|r| r.starts_with('"')) => i + k + 2,
                Some(k) => i + 1 + k,
                None => src.len(),
            };
            kind = TokKind::Str;
        } else if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) {
            let mut j = i;
            while let Some(ch) = src.get(j..).and_then(|r| r.chars().next()) {
                let after_e =
                    matches!(src.get(..j).and_then(|s| s.chars().last()), Some('e' | 'E'));
                if is_ident_char(ch)
                    || ch == '.'
                    || ch == '\''
                    || (after_e && matches!(ch, '+' | '-'))
                {
                    j += ch.len_utf8();
                } else {
                    break;
                }
            }
            i = j;
            kind = TokKind::Number;
        } else if c.is_ascii_alphabetic() || c == '_' {
            i = take_while(i, &is_ident_char);
            i = take_while(i, &|c| c == '\'');
            kind = TokKind::Ident;
        } else if c == '~' && next.is_some_and(|n| n.is_ascii_alphabetic() || n == '_') {
            i = take_while(i + 1, &is_ident_char);
            i = take_while(i, &|c| c == '\'');
            kind = TokKind::Bus;
        } else if matches!(c, '(' | ')' | '[' | ']' | ':') {
            i += 1;
            kind = match c {
                '(' | '[' => TokKind::Open,
                ')' | ']' => TokKind::Close,
                _ => TokKind::Colon,
            };
        } else if let Some(op) = OPERATORS.iter().find(|op| rest.starts_with(**op)) {
            i += op.len();
            kind = TokKind::Op;
        } else {
            i += c.len_utf8();
            kind = TokKind::Other;
        }
        toks.push(Tok {
            kind,
            start,
            end: i,
        });
    }
    toks
}
