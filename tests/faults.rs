//! Faults around the output folder (issue "Hardening"): kill -9 at any moment, an output path
//! that cannot be written (a file, a read-only folder, a full disk), and hostile paths (`..` as
//! a product id, symlinks planted in the output folder).
//!
//! The contract (SPEC "Exit codes and bad input"): a failed run exits 1 with a clear message,
//! leaves no half-written output folder and never damages an earlier result; nothing derived
//! from data is written outside `--out`.
//!
//! Some faults need privileges: a read-only bind mount and a small tmpfs need CAP_SYS_ADMIN,
//! `chattr +i` needs CAP_LINUX_IMMUTABLE, and root ignores `chmod 555`. Each such test tries
//! what works on the machine and says on stderr what it could not try (see `--nocapture`).
//! The file-size limit (RLIMIT_FSIZE) needs nothing and stands in for a full disk everywhere.

use std::collections::BTreeMap;
use std::ffi::{CString, OsStr};
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BASE_ID: &str = "tiny-base";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn base() -> PathBuf {
    root().join("tests/fixtures/base")
}

fn exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_nichegraph"))
}

fn cmd(args: &[&OsStr]) -> Command {
    let mut c = Command::new(exe());
    c.args(args).stdin(Stdio::null());
    c
}

fn run(args: &[&OsStr]) -> Output {
    cmd(args).output().unwrap()
}

fn analyze(study: &Path, out: &Path) -> Output {
    run(&[
        "analyze".as_ref(),
        study.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "-q".as_ref(),
    ])
}

fn whatif(study: &Path, product: &str, out: &Path) -> Output {
    run(&[
        "whatif".as_ref(),
        study.as_os_str(),
        "--localize".as_ref(),
        product.as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_ok(o: &Output, what: &str) {
    assert_eq!(o.status.code(), Some(0), "{what}; stderr:\n{}", stderr(o));
}

/// Exit 1 with an `error:` line that contains `needle`.
fn assert_fails_clearly(o: &Output, needle: &str, what: &str) {
    let err = stderr(o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{what}: exit code; stderr:\n{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.starts_with("error: ") && l.contains(needle)),
        "{what}: no error line mentions {needle:?}; stderr:\n{err}"
    );
}

fn copy_study(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Dir,
    File(Vec<u8>),
    Link(PathBuf),
}

/// Every entry under `root` by relative path, symlinks as links (never followed).
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Entry> {
    let mut out = BTreeMap::new();
    if fs::symlink_metadata(root).is_err() {
        return out;
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().to_path_buf();
            let meta = fs::symlink_metadata(&p).unwrap();
            let entry = if meta.file_type().is_symlink() {
                Entry::Link(fs::read_link(&p).unwrap())
            } else if meta.is_dir() {
                stack.push(p.clone());
                Entry::Dir
            } else {
                Entry::File(fs::read(&p).unwrap())
            };
            out.insert(rel, entry);
        }
    }
    out
}

/// What changed between two snapshots, one path a line.
fn diff(before: &BTreeMap<PathBuf, Entry>, after: &BTreeMap<PathBuf, Entry>) -> String {
    let mut out = String::new();
    for (p, v) in before {
        match after.get(p) {
            None => out += &format!("removed {}\n", p.display()),
            Some(w) if w != v => out += &format!("changed {}\n", p.display()),
            Some(_) => {}
        }
    }
    for p in after.keys().filter(|p| !before.contains_key(*p)) {
        out += &format!("added {}\n", p.display());
    }
    out
}

fn assert_unchanged(before: &BTreeMap<PathBuf, Entry>, dir: &Path, what: &str) {
    let changes = diff(before, &snapshot(dir));
    assert!(
        changes.is_empty(),
        "{what}: {} changed:\n{changes}",
        dir.display()
    );
}

/// The result files of one output folder without run.json (the one output that differs
/// between reruns), with their bytes.
fn results(dir: &Path) -> BTreeMap<PathBuf, Entry> {
    snapshot(dir)
        .into_iter()
        .filter(|(p, _)| p.file_name() != Some(OsStr::new("run.json")))
        .collect()
}

/// Names in `dir` that look like temporary folders of a run (`.<id>.tmp-…`).
fn temps(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.') && n.contains(".tmp-"))
                .collect()
        })
        .unwrap_or_default()
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn c_path(p: &Path) -> CString {
    CString::new(p.as_os_str().as_bytes()).unwrap()
}

/// A mount made by a test; detached again when dropped, also when the test panics.
struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let target = c_path(&self.0);
        // SAFETY: a valid NUL-terminated path.
        unsafe { libc::umount2(target.as_ptr(), libc::MNT_DETACH) };
    }
}

