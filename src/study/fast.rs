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
use super::table::{parse_f64, MAX_MAGNITUDE, MIN_MAGNITUDE};
use super::{Flow, Source};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

/// The flow columns' names, in `schema::FLOWS` order (positions below index into it).
fn columns() -> [&'static str; 7] {
    super::schema::FLOWS.each_ref().map(|c| c.name)
}

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
    pub history: super::History,
    /// Every year the rows have.
    pub years: BTreeSet<i64>,
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
    let detected = Detected {
        encoding: Encoding::Utf8,
        bom,
        delimiter,
        decimal_comma: false,
        thousands_comma: false,
    };
    finish(
        parsed,
        has_year,
        study_year,
        (origins, supplier_names),
        detected,
    )
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
    let name_texts = supplier_names.into_texts();
    let flows = group(&rows, &order, &origin_texts, &name_texts);
    phases.done("  group");
    Some(FastFlows {
        flows,
        selected_year,
        history,
        years,
        detected,
    })
}

/// Reads flows.parquet if it has the plain layout `generate --parquet` and most tools write:
/// text ids (BYTE_ARRAY), DOUBLE amounts, an INT32/INT64 year, no nesting. Anything else, or
/// any value the exact loader would refuse, gives `None`, and the exact loader takes over.
pub(super) fn read_parquet(
    path: &std::path::Path,
    ids: &Ids,
    study_year: Option<i64>,
) -> Option<FastFlows> {
    // The reader may panic on a damaged file; the exact loader then reports it.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_parquet_unguarded(path, ids, study_year)
    }))
    .ok()
    .flatten()
}

fn read_parquet_unguarded(
    path: &std::path::Path,
    ids: &Ids,
    study_year: Option<i64>,
) -> Option<FastFlows> {
    use parquet::basic::Type;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    // From memory: a `File` shares one offset between the column readers, which run in parallel.
    let bytes = bytes::Bytes::from(std::fs::read(path).ok()?);
    let reader = SerializedFileReader::new(bytes).ok()?;
    let meta = reader.metadata();
    let schema = meta.file_metadata().schema_descr();
    let fields = meta.file_metadata().schema().get_fields();
    if fields.len() != schema.num_columns() {
        return None;
    }
    let mut positions = [usize::MAX; 7];
    for i in 0..schema.num_columns() {
        let c = schema.column(i);
        if c.max_rep_level() != 0 || c.max_def_level() > 1 {
            return None;
        }
        let k = columns().iter().position(|n| *n == c.name().trim())?;
        let fits = match k {
            0..=3 => c.physical_type() == Type::BYTE_ARRAY,
            4 | 5 => c.physical_type() == Type::DOUBLE,
            _ => matches!(c.physical_type(), Type::INT32 | Type::INT64),
        };
        if !fits || positions[k] != usize::MAX {
            return None;
        }
        positions[k] = i;
    }
    if [0, 2, 3, 4, 5].iter().any(|&k| positions[k] == usize::MAX) {
        return None;
    }
    let has_year = positions[6] != usize::MAX;
    let origins = Interner::default();
    let supplier_names = Interner::default();
    let groups = reader.num_row_groups();
    let parsed: Option<Vec<Vec<Chunk>>> = (0..groups)
        .into_par_iter()
        .map(|g| {
            let rg = reader.get_row_group(g).ok()?;
            let n = usize::try_from(rg.metadata().num_rows()).ok()?;
            let text = |k: usize| -> Option<Vec<Option<parquet::data_type::ByteArray>>> {
                if positions[k] == usize::MAX {
                    return Some(vec![None; n]);
                }
                column::<parquet::data_type::ByteArrayType>(
                    rg.get_column_reader(positions[k]).ok()?,
                    n,
                )
            };
            let number = |k: usize| -> Option<Vec<Option<f64>>> {
                column::<parquet::data_type::DoubleType>(
                    rg.get_column_reader(positions[k]).ok()?,
                    n,
                )
            };
            let year = || -> Option<Vec<Option<i64>>> {
                Some(if !has_year {
                    vec![None; n]
                } else if schema.column(positions[6]).physical_type() == Type::INT32 {
                    column::<parquet::data_type::Int32Type>(
                        rg.get_column_reader(positions[6]).ok()?,
                        n,
                    )?
                    .into_iter()
                    .map(|v| v.map(i64::from))
                    .collect()
                } else {
                    column::<parquet::data_type::Int64Type>(
                        rg.get_column_reader(positions[6]).ok()?,
                        n,
                    )?
                })
            };
            // Columns are decoded in parallel, then rows checked in parallel ranges: a file
            // may hold a single large row group.
            let (((supplier, name), (consumer, product)), ((quantity, value), year)) = rayon::join(
                || rayon::join(|| (text(0), text(1)), || (text(2), text(3))),
                || rayon::join(|| (number(4), number(5)), year),
            );
            let (supplier, name, consumer, product) = (supplier?, name?, consumer?, product?);
            let (quantity, value, year) = (quantity?, value?, year?);
            const RANGE: usize = 1 << 16;
            (0..n.div_ceil(RANGE))
                .into_par_iter()
                .map(|k| {
                    let mut chunk = Chunk::default();
                    let (mut origin_cache, mut name_cache) =
                        (FxHashMap::default(), FxHashMap::default());
                    for r in k * RANGE..((k + 1) * RANGE).min(n) {
                        fn at(
                            c: &[Option<parquet::data_type::ByteArray>],
                            r: usize,
                        ) -> Option<&[u8]> {
                            c[r].as_ref().map(|b| b.data())
                        }
                        let cell = |c| at(c, r);
                        let row = Fields {
                            supplier: cell(&supplier)?,
                            name: std::str::from_utf8(cell(&name).unwrap_or(b"")).ok()?.trim(),
                            consumer: cell(&consumer)?,
                            product: cell(&product)?,
                            quantity: quantity[r]?,
                            value: value[r]?,
                            year: if has_year { Some(year[r]?) } else { None },
                        };
                        chunk.add(
                            row,
                            ids,
                            study_year,
                            (&origins, &supplier_names),
                            (&mut origin_cache, &mut name_cache),
                        )?;
                    }
                    Some(chunk)
                })
                .collect::<Option<Vec<Chunk>>>()
        })
        .collect();
    let parsed: Option<Vec<Chunk>> = parsed.map(|v| v.into_iter().flatten().collect());
    let detected = Detected {
        encoding: Encoding::Utf8,
        bom: false,
        delimiter: b',',
        decimal_comma: false,
        thousands_comma: false,
    };
    finish(
        parsed?,
        has_year,
        study_year,
        (origins, supplier_names),
        detected,
    )
}

