//! Synthetic studies of any size, for benchmarks and scale tests (`nichegraph generate`).
//!
//! The shape follows what national inter-firm flow data looks like: four stages, firm sizes
//! and flow values with heavy tails (a few firms buy most), several import origins, products
//! whose import dependence ranges from none to total, 0.1% of flow rows against the stage
//! order, some repeat deliveries (rows that add up), specs and benchmarks for a share of the
//! products. Everything comes from one seeded generator, written in one fixed order, so the
//! same arguments always give byte-identical files.

use crate::error::{Error, Result};
use crate::study::schema::{self, header, FLOWS_PARQUET, SETTINGS_FILE, TABLES};
use std::fmt::Write as _;
use std::path::Path;

mod flows;
mod transactions;

use flows::{FlowColumns, Sink, CHUNK};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Params {
    pub participants: usize,
    pub flows: usize,
    pub seed: u64,
    pub parquet: bool,
    /// Write the flows as a hive-partitioned Parquet dataset, `flows/year=<Y>/part-0.parquet`.
    pub dataset: bool,
    pub id: String,
    /// Years of flow history ending with the study year: rows are spread evenly over them
    /// (1 = the study year only).
    pub years: u32,
    /// Participants with an output plan in plans.csv (0 = no plans.csv).
    pub plans: usize,
    /// Transaction lines to write to transactions.csv instead of flows (0 = flows as usual);
    /// products then get a `code` (see `transactions`).
    pub transactions: usize,
}

const REGIONS: [&str; 12] = [
    "Республика Татарстан",
    "Самарская область",
    "Ульяновская область",
    "Нижегородская область",
    "Свердловская область",
    "Челябинская область",
    "Пермский край",
    "Московская область",
    "Ленинградская область",
    "Новосибирская область",
    "Ростовская область",
    "Калужская область",
];

/// Import origins and their weights (per mille).
const ORIGINS: [(&str, u32); 8] = [
    ("CN", 400),
    ("DE", 150),
    ("IT", 100),
    ("JP", 80),
    ("KR", 80),
    ("US", 70),
    ("FR", 60),
    ("TR", 60),
];

const YEAR: i64 = 2025;

/// One generated flow row in this many runs against the stage order (0.1 %).
pub const BACKWARD_ONE_IN: u32 = 1000;

/// Pareto(alpha) with minimum 1: heavy-tailed sizes.
fn pareto(rng: &mut fastrand::Rng, alpha: f64) -> f64 {
    // 1 - u lies in (0, 1], so the power is finite.
    (1.0 - rng.f64()).powf(-1.0 / alpha)
}

/// Log-normal with median 1.
fn lognormal(rng: &mut fastrand::Rng, sigma: f64) -> f64 {
    // Box–Muller; 1 - u keeps ln away from 0.
    let (u, v) = (1.0 - rng.f64(), rng.f64());
    let z = (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos();
    (sigma * z).exp()
}

/// Picks an index with probability proportional to its weight (cumulative sums, binary search).
struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    fn new(weights: impl IntoIterator<Item = f64>) -> Option<Self> {
        let mut total = 0.0;
        let cumulative: Vec<f64> = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        (total > 0.0).then_some(Weighted { cumulative })
    }

    fn pick(&self, rng: &mut fastrand::Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.f64() * total;
        self.cumulative
            .partition_point(|&c| c <= x)
            .min(self.cumulative.len() - 1)
    }
}

struct Firm {
    stage: u8,
    size: f64,
    /// Its participants.csv row up to output_rub.
    line: String,
    output: f64,
    markup: f64,
    /// What it buys in all, known once the flows are written.
    purchases: f64,
}

struct Product {
    stage: u8,
    price: f64,
    /// Share of its supply that comes from abroad.
    import_bias: f64,
    /// Imports cost this much more than the benchmark (0 for most products).
    premium: f64,
}