fn mount(
    source: &OsStr,
    target: &Path,
    fstype: Option<&str>,
    flags: libc::c_ulong,
    data: Option<&str>,
) -> Result<(), String> {
    let source = CString::new(source.as_bytes()).unwrap();
    let c_target = c_path(target);
    let fstype = fstype.map(|s| CString::new(s).unwrap());
    let data = data.map(|s| CString::new(s).unwrap());
    // SAFETY: every pointer is a valid NUL-terminated string or null, as mount(2) allows.
    let rc = unsafe {
        libc::mount(
            source.as_ptr(),
            c_target.as_ptr(),
            fstype.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
            flags,
            data.as_ref()
                .map_or(std::ptr::null(), |s| s.as_ptr().cast()),
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(format!(
            "mount {} on {}: {}",
            source.to_string_lossy(),
            target.display(),
            std::io::Error::last_os_error()
        ))
    }
}

/// A tmpfs of `size` (such as "64k") mounted on the empty folder `dir`.
fn mount_tmpfs(dir: &Path, size: &str) -> Result<Mount, String> {
    mount(
        "tmpfs".as_ref(),
        dir,
        Some("tmpfs"),
        libc::MS_NOSUID | libc::MS_NODEV,
        Some(&format!("size={size},mode=755")),
    )?;
    Ok(Mount(dir.to_path_buf()))
}

/// `dir` made read-only in place: bound onto itself, then remounted read-only.
fn bind_read_only(dir: &Path) -> Result<Mount, String> {
    mount(dir.as_os_str(), dir, None, libc::MS_BIND, None)?;
    let guard = Mount(dir.to_path_buf());
    mount(
        dir.as_os_str(),
        dir,
        None,
        libc::MS_REMOUNT | libc::MS_BIND | libc::MS_RDONLY,
        None,
    )?;
    Ok(guard)
}

/// A way to make a folder unwritable, undone when dropped.
enum Unwritable {
    Mount(#[allow(dead_code)] Mount),
    Immutable(PathBuf),
    Mode(PathBuf),
}

impl Drop for Unwritable {
    fn drop(&mut self) {
        match self {
            Unwritable::Mount(_) => {}
            Unwritable::Immutable(p) => {
                let _ = Command::new("chattr").arg("-i").arg(&*p).status();
            }
            Unwritable::Mode(p) => {
                use std::os::unix::fs::PermissionsExt;
                let _ = fs::set_permissions(&*p, fs::Permissions::from_mode(0o755));
            }
        }
    }
}

/// Tries one way of making `dir` unwritable; `Err` says why it is not available here.
fn make_unwritable(dir: &Path, how: &str) -> Result<Unwritable, String> {
    let u = match how {
        "read-only bind mount" => Unwritable::Mount(bind_read_only(dir)?),
        "chattr +i" => {
            let s = Command::new("chattr")
                .arg("+i")
                .arg(dir)
                .output()
                .map_err(|e| format!("chattr: {e}"))?;
            if !s.status.success() {
                return Err(format!(
                    "chattr +i: {}",
                    String::from_utf8_lossy(&s.stderr).trim()
                ));
            }
            Unwritable::Immutable(dir.to_path_buf())
        }
        "chmod 555" => {
            use std::os::unix::fs::PermissionsExt;
            if is_root() {
                return Err("root ignores file modes".into());
            }
            fs::set_permissions(dir, fs::Permissions::from_mode(0o555))
                .map_err(|e| e.to_string())?;
            Unwritable::Mode(dir.to_path_buf())
        }
        _ => unreachable!(),
    };
    // Whatever the method, check that it works before relying on it.
    let probe = dir.join(".probe");
    match fs::create_dir(&probe) {
        Ok(()) => {
            let _ = fs::remove_dir(&probe);
            Err(format!("{how} did not make {} unwritable", dir.display()))
        }
        Err(_) => Ok(u),
    }
}

// ---------------------------------------------------------------------------------------------
// kill -9

/// Runs `args` to completion once and returns how long it took.
fn timed(args: &[&OsStr]) -> Duration {
    let t = Instant::now();
    let o = run(args);
    assert_ok(&o, "a full run");
    t.elapsed()
}

/// Starts `args` `n` times and kills each run with SIGKILL at moments spread over the time a
/// full run takes; after each kill, `check` must hold. Returns how many runs were killed while
/// still running (the others had finished: those are complete results).
fn kill_at_many_moments(args: &[&OsStr], n: u32, mut check: impl FnMut(u32)) -> u32 {
    let full = timed(args);
    let mut killed = 0;
    for i in 0..n {
        // From 1 ms to a bit beyond a full run, so that the writing at the end is hit too.
        let at = Duration::from_millis(1) + full.mul_f64(1.2 * f64::from(i) / f64::from(n));
        let mut child = cmd(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        check(i);
    }
    eprintln!(
        "{killed} of {n} runs killed while running (a full run takes {:.0} ms)",
        full.as_secs_f64() * 1000.0
    );
    killed
}

#[test]
fn kill_9_during_analyze_never_damages_the_earlier_result() {
    let tmp = tempfile::tempdir().unwrap();
    let study = tmp.path().join("study");
    copy_study(&root().join("data/composites-without-borders"), &study);
    let out = tmp.path().join("out");
    let id = "composites-without-borders";
    assert_ok(&analyze(&study, &out), "first analyze");
    let expected = results(&out.join(id));
    assert!(expected.len() > 5, "{expected:?}");

    let args: Vec<&OsStr> = vec![
        "analyze".as_ref(),
        study.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "-q".as_ref(),
    ];
    let killed = kill_at_many_moments(&args, 20, |i| {
        assert_eq!(
            results(&out.join(id)),
            expected,
            "after kill {i}: the result was damaged"
        );
        let manifest: serde_json::Value =
            serde_json::from_slice(&fs::read(out.join(id).join("run.json")).unwrap())
                .unwrap_or_else(|e| panic!("after kill {i}: run.json is not JSON: {e}"));
        assert_eq!(manifest["command"], "analyze", "after kill {i}");
        let extra: Vec<String> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != id && !n.starts_with(&format!(".{id}.tmp-")))
            .collect();
        assert!(
            extra.is_empty(),
            "after kill {i}: unexpected entries {extra:?}"
        );
    });
    assert!(killed >= 7, "only {killed} runs were killed while running");

    // A complete run removes whatever temporary folders the killed runs left.
    assert_ok(&analyze(&study, &out), "analyze after the kills");
    assert_eq!(results(&out.join(id)), expected);
    assert_eq!(temps(&out), Vec::<String>::new(), "temporary folders left");
}

#[test]
fn kill_9_during_whatif_never_damages_the_earlier_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let study = tmp.path().join("study");
    copy_study(&root().join("data/composites-without-borders"), &study);
    let out = tmp.path().join("out");
    let product = "composite-cylinders";
    assert_ok(&analyze(&study, &out), "analyze");
    assert_ok(&whatif(&study, product, &out), "first whatif");
    let scenarios = out.join("composites-without-borders/whatif");
    let expected = snapshot(&scenarios.join(product));
    let analysis = results(&out.join("composites-without-borders"));

    let args: Vec<&OsStr> = vec![
        "whatif".as_ref(),
        study.as_os_str(),
        "--localize".as_ref(),
        product.as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ];
    kill_at_many_moments(&args, 12, |i| {
        assert_eq!(
            snapshot(&scenarios.join(product)),
            expected,
            "after kill {i}: the scenario was damaged"
        );
    });
    assert_ok(&whatif(&study, product, &out), "whatif after the kills");
    assert_eq!(snapshot(&scenarios.join(product)), expected);
    assert_eq!(
        temps(&scenarios),
        Vec::<String>::new(),
        "temporary folders left"
    );
    assert_eq!(
        results(&out.join("composites-without-borders")),
        analysis,
        "whatif changed the analysis beside it"
    );
}

// ---------------------------------------------------------------------------------------------
// Output paths that cannot be written

#[test]
fn output_path_that_is_a_file_or_under_a_file_fails_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("taken");
    fs::write(&file, "x").unwrap();
    let before = snapshot(tmp.path());

    let o = analyze(&base(), &file);
    assert_fails_clearly(&o, "taken", "analyze --out <a file>");
    assert_unchanged(&before, tmp.path(), "analyze --out <a file>");

    let o = analyze(&base(), &file.join("sub"));
    assert_fails_clearly(&o, "taken", "analyze --out <a file>/sub");
    assert_unchanged(&before, tmp.path(), "analyze --out <a file>/sub");

    let o = run(&[
        "batch".as_ref(),
        base().as_os_str(),
        "--out".as_ref(),
        file.as_os_str(),
        "-q".as_ref(),
    ]);
    assert_fails_clearly(&o, "taken", "batch --out <a file>");
    assert_unchanged(&before, tmp.path(), "batch --out <a file>");

    // whatif writes under <out>/<id>/whatif: here <out>/<id> is a file.
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join(BASE_ID), "x").unwrap();
    let before = snapshot(tmp.path());
    let o = whatif(&base(), "prepreg", &out);
    assert_fails_clearly(&o, BASE_ID, "whatif with <out>/<id> a file");
    assert_unchanged(&before, tmp.path(), "whatif with <out>/<id> a file");
}

