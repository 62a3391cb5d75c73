//! Layers point down: every module of the library may use only the modules its row
//! of [`ALLOWED`] names (ARCHITECTURE.md, "Layers", states the same rules in words).
//! The test reads every `crate::…` path in the source (use lines and paths written
//! out in code alike), outside comments and `#[cfg(test)]` modules, so a leak such
//! as the planner calling into the JIT, or the graph holding an evaluator type,
//! fails CI.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module of `src/` and the modules it may use. Order: lowest first.
const ALLOWED: &[(&str, &[&str])] = &[
    // Foundations: nothing of the crate.
    ("time", &[]),
    ("signature", &[]),
    ("fpu", &[]),
    ("dsp", &[]),
    ("diag", &[]),
    // Patterns and the sample bank.
    ("pattern", &["time"]),
    ("mini", &["pattern", "time", "diag"]),
    ("samples", &[]),
    ("voices", &["pattern", "samples", "dsp"]),
    ("parallel", &["fpu"]),
    // The front end.
    ("syntax", &["diag", "pattern", "time"]),
    // The graph: data only, no evaluator, checker or syntax types.
    ("ir", &["dsp", "pattern", "signature", "time", "diag"]),
    (
        "check",
        &[
            "syntax",
            "signature",
            "ir",
            "pattern",
            "mini",
            "diag",
            "time",
        ],
    ),
    (
        "eval",
        &[
            "check",
            "syntax",
            "mini",
            "pattern",
            "ir",
            "diag",
            "time",
            "signature",
        ],
    ),
    (
        "lower",
        &["eval", "ir", "pattern", "diag", "signature", "time"],
    ),
    (
        "query",
        &["check", "eval", "syntax", "diag", "pattern", "time"],
    ),
    (
        "frontend",
        &["syntax", "check", "eval", "lower", "ir", "diag"],
    ),
    // Planning: the graph to a plan; never the engines.
    ("passes", &["ir", "parallel", "dsp"]),
    // Running a graph.
    (
        "runtime",
        &[
            "ir", "voices", "samples", "parallel", "fpu", "pattern", "time", "diag", "dsp",
        ],
    ),
    ("interp", &["runtime", "ir", "dsp", "samples"]),
    (
        "jit",
        &[
            "passes", "runtime", "ir", "dsp", "parallel", "samples", "diag",
        ],
    ),
    // Putting it together.
    (
        "program",
        &[
            "jit", "interp", "passes", "runtime", "ir", "frontend", "diag", "samples",
        ],
    ),
    (
        "render",
        &[
            "program", "runtime", "samples", "ir", "diag", "jit", "passes",
        ],
    ),
    (
        "bench",
        &[
            "program", "frontend", "runtime", "samples", "parallel", "render", "ir", "jit",
            "interp",
        ],
    ),
    // Pictures of a graph's events (`phonon plot`) and of rendered audio.
    (
        "plot",
        &["ir", "runtime", "pattern", "voices", "time", "diag"],
    ),
    (
        "live",
        &[
            "program", "frontend", "runtime", "samples", "ir", "jit", "fpu", "voices", "diag",
            "parallel",
        ],
    ),
];

/// The library's root (`lib.rs`) may use every module.
const ROOT: &str = "lib";

/// The crate modules a source text refers to, outside comments and test modules.
fn references(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let code = line.trim_start();
        let next = lines.get(i + 1).map_or("", |l| l.trim_start());
        if code.starts_with("#[cfg(test)]") && next.starts_with("mod ") {
            // Test modules sit at the end of a file and may use anything.
            break;
        }
        if code.starts_with("//") {
            continue;
        }
        let code = code.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            if let Some(group) = after.strip_prefix('{') {
                // `crate::{a, b::c}`: the first name of each item at the top level.
                let mut depth = 0usize;
                let mut item_start = true;
                let mut name = String::new();
                for c in group.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => item_start = true,
                        c if item_start && (c.is_ascii_alphanumeric() || c == '_') => name.push(c),
                        _ if item_start && !name.is_empty() => {
                            out.insert(std::mem::take(&mut name));
                            item_start = false;
                        }
                        _ => {}
                    }
                }
                if !name.is_empty() {
                    out.insert(name);
                }
            } else {
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
            rest = after;
        }
    }
    out
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn modules_only_use_the_layers_below_them() {
    let allowed: BTreeMap<&str, BTreeSet<&str>> = ALLOWED
        .iter()
        .map(|(m, deps)| (*m, deps.iter().copied().collect()))
        .collect();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut violations = Vec::new();
    let mut seen = BTreeSet::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap_or(file);
        let top = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("")
            .trim_end_matches(".rs")
            .to_string();
        // The binary's command-line layer sits above the library.
        if top == ROOT || top == "main" || top == "cli" {
            continue;
        }
        let Some(ok) = allowed.get(top.as_str()) else {
            violations.push(format!(
                "{}: module `{top}` has no row in ALLOWED",
                rel.display()
            ));
            continue;
        };
        seen.insert(top.clone());
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for r in references(&text) {
            if r != top && !ok.contains(r.as_str()) && allowed.contains_key(r.as_str()) {
                violations.push(format!("{}: `{top}` uses `crate::{r}`", rel.display()));
            } else if r != top && !allowed.contains_key(r.as_str()) {
                violations.push(format!(
                    "{}: `{top}` uses `crate::{r}`, which is not a module of ALLOWED",
                    rel.display()
                ));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "layer violations:\n{}",
        violations.join("\n")
    );
    // Every row names a module that exists (a renamed module must update the table).
    for (m, _) in ALLOWED {
        assert!(
            seen.contains(*m),
            "ALLOWED names `{m}`, which is not in src/"
        );
    }
}

/// The order of the table is a layering: a module may only use modules of earlier
/// rows, so the rules admit no cycle.
#[test]
fn the_table_is_a_layering() {
    for (i, (m, deps)) in ALLOWED.iter().enumerate() {
        for d in *deps {
            let at = ALLOWED.iter().position(|(n, _)| n == d);
            assert!(
                at.is_some_and(|k| k < i),
                "`{m}` may use `{d}`, which is not below it"
            );
        }
    }
}

/// The checker of the checker: a use line, a written-out path and a path in a
/// comment or a test module.
#[test]
fn references_are_read_from_code_only() {
    let text = "use crate::ir::Op;\nlet x = crate::dsp::arith::div(1.0, 2.0);\n\
                use crate::{time::Rational, pattern::{Event, Pattern}};\n\
                // crate::jit is only mentioned\n/// [`crate::eval`] in a doc\n\
                #[cfg(test)]\nmod tests { use crate::compile; }\n";
    let r: Vec<String> = references(text).into_iter().collect();
    assert_eq!(r, ["dsp", "ir", "pattern", "time"].map(String::from));
}
