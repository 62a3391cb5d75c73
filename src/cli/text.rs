//! `phonon check`, `phonon query` and `phonon functions`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::diag::{render, Diagnostic};
use crate::query::{events_to_json_lines, query_expression};
use crate::samples::SampleBank;
use crate::time::Rational;

use super::common::{load_bank, read_file, write_stdout, BAD_INPUT, MAX_PATCH_BYTES};

pub fn check(files: &[PathBuf], samples: Option<&Path>) -> ExitCode {
    // The rate does not matter: the bank is only listed, never decoded, here.
    let bank = match load_bank(samples, 44_100) {
        Ok(bank) => bank,
        Err(code) => return code,
    };
    let mut failed = false;
    for path in files {
        let source = match read_file(path) {
            Ok(s) => s,
            Err(_) => {
                failed = true;
                continue;
            }
        };
        let name = path.display().to_string();
        let checked = crate::check_patch(&source);
        let mut diagnostics = checked.diagnostics;
        if let Some(graph) = &checked.graph {
            diagnostics.extend(sample_warnings(graph, &bank));
            diagnostics.sort_by_key(|d| d.span.start);
        }
        if !diagnostics.is_empty() {
            eprint!("{}", render(&name, &source, &diagnostics));
        }
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        if errors > 0 {
            failed = true;
            eprintln!(
                "{name}: {errors} error{}",
                if errors == 1 { "" } else { "s" }
            );
        } else {
            write_stdout(&format!("{name}: ok\n"));
        }
    }
    if failed {
        ExitCode::from(BAD_INPUT)
    } else {
        ExitCode::SUCCESS
    }
}

/// A warning for each sample name the patch plays that `bank` does not know, at
/// the sound that plays it first, with the nearest known name when one is close.
fn sample_warnings(graph: &crate::ir::Graph, bank: &SampleBank) -> Vec<Diagnostic> {
    crate::runtime::sounds::unknown_samples(graph, bank)
        .into_iter()
        .map(|(name, span)| {
            let message = super::common::no_sample_named(&name);
            let hint = match crate::diag::nearest(&name, bank.known_names()) {
                Some(near) => {
                    format!("did you mean `{near}`? `--samples DIR` adds a sample folder's names")
                }
                None => "`--samples DIR` adds a sample folder's names (DIR/name/*.wav)".to_string(),
            };
            Diagnostic::warning(message, span.unwrap_or_default())
                .with_label(format!("plays `{name}`"))
                .with_hint(hint)
        })
        .collect()
}

pub fn query(expression: &str, from: Rational, to: Rational, draw: bool) -> ExitCode {
    if expression.len() > MAX_PATCH_BYTES {
        eprintln!(
            "error: the expression is {} bytes long, past the limit of {MAX_PATCH_BYTES} bytes (1 MiB)",
            expression.len()
        );
        return ExitCode::from(BAD_INPUT);
    }
    if to < from {
        eprintln!("error: --to ({to}) is before --from ({from})");
        return ExitCode::from(BAD_INPUT);
    }
    match query_expression(expression, from, to) {
        Ok(result) if draw => match crate::query::draw::draw(&result.events, from, to) {
            Ok(grid) => {
                write_stdout(&grid);
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::from(BAD_INPUT)
            }
        },
        Ok(result) => {
            let mut out = events_to_json_lines(&result);
            if !out.is_empty() {
                out.push('\n');
            }
            write_stdout(&out);
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprint!("{}", failure.render(expression));
            ExitCode::from(BAD_INPUT)
        }
    }
}

pub fn functions(name: Option<&str>, markdown: bool) -> ExitCode {
    use crate::check::aliases::{alias, ALIASES};
    use crate::check::signatures::{builtins, lookup};
    match name {
        None if markdown => {
            // A `|` inside a cell would end it.
            let cell = |s: &str| s.replace('|', "\\|");
            let mut table = String::from("| usage | what it does |\n| --- | --- |\n");
            for b in builtins() {
                table.push_str(&format!("| `{}` | {} |\n", b.usage(), cell(b.doc)));
            }
            write_stdout(&table);
            ExitCode::SUCCESS
        }
        None => {
            let mut listing: String = builtins()
                .iter()
                .map(|b| format!("{:<34}  {}\n", b.usage(), b.doc))
                .collect();
            listing.push_str("\nthe earlier engine's names (accepted with a warning):\n");
            for a in ALIASES {
                listing.push_str(&format!("{:<34}  write `{}`\n", a.old, a.modern));
            }
            write_stdout(&listing);
            ExitCode::SUCCESS
        }
        Some(name) => match lookup(name)
            .map(|b| (b, None))
            .or_else(|| alias(name).and_then(|a| lookup(a.modern).map(|b| (b, Some(a)))))
        {
            Some((b, old)) => {
                if let Some(a) = old {
                    let note = a.note.map(|n| format!("; {n}")).unwrap_or_default();
                    write_stdout(&format!(
                        "`{}` is the earlier engine's name of `{}`{note}\n",
                        a.old, a.modern
                    ));
                }
                write_stdout(&format!("{}\n{}\n{}\n", b.usage(), b.signature(), b.doc));
                ExitCode::SUCCESS
            }
            None => {
                let hint = crate::diag::nearest(name, builtins().iter().map(|b| b.name))
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_default();
                eprintln!("error: no function `{name}`{hint}");
                ExitCode::from(BAD_INPUT)
            }
        },
    }
}
