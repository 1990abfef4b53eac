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
    /// The path given is neither a study folder nor a study workbook (exit 1).
    #[error("{} is not a study folder; expected a folder with study.toml, participants.csv, products.csv and flows.csv (or flows.parquet, or a flows/ folder of Parquet files), or a study workbook (.xlsx)", .0.display())]
    NotAStudy(std::path::PathBuf),
    /// `init` would overwrite these files (exit 1).
    #[error("{}", exist_message(.0))]
    WouldOverwrite(Vec<String>),
    /// An output path that cannot be written as a folder of results (exit 1).
    #[error("{}", .kind.message(.path))]
    OutputPath {
        path: std::path::PathBuf,
        kind: OutputPath,
    },
    /// Two studies of a batch share an id, or one takes the portfolio's folder (exit 1).
    #[error("{}", .kind.message(.id))]
    StudyId { id: String, kind: StudyId },
    /// An output format could not be rendered (exit 1): `what` is the format or file.
    #[error("cannot render {what}: {reason}")]
    Render { what: String, reason: String },
    /// A file could not be written by a library that reports no `io::Error` (exit 1).
    #[error("cannot write {file}: {reason}")]
    Write { file: String, reason: String },
    /// Drawing a chart failed (exit 1).
    #[error("drawing a chart failed: {0}")]
    Chart(String),
    /// The worker threads could not be started (exit 1).
    #[error("cannot start {jobs} jobs: {reason}")]
    Jobs { jobs: usize, reason: String },
    /// An input path that is not what the command reads, or would leave a study with two
    /// tables of flows (`ingest`); the message says what is expected (exit 1).
    #[error("{0}")]
    Input(String),
    /// A bug: a state the code rules out was reached; the message says which (exit 1).
    #[error("{0}")]
    Internal(String),
    /// A batch in which some studies failed; they were reported already. Carries the exit code.
    #[error("some studies failed")]
    Batch(i32),
}

/// Why an output path cannot hold results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputPath {
    /// A symbolic link where a folder of results goes.
    SymbolicLink,
    /// A study id that cannot name a folder (the path is the id).
    BadName,
    /// `--out` is a file.
    OutIsFile,
    /// The study's output folder exists as something else.
    NotAFolder,
}

impl OutputPath {
    fn message(self, path: &std::path::Path) -> String {
        let p = path.display();
        match self {
            OutputPath::SymbolicLink => format!(
                "{p} is a symbolic link; nichegraph writes only into real folders under --out (remove the link)"
            ),
            OutputPath::BadName => format!("{:?} cannot name an output folder", path.to_string_lossy()),
            OutputPath::OutIsFile => format!(
                "the output path {p} is a file; expected a folder (choose another with --out)"
            ),
            OutputPath::NotAFolder => format!(
                "{p} exists and is not a folder; move it away so that the results can be written"
            ),
        }
    }
}

/// Why a batch cannot give a study its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StudyId {
    /// The id names the batch's portfolio folder.
    Reserved,
    /// Another study (this path) has it already.
    Taken(std::path::PathBuf),
}

impl StudyId {
    fn message(&self, id: &str) -> String {
        match self {
            StudyId::Reserved => format!(
                "the study id {id} names the batch's portfolio folder; give the study another id in its study.toml"
            ),
            StudyId::Taken(first) => format!(
                "the study id {id} is also used by {}; each study needs its own id",
                first.display()
            ),
        }
    }
}

fn exist_message(existing: &[String]) -> String {
    format!(
        "{} already exist{}; init never overwrites files: choose a new folder, or move {} away",
        existing.join(", "),
        if existing.len() == 1 { "s" } else { "" },
        if existing.len() == 1 { "it" } else { "them" },
    )
}

impl Error {
    /// `Error::Render` for a format or file and the library's error.
    pub fn render(what: &str, reason: impl std::fmt::Display) -> Self {
        Error::Render {
            what: what.to_string(),
            reason: reason.to_string(),
        }
    }

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
            Error::Io { .. }
            | Error::NotAStudy(_)
            | Error::WouldOverwrite(_)
            | Error::OutputPath { .. }
            | Error::StudyId { .. }
            | Error::Render { .. }
            | Error::Write { .. }
            | Error::Chart(_)
            | Error::Jobs { .. }
            | Error::Input(_)
            | Error::Internal(_) => 1,
            Error::Batch(code) => *code,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
