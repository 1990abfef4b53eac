//! The investment case in words: each niche's support programme and payback, and the
//! assumptions behind them («Допущения»), for report.md, report.html and the proposals.

use super::escape::esc;
use super::human::{rub, Lang};
use crate::analysis::{Analysis, Eligibility, Niche, ProgrammeEstimate, Status};
use std::fmt::Write;

/// Years for people: «6,7 года», «5 лет», «1 год» / «6.7 years».
pub fn years(x: f64, lang: Lang) -> String {
    let r = (x * 10.0).round() / 10.0;
    let whole = r.fract() == 0.0;
    let n = if whole {
        format!("{}", r + 0.0)
    } else {
        format!("{r:.1}")
    };
    match lang {
        Lang::Ru => {
            let word = if !whole {
                "года"
            } else {
                let k = r as u64;
                match (k % 10, k % 100) {
                    (1, m) if m != 11 => "год",
                    (2..=4, m) if !(12..=14).contains(&m) => "года",
                    _ => "лет",
                }
            };
            format!("{} {word}", n.replace('.', ","))
        }
        Lang::En if r == 1.0 => "1 year".into(),
        Lang::En => format!("{n} years"),
    }
}

/// A setting's share as an exact percentage («12,5 %»), so the arithmetic can be redone.
fn exact_pct(share: f64, lang: Lang) -> String {
    let mut t = format!("{:.6}", share * 100.0 + 0.0);
    t = t.trim_end_matches('0').trim_end_matches('.').to_string();
    match lang {
        Lang::Ru => format!("{} %", t.replace('.', ",")),
        Lang::En => format!("{t}%"),
    }
}

