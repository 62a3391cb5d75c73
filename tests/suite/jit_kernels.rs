//! The JIT's kernels against their `dsp` twins: the polynomial approximations bit for
//! bit, and the elementwise operations as the interpreter computes them.

use phonon::dsp::approx;
use phonon::ir::Op;
use phonon::jit::approx as japprox;
use phonon::jit::single::{MapFunction, SingleOp};

fn grid(lo: f32, hi: f32, n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| lo + (hi - lo) * i as f32 / (n - 1) as f32)
        .collect()
}

fn specials() -> Vec<f32> {
    vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        0.25,
        -0.25,
        1e-30,
        -1e-30,
        1e30,
        -1e30,
        f32::MIN_POSITIVE,
        127.5,
        -126.5,
    ]
}

fn check_map(
    name: &str,
    f: fn(
        &mut cranelift_frontend::FunctionBuilder<'_>,
        cranelift_codegen::ir::Value,
    ) -> cranelift_codegen::ir::Value,
    reference: fn(f32) -> f32,
    xs: &[f32],
) {
    let jit = MapFunction::new(f).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut xs = xs.to_vec();
    while !xs.len().is_multiple_of(4) {
        xs.push(0.0);
    }
    let got = jit.apply(&xs);
    for (x, y) in xs.iter().zip(&got) {
        let want = reference(*x);
        assert!(
            want.to_bits() == y.to_bits() || (want.is_nan() && y.is_nan()),
            "{name}({x}): jit {y} vs rust {want}"
        );
    }
}

#[test]
fn approximations_match_bit_for_bit() {
    let mut xs = grid(-200.0, 200.0, 40_000);
    xs.extend(grid(-2.0, 2.0, 40_000));
    xs.extend(specials());
    check_map("floor", japprox::floor, approx::floor, &xs);
    check_map("sin_turns", japprox::sin_turns, approx::sin_turns, &xs);
    check_map("cos_turns", japprox::cos_turns, approx::cos_turns, &xs);
    check_map("exp2", japprox::exp2, approx::exp2, &xs);
    check_map("exp", japprox::exp, approx::exp, &xs);
    check_map("tanh", japprox::tanh, approx::tanh, &xs);
    check_map("tan_pi", japprox::tan_pi, approx::tan_pi, &xs);
    check_map("mtof", japprox::mtof, approx::mtof, &xs);
    check_map("db_to_gain", japprox::db_to_gain, approx::db_to_gain, &xs);
    let mut pos = grid(1e-6, 1e4, 40_000);
    pos.extend(specials());
    pos.push(f32::NAN);
    pos.push(-5.0);
    check_map("log2", japprox::log2, approx::log2, &pos);
    check_map("gain_to_db", japprox::gain_to_db, approx::gain_to_db, &pos);
}

/// Runs a stateless op on four lanes of inputs.
fn run_op(op: Op, inputs: &[[Vec<f32>; 4]]) -> [Vec<f32>; 4] {
    let frames = inputs[0][0].len();
    let mut k =
        SingleOp::new(op, [op; 4], inputs.len(), 44_100.0).unwrap_or_else(|e| panic!("{e}"));
    let refs: Vec<[&[f32]; 4]> = inputs
        .iter()
        .map(|lanes| std::array::from_fn(|l| lanes[l].as_slice()))
        .collect();
    k.run(&refs, frames)
}

type Formula = fn(f32, f32, f32) -> f32;

#[test]
fn elementwise_operations_match_the_interpreter() {
    let a: [Vec<f32>; 4] = std::array::from_fn(|l| grid(-3.0 - l as f32, 5.0, 257));
    let mut b: [Vec<f32>; 4] = std::array::from_fn(|l| grid(2.0, -1.5 + l as f32, 257));
    b[1][100] = 0.0;
    b[2][7] = -0.0;
    let c: [Vec<f32>; 4] = std::array::from_fn(|l| grid(0.5 + l as f32, 9.0, 257));
    let formulas: [(Op, Formula); 9] = [
        (Op::Add, |x, y, _| x + y),
        (Op::Sub, |x, y, _| x - y),
        (Op::Mul, |x, y, _| x * y),
        (Op::Div, |x, y, _| phonon::dsp::arith::div(x, y)),
        (Op::Neg, |x, _, _| -x),
        (Op::Abs, |x, _, _| x.abs()),
        (Op::Mtof, |x, _, _| phonon::dsp::arith::mtof(x * 20.0)),
        (Op::Clip, |x, y, z| phonon::dsp::arith::clip(x, y, z)),
        (Op::Range, |x, y, z| phonon::dsp::arith::range(x, y, z)),
    ];
    for (op, f) in formulas {
        let n = op.input_names().map_or(0, |n| n.len());
        let first: [Vec<f32>; 4] = if op == Op::Mtof {
            std::array::from_fn(|l| a[l].iter().map(|x| x * 20.0).collect())
        } else {
            a.clone()
        };
        let inputs: Vec<[Vec<f32>; 4]> =
            [first, b.clone(), c.clone()].into_iter().take(n).collect();
        let out = run_op(op, &inputs);
        for l in 0..4 {
            for i in 0..257 {
                let want = f(a[l][i], b[l][i], c[l][i]);
                assert_eq!(
                    out[l][i].to_bits(),
                    want.to_bits(),
                    "{op:?} lane {l} frame {i}: {} vs {want}",
                    out[l][i]
                );
            }
        }
    }
}
