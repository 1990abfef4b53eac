//! transactions.csv read as a stream, in chunks of a fixed number of lines.
//!
//! The dialect (encoding, separator, decimal mark) is detected from the first MiB as the study
//! loader detects it (`study::dialect`), then the whole file is read that way: a later line
//! written otherwise is an error on that line that names the option to set. The `csv` crate
//! parses; line numbers are those a text editor shows (the header is line 1).

use super::lines::{Chunk, Layout, COLUMNS, QUANTITY, VALUE_RUB};
use crate::error::{Error, Problem, Result};
use crate::study::dialect::{self, DialectOptions, Encoding};
use crate::study::table::Table;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// The part of the file that decides its dialect.
const SAMPLE: usize = 1 << 20;

/// UTF-8 text with LF line ends from the file's bytes: Windows-1251 decoded, a BOM dropped,
/// CRLF and lone CR read as LF, and a last LF added when the file has none, so that every
/// record ends with one LF and line numbers follow from the LFs alone.
struct Text<R> {
    inner: R,
    windows_1251: bool,
    skip_bom: bool,
    after_cr: bool,
    last: u8,
    eof: bool,
    raw: Vec<u8>,
    out: Vec<u8>,
    at: usize,
}

impl<R: Read> Text<R> {
    fn new(inner: R, encoding: Encoding) -> Self {
        Text {
            inner,
            windows_1251: encoding == Encoding::Windows1251,
            skip_bom: encoding == Encoding::Utf8,
            after_cr: false,
            last: b'\n',
            eof: false,
            raw: vec![0; 1 << 16],
            out: Vec::with_capacity(1 << 17),
            at: 0,
        }
    }

    fn refill(&mut self) -> std::io::Result<()> {
        self.out.clear();
        self.at = 0;
        while self.out.is_empty() && !self.eof {
            let n = self.inner.read(&mut self.raw)?;
            if n == 0 {
                self.eof = true;
                if self.last != b'\n' {
                    self.out.push(b'\n');
                }
                break;
            }
            let mut block = &self.raw[..n];
            if self.skip_bom {
                // Only the file's first bytes can be a BOM (a first read is never this short).
                self.skip_bom = false;
                block = block.strip_prefix(b"\xef\xbb\xbf").unwrap_or(block);
            }
            let decoded;
            if self.windows_1251 {
                // A single-byte encoding: any block boundary is a character boundary.
                decoded = encoding_rs::WINDOWS_1251
                    .decode_without_bom_handling(block)
                    .0
                    .into_owned()
                    .into_bytes();
                block = &decoded;
            }
            for &b in block {
                match b {
                    b'\r' => {
                        self.out.push(b'\n');
                        self.after_cr = true;
                    }
                    b'\n' if self.after_cr => self.after_cr = false,
                    _ => {
                        self.out.push(b);
                        self.after_cr = false;
                    }
                }
            }
            if let Some(&l) = self.out.last() {
                self.last = l;
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Text<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.out.len() {
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn data(p: Problem) -> Error {
    Error::Data(vec![p])
}

/// How the file is written, from its first MiB: (encoding, separator, decimal comma).
fn detect(path: &Path, shown: &str, opts: DialectOptions) -> Result<(Encoding, u8, bool)> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io("cannot read", path, e))?;
    let mut sample = Vec::with_capacity(SAMPLE);
    (&mut f)
        .take(SAMPLE as u64)
        .read_to_end(&mut sample)
        .map_err(|e| Error::io("cannot read", path, e))?;
    if sample.len() == SAMPLE {
        // Whole lines only, so that no character is cut in two.
        if let Some(end) = memchr::memrchr(b'\n', &sample) {
            sample.truncate(end + 1);
        }
    }
    let (text, encoding, _) =
        dialect::decode(&sample, shown, opts.encoding).map_err(|p| data(*p))?;
    let names: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
    let delimiter = match opts.delimiter {
        Some(d) => d,
        None => dialect::delimiter(&text, shown, &names).map_err(|p| data(*p))?,
    };
    let decimal_comma = match opts.decimal_comma {
        Some(d) => d,
        None => {
            let mut problems = Vec::new();
            let t = Table::parse(
                text.as_bytes(),
                shown,
                &COLUMNS,
                &[COLUMNS[QUANTITY].name, COLUMNS[VALUE_RUB].name],
                DialectOptions {
                    encoding: Some(Encoding::Utf8),
                    delimiter: Some(delimiter),
                    decimal_comma: None,
                },
                &mut problems,
            );
            match t {
                Some((t, _)) => t.decimal_comma,
                // The header's problems are reported by the full read, with all others.
                None => match problems
                    .into_iter()
                    .find(|p| p.message.contains("decimal mark"))
                {
                    Some(p) => return Err(data(p)),
                    None => false,
                },
            }
        }
    };
    Ok((encoding, delimiter, decimal_comma))
}

/// Reads the file at `path` and hands its lines to `sink`, `chunk_lines` at a time.
pub fn read(
    path: &Path,
    shown: &str,
    opts: DialectOptions,
    chunk_lines: usize,
    mut sink: impl FnMut(Chunk) -> Result<()>,
) -> Result<()> {
    let (encoding, delimiter, decimal_comma) = detect(path, shown, opts)?;
    let f = std::fs::File::open(path).map_err(|e| Error::io("cannot read", path, e))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(1 << 16)
        .from_reader(Text::new(f, encoding));
    let mut layout: Option<Arc<Layout>> = None;
    let mut width = 0;
    let mut chunk = new_chunk(&layout, chunk_lines);
    loop {
        let mut record = csv::ByteRecord::new();
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line());
                let mut p = Problem::file(shown, format!("cannot parse CSV: {e}"));
                if let Some(l) = line {
                    p = p.at_line(l);
                }
                return Err(data(p));
            }
        }
        // Every record ends with one LF (see `Text`): it starts as many lines before the
        // reader's line as it has line breaks inside, plus that LF.
        let inside = memchr::memchr_iter(b'\n', record.as_slice()).count() as u64;
        let line = reader.position().line().saturating_sub(1 + inside);
        // A whitespace-only line is blank: skipped, but counted.
        if record.len() == 1 && record[0].iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        if layout.is_none() {
            let l = header(&record, line, shown, decimal_comma)?;
            width = record.len();
            layout = Some(Arc::new(l));
            chunk = new_chunk(&layout, chunk_lines);
            continue;
        }
        if record.len() != width {
            chunk.problems.push(
                Problem::file(
                    shown,
                    format!(
                        "the line has {} field(s); expected {width} as in the header",
                        record.len()
                    ),
                )
                .at_line(line),
            );
            continue;
        }
        chunk.places.push(line);
        chunk.records.push(record);
        if chunk.records.len() == chunk_lines {
            let next = new_chunk(&layout, chunk_lines);
            sink(std::mem::replace(&mut chunk, next))?;
        }
    }
    if layout.is_none() {
        let names: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
        return Err(data(Problem::file(
            shown,
            format!(
                "the file is empty; expected a header row with the columns {}",
                names.join(", ")
            ),
        )));
    }
    if !chunk.records.is_empty() || !chunk.problems.is_empty() {
        sink(chunk)?;
    }
    Ok(())
}