/// Writes the study into `dir` (created; existing study files are refused). Returns a summary.
pub fn generate(dir: &Path, p: &Params) -> Result<String> {
    if !(1..=30).contains(&p.years) {
        return Err(Error::Usage("--years must be 1..30".into()));
    }
    if p.participants < 2 {
        return Err(Error::Usage(
            "--participants must be at least 2 (a flow goes between two parties)".into(),
        ));
    }
    let mut names = vec![SETTINGS_FILE.to_string()];
    for t in &TABLES {
        names.push(t.file_name());
        if t.name == "flows" {
            names.push(FLOWS_PARQUET.to_string());
            names.push(crate::study::dataset::FOLDER.to_string());
        }
    }
    names.push(transactions::FILE.to_string());
    for name in &names {
        if dir.join(name).exists() {
            return Err(Error::Usage(format!(
                "{} already exists; generate writes into a new or empty folder",
                dir.join(name).display()
            )));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create the folder", dir, e))?;
    let mut rng = fastrand::Rng::with_seed(p.seed);
    let n = p.participants;
    let width = n.to_string().len().max(4);

    // Participants: mostly industrial firms, a few final producers and support organisations.
    let mut firms = Vec::with_capacity(n);
    for i in 0..n {
        let r = rng.u32(0..1000);
        let (role, stage) = match r {
            0..=849 => (
                "industrial",
                match rng.u32(0..100) {
                    0..=29 => 1,
                    30..=59 => 2,
                    60..=84 => 3,
                    _ => 4,
                },
            ),
            850..=929 => ("final_producer", 4),
            930..=959 => ("education", 0),
            960..=979 => ("infrastructure", 0),
            _ => ("specialized_org", 0),
        };
        let size = pareto(&mut rng, 1.1).min(20_000.0);
        let employees = (10.0 * size).round() as u64;
        let hp = employees * u64::from(rng.u32(20..70)) / 100;
        let output = (employees as f64 * 3.0e6 * lognormal(&mut rng, 0.5)).round();
        // Output is at least this multiple of what the firm buys (value added on top).
        let markup = 1.3 + rng.f64();
        let region = REGIONS[rng.usize(0..REGIONS.len())];
        let governance = rng.u32(0..10) == 0;
        let stage_text = match (role, stage) {
            ("industrial", s) => s.to_string(),
            _ => String::new(),
        };
        let line = format!(
            "f{i:0width$},ООО «Предприятие {i}»,{region},{role},{stage_text},{employees},{hp},{governance},",
        );
        firms.push(Firm {
            stage: stage as u8,
            size,
            line,
            output,
            markup,
            purchases: 0.0,
        });
    }

    // Products: a quarter per stage; prices rise with the stage.
    let per_stage = (n / 100).clamp(2, 1000);
    let mut products = Vec::with_capacity(4 * per_stage);
    let mut out = String::new();
    // Every column but the product code, which only transaction lines need.
    let with_codes = p.transactions > 0;
    let columns = schema::PRODUCTS
        .iter()
        .filter(|c| with_codes || c.name != "code");
    let _ = writeln!(out, "{}", header(columns));
    for stage in 1..=4u8 {
        for j in 0..per_stage {
            let base = [0.0, 8.0e4, 1.5e4, 1.2e5, 1.5e6][stage as usize];
            let price = (base * lognormal(&mut rng, 0.6)).round().max(1.0);
            let unit = if stage == 1 { "т" } else { "шт" };
            // From fully local to fully imported, with many products in between.
            let import_bias = rng.f64().powf(0.7);
            let premium = if rng.u32(0..4) == 0 {
                0.1 + 0.6 * rng.f64()
            } else {
                0.0
            };
            let bench = if rng.u32(0..10) < 4 {
                format!("{}", (price / (1.0 + premium)).round().max(1.0))
            } else {
                String::new()
            };
            let capex = if rng.u32(0..10) < 6 {
                format!("{}", (price * (0.5 + rng.f64())).round().max(1.0))
            } else {
                String::new()
            };
            let min_cap = if rng.u32(0..2) == 0 {
                format!("{}", rng.u32(1..50) * 100)
            } else {
                String::new()
            };
            let _ = write!(
                out,
                "s{stage}-{j:04},Продукция передела {stage} № {j},{stage},{unit},{bench},{capex},{min_cap}"
            );
            if with_codes {
                let _ = write!(out, ",{}", transactions::product_code(stage, j));
            }
            out.push('\n');
            products.push(Product {
                stage,
                price,
                import_bias,
                premium,
            });
        }
    }
    write_file(dir, "products.csv", out.as_bytes())?;

    // Who buys (by size) and who sells each stage (by size).
    let buyers = Weighted::new(firms.iter().map(|f| if f.stage > 0 { f.size } else { 0.0 }))
        .ok_or_else(|| Error::Usage("no firm at any stage; use more --participants".into()))?;
    let sellers: Vec<Option<(Vec<usize>, Weighted)>> = (1..=4u8)
        .map(|s| {
            let ids: Vec<usize> = (0..n).filter(|&i| firms[i].stage == s).collect();
            Weighted::new(ids.iter().map(|&i| firms[i].size)).map(|w| (ids, w))
        })
        .collect();
    // Within a stage a few products carry most of the trade.
    let product_pick = Weighted::new((0..per_stage).map(|j| 1.0 / (1.0 + j as f64).powf(0.8)))
        .ok_or_else(|| Error::Internal("no products".into()))?;
    let origins = Weighted::new(ORIGINS.iter().map(|(_, w)| f64::from(*w)))
        .ok_or_else(|| Error::Internal("no origins".into()))?;
    let domestic_names: Vec<String> = (0..200).map(|k| format!("АО «Поставщик {k}»")).collect();

    let product_ids: Vec<String> = products
        .iter()
        .enumerate()
        .map(|(k, pr)| format!("s{}-{:04}", pr.stage, k % per_stage))
        .collect();
    let mut shares = None;
    if p.transactions > 0 {
        let t = transactions::Trade {
            firms: &firms,
            products: &products,
            buyers: &buyers,
            sellers: &sellers,
            product_pick: &product_pick,
            origins: &origins,
            per_stage,
        };
        let (s, purchases) = transactions::write(dir, &t, p, &mut rng)?;
        for (f, v) in firms.iter_mut().zip(purchases) {
            f.purchases = v;
        }
        shares = Some(s);
    } else {
        let mut sink = if p.dataset {
            Sink::dataset(&dir.join(crate::study::dataset::FOLDER))?
        } else if p.parquet {
            Sink::parquet(&dir.join(FLOWS_PARQUET))?
        } else {
            Sink::csv(&dir.join("flows.csv"))?
        };
        let mut rows = FlowColumns::with_capacity(CHUNK.min(p.flows), width);
        let mut last: Option<(String, usize, usize)> = None;
        for k in 0..p.flows {
            if rows.len() == CHUNK {
                sink.write(&rows, &product_ids)?;
                rows.clear();
            }
            // Earlier years in turn; demand grew about 5 % a year up to the study year.
            let back = (k % p.years as usize) as i64;
            rows.year = YEAR - back;
            rows.scale = 1.05f64.powi(-(back as i32));
            // One row in ten repeats the previous delivery (another invoice of the same contract).
            if let (Some((s, c, pr)), 0) = (&last, rng.u32(0..10)) {
                let (s, c, pr) = (s.clone(), *c, *pr);
                let q = (lognormal(&mut rng, 1.0) * firms[c].size).max(0.001);
                rows.push(&s, "", c, pr, q, q * products[pr].price);
                if rows.year == YEAR {
                    firms[c].purchases += rows.value.last().copied().unwrap_or(0.0);
                }
                continue;
            }
            let c = buyers.pick(&mut rng);
            let cs = firms[c].stage;
            // Inputs come from the stage below (stage 1 buys stage 1); one row in
            // `BACKWARD_ONE_IN` buys a later stage's product, against the stage order, as real
            // data does now and then.
            let ps = if cs < 4 && rng.u32(0..BACKWARD_ONE_IN) == 0 {
                rng.u8(cs + 1..=4)
            } else {
                cs.saturating_sub(1).max(1)
            };
            let pr = (ps as usize - 1) * per_stage + product_pick.pick(&mut rng);
            let prod = &products[pr];
            let q = (lognormal(&mut rng, 1.0) * firms[c].size).max(0.001);
            let mut value = q * prod.price;
            let (supplier, name) = if rng.f64() < prod.import_bias * 0.9 {
                value *= 1.0 + prod.premium;
                (
                    format!("import:{}", ORIGINS[origins.pick(&mut rng)].0),
                    String::new(),
                )
            } else {
                match &sellers[ps as usize - 1] {
                    Some((ids, w)) if rng.u32(0..3) > 0 => {
                        let s = ids[w.pick(&mut rng)];
                        if s == c {
                            ("domestic".to_string(), String::new())
                        } else {
                            (format!("f{s:0width$}"), String::new())
                        }
                    }
                    _ => (
                        "domestic".to_string(),
                        domestic_names[rng.usize(0..domestic_names.len())].clone(),
                    ),
                }
            };
            rows.push(&supplier, &name, c, pr, q, value);
            firms[c].purchases += rows.value.last().copied().unwrap_or(0.0);
            last = Some((supplier, c, pr));
        }
        if rows.len() > 0 || p.flows == 0 {
            sink.write(&rows, &product_ids)?;
        }
        sink.finish()?;
    }

    let mut out = String::with_capacity(n * 120);
    let _ = writeln!(out, "{}", header(&schema::PARTICIPANTS));
    for (i, f) in firms.iter().enumerate() {
        let output = f.output.max((f.purchases * f.markup).round()).min(1e15);
        let _ = writeln!(out, "{}{output},{}", f.line, 1_600_000_000u64 + i as u64);
    }
    write_file(dir, "participants.csv", out.as_bytes())?;

    // Plans: the first participants at a stage grow their output by 10–50 % two years on.
    if p.plans > 0 {
        let mut out = header(&schema::PLANS) + "\n";
        for (i, f) in firms
            .iter()
            .enumerate()
            .filter(|(_, f)| f.stage > 0)
            .take(p.plans)
        {
            let output = f.output.max((f.purchases * f.markup).round()).min(1e15);
            let planned = (output * (1.1 + 0.4 * rng.f64())).round().min(1e15);
            let _ = writeln!(
                out,
                "f{i:0width$},{},{planned},расширение производства",
                YEAR + 2
            );
        }
        write_file(dir, "plans.csv", out.as_bytes())?;
    }

    // Specs: a requirement per few hundred flows, half of them not met by anyone.
    // Without the parameter's name and unit.
    let columns = schema::SPECS
        .iter()
        .take_while(|c| c.name != "parameter_name");
    let mut out = header(columns) + "\n";
    let n_specs = (p.flows / 500).clamp(1, 5000);
    for _ in 0..n_specs {
        let c = buyers.pick(&mut rng);
        let cs = firms[c].stage.saturating_sub(1).max(1);
        let pr = (cs as usize - 1) * per_stage + product_pick.pick(&mut rng);
        let need = rng.u32(100..2000);
        let available = match rng.u32(0..4) {
            0 => String::new(),
            1 => format!("{}", need / 2),
            _ => format!("{}", need + rng.u32(0..500)),
        };
        let _ = writeln!(
            out,
            "f{c:0width$},{},tensile_strength_mpa,{need},,{available}",
            product_ids[pr]
        );
    }
    write_file(dir, "specs.csv", out.as_bytes())?;

    let toml = format!(
        "# Synthetic study written by `nichegraph generate --participants {n} --flows {} --seed {}`.\n\
         id = \"{}\"\nname = \"Синтетический кластер ({n} участников, {} потоков)\"\n\
         regions = [{}]\nyear = {YEAR}\n",
        p.flows,
        p.seed,
        p.id,
        p.flows,
        REGIONS
            .iter()
            .map(|r| format!("\"{r}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    write_file(dir, SETTINGS_FILE, toml.as_bytes())?;
    if let Some(t) = shares {
        return Ok(format!(
            "wrote {} ({n} participants, {} products, {n_specs} specs) and {}; no flows: \
             `nichegraph ingest {} --study {}` makes them",
            dir.display(),
            products.len(),
            t,
            dir.join(transactions::FILE).display(),
            dir.display()
        ));
    }
    Ok(format!(
        "wrote {} ({n} participants, {} products, {} flow rows{}, {n_specs} specs)",
        dir.display(),
        products.len(),
        p.flows,
        if p.dataset {
            " in the dataset flows/"
        } else if p.parquet {
            " in flows.parquet"
        } else {
            ""
        }
    ))
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|e| Error::io("cannot write", &path, e))
}
