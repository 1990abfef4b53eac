//! The fast path for flow tables: typed columns straight from the bytes, in parallel, and
//! aggregation by sorting. It keeps no text per cell and no line numbers.
//!
//! It only ever accepts a table that the exact loader (`table.rs` + `load.rs::flow_rows`) would
//! accept with the same result. Anything it is not sure about (a cell that does not parse, an
//! unknown id, a ragged row, a header it does not recognise, a non-UTF-8 byte in a name, a
//! year that selects nothing) makes it give up with `None`, and the exact loader reads the file
//! again, so every problem is still reported with its file, line, column and value. Valid data
//! never pays for positions; invalid data pays once, as before.
//!
//! Sums are canonical: the rows of one (product, consumer, supplier) are added in the order of
//! their (value, quantity), whatever the order of the rows in the file or of the threads. The
//! exact loader uses the same order (`sum_group`), so both give identical bits.

use super::dialect::{self, Detected, DialectOptions, Encoding};
use super::load::is_origin;
use super::table::{parse_f64, MAX_MAGNITUDE, MIN_MAGNITUDE};
use super::{Flow, Source};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

/// The flow columns, in `load::FLOWS` order.
const COLUMNS: [&str; 7] = [
    "supplier",
    "supplier_name",
    "consumer",
    "product",
    "quantity",
    "value_rub",
    "year",
];

/// Supplier codes below this are participant indices.
const IMPORT: u32 = 1 << 30;
const DOMESTIC: u32 = u32::MAX;
const NO_NAME: u32 = u32::MAX;

/// One valid row of the selected year, typed.
#[derive(Clone, Copy)]
struct Row {
    product: u32,
    consumer: u32,
    /// A participant index, `IMPORT + origin` or `DOMESTIC` (origins by rank after parsing).
    supplier: u32,
    name: u32,
    value: f64,
    quantity: f64,
}

/// What the fast path read: the aggregated flows and what `check` prints about the file.
pub(super) struct FastFlows {
    pub flows: Vec<Flow>,
    pub selected_year: Option<i64>,
    pub detected: Detected,
}

/// Ids of the participants and products, to resolve cells by their bytes.
pub(super) struct Ids<'a> {
    pub participants: FxHashMap<&'a [u8], u32>,
    pub products: FxHashMap<&'a [u8], u32>,
}

impl<'a> Ids<'a> {
    /// Indices as the loader gives them: position in id (byte) order. When ids repeat or are
    /// invalid the study fails anyway, and the exact loader reads it again.
    pub fn new(participants: &[&'a str], products: &[&'a str]) -> Self {
        let index = |ids: &[&'a str]| {
            let mut sorted: Vec<&'a str> = ids.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            sorted
                .into_iter()
                .enumerate()
                .map(|(i, id)| (id.as_bytes(), i as u32))
                .collect()
        };
        Ids {
            participants: index(participants),
            products: index(products),
        }
    }
}

/// Shared text interner (import origins, supplier names): a global table behind a lock, and
/// a per-thread cache in front of it so that the lock is taken once per distinct text.
#[derive(Default)]
struct Interner {
    table: Mutex<Texts>,
}

/// Text -> id, and the texts by id.
type Texts = (HashMap<Vec<u8>, u32>, Vec<String>);

impl Interner {
    fn id(&self, cache: &mut FxHashMap<Vec<u8>, u32>, bytes: &[u8], text: &str) -> u32 {
        if let Some(&id) = cache.get(bytes) {
            return id;
        }
        let mut t = self.table.lock().unwrap_or_else(|e| e.into_inner());
        let next = t.1.len() as u32;
        let id = *t.0.entry(bytes.to_vec()).or_insert(next);
        if id == next {
            t.1.push(text.to_string());
        }
        cache.insert(bytes.to_vec(), id);
        id
    }

    fn into_texts(self) -> Vec<String> {
        self.table.into_inner().unwrap_or_else(|e| e.into_inner()).1
    }
}