/// analyze into a folder that cannot be written: exit 1 with a message naming it, and the
/// earlier result there untouched. Every method available on this machine is tried.
#[test]
fn unwritable_output_folder_fails_cleanly_and_keeps_the_earlier_result() {
    let mut tried = Vec::new();
    let mut unavailable = Vec::new();
    for how in ["read-only bind mount", "chattr +i", "chmod 555"] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        assert_ok(&analyze(&base(), &out), "first analyze");
        let before = snapshot(tmp.path());
        let guard = match make_unwritable(&out, how) {
            Ok(g) => g,
            Err(why) => {
                unavailable.push(format!("{how}: {why}"));
                continue;
            }
        };
        let o = analyze(&base(), &out);
        let after = snapshot(tmp.path());
        // whatif writes into <out>/<id>/whatif: on the read-only mount too (chattr and chmod
        // affect <out> only, where whatif may well succeed).
        let o2 = (how == "read-only bind mount").then(|| whatif(&base(), "prepreg", &out));
        let after_whatif = snapshot(tmp.path());
        drop(guard);
        assert_fails_clearly(&o, &out.display().to_string(), how);
        let changes = diff(&before, &after);
        assert!(changes.is_empty(), "{how}: analyze changed:\n{changes}");
        if let Some(o2) = o2 {
            assert_fails_clearly(&o2, &out.display().to_string(), "whatif, read-only mount");
            let changes = diff(&before, &after_whatif);
            assert!(changes.is_empty(), "{how}: whatif changed:\n{changes}");
        }
        tried.push(how);
    }
    eprintln!("unwritable folder: tried {tried:?}; not available here: {unavailable:?}");
    if tried.is_empty() {
        eprintln!("SKIPPED: no way to make a folder unwritable on this machine");
    }
}

