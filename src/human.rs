//! Numbers and words for people: «6,9 млрд руб.», «20 тыс. шт./год», «92 %».
//! Machine outputs never use this; the reports, the charts and the messages of the command
//! line do, so it sits below both report and chart.

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ru,
    En,
}

/// Up to three significant digits, trailing zeros trimmed, with the language's decimal mark.
pub fn sig3(x: f64, lang: Lang) -> String {
    let a = x.abs();
    let decimals = if a == 0.0 || a >= 100.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        // Small values keep three significant digits.
        (2 - a.log10().floor() as i32).clamp(0, 12) as usize
    };
    let mut s = format!("{:.*}", decimals, x);
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    if s == "-0" {
        s = "0".into();
    }
    match lang {
        Lang::Ru => s.replace('.', ","),
        Lang::En => s,
    }
}

const RU_SCALES: [&str; 4] = ["тыс.", "млн", "млрд", "трлн"];
const EN_SCALES: [&str; 4] = ["thousand", "mn", "bn", "trn"];

/// A number with a scale word: (text, scale word or ""). 1 234 567 -> ("1,23", "млн").
fn scaled(x: f64, lang: Lang) -> (String, &'static str) {
    let scales = match lang {
        Lang::Ru => RU_SCALES,
        Lang::En => EN_SCALES,
    };
    let mut k = 0;
    let mut v = x.abs();
    while v >= 999.5 && k < scales.len() {
        v /= 1000.0;
        k += 1;
    }
    let v = v.copysign(x);
    let text = if k == 0 && x.fract() == 0.0 {
        format!("{}", x + 0.0)
    } else {
        sig3(v, lang)
    };
    (text, if k == 0 { "" } else { scales[k - 1] })
}

fn join(num: String, scale: &str, unit: &str) -> String {
    match (scale.is_empty(), unit.is_empty()) {
        (true, true) => num,
        (true, false) => format!("{num} {unit}"),
        (false, true) => format!("{num} {scale}"),
        (false, false) => format!("{num} {scale} {unit}"),
    }
}

/// Money: «6,9 млрд руб.» / «6.9 bn RUB».
pub fn rub(x: f64, lang: Lang) -> String {
    let (n, s) = scaled(x, lang);
    join(n, s, if lang == Lang::Ru { "руб." } else { "RUB" })
}

/// A natural unit as written after a number: «шт» becomes «шт.».
pub fn unit(u: &str) -> String {
    if u == "шт" {
        "шт.".to_string()
    } else {
        u.to_string()
    }
}

/// A quantity in its unit: «20 тыс. шт.».
pub fn qty(x: f64, u: &str, lang: Lang) -> String {
    let (n, s) = scaled(x, lang);
    join(n, s, &unit(u))
}

/// A yearly quantity: «20 тыс. шт./год».
pub fn qty_per_year(x: f64, u: &str, lang: Lang) -> String {
    format!(
        "{}{}",
        qty(x, u, lang),
        if lang == Lang::Ru { "/год" } else { "/yr" }
    )
}

/// A share as a percentage: «92 %» / «92%». Tiny non-zero shares keep one decimal.
pub fn pct(share: f64, lang: Lang) -> String {
    let p = share * 100.0;
    let text = if p != 0.0 && p.abs() < 1.0 {
        let s = format!("{p:.1}");
        if lang == Lang::Ru {
            s.replace('.', ",")
        } else {
            s
        }
    } else {
        format!("{}", p.round() + 0.0)
    };
    match lang {
        Lang::Ru => format!("{text} %"),
        Lang::En => format!("{text}%"),
    }
}

/// A share with one decimal, so that small shifts (import content) stay visible: «13,2 %».
pub fn pct1(share: f64, lang: Lang) -> String {
    let s = format!("{:.1}", share * 100.0 + 0.0);
    match lang {
        Lang::Ru => format!("{} %", s.replace('.', ",")),
        Lang::En => format!("{s}%"),
    }
}

