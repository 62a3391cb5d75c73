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
    /// A list, each element converted for the list's element type.
    List(Vec<Arg>),
    /// A tuple, each element converted for its own type.
    Tuple(Vec<Arg>),
    /// An argument the implementation does not read itself: `spread`'s function,
    /// already applied to each element of the list after it.
    Used,
}

impl Arg {
    fn kind(&self) -> &'static str {
        match self {
            Arg::Pattern(_) => "a pattern",
            Arg::Number(_) | Arg::Time(_) => "a number",
            Arg::Transform(_) | Arg::Used => "a function",
            Arg::List(_) => "a list",
            Arg::Tuple(_) => "a tuple",
        }
    }

    /// As a pattern; a constant number is one event per cycle.
    pub fn as_pattern(&self) -> Option<Pattern<Value>> {
        match self {
            Arg::Pattern(p) => Some(p.clone()),
            Arg::Number(x) => Some(Pattern::pure(Value::Num(*x))),
            Arg::Time(t) => Some(Pattern::pure(Value::Num(t.to_f64()))),
            _ => None,
        }
    }

    /// As a constant time.
    pub fn as_time(&self) -> Option<Rational> {
        match self {
            Arg::Time(t) => Some(*t),
            Arg::Number(x) if x.is_finite() => Some(Rational::from_f64(*x)),
            _ => None,
        }
    }

    /// As a constant number.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Arg::Number(x) => Some(*x),
            Arg::Time(t) => Some(t.to_f64()),
            _ => None,
        }
    }

    /// As a transform.
    pub fn as_transform(&self) -> Option<Transform<Value>> {
        match self {
            Arg::Transform(t) => Some(t.clone()),
            _ => None,
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

    /// Argument `i` as a list, each element read by `read` (`None`: not of the
    /// element kind the implementation wants, `wanted`).
    pub fn list<T>(
        &self,
        i: usize,
        wanted: &'static str,
        read: impl Fn(&Arg) -> Option<T>,
    ) -> Result<Vec<T>, ArgError> {
        let Arg::List(items) = self.get(i)? else {
            return Err(self.kind_error(i, "a list"));
        };
        items
            .iter()
            .map(|a| {
                read(a).ok_or(ArgError::Kind {
                    index: i,
                    wanted,
                    found: a.kind(),
                })
            })
            .collect()
    }

    /// Argument `i` as a list of pairs, the two halves read by `first` and `second`,
    /// each with the name of what it wants.
    pub fn pairs<A, B>(
        &self,
        i: usize,
        first: (&'static str, impl Fn(&Arg) -> Option<A>),
        second: (&'static str, impl Fn(&Arg) -> Option<B>),
    ) -> Result<Vec<(A, B)>, ArgError> {
        let Arg::List(items) = self.get(i)? else {
            return Err(self.kind_error(i, "a list"));
        };
        let wrong = |wanted: &'static str, a: &Arg| ArgError::Kind {
            index: i,
            wanted,
            found: a.kind(),
        };
        items
            .iter()
            .map(|a| match a {
                Arg::Tuple(t) => match t.as_slice() {
                    [x, y] => {
                        let x = (first.1)(x).ok_or_else(|| wrong(first.0, x))?;
                        let y = (second.1)(y).ok_or_else(|| wrong(second.0, y))?;
                        Ok((x, y))
                    }
                    _ => Err(wrong("a pair", a)),
                },
                _ => Err(wrong("a pair", a)),
            })
            .collect()
    }

    /// Argument `i` as a transform.
    pub fn transform(&self, i: usize) -> Result<Transform<Value>, ArgError> {
        match self.get(i)? {
            Arg::Transform(t) => Ok(t.clone()),
            _ => Err(self.kind_error(i, "a transform")),
        }
    }
}
