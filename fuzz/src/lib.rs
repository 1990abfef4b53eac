//! What each fuzz target does with one input. The fuzz targets (fuzz/fuzz_targets/*.rs) call
//! these functions, and tests/fuzz_regressions.rs includes this file by path and replays every
//! saved crash through them, so a regression fixture runs through exactly the fuzzed code.
//!
//! Every function must return normally for any input: problems in the study are fine (they
//! come back as `Err`), a panic is a bug. Files go to one scratch folder per thread that is
//! overwritten on every input (creating a temp folder per input would halve the speed).
//!
//! Only `nichegraph` and its own dependencies are used here, so the test can include the file.

use nichegraph::report::{Format, Lang};
use nichegraph::study::dialect::{DialectOptions, Encoding};
use nichegraph::study::{self, config, workbook};
use std::cell::RefCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The valid study every CSV target starts from; the target's own file is replaced by the input.
const BASE: [(&str, &[u8]); 5] = [
    (
        "study.toml",
        include_bytes!("../../tests/fixtures/base/study.toml"),
    ),
    (
        "participants.csv",
        include_bytes!("../../tests/fixtures/base/participants.csv"),
    ),
    (
        "products.csv",
        include_bytes!("../../tests/fixtures/base/products.csv"),
    ),
    (
        "flows.csv",
        include_bytes!("../../tests/fixtures/base/flows.csv"),
    ),
    (
        "specs.csv",
        include_bytes!("../../tests/fixtures/base/specs.csv"),
    ),
];

/// Command-line dialect settings tried besides detection; the input's length picks one, so
/// the same input always takes the same path.
const FORCED: [DialectOptions; 7] = [
    DialectOptions {
        encoding: Some(Encoding::Windows1251),
        delimiter: None,
        decimal_comma: None,
    },
    DialectOptions {
        encoding: Some(Encoding::Utf8),
        delimiter: None,
        decimal_comma: None,
    },
    DialectOptions {
        encoding: None,
        delimiter: Some(b';'),
        decimal_comma: None,
    },
    DialectOptions {
        encoding: None,
        delimiter: Some(b'\t'),
        decimal_comma: None,
    },
    DialectOptions {
        encoding: None,
        delimiter: None,
        decimal_comma: Some(true),
    },
    DialectOptions {
        encoding: None,
        delimiter: Some(b','),
        decimal_comma: Some(false),
    },
    DialectOptions {
        encoding: Some(Encoding::Windows1251),
        delimiter: Some(b';'),
        decimal_comma: Some(true),
    },
];

thread_local! {
    static SCRATCH: PathBuf = {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        if n == 0 {
            remove_stale_scratch();
        }
        let dir = std::env::temp_dir().join(format!(
            "{SCRATCH_PREFIX}{}-{n}",
            std::process::id(),
        ));
        std::fs::create_dir_all(&dir).expect("cannot create the fuzz scratch folder");
        dir
    };
    /// The CSV targets' study folders already holding the base files.
    static READY: RefCell<HashSet<&'static str>> = RefCell::new(HashSet::new());
}

const SCRATCH_PREFIX: &str = "nichegraph-fuzz-";

