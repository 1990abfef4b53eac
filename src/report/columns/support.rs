//! The columns of support.csv: one row per niche and support programme.

use super::{meta, Cell, Column, Kind, SupportGetter};

/// Every column of support.csv.
pub static SUPPORT_COLUMNS: &[Column<SupportGetter>] = &[
    Column {
        meta: meta(
            "rank",
            Kind::Int,
            "Место ниши (как в niches.csv)",
            "The niche's rank (as in niches.csv)",
        ),
        get: |n, _| Cell::Num(n.rank as f64),
    },
    Column {
        meta: meta("product", Kind::Text, "Код продукта ниши", "The niche's product id"),
        get: |n, _| Cell::text(&n.need.product),
    },
    Column {
        meta: meta(
            "programme",
            Kind::Code,
            "Код программы поддержки (study.toml [[support]] или pp41, pp1119 по умолчанию)",
            "Support programme id (study.toml [[support]], or pp41 and pp1119 by default)",
        ),
        get: |_, s| Cell::text(&s.programme),
    },
    Column {
        meta: meta(
            "programme_name",
            Kind::Text,
            "Наименование программы поддержки",
            "Support programme name",
        ),
        get: |_, s| Cell::text(&s.programme_name),
    },
    Column {
        meta: meta(
            "eligibility",
            Kind::Code,
            "Доступность: eligible — доступна, unconfirmed — соответствие реестру не подтверждено (данных нет), not_eligible — кластер не соответствует реестру",
            "Eligibility: eligible, unconfirmed (registry compliance unknown) or not_eligible (the cluster fails the registry)",
        ),
        get: |_, s| Cell::text(s.eligibility.as_str()),
    },
    Column {
        meta: meta(
            "interest_rub",
            Kind::Rub,
            "Возмещение процентов по кредиту, руб.: interest_coverage × проценты за срок кредита",
            "Credit interest reimbursed, RUB: interest_coverage × interest over the credit term",
        ),
        get: |_, s| Cell::Num(s.interest_rub),
    },
    Column {
        meta: meta(
            "equipment_rub",
            Kind::Rub,
            "Возмещение стоимости оборудования, руб.: equipment_coverage × equipment_share × investment_rub",
            "Equipment cost reimbursed, RUB: equipment_coverage × equipment_share × investment_rub",
        ),
        get: |_, s| Cell::Num(s.equipment_rub),
    },
    Column {
        meta: meta(
            "amount_rub",
            Kind::Rub,
            "Сумма поддержки, руб.: min(cap_rub, interest_rub + equipment_rub)",
            "Support amount, RUB: min(cap_rub, interest_rub + equipment_rub)",
        ),
        get: |_, s| Cell::Num(s.amount_rub),
    },
];
