//! The earlier engine's dialect: the forms a patch written for it may use, found
//! while parsing, and the one warning per form that shows the modern spelling.
//!
//! Comments (`//` anywhere a `--` may start, `#` at the start of a line) are found by
//! [`comments`], a scan of the whole patch that skips strings and `--` comments; the
//! statement forms (`~name = expr`, `out = expr`, `out expr`, `tempo 2.0`) are noted
//! by the parser as it builds each statement. [`warnings`] turns the uses into
//! diagnostics: one per form, at its first use, naming the lines of the others, so an
//! old patch of fifty `//` lines says it once.

use std::borrow::Cow;

use crate::diag::{line_col, Diagnostic, SrcSpan};

/// A form of the earlier engine's dialect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Form {
    /// `// text`.
    SlashComment,
    /// `# text` at the start of a line.
    HashComment,
    /// `tempo 2.0  # 120 BPM`: a `#` after a tempo's number.
    TempoComment,
    /// `~name = expr`.
    EqualsBus,
    /// `out = expr`, `d1 = expr`, `out1 = expr`.
    EqualsOut,
    /// `out expr`, `out1 expr`.
    BareOut,
    /// `tempo 2.0`, `cps 2.0`, `bpm 120`.
    BareTempo,
    /// The earlier name of a built-in (`white_noise`), renamed by
    /// `check::aliases::modernize`: one warning per name.
    OldName,
}

/// One use of a dialect form: where, and the old and modern spellings to show
/// (`~bass = ...` and `~bass: ...`).
#[derive(Clone, Debug, PartialEq)]
pub struct Use {
    pub form: Form,
    pub span: SrcSpan,
    pub old: String,
    pub modern: String,
    /// A further hint (what differs from the earlier meaning).
    pub note: Option<&'static str>,
}

/// The comments of the dialect in `src`: a `#` that starts a line (in column 1: an
/// indented `# lpf 800` continues a statement, as in Tidal), and `//` outside strings
/// and `--` comments. Spans are absolute byte offsets into `src`.
pub fn comments(src: &str) -> Vec<Use> {
    let mut out = Vec::new();
    let mut line_start = crate::diag::bom_len(src);
    while line_start < src.len() {
        let rest = src.get(line_start..).unwrap_or("");
        let len = rest.find('\n').unwrap_or(rest.len());
        let line = rest.get(..len).unwrap_or("");
        if line.starts_with('#') {
            out.push(Use {
                form: Form::HashComment,
                span: SrcSpan::new(line_start, line_start + 1),
                old: "#".into(),
                modern: "--".into(),
                note: Some("an indented `# ...` line continues the statement above it (Tidal's `#`)"),
            });
        } else if let Some(at) = slash_comment(line) {
            let start = line_start + at;
            out.push(Use {
                form: Form::SlashComment,
                span: SrcSpan::new(start, start + 2),
                old: "//".into(),
                modern: "--".into(),
                note: None,
            });
        }
        line_start += len + 1;
    }
    out
}

