//! Trying a graph's patterns before they play: each pattern and sound queried cycle
//! by cycle, under the same work budget and overflow guard as a block's query, so
//! that a pattern that cannot play (`fast 256 $ fast 256 $ "a*256"`, a time that
//! overflows) is found with its source before it replaces anything.

use std::ops::Range;

use super::Graph;
use crate::diag::SrcSpan;
use crate::time::{QueryFault, Rational, Span};

/// A pattern whose query failed in a probed cycle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProbeFailure {
    /// The pattern's source, where it has one.
    pub span: Option<SrcSpan>,
    pub cycle: i64,
    pub fault: QueryFault,
}

impl Graph {
    /// The patterns and sounds whose query fails in one of `cycles`, each at the
    /// first cycle it fails in, in graph order. Each cycle is one query, with one
    /// cycle's work budget.
    pub fn probe(&self, cycles: Range<i64>) -> Vec<ProbeFailure> {
        let patterns = self.patterns.iter().map(|p| (&p.pattern, p.span));
        let sounds = self.sounds.iter().map(|s| (&s.pattern, s.span));
        let mut failures = Vec::new();
        let mut events = Vec::new();
        for (pattern, span) in patterns.chain(sounds) {
            for cycle in cycles.clone() {
                let whole = Span::new(Rational::from_int(cycle), Rational::from_int(cycle + 1));
                events.clear();
                if let Err(fault) = pattern.query_checked_into(whole, &mut events) {
                    failures.push(ProbeFailure { span, cycle, fault });
                    break;
                }
            }
        }
        failures
    }
}
