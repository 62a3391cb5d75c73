//! The arguments a pattern built-in's implementation receives: the evaluator converts
//! each argument value by its parameter's type (`signature::ParamTy`) into an [`Arg`],
//! and the implementation (a row of `check::signatures`) reads them with the accessor
//! for what it needs: [`Args::pattern`], [`Args::time`], [`Args::number`],
//! [`Args::transform`].

use std::fmt;

use super::Transform;
use crate::pattern::value::Value;
use crate::pattern::Pattern;
use crate::time::Rational;

/// One argument, converted for its parameter.
#[derive(Clone)]
pub enum Arg {
    /// A pattern (a number given to a pattern parameter is one event per cycle).
    Pattern(Pattern<Value>),
    /// A constant number (the constant parameters of maths on patterns).
    Number(f64),
    /// A constant time (a `ParamTy::ConstTime` parameter: `zoom`'s begin and end).
    Time(Rational),
    /// A function of patterns (a `ParamTy::Transform` parameter).
    Transform(Transform<Value>),
}

impl Arg {
    fn kind(&self) -> &'static str {
        match self {
            Arg::Pattern(_) => "a pattern",
            Arg::Number(_) | Arg::Time(_) => "a number",
            Arg::Transform(_) => "a function",
        }
    }
}

/// Why an implementation could not read an argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgError {
    /// There is no argument at this position (0-based).
    Missing(usize),
    /// A constant was wanted; the argument is `found` ("a pattern").
    NotConstant { found: &'static str },
    /// The argument at this position is `found`, not the `wanted` kind.
    Kind {
        index: usize,
        wanted: &'static str,
        found: &'static str,
    },
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArgError::Missing(i) => write!(f, "missing argument {}", i + 1),
            ArgError::NotConstant { found } => {
                write!(f, "expected a constant number here, found {found}")
            }
            ArgError::Kind {
                index,
                wanted,
                found,
            } => write!(f, "argument {} is {found}, not {wanted}", index + 1),
        }
    }
}

/// The arguments of one call, in parameter order (the input of a transform is
/// passed on its own).
#[derive(Clone, Default)]
pub struct Args(Vec<Arg>);

impl Args {
    pub fn new(args: Vec<Arg>) -> Args {
        Args(args)
    }

    fn get(&self, i: usize) -> Result<&Arg, ArgError> {
        self.0.get(i).ok_or(ArgError::Missing(i))
    }

    fn kind_error(&self, i: usize, wanted: &'static str) -> ArgError {
        match self.0.get(i) {
            Some(a) => ArgError::Kind {
                index: i,
                wanted,
                found: a.kind(),
            },
            None => ArgError::Missing(i),
        }
    }

    /// Argument `i` as a pattern; a constant number is one event per cycle.
    pub fn pattern(&self, i: usize) -> Result<Pattern<Value>, ArgError> {
        match self.get(i)? {
            Arg::Pattern(p) => Ok(p.clone()),
            Arg::Number(x) => Ok(Pattern::pure(Value::Num(*x))),
            _ => Err(self.kind_error(i, "a pattern")),
        }
    }

    /// Argument `i` as a constant time.
    pub fn time(&self, i: usize) -> Result<Rational, ArgError> {
        match self.get(i)? {
            Arg::Time(t) => Ok(*t),
            Arg::Pattern(_) => Err(ArgError::NotConstant { found: "a pattern" }),
            _ => Err(self.kind_error(i, "a time")),
        }
    }

    /// Argument `i` as a constant number.
    pub fn number(&self, i: usize) -> Result<f64, ArgError> {
        match self.get(i)? {
            Arg::Number(x) => Ok(*x),
            Arg::Pattern(_) => Err(ArgError::NotConstant { found: "a pattern" }),
            _ => Err(self.kind_error(i, "a number")),
        }
    }

    /// Argument `i` as a transform.
    pub fn transform(&self, i: usize) -> Result<Transform<Value>, ArgError> {
        match self.get(i)? {
            Arg::Transform(t) => Ok(t.clone()),
            _ => Err(self.kind_error(i, "a transform")),
        }
    }
}
