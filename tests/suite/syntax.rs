//! The patch-language parser: precedence, sections, the minus rule, spans, statements,
//! line continuation, comments and error messages.

use phonon::diag::SrcSpan;
use phonon::diag::{line_col, Diagnostic};
use phonon::pattern::value::NumOp;
use phonon::pattern::Structure;
use phonon::syntax::ast::{
    BinOp, Expr, ExprKind, Program, SectionOp, Side, StatementKind, TempoUnit,
};
use phonon::syntax::{parse_expr, parse_program};
use phonon::time::{r, Rational};
use proptest::prelude::*;

// ---- helpers -----------------------------------------------------------------------

/// An s-expression of the tree: `(f a b)` is an application spine, `($ l r)`, `(# l r)`,
/// `(+ l r)` operators, `(neg x)`, `(sec+ x)` a right section, `(x +sec)` a left one.
fn show(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Number { value, .. } => format!("{value}"),
        ExprKind::Str { text, .. } => format!("{text:?}"),
        ExprKind::Bus(n) => format!("~{n}"),
        ExprKind::Ident(n) => n.clone(),
        ExprKind::Apply { .. } => {
            let mut args = Vec::new();
            let mut f = e;
            while let ExprKind::Apply { func, arg } = &f.kind {
                args.push(show(arg));
                f = func;
            }
            args.reverse();
            format!("({} {})", show(f), args.join(" "))
        }
        ExprKind::Dollar { left, right } => format!("($ {} {})", show(left), show(right)),
        ExprKind::Compose { left, right } => format!("(. {} {})", show(left), show(right)),
        ExprKind::Hash { left, right } => format!("(# {} {})", show(left), show(right)),
        ExprKind::Binary { op, left, right } => {
            format!("({} {} {})", op.symbol(), show(left), show(right))
        }
        ExprKind::Neg(x) => format!("(neg {})", show(x)),
        ExprKind::List(items) => {
            let items: Vec<String> = items.iter().map(show).collect();
            format!("[{}]", items.join(" "))
        }
        ExprKind::Tuple(items) => {
            let items: Vec<String> = items.iter().map(show).collect();
            format!("(tuple {})", items.join(" "))
        }
        ExprKind::Section {
            op,
            operand,
            operand_side,
        } => {
            let sym = match op {
                SectionOp::Hash => "#".to_string(),
                SectionOp::Binary(b) => b.symbol(),
            };
            match operand_side {
                Side::Right => format!("(sec{sym} {})", show(operand)),
                Side::Left => format!("({} {sym}sec)", show(operand)),
            }
        }
    }
}

fn expr(src: &str) -> Expr {
    match parse_expr(src) {
        Ok(e) => e,
        Err(ds) => panic!("{src:?} should parse, got {ds:?}"),
    }
}

fn shown(src: &str) -> String {
    show(&expr(src))
}

fn program(src: &str) -> Program {
    match parse_program(src) {
        Ok(p) => p,
        Err(ds) => panic!("{src:?} should parse, got {ds:?}"),
    }
}

fn errors(src: &str) -> Vec<Diagnostic> {
    match parse_program(src) {
        Ok(p) => panic!("{src:?} should not parse, got {p:?}"),
        Err(ds) => ds,
    }
}

/// The one error of `src`, as (line, column, message).
fn error(src: &str) -> (usize, usize, String) {
    let ds = errors(src);
    assert_eq!(ds.len(), 1, "{src:?}: {ds:?}");
    let (l, c) = line_col(src, ds[0].span.start);
    (l, c, ds[0].message.clone())
}

/// A barred operator (`|+`, `+|`, `|+|`, `||+`).
fn arith(op: NumOp, structure: Structure) -> BinOp {
    BinOp::Arith {
        op,
        structure,
        plain: false,
    }
}

/// A plain operator (`+ - * /`): structure from both sides, and it mixes two sounds
/// that both play.
fn plain(op: NumOp) -> BinOp {
    BinOp::Arith {
        op,
        structure: Structure::Both,
        plain: true,
    }
}

// ---- precedence and associativity --------------------------------------------------

#[test]
fn hash_is_left_associative() {
    assert_eq!(shown("a # b # c"), "(# (# a b) c)");
}

#[test]
fn dollar_is_right_associative_in_both_directions() {
    assert_eq!(shown("f $ g $ x"), "($ f ($ g x))");
    assert_eq!(shown("x $ f $ g"), "($ x ($ f g))");
}

#[test]
fn product_binds_tighter_than_sum() {
    assert_eq!(shown("a + b * c"), "(+ a (* b c))");
    assert_eq!(shown("a * b + c"), "(+ (* a b) c)");
    assert_eq!(shown("a - b - c"), "(- (- a b) c)");
    assert_eq!(shown("a / b * c"), "(* (/ a b) c)");
}

