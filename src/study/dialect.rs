//! How a CSV file is written: encoding (UTF-8 with or without BOM, or Windows-1251), separator
//! (`,` `;` or tab) and decimal mark (`.`, or `,` with spaces between thousands as Russian-locale
//! Excel writes). Detected from the data; an ambiguous file is an error that names the option to
//! set, never a silent guess.

use crate::error::Problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, clap::ValueEnum)]
pub enum Encoding {
    #[value(name = "utf-8")]
    #[serde(rename = "utf-8")]
    Utf8,
    #[value(name = "windows-1251", alias = "cp1251")]
    #[serde(rename = "windows-1251")]
    Windows1251,
}

/// What the user fixed on the command line; `None` means detect.
#[derive(Debug, Clone, Copy, Default)]
pub struct DialectOptions {
    pub encoding: Option<Encoding>,
    pub delimiter: Option<u8>,
    pub decimal_comma: Option<bool>,
}

/// What a file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Detected {
    pub encoding: Encoding,
    pub bom: bool,
    pub delimiter: u8,
    pub decimal_comma: bool,
    /// With a decimal point: some numbers have `,` between thousands (`1,234.5`).
    pub thousands_comma: bool,
}

impl std::fmt::Display for Detected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let enc = match (self.encoding, self.bom) {
            (Encoding::Utf8, true) => "UTF-8 with BOM",
            (Encoding::Utf8, false) => "UTF-8",
            (Encoding::Windows1251, _) => "Windows-1251",
        };
        let sep = match self.delimiter {
            b'\t' => "tab".to_string(),
            d => format!("'{}'", d as char),
        };
        let dec = match (self.decimal_comma, self.thousands_comma) {
            (true, _) => "decimal comma",
            (false, true) => "decimal point, ',' between thousands",
            (false, false) => "decimal point",
        };
        write!(f, "{enc}, separator {sep}, {dec}")
    }
}

/// Characters that Russian text in Windows-1251 is made of, beyond ASCII.
fn russian_char(c: char) -> bool {
    matches!(
        c,
        'А'..='я'
            | 'Ё'
            | 'ё'
            | '№'
            | '«'
            | '»'
            | '\u{a0}'
            | '–'
            | '—'
            | '„'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '…'
            | '°'
            | '±'
    )
}

/// Text of a file, its encoding and whether it had a BOM.
pub fn decode(
    bytes: &[u8],
    shown: &str,
    forced: Option<Encoding>,
) -> Result<(String, Encoding, bool), Box<Problem>> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(Box::new(
            Problem::file(
                shown,
                "the file is UTF-16 text; expected UTF-8 or Windows-1251 (save it as \"CSV UTF-8\")",
            )
            .at_line(1),
        ));
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64;
        return Err(Box::new(
            Problem::file(
                shown,
                "the file is not text (it holds NUL bytes); expected a CSV file",
            )
            .at_line(line),
        ));
    }
    let utf8 = std::str::from_utf8(bytes);
    let first_bad_line =
        |upto: usize| 1 + bytes[..upto].iter().filter(|&&b| b == b'\n').count() as u64;
    let as_1251 = || {
        encoding_rs::WINDOWS_1251
            .decode_without_bom_handling(bytes)
            .0
            .into_owned()
    };
    match (forced, utf8) {
        (Some(Encoding::Windows1251), _) => Ok((as_1251(), Encoding::Windows1251, false)),
        (_, Ok(t)) => match t.strip_prefix('\u{feff}') {
            Some(rest) => Ok((rest.to_string(), Encoding::Utf8, true)),
            None => Ok((t.to_string(), Encoding::Utf8, false)),
        },
        (Some(Encoding::Utf8), Err(e)) => Err(Box::new(Problem::file(
            shown,
            "the file is not UTF-8 text; expected UTF-8 as --encoding says (or try --encoding windows-1251)",
        )
        .at_line(first_bad_line(e.valid_up_to())))),
        (None, Err(e)) => {
            let text = as_1251();
            let chars: Vec<char> = text.chars().collect();
            let non_ascii = chars.iter().filter(|c| !c.is_ascii()).count();
            let russian = chars.iter().filter(|c| russian_char(**c)).count();
            // Latin-1 or another Western encoding also decodes to Cyrillic letters, but those
            // sit inside Latin words ("Mьller"): Russian words are Cyrillic throughout.
            let mixed = chars
                .windows(2)
                .filter(|w| {
                    let cyr = |c: char| matches!(c, 'А'..='я' | 'Ё' | 'ё');
                    (cyr(w[0]) && w[1].is_ascii_alphabetic()) || (w[0].is_ascii_alphabetic() && cyr(w[1]))
                })
                .count();
            if non_ascii > 0 && russian * 10 >= non_ascii * 9 && mixed * 10 <= russian {
                if let Some((at, word)) = utf8_cyrillic_inside(bytes) {
                    return Err(Box::new(
                        Problem::file(
                            shown,
                            "this line holds UTF-8 text in a file that is otherwise Windows-1251; \
                             expected one encoding for the whole file (save it again as \"CSV UTF-8\")",
                        )
                        .at_line(first_bad_line(at))
                        .with_value(&word),
                    ));
                }
                Ok((text, Encoding::Windows1251, false))
            } else {
                Err(Box::new(Problem::file(
                    shown,
                    "cannot tell the encoding: the file is not UTF-8, and read as Windows-1251 it is not Russian text; \
                     expected UTF-8 or Windows-1251 (save it as \"CSV UTF-8\", or set --encoding)",
                )
                .at_line(first_bad_line(e.valid_up_to()))))
            }
        }
    }
}