/// A file-size limit makes every write past it fail (EFBIG): a full disk for one process,
/// available without privileges.
fn analyze_with_file_size_limit(study: &Path, out: &Path, limit: u64) -> Output {
    let mut c = cmd(&[
        "analyze".as_ref(),
        study.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    // SAFETY: setrlimit and signal are async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        c.pre_exec(move || {
            let lim = libc::rlimit {
                rlim_cur: limit as libc::rlim_t,
                rlim_max: limit as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // Without this, the first write past the limit kills the process (SIGXFSZ).
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        });
    }
    c.output().unwrap()
}

#[test]
fn file_size_limit_fails_cleanly_and_keeps_the_earlier_result() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");

    // No earlier result: nothing may be left, not even an empty <id> folder.
    let o = analyze_with_file_size_limit(&base(), &out, 4096);
    assert_fails_clearly(&o, BASE_ID, "analyze past a 4 KiB file-size limit");
    assert_eq!(
        snapshot(&out),
        BTreeMap::new(),
        "a failed analyze left something in --out"
    );

    assert_ok(&analyze(&base(), &out), "analyze without a limit");
    let before = snapshot(tmp.path());
    let o = analyze_with_file_size_limit(&base(), &out, 4096);
    assert_fails_clearly(&o, BASE_ID, "second analyze past the limit");
    assert_unchanged(&before, tmp.path(), "analyze past the limit");
}

