//! Finding the studies under the paths given, and reading each one's id.

use crate::error::Error;
use std::path::{Path, PathBuf};

/// Studies under `paths`: a folder with study.toml is a study; a `.xlsx` file given directly is
/// a study workbook, and one found in a searched folder is one when it has a `study` sheet
/// (Excel's `~$` lock files never are). Other folders are searched (hidden folders, `target`
/// and `node_modules` skipped). Sorted, without repeats.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    use crate::study::workbook;
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        if dir.join("study.toml").is_file() {
            out.push(dir.to_path_buf());
            return;
        }
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let (mut subdirs, mut books) = (Vec::new(), Vec::new());
        for p in entries.flatten().map(|e| e.path()) {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if name.starts_with('.') {
                continue;
            }
            if p.is_dir() {
                if name != "target" && name != "node_modules" {
                    subdirs.push(p);
                }
            } else if workbook::is_workbook(&p) && workbook::has_study_sheet(&p) {
                books.push(p);
            }
        }
        out.extend(books);
        subdirs.sort();
        for d in subdirs {
            walk(&d, out);
        }
    }
    let mut out = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(Error::Usage(format!(
                "{}: no such file or folder",
                p.display()
            )));
        }
        if p.is_file() && workbook::is_workbook(p) {
            out.push(p.clone());
            continue;
        }
        let before = out.len();
        walk(p, &mut out);
        if out.len() == before {
            return Err(Error::Usage(format!(
                "{}: no study found there (a folder with study.toml, or a .xlsx workbook with a study sheet)",
                p.display()
            )));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The study id from study.toml (or a workbook's study sheet), or the problems that prevent reading it.
pub(super) fn study_id(dir: &Path) -> Result<String, Error> {
    if dir.is_file() && crate::study::workbook::is_workbook(dir) {
        return crate::study::workbook::study_id(dir);
    }
    let path = dir.join("study.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("cannot read", &path, e))?;
    let mut problems = Vec::new();
    match crate::study::config::parse(&text, &path.display().to_string(), &mut problems) {
        Some(c) => Ok(c.id),
        None => Err(Error::Data(problems)),
    }
}
