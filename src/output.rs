//! Atomic writing of an output folder: everything goes to a temporary folder beside the
//! target, which then replaces the target in one step. An earlier result is only ever
//! replaced by a complete new one, and a killed run leaves only a temporary folder that the
//! next run removes.

use crate::error::{Error, OutputPath, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// Files of one output folder: relative path (with `/` for subfolders) and bytes.
pub type Files = Vec<(String, Vec<u8>)>;

fn temp_prefix(id: &str) -> String {
    format!(".{id}.tmp-")
}

fn pid_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Removes temporary folders of `id` left by runs that are no longer alive.
fn clean_stale(out: &Path, id: &str) {
    let prefix = temp_prefix(id);
    let Ok(entries) = fs::read_dir(out) else {
        return;
    };
    for e in entries.flatten() {
        // Only real folders are cleaned; a link is never followed into another place.
        if !e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let name = e.file_name().to_string_lossy().to_string();
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|p| p != std::process::id() && !pid_alive(p)) {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// Writes the files and makes them durable before the folder is swapped in: one `syncfs` of
/// the folder's filesystem on Linux (a flush per file cost a second on a study's forty files),
/// a flush per file elsewhere.
fn write_files(dir: &Path, files: &Files) -> std::io::Result<()> {
    let once = cfg!(target_os = "linux");
    for (rel, bytes) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut f = fs::File::create(&path)?;
        std::io::Write::write_all(&mut f, bytes)?;
        if !once {
            f.sync_all()?;
        }
    }
    if once {
        sync_filesystem(dir)?;
    }
    Ok(())
}

/// Flushes everything written to the filesystem that holds `dir`.
#[cfg(target_os = "linux")]
fn sync_filesystem(dir: &Path) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let d = fs::File::open(dir)?;
    // SAFETY: the descriptor is open for the duration of the call.
    if unsafe { libc::syncfs(d.as_raw_fd()) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn sync_filesystem(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Swaps two paths atomically (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings for the duration of the call.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Fails when any of `paths` exists as a symbolic link: folders named from data are never
/// followed out of the output folder.
pub fn refuse_links(paths: &[&Path]) -> Result<()> {
    for p in paths {
        if fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::OutputPath {
                path: p.to_path_buf(),
                kind: OutputPath::SymbolicLink,
            });
        }
    }
    Ok(())
}

/// Writes `files` as the folder `out/id`, replacing an earlier one only when all is written.
pub fn write_folder(out: &Path, id: &str, files: &Files) -> Result<PathBuf> {
    // Ids come from data: they must name one folder inside `out`, never a way out of it.
    if id.is_empty() || id.chars().all(|c| c == '.') || id.contains(['/', '\\']) {
        return Err(Error::OutputPath {
            path: PathBuf::from(id),
            kind: OutputPath::BadName,
        });
    }
    if out.exists() && !out.is_dir() {
        return Err(Error::OutputPath {
            path: out.to_path_buf(),
            kind: OutputPath::OutIsFile,
        });
    }
    fs::create_dir_all(out).map_err(|e| Error::io("cannot create the output folder", out, e))?;
    clean_stale(out, id);
    let target = out.join(id);
    if let Ok(meta) = fs::symlink_metadata(&target) {
        if !meta.is_dir() {
            return Err(Error::OutputPath {
                path: target.clone(),
                kind: OutputPath::NotAFolder,
            });
        }
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let tmp = out.join(format!(
        "{}{}-{}",
        temp_prefix(id),
        std::process::id(),
        nanos
    ));
    let result = (|| -> std::io::Result<()> {
        fs::create_dir(&tmp)?;
        write_files(&tmp, files)?;
        if target.exists() {
            match exchange(&tmp, &target) {
                Ok(()) => {}
                Err(_) => {
                    // No atomic exchange here: move the old folder aside first.
                    let old = out.join(format!(
                        "{}{}-old-{}",
                        temp_prefix(id),
                        std::process::id(),
                        nanos
                    ));
                    fs::rename(&target, &old)?;
                    fs::rename(&tmp, &target)?;
                    let _ = fs::remove_dir_all(&old);
                    return Ok(());
                }
            }
            // `tmp` now holds the earlier result.
            fs::remove_dir_all(&tmp)
        } else {
            fs::rename(&tmp, &target)
        }
    })();
    match result {
        Ok(()) => Ok(target),
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            Err(Error::io("cannot write the results to", &target, e))
        }
    }
}

/// Writes each of `files` into the folder `dir`, each atomically: a temporary file beside it,
/// then a rename. For files that stand beside the study folders (the batch's tables).
pub fn write_each(dir: &Path, files: &Files) -> Result<()> {
    for (name, bytes) in files {
        let path = dir.join(name);
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        fs::write(&tmp, bytes)
            .and_then(|_| fs::rename(&tmp, &path))
            .map_err(|e| {
                let _ = fs::remove_file(&tmp);
                Error::io("cannot write", &path, e)
            })?;
    }
    Ok(())
}

/// Every file under `dir/sub`, as (path relative to `dir`, bytes).
pub fn files_under(dir: &Path, sub: &str) -> Files {
    let mut out = Vec::new();
    let mut stack = vec![dir.join(sub)];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            // Links are never followed: a planted one must not pull outside files in (or loop).
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_symlink() {
                continue;
            }
            if kind.is_dir() {
                stack.push(p);
            } else if let (Ok(bytes), Ok(rel)) = (std::fs::read(&p), p.strip_prefix(dir)) {
                out.push((rel.to_string_lossy().replace('\\', "/"), bytes));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_folder_and_cleans_stale_temps() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path();
        write_folder(
            out,
            "s",
            &vec![
                ("a.txt".into(), b"1".to_vec()),
                ("old.txt".into(), b"x".to_vec()),
            ],
        )
        .unwrap();
        // A temp folder of a dead run: the pid is above Linux's pid_max, so never alive.
        fs::create_dir(out.join(".s.tmp-4294967-1")).unwrap();
        write_folder(out, "s", &vec![("a.txt".into(), b"2".to_vec())]).unwrap();
        assert_eq!(fs::read(out.join("s/a.txt")).unwrap(), b"2");
        assert!(!out.join("s/old.txt").exists());
        let left: Vec<_> = fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("s")]);
    }

    #[test]
    fn output_path_that_is_a_file_is_an_error() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("file");
        fs::write(&f, "x").unwrap();
        let e = write_folder(&f, "s", &vec![]).unwrap_err();
        assert_eq!(e.exit_code(), 1);
    }
}
