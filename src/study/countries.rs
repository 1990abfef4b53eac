//! ISO 3166-1 countries: codes, English and Russian names. The table is generated from Debian's
//! iso-codes package by `scripts/iso3166.py` (see `iso3166.LICENSE`), not picked by hand.
//!
//! Import origins are normalised with it: `import:no` and `import:NO` are one origin, and a
//! country named in English or Russian (`import:Norway`, `import:Норвегия`) or by its alpha-3
//! code (`import:NOR`) is read as its alpha-2 code, with a warning saying so.

use std::collections::HashMap;
use std::sync::LazyLock;

const TABLE: &str = include_str!("iso3166.tsv");

/// One country of ISO 3166-1.
#[derive(Debug, PartialEq, Eq)]
pub struct Country {
    pub alpha2: &'static str,
    pub alpha3: &'static str,
    /// The short English name (`Norway`, `South Korea`).
    pub name_en: &'static str,
    /// The short Russian name (`Норвегия`).
    pub name_ru: &'static str,
}

struct Countries {
    list: Vec<Country>,
    /// alpha-2 -> index.
    by_code: HashMap<&'static str, usize>,
    /// alpha-3, and every English and Russian name, normalised by `key` -> index.
    by_name: HashMap<String, usize>,
}

/// The customary short names a Russian or English business text uses where the table's short
/// name is still long or reads oddly («Соединённые штаты»): shown in reports, and accepted as
/// spellings. (alpha-2, Russian, English.)
const CUSTOMARY: [(&str, &str, &str); 3] = [
    ("US", "США", "USA"),
    ("GB", "Великобритания", "United Kingdom"),
    ("AE", "ОАЭ", "UAE"),
];

static COUNTRIES: LazyLock<Countries> = LazyLock::new(|| {
    let mut c = Countries {
        list: Vec::new(),
        by_code: HashMap::new(),
        by_name: HashMap::new(),
    };
    for line in TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&'static str> = line.split('\t').collect();
        let [alpha2, alpha3, name_en, other_en, name_ru, other_ru] = f[..] else {
            continue;
        };
        let i = c.list.len();
        c.by_code.insert(alpha2, i);
        let names = [alpha3, name_en, name_ru]
            .into_iter()
            .chain(other_en.split('|'))
            .chain(other_ru.split('|'));
        for n in names.filter(|n| !n.is_empty()) {
            c.by_name.entry(key(n)).or_insert(i);
        }
        let (name_ru, name_en) = match CUSTOMARY.iter().find(|(a, _, _)| *a == alpha2) {
            Some((_, ru, en)) => {
                c.by_name.entry(key(ru)).or_insert(i);
                c.by_name.entry(key(en)).or_insert(i);
                (*ru, *en)
            }
            None => (name_ru, name_en),
        };
        c.list.push(Country {
            alpha2,
            alpha3,
            name_en,
            name_ru,
        });
    }
    c
});

/// A name compared without case, punctuation or the difference between `ё` and `е`:
/// «Korea, Republic of» and `korea_republic_of` are the same key.
fn key(s: &str) -> String {
    s.to_lowercase()
        .replace('ё', "е")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The country of an alpha-2 code (upper case).
pub fn by_code(alpha2: &str) -> Option<&'static Country> {
    let c = &*COUNTRIES;
    c.by_code.get(alpha2).map(|&i| &c.list[i])
}

/// How an import origin as written is read.
#[derive(Debug, PartialEq, Eq)]
pub enum Origin {
    /// As written, or an ISO alpha-2 code in another case (`no` -> `NO`): nothing to say.
    Code(String),
    /// A country's name or alpha-3 code, read as its alpha-2 code: worth a warning.
    Named(&'static Country),
    /// Not a country the table knows (`EU`, `other`): kept as written.
    Other,
}

/// Reads an import origin (the text after `import:`).
pub fn origin(text: &str) -> Origin {
    let c = &*COUNTRIES;
    if text.len() == 2 && text.is_ascii() {
        let upper = text.to_ascii_uppercase();
        if c.by_code.contains_key(upper.as_str()) {
            return Origin::Code(upper);
        }
    }
    match c.by_name.get(&key(text)) {
        Some(&i) => Origin::Named(&c.list[i]),
        None => Origin::Other,
    }
}

/// An import origin as the loaders keep it: an ISO alpha-2 code in upper case, the code of a
/// country named in English or Russian, or else the origin as written (`EU`). `None` when it
/// is not a valid origin. The flag tells whether it was named otherwise than by its code, which
/// is worth a warning (a code in lower case is not).
pub(super) fn read_origin(written: &str) -> Option<(String, bool)> {
    match origin(written) {
        Origin::Code(code) => Some((code, false)),
        Origin::Named(c) => Some((c.alpha2.to_string(), true)),
        Origin::Other if is_origin(written) => Some((written.to_string(), false)),
        Origin::Other => None,
    }
}

/// Whether an origin that names no country is still well formed (`EU`, `CIS-2`).
fn is_origin(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_country_are_one_code() {
        assert_eq!(origin("NO"), Origin::Code("NO".into()));
        assert_eq!(origin("no"), Origin::Code("NO".into()));
        for named in [
            "Norway",
            "norway",
            "NOR",
            "Норвегия",
            "НОРВЕГИЯ",
            "Kingdom_of_Norway",
        ] {
            match origin(named) {
                Origin::Named(c) => assert_eq!(c.alpha2, "NO", "{named}"),
                other => panic!("{named}: {other:?}"),
            }
        }
        assert!(matches!(origin("South_Korea"), Origin::Named(c) if c.alpha2 == "KR"));
        assert!(matches!(origin("Германия"), Origin::Named(c) if c.alpha2 == "DE"));
        assert_eq!(origin("EU"), Origin::Other);
        assert_eq!(origin("other-asia"), Origin::Other);
    }

    #[test]
    fn the_table_is_complete() {
        assert_eq!(COUNTRIES.list.len(), 249);
        let no = by_code("NO").unwrap();
        assert_eq!(
            (no.alpha3, no.name_en, no.name_ru),
            ("NOR", "Norway", "Норвегия")
        );
    }
}
