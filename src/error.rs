//! Problems found in user data, and the error type that carries them to `main`.

use std::fmt;

/// One problem in one place of a study: the file, where in it, the value, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub file: String,
    /// 1-based line as a text editor shows it (header = 1); `None` for whole-file problems.
    pub line: Option<u64>,
    /// The column as the file's editor names it: a 1-based number in CSV and TOML, a letter in Excel.
    pub column: Option<String>,
    /// The column's header name or the TOML key.
    pub field: Option<String>,
    pub value: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Problem {
            file: file.to_string(),
            line: None,
            column: None,
            field: None,
            value: None,
            message: message.into(),
        }
    }

    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    pub fn at_column(mut self, column: impl ToString, field: &str) -> Self {
        self.column = Some(column.to_string());
        self.field = Some(shorten(field));
        self
    }

    pub fn with_field(mut self, field: &str) -> Self {
        self.field = Some(shorten(field));
        self
    }

    pub fn with_value(mut self, value: &str) -> Self {
        self.value = Some(shorten(value));
        self
    }
}

/// Data quoted in a message: control characters shown escaped, and at most 120 characters, so
/// that a 10 MB cell or a binary file never floods the terminal.
fn shorten(s: &str) -> String {
    const MAX: usize = 120;
    let mut out: String = s
        .chars()
        .take(MAX)
        .map(|c| {
            if c.is_control() {
                char::REPLACEMENT_CHARACTER
            } else {
                c
            }
        })
        .collect();
    let total = s.chars().count();
    if total > MAX {
        out.push_str(&format!("… ({total} characters)"));
    }
    out
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = &self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ":")?;
        if let Some(field) = &self.field {
            write!(f, " {field}")?;
        }
        if let Some(value) = &self.value {
            write!(f, " {value:?}")?;
        }
        if self.field.is_some() || self.value.is_some() {
            write!(f, ":")?;
        }
        write!(f, " {}", self.message)
    }
}

/// Why a run failed. Each variant maps to one exit code (see `exit_code`).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid input data: every problem found (exit 65).
    #[error("{} problem(s) in the study", .0.len())]
    Data(Vec<Problem>),
    /// Reading or writing files failed (exit 1).
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// A bad combination of options that clap cannot catch (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Anything else (exit 1).
    #[error("{0}")]
    Other(String),
    /// A batch in which some studies failed; they were reported already. Carries the exit code.
    #[error("some studies failed")]
    Batch(i32),
}

impl Error {
    pub fn io(context: impl Into<String>, path: &std::path::Path, source: std::io::Error) -> Self {
        Error::Io {
            context: format!("{} {}", context.into(), path.display()),
            source,
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Data(_) => 65,
            Error::Usage(_) => 2,
            Error::Io { .. } | Error::Other(_) => 1,
            Error::Batch(code) => *code,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
