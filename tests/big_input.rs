//! Bad inputs generated at test time, because they are too big to commit (a 10⁶-row flows.csv,
//! a 10 MB cell, 10 MB of binary noise) or because they break an assumption that every case under
//! `tests/fixtures/bad/` shares (a header-only flows.csv has no years at all).
//!
//! The contract is that of `tests/bad_input.rs` (exit 65, `error: <file>:<line>:…`, nothing
//! written), plus the bounds: the problem is named by its line and memory stays bounded.
//! The child's peak RSS and CPU time come from `wait4`, so no `/usr/bin/time` is needed; run with
//! `--nocapture` to see them.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const GIB: u64 = 1 << 30;

fn base() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base")
}

/// A copy of the tiny valid study in `dir/name`.
fn base_copy(dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    fs::create_dir_all(&to).unwrap();
    for e in fs::read_dir(base()).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
    to
}

/// What one run of the binary did.
struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// Peak resident set size of the child, in bytes.
    max_rss: u64,
    /// User + system CPU time of the child.
    cpu: Duration,
    wall: Duration,
}

impl Run {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// The start of stderr (a 10 MB message would drown the test's own report).
    fn stderr_head(&self) -> String {
        let s = self.stderr();
        match s.char_indices().nth(2000) {
            Some((i, _)) => format!("{}… ({} bytes in all)", &s[..i], s.len()),
            None => s,
        }
    }

    fn describe(&self) -> String {
        format!(
            "exit {:?}, peak RSS {:.1} MiB, CPU {:.2} s, wall {:.2} s",
            self.code,
            self.max_rss as f64 / (1 << 20) as f64,
            self.cpu.as_secs_f64(),
            self.wall.as_secs_f64()
        )
    }
}

/// Runs the binary with `args` in `cwd`, reaping it with `wait4` to read its own rusage (not that
/// of other tests' children, as `getrusage(RUSAGE_CHILDREN)` would). Output goes to files so that
/// a large stderr cannot block the child on a full pipe.
fn run(cwd: &Path, args: &[&std::ffi::OsStr]) -> Run {
    let logs = tempfile::tempdir().unwrap();
    let (out_path, err_path) = (logs.path().join("stdout"), logs.path().join("stderr"));
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_nichegraph"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out_path).unwrap())
        .stderr(fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet reaped (`child` is never waited on), and both
    // pointers are valid for writes for the duration of the call.
    let rc = loop {
        let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if rc == -1 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        break rc;
    };
    assert_eq!(rc, pid, "wait4 failed: {}", std::io::Error::last_os_error());
    let wall = started.elapsed();
    drop(child);
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Run {
        code,
        stdout: fs::read(&out_path).unwrap(),
        stderr: fs::read(&err_path).unwrap(),
        // Linux reports ru_maxrss in KiB.
        max_rss: usage.ru_maxrss as u64 * 1024,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        wall,
    }
}

fn check(study: &Path) -> Run {
    run(
        study.parent().unwrap(),
        &["check".as_ref(), study.as_os_str()],
    )
}

/// Whether some `error:` line names `<file>:<loc>` and has `message` after it.
fn names(stderr: &str, file: &str, loc: &str, message: &str) -> bool {
    let at = format!("{file}:{loc}");
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("error: "))
        .any(|l| {
            l.match_indices(&at)
                .any(|(i, _)| l[..i].ends_with('/') && l[i + at.len()..].contains(message))
        })
}

/// Every entry under `dir` (relative paths), to see that nothing was written.
fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A valid flow row of the base study, `i` choosing among a few (years 2017 and 2018).
fn valid_flow(i: usize) -> &'static str {
    const ROWS: [&str; 4] = [
        "fiber,,parts,carbon-fiber,1.5,3000000,2018\n",
        "import:JP,Toray,parts,carbon-fiber,2,5200000,2018\n",
        "import:FR,Hexcel,plane,prepreg,1,4000000,2017\n",
        "parts,,plane,prepreg,0.25,875000,2018\n",
    ];
    ROWS[i % ROWS.len()]
}