/// A real full disk: a small tmpfs (needs CAP_SYS_ADMIN; skipped with a message otherwise).
#[test]
fn full_disk_fails_cleanly_and_keeps_the_earlier_result() {
    let tmp = tempfile::tempdir().unwrap();

    // A disk too small for any result.
    let tiny = tmp.path().join("tiny");
    fs::create_dir(&tiny).unwrap();
    let _tiny_mount = match mount_tmpfs(&tiny, "64k") {
        Ok(m) => m,
        Err(why) => {
            eprintln!("SKIPPED full-disk test: {why}");
            return;
        }
    };
    let out = tiny.join("out");
    let o = analyze(&base(), &out);
    assert_fails_clearly(&o, "No space left on device", "analyze into a 64 KiB tmpfs");
    let left = snapshot(&out);
    assert!(
        left.is_empty(),
        "a failed analyze left in --out: {:?}",
        left.keys().collect::<Vec<_>>()
    );

    // A disk that holds one result, then fills up: the next run cannot write its copy.
    let disk = tmp.path().join("disk");
    fs::create_dir(&disk).unwrap();
    let _disk_mount = mount_tmpfs(&disk, "8m").unwrap();
    let out = disk.join("out");
    assert_ok(&analyze(&base(), &out), "analyze into an 8 MiB tmpfs");
    {
        use std::io::Write;
        let mut filler = fs::File::create(disk.join("filler")).unwrap();
        let block = vec![0u8; 4096];
        while filler.write_all(&block).is_ok() {}
    }
    let before = snapshot(&out);
    let o = analyze(&base(), &out);
    assert_fails_clearly(&o, "No space left on device", "analyze into a full tmpfs");
    assert_unchanged(&before, &out, "analyze into a full tmpfs");
    // Free the space: the next run replaces the result and leaves no temporary folder.
    fs::remove_file(disk.join("filler")).unwrap();
    assert_ok(&analyze(&base(), &out), "analyze after freeing the disk");
    assert_eq!(temps(&out), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------------
// Hostile paths

/// A copy of the base study in which the product `prepreg` is called `id`.
fn study_with_product_id(dir: &Path, id: &str) -> PathBuf {
    let study = dir.join("study");
    copy_study(&base(), &study);
    for f in ["products.csv", "flows.csv", "specs.csv"] {
        let p = study.join(f);
        let text = fs::read_to_string(&p).unwrap();
        fs::write(&p, text.replace("prepreg", id)).unwrap();
    }
    study
}

/// `.` and `..` are valid product identifiers (SPEC: `^[A-Za-z0-9_.-]{1,64}$`), but not folder
/// names: `whatif --localize ..` must refuse clearly and write nothing anywhere.
#[test]
fn whatif_of_product_dot_dot_cannot_escape_the_output_folder() {
    for id in ["..", "."] {
        let tmp = tempfile::tempdir().unwrap();
        let study = study_with_product_id(tmp.path(), id);
        let check = run(&["check".as_ref(), study.as_os_str()]);
        assert_ok(&check, &format!("the study with product {id:?} is valid"));

        let out = tmp.path().join("work/out");
        fs::create_dir_all(&out).unwrap();
        let before = snapshot(tmp.path());
        let o = whatif(&study, id, &out);
        let err = stderr(&o);
        assert!(
            matches!(o.status.code(), Some(1 | 2 | 65)),
            "whatif --localize {id}: exit {:?}; stderr:\n{err}",
            o.status.code()
        );
        assert!(
            err.lines()
                .any(|l| l.starts_with("error: ") && l.contains(&format!("{id:?}"))),
            "whatif --localize {id}: the message must name {id:?}; stderr:\n{err}"
        );
        assert_unchanged(&before, tmp.path(), &format!("whatif --localize {id}"));
    }
}

/// A folder outside --out with a marker file, and its snapshot.
fn outside(dir: &Path) -> (PathBuf, BTreeMap<PathBuf, Entry>) {
    let o = dir.join("outside");
    fs::create_dir_all(&o).unwrap();
    fs::write(o.join("marker.txt"), "do not touch").unwrap();
    let snap = snapshot(&o);
    (o, snap)
}

/// `<out>/<id>` planted as a symlink to a folder outside: analyze must not write through it.
/// It may refuse (exit 1, naming the path) or replace the link by a real folder.
#[test]
fn planted_symlink_as_the_study_folder_is_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let (outside, outside_before) = outside(tmp.path());
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    symlink(&outside, out.join(BASE_ID)).unwrap();

    let o = analyze(&base(), &out);
    assert_unchanged(
        &outside_before,
        &outside,
        "analyze through <out>/<id> -> outside",
    );
    match o.status.code() {
        Some(1) => {
            assert_fails_clearly(&o, BASE_ID, "analyze with <out>/<id> a symlink");
            assert!(fs::symlink_metadata(out.join(BASE_ID))
                .unwrap()
                .file_type()
                .is_symlink());
        }
        Some(0) => assert!(
            fs::symlink_metadata(out.join(BASE_ID)).unwrap().is_dir(),
            "analyze succeeded but <out>/<id> is not a real folder"
        ),
        other => panic!("exit {other:?}; stderr:\n{}", stderr(&o)),
    }
    assert_eq!(temps(&out), Vec::<String>::new());
}

/// A symlink planted inside an earlier result (`<out>/<id>/charts` -> outside): the next
/// analyze replaces the folder and must neither write into nor delete through the link.
#[test]
fn planted_symlink_inside_the_result_is_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let (outside, outside_before) = outside(tmp.path());
    let out = tmp.path().join("out");
    assert_ok(&analyze(&base(), &out), "first analyze");
    let charts = out.join(BASE_ID).join("charts");
    fs::remove_dir_all(&charts).unwrap();
    symlink(&outside, &charts).unwrap();

    assert_ok(&analyze(&base(), &out), "analyze over the planted link");
    assert_unchanged(
        &outside_before,
        &outside,
        "analyze over <out>/<id>/charts -> outside",
    );
    assert!(fs::symlink_metadata(&charts).unwrap().is_dir());
}

