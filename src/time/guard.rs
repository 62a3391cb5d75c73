//! The two guards every pattern query runs under: exact-time overflow and a budget
//! of work.
//!
//! Both are thread-local and sticky, in the spirit of IEEE 754 exception flags, so
//! the hot query code needs no `Result` plumbing:
//! - rational arithmetic that leaves the representable range saturates and raises
//!   the overflow flag;
//! - walking a cycle, producing an event and calling a sub-query each spend one unit
//!   of the running query's budget ([`step`], [`spend`]); once it is spent, walks
//!   stop and queries return at once.
//!
//! A guard ([`overflow_guard`], [`query_guard`]) clears the flags before it runs `f`
//! and turns a raised one into an error afterwards. Densities multiply (`fast 256 $
//! fast 256 $ "a*256"`), so no cap on one factor bounds a query; the budget bounds
//! what any combination of them can cost.

use std::cell::Cell;
use std::fmt;

struct State {
    overflowed: Cell<bool>,
    /// How many guards are running on this thread.
    guards: Cell<u32>,
    /// Units of work the innermost [`query_guard`] has left (unbounded outside one).
    left: Cell<u64>,
    /// Whether the running query's budget ran out.
    exhausted: Cell<bool>,
}

thread_local! {
    static STATE: State = const {
        State {
            overflowed: Cell::new(false),
            guards: Cell::new(0),
            left: Cell::new(u64::MAX),
            exhausted: Cell::new(false),
        }
    };
}

pub(super) fn raise_overflow() {
    STATE.with(|s| s.overflowed.set(true));
}

/// Spends one unit of work: false when the running query's budget is spent.
#[inline]
pub fn step() -> bool {
    STATE.with(take_one)
}

/// [`step`] for a walk over cycles: also false once time has overflowed inside a
/// guard (a span of saturated times can stretch over billions of cycles).
#[inline]
pub fn walk_step() -> bool {
    STATE.with(|s| take_one(s) && !(s.overflowed.get() && s.guards.get() > 0))
}

#[inline]
fn take_one(s: &State) -> bool {
    let left = s.left.get();
    if left == 0 {
        s.exhausted.set(true);
        return false;
    }
    s.left.set(left - 1);
    true
}

/// Spends `units` of work at once (a loop that makes that many events without
/// walking cycles): false, with nothing spent beyond the budget, when they do not fit.
#[inline]
pub fn spend(units: u64) -> bool {
    STATE.with(|s| {
        let left = s.left.get();
        if left < units {
            s.left.set(0);
            s.exhausted.set(true);
            return false;
        }
        s.left.set(left - units);
        true
    })
}

/// The error reported when exact time arithmetic leaves the representable range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOverflow;

impl fmt::Display for TimeOverflow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "pattern time overflowed: a time or factor is too large or too finely divided \
             to represent exactly (numerator and denominator must fit in 64 bits)"
        )
    }
}

impl std::error::Error for TimeOverflow {}

/// Why a guarded query stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryFault {
    TimeOverflow,
    /// The query needed more than `budget` units of work (events, cycle pieces and
    /// sub-queries).
    TooMuchWork { budget: u64 },
}

impl fmt::Display for QueryFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryFault::TimeOverflow => write!(f, "{TimeOverflow}"),
            QueryFault::TooMuchWork { budget } => write!(
                f,
                "this pattern makes too many events: a query needed more than {budget} \
                 events, cycle pieces and sub-queries (densities multiply: nested `fast`, \
                 `*`, `!`, `ply`, `chop`, `stut` and layers)"
            ),
        }
    }
}

impl std::error::Error for QueryFault {}

impl From<TimeOverflow> for QueryFault {
    fn from(_: TimeOverflow) -> QueryFault {
        QueryFault::TimeOverflow
    }
}

/// Runs `f` with the overflow flag cleared and reports whether any rational
/// arithmetic inside it overflowed. Nested guards keep an outer raised flag raised.
/// The work budget is the enclosing [`query_guard`]'s, if any.
pub fn overflow_guard<R>(f: impl FnOnce() -> R) -> Result<R, TimeOverflow> {
    let outer = STATE.with(|s| {
        s.guards.set(s.guards.get().saturating_add(1));
        s.overflowed.replace(false)
    });
    let result = f();
    let overflowed = STATE.with(|s| {
        s.guards.set(s.guards.get().saturating_sub(1));
        s.overflowed.replace(outer || s.overflowed.get())
    });
    if overflowed {
        Err(TimeOverflow)
    } else {
        Ok(result)
    }
}

/// Runs the query `f` with at most `budget` units of work (less if an enclosing
/// guard has less left) and with the overflow flag cleared. Work spent counts
/// against the enclosing guard too.
pub fn query_guard<R>(budget: u64, f: impl FnOnce() -> R) -> Result<R, QueryFault> {
    let (outer_left, outer_exhausted, mine) = STATE.with(|s| {
        let outer_left = s.left.get();
        let mine = budget.min(outer_left);
        s.left.set(mine);
        (outer_left, s.exhausted.replace(false), mine)
    });
    let result = overflow_guard(f);
    let exhausted = STATE.with(|s| {
        let spent = mine - s.left.get().min(mine);
        let exhausted = s.exhausted.get();
        let outer_now = if s.guards.get() == 0 {
            u64::MAX
        } else {
            outer_left - spent
        };
        s.left.set(outer_now);
        // An enclosing budget that was the binding one is spent as well.
        s.exhausted
            .set(outer_exhausted || (exhausted && mine == outer_left && outer_now == 0));
        exhausted
    });
    match result {
        Err(TimeOverflow) => Err(QueryFault::TimeOverflow),
        Ok(_) if exhausted => Err(QueryFault::TooMuchWork { budget }),
        Ok(r) => Ok(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn work(units: u64) -> u64 {
        let mut done = 0;
        while done < units && step() {
            done += 1;
        }
        done
    }

    #[test]
    fn a_budget_stops_work_and_is_reported() {
        assert_eq!(query_guard(10, || work(10)), Ok(10));
        // The eleventh unit does not fit: the loop stops there.
        let mut done = 0;
        let r = query_guard(10, || done = work(1_000));
        assert_eq!(r, Err(QueryFault::TooMuchWork { budget: 10 }));
        assert_eq!(done, 10);
        assert_eq!(query_guard(10, || spend(11)), Err(QueryFault::TooMuchWork { budget: 10 }));
        // Outside every guard, work is not bounded and leaves no flag behind.
        assert_eq!(work(100), 100);
        assert_eq!(query_guard(5, || work(5)), Ok(5));
    }

    #[test]
    fn nested_guards_share_the_outer_budget() {
        let r = query_guard(100, || {
            let inner = query_guard(60, || work(60));
            let second = query_guard(60, || work(60));
            (inner, second)
        });
        // The second inner guard had only 40 units left of the outer 100.
        assert_eq!(r, Err(QueryFault::TooMuchWork { budget: 100 }));
        let r = query_guard(100, || query_guard(10, || work(20)).is_err() && work(50) == 50);
        assert_eq!(r, Ok(true), "an inner budget running out leaves the outer one going");
    }

    #[test]
    fn overflow_stops_the_walk_inside_a_guard() {
        let r = query_guard(1_000, || {
            raise_overflow();
            walk_step()
        });
        assert_eq!(r, Err(QueryFault::TimeOverflow));
        assert!(walk_step(), "outside a guard a left-over flag does not stop work");
    }
}
