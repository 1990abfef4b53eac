//! `nichegraph init`: writes the template, as CSV files or as one workbook, never over a file.

use super::tables::TABLES;
use super::{text, xlsx, EXAMPLE_ID, EXAMPLE_NAME, FILL};
use crate::error::{Error, Result};
use crate::study::workbook::is_workbook;
use std::fmt;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `init` wrote.
#[derive(Debug)]
pub struct Created {
    /// The path to give `check` and `analyze`: the folder, or the workbook.
    pub study: PathBuf,
    pub files: Vec<PathBuf>,
}

impl fmt::Display for Created {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for file in &self.files {
            writeln!(f, "created {}", file.display())?;
        }
        write!(
            f,
            "next: replace the «{FILL}» placeholders and the example rows (ids starting with \
             {EXAMPLE_ID}, names with «{EXAMPLE_NAME}») with the cluster's data, then run \
             `nichegraph check {}`",
            self.study.display()
        )
    }
}

/// Writes a ready-to-fill study: in folder `dir` the CSV files, `study.toml` and `README.md`;
/// with `xlsx`, the workbook `dir/study.xlsx` (or `dir` itself when it ends with `.xlsx`).
/// Never overwrites a file: when any of them exists, nothing is written.
pub fn init(dir: &Path, xlsx: bool) -> Result<Created> {
    let (study, files): (PathBuf, Vec<(PathBuf, Vec<u8>)>) = if xlsx {
        let book = if is_workbook(dir) {
            dir.to_path_buf()
        } else {
            dir.join("study.xlsx")
        };
        (book.clone(), vec![(book, xlsx::workbook_bytes()?)])
    } else {
        if is_workbook(dir) {
            return Err(Error::Usage(format!(
                "{} ends with .xlsx: add --xlsx to write a workbook, or give a folder name",
                dir.display()
            )));
        }
        let mut files = vec![(dir.join("study.toml"), text::study_toml().into_bytes())];
        for t in TABLES {
            files.push((dir.join(t.def.file_name()), text::csv_bytes(t)?));
        }
        files.push((dir.join("README.md"), text::readme_md().into_bytes()));
        (dir.to_path_buf(), files)
    };
    let existing: Vec<String> = files
        .iter()
        .filter(|(p, _)| p.symlink_metadata().is_ok())
        .map(|(p, _)| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(Error::WouldOverwrite(existing));
    }
    let folder = files[0].0.parent().map(Path::to_path_buf);
    if let Some(folder) = folder.filter(|f| !f.as_os_str().is_empty()) {
        std::fs::create_dir_all(&folder)
            .map_err(|e| Error::io("cannot create the folder", &folder, e))?;
    }
    let mut written = Vec::new();
    for (path, bytes) in files {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::io("cannot create", &path, e))?;
        file.write_all(&bytes)
            .and_then(|_| file.sync_all())
            .map_err(|e| Error::io("cannot write", &path, e))?;
        written.push(path);
    }
    Ok(Created {
        study,
        files: written,
    })
}