#[test]
fn structure_operators_share_the_hash_level_and_associate_left() {
    // LANGUAGE.md: `#` and `|+ +| |+| ||+ ...` are one level, left-associative, as in
    // Tidal (`infixl 1` for all of them).
    assert_eq!(shown("a |+ b # c"), "(# (|+ a b) c)");
    assert_eq!(shown("a # b |+ c"), "(|+ (# a b) c)");
    assert_eq!(shown("a # b +| c # d"), "(# (+| (# a b) c) d)");
    assert_eq!(shown("a ||+ b |< c"), "(|< (||+ a b) c)");
}

#[test]
fn dollar_is_looser_than_hash() {
    assert_eq!(shown("a # b $ c"), "($ (# a b) c)");
    assert_eq!(shown("a $ b # c"), "($ a (# b c))");
    assert_eq!(shown("a $ b # c $ d |+ e"), "($ a ($ (# b c) (|+ d e)))");
}

#[test]
fn composition_is_right_associative_between_product_and_unary_minus() {
    assert_eq!(shown("f . g . h"), "(. f (. g h))");
    assert_eq!(shown("fast 2 . rev"), "(. (fast 2) rev)");
    assert_eq!(shown("a * f . g"), "(* a (. f g))");
    assert_eq!(shown("f . g $ x # y"), "($ (. f g) (# x y))");
    assert_eq!(
        shown("jux (rev . (# speed 2))"),
        "(jux (. rev (sec# (speed 2))))"
    );
    // `.5` stays a number, and `rev.fast 2` composes.
    assert_eq!(shown("f .5"), "(f 0.5)");
    assert_eq!(shown("rev.fast 2"), "(. rev (fast 2))");
}

#[test]
fn hash_is_looser_than_sum() {
    // The earlier engine's `~kick + ~hats # reverb 0.3 0.5` keeps the reverb on the sum.
    assert_eq!(shown("a + b # c"), "(# (+ a b) c)");
    assert_eq!(shown("a # b + c"), "(# a (+ b c))");
    assert_eq!(shown("a <~ b # c"), "(# (<~ a b) c)");
}

#[test]
fn jux_stut_chain() {
    assert_eq!(
        shown("jux rev $ stut 8 0.6 0.125 $ s \"bd*8\""),
        "($ (jux rev) ($ (stut 8 0.6 0.125) (s \"bd*8\")))"
    );
}

#[test]
fn arithmetic_on_a_partial_application_is_not_special_cased() {
    assert_eq!(
        shown("x # lpf 800 0.7 * 0.3"),
        "(# x (* (lpf 800 0.7) 0.3))"
    );
}

#[test]
fn application_is_curried_one_argument_at_a_time() {
    let e = expr("f a b");
    let ExprKind::Apply { func, arg } = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(arg.kind, ExprKind::Ident("b".into()));
    let ExprKind::Apply { func: f, arg: a } = &func.kind else {
        panic!("{func:?}")
    };
    assert_eq!(f.kind, ExprKind::Ident("f".into()));
    assert_eq!(a.kind, ExprKind::Ident("a".into()));
}

#[test]
fn application_binds_tighter_than_everything() {
    assert_eq!(shown("every 3 (fast 2) x"), "(every 3 (fast 2) x)");
    assert_eq!(shown("f x * g y"), "(* (f x) (g y))");
    assert_eq!(shown("f(x)"), "(f x)");
    assert_eq!(shown("s\"bd\""), "(s \"bd\")");
}

#[test]
fn unary_minus_sits_between_product_and_application() {
    assert_eq!(shown("- a * b"), "(* (neg a) b)");
    assert_eq!(shown("-f x"), "(neg (f x))");
    assert_eq!(shown("- - a"), "(neg (neg a))");
    assert_eq!(shown("a * -b"), "(* a (neg b))");
}

#[test]
fn shifts_sit_at_the_sum_level() {
    assert_eq!(shown("0.25 <~ p + q"), "(+ (<~ 0.25 p) q)");
    assert_eq!(
        shown("\"<0 0.25>\" <~ s \"bd\""),
        "(<~ \"<0 0.25>\" (s \"bd\"))"
    );
    assert_eq!(
        shown("0.25 ~> s \"bd\" # n 1"),
        "(# (~> 0.25 (s \"bd\")) (n 1))"
    );
    assert_eq!(shown("a <~ b ~> c"), "(~> (<~ a b) c)");
}