/// A symlink named like a stale temporary folder of a dead run: the cleanup removes the link,
/// never what it points to.
#[test]
fn planted_stale_temp_symlink_is_removed_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let (outside, outside_before) = outside(tmp.path());
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    // A pid above Linux's pid_max: never alive, so the link looks like a dead run's folder.
    symlink(&outside, out.join(format!(".{BASE_ID}.tmp-4294967-1"))).unwrap();

    assert_ok(&analyze(&base(), &out), "analyze");
    assert_unchanged(&outside_before, &outside, "stale-temp cleanup");
}

/// `<out>/<id>/whatif` planted as a symlink to a folder outside --out: the scenario must not be
/// written through it (nor may the cleanup of stale temporary folders delete anything there).
#[test]
fn planted_symlink_as_the_whatif_folder_is_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let (outside, _) = outside(tmp.path());
    // A folder of the outside named like a dead run's temporary folder: the cleanup would
    // delete it if it ran there.
    fs::create_dir(outside.join(".prepreg.tmp-4294967-1")).unwrap();
    fs::write(outside.join(".prepreg.tmp-4294967-1/keep.txt"), "mine").unwrap();
    let outside_before = snapshot(&outside);
    let out = tmp.path().join("out");
    assert_ok(&analyze(&base(), &out), "analyze");
    let whatif_dir = out.join(BASE_ID).join("whatif");
    symlink(&outside, &whatif_dir).unwrap();

    let o = whatif(&base(), "prepreg", &out);
    assert_unchanged(
        &outside_before,
        &outside,
        "whatif through <out>/<id>/whatif -> outside",
    );
    match o.status.code() {
        Some(1) => assert_fails_clearly(&o, "whatif", "whatif with a planted whatif link"),
        Some(0) => assert!(
            fs::symlink_metadata(&whatif_dir).unwrap().is_dir(),
            "whatif succeeded but <out>/<id>/whatif is still a link"
        ),
        other => panic!("exit {other:?}; stderr:\n{}", stderr(&o)),
    }
}

