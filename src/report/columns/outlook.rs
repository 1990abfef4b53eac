//! The columns of demand_outlook.csv.

use super::{meta, Cell, Column, Kind, OutlookGetter};

/// Every column of the demand outlook table.
pub static OUTLOOK_COLUMNS: &[Column<OutlookGetter>] = &[
    Column {
        meta: meta("product", Kind::Text, "Код продукта", "Product id"),
        get: |n, _| Cell::text(&n.product),
    },
    Column {
        meta: meta(
            "product_name",
            Kind::Text,
            "Наименование продукта",
            "Product name",
        ),
        get: |n, _| Cell::text(&n.product_name),
    },
    Column {
        meta: meta(
            "unit",
            Kind::Code,
            "Натуральная единица измерения продукта",
            "The product's natural unit",
        ),
        get: |n, _| Cell::text(&n.unit),
    },
    Column {
        meta: meta(
            "year",
            Kind::Int,
            "Год (пусто, если в данных нет ни одного года)",
            "The year (empty when the data have no year at all)",
        ),
        get: |_, r| Cell::opt(r.year.map(|y| y as f64)),
    },
    Column {
        meta: meta(
            "kind",
            Kind::Code,
            "Строка: history — факт года, trend — прогноз по тренду, plan — по планам участников",
            "Row kind: history (the year's actual demand), trend (projected), plan (under the participants' plans)",
        ),
        get: |_, r| Cell::text(r.kind.as_str()),
    },
    Column {
        meta: meta(
            "demand_qty",
            Kind::Qty,
            "Спрос участников в этот год в натуральных единицах",
            "Participants' demand in that year, in units",
        ),
        get: |_, r| Cell::Num(r.demand_qty),
    },
    Column {
        meta: meta(
            "demand_rub",
            Kind::Rub,
            "Спрос участников в этот год, руб.",
            "Participants' demand in that year, RUB",
        ),
        get: |_, r| Cell::Num(r.demand_rub),
    },
    Column {
        meta: meta(
            "import_rub",
            Kind::Rub,
            "Из него по импорту, руб.",
            "Of which bought abroad, RUB",
        ),
        get: |_, r| Cell::Num(r.import_rub),
    },
    Column {
        meta: meta(
            "low_rub",
            Kind::Rub,
            "Нижняя граница полосы тренда (минус одна стандартная ошибка темпа роста), руб.; только в строках trend",
            "Lower edge of the trend band (growth minus one standard error), RUB; trend rows only",
        ),
        get: |_, r| Cell::opt(r.low_rub),
    },
    Column {
        meta: meta(
            "high_rub",
            Kind::Rub,
            "Верхняя граница полосы тренда (плюс одна стандартная ошибка), руб.; только в строках trend",
            "Upper edge of the trend band (growth plus one standard error), RUB; trend rows only",
        ),
        get: |_, r| Cell::opt(r.high_rub),
    },
];