#[test]
fn every_operator_maps_to_its_binop() {
    use NumOp::*;
    use Structure::{Both as B, Left as L, Right as R};
    let table = [
        ("+", plain(Add)),
        ("-", plain(Sub)),
        ("*", plain(Mul)),
        ("/", plain(Div)),
        ("|+", arith(Add, L)),
        ("+|", arith(Add, R)),
        ("|+|", arith(Add, B)),
        ("|-", arith(Sub, L)),
        ("-|", arith(Sub, R)),
        ("|-|", arith(Sub, B)),
        ("|*", arith(Mul, L)),
        ("*|", arith(Mul, R)),
        ("|*|", arith(Mul, B)),
        ("|/", arith(Div, L)),
        ("/|", arith(Div, R)),
        ("|/|", arith(Div, B)),
        ("|<", arith(Left, L)),
        (">|", arith(Right, R)),
        ("|>", arith(Right, L)),
        ("<|", arith(Left, R)),
        ("||+", arith(Add, Structure::Squeeze)),
        ("||<", arith(Left, Structure::Squeeze)),
        ("<~", BinOp::ShiftEarly),
        ("~>", BinOp::ShiftLate),
    ];
    for (sym, want) in table {
        for src in [format!("a {sym} b"), format!("a{sym}b")] {
            let e = expr(&src);
            match &e.kind {
                ExprKind::Binary { op, left, right } => {
                    assert_eq!(*op, want, "{src}");
                    assert_eq!(left.kind, ExprKind::Ident("a".into()), "{src}");
                    assert_eq!(right.kind, ExprKind::Ident("b".into()), "{src}");
                }
                other => panic!("{src}: {other:?}"),
            }
        }
    }
}

#[test]
fn structure_operators_are_looser_than_sum_and_product() {
    assert_eq!(shown("a |+ b * c"), "(|+ a (* b c))");
    assert_eq!(shown("a |* b + c"), "(|* a (+ b c))");
    assert_eq!(shown("a + b |< c"), "(|< (+ a b) c)");
}

// ---- sections ----------------------------------------------------------------------

#[test]
fn sections() {
    assert_eq!(shown("(# speed 2)"), "(sec# (speed 2))");
    assert_eq!(shown("(|+ n 12)"), "(sec|+ (n 12))");
    assert_eq!(shown("(+ 0.5)"), "(sec+ 0.5)");
    assert_eq!(shown("(* 2)"), "(sec* 2)");
    assert_eq!(shown("(0.25 <~)"), "(0.25 <~sec)");
    assert_eq!(shown("(0.25 ~>)"), "(0.25 ~>sec)");
    assert_eq!(shown("(\"<0 0.25>\" <~)"), "(\"<0 0.25>\" <~sec)");
    assert_eq!(shown("(-| 1)"), "(sec-| 1)");
    assert_eq!(shown("(1 -)"), "(1 -sec)");
    assert_eq!(
        shown("every 3 (# speed 2) $ s \"bd\""),
        "($ (every 3 (sec# (speed 2))) (s \"bd\"))"
    );
    assert_eq!(shown("off 0.125 (|+ n 12)"), "(off 0.125 (sec|+ (n 12)))");
}

#[test]
fn section_ops_are_the_binops() {
    let e = expr("(|+ n 12)");
    let ExprKind::Section {
        op, operand_side, ..
    } = e.kind
    else {
        panic!("{e:?}")
    };
    assert_eq!(op, SectionOp::Binary(arith(NumOp::Add, Structure::Left)));
    assert_eq!(operand_side, Side::Right);
    let e = expr("(0.25 <~)");
    let ExprKind::Section {
        op, operand_side, ..
    } = e.kind
    else {
        panic!("{e:?}")
    };
    assert_eq!(op, SectionOp::Binary(BinOp::ShiftEarly));
    assert_eq!(operand_side, Side::Left);
}

#[test]
fn minus_in_parentheses_is_negation_not_a_section() {
    assert_eq!(shown("(- 1)"), "(neg 1)");
    assert_eq!(shown("(-1)"), "-1");
    assert_eq!(shown("(- x)"), "(neg x)");
    assert_eq!(shown("(-x)"), "(neg x)");
}

// ---- numbers and the minus rule ----------------------------------------------------

fn number(src: &str) -> (f64, Option<Rational>) {
    match &expr(src).kind {
        ExprKind::Number { value, exact } => (*value, *exact),
        other => panic!("{src}: {other:?}"),
    }
}

#[test]
fn number_forms_are_exact() {
    assert_eq!(number("1"), (1.0, Some(r(1, 1))));
    assert_eq!(number("-2"), (-2.0, Some(r(-2, 1))));
    assert_eq!(number("0.5"), (0.5, Some(r(1, 2))));
    assert_eq!(number(".5"), (0.5, Some(r(1, 2))));
    assert_eq!(number("1e3"), (1000.0, Some(r(1000, 1))));
    assert_eq!(number("1.5e-2"), (0.015, Some(r(3, 200))));
    assert_eq!(number("0.125"), (0.125, Some(r(1, 8))));
    assert_eq!(number("1E2"), (100.0, Some(r(100, 1))));
}

#[test]
fn a_minus_against_digits_after_a_space_is_a_negative_argument() {
    assert_eq!(shown("pan -1"), "(pan -1)");
    assert_eq!(shown("lpf 800 -0.5"), "(lpf 800 -0.5)");
    assert_eq!(shown("x -1"), "(x -1)");
    assert_eq!(shown("s \"bd\" # pan -1"), "(# (s \"bd\") (pan -1))");
    assert_eq!(shown("f -.5 2"), "(f -0.5 2)");
}

