//! Synthetic transaction lines (`generate --transactions N`): invoice and customs lines for
//! `nichegraph ingest`, with stated shares of lines it must skip.

use super::{lognormal, Firm, Params, Product, Weighted, ORIGINS, YEAR};
use crate::error::{Error, Result};
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

/// The file it writes beside the study.
pub(super) const FILE: &str = "transactions.csv";

/// A product's code in products.csv and on transaction lines: digits and dots, unique.
pub(super) fn product_code(stage: u8, j: usize) -> String {
    format!("2{stage}.{j:05}")
}

/// Shares of transaction lines, per mille, drawn before anything else about a line.
pub const UNMATCHED_BUYER_PER_MILLE: u32 = 20;
pub const UNKNOWN_CODE_PER_MILLE: u32 = 30;
pub const INTERNAL_PER_MILLE: u32 = 10;

/// What the generated trade is drawn from.
pub(super) struct Trade<'a> {
    pub(super) firms: &'a [Firm],
    pub(super) products: &'a [Product],
    pub(super) buyers: &'a Weighted,
    pub(super) sellers: &'a [Option<(Vec<usize>, Weighted)>],
    pub(super) product_pick: &'a Weighted,
    pub(super) origins: &'a Weighted,
    pub(super) per_stage: usize,
}

/// How many generated lines fall in each category that `ingest` tells apart.
#[derive(Debug, Default)]
pub(super) struct Shares {
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
pub(super) fn write(
    dir: &Path,
    t: &Trade,
    p: &Params,
    rng: &mut fastrand::Rng,
) -> Result<(Shares, Vec<f64>)> {
    let path = dir.join(FILE);
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

#[cfg(test)]
mod tests {
    use super::super::{generate, Params};

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