/// The done criterion of the issue: a bad row at the end of a 10⁶-row file is reported by its
/// line within 2 GiB, in a debug build within about a minute.
#[test]
fn bad_row_after_a_million_rows_is_named_by_line_in_bounded_memory() {
    const ROWS: usize = 1_000_000;
    let tmp = tempfile::tempdir().unwrap();
    let study = base_copy(tmp.path(), "million");
    let flows = study.join("flows.csv");
    {
        let mut w = BufWriter::new(fs::File::create(&flows).unwrap());
        w.write_all(b"supplier,supplier_name,consumer,product,quantity,value_rub,year\n")
            .unwrap();
        for i in 0..ROWS {
            w.write_all(valid_flow(i).as_bytes()).unwrap();
        }
        // Line ROWS + 2: the header is line 1, the valid rows lines 2..=ROWS + 1.
        w.write_all(b"fiber,,parts,carbon-fiber,-1,3000000,2018\n")
            .unwrap();
        w.flush().unwrap();
    }
    let size = fs::metadata(&flows).unwrap().len();
    let before = listing(tmp.path());

    let r = check(&study);
    eprintln!(
        "check of a {ROWS}-row flows.csv ({:.1} MiB): {}",
        size as f64 / (1 << 20) as f64,
        r.describe()
    );
    let stderr = r.stderr();
    assert_eq!(
        r.code,
        Some(65),
        "{}; stderr:\n{}",
        r.describe(),
        r.stderr_head()
    );
    let line = ROWS + 2;
    assert!(
        names(&stderr, "flows.csv", &format!("{line}:5:"), "out of range"),
        "no error line names flows.csv:{line}:5: … out of range; stderr:\n{}",
        r.stderr_head()
    );
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error: ")).count(),
        2,
        "exactly the one problem and the summary line; stderr:\n{}",
        r.stderr_head()
    );
    assert!(
        r.max_rss < 2 * GIB,
        "peak RSS {} bytes is over 2 GiB ({})",
        r.max_rss,
        r.describe()
    );
    assert_eq!(listing(tmp.path()), before, "check wrote something");
    // The issue asks for about a minute in a debug build. CPU time, not wall time: a loaded
    // machine must not fail the test, a slow parser must.
    assert!(
        r.cpu < Duration::from_secs(60),
        "check took {:.1} s of CPU ({})",
        r.cpu.as_secs_f64(),
        r.describe()
    );
}

/// A 10 MB name cell in an otherwise valid participants.csv: whether it is accepted or refused
/// as too long, the run must stay small and fast, and must not echo 10 MB back.
#[test]
fn ten_megabyte_name_cell_stays_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let study = base_copy(tmp.path(), "long-name");
    let path = study.join("participants.csv");
    let text = fs::read_to_string(&path).unwrap();
    let long = "Я".repeat(5 << 20); // 10 MiB of UTF-8
    fs::write(&path, text.replacen("КНИТУ", &long, 1)).unwrap();

    let r = check(&study);
    eprintln!("check with a 10 MiB name cell: {}", r.describe());
    let stderr = r.stderr();
    match r.code {
        Some(0) => {}
        Some(65) => assert!(
            names(&stderr, "participants.csv", "5:2:", ""),
            "a refusal must name participants.csv:5:2 (the name of `univ`); stderr:\n{}",
            r.stderr_head()
        ),
        other => panic!(
            "exit {other:?}, expected 0 or 65; stderr:\n{}",
            r.stderr_head()
        ),
    }
    assert!(
        r.stdout.len() + r.stderr.len() < 64 << 10,
        "check printed {} bytes for a 10 MiB cell; a message must not echo the whole cell",
        r.stdout.len() + r.stderr.len()
    );
    assert!(r.max_rss < GIB, "{}", r.describe());
    assert!(r.cpu < Duration::from_secs(20), "{}", r.describe());
}

/// A 10 MB cell that is itself the problem (an id of 10 MB): the message names its line and
/// column, and quotes at most a bounded part of the value.
#[test]
fn ten_megabyte_bad_cell_is_named_without_echoing_it() {
    let tmp = tempfile::tempdir().unwrap();
    let study = base_copy(tmp.path(), "long-id");
    let path = study.join("participants.csv");
    let text = fs::read_to_string(&path).unwrap();
    let long = "u".repeat(10 << 20);
    fs::write(&path, text.replacen("\nuniv,", &format!("\n{long},"), 1)).unwrap();

    let r = check(&study);
    eprintln!("check with a 10 MiB id cell: {}", r.describe());
    assert_eq!(r.code, Some(65), "{}", r.stderr_head());
    assert!(
        names(
            &r.stderr(),
            "participants.csv",
            "5:1:",
            "not a valid identifier"
        ),
        "stderr:\n{}",
        r.stderr_head()
    );
    assert!(
        r.stderr.len() < 64 << 10,
        "stderr has {} bytes: the message quotes the whole 10 MiB cell",
        r.stderr.len()
    );
    assert!(r.max_rss < GIB, "{}", r.describe());
}

