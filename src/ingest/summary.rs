//! What `ingest` tells people: the lines read and used, what was skipped and why, with counts
//! and rubles, and the unmatched INNs and codes worth fixing first. Russian by default.

use super::lines::Sums;
use super::total::Unmatched;
use super::Outcome;
use crate::human::{self, Lang};
use std::fmt::Write as _;

fn lines(n: u64, lang: Lang) -> String {
    human::count(n, ["строка", "строки", "строк"], "line", "lines", lang)
}

fn amount(s: &Sums, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!(
            "{} на {}",
            lines(s.count, lang),
            human::rub(s.value_rub, lang)
        ),
        Lang::En => format!(
            "{} worth {}",
            lines(s.count, lang),
            human::rub(s.value_rub, lang)
        ),
    }
}

fn list(out: &mut String, title: &str, items: &[Unmatched], distinct: usize, lang: Lang) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "{title}");
    // INNs of 10 and 12 digits, codes of any length: the amounts in one column.
    let width = items
        .iter()
        .map(|u| u.key.chars().count())
        .max()
        .unwrap_or(0);
    for u in items {
        let _ = writeln!(out, "  {:<width$}  {}", u.key, amount(&u.sums, lang));
    }
    if distinct > items.len() {
        let rest = distinct - items.len();
        let _ = match lang {
            Lang::Ru => writeln!(out, "  и ещё {}", human::int(rest as u64, lang)),
            Lang::En => writeln!(out, "  and {} more", human::int(rest as u64, lang)),
        };
    }
}

/// The summary printed after a run.
pub fn text(o: &Outcome, lang: Lang) -> String {
    let t = &o.tally;
    let mut out = String::new();
    let flows = human::count(
        o.flows as u64,
        ["поток", "потока", "потоков"],
        "flow",
        "flows",
        lang,
    );
    let years = match (o.years.first(), o.years.last(), lang) {
        (Some(a), Some(b), Lang::Ru) if a == b => format!(" за {a} г."),
        (Some(a), Some(b), Lang::Ru) => format!(" за {a}–{b} гг."),
        (Some(a), Some(b), Lang::En) if a == b => format!(" of {a}"),
        (Some(a), Some(b), Lang::En) => format!(" of {a}–{b}"),
        _ => String::new(),
    };
    let written = o.written.display();
    match lang {
        Lang::Ru => {
            let _ = writeln!(out, "Прочитано: {}", amount(&t.read, lang));
            let _ = writeln!(
                out,
                "В потоки вошло: {} -> {flows}{years} в {written}",
                amount(&t.used, lang),
            );
        }
        Lang::En => {
            let _ = writeln!(out, "Read: {}", amount(&t.read, lang));
            let _ = writeln!(
                out,
                "Used: {} -> {flows}{years} in {written}",
                amount(&t.used, lang),
            );
        }
    }
    let skipped = [
        (
            &t.unmatched_buyer,
            "покупатель не найден среди участников (по ИНН)",
            "buyer not among the participants (by INN)",
        ),
        (
            &t.unmatched_product,
            "код продукции не найден среди продукции исследования",
            "product code not among the study's products",
        ),
        (
            &t.internal,
            "продавец и покупатель — один и тот же участник",
            "seller and buyer are the same participant",
        ),
    ];
    if skipped.iter().any(|s| s.0.count > 0) {
        let _ = writeln!(
            out,
            "{}",
            if lang == Lang::Ru {
                "Пропущено:"
            } else {
                "Skipped:"
            }
        );
        for (s, ru, en) in skipped {
            if s.count > 0 {
                let why = if lang == Lang::Ru { ru } else { en };
                let _ = writeln!(out, "  {why}: {}", amount(s, lang));
            }
        }
    } else {
        let _ = writeln!(
            out,
            "{}",
            if lang == Lang::Ru {
                "Пропущенных строк нет."
            } else {
                "No line was skipped."
            }
        );
    }
    let (buyers, codes) = o.unmatched_distinct;
    list(
        &mut out,
        if lang == Lang::Ru {
            "Крупнейшие ИНН покупателей, которых нет среди участников:"
        } else {
            "Largest buyer INNs that are not participants:"
        },
        &o.top_buyers,
        buyers,
        lang,
    );
    list(
        &mut out,
        if lang == Lang::Ru {
            "Крупнейшие коды продукции, которых нет среди продукции исследования:"
        } else {
            "Largest product codes that are not the study's products:"
        },
        &o.top_products,
        codes,
        lang,
    );
    out
}
