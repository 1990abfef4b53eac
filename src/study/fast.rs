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

use super::aggregate::{history, HistRow};
use super::countries::read_origin;
use super::dialect::{self, Detected, DialectOptions, Encoding};
use super::flows::{in_text_order, DOMESTIC, IMPORT};
use super::table::{parse_f64, MAX_MAGNITUDE, MIN_MAGNITUDE};
use super::Flows;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

/// The flow columns' names, in `schema::FLOWS` order (positions below index into it).
fn columns() -> [&'static str; 7] {
    super::schema::FLOWS.each_ref().map(|c| c.name)
}

/// Supplier codes are those of the flows table: participant indices below `IMPORT`.
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
    pub flows: Flows,
    pub selected_year: Option<i64>,
    pub history: super::History,
    /// Every year the rows have.
    pub years: BTreeSet<i64>,
    pub detected: Detected,
}

/// Ids of the participants and products, to resolve cells by their bytes.
pub(super) struct Ids<'a> {
    pub participants: IdMap<'a>,
    pub products: IdMap<'a>,
}

/// Id bytes -> index. An id of up to 15 bytes is looked up as one packed integer: comparing
/// the key then touches no memory outside the table, where a byte-string key costs a cache
/// miss on the id's own heap bytes for every row (a tenth of the load time at 10^7 flows).
#[derive(Default)]
pub(super) struct IdMap<'a> {
    short: FxHashMap<u128, u32>,
    long: FxHashMap<&'a [u8], u32>,
}

/// The bytes and their length in one integer, when they fit.
fn pack(bytes: &[u8]) -> Option<u128> {
    if bytes.len() > 15 {
        return None;
    }
    let mut a = [0u8; 16];
    a[..bytes.len()].copy_from_slice(bytes);
    a[15] = bytes.len() as u8;
    Some(u128::from_le_bytes(a))
}

impl<'a> IdMap<'a> {
    fn insert(&mut self, id: &'a [u8], index: u32) {
        match pack(id) {
            Some(k) => self.short.insert(k, index),
            None => self.long.insert(id, index),
        };
    }

    pub fn get(&self, id: &[u8]) -> Option<u32> {
        match pack(id) {
            Some(k) => self.short.get(&k).copied(),
            None => self.long.get(id).copied(),
        }
    }
}