#[test]
fn spaced_or_attached_minus_subtracts() {
    assert_eq!(shown("a - 1"), "(- a 1)");
    assert_eq!(shown("a-1"), "(- a 1)");
    assert_eq!(shown("a -x"), "(- a x)");
    assert_eq!(shown("a - -1"), "(- a -1)");
    assert_eq!(shown("a * -1"), "(* a -1)");
    assert_eq!(shown("(a)-1"), "(- a 1)");
}

#[test]
fn a_leading_minus_is_a_negative_number_or_negation() {
    assert_eq!(shown("-1"), "-1");
    assert_eq!(shown("- 1"), "(neg 1)");
    assert_eq!(shown("-1 + 2"), "(+ -1 2)");
    assert_eq!(shown("f (-1)"), "(f -1)");
}

// ---- spans -------------------------------------------------------------------------

fn sp(start: usize, end: usize) -> SrcSpan {
    SrcSpan::new(start, end)
}

#[test]
fn spans_are_byte_offsets_of_every_node() {
    //         0         1         2
    //         0123456789012345678901234567
    let src = "o1: fast 2 $ s \"bd\" # pan -1";
    let p = program(src);
    assert_eq!(p.statements.len(), 1);
    let st = &p.statements[0];
    assert_eq!(st.span, sp(0, 28));
    let StatementKind::Output {
        name,
        name_span,
        expr,
    } = &st.kind
    else {
        panic!("{st:?}")
    };
    assert_eq!(name, "o1");
    assert_eq!(*name_span, sp(0, 2));
    assert_eq!(expr.span, sp(4, 28));
    // `$` is the loosest: `fast 2 $ (s "bd" # pan -1)`.
    let ExprKind::Dollar { left: l, right } = &expr.kind else {
        panic!("{expr:?}")
    };
    assert_eq!(l.span, sp(4, 10));
    assert_eq!(right.span, sp(13, 28));
    let ExprKind::Apply { func, arg } = &l.kind else {
        panic!("{l:?}")
    };
    assert_eq!(func.span, sp(4, 8));
    assert_eq!(arg.span, sp(9, 10));
    let ExprKind::Hash { left: rt, right } = &right.kind else {
        panic!("{right:?}")
    };
    assert_eq!(rt.span, sp(13, 19));
    assert_eq!(right.span, sp(22, 28));
    let ExprKind::Apply { arg: s_arg, .. } = &rt.kind else {
        panic!("{rt:?}")
    };
    assert_eq!(s_arg.span, sp(15, 19));
    assert_eq!(
        s_arg.kind,
        ExprKind::Str {
            text: "bd".into(),
            content_start: 16
        }
    );
    let ExprKind::Apply { arg: pan_arg, .. } = &right.kind else {
        panic!("{right:?}")
    };
    assert_eq!(pan_arg.span, sp(26, 28));
}

#[test]
fn spans_of_parentheses_sections_and_negation() {
    //         0123456789012345678
    let src = "every 3 (# speed 2)";
    let e = expr(src);
    let ExprKind::Apply { arg, .. } = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(arg.span, sp(8, 19));
    let ExprKind::Section { operand, .. } = &arg.kind else {
        panic!("{arg:?}")
    };
    assert_eq!(operand.span, sp(11, 18));
    // Parentheses widen the span of what they hold.
    let e = expr("(a + b) * 2");
    let ExprKind::Binary { left, .. } = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(left.span, sp(0, 7));
    assert_eq!(e.span, sp(0, 11));
    let e = expr("- a");
    assert_eq!(e.span, sp(0, 3));
}

#[test]
fn spans_count_bytes_across_lines_and_multibyte_text() {
    // "é" is two bytes; `\r\n` line ends count as two.
    let src = "-- café\r\n~bass: saw 55\r\n  # lpf 800\r\no1: ~bass\r\n";
    let p = program(src);
    assert_eq!(p.statements.len(), 2);
    let StatementKind::Bus {
        name,
        name_span,
        expr,
    } = &p.statements[0].kind
    else {
        panic!()
    };
    assert_eq!(name, "bass");
    assert_eq!(*name_span, sp(10, 15));
    assert_eq!(&src[10..15], "~bass");
    assert_eq!(p.statements[0].span, sp(10, 36));
    let ExprKind::Hash { right, .. } = &expr.kind else {
        panic!("{expr:?}")
    };
    assert_eq!(&src[right.span.start..right.span.end], "lpf 800");
    let StatementKind::Output { expr, .. } = &p.statements[1].kind else {
        panic!()
    };
    assert_eq!(expr.kind, ExprKind::Bus("bass".into()));
    assert_eq!(&src[expr.span.start..expr.span.end], "~bass");
    assert_eq!(line_col(src, expr.span.start), (4, 5));
}

// ---- statements, continuation lines, comments --------------------------------------