/// The registry criteria with `status`, in words, each in «».
fn criteria_with(a: &Analysis, status: Status, lang: Lang) -> String {
    let (open, close) = match lang {
        Lang::Ru => ("«", "»"),
        Lang::En => ("“", "”"),
    };
    a.compliance
        .criteria
        .iter()
        .filter(|c| c.status == status)
        .map(|c| {
            let name = super::labels::criterion_with(c.id, &a.compliance.thresholds, lang);
            format!("{open}{name}{close}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why the programme is or is not open to the cluster.
pub fn eligibility_text(a: &Analysis, s: &ProgrammeEstimate, lang: Lang) -> String {
    let requires = a
        .study
        .support
        .iter()
        .find(|p| p.id == s.programme)
        .is_none_or(|p| p.requires_registry);
    match (s.eligibility, requires, lang) {
        (Eligibility::Eligible, false, Lang::Ru) => {
            "доступна: программа не требует включения кластера в реестр".into()
        }
        (Eligibility::Eligible, false, Lang::En) => {
            "available: the programme does not require the cluster registry".into()
        }
        (Eligibility::Eligible, true, Lang::Ru) => {
            "доступна: кластер соответствует требованиям реестра".into()
        }
        (Eligibility::Eligible, true, Lang::En) => {
            "available: the cluster meets the registry requirements".into()
        }
        (Eligibility::Unconfirmed, _, Lang::Ru) => format!(
            "не подтверждено: недостаточно данных, чтобы проверить требования реестра: {}",
            criteria_with(a, Status::Unknown, lang)
        ),
        (Eligibility::Unconfirmed, _, Lang::En) => format!(
            "unconfirmed: data are missing to check the registry requirements: {}",
            criteria_with(a, Status::Unknown, lang)
        ),
        (Eligibility::NotEligible, _, Lang::Ru) => format!(
            "кластер не вправе получить эту поддержку, пока не выполнены требования реестра: {}",
            criteria_with(a, Status::Fail, lang)
        ),
        (Eligibility::NotEligible, _, Lang::En) => format!(
            "the cluster is not eligible while these registry requirements are not met: {}",
            criteria_with(a, Status::Fail, lang)
        ),
    }
}

/// «ПП РФ № 41: 266 млн руб. (возмещение процентов 176 млн руб. + оборудование 90 млн руб.)».
pub fn amount_text(a: &Analysis, s: &ProgrammeEstimate, lang: Lang) -> String {
    let cap = a
        .study
        .support
        .iter()
        .find(|p| p.id == s.programme)
        .map(|p| p.cap_rub);
    let (interest, equipment, capped) = match lang {
        Lang::Ru => (
            "возмещение процентов",
            "оборудование",
            "ограничено пределом",
        ),
        Lang::En => ("interest", "equipment", "capped at"),
    };
    let mut t = format!(
        "{}: {} ({interest} {} + {equipment} {}",
        esc(&s.programme_name),
        rub(s.amount_rub, lang),
        rub(s.interest_rub, lang),
        rub(s.equipment_rub, lang)
    );
    if let (true, Some(cap)) = (s.capped, cap) {
        let _ = write!(t, "; {capped} {}", rub(cap, lang));
    }
    t.push(')');
    t
}

/// The text of the «Меры государственной поддержки» row.
pub fn support_text(a: &Analysis, n: &Niche, lang: Lang) -> String {
    match n.support.potential() {
        Some(s) => format!(
            "{}; {}",
            amount_text(a, s, lang),
            eligibility_text(a, s, lang)
        ),
        None => match lang {
            Lang::Ru => "нет программы, которая оплатила бы часть этого проекта".into(),
            Lang::En => "no programme would pay for part of this project".into(),
        },
    }
}

/// The text of the «Срок окупаемости» row.
pub fn payback_text(n: &Niche, lang: Lang) -> String {
    let s = &n.support;
    let Some(without) = s.payback_years else {
        return match lang {
            Lang::Ru => "не рассчитывается: годовая прибыль ниши равна нулю".into(),
            Lang::En => "not computed: the niche's annual profit is zero".into(),
        };
    };
    let (no, with) = match lang {
        Lang::Ru => ("без поддержки", "с поддержкой"),
        Lang::En => ("without support", "with support"),
    };
    let i = n.need.investment_rub;
    match (s.chosen(), s.potential()) {
        (Some(c), _) => format!(
            "{no} {} · {with} {}",
            years(without, lang),
            years(s.payback_with(i, c.amount_rub).unwrap_or(without), lang)
        ),
        (None, Some(p)) => format!(
            "{no} {} · {with} {} — {}",
            years(without, lang),
            years(s.payback_with(i, p.amount_rub).unwrap_or(without), lang),
            match lang {
                Lang::Ru => "когда кластер выполнит требования реестра",
                Lang::En => "once the cluster meets the registry requirements",
            }
        ),
        (None, None) => format!("{no} {}", years(without, lang)),
    }
}

/// The two rows of a niche block in report.md.
pub fn rows(o: &mut String, a: &Analysis, n: &Niche, lang: Lang) {
    let (support, payback) = match lang {
        Lang::Ru => ("Меры государственной поддержки", "Срок окупаемости"),
        Lang::En => ("State support", "Payback"),
    };
    let _ = writeln!(o, "| {support} | {} |", support_text(a, n, lang));
    let _ = writeln!(o, "| {payback} | {} |", payback_text(n, lang));
}

fn yes_no(b: bool, lang: Lang) -> &'static str {
    match (b, lang) {
        (true, Lang::Ru) => "да",
        (false, Lang::Ru) => "нет",
        (true, Lang::En) => "yes",
        (false, Lang::En) => "no",
    }
}

/// The section «Допущения»: every `[finance]` value, the programmes and each niche's
/// intermediate figures, so that a reader can redo the arithmetic.
pub fn assumptions(o: &mut String, a: &Analysis, lang: Lang) {
    let f = &a.study.finance;
    let ru = lang == Lang::Ru;
    let title = if ru {
        "Допущения"
    } else {
        "Assumptions"
    };
    let _ = writeln!(o, "## {title}\n");
    let items: [(&str, String); 5] = if ru {
        [
            ("Доля инвестиций, финансируемая кредитом", exact_pct(f.loan_share, lang)),
            ("Ставка по кредиту", format!("{} годовых", exact_pct(f.loan_rate, lang))),
            (
                "Срок кредита",
                format!(
                    "{}; основной долг гасится равными ежегодными долями, проценты начисляются на остаток в начале года",
                    years(f64::from(f.loan_years), lang)
                ),
            ),
            ("Доля оборудования в инвестициях", exact_pct(f.equipment_share, lang)),
            (
                "Операционная прибыль на рубль продаж ниши",
                exact_pct(f.operating_margin, lang),
            ),
        ]
    } else {
        [
            ("Share of the investment financed by credit", exact_pct(f.loan_share, lang)),
            ("Interest rate of the credit", format!("{} a year", exact_pct(f.loan_rate, lang))),
            (
                "Credit term",
                format!(
                    "{}; the principal is repaid in equal annual parts, interest is charged on the balance at the start of each year",
                    years(f64::from(f.loan_years), lang)
                ),
            ),
            ("Share of the investment spent on equipment", exact_pct(f.equipment_share, lang)),
            ("Operating profit per rub of the niche's sales", exact_pct(f.operating_margin, lang)),
        ]
    };
    for (k, v) in items {
        let _ = writeln!(o, "- {k}: {v}");
    }
    let formulas = if ru {
        "Проценты за срок кредита = доля кредита × инвестиции × ставка × (срок + 1) / 2. Поддержка по программе = наименьшее из предела программы и суммы (доля возмещения процентов × проценты за срок + доля возмещения оборудования × доля оборудования × инвестиции). Годовая прибыль = адресуемый спрос × операционная прибыль на рубль продаж. Срок окупаемости = инвестиции / годовая прибыль; с поддержкой — (инвестиции − поддержка) / годовая прибыль, не меньше нуля. Для ниши выбирается доступная программа с наибольшей суммой; если доступных нет — неподтверждённая."
    } else {
        "Interest over the credit term = credit share × investment × rate × (term + 1) / 2. Support from a programme = the smaller of the programme's cap and (interest coverage × interest over the term + equipment coverage × equipment share × investment). Annual profit = addressable demand × operating profit per rub of sales. Payback = investment / annual profit; with support, (investment − support) / annual profit, at least zero. A niche gets the available programme that pays most; when none is available, the unconfirmed one that pays most."
    };
    let _ = writeln!(o, "\n{formulas}\n");
    if a.study.support.is_empty() {
        let none = if ru {
            "Программы поддержки не заданы."
        } else {
            "No support programmes are set."
        };
        let _ = writeln!(o, "{none}\n");
    } else {
        let head = if ru {
            "| Программа | Возмещение процентов | Возмещение стоимости оборудования | Предел на проект | Только для кластеров из реестра |"
        } else {
            "| Programme | Interest reimbursed | Equipment cost reimbursed | Cap per project | Registry clusters only |"
        };
        let _ = writeln!(o, "{head}\n|---|---|---|---|---|");
        for p in &a.study.support {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                esc(&p.name),
                exact_pct(p.interest_coverage, lang),
                exact_pct(p.equipment_coverage, lang),
                rub(p.cap_rub, lang),
                yes_no(p.requires_registry, lang)
            );
        }
        o.push('\n');
    }
    if a.niches.is_empty() {
        return;
    }
    let head = if ru {
        "| Ниша | Инвестиции | Проценты за срок кредита | Годовая прибыль |"
    } else {
        "| Niche | Investment | Interest over the term | Annual profit |"
    };
    let _ = write!(o, "{head}");
    for p in &a.study.support {
        let _ = write!(o, " {} |", esc(&p.name));
    }
    let _ = write!(o, "\n|---|---|---|---|");
    for _ in &a.study.support {
        o.push_str("---|");
    }
    o.push('\n');
    for n in &a.niches {
        let _ = write!(
            o,
            "| {}. {} | {} | {} | {} |",
            n.rank,
            esc(&n.need.product_name),
            rub(n.need.investment_rub, lang),
            rub(n.support.interest_total, lang),
            rub(n.support.annual_profit, lang)
        );
        for s in &n.support.programmes {
            let _ = write!(o, " {} |", rub(s.amount_rub, lang));
        }
        o.push('\n');
    }
    o.push('\n');
}