/// The first run of UTF-8 encoded Cyrillic in a file that is not UTF-8 as a whole (a cell pasted
/// from another program), with its offset. Read as Windows-1251 such a run is "Р" or "С" followed
/// by a symbol from 0x80–0xBF, again and again ("РђСЂРіРѕРЅ"); Russian text never has two such
/// pairs in a row, so a run of two or more letters is taken as UTF-8.
fn utf8_cyrillic_inside(bytes: &[u8]) -> Option<(usize, String)> {
    let pair = |i: usize| {
        matches!(bytes.get(i), Some(0xd0 | 0xd1)) && matches!(bytes.get(i + 1), Some(0x80..=0xbf))
    };
    let mut i = 0;
    while i + 3 < bytes.len() {
        if pair(i) && pair(i + 2) {
            let mut end = i + 4;
            while pair(end) || matches!(bytes.get(end), Some(b' ' | b'-')) && pair(end + 1) {
                end += if pair(end) { 2 } else { 1 };
            }
            return Some((i, String::from_utf8_lossy(&bytes[i..end]).into_owned()));
        }
        i += 1;
    }
    None
}

/// The first record of `text` split by `delim` (quotes honoured), trimmed.
fn header_fields(text: &str, delim: u8) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(text.as_bytes());
    let mut rec = csv::StringRecord::new();
    while let Ok(true) = r.read_record(&mut rec) {
        let cells: Vec<String> = rec.iter().map(|c| c.trim().to_string()).collect();
        if !(cells.len() == 1 && cells[0].is_empty()) {
            return cells;
        }
    }
    Vec::new()
}

/// The separator whose header splits into the most known column names.
pub fn delimiter(text: &str, shown: &str, known: &[&str]) -> Result<u8, Box<Problem>> {
    let scores: Vec<(u8, usize)> = [b',', b';', b'\t']
        .iter()
        .map(|&d| {
            (
                d,
                header_fields(text, d)
                    .iter()
                    .filter(|f| known.contains(&f.as_str()))
                    .count(),
            )
        })
        .collect();
    let best = scores.iter().map(|s| s.1).max().unwrap_or(0);
    let winners: Vec<u8> = scores.iter().filter(|s| s.1 == best).map(|s| s.0).collect();
    match (best, winners.as_slice()) {
        (0, _) => Ok(b','),
        (_, [one]) => Ok(*one),
        _ => Err(Box::new(Problem::file(
            shown,
            "cannot tell the separator: the header reads as well with ',' as with ';' or tab; set --delimiter",
        )
        .at_line(1))),
    }
}

/// A number as Russian-locale Excel writes it, rewritten for Rust: «21 792,2» -> «21792.2».
pub fn normalise_comma_number(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let between_digits = |i: usize| {
            i > 0
                && i + 1 < chars.len()
                && chars[i - 1].is_ascii_digit()
                && chars[i + 1].is_ascii_digit()
        };
        match c {
            ' ' | '\u{a0}' | '\u{202f}' if between_digits(i) => {}
            ',' => out.push('.'),
            _ => out.push(c),
        }
    }
    out
}

