//! Invariants over generated studies (proptest): row order and row splitting never change an
//! output byte; shares are fractions that add up; niches are ranked needs; total import share
//! is at least the direct one; localising a product never raises its import share.

use nichegraph::analysis::{self, whatif, Analysis};
use nichegraph::graph::SupplyGraph;
use nichegraph::report::{self, Format, Lang};
use proptest::prelude::*;
use std::fmt::Write;

#[derive(Debug, Clone)]
struct Gen {
    /// (role, stage, output_rub) per participant p0..pn.
    participants: Vec<(u8, u8, Option<u32>)>,
    /// (stage, benchmark) per product q0..qm.
    products: Vec<(u8, Option<u32>)>,
    /// (supplier kind, supplier index, consumer, product, quantity, value): kind 0 participant, 1 import, 2 domestic.
    flows: Vec<(u8, usize, usize, usize, u32, u32)>,
}

fn gen() -> impl Strategy<Value = Gen> {
    (3usize..7, 1usize..5).prop_flat_map(|(n, m)| {
        (
            prop::collection::vec((0u8..2, 1u8..5, prop::option::of(1_000u32..100_000)), n),
            prop::collection::vec((1u8..5, prop::option::of(1u32..50)), m),
            prop::collection::vec((0u8..3, 0..n, 0..n, 0..m, 0u32..100, 0u32..10_000), 1..25),
        )
            .prop_map(|(participants, products, flows)| Gen {
                participants,
                products,
                flows,
            })
    })
}

impl Gen {
    /// Flow rows as CSV lines; a participant never supplies itself, and purchases inside the
    /// cluster stay below output so that the Leontief series converges.
    fn flow_rows(&self) -> Vec<String> {
        self.rows(false)
    }

    /// With `cents`, values get decimals, so that sums depend on the order of addition unless
    /// the loader fixes it.
    fn rows(&self, cents: bool) -> Vec<String> {
        self.flows
            .iter()
            .filter(|f| !(f.0 == 0 && f.1 == f.2))
            .map(|&(kind, s, c, p, q, v)| {
                let supplier = match kind {
                    0 => format!("p{s}"),
                    1 => format!("import:O{}", s % 3),
                    _ => "domestic".to_string(),
                };
                if cents {
                    format!("{supplier},p{c},q{p},{q}.{:02},{v}.{:02}", v % 97, q % 89)
                } else {
                    format!("{supplier},p{c},q{p},{q},{v}")
                }
            })
            .collect()
    }

    fn write(&self, dir: &std::path::Path, rows: &[String]) {
        let mut parts = String::from("id,name,region,role,stage,output_rub\n");
        for (i, (role, stage, _)) in self.participants.iter().enumerate() {
            let (role, stage) = if *role == 0 {
                ("industrial", stage.to_string())
            } else {
                ("final_producer", String::new())
            };
            // Output well above anything bought from other participants (at most 25 * 10 000).
            writeln!(
                parts,
                "p{i},P{i},R{},{role},{stage},{}",
                i % 2,
                1_000_000 + i
            )
            .unwrap();
        }
        let mut prods = String::from("id,name,stage,unit,benchmark_price_rub\n");
        for (i, (stage, bench)) in self.products.iter().enumerate() {
            writeln!(
                prods,
                "q{i},Q{i},{stage},t,{}",
                bench.map(|b| b.to_string()).unwrap_or_default()
            )
            .unwrap();
        }
        let flows = format!(
            "supplier,consumer,product,quantity,value_rub\n{}\n",
            rows.join("\n")
        );
        std::fs::write(
            dir.join("study.toml"),
            "id = \"g\"\nname = \"G\"\nregions = [\"R\"]\n",
        )
        .unwrap();
        std::fs::write(dir.join("participants.csv"), parts).unwrap();
        std::fs::write(dir.join("products.csv"), prods).unwrap();
        std::fs::write(dir.join("flows.csv"), flows).unwrap();
    }
}