#[test]
fn every_statement_form() {
    let src = "tempo: 0.5\ncps: 1\nbpm: 120\n~a: 1\n~b $ 2\nout: 3\nout1: 4\nout12: 5\no1: 6\nd1: 7\no16: 8\nd2 $ 9\nout $ 10\nsetcps 0.25\nlimit: off\nlimit: on\n~v f=440 g=-1.5: 11\n";
    let p = program(src);
    let forms: Vec<String> = p
        .statements
        .iter()
        .map(|s| match &s.kind {
            StatementKind::Tempo { unit, value } => format!("{unit:?} {}", show(value)),
            StatementKind::Bus { name, expr, .. } => format!("bus {name} {}", show(expr)),
            StatementKind::Output { name, expr, .. } => format!("out {name} {}", show(expr)),
            StatementKind::Limit { on } => format!("limit {on}"),
            StatementKind::Hush => "hush".to_string(),
            StatementKind::Voice {
                name, params, expr, ..
            } => {
                let ps: Vec<String> = params
                    .iter()
                    .map(|p| format!("{}={}", p.name, p.default))
                    .collect();
                format!("voice {name} {} {}", ps.join(" "), show(expr))
            }
        })
        .collect();
    assert_eq!(
        forms,
        [
            "Cps 0.5",
            "Cps 1",
            "Bpm 120",
            "bus a 1",
            "bus b 2",
            "out out 3",
            "out out1 4",
            "out out12 5",
            "out o1 6",
            "out d1 7",
            "out o16 8",
            "out d2 9",
            "out out 10",
            "Cps 0.25",
            "limit false",
            "limit true",
            "voice v f=440 g=-1.5 11"
        ]
    );
    assert!(matches!(
        p.statements[2].kind,
        StatementKind::Tempo {
            unit: TempoUnit::Bpm,
            ..
        }
    ));
}

#[test]
fn a_bus_may_be_defined_with_dollar() {
    let p = program("~lfo $ fast 2 $ sine 1\n");
    let StatementKind::Bus { name, expr, .. } = &p.statements[0].kind else {
        panic!()
    };
    assert_eq!(name, "lfo");
    assert_eq!(show(expr), "($ (fast 2) (sine 1))");
}

#[test]
fn indented_lines_continue_the_statement() {
    let src =
        "o1: s \"bd sn\"\n  # speed 2\n\t# pan -1\no2: stut 3\n    0.5 0.125\n    $ s \"hh\"\n";
    let p = program(src);
    assert_eq!(p.statements.len(), 2);
    let StatementKind::Output { expr, .. } = &p.statements[0].kind else {
        panic!()
    };
    assert_eq!(show(expr), "(# (# (s \"bd sn\") (speed 2)) (pan -1))");
    let StatementKind::Output { expr, .. } = &p.statements[1].kind else {
        panic!()
    };
    assert_eq!(show(expr), "($ (stut 3 0.5 0.125) (s \"hh\"))");
}

#[test]
fn comments_and_blank_lines_are_ignored_even_between_continuations() {
    let src = "-- a patch\n\n   \no1: s \"bd\" -- the kick\n-- a note in between\n\n  # speed 2 -- faster\n   -- indented comment\ntempo: 1 -- one per second\n";
    let p = program(src);
    assert_eq!(p.statements.len(), 2);
    let StatementKind::Output { expr, .. } = &p.statements[0].kind else {
        panic!()
    };
    assert_eq!(show(expr), "(# (s \"bd\") (speed 2))");
    // The statement ends with its expression, not with the comment.
    assert_eq!(
        &src[p.statements[1].span.start..p.statements[1].span.end],
        "tempo: 1"
    );
}

#[test]
fn comment_markers_inside_strings_are_text() {
    let p = program("o1: s \"bd -- sn\" -- comment\n");
    let StatementKind::Output { expr, .. } = &p.statements[0].kind else {
        panic!()
    };
    assert_eq!(show(expr), "(s \"bd -- sn\")");
}

#[test]
fn windows_line_endings() {
    let p = program("tempo: 1\r\no1: s \"bd\"\r\n  # speed 2\r\n\r\no2: 1\r\n");
    assert_eq!(p.statements.len(), 3);
    let StatementKind::Output { expr, .. } = &p.statements[1].kind else {
        panic!()
    };
    assert_eq!(show(expr), "(# (s \"bd\") (speed 2))");
}

#[test]
fn names_may_end_with_a_prime() {
    assert_eq!(
        shown("iter' 4 $ chunk' 4 (fast 2) x"),
        "($ (iter' 4) (chunk' 4 (fast 2) x))"
    );
}

#[test]
fn an_empty_patch_has_no_statements() {
    assert_eq!(program("").statements.len(), 0);
    assert_eq!(program("-- nothing\n\n").statements.len(), 0);
}

#[test]
fn stress_fixture_parses() {
    let src = include_str!("../../fixtures/stress_extreme.ph");
    let p = program(src);
    assert_eq!(p.statements.len(), 17);
    assert!(matches!(
        p.statements[0].kind,
        StatementKind::Tempo {
            unit: TempoUnit::Cps,
            ..
        }
    ));
    for (i, st) in p.statements[1..].iter().enumerate() {
        let StatementKind::Output { name, expr, .. } = &st.kind else {
            panic!("{st:?}")
        };
        assert_eq!(*name, format!("o{}", i + 1));
        let s = show(expr);
        // Each output scaled down (the fixture's levels stay under -1 dBFS).
        assert!(
            s.starts_with("(* ($ (jux rev) ($ (stut 8 0.6 0.125) (s \"") && s.ends_with(" 0.02)"),
            "{name}: {s}"
        );
    }
}