/// Removes the scratch folders of processes that are gone (libFuzzer exits without running
/// destructors, and its fork mode starts a new process every few hundred inputs). Linux only:
/// elsewhere there is no /proc to tell a live process from a dead one, and folders stay.
fn remove_stale_scratch() {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(pid) = name
            .strip_prefix(SCRATCH_PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// This thread's scratch folder (created on first use, reused for every input).
pub fn scratch() -> PathBuf {
    SCRATCH.with(|d| d.clone())
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).expect("cannot write to the fuzz scratch folder");
}

/// A study that loaded: analyse it and render the cheap formats (check_generated does all).
fn analyse(study: &study::Study) {
    let graph = nichegraph::graph::SupplyGraph::build(study);
    if let Ok(a) = nichegraph::analysis::analyze(study, &graph) {
        let _ = nichegraph::report::render(&a, Lang::En, &[Format::Csv, Format::Json, Format::Md]);
    }
}

/// The base study with `file` replaced by `data` (flows.parquet replaces flows.csv), checked
/// with detection and with one forced dialect; a study that loads is also analysed.
fn csv_table(file: &'static str, data: &[u8]) {
    fuzz_setup();
    let dir = scratch().join(file.replace(['.', '/', '='], "_"));
    READY.with(|r| {
        if r.borrow_mut().insert(file) {
            std::fs::create_dir_all(&dir).expect("cannot create the fuzz study folder");
            for (name, bytes) in BASE {
                let replaced = file == "flows.parquet" || file.starts_with("flows/");
                if !(replaced && name == "flows.csv") {
                    write(&dir.join(name), bytes);
                }
            }
        }
    });
    if let Some(parent) = dir.join(file).parent() {
        std::fs::create_dir_all(parent).expect("cannot create the fuzz study folder");
    }
    write(&dir.join(file), data);
    for opts in [DialectOptions::default(), FORCED[data.len() % FORCED.len()]] {
        if let Ok((study, _warnings)) = nichegraph::check(&dir, opts) {
            analyse(&study);
        }
    }
}

pub fn participants_csv(data: &[u8]) {
    csv_table("participants.csv", data)
}

pub fn products_csv(data: &[u8]) {
    csv_table("products.csv", data)
}

pub fn flows_csv(data: &[u8]) {
    csv_table("flows.csv", data)
}

pub fn specs_csv(data: &[u8]) {
    csv_table("specs.csv", data)
}

/// The flows as `flows.parquet` (the folder has no flows.csv then).
pub fn flows_parquet(data: &[u8]) {
    csv_table("flows.parquet", data)
}

/// The flows as one file of a hive-partitioned dataset, `flows/year=2018/part-0.parquet`
/// (the partition gives the year; a year column in the file must agree).
pub fn flows_dataset(data: &[u8]) {
    csv_table("flows/year=2018/part-0.parquet", data)
}

/// `config::parse` on the input as text (invalid UTF-8 replaced, as the loader never passes it).
pub fn study_toml(data: &[u8]) {
    fuzz_setup();
    let text = String::from_utf8_lossy(data);
    let mut problems = Vec::new();
    let _ = config::parse(&text, "study.toml", &mut problems);
}

/// The input as a `.xlsx` file: the quick sheet test, the study id, and the full check
/// (template markers and the loader); a workbook that loads is also analysed.
pub fn workbook(data: &[u8]) {
    fuzz_setup();
    let path = scratch().join("study.xlsx");
    write(&path, data);
    let _ = workbook::has_study_sheet(&path);
    let _ = workbook::study_id(&path);
    let _ = workbook::load(&path);
    if let Ok((study, _warnings)) = nichegraph::check(&path, DialectOptions::default()) {
        analyse(&study);
    }
}

/// Structured fuzzing: the input drives a generator of mostly valid studies (folder or
/// workbook, any dialect, edge numbers), which go through `check` and `prepare` with every
/// output format, and whose results are written to a scratch output folder. The outputs must
/// hold no infinite or NaN figure: every number of a valid study is at most 1e15 in magnitude
/// (`study::table::MAX_MAGNITUDE`), which is meant to keep every figure finite.
pub fn check_generated(data: &[u8]) {
    fuzz_setup();
    let mut src = Src { data, pos: 0 };
    let g = generate(&mut src);
    // NICHEGRAPH_FUZZ_STUDY_DIR=<dir> keeps the study (and its results) there, to look at the
    // study a crash input stands for, or to save it as a regression fixture.
    let root = std::env::var_os("NICHEGRAPH_FUZZ_STUDY_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| scratch().join("generated"));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("cannot create the generated study folder");
    let study_path = if g.as_workbook {
        let path = root.join("study.xlsx");
        g.write_workbook(&path);
        path
    } else {
        let dir = root.join("study");
        std::fs::create_dir_all(&dir).expect("cannot create the generated study folder");
        g.write_folder(&dir);
        dir
    };
    let opts = if g.as_workbook {
        DialectOptions::default()
    } else {
        g.opts
    };
    run_study(&study_path, &root.join("out"), opts, g.lang);
}

/// What `check_generated` does with the study it generated, for a saved study (a folder or an
/// `.xlsx` workbook under tests/fixtures/fuzz-regressions/check_generated/): the dialect is
/// detected and the reports are in English.
pub fn check_study(study_path: &Path) {
    fuzz_setup();
    let out = scratch().join("saved-study-out");
    let _ = std::fs::remove_dir_all(&out);
    run_study(study_path, &out, DialectOptions::default(), Lang::En);
}

fn run_study(study_path: &Path, out: &Path, opts: DialectOptions, lang: Lang) {
    let _ = nichegraph::check(study_path, opts);
    let formats = Format::ALL;
    if let Ok(p) = nichegraph::prepare(study_path, out, lang, &formats, opts, "analyze") {
        assert_finite_csv(&p.files);
        let _ = nichegraph::output::write_folder(out, &p.study.config.id, &p.files);
    }
}

/// Panics when a CSV output has a cell `inf`, `-inf` or `NaN` (how Rust writes a non-finite
/// number; JSON would show `null`). Only for generated studies, whose names and ids never are
/// such words.
fn assert_finite_csv(files: &nichegraph::output::Files) {
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".csv")) {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(bytes.as_slice());
        let header = reader.headers().cloned().unwrap_or_default();
        for record in reader.records().flatten() {
            for (i, cell) in record.iter().enumerate() {
                assert!(
                    !matches!(cell, "inf" | "-inf" | "NaN"),
                    "{name}: column {} is {cell} (not finite) on the row: {}",
                    header.get(i).unwrap_or("?"),
                    record.iter().collect::<Vec<_>>().join(",")
                );
            }
        }
    }
}