impl<'a> Ids<'a> {
    /// Indices as the loader gives them: position in id (byte) order. When ids repeat or are
    /// invalid the study fails anyway, and the exact loader reads it again.
    pub fn new(participants: &[&'a str], products: &[&'a str]) -> Self {
        let index = |ids: &[&'a str]| {
            let mut sorted: Vec<&'a str> = ids.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            let mut map = IdMap::default();
            for (i, id) in sorted.into_iter().enumerate() {
                map.insert(id.as_bytes(), i as u32);
            }
            map
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
        None => dialect::delimiter(header_line, "", &columns()).ok()?,
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
        let k = columns().iter().position(|c| c == n)?;
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

    let mut phases = crate::progress::Phases::new();
    let origins = Interner::default();
    let supplier_names = Interner::default();
    let detected = Detected {
        encoding: Encoding::Utf8,
        bom,
        delimiter,
        decimal_comma: false,
        thousands_comma: false,
    };
    if std::env::var_os("NICHEGRAPH_CSV_READER").is_some_and(|v| v == "polars") {
        let df = polars_csv(body, delimiter, &names)?;
        phases.done("  parse");
        let (parsed, _) = frame_chunks(&df, None, ids, study_year, (&origins, &supplier_names))?;
        drop(df);
        phases.done("  check");
        return finish(
            parsed,
            has_year,
            study_year,
            (origins, supplier_names),
            detected,
        );
    }
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
    finish(
        parsed,
        has_year,
        study_year,
        (origins, supplier_names),
        detected,
    )
}

/// flows.csv (from its header line) read by polars into typed columns: ids and names as text,
/// amounts as f64, the year as i64. `None` when polars refuses the file (a cell that is not a
/// number, a ragged row, bytes that are not UTF-8).
fn polars_csv(body: &[u8], delimiter: u8, names: &[&str]) -> Option<polars::prelude::DataFrame> {
    use polars::prelude::{CsvReadOptions, DataType, Schema, SerReader};
    let mut schema = Schema::default();
    for n in names {
        let dtype = match *n {
            "quantity" | "value_rub" => DataType::Float64,
            "year" => DataType::Int64,
            _ => DataType::String,
        };
        schema.insert((*n).into(), dtype);
    }
    CsvReadOptions::default()
        .with_has_header(true)
        .with_schema(Some(std::sync::Arc::new(schema)))
        .map_parse_options(|o| o.with_separator(delimiter))
        .into_reader_with_file_handle(std::io::Cursor::new(body))
        .finish()
        .ok()
}

/// The aggregated flows from the chunks' rows: year selection, then sort and group.
fn finish(
    parsed: Vec<Chunk>,
    has_year: bool,
    study_year: Option<i64>,
    (origins, supplier_names): (Interner, Interner),
    detected: Detected,
) -> Option<FastFlows> {
    let mut phases = crate::progress::Phases::new();
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
    // A table without rows is a problem the exact loader reports.
    if parsed.iter().all(|c| c.read == 0) {
        return None;
    }
    let mut rows: Vec<Row> = Vec::with_capacity(parsed.iter().map(|c| c.rows.len()).sum());
    let mut earlier: Vec<HistRow> = Vec::new();
    for c in parsed {
        // A chunk kept only the rows of its own latest year (or of the study year).
        if !has_year || study_year.is_some() || c.kept_year == selected_year {
            rows.extend(c.rows);
        } else if let Some(y) = c.kept_year {
            earlier.extend(c.rows.iter().map(|r| r.history(y)));
        }
        earlier.extend(c.history);
    }
    let history = history(has_year, &years, selected_year, earlier);
    phases.done("  history");

    // Imports sort by origin text, so renumber origins by rank.
    let (origins, rank) = in_text_order(origins.into_texts());
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
            // Only to put repeated rows side by side: equal amounts add up the same either way.
            .then(a.name.cmp(&b.name))
    });
    // Rows that repeat another exactly are added up with a warning that names their lines,
    // which only the exact loader knows.
    let repeated = rows.par_windows(2).any(|w| {
        let (a, b) = (&w[0], &w[1]);
        (a.product, a.consumer, a.supplier, a.name) == (b.product, b.consumer, b.supplier, b.name)
            && a.value.to_bits() == b.value.to_bits()
            && a.quantity.to_bits() == b.quantity.to_bits()
    });
    if repeated {
        return None;
    }
    phases.done("  sort");
    let flows = group(&rows, origins, supplier_names.into_texts());
    phases.done("  group");
    Some(FastFlows {
        flows,
        selected_year,
        history,
        years,
        detected,
    })
}

/// One Parquet file of the flows: flows.parquet, or a file of a `flows/` dataset with the year
/// its path gives (`flows/year=2018/part-0.parquet`).
pub(super) struct Part<'a> {
    pub path: &'a std::path::Path,
    pub year: Option<i64>,
}

/// Reads the flows' Parquet files with polars if they have the plain layout Spark, polars,
/// DataFusion and `generate --parquet` write: text ids, floating-point or integer amounts, an
/// integer year (in the file or in the path), no nulls where a value is required. Anything
/// else, or any value the exact loader would refuse, gives `None`, and the exact loader takes
/// over.
pub(super) fn read_parquet(
    parts: &[Part],
    ids: &Ids,
    study_year: Option<i64>,
) -> Option<FastFlows> {
    // A reader may panic on a damaged file; the exact loader then reports it.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_parquet_unguarded(parts, ids, study_year)
    }))
    .ok()
    .flatten()
}

/// A required or optional text column, or `None` when it has another type.
fn strings(c: &polars::prelude::Column) -> Option<polars::prelude::StringChunked> {
    c.as_materialized_series().str().ok().cloned()
}

/// An amount column as f64 (integers convert exactly as the exact loader parses their digits),
/// with no nulls; `None` otherwise.
fn floats(c: &polars::prelude::Column) -> Option<polars::prelude::Float64Chunked> {
    use polars::prelude::DataType;
    let s = c.as_materialized_series();
    let s = match s.dtype() {
        DataType::Float64 => s.clone(),
        DataType::Float32 | DataType::Int32 | DataType::Int64 => s.cast(&DataType::Float64).ok()?,
        _ => return None,
    };
    let ca = s.f64().ok()?.clone();
    (ca.null_count() == 0).then_some(ca)
}

