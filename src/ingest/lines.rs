//! One chunk of transaction lines: each line validated, mapped to a flow (SPEC "From
//! transaction lines to flows") or to the category it is skipped as, and the chunk reduced to
//! sums in line order. Chunks are reduced on any thread and merged in chunk order
//! (`super::total`), so the sums never depend on the number of threads.

use super::lookup::Lookup;
use crate::error::Problem;
use crate::study::table::{Cell, Cells};
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// The columns of transaction lines, in this order everywhere (`Layout::positions`).
pub use crate::study::schema::TRANSACTIONS as COLUMNS;
pub const SELLER_INN: usize = 0;
pub const SELLER_NAME: usize = 1;
pub const ORIGIN: usize = 2;
pub const BUYER_INN: usize = 3;
pub const PRODUCT_CODE: usize = 4;
pub const DATE: usize = 5;
pub const QUANTITY: usize = 6;
pub const VALUE_RUB: usize = 7;

/// Problems listed per run; the rest are counted.
pub const MAX_PROBLEMS: usize = 100;

/// How the fields of one input file are laid out and read.
#[derive(Debug)]
pub struct Layout {
    /// The file as messages name it.
    pub file: String,
    /// For each of `COLUMNS`: its field index in a record, if the file has it.
    pub positions: [Option<usize>; 8],
    /// How each field is named in messages: its 1-based number in CSV, its name in Parquet.
    pub labels: Vec<String>,
    pub decimal_comma: bool,
    pub comma_groups: bool,
}

/// Lines as read, before validation: records with the line (CSV) or row (Parquet) each starts on.
pub struct Chunk {
    pub layout: Arc<Layout>,
    pub places: Vec<u64>,
    pub records: Vec<csv::ByteRecord>,
    /// Problems the reader found (ragged rows, text that is not UTF-8).
    pub problems: Vec<Problem>,
}

/// A count of lines and their summed quantity and value.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Sums {
    pub count: u64,
    pub quantity: f64,
    pub value_rub: f64,
}

impl Sums {
    fn add(&mut self, quantity: f64, value_rub: f64) {
        self.count += 1;
        self.quantity += quantity;
        self.value_rub += value_rub;
    }

    pub fn merge(&mut self, o: &Sums) {
        self.count += o.count;
        self.quantity += o.quantity;
        self.value_rub += o.value_rub;
    }
}

/// The categories of ingest.json, in its order.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub read: Sums,
    pub used: Sums,
    pub unmatched_buyer: Sums,
    pub unmatched_product: Sums,
    pub internal: Sums,
}

impl Tally {
    pub fn merge(&mut self, o: &Tally) {
        self.read.merge(&o.read);
        self.used.merge(&o.used);
        self.unmatched_buyer.merge(&o.unmatched_buyer);
        self.unmatched_product.merge(&o.unmatched_product);
        self.internal.merge(&o.internal);
    }
}

/// Where a flow comes from; origins by their index in the `Partial`'s interner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Supplier {
    Participant(u32),
    Import(u32),
    Domestic,
}

/// One output row's key; texts by their index in the `Partial`'s interners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub supplier: Supplier,
    pub name: u32,
    pub consumer: u32,
    pub product: u32,
    pub year: i32,
}

/// Texts that repeat on many lines (origins, seller names), kept once.
#[derive(Debug, Default)]
pub struct Interner {
    ids: HashMap<Box<str>, u32>,
    pub texts: Vec<Box<str>>,
}

impl Interner {
    pub fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.texts.len() as u32;
        self.texts.push(s.into());
        self.ids.insert(s.into(), i);
        i
    }
}

/// A chunk reduced: its sums by output key, by category, and by unmatched INN and code.
#[derive(Debug, Default)]
pub struct Partial {
    pub tally: Tally,
    pub flows: HashMap<Key, Sums>,
    pub origins: Interner,
    pub names: Interner,
    pub unmatched_buyers: HashMap<Box<str>, Sums>,
    pub unmatched_products: HashMap<Box<str>, Sums>,
    pub problems: Vec<Problem>,
    /// Problems found beyond those kept.
    pub more_problems: u64,
}

impl Partial {
    fn problem(&mut self, p: Problem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(p);
        } else {
            self.more_problems += 1;
        }
    }
}

/// Whether a tax id (ИНН) is well formed: 10 digits (an organisation) or 12 (a person).
pub fn is_inn(s: &str) -> bool {
    matches!(s.len(), 10 | 12) && s.bytes().all(|b| b.is_ascii_digit())
}

/// The year of a `YYYY-MM-DD` date that exists in the calendar.
pub fn date_year(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (y >= 1 && (1..=days).contains(&d)).then_some(y as i32)
}