/// batch keeps earlier results under `<out>/<id>/history/`: a link planted there must not make
/// it read files from outside --out into the results.
#[test]
fn planted_symlink_in_batch_history_is_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let (outside, outside_before) = outside(tmp.path());
    let studies = tmp.path().join("studies");
    copy_study(&base(), &studies.join("base"));
    let out = tmp.path().join("out");
    let batch = |force: bool| {
        let mut args: Vec<&OsStr> = vec![
            "batch".as_ref(),
            studies.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
            "-q".as_ref(),
        ];
        if force {
            args.push("--force".as_ref());
        }
        run(&args)
    };
    assert_ok(&batch(false), "first batch");
    let history = out.join(BASE_ID).join("history");
    fs::create_dir_all(&history).unwrap();
    symlink(&outside, history.join("planted")).unwrap();

    let o = batch(true);
    assert_unchanged(
        &outside_before,
        &outside,
        "batch over a planted history link",
    );
    let copied: Vec<PathBuf> = snapshot(&out)
        .into_iter()
        .filter(|(_, e)| *e == Entry::File(b"do not touch".to_vec()))
        .map(|(p, _)| p)
        .collect();
    assert!(
        copied.is_empty(),
        "batch copied a file from outside --out into the results: {copied:?}; stderr:\n{}",
        stderr(&o)
    );
}

/// Two links in `history/` pointing back up make every walk that follows links exponential:
/// batch must still finish promptly (here: within 20 s, against well under a second of work).
#[test]
fn symlink_loops_in_batch_history_do_not_hang_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let studies = tmp.path().join("studies");
    copy_study(&base(), &studies.join("base"));
    let out = tmp.path().join("out");
    let args: Vec<&OsStr> = vec![
        "batch".as_ref(),
        studies.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "-q".as_ref(),
        "--force".as_ref(),
    ];
    assert_ok(&run(&args), "first batch");
    let history = out.join(BASE_ID).join("history");
    fs::create_dir_all(&history).unwrap();
    symlink("..", history.join("a")).unwrap();
    symlink("..", history.join("b")).unwrap();

    let mut child = cmd(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let limit = Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let status = status.unwrap_or_else(|| {
        panic!("batch was still running after {limit:?} (killed): it follows the history links")
    });
    assert!(status.success(), "batch: {status}");
    let files = snapshot(&out).len();
    assert!(
        files < 200,
        "{files} entries in --out: the history links were copied"
    );
}
