//! The syntax tree of a patch. Every node keeps the byte span of the source text it
//! came from, so that every later stage can point at it.

use crate::diag::{Diagnostic, SrcSpan};
use crate::pattern::value::NumOp;
use crate::pattern::Structure;
use crate::time::Rational;

/// A whole patch: its statements in source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Program {
    pub statements: Vec<Statement>,
}

/// What the statements that failed to parse would have defined, so that the
/// statements that did parse are checked without errors that only follow from them
/// (a use of a bus whose line is broken, "no output" when the broken line is one).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Broken {
    /// The buses defined by broken lines, without `~`.
    pub buses: Vec<String>,
    /// True when a broken line is an output.
    pub output: bool,
}

/// A patch parsed line by line: the statements that parsed, one error for each that
/// did not, and what those would have defined; and a warning for each form of the
/// earlier engine's dialect the patch uses (`syntax::dialect`).
#[derive(Debug, Default)]
pub struct Parsed {
    pub program: Program,
    pub errors: Vec<Diagnostic>,
    pub broken: Broken,
    pub warnings: Vec<Diagnostic>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub kind: StatementKind,
    pub span: SrcSpan,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StatementKind {
    /// `tempo: x`, `cps: x` (cycles per second) or `bpm: x` (cps = x / 60).
    Tempo { unit: TempoUnit, value: Expr },
    /// `limit: on` or `limit: off`: the master limiter for this patch.
    Limit { on: bool },
    /// `hush`: every output of the patch is silent.
    Hush,
    /// `~name: expr` or `~name $ expr`. `name` excludes the `~`.
    Bus {
        name: String,
        name_span: SrcSpan,
        expr: Expr,
    },
    /// `~name p1=v1 p2=v2: expr`: a voice definition, its parameters in order.
    Voice {
        name: String,
        name_span: SrcSpan,
        params: Vec<ParamDecl>,
        expr: Expr,
    },
    /// `out: expr`, `out1:`, `o1:`, `d1:`, ...: `name` is as written (`out`, `o3`, `d1`).
    Output {
        name: String,
        name_span: SrcSpan,
        expr: Expr,
    },
}

/// A voice's parameter as declared: `freq=440`.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamDecl {
    pub name: String,
    /// The name's span.
    pub span: SrcSpan,
    pub default: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TempoUnit {
    Cps,
    Bpm,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: SrcSpan,
}

impl Expr {
    /// The direct sub-expressions, left to right: up to two operands, and the
    /// elements of a list or tuple.
    fn children(&self) -> (Option<&Expr>, Option<&Expr>, &[Expr]) {
        match &self.kind {
            ExprKind::Number { .. }
            | ExprKind::Str { .. }
            | ExprKind::Bus(_)
            | ExprKind::Ident(_) => (None, None, &[]),
            ExprKind::List(items) | ExprKind::Tuple(items) => (None, None, items),
            ExprKind::Apply { func: a, arg: b }
            | ExprKind::Dollar { left: a, right: b }
            | ExprKind::Compose { left: a, right: b }
            | ExprKind::Hash { left: a, right: b }
            | ExprKind::Binary {
                left: a, right: b, ..
            } => (Some(a), Some(b), &[]),
            ExprKind::Neg(a) | ExprKind::Section { operand: a, .. } => (Some(a), None, &[]),
        }
    }

    fn has_children(&self) -> bool {
        let (a, _, items) = self.children();
        a.is_some() || !items.is_empty()
    }

    /// Every node of the tree, `self` first, in pre-order, left to right. Walked with
    /// an explicit stack: no tree is too deep for it.
    pub fn nodes(&self) -> impl Iterator<Item = &Expr> {
        let mut stack = vec![self];
        std::iter::from_fn(move || {
            let e = stack.pop()?;
            let (a, b, items) = e.children();
            stack.extend(items.iter().rev());
            stack.extend(b);
            stack.extend(a);
            Some(e)
        })
    }

    /// For a link of a left-associative chain (application `f a`, `#`, arithmetic
    /// and the structure operators): its left operand.
    pub fn chain_left(&self) -> Option<&Expr> {
        match &self.kind {
            ExprKind::Apply { func, .. } => Some(func),
            ExprKind::Hash { left, .. } | ExprKind::Binary { left, .. } => Some(left),
            _ => None,
        }
    }