/// All `n` values of one column chunk, `None` for a null.
fn column<T: parquet::data_type::DataType>(
    reader: parquet::column::reader::ColumnReader,
    n: usize,
) -> Option<Vec<Option<T::T>>>
where
    T::T: Clone,
{
    let mut typed = T::get_column_reader(reader)?;
    let (mut values, mut defs) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut read = 0;
    while read < n {
        let (records, _, _) = typed
            .read_records(n - read, Some(&mut defs), None, &mut values)
            .ok()?;
        if records == 0 {
            return None;
        }
        read += records;
    }
    if !typed_max_def(&defs, values.len(), n)? {
        return Some(values.into_iter().map(Some).collect());
    }
    let mut it = values.into_iter();
    defs.iter()
        .map(|&d| {
            if d == 0 {
                Some(None)
            } else {
                it.next().map(Some)
            }
        })
        .collect()
}

/// Whether the column has nulls to place (its definition levels tell, one per row), checked
/// against the number of values read.
fn typed_max_def(defs: &[i16], values: usize, n: usize) -> Option<bool> {
    if defs.is_empty() {
        return (values == n).then_some(false);
    }
    let present = defs.iter().filter(|&&d| d > 0).count();
    (defs.len() == n && present == values).then_some(true)
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
        let consumer = *ids.participants.get(trimmed(f.consumer))?;
        let product = *ids.products.get(trimmed(f.product))?;
        let s = trimmed(f.supplier);
        let supplier = if s == b"domestic" {
            DOMESTIC
        } else if let Some(origin) = s.strip_prefix(b"import:") {
            let origin = std::str::from_utf8(origin).ok()?;
            // Only an origin kept as written: another spelling (`no`, `Norway`) is one
            // origin with its code, and a warning names its line.
            if !origin_cache.contains_key(origin.as_bytes())
                && read_origin(origin)? != (origin.to_string(), false)
            {
                return None;
            }
            IMPORT + origins.id(origin_cache, origin.as_bytes(), origin)
        } else {
            let i = *ids.participants.get(s)?;
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