/// Under the fuzzer (`cfg(fuzzing)`), libfuzzer-sys turns every panic into an abort, even one
/// that nichegraph catches: it contains panics of the readers it uses (calamine, parquet) and
/// reports the file as unreadable. Here a panic raised inside a dependency unwinds instead, so
/// nichegraph's `catch_unwind` sees it; if nothing catches it, libfuzzer-sys aborts all the same
/// when it reaches the fuzz target. The first few such panics are printed.
#[allow(unexpected_cfgs)]
fn fuzz_setup() {
    #[cfg(fuzzing)]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            let fuzzer_hook = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                static SHOWN: AtomicUsize = AtomicUsize::new(0);
                let in_dependency = info
                    .location()
                    .is_some_and(|l| l.file().contains("/registry/src/"));
                if !in_dependency {
                    return fuzzer_hook(info);
                }
                if SHOWN.fetch_add(1, Ordering::Relaxed) < 5 {
                    eprintln!("a dependency panicked (left to nichegraph to contain): {info}");
                }
            }));
        });
    }
}

// ---------------------------------------------------------------------------------------------
// The study generator.

/// The input read as a stream of choices; past its end every choice is 0 (the first option).
struct Src<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Src<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// 0..n (n <= 256).
    fn below(&mut self, n: usize) -> usize {
        self.byte() as usize % n.max(1)
    }

    /// True with probability about `k`/256.
    fn chance(&mut self, k: u8) -> bool {
        self.byte() < k
    }

    fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())].clone()
    }
}