/// A year column as i64, with no nulls; `None` otherwise.
fn integers(c: &polars::prelude::Column) -> Option<polars::prelude::Int64Chunked> {
    use polars::prelude::DataType;
    let s = c.as_materialized_series();
    let s = match s.dtype() {
        DataType::Int64 => s.clone(),
        DataType::Int32 | DataType::Int16 | DataType::Int8 => s.cast(&DataType::Int64).ok()?,
        _ => return None,
    };
    let ca = s.i64().ok()?.clone();
    (ca.null_count() == 0).then_some(ca)
}

/// The rows of a polars frame with the flow columns, checked as the exact loader checks them,
/// in chunks; and whether they have a year (from a column, or `path_year` from a partition
/// folder). `None` when the frame has other columns or types, or any row the exact loader
/// would refuse.
fn frame_chunks(
    df: &polars::prelude::DataFrame,
    path_year: Option<i64>,
    ids: &Ids,
    study_year: Option<i64>,
    (origins, supplier_names): (&Interner, &Interner),
) -> Option<(Vec<Chunk>, bool)> {
    let mut by_kind: [Option<&polars::prelude::Column>; 7] = [None; 7];
    for c in df.columns() {
        let k = columns().iter().position(|n| *n == c.name().as_str())?;
        if by_kind[k].replace(c).is_some() {
            return None;
        }
    }
    if [0, 2, 3, 4, 5].iter().any(|&k| by_kind[k].is_none()) {
        return None;
    }
    // A year both in the file and in the path: the exact loader checks that they agree.
    if by_kind[6].is_some() && path_year.is_some() {
        return None;
    }
    let has_year = by_kind[6].is_some() || path_year.is_some();
    let n = df.height();
    let text = |k: usize| by_kind[k].map(strings);
    let (supplier, consumer, product) = (text(0)??, text(2)??, text(3)??);
    if supplier.null_count() + consumer.null_count() + product.null_count() > 0 {
        return None;
    }
    let name = match by_kind[1] {
        Some(c) => Some(strings(c)?),
        None => None,
    };
    let (quantity, value) = (floats(by_kind[4]?)?, floats(by_kind[5]?)?);
    let year = match by_kind[6] {
        Some(c) => Some(integers(c)?),
        None => None,
    };
    const RANGE: usize = 1 << 16;
    let chunks: Option<Vec<Chunk>> = (0..n.div_ceil(RANGE))
        .into_par_iter()
        .map(|k| {
            let (offset, len) = ((k * RANGE) as i64, RANGE.min(n - k * RANGE));
            let slice = |c: &polars::prelude::StringChunked| c.slice(offset, len);
            let (sup, con, pro) = (slice(&supplier), slice(&consumer), slice(&product));
            let names = name.as_ref().map(slice);
            let (qty, val) = (quantity.slice(offset, len), value.slice(offset, len));
            let years = year.as_ref().map(|y| y.slice(offset, len));
            let mut name_iter = names.as_ref().map(|c| c.iter());
            let mut year_iter = years.as_ref().map(|c| c.iter());
            let mut chunk = Chunk::default();
            let (mut origin_cache, mut name_cache) = (FxHashMap::default(), FxHashMap::default());
            let rows = sup.iter().zip(con.iter()).zip(pro.iter());
            for (((s, c), p), (q, v)) in rows.zip(qty.iter().zip(val.iter())) {
                let name = match name_iter.as_mut() {
                    Some(it) => it.next()?.unwrap_or("").trim(),
                    None => "",
                };
                // The exact loader refuses a file with NUL bytes as "not text".
                if name.contains('\0') {
                    return None;
                }
                let year = match year_iter.as_mut() {
                    Some(it) => Some(it.next()??),
                    None => path_year,
                };
                if year.is_some_and(|y| y.unsigned_abs() >= 9_000_000_000_000_000) {
                    return None;
                }
                let row = Fields {
                    supplier: s?.as_bytes(),
                    name,
                    consumer: c?.as_bytes(),
                    product: p?.as_bytes(),
                    quantity: q?,
                    value: v?,
                    year,
                };
                chunk.add(
                    row,
                    ids,
                    study_year,
                    (origins, supplier_names),
                    (&mut origin_cache, &mut name_cache),
                )?;
            }
            Some(chunk)
        })
        .collect();
    Some((chunks?, has_year))
}