    /// `self` split along its left spine: the chain's first operand, and the links
    /// above it, innermost first (`1 + 2 + 3` is `1`, then `1 + 2`, then the whole).
    /// The checker and the evaluator fold over the links in a loop and recurse only
    /// into their right operands, so that a flat chain of any length (`1 + 1 + ...`,
    /// `f a b c ...`, `x # f # g ...`) costs them no stack; the parser bounds the
    /// depth of what they recurse into (`parser::MAX_DEPTH`).
    pub fn left_spine(&self) -> (&Expr, Vec<&Expr>) {
        let mut links = Vec::new();
        let mut e = self;
        while let Some(left) = e.chain_left() {
            links.push(e);
            e = left;
        }
        links.reverse();
        (e, links)
    }
}

impl Drop for Expr {
    /// Takes the tree apart with an explicit stack: the derived drop would recurse
    /// once per level, and a flat chain of 10,000 terms is 10,000 levels.
    fn drop(&mut self) {
        fn take(kind: &mut ExprKind, stack: &mut Vec<Expr>) {
            let mut keep = |b: &mut Expr| {
                if b.has_children() {
                    let leaf = Expr {
                        kind: ExprKind::Ident(String::new()),
                        span: b.span,
                    };
                    stack.push(std::mem::replace(b, leaf));
                }
            };
            match kind {
                ExprKind::Number { .. }
                | ExprKind::Str { .. }
                | ExprKind::Bus(_)
                | ExprKind::Ident(_) => {}
                ExprKind::List(items) | ExprKind::Tuple(items) => items.iter_mut().for_each(keep),
                ExprKind::Apply { func: a, arg: b }
                | ExprKind::Dollar { left: a, right: b }
                | ExprKind::Compose { left: a, right: b }
                | ExprKind::Hash { left: a, right: b }
                | ExprKind::Binary {
                    left: a, right: b, ..
                } => {
                    keep(a);
                    keep(b);
                }
                ExprKind::Neg(a) | ExprKind::Section { operand: a, .. } => keep(a),
            }
        }
        let mut stack = Vec::new();
        take(&mut self.kind, &mut stack);
        while let Some(mut e) = stack.pop() {
            take(&mut e.kind, &mut stack);
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A number literal. `exact` is its exact rational value (`0.125` is 1/8), present
    /// whenever the literal fits in 64-bit numerator and denominator.
    Number { value: f64, exact: Option<Rational> },
    /// A string literal: mini-notation. `text` is the content between the quotes and
    /// `content_start` the byte offset of its first character in the patch, so that
    /// mini-notation errors can point into the patch.
    Str { text: String, content_start: usize },
    /// `~name`: a bus (name without the `~`).
    Bus(String),
    /// A bare name: a built-in function or control.
    Ident(String),
    /// `[a, b, c]`: a list, at least one element (Tidal's lists: `stack [p, q]`).
    List(Vec<Expr>),
    /// `(a, b)`: a tuple, at least two elements (`within (0, 0.5)`, `timeCat [(1, p)]`).
    Tuple(Vec<Expr>),
    /// Application by juxtaposition, one argument at a time: `f a b` is
    /// `Apply(Apply(f, a), b)`.
    Apply { func: Box<Expr>, arg: Box<Expr> },
    /// `left $ right`: applies whichever side is a function to the other side; when both
    /// are transforms it composes them (see `docs/language.md`).
    Dollar { left: Box<Expr>, right: Box<Expr> },
    /// `left . right`: the function `v -> left (right v)` (Tidal's `.`).
    Compose { left: Box<Expr>, right: Box<Expr> },
    /// `left # right`: applies the function `right` to `left`, or, when `right` is a
    /// control pattern, sets its controls on `left` (Tidal's `#`).
    Hash { left: Box<Expr>, right: Box<Expr> },
    /// Arithmetic and Tidal's structure-keeping operators.
    Binary {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `-x`.
    Neg(Box<Expr>),
    /// An operator section: `(# speed 2)`, `(+ 0.5)`, `(|+ n 12)` take the operand on the
    /// right; `(0.25 <~)` takes it on the left.
    Section {
        op: SectionOp,
        operand: Box<Expr>,
        operand_side: Side,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

/// A binary operator other than `#` and `$`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+ - * /` (structure from both sides), `|+ |- |* |/ |< |>` (from the left),
    /// `+| -| *| /| <| >|` (from the right) and `|+| ...` (both). `plain`: written
    /// without bars (`+`), the one form that mixes two sounds that both play; the
    /// barred forms always combine values, key by key for control maps.
    Arith {
        op: NumOp,
        structure: Structure,
        plain: bool,
    },
    /// `t <~ p`: shift `p` earlier by `t` cycles.
    ShiftEarly,
    /// `t ~> p`: shift `p` later by `t` cycles.
    ShiftLate,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> String {
        match self {
            BinOp::ShiftEarly => "<~".into(),
            BinOp::ShiftLate => "~>".into(),
            BinOp::Arith {
                op,
                structure,
                plain,
            } => {
                let s = op.symbol();
                match structure {
                    Structure::Both if plain => s.to_string(),
                    Structure::Both => format!("|{s}|"),
                    Structure::Left => format!("|{s}"),
                    Structure::Right => format!("{s}|"),
                    Structure::Squeeze => format!("||{s}"),
                }
            }
        }
    }
}

/// The operator of a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionOp {
    Hash,
    Binary(BinOp),
}
