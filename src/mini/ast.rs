//! The syntax tree of a mini-notation string: Tidal's `TPat`, with byte spans.

use crate::time::Rational;

/// A node of the tree and the byte range of the text it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// Whether an atom was written as a number or as a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtomKind {
    Num,
    Word,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A word or a number, as written (`bd:3`, `c4`, `-0.25`, `1e3`).
    Atom(AtomKind, String),
    /// `~`.
    Rest,
    /// Steps in one cycle, each taking `weight` shares, repeated `count` times
    /// (`a@3`, `a!2`); feet are nested sequences.
    Seq(Vec<Step>),
    /// `a, b` at one level.
    Stack(Vec<Node>),
    /// `a | b`: one alternative per cycle, chosen with Tidal's seeded `rand`.
    Choose { seed: u32, alternatives: Vec<Node> },
    /// `{a b, c d e}%steps` and `<a b, c>` (steps 1): each layer is sped up to play
    /// `steps` of its steps per cycle.
    Poly { steps: PolySteps, layers: Vec<Node> },
    /// `pat*factor`.
    Fast(Box<Node>, Box<Node>),
    /// `pat/factor`.
    Slow(Box<Node>, Box<Node>),
    /// `pat?amount`, Tidal's `_degradeByUsing (rotL (0.0001 * seed) rand) amount`.
    Degrade {
        seed: u32,
        amount: f64,
        pat: Box<Node>,
    },
    /// `pat(hits,steps,rotation)`.
    Euclid {
        hits: Box<Node>,
        steps: Box<Node>,
        rotation: Option<Box<Node>>,
        pat: Box<Node>,
    },
    /// `from .. to`.
    Range(Box<Node>, Box<Node>),
    /// `root'name'modifier...` (Tidal's `TPat_Chord`): the root (absent in `'maj`,
    /// root 0), the chord name and each modifier are patterns of their own
    /// (`"<c e>'<maj min>'<i ii>"`).
    Chord {
        root: Option<Box<Node>>,
        name: Box<Node>,
        modifiers: Vec<Node>,
    },
}

/// How many steps per cycle a polymeter plays.
#[derive(Clone, Debug, PartialEq)]
pub enum PolySteps {
    /// `{...}`: the step count of the first layer.
    FirstLayer,
    /// `<...>`: one step per cycle.
    One,
    /// `{...}%n`.
    Given(Box<Node>),
}

/// A step of a sequence.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub node: Node,
    pub weight: Rational,
    pub count: u32,
}

impl Node {
    /// The number of steps this node counts for in a polymeter (Tidal's
    /// `resolve_tpat`): a sequence counts its weighted steps, anything else one.
    pub fn step_count(&self) -> Rational {
        match &self.kind {
            Kind::Seq(steps) => steps.iter().fold(Rational::ZERO, |acc, s| {
                acc + s.weight * Rational::from_int(i64::from(s.count))
            }),
            _ => Rational::ONE,
        }
    }

    /// The atoms that are values of the pattern (not factors, step counts, Euclid
    /// arguments or the parts of a chord), in the order written: what the checker reads when a number is
    /// needed (`fast "bd"`, `degradeBy "0.2 1.5"`). A walk with its own stack.
    pub fn value_atoms(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(n) = stack.pop() {
            match &n.kind {
                Kind::Atom(..) => out.push(n),
                Kind::Rest => {}
                Kind::Seq(steps) => stack.extend(steps.iter().rev().map(|s| &s.node)),
                Kind::Stack(nodes)
                | Kind::Choose {
                    alternatives: nodes,
                    ..
                }
                | Kind::Poly { layers: nodes, .. } => stack.extend(nodes.iter().rev()),
                Kind::Fast(pat, _)
                | Kind::Slow(pat, _)
                | Kind::Degrade { pat, .. }
                | Kind::Euclid { pat, .. } => stack.push(pat),
                Kind::Range(a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
                // A chord's values are its notes, numbers computed from its root, name
                // and modifiers, none of them written as an atom; building the string
                // checks the root, name and modifier atoms.
                Kind::Chord { .. } => {}
            }
        }
        out
    }

    /// The atom this node is, looking through sequences of one step.
    pub fn as_single_atom(&self) -> Option<(AtomKind, &str)> {
        match &self.kind {
            Kind::Atom(kind, text) => Some((*kind, text.as_str())),
            Kind::Seq(steps) => match steps.as_slice() {
                [only] if only.count == 1 && only.weight.is_positive() => {
                    only.node.as_single_atom()
                }
                _ => None,
            },
            _ => None,
        }
    }
}

/// The exact value of a number as written in mini-notation: a decimal (`-0.25`,
/// `1e3`) or a fraction (`3%2`). `None` when out of range or divided by zero.
pub fn parse_rational(text: &str) -> Option<Rational> {
    match text.split_once('%') {
        None => Rational::parse_decimal(text),
        Some((num, den)) => {
            let num = Rational::parse_decimal(num)?;
            let den = Rational::parse_decimal(den)?;
            if den.is_zero() {
                return None;
            }
            crate::time::overflow_guard(|| num / den).ok()
        }
    }
}

/// The value of a number as a float, `None` when not finite or divided by zero.
pub fn parse_f64(text: &str) -> Option<f64> {
    let value = match text.split_once('%') {
        None => text.parse::<f64>().ok()?,
        Some((num, den)) => {
            let den = den.parse::<f64>().ok()?;
            if den == 0.0 {
                return None;
            }
            num.parse::<f64>().ok()? / den
        }
    };
    value.is_finite().then_some(value)
}