/// Numbers >= 0 that a study may hold (0, or 1e-9 to 1e15 in magnitude), edge cases among them:
/// zero of both signs, both bounds, digits past f64 precision, tiny and huge ratios.
const NON_NEGATIVE: [&str; 14] = [
    "0",
    "-0",
    "1",
    "1e15",
    "100",
    "2.5",
    "0.0",
    "1e-9",
    "999999999999999.9",
    "0.0000000015",
    "125000000",
    "3000000.75",
    "000000000000000000000000000001",
    "0.1",
];
/// Numbers > 0 that a study may hold.
const POSITIVE: [&str; 8] = [
    "1",
    "1e15",
    "1e-9",
    "2000000",
    "999999999999999",
    "0.001",
    "3.5",
    "0.0000000015",
];
/// Integer cells for counts (the loader takes integers below 9e15, also written "12.0").
const COUNTS: [&str; 10] = [
    "0",
    "1",
    "-0",
    "40",
    "12.0",
    "1000",
    "8999999999999999",
    "1e15",
    "600",
    "4503599627370496",
];
/// Not valid anywhere a number goes (also past the 1e15 bound); used rarely, so most studies
/// stay valid.
const BAD_NUMBERS: [&str; 16] = [
    "NaN",
    "inf",
    "-1",
    "",
    "1,5",
    "abc",
    "9e15",
    "1e309",
    "-1e300",
    "1e300",
    "1.7976931348623157e308",
    "123456789012345678901234567890",
    "1000000000000000.2",
    "5e-324",
    "1e-300",
    "0.0000000009",
];
const YEARS: [&str; 6] = ["2018", "2019", "2018.0", "0", "-1", "8999999999999999"];
const NAMES: [&str; 8] = [
    "ООО «Волокно»",
    "Plant \"North\", Ltd",
    "a;b\tc",
    "  padded  ",
    "x",
    "Ёлка №1 — «тест»",
    "line\nbreak",
    "=1+2",
];
const BOOLS: [&str; 10] = [
    "", "true", "false", "yes", "no", "да", "нет", "1", "0", "TRUE",
];
const ORIGINS: [&str; 5] = ["FR", "JP", "de-1", "X_9", "CN"];
const TOML_FLOATS: [&str; 10] = [
    "0.0",
    "-0.0",
    "1.0",
    "0.7",
    "1e300",
    "5e-324",
    "0.2",
    "1e-300",
    "1.7976931348623157e308",
    "100.0",
];
const TOML_COUNTS: [&str; 6] = ["0", "1", "3", "9223372036854775807", "1000000", "2"];

struct Generated {
    toml: Vec<(String, String)>,
    participants: Vec<Vec<String>>,
    products: Vec<Vec<String>>,
    flows: Vec<Vec<String>>,
    specs: Option<Vec<Vec<String>>>,
    as_workbook: bool,
    opts: DialectOptions,
    decimal_comma: bool,
    delimiter: u8,
    bom: bool,
    crlf: bool,
    quote_all: bool,
    cp1251: bool,
    lang: Lang,
}

fn number(src: &mut Src, valid: &[&str]) -> String {
    if src.chance(8) {
        src.pick(&BAD_NUMBERS).to_string()
    } else {
        src.pick(valid).to_string()
    }
}

fn opt_number(src: &mut Src, valid: &[&str]) -> String {
    if src.chance(64) {
        String::new()
    } else {
        number(src, valid)
    }
}

/// An id: usually short, sometimes at or past the 64-character limit or made of digits.
fn id(src: &mut Src, prefix: &str, i: usize) -> String {
    match src.below(16) {
        0 => format!("{prefix}{}", "9".repeat(63 - prefix.len().min(63))),
        1 => "18446744073709551616".repeat(4)[..64].to_string(),
        2 => format!("{i}"),
        3 => format!("{prefix}.{i}_x-{i}"),
        4 => "domestic".to_string(),
        5 => format!("{prefix}{i}{}", "z".repeat(64)),
        _ => format!("{prefix}{i}"),
    }
}

/// Puts the columns in another order and sometimes drops optional ones (`optional[i]`).
fn shape(src: &mut Src, rows: &mut [Vec<String>], optional: &[bool]) {
    let n = optional.len();
    let mut order: Vec<usize> = (0..n).collect();
    if src.chance(64) {
        for i in (1..n).rev() {
            let j = src.below(i + 1);
            order.swap(i, j);
        }
    }
    let keep: Vec<usize> = order
        .into_iter()
        .filter(|&c| !(optional[c] && src.chance(24)))
        .collect();
    for row in rows.iter_mut() {
        *row = keep.iter().map(|&c| row[c].clone()).collect();
    }
}

