//! Escaping of text from the data for Markdown, so that report.md shows it as written. Its own
//! room so that the report's sections and the Markdown renderer both use it without importing
//! each other.

/// Escapes text from the data so that Markdown shows it as written.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}