fn analyse(g: &Gen, rows: &[String]) -> (nichegraph::study::Study, Analysis) {
    let dir = tempfile::tempdir().unwrap();
    g.write(dir.path(), rows);
    let study = nichegraph::study::load(dir.path()).unwrap();
    let a = analysis::analyze(&study, &SupplyGraph::build(&study)).unwrap();
    (study, a)
}

fn bytes(a: &Analysis) -> Vec<(String, Vec<u8>)> {
    report::render(a, Lang::Ru, &[Format::Csv, Format::Json, Format::Md]).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn shuffling_rows_changes_no_output(g in gen(), seed in any::<u64>()) {
        let rows = g.rows(true);
        let mut shuffled = rows.clone();
        // A deterministic shuffle from the seed.
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(bytes(&analyse(&g, &rows).1), bytes(&analyse(&g, &shuffled).1));
    }

    #[test]
    fn splitting_a_flow_changes_no_output(g in gen(), pick in any::<prop::sample::Index>()) {
        let rows = g.flow_rows();
        prop_assume!(!rows.is_empty());
        let k = pick.index(rows.len());
        let cells: Vec<&str> = rows[k].split(',').collect();
        let (q, v): (u64, u64) = (cells[3].parse().unwrap(), cells[4].parse().unwrap());
        let mut split = rows.clone();
        split[k] = format!("{},{},{},{},{}", cells[0], cells[1], cells[2], q / 2, v / 3);
        split.push(format!("{},{},{},{},{}", cells[0], cells[1], cells[2], q - q / 2, v - v / 3));
        prop_assert_eq!(bytes(&analyse(&g, &rows).1), bytes(&analyse(&g, &split).1));
    }

    #[test]
    fn shares_niches_and_import_content_hold(g in gen()) {
        let (_, a) = analyse(&g, &g.flow_rows());
        for n in &a.needs {
            for s in [n.import_share, n.cluster_share, n.domestic_share] {
                prop_assert!((0.0..=1.0).contains(&s), "share {s}");
            }
            if n.demand_rub > 0.0 {
                prop_assert!((n.import_share + n.cluster_share + n.domestic_share - 1.0).abs() < 1e-12);
            }
        }
        // Niches: exactly the needs marked is_niche, ranked by addressable_rub then product id.
        let marked: Vec<&str> = a.needs.iter().filter(|n| n.is_niche).map(|n| n.product.as_str()).collect();
        let mut ranked: Vec<&str> = a.niches.iter().map(|n| n.need.product.as_str()).collect();
        for (i, n) in a.niches.iter().enumerate() {
            prop_assert_eq!(n.rank, i + 1);
            prop_assert!(!n.need.flags.is_empty());
            if i > 0 {
                let p = &a.niches[i - 1].need;
                prop_assert!(p.addressable_rub > n.need.addressable_rub
                    || (p.addressable_rub == n.need.addressable_rub && p.product < n.need.product));
            }
        }
        ranked.sort();
        prop_assert_eq!(marked, ranked);
        for r in &a.import_content {
            prop_assert!(r.total_import_share >= r.direct_import_share - 1e-12);
        }
    }

    #[test]
    fn localising_never_raises_import_share(g in gen(), share in 0.0f64..=1.0, pick in any::<prop::sample::Index>()) {
        let (study, before) = analyse(&g, &g.flow_rows());
        prop_assume!(!before.needs.is_empty());
        let need = &before.needs[pick.index(before.needs.len())];
        let l = whatif::Localize { product: need.product.clone(), share, supplier: None, inputs_like: None };
        let (scenario, _) = whatif::localize(&study, &l).unwrap();
        let after = analysis::analyze(&scenario, &SupplyGraph::build(&scenario)).unwrap();
        let after_share = after.needs.iter().find(|n| n.product == need.product).map_or(0.0, |n| n.import_share);
        prop_assert!(after_share <= need.import_share + 1e-12, "{} -> {}", need.import_share, after_share);
    }
}