fn generate(src: &mut Src) -> Generated {
    let as_workbook = src.chance(48);
    let decimal_comma = src.chance(64);
    let delimiter = if decimal_comma {
        src.pick(b";\t")
    } else {
        src.pick(b",,;\t")
    };
    let bom = src.chance(48);
    let crlf = src.chance(64);
    let quote_all = src.chance(32);
    let cp1251 = src.chance(32);
    // Usually detect; sometimes say on the command line what the files are.
    let opts = if src.chance(48) {
        DialectOptions {
            encoding: Some(if cp1251 {
                Encoding::Windows1251
            } else {
                Encoding::Utf8
            }),
            delimiter: Some(delimiter),
            decimal_comma: Some(decimal_comma),
        }
    } else {
        DialectOptions::default()
    };
    let lang = if src.chance(128) { Lang::Ru } else { Lang::En };

    // Participants.
    let roles = [
        "industrial",
        "industrial",
        "final_producer",
        "education",
        "infrastructure",
        "specialized_org",
    ];
    let n_participants = 1 + src.below(8);
    let mut participants = vec![[
        "id",
        "name",
        "region",
        "role",
        "stage",
        "employees",
        "hp_jobs",
        "in_governance",
        "output_rub",
        "inn",
    ]
    .map(String::from)
    .to_vec()];
    let mut participant_ids = Vec::new();
    for i in 0..n_participants {
        let pid = id(src, "p", i);
        let role = src.pick(&roles);
        let stage = match role {
            "industrial" => src.pick(&["1", "2", "3", "4", "4.0"]).to_string(),
            "final_producer" => src.pick(&["", "4"]).to_string(),
            _ => String::new(),
        };
        let employees = if src.chance(48) {
            String::new()
        } else {
            number(src, &COUNTS)
        };
        let hp_jobs = match (src.below(3), employees.as_str()) {
            (0, _) => String::new(),
            (1, e) if !e.is_empty() => e.to_string(),
            _ => number(src, &["0", "1", "-0"]),
        };
        participants.push(vec![
            pid.clone(),
            src.pick(&NAMES).to_string(),
            src.pick(&["Республика Татарстан", "Moscow", "R"])
                .to_string(),
            if src.chance(4) {
                "unknown".to_string()
            } else {
                role.to_string()
            },
            stage,
            employees,
            hp_jobs,
            src.pick(&BOOLS).to_string(),
            opt_number(src, &NON_NEGATIVE),
            src.pick(&["", "1650000001", "007", "x"]).to_string(),
        ]);
        participant_ids.push(pid);
    }

    // Products.
    let n_products = 1 + src.below(6);
    let mut products = vec![[
        "id",
        "name",
        "stage",
        "unit",
        "benchmark_price_rub",
        "capex_rub_per_unit",
        "min_capacity",
    ]
    .map(String::from)
    .to_vec()];
    let mut product_ids = Vec::new();
    for j in 0..n_products {
        let xid = id(src, "x", j);
        products.push(vec![
            xid.clone(),
            src.pick(&NAMES).to_string(),
            src.pick(&["1", "2", "3", "4", "2.0"]).to_string(),
            src.pick(&["т", "pcs", "m²"]).to_string(),
            opt_number(src, &POSITIVE),
            opt_number(src, &POSITIVE),
            opt_number(src, &NON_NEGATIVE),
        ]);
        product_ids.push(xid);
    }

    // Flows.
    let with_year = src.chance(128);
    let n_flows = src.below(24);
    let mut flows = vec![[
        "supplier",
        "supplier_name",
        "consumer",
        "product",
        "quantity",
        "value_rub",
        "year",
    ]
    .map(String::from)
    .to_vec()];
    let mut flow_years = Vec::new();
    for _ in 0..n_flows {
        let consumer = src.pick(&participant_ids);
        let supplier = match src.below(4) {
            0 => format!("import:{}", src.pick(&ORIGINS)),
            1 => "domestic".to_string(),
            _ => {
                let s = src.pick(&participant_ids);
                if s == consumer && !src.chance(16) {
                    "domestic".to_string()
                } else {
                    s
                }
            }
        };
        let year = if with_year {
            src.pick(&YEARS).to_string()
        } else {
            String::new()
        };
        flow_years.push(year.clone());
        flows.push(vec![
            supplier,
            if src.chance(64) {
                src.pick(&NAMES).to_string()
            } else {
                String::new()
            },
            consumer,
            src.pick(&product_ids),
            number(src, &NON_NEGATIVE),
            number(src, &NON_NEGATIVE),
            year,
        ]);
    }

    // Specs.
    let specs = src.chance(128).then(|| {
        let mut rows = vec![[
            "consumer",
            "product",
            "parameter",
            "required_min",
            "required_max",
            "available",
        ]
        .map(String::from)
        .to_vec()];
        for _ in 0..src.below(6) {
            let signed = [
                "0", "-0", "1", "-1e15", "1e15", "900", "-1e-9", "0.5", "1e-9",
            ];
            let (min, max) = match src.below(4) {
                0 => (number(src, &signed), String::new()),
                1 => (String::new(), number(src, &signed)),
                2 => ("1".to_string(), number(src, &["1", "2", "1e15"])),
                _ => (opt_number(src, &signed), opt_number(src, &signed)),
            };
            rows.push(vec![
                src.pick(&participant_ids),
                src.pick(&product_ids),
                src.pick(&["tensile_strength_mpa", "density", "x"])
                    .to_string(),
                min,
                max,
                opt_number(src, &signed),
            ]);
        }
        rows
    });

    // study.toml, as (key, TOML value) pairs; the workbook writes them as study-sheet rows.
    let mut toml = vec![
        (
            "id".to_string(),
            format!(
                "\"{}\"",
                src.pick(&[
                    "gen",
                    "a",
                    "0-x",
                    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                    "..",
                ])
            ),
        ),
        (
            "name".to_string(),
            format!("\"{}\"", src.pick(&["Generated", "Кластер", " "])),
        ),
        (
            "regions".to_string(),
            src.pick(&[
                "[\"Республика Татарстан\"]",
                "[\"A\", \"B\"]",
                "[\"R\", \"R\"]",
            ])
            .to_string(),
        ),
    ];
    if src.chance(128) {
        let y = match src.below(3) {
            0 => "1999".to_string(),
            _ => flow_years
                .first()
                .cloned()
                .filter(|y| y.parse::<i64>().is_ok())
                .unwrap_or_else(|| "2018".to_string()),
        };
        toml.push(("year".to_string(), y));
    }
    for key in [
        "criteria.import_share_min",
        "criteria.critical_import_share",
        "criteria.cost_premium_min",
        "criteria.min_demand_rub",
        "investment.capital_intensity",
        "compliance.governance_share_min",
        "compliance.hp_jobs_share_min",
        "compliance.supplier_share_min",
        "compliance.cooperation_share_min",
        "compliance.cooperation_below_max",
    ] {
        if src.chance(64) {
            toml.push((key.to_string(), src.pick(&TOML_FLOATS).to_string()));
        }
    }
    for key in [
        "compliance.industrial_count_min",
        "compliance.final_producer_min",
        "compliance.education_min",
        "compliance.infrastructure_objects_min",
    ] {
        if src.chance(48) {
            toml.push((key.to_string(), src.pick(&TOML_COUNTS).to_string()));
        }
    }

    let optional_p = [
        false, false, false, false, true, true, true, true, true, true,
    ];
    let optional_x = [false, false, false, false, true, true, true];
    let optional_f = [false, true, false, false, false, false, !with_year];
    let optional_s = [false, false, false, true, true, true];
    shape(src, &mut participants, &optional_p);
    shape(src, &mut products, &optional_x);
    if !with_year {
        // No year column at all unless the shape keeps the (empty) one.
        for row in flows.iter_mut() {
            row.truncate(6);
        }
        shape(src, &mut flows, &optional_f[..6]);
    } else {
        shape(src, &mut flows, &optional_f);
    }
    let mut specs = specs;
    if let Some(s) = specs.as_mut() {
        shape(src, s, &optional_s);
    }

    Generated {
        toml,
        participants,
        products,
        flows,
        specs,
        as_workbook,
        opts,
        decimal_comma,
        delimiter,
        bom,
        crlf,
        quote_all,
        cp1251,
        lang,
    }
}