/// Where `line`'s `//` comment starts, outside strings and before any `--` comment.
fn slash_comment(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                let close = bytes.get(i + 1..)?.iter().position(|&c| c == b'"')?;
                i += close + 2;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => return None,
            b'/' if bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Where the earlier engine's comment after a tempo's number starts in a statement
/// (`tempo 2.0  # 120 BPM`, `cps: 0.5 # slow`), and where its line ends: a number
/// and then `#` can be no modern tempo (the value of `tempo` is a number), so the `#`
/// there is read as the comment it was.
fn tempo_comment(chunk: &str) -> Option<(usize, usize)> {
    let line = chunk.lines().next().unwrap_or("");
    let word = ["tempo", "cps", "bpm", "setcps"]
        .into_iter()
        .find(|w| line.starts_with(w))?;
    let rest = line.get(word.len()..)?;
    let after_head = rest.trim_start_matches([' ', '\t']);
    if after_head.len() == rest.len() && !after_head.starts_with(':') {
        return None;
    }
    let value = after_head
        .strip_prefix(':')
        .unwrap_or(after_head)
        .trim_start_matches([' ', '\t']);
    let digits = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let number = value.get(..digits)?;
    if !number.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let tail = value.get(digits..)?;
    let spaced = tail.trim_start_matches([' ', '\t']);
    if spaced.len() == tail.len() || !spaced.starts_with('#') {
        return None;
    }
    let hash = line.len() - spaced.len();
    Some((hash, line.len()))
}

/// A statement's text with the earlier engine's comments inside it turned into
/// spaces, byte for byte, so that spans stay the same: its `#` comment lines, and a
/// comment after a tempo's number ([`tempo_comment`]), which is also returned as a
/// use of the dialect. `start`: where the statement begins in the patch.
pub fn blank_comments(chunk: &str, start: usize) -> (Cow<'_, str>, Option<Use>) {
    let chunk = without_hash_lines(chunk);
    let Some((at, to)) = tempo_comment(&chunk) else {
        return (chunk, None);
    };
    let mut text = chunk.into_owned();
    text.replace_range(at..to, &" ".repeat(to - at));
    let comment = Use {
        form: Form::TempoComment,
        span: SrcSpan::new(start + at, start + at + 1),
        old: "#".into(),
        modern: "--".into(),
        note: Some("after a tempo's number, `#` starts the earlier engine's comment"),
    };
    (Cow::Owned(text), Some(comment))
}

/// A statement's text with its `#` comment lines (a `#` in column 1 among its
/// continuation lines) turned into spaces, byte for byte, so spans stay the same.
fn without_hash_lines(chunk: &str) -> Cow<'_, str> {
    let starts: Vec<usize> = chunk
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .filter(|&i| is_hash_line(chunk, i))
        .collect();
    if starts.is_empty() {
        return Cow::Borrowed(chunk);
    }
    let mut bytes = chunk.as_bytes().to_vec();
    for s in starts {
        let end = chunk
            .get(s..)
            .and_then(|r| r.find('\n'))
            .map_or(chunk.len(), |k| s + k);
        if let Some(line) = bytes.get_mut(s..end) {
            line.fill(b' ');
        }
    }
    // Whole lines of any characters became spaces: still UTF-8.
    Cow::Owned(String::from_utf8(bytes).unwrap_or_default())
}

/// Whether the line of `src` starting at byte `at` is a `#` comment line.
fn is_hash_line(src: &str, at: usize) -> bool {
    src.get(at..).is_some_and(|l| l.starts_with('#'))
}

/// `text` for a message: its first line, cut at 24 characters.
pub fn short(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    if line.chars().count() > 24 || text.trim().contains('\n') {
        let cut: String = line.chars().take(20).collect();
        format!("{} ...", cut.trim_end())
    } else {
        line.to_string()
    }
}

/// One warning per form used (per old name, for [`Form::OldName`]), at its first use
/// in source order, with the lines of the other uses in a hint.
pub fn warnings(src: &str, mut uses: Vec<Use>) -> Vec<Diagnostic> {
    let key = |u: &Use| {
        let name = if u.form == Form::OldName { u.old.clone() } else { String::new() };
        (u.form, name)
    };
    uses.sort_by_key(|u| (key(u), u.span.start));
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(first) = uses.get(i) {
        let k = key(first);
        let same = uses[i..].iter().take_while(|u| key(u) == k).count();
        let others: Vec<usize> = uses[i + 1..i + same]
            .iter()
            .map(|u| line_col(src, u.span.start).0)
            .collect();
        out.push(warning(first, &others));
        i += same;
    }
    out
}

fn warning(u: &Use, others: &[usize]) -> Diagnostic {
    let (message, label) = match u.form {
        Form::SlashComment | Form::HashComment | Form::TempoComment => (
            format!(
                "`{}` comments are the earlier engine's; write `--`",
                u.old
            ),
            "an earlier engine's comment",
        ),
        Form::OldName => (
            format!(
                "`{}` is the earlier engine's name; write `{}`",
                u.old, u.modern
            ),
            "the earlier engine's name",
        ),
        _ => (
            format!(
                "`{}` is the earlier engine's spelling; write `{}`",
                u.old, u.modern
            ),
            "the earlier engine's dialect",
        ),
    };
    let mut d = Diagnostic::warning(message, u.span).with_label(label);
    if let Some(note) = u.note {
        d = d.with_hint(note);
    }
    match others {
        [] => d,
        [line] => d.with_hint(format!("line {line} too")),
        _ => {
            let shown: Vec<String> = others.iter().take(8).map(|l| l.to_string()).collect();
            let more = others.len().saturating_sub(8);
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            d.with_hint(format!("lines {}{tail} too", shown.join(", ")))
        }
    }
}