// ---- errors ------------------------------------------------------------------------

const FORMS: &str = "statements are tempo:, cps:, bpm:, limit:, ~bus:, out:, oN:, dN:, hush";

#[test]
fn broken_inputs_report_line_column_and_message() {
    let cases: Vec<(&str, (usize, usize, String))> = vec![
        (
            "o1: fast 2 $",
            (1, 12, "expected an expression after `$`".into()),
        ),
        (
            "o1: s \"bd\" #\n",
            (1, 12, "expected an expression after `#`".into()),
        ),
        (
            "o1: 1 + * 2",
            (1, 9, "expected an expression after `+`".into()),
        ),
        (
            "tempo: 1\no1:",
            (2, 3, "expected an expression after `o1:`".into()),
        ),
        (
            "o1: every 3 (fast 2 $ s \"bd\"",
            (1, 13, "unclosed `(`".into()),
        ),
        ("o1: s \"bd sn\n", (1, 7, "unterminated string".into())),
        ("o1: s \"bd\")", (1, 11, "unmatched `)`".into())),
        (
            "tempo: 1\nfoo: 1",
            (2, 1, format!("unknown statement `foo:`; {FORMS}")),
        ),
        ("s \"bd\"", (1, 1, format!("expected a statement; {FORMS}"))),
        (
            "o1: s \"bd\" o2: s \"sn\"",
            (1, 12, "only one statement per line".into()),
        ),
        ("o1: s \"bd\" ]", (1, 12, "unmatched `]`".into())),
        ("o1: 1.5.3", (1, 5, "malformed number `1.5.3`".into())),
        ("o1: fast 2x", (1, 10, "malformed number `2x`".into())),
        (
            "o1: ()",
            (1, 5, "expected an expression inside `( )`".into()),
        ),
        ("tempo", (1, 1, "expected `:` after `tempo`".into())),
        (
            "~bass saw 55",
            (1, 1, "expected `:` or `$` after `~bass`".into()),
        ),
        ("d1 $", (1, 4, "expected an expression after `d1 $`".into())),
        (
            "setcps",
            (1, 1, "expected an expression after `setcps`".into()),
        ),
        ("o1: 1e400", (1, 5, "number `1e400` is too large".into())),
        (
            "o1: s \"bd\"\n  # speed\n  #",
            (3, 3, "expected an expression after `#`".into()),
        ),
        ("o1: (+)", (1, 7, "expected an expression after `+`".into())),
        (
            "~lfo $",
            (1, 6, "expected an expression after `~lfo $`".into()),
        ),
    ];
    for (src, want) in cases {
        assert_eq!(error(src), want, "{src:?}");
    }
}

#[test]
fn misplaced_tokens_get_a_hint() {
    let ds = errors("o1: {bd sn}");
    assert!(ds[0].hints[0].contains("inside a string"), "{ds:?}");
    let ds = errors("o1: fast 2 . . rev");
    assert_eq!(ds[0].span, SrcSpan::new(13, 14), "{ds:?}");
    let ds = errors("s \"bd\"");
    assert!(ds[0].hints[0].contains("`out: `"), "{ds:?}");
}

#[test]
fn unknown_statement_suggests_the_nearest_form() {
    let ds = errors("tmepo: 1\n");
    assert_eq!(ds[0].hints, vec!["did you mean `tempo:`?".to_string()]);
    assert_eq!(ds[0].span, sp(0, 6));
}

#[test]
fn unclosed_parenthesis_points_at_the_opening_one() {
    let src = "o1: f (g (x)\n";
    let ds = errors(src);
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].span, sp(6, 7));
    assert_eq!(ds[0].label, "opened here, never closed");
}

#[test]
fn unterminated_string_points_at_the_opening_quote() {
    let src = "o1: s \"bd sn\r\no2: 1\r\n";
    let ds = errors(src);
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].span, sp(6, 12));
}

#[test]
fn every_broken_statement_is_reported() {
    let src =
        "tempo: 1\no1: fast 2 $\nfoo: 3\no2: s \"bd\"\n~a: (1 + 2\n  + 3\nbar\no3: s \"ok\"\n";
    let ds = errors(src);
    let got: Vec<(usize, usize)> = ds.iter().map(|d| line_col(src, d.span.start)).collect();
    assert_eq!(got, vec![(2, 12), (3, 1), (5, 5), (7, 1)]);
    assert!(ds.iter().all(|d| d.is_error()));
}

#[test]
fn errors_render_with_line_and_caret() {
    let src = "tempo: 1\no1: s \"bd\" # \n";
    let ds = errors(src);
    let text = phonon::diag::render("p.ph", src, &ds);
    assert!(text.contains("p.ph:2:12"), "{text}");
    assert!(text.contains("expected an expression after `#`"), "{text}");
    assert!(!text.contains("Rule"), "{text}");
}