/// A whole number with its thousands separated: «1 140 800» / «1,140,800».
pub fn int(n: u64, lang: Lang) -> String {
    let digits = n.to_string();
    let sep = match lang {
        // A no-break space, so that a number never breaks across lines.
        Lang::Ru => '\u{a0}',
        Lang::En => ',',
    };
    let mut out = String::with_capacity(digits.len() * 2);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(d);
    }
    out
}

/// The Russian plural form for `n`: [одна форма, две-четыре, пять]; «1 участник»,
/// «3 участника», «11 участников».
pub fn ru_plural(n: u64, forms: [&'static str; 3]) -> &'static str {
    match (n % 10, n % 100) {
        (1, r) if r != 11 => forms[0],
        (2..=4, r) if !(12..=14).contains(&r) => forms[1],
        _ => forms[2],
    }
}

/// A count with its noun: «3 сценария» / «3 scenarios».
pub fn count(
    n: u64,
    ru: [&'static str; 3],
    en_one: &'static str,
    en_many: &'static str,
    lang: Lang,
) -> String {
    let noun = match lang {
        Lang::Ru => ru_plural(n, ru),
        Lang::En if n == 1 => en_one,
        Lang::En => en_many,
    };
    format!("{} {noun}", int(n, lang))
}

/// Roman numeral of a stage, as the seed writes «II передел».
pub fn roman(stage: u8) -> &'static str {
    match stage {
        1 => "I",
        2 => "II",
        3 => "III",
        4 => "IV",
        _ => "?",
    }
}

/// The name of an import origin's country, from the ISO 3166 table (`study::countries`);
/// an origin that is not an ISO code shows as given.
pub fn country(code: &str, lang: Lang) -> String {
    match crate::study::countries::by_code(code) {
        Some(c) => (if lang == Lang::Ru {
            c.name_ru
        } else {
            c.name_en
        })
        .to_string(),
        None => code.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_read_as_words() {
        assert_eq!(int(1_140_800_000, Lang::En), "1,140,800,000");
        assert_eq!(int(1_140_800, Lang::Ru), "1\u{a0}140\u{a0}800");
        assert_eq!(int(999, Lang::Ru), "999");
        let f = ["участник", "участника", "участников"];
        let got: Vec<String> = [1, 2, 5, 11, 12, 21, 22, 25, 111, 104]
            .iter()
            .map(|&n| count(n, f, "participant", "participants", Lang::Ru))
            .collect();
        assert_eq!(
            got,
            [
                "1 участник",
                "2 участника",
                "5 участников",
                "11 участников",
                "12 участников",
                "21 участник",
                "22 участника",
                "25 участников",
                "111 участников",
                "104 участника"
            ]
        );
        assert_eq!(
            count(1, f, "participant", "participants", Lang::En),
            "1 participant"
        );
        assert_eq!(
            count(0, f, "participant", "participants", Lang::En),
            "0 participants"
        );
    }

    use super::*;

    #[test]
    fn money_reads_like_the_seed() {
        assert_eq!(rub(6.9e9, Lang::Ru), "6,9 млрд руб.");
        assert_eq!(rub(1.04e9, Lang::Ru), "1,04 млрд руб.");
        assert_eq!(rub(21_792.2e6, Lang::Ru), "21,8 млрд руб.");
        assert_eq!(rub(999_600.0, Lang::Ru), "1 млн руб.");
        assert_eq!(rub(0.0, Lang::Ru), "0 руб.");
        assert_eq!(rub(512.0, Lang::Ru), "512 руб.");
        assert_eq!(rub(6.9e9, Lang::En), "6.9 bn RUB");
    }

    #[test]
    fn quantities_and_shares() {
        assert_eq!(qty_per_year(20_000.0, "шт", Lang::Ru), "20 тыс. шт./год");
        assert_eq!(qty_per_year(150.0, "т", Lang::Ru), "150 т/год");
        assert_eq!(qty_per_year(12.5, "т", Lang::Ru), "12,5 т/год");
        assert_eq!(pct(0.92, Lang::Ru), "92 %");
        assert_eq!(pct(0.004, Lang::Ru), "0,4 %");
        assert_eq!(pct(0.92, Lang::En), "92%");
        assert_eq!(sig3(0.0123, Lang::En), "0.0123");
    }
}