/// 10 MiB of binary noise as flows.csv: one clear problem, no 10 MiB message, bounded memory.
#[test]
fn ten_megabytes_of_binary_noise_are_refused_briefly() {
    let tmp = tempfile::tempdir().unwrap();
    let study = base_copy(tmp.path(), "noise");
    // xorshift: reproducible noise without a dependency.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let noise: Vec<u8> = (0..10 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    fs::write(study.join("flows.csv"), noise).unwrap();

    let r = check(&study);
    eprintln!("check of 10 MiB of noise: {}", r.describe());
    assert_eq!(r.code, Some(65), "{}", r.stderr_head());
    assert!(
        names(&r.stderr(), "flows.csv", "", "is not text"),
        "stderr:\n{}",
        r.stderr_head()
    );
    assert!(
        r.stderr.len() < 64 << 10,
        "{} bytes of stderr",
        r.stderr.len()
    );
    assert!(r.max_rss < GIB, "{}", r.describe());
}

/// A flows.csv with only its header, while study.toml names a year: there is no row of that
/// year. The message must name flows.csv and say its cause: the file has no rows at all.
/// (tests/fixtures/bad/header-only-flows is the same case in the corpus.)
#[test]
fn header_only_flows_with_a_study_year_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let study = base_copy(tmp.path(), "header-only");
    fs::write(
        study.join("flows.csv"),
        "supplier,supplier_name,consumer,product,quantity,value_rub,year\n",
    )
    .unwrap();
    let r = check(&study);
    assert_eq!(r.code, Some(65), "{}", r.stderr_head());
    assert!(
        names(
            &r.stderr(),
            "flows.csv",
            "",
            "the file has no rows under its header"
        ),
        "stderr:\n{}",
        r.stderr_head()
    );
}

/// Values that are finite alone but whose sums or products overflow (SPEC: NaN and infinities
/// are errors). Whatever the tool decides about such magnitudes, `analyze` must not panic and
/// must not write `inf` or `NaN` into an output; the right answer is exit 65 naming the row.
#[test]
fn overflowing_magnitudes_never_reach_the_outputs() {
    let variants: [(&str, &str, &str); 3] = [
        (
            "value sum",
            "flows.csv",
            "import:FR,Hexcel,plane,prepreg,40,1e308,2018\nimport:DE,X,plane,prepreg,40,1e308,2018\n",
        ),
        (
            "quantity sum",
            "flows.csv",
            "import:FR,Hexcel,plane,prepreg,1e308,1,2018\nimport:DE,X,plane,prepreg,1e308,1,2018\n",
        ),
        (
            "one absurd value",
            "flows.csv",
            "import:FR,Hexcel,plane,prepreg,1e300,1e300,2018\n",
        ),
    ];
    let mut failures = Vec::new();
    for (what, file, rows) in variants {
        let tmp = tempfile::tempdir().unwrap();
        let study = base_copy(tmp.path(), "overflow");
        let mut text = fs::read_to_string(study.join(file)).unwrap();
        text.push_str(rows);
        fs::write(study.join(file), text).unwrap();
        let out = tmp.path().join("out");
        let r = run(
            tmp.path(),
            &[
                "analyze".as_ref(),
                study.as_os_str(),
                "--out".as_ref(),
                out.as_os_str(),
                "-q".as_ref(),
            ],
        );
        let first_error = r
            .stderr()
            .lines()
            .find(|l| l.starts_with("error: ") || l.contains("panicked"))
            .unwrap_or("")
            .chars()
            .take(200)
            .collect::<String>();
        match r.code {
            Some(65) => {}
            Some(0) => {
                let bad = non_finite_in(&out);
                if !bad.is_empty() {
                    failures.push(format!("{what}: exit 0, and non-finite numbers in {bad:?}"));
                }
            }
            other => failures.push(format!("{what}: exit {other:?}: {first_error}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Output files (CSV, JSON, Markdown) in which a word `inf`, `NaN` or `Infinity` appears.
fn non_finite_in(out: &Path) -> Vec<PathBuf> {
    listing(out)
        .into_iter()
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("csv" | "json" | "md")
            )
        })
        .filter(|p| {
            let text = fs::read_to_string(out.join(p)).unwrap_or_default();
            text.split(|c: char| !c.is_alphanumeric())
                .any(|w| matches!(w, "inf" | "NaN" | "nan" | "Infinity"))
        })
        .collect()
}