#[test]
fn parse_expr_reports_errors_too() {
    let ds = parse_expr("fast 2 $").unwrap_err();
    assert_eq!(ds[0].message, "expected an expression after `$`");
    assert_eq!(ds[0].span, sp(7, 8));
    let ds = parse_expr("").unwrap_err();
    assert_eq!(ds[0].message, "expected an expression");
}

#[test]
fn limit_takes_on_or_off() {
    let (l, c, m) = error("out: 1\nlimit: maybe");
    assert_eq!((l, c), (2, 8));
    assert_eq!(m, "`limit:` takes `on` or `off`");
    let (l, c, m) = error("limit: off 2\nout: 1");
    assert_eq!((l, c, m.as_str()), (1, 8, "`limit:` takes `on` or `off`"));
    let (l, c, m) = error("limit:\nout: 1");
    assert_eq!((l, c, m.as_str()), (1, 1, "`limit:` takes `on` or `off`"));
    let (l, c, m) = error("limit off\nout: 1");
    assert_eq!((l, c, m.as_str()), (1, 1, "expected `:` after `limit`"));
}

// ---- limits: never a panic, never a hang -------------------------------------------

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let ok = format!("{}x{}", "(".repeat(64), ")".repeat(64));
    assert_eq!(shown(&ok), "x");
    let deep = format!("{}x{}", "(".repeat(65), ")".repeat(65));
    let ds = parse_expr(&deep).unwrap_err();
    assert!(ds[0].message.contains("nested too deeply"), "{ds:?}");
    // Nesting to the right (`-`, `$`) counts every level.
    let negs = format!("{}1", "- ".repeat(5000));
    assert!(parse_expr(&negs).is_err());
    let dollars = vec!["f"; 5000].join(" $ ");
    let ds = parse_expr(&dollars).unwrap_err();
    assert!(ds[0].message.contains("nested too deeply"), "{ds:?}");
    // A flat left-associative chain is one level, however long.
    let long_sum = vec!["1"; 5000].join(" + ");
    assert_eq!(expr(&long_sum).left_spine().1.len(), 4999);
    let args = format!("f{}", " x".repeat(5000));
    assert!(parse_expr(&args).is_ok());
    let chain = vec!["a"; 5000].join(" # ");
    assert!(parse_expr(&chain).is_ok());
    // Its right operands nest: `1 + (1 + (1 + ...))` 65 deep is past the parentheses.
    let right = format!("{}1{}", "1 + (".repeat(65), ")".repeat(65));
    assert!(parse_expr(&right).is_err());
}

#[test]
fn a_huge_exponent_on_zero_is_quick_and_exact() {
    assert_eq!(number("0e999999999"), (0.0, Some(Rational::ZERO)));
    assert_eq!(number("1e-999999999"), (0.0, None));
}

#[test]
fn broken_deep_input_fails_quickly() {
    let start = std::time::Instant::now();
    let src = format!("o1: {}+{}", "(+ ".repeat(60), ")".repeat(60));
    assert!(parse_program(&src).is_err());
    let src = format!("o1: {}x <~{}", "(".repeat(60), ")".repeat(60));
    assert!(parse_program(&src).is_ok());
    let src = format!("o1: {}x <~ #{}", "(".repeat(60), ")".repeat(60));
    assert!(parse_program(&src).is_err());
    let src = format!("o1: {}- x + *{}", "(".repeat(60), ")".repeat(60));
    assert!(parse_program(&src).is_err());
    assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
}

const ALPHABET: &[&str] = &[
    "o1", ":", "~a", "$", "#", "(", ")", "\"", "bd", " ", "\n", "\n  ", "-", "1", ".5", "|+", "+|",
    "<~", "~>", "*", "/", "--", "e", "'", "\r\n", "tempo", "é", "\t", "[", ",",
];

fn patch_like() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ALPHABET), 0..60).prop_map(|v| v.concat())
}

fn valid_patch() -> impl Strategy<Value = String> {
    Just(include_str!("../../fixtures/stress_extreme.ph").to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_text_never_panics(src in "\\PC{0,80}") {
        let _ = parse_program(&src);
        let _ = parse_expr(&src);
    }

    #[test]
    fn patch_like_text_never_panics(src in patch_like()) {
        if let Err(ds) = parse_program(&src) {
            for d in ds {
                prop_assert!(d.span.start <= d.span.end && d.span.end <= src.len());
                prop_assert!(!d.message.contains("Rule"));
            }
        }
        let _ = parse_expr(&src);
    }

    #[test]
    fn mutated_patches_never_panic(
        base in valid_patch(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(ALPHABET), 0usize..4), 1..6),
    ) {
        let mut src = base;
        for (at, insert, delete) in edits {
            let mut i = at.index(src.len() + 1);
            while !src.is_char_boundary(i) { i -= 1; }
            let mut j = (i + delete).min(src.len());
            while !src.is_char_boundary(j) { j += 1; }
            src.replace_range(i..j, insert);
        }
        if let Err(ds) = parse_program(&src) {
            for d in ds {
                prop_assert!(d.span.start <= d.span.end && d.span.end <= src.len());
            }
        }
    }
}