impl Generated {
    fn cell(&self, text: &str, numeric: bool) -> String {
        let text = if self.decimal_comma && numeric {
            text.replace('.', ",")
        } else {
            text.to_string()
        };
        let d = self.delimiter as char;
        let needs =
            text.contains([d, '"', '\n', '\r']) || text.starts_with(' ') || text.ends_with(' ');
        if self.quote_all || needs {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text
        }
    }

    fn csv(&self, rows: &[Vec<String>]) -> Vec<u8> {
        let header = &rows[0];
        let mut text = String::new();
        if self.bom && !self.cp1251 {
            text.push('\u{feff}');
        }
        for row in rows {
            let cells: Vec<String> = row
                .iter()
                .zip(header)
                .map(|(c, h)| self.cell(c, is_numeric_column(h)))
                .collect();
            text.push_str(&cells.join(&(self.delimiter as char).to_string()));
            text.push_str(if self.crlf { "\r\n" } else { "\n" });
        }
        if self.cp1251 {
            encoding_rs::WINDOWS_1251.encode(&text).0.into_owned()
        } else {
            text.into_bytes()
        }
    }

    fn toml_text(&self) -> String {
        let mut top = String::new();
        let mut tables: Vec<(String, String)> = Vec::new();
        for (k, v) in &self.toml {
            match k.split_once('.') {
                None => top.push_str(&format!("{k} = {v}\n")),
                Some((t, key)) => match tables.iter_mut().find(|(n, _)| n == t) {
                    Some((_, body)) => body.push_str(&format!("{key} = {v}\n")),
                    None => tables.push((t.to_string(), format!("{key} = {v}\n"))),
                },
            }
        }
        for (t, body) in tables {
            top.push_str(&format!("\n[{t}]\n{body}"));
        }
        top
    }

