//! A study's flows as a partitioned Parquet dataset: a folder `flows/` of Parquet files,
//! possibly hive-partitioned by year (`flows/year=2018/part-0.parquet`), the shape Spark,
//! DataFusion, polars and `nichegraph ingest` write. It is read as one flows table.
//!
//! Files are taken in byte order of their paths, so the rows (and every message about them) do
//! not depend on the order the file system lists them in. Files whose names start with `.` or
//! `_` (Spark's `_SUCCESS`, checksum files) are skipped. A partition folder gives the year of
//! its files' rows; a file that also has a `year` column must agree with it.

use super::fast::{self, FastFlows, Ids};
use super::schema::Column;
use super::table::Table;
use crate::error::Problem;
use std::path::{Path, PathBuf};

/// The dataset folder's name in a study.
pub const FOLDER: &str = "flows";

/// One Parquet file of the dataset.
pub struct File {
    pub path: PathBuf,
    /// The path below the study folder with `/` separators: `flows/year=2018/part-0.parquet`.
    pub name: String,
    /// The year its partition folder gives.
    pub year: Option<i64>,
}

/// Partition folders may nest (`year=2018/region=…` is refused by name, not by depth); this
/// bounds the walk of a folder with a link to itself.
const MAX_DEPTH: usize = 8;

/// The dataset's files in path order; problems for folders and files that do not fit.
pub fn files(study: &Path, problems: &mut Vec<Problem>) -> Vec<File> {
    let mut out = Vec::new();
    walk(
        &study.join(FOLDER),
        FOLDER,
        None,
        0,
        study,
        problems,
        &mut out,
    );
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn walk(
    dir: &Path,
    name: &str,
    year: Option<i64>,
    depth: usize,
    study: &Path,
    problems: &mut Vec<Problem>,
    out: &mut Vec<File>,
) {
    let shown = |n: &str| study.join(n).display().to_string();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(Problem::file(
                &shown(name),
                format!("cannot read the folder: {e}"),
            ));
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let file_name = e.file_name().to_string_lossy().to_string();
        if file_name.starts_with('.') || file_name.starts_with('_') {
            continue;
        }
        let child = format!("{name}/{file_name}");
        let path = e.path();
        if path.is_dir() {
            if depth >= MAX_DEPTH {
                problems.push(Problem::file(
                    &shown(&child),
                    format!("the dataset nests deeper than {MAX_DEPTH} folders; expected flows/year=<year>/<file>.parquet"),
                ));
                continue;
            }
            match partition(&file_name) {
                Ok(_) if year.is_some() => {
                    problems.push(Problem::file(
                        &shown(&child),
                        "a year partition inside another; expected flows/year=<year>/<file>.parquet",
                    ));
                }
                Ok(y) => walk(&path, &child, Some(y), depth + 1, study, problems, out),
                Err(msg) => problems.push(Problem::file(&shown(&child), msg)),
            }
        } else if file_name.ends_with(".parquet") {
            out.push(File {
                path,
                name: child,
                year,
            });
        } else {
            problems.push(Problem::file(
                &shown(&child),
                "not a Parquet file; expected only .parquet files (and year=<year> folders) in the flows dataset",
            ));
        }
    }
}

/// The year of a hive partition folder `year=<Y>`.
fn partition(folder: &str) -> Result<i64, String> {
    let Some((key, value)) = folder.split_once('=') else {
        return Err(
            "a folder that is not a partition; expected folders named year=<year>, such as year=2018"
                .into(),
        );
    };
    if key != "year" {
        return Err(format!(
            "the dataset is partitioned by {key}; expected partitions by year only (year=<year>)"
        ));
    }
    value.parse::<i64>().map_err(|_| {
        format!("the partition year {value:?} is not an integer; expected year=<year>, such as year=2018")
    })
}

/// What reading the dataset gave: flows the fast path read, or a table for the exact loader.
pub(super) enum Read {
    Fast(FastFlows),
    Exact(Option<Table>),
}

/// Reads the dataset's files (from `files`): with `fast` (the ids and the study year), by the
/// fast path when it vouches for every row; otherwise as one table whose rows name their own
/// file and row.
pub(super) fn read(
    study: &Path,
    files: &[File],
    columns: &[Column],
    fast: Option<(&Ids, Option<i64>)>,
    problems: &mut Vec<Problem>,
) -> Read {
    let shown = |n: &str| study.join(n).display().to_string();
    if files.is_empty() {
        problems.push(Problem::file(
            &shown(FOLDER),
            "the flows dataset has no Parquet files; expected files such as flows/year=2018/part-0.parquet",
        ));
        return Read::Exact(None);
    }
    if let Some((ids, year)) = fast {
        let parts: Vec<fast::Part> = files
            .iter()
            .map(|f| fast::Part {
                path: &f.path,
                year: f.year,
            })
            .collect();
        if let Some(f) = fast::read_parquet(&parts, ids, year) {
            return Read::Fast(f);
        }
    }
    let parts: Vec<(String, &Path, Option<i64>)> = files
        .iter()
        .map(|f| (shown(&f.name), f.path.as_path(), f.year))
        .collect();
    Read::Exact(super::parquet::read_parts(&parts, columns, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_folders_give_their_year() {
        assert_eq!(partition("year=2018"), Ok(2018));
        assert!(partition("year=abc")
            .unwrap_err()
            .contains("not an integer"));
        assert!(partition("region=RU").unwrap_err().contains("by region"));
        assert!(partition("2018").unwrap_err().contains("not a partition"));
    }
}
