//! Pattern queries per audio block: the 16 outputs of `fixtures/stress_extreme.ph`
//! (8192 events per cycle at one cycle per second) queried for successive 512-frame
//! arcs at 44.1 kHz, as the runtime will do once per block.

use criterion::{criterion_group, criterion_main, Criterion};

use phonon::eval::{eval_program, Sig};
use phonon::pattern::value::Value;
use phonon::pattern::{Event, Pattern};
use phonon::time::{Rational, Span};

fn stress_patterns() -> (f64, Vec<Pattern<Value>>) {
    let source = include_str!("../fixtures/stress_extreme.ph");
    let program = phonon::syntax::parse_program(source).expect("the fixture parses");
    let evaluated = eval_program(source, &program).expect("the fixture evaluates");
    let patterns = evaluated
        .outputs
        .iter()
        .filter_map(|(_, sig)| match &**sig {
            Sig::Sound(s, _) => Some(s.pattern.clone()),
            _ => None,
        })
        .collect();
    (evaluated.cps, patterns)
}

fn query_blocks(c: &mut Criterion) {
    let (cps, patterns) = stress_patterns();
    assert_eq!(patterns.len(), 16);
    // One block of 512 frames at 44.1 kHz, in cycles, exactly.
    let block = Rational::new(512, 44100) * Rational::from_f64(cps);
    let mut events: Vec<Event<Value>> = Vec::with_capacity(4096);
    let mut index: i64 = 0;
    let mut total_events = 0usize;
    let mut blocks = 0usize;
    c.bench_function("stress_extreme: 16 patterns, one 512-frame block", |b| {
        b.iter(|| {
            let begin = block * Rational::from_int(index);
            let span = Span::new(begin, begin + block);
            events.clear();
            for p in &patterns {
                p.query_into(span, &mut events);
            }
            total_events += events.len();
            blocks += 1;
            // A minute of blocks, then start again, so times stay small fractions.
            index = (index + 1) % 5168;
            events.len()
        })
    });
    if blocks > 0 {
        println!(
            "mean events per block: {:.1} over {blocks} blocks",
            total_events as f64 / blocks as f64
        );
    }
}

criterion_group!(benches, query_blocks);
criterion_main!(benches);