    fn write_folder(&self, dir: &Path) {
        write(&dir.join("study.toml"), self.toml_text().as_bytes());
        write(&dir.join("participants.csv"), &self.csv(&self.participants));
        write(&dir.join("products.csv"), &self.csv(&self.products));
        write(&dir.join("flows.csv"), &self.csv(&self.flows));
        if let Some(s) = &self.specs {
            write(&dir.join("specs.csv"), &self.csv(s));
        }
    }

    /// The same study as a workbook: numbers that parse are number cells, the rest text.
    fn write_workbook(&self, path: &Path) {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let mut study_rows = vec![vec!["key".to_string(), "value".to_string()]];
        for (k, v) in &self.toml {
            if k == "regions" {
                for r in v.trim_matches(['[', ']']).split(", ") {
                    study_rows.push(vec![k.clone(), r.trim_matches('"').to_string()]);
                }
            } else {
                study_rows.push(vec![k.clone(), v.trim_matches('"').to_string()]);
            }
        }
        let mut sheets = vec![
            ("study", &study_rows),
            ("participants", &self.participants),
            ("products", &self.products),
            ("flows", &self.flows),
        ];
        if let Some(s) = &self.specs {
            sheets.push(("specs", s));
        }
        for (name, rows) in sheets {
            let ws = wb.add_worksheet();
            let _ = ws.set_name(name);
            for (r, row) in rows.iter().enumerate() {
                for (c, text) in row.iter().enumerate() {
                    let (r, c) = (r as u32, c as u16);
                    let _ = match text.parse::<f64>() {
                        Ok(x) if x.is_finite() && r > 0 => ws.write_number(r, c, x),
                        _ if text.is_empty() => continue,
                        _ => ws.write_string(r, c, text),
                    };
                }
            }
        }
        wb.save(path).expect("cannot write the generated workbook");
    }
}

fn is_numeric_column(name: &str) -> bool {
    matches!(
        name,
        "stage"
            | "employees"
            | "hp_jobs"
            | "output_rub"
            | "benchmark_price_rub"
            | "capex_rub_per_unit"
            | "min_capacity"
            | "quantity"
            | "value_rub"
            | "year"
            | "required_min"
            | "required_max"
            | "available"
    )
}