/// Whether an origin is `[A-Za-z0-9_-]+`.
pub fn is_origin(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Validates, maps and sums every line of `chunk`.
pub fn reduce(chunk: &Chunk, lookup: &Lookup) -> Partial {
    let mut out = Partial::default();
    for p in &chunk.problems {
        out.problem(p.clone());
    }
    let layout = &*chunk.layout;
    let mut problems = Vec::new();
    for (record, &place) in chunk.records.iter().zip(&chunk.places) {
        // Text cells, trimmed; a field that is not UTF-8 is reported once for its line.
        let mut texts: [&str; 8] = [""; 8];
        let mut utf8 = true;
        for (k, pos) in layout.positions.iter().enumerate() {
            if let Some(field) = pos.and_then(|p| record.get(p)) {
                match std::str::from_utf8(field) {
                    Ok(t) => texts[k] = t.trim(),
                    Err(_) => utf8 = false,
                }
            }
        }
        if !utf8 {
            out.problem(
                Problem::file(
                    &layout.file,
                    "the line is not UTF-8 text; expected UTF-8 throughout the file (or set --encoding windows-1251)",
                )
                .at_line(place),
            );
            continue;
        }
        let cell = |k: usize| -> Option<Cell<'_>> {
            let pos = layout.positions[k]?;
            Some(Cell {
                file: &layout.file,
                line: place,
                column: &layout.labels[pos],
                field: COLUMNS[k].name,
                text: texts[k],
                decimal_comma: layout.decimal_comma,
                comma_groups: layout.comma_groups,
            })
        };
        let mut c = Cells {
            problems: &mut problems,
        };
        let inn = |c: &mut Cells, k: usize, required: bool| -> Option<()> {
            let cl = cell(k);
            let cl = if required {
                c.required(cl)?
            } else {
                cl.filter(|x| !x.text.is_empty())?
            };
            if !is_inn(cl.text) {
                c.problems
                    .push(cl.problem("not an INN; expected 10 or 12 digits"));
            }
            Some(())
        };
        inn(&mut c, SELLER_INN, false);
        inn(&mut c, BUYER_INN, true);
        let origin = texts[ORIGIN];
        if let Some(cl) = cell(ORIGIN).filter(|x| !x.text.is_empty()) {
            if !is_origin(cl.text) {
                c.problems.push(cl.problem(
                    "not a country of origin; expected letters, digits, '_' or '-', such as CN",
                ));
            }
        }
        if origin.is_empty() && texts[SELLER_INN].is_empty() {
            let p = match cell(SELLER_INN) {
                Some(cl) => cl.problem(
                    "the value is missing; a line without an origin (not an import) needs the seller's INN",
                ),
                None => Problem::file(
                    &layout.file,
                    "the seller's INN is missing (the file has no seller_inn column); a line without an origin (not an import) needs it",
                )
                .at_line(place),
            };
            c.problems.push(p);
        }
        let code = c.required(cell(PRODUCT_CODE)).map(|cl| cl.text);
        let year = c.required(cell(DATE)).and_then(|cl| {
            let y = date_year(cl.text);
            if y.is_none() {
                c.problems.push(cl.problem(
                    "not a date; expected YYYY-MM-DD, a day that exists in the calendar, such as 2025-03-31",
                ));
            }
            y
        });
        let quantity = c.number(cell(QUANTITY), "a number >= 0", |v| v >= 0.0);
        let value = c.number(cell(VALUE_RUB), "a number >= 0", |v| v >= 0.0);
        if !problems.is_empty() {
            for p in problems.drain(..) {
                out.problem(p);
            }
            continue;
        }
        let (Some(code), Some(year), Some(quantity), Some(value)) = (code, year, quantity, value)
        else {
            continue;
        };
        out.tally.read.add(quantity, value);
        let buyer_inn = texts[BUYER_INN];
        let Some(consumer) = lookup.participant(buyer_inn) else {
            out.tally.unmatched_buyer.add(quantity, value);
            add_to(&mut out.unmatched_buyers, buyer_inn, quantity, value);
            continue;
        };
        let code = crate::study::product_code(code).unwrap_or_default();
        let Some(product) = lookup.product(&code) else {
            out.tally.unmatched_product.add(quantity, value);
            add_to(&mut out.unmatched_products, &code, quantity, value);
            continue;
        };
        let supplier = if !origin.is_empty() {
            Supplier::Import(out.origins.id(origin))
        } else {
            match lookup.participant(texts[SELLER_INN]) {
                Some(s) if s == consumer => {
                    out.tally.internal.add(quantity, value);
                    continue;
                }
                Some(s) => Supplier::Participant(s),
                None => Supplier::Domestic,
            }
        };
        out.tally.used.add(quantity, value);
        let key = Key {
            supplier,
            name: out.names.id(texts[SELLER_NAME]),
            consumer,
            product,
            year,
        };
        out.flows.entry(key).or_default().add(quantity, value);
    }
    // The reader's problems (ragged lines) among the others, in line order.
    out.problems.sort_by_key(|p| p.line);
    out
}