fn read_parquet_unguarded(parts: &[Part], ids: &Ids, study_year: Option<i64>) -> Option<FastFlows> {
    use polars::prelude::{ParquetReader, SerReader};
    let origins = Interner::default();
    let supplier_names = Interner::default();
    let mut has_year: Option<bool> = None;
    let mut parsed: Vec<Chunk> = Vec::new();
    let mut phases = crate::progress::Phases::new();
    let (mut reading, mut checking) = (0.0, 0.0);
    for part in parts {
        let started = std::time::Instant::now();
        let file = std::fs::File::open(part.path).ok()?;
        let df = ParquetReader::new(file).finish().ok()?;
        reading += started.elapsed().as_secs_f64();
        let started = std::time::Instant::now();
        let (chunks, part_has_year) =
            frame_chunks(&df, part.year, ids, study_year, (&origins, &supplier_names))?;
        if *has_year.get_or_insert(part_has_year) != part_has_year {
            return None;
        }
        parsed.extend(chunks);
        checking += started.elapsed().as_secs_f64();
    }
    phases.split("  parquet read", reading, "  check", checking);
    let detected = Detected {
        encoding: Encoding::Utf8,
        bom: false,
        delimiter: b',',
        decimal_comma: false,
        thousands_comma: false,
    };
    finish(
        parsed,
        has_year.unwrap_or(false),
        study_year,
        (origins, supplier_names),
        detected,
    )
}

