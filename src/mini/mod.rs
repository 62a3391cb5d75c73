//! Mini-notation: the language inside `"..."` strings, with the semantics of
//! TidalCycles 1.9 (`Sound.Tidal.ParseBP`).
//!
//! [`parse`] turns a string into a [`Pattern<Value>`] in three steps:
//! 1. a scan of the brackets, so that an unclosed `[` is reported at the `[` rather
//!    than wherever the grammar gives up;
//! 2. the pest grammar (`grammar/mini.pest`) and a walk over its parse tree build a
//!    small syntax tree ([`ast::Node`]) that mirrors Tidal's `TPat`, numbering the
//!    seeds of `?` and `|` in the order Tidal's parser takes them;
//! 3. the tree becomes a pattern once; queries then only touch the steps of a
//!    sequence that overlap the queried span.
//!
//! Where this reads more than Tidal 1.9 does (Tidal reports a parse error): a stack
//! or random choice at the top level (`a, b`, `a | b`), modifiers in any order and
//! repeated (`a*2*3`, `a(3,8)*2`, `[a b]?*2`), `.5` as a number, `0..3` without
//! spaces, and `#` inside words (`c#4`). Limits that keep a typo from stalling the
//! audio: a factor speeds up at most 65536 times, a range or Euclid rhythm has at
//! most 65536 steps, `!` makes at most 4096 copies, brackets nest 48 deep.
//!
//! Words (sample names, note names, `bd:3`) become [`Value::Word`], numbers
//! [`Value::Num`]. A chord (`c'maj'ii`, Tidal's `TPat_Chord`) becomes one
//! [`Value::Num`] event per note, its root read as a number or a note name counted
//! from c4 (the table and modifiers: [`crate::pattern::chords`]). Factors (`*`, `/`, `%`) are read as exact rationals and Euclid
//! arguments as integers, each from the same syntax tree.

pub mod ast;
mod build;
mod parser;

use std::fmt;

use crate::pattern::value::Value;
use crate::pattern::Pattern;

/// A mini-notation error. `start..end` is a byte range inside the string that was
/// parsed (not counting its quotes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MiniError {
    pub message: String,
    pub start: usize,
    pub end: usize,
    pub hint: Option<String>,
}

impl MiniError {
    pub(crate) fn new(message: impl Into<String>, start: usize, end: usize) -> MiniError {
        MiniError {
            message: message.into(),
            start,
            end: end.max(start),
            hint: None,
        }
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> MiniError {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for MiniError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at {}..{})", self.message, self.start, self.end)?;
        if let Some(hint) = &self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for MiniError {}

/// Parses a mini-notation string into a pattern of values.
pub fn parse(src: &str) -> Result<Pattern<Value>, MiniError> {
    let tree = parse_tree(src)?;
    build::build_value(&tree)
}

/// Parses a mini-notation string into its syntax tree, without building the pattern.
pub fn parse_tree(src: &str) -> Result<ast::Node, MiniError> {
    parser::parse_tree(src)
}
