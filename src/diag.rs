//! Diagnostics: what every stage reports when the input is wrong.
//!
//! A [`Diagnostic`] always carries a source span. [`render`] prints it the way a live
//! coder needs it: file, line, column, the source line with a caret under the span,
//! and a hint when one helps (rendered with `codespan-reporting`).

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};

/// A byte range `[start, end)` in the patch text.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, Default)]
pub struct SrcSpan {
    pub start: usize,
    pub end: usize,
}

impl SrcSpan {
    pub fn new(start: usize, end: usize) -> SrcSpan {
        SrcSpan { start, end }
    }

    /// The smallest span covering both.
    pub fn join(self, other: SrcSpan) -> SrcSpan {
        SrcSpan::new(self.start.min(other.start), self.end.max(other.end))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a patch.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The headline: what is wrong.
    pub message: String,
    /// Where: the primary span, underlined with carets.
    pub span: SrcSpan,
    /// A short text printed under the carets; may be empty.
    pub label: String,
    /// Further help: "did you mean ...", why something cannot work.
    pub hints: Vec<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>, span: SrcSpan) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span,
            label: String::new(),
            hints: Vec::new(),
        }
    }

    pub fn warning(message: impl Into<String>, span: SrcSpan) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message, span)
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = label.into();
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hints.push(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// 1-based line and column (in characters) of the span's start in `source`.
    pub fn line_col(&self, source: &str) -> (usize, usize) {
        line_col(source, self.span.start)
    }
}

/// The UTF-8 byte order mark. Some editors start a file with it; it is not part of
/// the patch. [`crate::frontend::read_patch`] drops it; text given directly may still
/// start with it: the parser skips it, spans index the text as given, and
/// [`line_col`] and [`render`] do not count it as a column.
pub const BOM: &str = "\u{feff}";

/// The length of `source`'s leading byte order mark: 3 bytes, or 0 without one.
pub fn bom_len(source: &str) -> usize {
    if source.starts_with(BOM) {
        BOM.len()
    } else {
        0
    }
}

/// 1-based line and column (counted in characters) of byte `offset` in `source`.
/// Offsets past the end, or inside a character, are clamped; a leading byte order
/// mark is not a column.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let skip = bom_len(source);
    let source = &source[skip..];
    let mut offset = offset.saturating_sub(skip).min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = source[line_start..offset].chars().count() + 1;
    (line, col)
}

/// Renders diagnostics as text, each with the file name, line and column, the source
/// line and a caret under the span.
pub fn render(file_name: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    // Without a leading byte order mark, which is not a column.
    let skip = bom_len(source);
    let source = &source[skip..];
    let file = SimpleFile::new(file_name, source);
    let config = Config {
        chars: term::Chars::ascii(),
        ..Config::default()
    };
    let mut out = String::new();
    for d in diagnostics {
        let start = d.span.start.saturating_sub(skip).min(source.len());
        let end = d.span.end.saturating_sub(skip).clamp(start, source.len());
        let cs = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        }
        .with_message(d.message.clone())
        .with_labels(vec![
            Label::primary((), start..end).with_message(d.label.clone())
        ])
        .with_notes(d.hints.iter().map(|h| format!("hint: {h}")).collect());
        match term::emit_into_string(&config, &file, &cs) {
            Ok(text) => out.push_str(&text),
            Err(_) => {
                // Rendering can only fail on a span outside the file, which the clamping
                // above rules out; fall back to a plain line all the same.
                let (line, col) = line_col(source, start);
                out.push_str(&format!(
                    "error: {} at {file_name}:{line}:{col}\n",
                    d.message
                ));
            }
        }
    }
    out
}

/// The known name closest to `name` by edit distance, if it is close enough to be a
/// plausible typo.
pub fn nearest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1) + usize::from(name.len() > 5);
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(name, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, k)| (*d, k.len()))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let src = "tempo: 1\no1: s \"bd\"\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 9), (2, 1));
        assert_eq!(line_col(src, 13), (2, 5));
    }

    #[test]
    fn rendering_shows_file_line_and_caret() {
        let src = "tempo: 1\no1: fsat 2 $ s \"bd\"\n";
        let d = Diagnostic::error("unknown function `fsat`", SrcSpan::new(13, 17))
            .with_hint("did you mean `fast`?");
        let text = render("p.ph", src, &[d]);
        assert!(text.contains("p.ph:2:5"), "{text}");
        assert!(text.contains("^^^^"), "{text}");
        assert!(text.contains("did you mean `fast`?"), "{text}");
    }

    #[test]
    fn nearest_name_suggests_typos_only() {
        let known = ["fast", "slow", "every", "stut"];
        assert_eq!(nearest("fsat", known), Some("fast"));
        assert_eq!(nearest("evry", known), Some("every"));
        assert_eq!(nearest("banana", known), None);
    }
}