fn new_chunk(layout: &Option<Arc<Layout>>, capacity: usize) -> Chunk {
    Chunk {
        layout: layout.clone().unwrap_or_else(|| {
            Arc::new(Layout {
                file: String::new(),
                positions: [None; 8],
                labels: Vec::new(),
                decimal_comma: false,
                comma_groups: false,
            })
        }),
        places: Vec::with_capacity(if layout.is_some() { capacity } else { 0 }),
        records: Vec::with_capacity(if layout.is_some() { capacity } else { 0 }),
        problems: Vec::new(),
    }
}

/// The layout of the header record, or its problems (unknown, repeated or missing columns).
fn header(record: &csv::ByteRecord, line: u64, shown: &str, decimal_comma: bool) -> Result<Layout> {
    let names: Vec<String> = record
        .iter()
        .map(|f| String::from_utf8_lossy(f).trim().to_string())
        .collect();
    let mut problems = Vec::new();
    let label = |i: usize| (i + 1).to_string();
    let _ = Table::from_records(
        shown,
        line,
        names.clone(),
        Vec::new(),
        &COLUMNS,
        &mut problems,
        label,
    );
    if !problems.is_empty() {
        return Err(Error::Data(problems));
    }
    let mut positions = [None; 8];
    for (k, c) in COLUMNS.iter().enumerate() {
        positions[k] = names.iter().position(|n| n == c.name);
    }
    Ok(Layout {
        file: shown.to_string(),
        positions,
        labels: (0..names.len()).map(label).collect(),
        decimal_comma,
        comma_groups: !decimal_comma,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8], encoding: Encoding) -> Vec<u8> {
        let mut out = Vec::new();
        Text::new(bytes, encoding).read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn line_ends_become_one_lf_and_the_last_line_gets_one() {
        assert_eq!(
            text(b"\xef\xbb\xbfa\r\nb\rc\n\r\nd", Encoding::Utf8),
            b"a\nb\nc\n\nd\n"
        );
        assert_eq!(text(b"a\n", Encoding::Utf8), b"a\n");
        assert_eq!(text(b"", Encoding::Utf8), b"");
        let (b, _, _) = encoding_rs::WINDOWS_1251.encode("Смола\r\n");
        assert_eq!(text(&b, Encoding::Windows1251), "Смола\n".as_bytes());
    }
}