/// The flows table from rows sorted by (product, consumer, supplier, value, quantity), with
/// import origins ranked (`origins` in text order) and supplier names by interned id.
fn group(rows: &[Row], origins: Vec<String>, names: Vec<String>) -> Flows {
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
    let end = |k: usize| starts.get(k + 1).copied().unwrap_or(rows.len());
    // Already in (value, quantity) order: the same order `sum_group` sorts into.
    let (quantity, value_rub): (Vec<f64>, Vec<f64>) = starts
        .par_iter()
        .enumerate()
        .map(|(k, &s)| {
            rows[s..end(k)]
                .iter()
                .fold((0.0, 0.0), |(q, v), r| (q + r.quantity, v + r.value))
        })
        .unzip();
    let column =
        |f: fn(&Row) -> u32| -> Vec<u32> { starts.par_iter().map(|&s| f(&rows[s])).collect() };
    let mut t = Flows {
        supplier: column(|r| r.supplier),
        consumer: column(|r| r.consumer),
        product: column(|r| r.product),
        quantity,
        value_rub,
        origins,
        ..Flows::default()
    };
    if !names.is_empty() {
        // Names by text rank, so that a flow's sorted ids list its names in text order.
        let (names, rank) = in_text_order(names);
        t.names = names;
        t.name_start.reserve(starts.len() + 1);
        t.name_start.push(0);
        let mut group_names: Vec<u32> = Vec::new();
        for (k, &s) in starts.iter().enumerate() {
            group_names.clear();
            group_names.extend(
                rows[s..end(k)]
                    .iter()
                    .filter(|r| r.name != NO_NAME)
                    .map(|r| rank[r.name as usize]),
            );
            group_names.sort_unstable();
            group_names.dedup();
            t.name_ids.extend_from_slice(&group_names);
            t.name_start.push(t.name_ids.len() as u32);
        }
    }
    t
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

impl Row {
    fn history(&self, year: i64) -> HistRow {
        HistRow {
            product: self.product,
            year,
            value: self.value,
            quantity: self.quantity,
            import: self.supplier >= IMPORT && self.supplier != DOMESTIC,
        }
    }
}

#[derive(Default)]
struct Chunk {
    /// Rows read, of every year.
    read: usize,
    rows: Vec<Row>,
    /// Rows of years before the one kept in `rows` (with a study year: before it).
    history: Vec<HistRow>,
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

/// A value `Cells::number` accepts for "a number >= 0".
fn amount(v: f64) -> Option<f64> {
    let ok = (0.0..=MAX_MAGNITUDE).contains(&v) && (v == 0.0 || v >= MIN_MAGNITUDE);
    ok.then_some(v)
}

/// One row's cells, before checking.
struct Fields<'a> {
    supplier: &'a [u8],
    /// Trimmed, UTF-8.
    name: &'a str,
    consumer: &'a [u8],
    product: &'a [u8],
    quantity: f64,
    value: f64,
    year: Option<i64>,
}

type Caches = FxHashMap<Vec<u8>, u32>;

impl Chunk {
    /// Checks a row as the exact loader would and keeps it if its year counts; `None` when the
    /// exact loader would report a problem.
    fn add(
        &mut self,
        f: Fields,
        ids: &Ids,
        study_year: Option<i64>,
        (origins, names): (&Interner, &Interner),
        (origin_cache, name_cache): (&mut Caches, &mut Caches),
    ) -> Option<()> {
        self.read += 1;
        let consumer = ids.participants.get(trimmed(f.consumer))?;
        let product = ids.products.get(trimmed(f.product))?;
        let s = trimmed(f.supplier);
        let supplier = if s == b"domestic" {
            DOMESTIC
        } else if let Some(origin) = s.strip_prefix(b"import:") {
            // One lookup for an origin seen before; a new one is checked first.
            IMPORT
                + match origin_cache.get(origin) {
                    Some(&id) => id,
                    None => {
                        let origin = std::str::from_utf8(origin).ok()?;
                        // Only an origin kept as written: another spelling (`no`, `Norway`) is
                        // one origin with its code, and a warning names its line.
                        if read_origin(origin)? != (origin.to_string(), false) {
                            return None;
                        }
                        origins.id(origin_cache, origin.as_bytes(), origin)
                    }
                }
        } else {
            let i = ids.participants.get(s)?;
            if i == consumer {
                return None;
            }
            i
        };
        let (quantity, value) = (amount(f.quantity)?, amount(f.value)?);
        let name = if f.name.is_empty() {
            NO_NAME
        } else {
            names.id(name_cache, f.name.as_bytes(), f.name)
        };
        let row = Row {
            product,
            consumer,
            supplier,
            name,
            value,
            quantity,
        };
        if let Some(y) = f.year {
            self.years.insert(y);
            match study_year {
                Some(sy) if y < sy => {
                    self.history.push(row.history(y));
                    return Some(());
                }
                Some(sy) if sy != y => return Some(()),
                Some(_) => {}
                None => match self.kept_year {
                    Some(k) if y < k => {
                        self.history.push(row.history(y));
                        return Some(());
                    }
                    Some(k) if y == k => {}
                    Some(k) => {
                        // A later year: the rows kept so far become history.
                        self.history
                            .extend(self.rows.drain(..).map(|r| r.history(k)));
                        self.kept_year = Some(y);
                    }
                    None => self.kept_year = Some(y),
                },
            }
        }
        self.rows.push(row);
        Some(())
    }
}

/// A number cell as text, parsed as `Cells::number` parses it with a decimal point.
fn number(cell: &[u8]) -> Option<f64> {
    // Numbers are ASCII: no need to check the whole cell for UTF-8 first.
    let cell = trimmed(cell);
    if !cell.is_ascii() {
        return None;
    }
    parse_f64(std::str::from_utf8(cell).ok()?, false)
}

fn parse_chunk(
    data: &[u8],
    delimiter: u8,
    width: usize,
    pos: &[usize; 7],
    ids: &Ids,
    study_year: Option<i64>,
    interners: (&Interner, &Interner),
) -> Option<Chunk> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(data);
    let mut record = csv::ByteRecord::new();
    let mut chunk = Chunk {
        rows: Vec::with_capacity(data.len() / 48),
        ..Chunk::default()
    };
    let (mut origin_cache, mut name_cache) = (FxHashMap::default(), FxHashMap::default());
    while reader.read_byte_record(&mut record).ok()? {
        if record.len() == 1 && text(&record[0])?.is_empty() {
            continue;
        }
        if record.len() != width {
            return None;
        }
        let name = match pos[1] {
            usize::MAX => "",
            p => {
                let n = text(&record[p])?;
                // The exact loader refuses a file with NUL bytes as "not text".
                if n.contains('\0') {
                    return None;
                }
                n
            }
        };
        let year = match pos[6] {
            usize::MAX => None,
            p => Some(
                parse_f64(std::str::from_utf8(trimmed(&record[p])).ok()?, false)
                    .filter(|v| v.fract() == 0.0 && v.abs() < 9.0e15)? as i64,
            ),
        };
        let fields = Fields {
            supplier: &record[pos[0]],
            name,
            consumer: &record[pos[2]],
            product: &record[pos[3]],
            quantity: number(&record[pos[4]])?,
            value: number(&record[pos[5]])?,
            year,
        };
        chunk.add(
            fields,
            ids,
            study_year,
            interners,
            (&mut origin_cache, &mut name_cache),
        )?;
    }
    Some(chunk)
}