fn add_to(map: &mut HashMap<Box<str>, Sums>, key: &str, quantity: f64, value: f64) {
    match map.get_mut(key) {
        Some(s) => s.add(quantity, value),
        None => {
            let mut s = Sums::default();
            s.add(quantity, value);
            map.insert(key.into(), s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inns_are_10_or_12_digits() {
        assert!(is_inn("1655000001") && is_inn("165500000312"));
        for bad in [
            "",
            "165500000",
            "16550000011",
            "1655000001234",
            "16550000x1",
            "１６５５０００００１",
        ] {
            assert!(!is_inn(bad), "{bad}");
        }
    }

    #[test]
    fn dates_exist_in_the_calendar() {
        assert_eq!(date_year("2024-02-29"), Some(2024));
        assert_eq!(date_year("2000-02-29"), Some(2000));
        assert_eq!(date_year("2025-12-31"), Some(2025));
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2025-04-31",
            "2025-13-01",
            "2025-00-10",
            "2025-01-00",
            "0000-01-01",
            "2025-1-01",
            "2025/01/01",
            "25-01-2025",
            "2025-01-01T00:00",
            "",
        ] {
            assert_eq!(date_year(bad), None, "{bad}");
        }
    }

    #[test]
    fn origins() {
        assert!(is_origin("CN") && is_origin("EU-27") && is_origin("x_1"));
        assert!(!is_origin("") && !is_origin("D E") && !is_origin("Кит"));
    }

    fn chunk(rows: &[&str]) -> Chunk {
        let positions = [
            Some(0),
            Some(1),
            Some(2),
            Some(3),
            Some(4),
            Some(5),
            Some(6),
            Some(7),
        ];
        Chunk {
            layout: Arc::new(Layout {
                file: "t.csv".into(),
                positions,
                labels: (1..=8).map(|i| i.to_string()).collect(),
                decimal_comma: false,
                comma_groups: false,
            }),
            places: (2..2 + rows.len() as u64).collect(),
            records: rows
                .iter()
                .map(|r| csv::ByteRecord::from(r.split(',').collect::<Vec<_>>()))
                .collect(),
            problems: Vec::new(),
        }
    }

    fn lookup() -> Lookup {
        use crate::study::{Members, Participant, Product, Role};
        let p = |id: &str, inn: &str| Participant {
            id: id.into(),
            name: id.into(),
            region: "r".into(),
            role: Role::Industrial,
            stage: Some(1),
            employees: None,
            hp_jobs: None,
            in_governance: None,
            output_rub: None,
            inn: Some(inn.into()),
        };
        let m = Members {
            participants: vec![(2, p("a", "1111111111")), (3, p("b", "2222222222"))],
            products: vec![(
                2,
                Product {
                    id: "x".into(),
                    name: "x".into(),
                    stage: 1,
                    unit: "т".into(),
                    benchmark_price_rub: None,
                    capex_rub_per_unit: None,
                    min_capacity: None,
                    code: Some("20.1".into()),
                },
            )],
            participants_file: "participants.csv".into(),
            products_file: "products.csv".into(),
            inn_column: Some("6".into()),
            code_column: Some("5".into()),
        };
        Lookup::new(&m).unwrap()
    }

    #[test]
    fn each_line_goes_to_one_category() {
        let c = chunk(&[
            "2222222222,,,1111111111,20.1,2025-01-01,1,10",
            "2222222222,,,1111111111,20 .1,2025-06-01,2,20",
            ",,CN,1111111111,20.1,2025-01-01,1,5",
            "3333333333,,,1111111111,20.1,2024-01-01,1,7",
            "2222222222,,,9999999999,20.1,2025-01-01,1,100",
            "2222222222,,,1111111111,99,2025-01-01,1,200",
            "1111111111,,,1111111111,20.1,2025-01-01,1,400",
        ]);
        let p = reduce(&c, &lookup());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let t = p.tally;
        assert_eq!((t.read.count, t.read.value_rub), (7, 742.0));
        assert_eq!((t.used.count, t.used.value_rub), (4, 42.0));
        assert_eq!(t.unmatched_buyer.value_rub, 100.0);
        assert_eq!(t.unmatched_product.value_rub, 200.0);
        assert_eq!((t.internal.count, t.internal.value_rub), (1, 400.0));
        // b -> a twice (one key), an import, and a domestic seller.
        assert_eq!(p.flows.len(), 3);
        let ba = Key {
            supplier: Supplier::Participant(1),
            name: 0,
            consumer: 0,
            product: 0,
            year: 2025,
        };
        assert_eq!(p.flows[&ba].value_rub, 30.0);
        assert_eq!(p.unmatched_products["99"].value_rub, 200.0);
    }

    #[test]
    fn problems_name_line_and_column() {
        let c = chunk(&["2222222222,,,111111111,20.1,2025-02-30,1,-1"]);
        let p = reduce(&c, &lookup());
        let shown: Vec<String> = p.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert!(shown[0].starts_with("t.csv:2:4: buyer_inn \"111111111\": not an INN"));
        assert!(shown[1].starts_with("t.csv:2:6: date \"2025-02-30\": not a date"));
        assert!(shown[2].starts_with("t.csv:2:8: value_rub \"-1\": out of range"));
        assert_eq!(p.tally.read.count, 0);
    }
}
