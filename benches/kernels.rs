//! Benchmarks of the kernels on a generated study (`cargo bench --bench kernels`): loading
//! (fast path and exact loader), graph and analysis, the import-content solve, the component
//! reachability, and rendering. Sizes: 10^4 and 10^5 flows. The whole-run scale table is
//! `scripts/scale` (docs/PERFORMANCE.md).

use nichegraph::analysis::{self, import_content::import_content, Totals};
use nichegraph::generate::{generate, Params};
use nichegraph::graph::SupplyGraph;
use nichegraph::report::{self, Format, Lang};
use nichegraph::study::{self, dialect::DialectOptions, Study};
use std::path::PathBuf;
use std::sync::OnceLock;

const SIZES: [usize; 2] = [10_000, 100_000];

fn study_dir(flows: usize) -> PathBuf {
    static DIRS: OnceLock<tempfile::TempDir> = OnceLock::new();
    let root = DIRS.get_or_init(|| tempfile::tempdir().expect("temp dir"));
    let dir = root.path().join(flows.to_string());
    if !dir.join("study.toml").exists() {
        let params = Params {
            participants: (flows / 20).max(50),
            flows,
            seed: 1,
            parquet: false,
            dataset: false,
            id: "bench".into(),
            years: 1,
            plans: 0,
            transactions: 0,
        };
        generate(&dir, &params).expect("generate");
    }
    dir
}

fn loaded(flows: usize) -> Study {
    study::load(&study_dir(flows)).expect("load")
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn load_fast(b: divan::Bencher, flows: usize) {
    let dir = study_dir(flows);
    b.bench(|| study::load(&dir).expect("load"));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn load_exact(b: divan::Bencher, flows: usize) {
    let dir = study_dir(flows);
    b.bench(|| study::load_exact(&dir, DialectOptions::default()).expect("load"));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn graph_and_analysis(b: divan::Bencher, flows: usize) {
    let s = loaded(flows);
    b.bench(|| {
        let g = SupplyGraph::build(&s);
        analysis::analyze(&s, &g).expect("analyze")
    });
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn import_content_solve(b: divan::Bencher, flows: usize) {
    let s = loaded(flows);
    let totals = Totals::of(&s);
    b.bench(|| import_content(&s, &totals).expect("solve"));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn downstream_reach(b: divan::Bencher, flows: usize) {
    let s = loaded(flows);
    let g = SupplyGraph::build(&s);
    let purchases = g.purchases(&s);
    b.bench(|| g.downstream(&s, &purchases));
}

#[divan::bench(args = ["csv", "md", "xlsx", "charts"], sample_count = 5)]
fn render(b: divan::Bencher, format: &str) {
    let format = match format {
        "csv" => Format::Csv,
        "md" => Format::Md,
        "xlsx" => Format::Xlsx,
        _ => Format::Charts,
    };
    let s = loaded(100_000);
    let g = SupplyGraph::build(&s);
    let a = analysis::analyze(&s, &g).expect("analyze");
    b.bench(|| report::render(&a, Lang::Ru, &[format]).expect("render"));
}

fn main() {
    divan::main();
}