// ---- lists and tuples ----------------------------------------------------------------

#[test]
fn lists_and_tuples_are_atoms() {
    assert_eq!(shown("stack [a, b c, d $ e]"), "(stack [a (b c) ($ d e)])");
    assert_eq!(shown("[p]"), "[p]");
    assert_eq!(
        shown("within (0, 0.5) (fast 2)"),
        "(within (tuple 0 0.5) (fast 2))"
    );
    assert_eq!(
        shown("timeCat [(1, s \"a\"), (2, s \"b*2\")]"),
        "(timeCat [(tuple 1 (s \"a\")) (tuple 2 (s \"b*2\"))])"
    );
    // Nesting, newlines inside, and a list applied as an argument in the middle.
    assert_eq!(shown("cat [[a, b], [c]]"), "(cat [[a b] [c]])");
    assert_eq!(shown("f [a,\n  b] x"), "(f [a b] x)");
    assert_eq!(shown("(1, 2, 3)"), "(tuple 1 2 3)");
    assert_eq!(shown("spread ($) [rev]"), "(spread ($) [rev])");
    assert_eq!(shown("spread ( $ ) [rev]"), "(spread ($) [rev])");
    // Parentheses and sections keep their meaning.
    assert_eq!(shown("(a)"), "a");
    assert_eq!(shown("every 2 (# speed 2)"), "(every 2 (sec# (speed 2)))");
    assert_eq!(shown("(0.25 <~)"), "(0.25 <~sec)");
    assert_eq!(
        shown("[(# speed 2), (0.25 ~>)]"),
        "[(sec# (speed 2)) (0.25 ~>sec)]"
    );
    // Brackets inside strings are mini-notation.
    assert_eq!(shown("s \"[bd, sn] hh\""), "(s \"[bd, sn] hh\")");
}

#[test]
fn spans_of_lists_tuples_and_their_elements() {
    let e = expr("f [a, bb] (1, 2)");
    let ExprKind::Apply { func, arg } = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(arg.span, sp(10, 16));
    let ExprKind::Apply { arg: list, .. } = &func.kind else {
        panic!("{func:?}")
    };
    assert_eq!(list.span, sp(2, 9));
    let ExprKind::List(items) = &list.kind else {
        panic!("{list:?}")
    };
    let spans: Vec<SrcSpan> = items.iter().map(|i| i.span).collect();
    assert_eq!(spans, vec![sp(3, 4), sp(6, 8)]);
}

#[test]
fn malformed_lists_and_tuples_report_line_column_and_message() {
    let cases: Vec<(&str, (usize, usize, &str))> = vec![
        (
            "o1: stack [a, , b]",
            (1, 15, "a missing list element between two commas"),
        ),
        ("o1: stack [a, b,]", (1, 16, "a trailing comma in a list")),
        (
            "o1: stack [, a]",
            (1, 12, "a missing list element before the comma"),
        ),
        ("o1: zoom (1, ) x", (1, 12, "a trailing comma in a tuple")),
        (
            "o1: f (1, , 2)",
            (1, 11, "a missing tuple element between two commas"),
        ),
        ("o1: stack []", (1, 11, "an empty list")),
        ("o1: stack [a, b", (1, 11, "unclosed `[`")),
        ("o1: stack [a, b)", (1, 11, "`[` closed by `)`")),
        ("o1: f (a, b]", (1, 7, "`(` closed by `]`")),
        ("o1: stack a, b", (1, 12, "unexpected `,`")),
        (
            "tempo: 1\no1: cat [a,\n  , b]",
            (3, 3, "a missing list element between two commas"),
        ),
    ];
    for (src, (l, c, m)) in cases {
        assert_eq!(error(src), (l, c, m.to_string()), "{src:?}");
    }
    // A comma outside a list says what commas are for.
    let ds = errors("o1: s \"a\", s \"b\"");
    assert!(ds[0].hints.iter().any(|h| h.contains("list")), "{ds:?}");
    // The caret is under the comma.
    let src = "o1: stack [a, b,]";
    let text = phonon::diag::render("p.ph", src, &errors(src));
    assert!(text.contains("p.ph:1:16"), "{text}");
    assert!(text.contains('^'), "{text}");
}

#[test]
fn deep_lists_are_an_error_not_a_crash() {
    let ok = format!("{}x{}", "[".repeat(60), "]".repeat(60));
    assert!(parse_expr(&ok).is_ok());
    let deep = format!("{}x{}", "[(".repeat(40), ")]".repeat(40));
    let ds = parse_expr(&deep).unwrap_err();
    assert!(ds[0].message.contains("nested too deeply"), "{ds:?}");
    // A long flat list is fine.
    let long = format!("[{}]", vec!["a"; 5000].join(", "));
    assert!(parse_expr(&long).is_ok());
}
