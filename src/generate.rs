//! Synthetic studies of any size, for benchmarks and scale tests (`nichegraph generate`).
//!
//! The shape follows what national inter-firm flow data looks like: four stages, firm sizes
//! and flow values with heavy tails (a few firms buy most), several import origins, products
//! whose import dependence ranges from none to total, 0.1% of flow rows against the stage
//! order, some repeat deliveries (rows that add up), specs and benchmarks for a share of the
//! products. Everything comes from one seeded generator, written in one fixed order, so the
//! same arguments always give byte-identical files.

use crate::error::{Error, Result};
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

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
    for name in [
        "study.toml",
        "participants.csv",
        "products.csv",
        "flows.csv",
        "flows.parquet",
        "flows",
        "specs.csv",
        "plans.csv",
        "transactions.csv",
    ] {
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
    let with_codes = p.transactions > 0;
    out.push_str("id,name,stage,unit,benchmark_price_rub,capex_rub_per_unit,min_capacity");
    out.push_str(if with_codes { ",code\n" } else { "\n" });
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
                let _ = write!(out, ",{}", product_code(stage, j));
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
        .ok_or_else(|| Error::Other("no products".into()))?;
    let origins = Weighted::new(ORIGINS.iter().map(|(_, w)| f64::from(*w)))
        .ok_or_else(|| Error::Other("no origins".into()))?;
    let domestic_names: Vec<String> = (0..200).map(|k| format!("АО «Поставщик {k}»")).collect();

    let product_ids: Vec<String> = products
        .iter()
        .enumerate()
        .map(|(k, pr)| format!("s{}-{:04}", pr.stage, k % per_stage))
        .collect();
    let mut shares = None;
    if p.transactions > 0 {
        let t = Trade {
            firms: &firms,
            products: &products,
            buyers: &buyers,
            sellers: &sellers,
            product_pick: &product_pick,
            origins: &origins,
            per_stage,
        };
        let (s, purchases) = transactions(dir, &t, p, &mut rng)?;
        for (f, v) in firms.iter_mut().zip(purchases) {
            f.purchases = v;
        }
        shares = Some(s);
    } else {
        let mut sink = if p.dataset {
            Sink::dataset(&dir.join("flows"))?
        } else if p.parquet {
            Sink::parquet(&dir.join("flows.parquet"))?
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
    out.push_str("id,name,region,role,stage,employees,hp_jobs,in_governance,output_rub,inn\n");
    for (i, f) in firms.iter().enumerate() {
        let output = f.output.max((f.purchases * f.markup).round()).min(1e15);
        let _ = writeln!(out, "{}{output},{}", f.line, 1_600_000_000u64 + i as u64);
    }
    write_file(dir, "participants.csv", out.as_bytes())?;

    // Plans: the first participants at a stage grow their output by 10–50 % two years on.
    if p.plans > 0 {
        let mut out = String::from("participant,year,output_rub,note\n");
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
    let mut out = String::from("consumer,product,parameter,required_min,required_max,available\n");
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
    write_file(dir, "study.toml", toml.as_bytes())?;
    if let Some(t) = shares {
        return Ok(format!(
            "wrote {} ({n} participants, {} products, {n_specs} specs) and {}; no flows: \
             `nichegraph ingest {} --study {}` makes them",
            dir.display(),
            products.len(),
            t,
            dir.join("transactions.csv").display(),
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

/// A product's code in products.csv and on transaction lines: digits and dots, unique.
fn product_code(stage: u8, j: usize) -> String {
    format!("2{stage}.{j:05}")
}

/// Shares of transaction lines, per mille, drawn before anything else about a line.
pub const UNMATCHED_BUYER_PER_MILLE: u32 = 20;
pub const UNKNOWN_CODE_PER_MILLE: u32 = 30;
pub const INTERNAL_PER_MILLE: u32 = 10;

/// What the generated trade is drawn from.
struct Trade<'a> {
    firms: &'a [Firm],
    products: &'a [Product],
    buyers: &'a Weighted,
    sellers: &'a [Option<(Vec<usize>, Weighted)>],
    product_pick: &'a Weighted,
    origins: &'a Weighted,
    per_stage: usize,
}

/// How many generated lines fall in each category that `ingest` tells apart.
#[derive(Debug, Default)]
struct Shares {
    lines: usize,
    unmatched_buyer: usize,
    unknown_code: usize,
    internal: usize,
    import: usize,
}

impl std::fmt::Display for Shares {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pct = |k: usize| 100.0 * k as f64 / self.lines.max(1) as f64;
        write!(
            f,
            "{} transaction lines ({} unmatched buyers {:.1}%, {} unknown product codes {:.1}%, \
             {} internal {:.1}%, {} imports {:.1}%)",
            self.lines,
            self.unmatched_buyer,
            pct(self.unmatched_buyer),
            self.unknown_code,
            pct(self.unknown_code),
            self.internal,
            pct(self.internal),
            self.import,
            pct(self.import)
        )
    }
}

/// Writes transactions.csv: `p.transactions` lines, one delivery each, over the years of
/// `p.years`. Before anything else a line is drawn as an unmatched buyer (an INN outside the
/// cluster, 2 %), an unknown product code (3 %) or an internal delivery (a participant selling
/// to itself, 1 %); the rest are bought by participants as the flows are, from abroad (with
/// the product's import bias), from a participant or from a Russian firm outside the cluster.
/// Returns the counts and each firm's purchases in the study year.
fn transactions(
    dir: &Path,
    t: &Trade,
    p: &Params,
    rng: &mut fastrand::Rng,
) -> Result<(Shares, Vec<f64>)> {
    let path = dir.join("transactions.csv");
    let file = std::fs::File::create(&path).map_err(|e| Error::io("cannot write", &path, e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let err = |e| Error::io("cannot write", &path, e);
    let header = crate::study::schema::header(&crate::study::schema::TRANSACTIONS);
    writeln!(w, "{header}").map_err(err)?;
    let inn = |i: usize| 1_600_000_000u64 + i as u64;
    let mut purchases = vec![0.0; t.firms.len()];
    let mut shares = Shares {
        lines: p.transactions,
        ..Shares::default()
    };
    let mut line = String::with_capacity(160);
    for k in 0..p.transactions {
        let back = (k % p.years as usize) as i64;
        let year = YEAR - back;
        let scale = 1.05f64.powi(-(back as i32));
        let date = format!("{year}-{:02}-{:02}", rng.u32(1..=12), rng.u32(1..=28));
        let kind = rng.u32(0..1000);
        let c = t.buyers.pick(rng);
        let cs = t.firms[c].stage;
        let ps = cs.saturating_sub(1).max(1);
        let pr = (ps as usize - 1) * t.per_stage + t.product_pick.pick(rng);
        let prod = &t.products[pr];
        // Quantities in eighths of a unit and values in whole rubles: binary fractions, so that
        // sums are exact in any order and an engine that adds in another order (Spark) gets the
        // very same totals.
        let q = ((lognormal(rng, 1.0) * t.firms[c].size).max(0.125) * 8.0).round() / 8.0;
        let mut value = q * prod.price * scale;
        let mut code = product_code(prod.stage, pr % t.per_stage);
        let mut buyer = inn(c).to_string();
        let (mut seller, mut name, mut origin) = (String::new(), "", "");
        let unmatched = kind < UNMATCHED_BUYER_PER_MILLE;
        let unknown = !unmatched && kind < UNMATCHED_BUYER_PER_MILLE + UNKNOWN_CODE_PER_MILLE;
        let internal = !unmatched
            && !unknown
            && kind < UNMATCHED_BUYER_PER_MILLE + UNKNOWN_CODE_PER_MILLE + INTERNAL_PER_MILLE;
        if unmatched {
            buyer = format!("77{:08}", rng.u32(0..5000));
            shares.unmatched_buyer += 1;
        } else if unknown {
            code = format!("99.{:03}", rng.u32(0..300));
            shares.unknown_code += 1;
        }
        if internal {
            seller = buyer.clone();
        } else if rng.f64() < prod.import_bias * 0.9 {
            value *= 1.0 + prod.premium;
            origin = ORIGINS[t.origins.pick(rng)].0;
        } else {
            match &t.sellers[ps as usize - 1] {
                Some((ids, w)) if rng.u32(0..3) > 0 => {
                    seller = inn(ids[w.pick(rng)]).to_string();
                }
                _ => {
                    let d = rng.usize(0..200);
                    seller = (5_000_000_000u64 + d as u64).to_string();
                    name = DOMESTIC_NAMES[d % DOMESTIC_NAMES.len()];
                }
            }
        }
        let value = value.round().clamp(1.0, 1e12);
        // A participant buying from itself is internal whether drawn so or not.
        let is_internal = !unmatched && !unknown && seller == buyer;
        if is_internal {
            shares.internal += 1;
        } else if !unmatched && !unknown && !origin.is_empty() {
            shares.import += 1;
        }
        if !unmatched && !unknown && !is_internal && year == YEAR {
            purchases[c] += value;
        }
        line.clear();
        let _ = writeln!(
            line,
            "{seller},{name},{origin},{buyer},{code},{date},{q},{value}"
        );
        w.write_all(line.as_bytes()).map_err(err)?;
    }
    w.flush().map_err(err)?;
    Ok((shares, purchases))
}

/// Names of Russian suppliers outside the cluster on generated transaction lines.
const DOMESTIC_NAMES: [&str; 5] = [
    "АО «Уралпоставка»",
    "ООО «Волгаснаб»",
    "ООО «Сибирский металл»",
    "АО «Центрхимторг»",
    "ООО «Северная компания»",
];

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|e| Error::io("cannot write", &path, e))
}

/// Rows are generated and written this many at a time (one Parquet row group each).
const CHUNK: usize = 1 << 20;

/// Generated flow rows, column by column, one chunk at a time.
struct FlowColumns {
    supplier: Vec<String>,
    name: Vec<String>,
    consumer: Vec<u32>,
    product: Vec<u32>,
    quantity: Vec<f64>,
    value: Vec<f64>,
    years: Vec<i64>,
    width: usize,
    /// The year and the value scale of the rows pushed next.
    year: i64,
    scale: f64,
}

impl FlowColumns {
    fn with_capacity(n: usize, width: usize) -> Self {
        FlowColumns {
            supplier: Vec::with_capacity(n),
            name: Vec::with_capacity(n),
            consumer: Vec::with_capacity(n),
            product: Vec::with_capacity(n),
            quantity: Vec::with_capacity(n),
            value: Vec::with_capacity(n),
            years: Vec::with_capacity(n),
            width,
            year: YEAR,
            scale: 1.0,
        }
    }

    fn len(&self) -> usize {
        self.supplier.len()
    }

    fn clear(&mut self) {
        self.supplier.clear();
        self.name.clear();
        self.consumer.clear();
        self.product.clear();
        self.quantity.clear();
        self.value.clear();
        self.years.clear();
    }

    fn push(&mut self, s: &str, name: &str, c: usize, p: usize, q: f64, v: f64) {
        self.supplier.push(s.to_string());
        self.name.push(name.to_string());
        self.consumer.push(c as u32);
        self.product.push(p as u32);
        // Quantities to 1/1000 of a unit, values to the kopeck, within the input bounds.
        self.quantity
            .push(((q * 1000.0).round() / 1000.0).clamp(0.001, 1e12));
        self.value
            .push(((v * self.scale * 100.0).round() / 100.0).clamp(0.01, 1e14));
        self.years.push(self.year);
    }
}

// One sink per run: the size of its variants does not matter.
#[allow(clippy::large_enum_variant)]
enum Sink {
    Csv(std::path::PathBuf, std::io::BufWriter<std::fs::File>),
    /// flows.parquet: one row group per chunk.
    Parquet(std::path::PathBuf, Batched),
    /// A hive-partitioned dataset, `flows/year=<Y>/part-0.parquet`, as Spark writes it: the
    /// year is in the path, not in the files.
    Dataset(
        std::path::PathBuf,
        std::collections::BTreeMap<i64, (std::path::PathBuf, Batched)>,
    ),
}

type Batched = polars::io::parquet::write::BatchedWriter<std::fs::File>;

fn polars_error(path: &Path) -> impl Fn(polars::error::PolarsError) -> Error + '_ {
    move |e| Error::Other(format!("cannot write {}: {e}", path.display()))
}

/// A Parquet writer of flow rows, with or without the year column.
fn batched(path: &Path, with_year: bool) -> Result<Batched> {
    use polars::prelude::{DataType, ParquetCompression, ParquetWriter, Schema};
    let mut schema = Schema::default();
    for name in ["supplier", "supplier_name", "consumer", "product"] {
        schema.insert(name.into(), DataType::String);
    }
    for name in ["quantity", "value_rub"] {
        schema.insert(name.into(), DataType::Float64);
    }
    if with_year {
        schema.insert("year".into(), DataType::Int64);
    }
    let file = std::fs::File::create(path).map_err(|e| Error::io("cannot write", path, e))?;
    ParquetWriter::new(file)
        .with_compression(ParquetCompression::Snappy)
        .set_parallel(false)
        .batched(&schema)
        .map_err(polars_error(path))
}

impl Sink {
    fn csv(path: &Path) -> Result<Sink> {
        let io = |e| Error::io("cannot write", path, e);
        let f = std::fs::File::create(path).map_err(io)?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
        w.write_all(b"supplier,supplier_name,consumer,product,quantity,value_rub,year\n")
            .map_err(io)?;
        Ok(Sink::Csv(path.to_path_buf(), w))
    }

    fn parquet(path: &Path) -> Result<Sink> {
        Ok(Sink::Parquet(path.to_path_buf(), batched(path, true)?))
    }

    fn dataset(dir: &Path) -> Result<Sink> {
        std::fs::create_dir(dir).map_err(|e| Error::io("cannot create", dir, e))?;
        Ok(Sink::Dataset(dir.to_path_buf(), Default::default()))
    }

    /// Rows `pick` of `rows` as a polars frame (with the year column when `with_year`).
    fn frame(
        rows: &FlowColumns,
        product_ids: &[String],
        pick: &[usize],
        with_year: bool,
    ) -> Result<polars::prelude::DataFrame> {
        use polars::prelude::{Column, DataFrame};
        let width = rows.width;
        let text = |name: &str, f: &dyn Fn(usize) -> Option<String>| {
            Column::new(name.into(), pick.iter().map(|&i| f(i)).collect::<Vec<_>>())
        };
        let mut columns = vec![
            text("supplier", &|i| Some(rows.supplier[i].clone())),
            text("supplier_name", &|i| {
                Some(rows.name[i].clone()).filter(|n| !n.is_empty())
            }),
            text("consumer", &|i| {
                Some(format!("f{:0width$}", rows.consumer[i]))
            }),
            text("product", &|i| {
                Some(product_ids[rows.product[i] as usize].clone())
            }),
            Column::new(
                "quantity".into(),
                pick.iter().map(|&i| rows.quantity[i]).collect::<Vec<_>>(),
            ),
            Column::new(
                "value_rub".into(),
                pick.iter().map(|&i| rows.value[i]).collect::<Vec<_>>(),
            ),
        ];
        if with_year {
            columns.push(Column::new(
                "year".into(),
                pick.iter().map(|&i| rows.years[i]).collect::<Vec<_>>(),
            ));
        }
        DataFrame::new(pick.len(), columns)
            .map_err(|e| Error::Other(format!("cannot build the flow rows: {e}")))
    }

    fn write(&mut self, rows: &FlowColumns, product_ids: &[String]) -> Result<()> {
        let width = rows.width;
        match self {
            Sink::Csv(path, w) => {
                let mut line = String::with_capacity(128);
                for i in 0..rows.len() {
                    line.clear();
                    let _ = writeln!(
                        line,
                        "{},{},f{:0width$},{},{},{},{}",
                        rows.supplier[i],
                        rows.name[i],
                        rows.consumer[i],
                        product_ids[rows.product[i] as usize],
                        rows.quantity[i],
                        rows.value[i],
                        rows.years[i],
                    );
                    w.write_all(line.as_bytes())
                        .map_err(|e| Error::io("cannot write", path, e))?;
                }
                Ok(())
            }
            Sink::Parquet(path, writer) => {
                let all: Vec<usize> = (0..rows.len()).collect();
                let df = Self::frame(rows, product_ids, &all, true)?;
                writer.write_batch(&df).map_err(polars_error(path))
            }
            Sink::Dataset(dir, writers) => {
                let mut by_year: std::collections::BTreeMap<i64, Vec<usize>> = Default::default();
                for (i, y) in rows.years.iter().enumerate() {
                    by_year.entry(*y).or_default().push(i);
                }
                for (year, pick) in by_year {
                    let (path, w) = match writers.entry(year) {
                        std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                        std::collections::btree_map::Entry::Vacant(e) => {
                            let part = dir.join(format!("year={year}"));
                            std::fs::create_dir(&part)
                                .map_err(|e| Error::io("cannot create", &part, e))?;
                            let path = part.join("part-0.parquet");
                            let w = batched(&path, false)?;
                            e.insert((path, w))
                        }
                    };
                    let df = Self::frame(rows, product_ids, &pick, false)?;
                    w.write_batch(&df).map_err(polars_error(path))?;
                }
                Ok(())
            }
        }
    }

    fn finish(self) -> Result<()> {
        match self {
            Sink::Csv(path, mut w) => w.flush().map_err(|e| Error::io("cannot write", &path, e)),
            Sink::Parquet(path, w) => w.finish().map(|_| ()).map_err(polars_error(&path)),
            Sink::Dataset(_, writers) => {
                for (_, (path, w)) in writers {
                    w.finish().map_err(polars_error(&path))?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(transactions: usize) -> Params {
        Params {
            participants: 100,
            flows: 500,
            seed: 7,
            parquet: false,
            dataset: false,
            id: "t".into(),
            years: 2,
            plans: 0,
            transactions,
        }
    }

    #[test]
    fn transactions_instead_of_flows_with_stated_shares() {
        let d = tempfile::tempdir().unwrap();
        let said = generate(d.path(), &params(20_000)).unwrap();
        assert!(!d.path().join("flows.csv").exists());
        let lines = std::fs::read_to_string(d.path().join("transactions.csv")).unwrap();
        let mut it = lines.lines();
        assert_eq!(
            it.next(),
            Some("seller_inn,seller_name,origin,buyer_inn,product_code,date,quantity,value_rub")
        );
        let rows: Vec<Vec<&str>> = it.map(|l| l.split(',').collect()).collect();
        assert_eq!(rows.len(), 20_000);
        let unmatched = rows.iter().filter(|r| r[3].starts_with("77")).count();
        let unknown = rows.iter().filter(|r| r[4].starts_with("99.")).count();
        let imports = rows.iter().filter(|r| !r[2].is_empty()).count();
        assert!(
            said.contains(&format!("{unmatched} unmatched buyers")),
            "{said}"
        );
        assert!(
            said.contains(&format!("{unknown} unknown product codes")),
            "{said}"
        );
        assert!((unmatched as f64 / 20_000.0 - 0.02).abs() < 0.005, "{said}");
        assert!((unknown as f64 / 20_000.0 - 0.03).abs() < 0.005, "{said}");
        assert!(imports > 0);
        // Every line is valid input: INNs, dates of both years, exact binary values.
        for r in &rows {
            assert!(r[0].is_empty() != r[2].is_empty(), "{r:?}");
            assert!(matches!(&r[5][..5], "2024-" | "2025-"), "{r:?}");
            let q: f64 = r[6].parse().unwrap();
            let v: f64 = r[7].parse().unwrap();
            assert!(
                q > 0.0 && (q * 8.0).fract() == 0.0 && v >= 1.0 && v.fract() == 0.0,
                "{r:?}"
            );
        }
        // Products have codes, participants INNs.
        let products = std::fs::read_to_string(d.path().join("products.csv")).unwrap();
        assert!(products.lines().next().unwrap().ends_with(",code"));
        assert!(products.lines().nth(1).unwrap().ends_with(",21.00000"));
        // The same arguments give the same files.
        let e = tempfile::tempdir().unwrap();
        generate(e.path(), &params(20_000)).unwrap();
        assert_eq!(
            std::fs::read(e.path().join("transactions.csv")).unwrap(),
            lines.as_bytes()
        );
    }

    #[test]
    fn without_transactions_products_have_no_code() {
        let d = tempfile::tempdir().unwrap();
        generate(d.path(), &params(0)).unwrap();
        assert!(d.path().join("flows.csv").exists());
        assert!(!d.path().join("transactions.csv").exists());
        let products = std::fs::read_to_string(d.path().join("products.csv")).unwrap();
        assert!(!products.contains(",code"));
    }
}