/// Whether `s` is a number with `,` between groups of three digits, as an English-locale
/// export writes it: `11,000`, `682,000,000`, `-1,234.5`, `1,234.5e3`.
pub fn is_comma_grouped(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |from: usize| {
        b[from.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let lead = digits(i);
    if !(1..=3).contains(&lead) {
        return false;
    }
    i += lead;
    let mut groups = 0;
    while b.get(i) == Some(&b',') {
        if digits(i + 1) != 3 {
            return false;
        }
        i += 4;
        groups += 1;
    }
    // After the groups: nothing, or a fraction and exponent without commas.
    let rest = &s[i..];
    groups > 0
        && (rest.is_empty()
            || (rest.starts_with(['.', 'e', 'E'])
                && !rest.contains(',')
                && format!("0{rest}").parse::<f64>().is_ok()))
}

/// A number written with `.` as the decimal mark and, optionally, `,` between thousands,
/// rewritten for Rust: «1,234.5» -> «1234.5». `None` when the commas are not thousands groups.
pub fn strip_comma_groups(s: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !s.contains(',') {
        return Some(std::borrow::Cow::Borrowed(s));
    }
    is_comma_grouped(s).then(|| std::borrow::Cow::Owned(s.replace(',', "")))
}

/// How one number cell can be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// Only with a decimal comma (or spaces between thousands): «1,5», «21 792,2».
    Comma,
    /// Only with a decimal point: «2.5», or «1,234.5» and «682,000,000» with `,` between thousands.
    Point,
    /// Both: «11,000» is 11 with a decimal comma and 11000 with `,` between thousands.
    Either,
}

fn reading(cell: &str) -> Option<Reading> {
    let has_digit_space = cell.chars().collect::<Vec<_>>().windows(3).any(|w| {
        w[0].is_ascii_digit()
            && matches!(w[1], ' ' | '\u{a0}' | '\u{202f}')
            && w[2].is_ascii_digit()
    });
    let as_comma = (cell.contains(',') || has_digit_space)
        && normalise_comma_number(cell).parse::<f64>().is_ok();
    let grouped = is_comma_grouped(cell);
    match (as_comma, grouped) {
        (true, true) => Some(Reading::Either),
        (true, false) => Some(Reading::Comma),
        (false, true) => Some(Reading::Point),
        (false, false) if cell.contains('.') && cell.parse::<f64>().is_ok() => Some(Reading::Point),
        _ => None,
    }
}

/// Evidence from number cells, for the whole file: (line, text) of the first cell that only a
/// decimal comma reads, the first that only a decimal point reads, and the first that both read.
/// One cell never decides: a file is read one way for all its numbers.
#[derive(Default)]
pub struct Evidence {
    pub comma: Option<(u64, String)>,
    pub point: Option<(u64, String)>,
    pub either: Option<(u64, String)>,
}

impl Evidence {
    pub fn see(&mut self, line: u64, cell: &str) {
        if cell.is_empty() || !cell.contains([',', '.', ' ', '\u{a0}', '\u{202f}']) {
            return;
        }
        let slot = match reading(cell) {
            Some(Reading::Comma) => &mut self.comma,
            Some(Reading::Point) => &mut self.point,
            Some(Reading::Either) => &mut self.either,
            None => return,
        };
        slot.get_or_insert((line, cell.to_string()));
    }

    /// Whether some number has `,` between thousands, read with a decimal point.
    pub fn comma_groups(&self) -> bool {
        self.either.is_some() || self.point.as_ref().is_some_and(|(_, p)| p.contains(','))
    }

    /// Whether the file's numbers have a decimal comma; an error naming the option to set when
    /// the numbers disagree or cannot decide.
    pub fn decide(&self, shown: &str) -> Result<bool, Box<Problem>> {
        match (&self.comma, &self.point, &self.either) {
            (Some((lc, c)), Some((lp, p)), _) => {
                let point = if p.contains(',') && p.contains('.') {
                    format!("{p:?} on line {lp} has ',' between thousands and a decimal point")
                } else if p.contains(',') {
                    format!("{p:?} on line {lp} has ',' between thousands")
                } else {
                    format!("{p:?} on line {lp} a decimal point")
                };
                Err(Box::new(Problem::file(
                    shown,
                    format!(
                        "cannot tell the decimal mark: {c:?} on line {lc} has a decimal comma but {point}; \
                         write all numbers one way (for example without separators between thousands), \
                         or set --decimal-comma or --decimal-point"
                    ),
                )))
            }
            (Some(_), None, _) => Ok(true),
            (None, Some(_), _) => Ok(false),
            (None, None, Some((l, e))) => {
                // As people read them: «11» and «11000».
                let as_read = |t: String| t.parse::<f64>().map_or(t.clone(), |v| v.to_string());
                let comma = as_read(normalise_comma_number(e));
                let grouped = as_read(e.replace(',', ""));
                Err(Box::new(Problem::file(
                    shown,
                    format!(
                        "cannot tell the decimal mark: {e:?} on line {l} is {comma} with a decimal comma but {grouped} \
                         with ',' between thousands, and no other number in the file decides; \
                         set --decimal-comma if ',' is the decimal mark, or --decimal-point if ',' separates thousands"
                    ),
                )))
            }
            (None, None, None) => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests;