/// Whether the options leave the file to be read as UTF-8 with a decimal point.
pub(super) fn eligible(opts: DialectOptions) -> bool {
    !matches!(opts.encoding, Some(Encoding::Windows1251)) && opts.decimal_comma != Some(true)
}

/// Reads `bytes` (a whole flows.csv) if it is plainly valid; `None` sends it to the exact loader.
pub(super) fn read_csv(
    bytes: &[u8],
    opts: DialectOptions,
    ids: &Ids,
    study_year: Option<i64>,
) -> Option<FastFlows> {
    let (bom, body) = match bytes.strip_prefix(b"\xef\xbb\xbf") {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    // The header: the first line, in UTF-8.
    let header_end = memchr::memchr(b'\n', body).unwrap_or(body.len());
    let header_line = std::str::from_utf8(&body[..header_end]).ok()?;
    if header_line.trim().is_empty() {
        return None;
    }
    let delimiter = match opts.delimiter {
        Some(d) => d,
        None => dialect::delimiter(header_line, "", &COLUMNS).ok()?,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(body);
    let mut header = csv::StringRecord::new();
    if !reader.read_record(&mut header).ok()? {
        return None;
    }
    // The header must be that first line (no line break inside a quoted name).
    let data_start = reader.position().byte() as usize;
    if data_start > header_end + 1 {
        return None;
    }
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    let mut positions = [usize::MAX; 7];
    for (i, n) in names.iter().enumerate() {
        let k = COLUMNS.iter().position(|c| c == n)?;
        if positions[k] != usize::MAX {
            return None;
        }
        positions[k] = i;
    }
    // Required: all but supplier_name and year.
    if [0, 2, 3, 4, 5].iter().any(|&k| positions[k] == usize::MAX) {
        return None;
    }
    let width = names.len();
    let has_year = positions[6] != usize::MAX;
    let data = &body[data_start.min(body.len())..];

    let mut phases = crate::Phases::new();
    let origins = Interner::default();
    let supplier_names = Interner::default();
    let parsed: Option<Vec<Chunk>> = chunks(data)
        .into_par_iter()
        .map(|range| {
            parse_chunk(
                &data[range],
                delimiter,
                width,
                &positions,
                ids,
                study_year,
                (&origins, &supplier_names),
            )
        })
        .collect();
    let parsed = parsed?;
    phases.done("  parse");

    // The year: the study's, which must be present, or else the latest present.
    let years: BTreeSet<i64> = parsed
        .iter()
        .flat_map(|c| c.years.iter().copied())
        .collect();
    let selected_year = match (has_year, study_year) {
        (false, y) => y,
        (true, Some(y)) if years.contains(&y) => Some(y),
        (true, Some(_)) => return None,
        (true, None) => years.last().copied(),
    };
    let mut rows: Vec<Row> = Vec::with_capacity(parsed.iter().map(|c| c.rows.len()).sum());
    for c in parsed {
        // A chunk kept only the rows of its own latest year (or of the study year).
        if !has_year || study_year.is_some() || c.kept_year == selected_year {
            rows.extend(c.rows);
        }
    }

    // Imports sort by origin text, so renumber origins by rank.
    let origin_texts = origins.into_texts();
    let mut order: Vec<u32> = (0..origin_texts.len() as u32).collect();
    order.sort_by(|a, b| origin_texts[*a as usize].cmp(&origin_texts[*b as usize]));
    let mut rank = vec![0u32; order.len()];
    for (r, &o) in order.iter().enumerate() {
        rank[o as usize] = r as u32;
    }
    rows.par_iter_mut().for_each(|r| {
        if r.supplier >= IMPORT && r.supplier != DOMESTIC {
            r.supplier = IMPORT + rank[(r.supplier - IMPORT) as usize];
        }
    });
    rows.par_sort_unstable_by(|a, b| {
        (a.product, a.consumer, a.supplier)
            .cmp(&(b.product, b.consumer, b.supplier))
            .then(a.value.total_cmp(&b.value))
            .then(a.quantity.total_cmp(&b.quantity))
    });
    phases.done("  sort");
    let name_texts = supplier_names.into_texts();
    let flows = group(&rows, &order, &origin_texts, &name_texts);
    phases.done("  group");
    Some(FastFlows {
        flows,
        selected_year,
        detected: Detected {
            encoding: Encoding::Utf8,
            bom,
            delimiter,
            decimal_comma: false,
        },
    })
}

/// Sums one group's (value, quantity) pairs, sorted by (value, quantity) in place, as
/// (quantity, value). Both loaders add up flows with this, so their bits agree. Starting from
/// +0.0 also turns a "-0" cell into 0.
pub(super) fn sum_group(pairs: &mut [(f64, f64)]) -> (f64, f64) {
    pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    pairs
        .iter()
        .fold((0.0, 0.0), |(q, v), &(pv, pq)| (q + pq, v + pv))
}

/// Aggregated flows from rows sorted by (product, consumer, supplier, value, quantity).
fn group(rows: &[Row], order: &[u32], origins: &[String], names: &[String]) -> Vec<Flow> {
    // Split at group starts so that groups can be summed in parallel.
    let starts: Vec<usize> = (0..rows.len())
        .into_par_iter()
        .filter(|&i| {
            i == 0 || {
                let (a, b) = (&rows[i - 1], &rows[i]);
                (a.product, a.consumer, a.supplier) != (b.product, b.consumer, b.supplier)
            }
        })
        .collect();
    starts
        .par_iter()
        .enumerate()
        .map(|(k, &s)| {
            let end = starts.get(k + 1).copied().unwrap_or(rows.len());
            let g = &rows[s..end];
            // Already in (value, quantity) order: the same order `sum_group` sorts into.
            let (quantity, value_rub) = g
                .iter()
                .fold((0.0, 0.0), |(q, v), r| (q + r.quantity, v + r.value));
            let first = &g[0];
            let supplier = match first.supplier {
                DOMESTIC => Source::Domestic,
                c if c >= IMPORT => {
                    Source::Import(origins[order[(c - IMPORT) as usize] as usize].clone())
                }
                c => Source::Participant(c as usize),
            };
            Flow {
                supplier,
                consumer: first.consumer as usize,
                product: first.product as usize,
                quantity,
                value_rub,
                supplier_names: g
                    .iter()
                    .filter(|r| r.name != NO_NAME)
                    .map(|r| names[r.name as usize].clone())
                    .collect(),
            }
        })
        .collect()
}

/// Byte ranges of `data` that start and end at record boundaries, a few per thread.
fn chunks(data: &[u8]) -> Vec<std::ops::Range<usize>> {
    const MIN_CHUNK: usize = 1 << 20;
    let n = (rayon::current_num_threads() * 4).clamp(1, (data.len() / MIN_CHUNK).max(1));
    let quoted = memchr::memchr(b'"', data).is_some();
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    let mut quotes_before = 0usize;
    for k in 1..n {
        let target = data.len() * k / n;
        if target <= start {
            continue;
        }
        // The next line end; with quotes in the file, one outside any quoted field.
        let mut at = target;
        let mut cut = None;
        while let Some(nl) = memchr::memchr(b'\n', &data[at..]) {
            let end = at + nl + 1;
            if !quoted {
                cut = Some(end);
                break;
            }
            let q = memchr::memchr_iter(b'"', &data[start..end]).count();
            if (quotes_before + q).is_multiple_of(2) {
                quotes_before += q;
                cut = Some(end);
                break;
            }
            at = end;
        }
        let Some(end) = cut else { break };
        out.push(start..end);
        start = end;
    }
    out.push(start..data.len());
    out
}

struct Chunk {
    rows: Vec<Row>,
    years: BTreeSet<i64>,
    /// With a year column and no study year: the year whose rows `rows` holds (this chunk's latest).
    kept_year: Option<i64>,
}

/// A cell as text, trimmed the way the exact loader trims (Unicode whitespace).
fn text(cell: &[u8]) -> Option<&str> {
    std::str::from_utf8(cell).ok().map(str::trim)
}

/// A cell's bytes without ASCII whitespace around them. An id with other whitespace around
/// it is not found, and the exact loader takes over.
fn trimmed(cell: &[u8]) -> &[u8] {
    cell.trim_ascii()
}

/// A number as `Cells::number` accepts it for "a number >= 0" with a decimal point.
fn amount(cell: &[u8]) -> Option<f64> {
    // Numbers are ASCII: no need to check the whole cell for UTF-8 first.
    let cell = trimmed(cell);
    if !cell.is_ascii() {
        return None;
    }
    let v = parse_f64(std::str::from_utf8(cell).ok()?, false)?;
    let ok = (0.0..=MAX_MAGNITUDE).contains(&v) && (v == 0.0 || v >= MIN_MAGNITUDE);
    ok.then_some(v)
}

#[allow(clippy::too_many_arguments)]
fn parse_chunk(
    data: &[u8],
    delimiter: u8,
    width: usize,
    pos: &[usize; 7],
    ids: &Ids,
    study_year: Option<i64>,
    (origins, names): (&Interner, &Interner),
) -> Option<Chunk> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(data);
    let mut record = csv::ByteRecord::new();
    let mut rows = Vec::with_capacity(data.len() / 48);
    let mut years = BTreeSet::new();
    let mut kept_year: Option<i64> = None;
    let mut origin_cache = FxHashMap::default();
    let mut name_cache = FxHashMap::default();
    while reader.read_byte_record(&mut record).ok()? {
        if record.len() == 1 && text(&record[0])?.is_empty() {
            continue;
        }
        if record.len() != width {
            return None;
        }
        let consumer = *ids.participants.get(trimmed(&record[pos[2]]))?;
        let product = *ids.products.get(trimmed(&record[pos[3]]))?;
        let s = trimmed(&record[pos[0]]);
        let supplier = if s == b"domestic" {
            DOMESTIC
        } else if let Some(origin) = s.strip_prefix(b"import:") {
            let origin = std::str::from_utf8(origin).ok()?;
            if !is_origin(origin) {
                return None;
            }
            IMPORT + origins.id(&mut origin_cache, origin.as_bytes(), origin)
        } else {
            let i = *ids.participants.get(s)?;
            if i == consumer {
                return None;
            }
            i
        };
        let quantity = amount(&record[pos[4]])?;
        let value = amount(&record[pos[5]])?;
        let name = match pos[1] {
            usize::MAX => NO_NAME,
            p if trimmed(&record[p]).is_empty() => NO_NAME,
            p => {
                let n = text(&record[p])?;
                // The exact loader refuses a file with NUL bytes as "not text".
                if n.contains('\0') {
                    return None;
                }
                if n.is_empty() {
                    NO_NAME
                } else {
                    names.id(&mut name_cache, n.as_bytes(), n)
                }
            }
        };
        if pos[6] != usize::MAX {
            let y = parse_f64(std::str::from_utf8(trimmed(&record[pos[6]])).ok()?, false)
                .filter(|v| v.fract() == 0.0 && v.abs() < 9.0e15)? as i64;
            years.insert(y);
            match study_year {
                Some(sy) if sy != y => continue,
                Some(_) => {}
                None => match kept_year {
                    Some(k) if y < k => continue,
                    Some(k) if y == k => {}
                    _ => {
                        rows.clear();
                        kept_year = Some(y);
                    }
                },
            }
        }
        rows.push(Row {
            product,
            consumer,
            supplier,
            name,
            value,
            quantity,
        });
    }
    Some(Chunk {
        rows,
        years,
        kept_year,
    })
}
