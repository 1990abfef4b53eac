//! The columns of import_content.csv.

use super::{meta, Cell, Column, Kind, RowGetter};
use crate::analysis::ImportContent;

/// Every column of the import content table.
pub static IMPORT_CONTENT_COLUMNS: &[Column<RowGetter<ImportContent>>] = &[
    Column {
        meta: meta("participant", Kind::Text, "Код участника", "Participant id"),
        get: |r| Cell::text(&r.participant),
    },
    Column {
        meta: meta(
            "name",
            Kind::Text,
            "Наименование участника",
            "Participant name",
        ),
        get: |r| Cell::text(&r.name),
    },
    Column {
        meta: meta(
            "stage",
            Kind::Int,
            "Передел участника (пусто, если не задан)",
            "The participant's stage (empty when not set)",
        ),
        get: |r| Cell::opt(r.stage.map(f64::from)),
    },
    Column {
        meta: meta(
            "output_rub",
            Kind::Rub,
            "Выпуск участника, руб. (при отсутствии — его закупки)",
            "The participant's output, RUB (its purchases when output is missing)",
        ),
        get: |r| Cell::Num(r.output_rub),
    },
    Column {
        meta: meta(
            "estimated_output",
            Kind::Bool,
            "Выпуск оценён по закупкам",
            "Output estimated from purchases",
        ),
        get: |r| Cell::Bool(r.estimated_output),
    },
    Column {
        meta: meta(
            "direct_import_share",
            Kind::Share,
            "Прямая доля импорта на рубль выпуска",
            "Direct imports per rub of output",
        ),
        get: |r| Cell::Num(r.direct_import_share),
    },
    Column {
        meta: meta(
            "total_import_share",
            Kind::Share,
            "Полная (скрытая) доля импорта по всей цепочке на рубль выпуска",
            "Total (hidden) imports along the whole chain per rub of output",
        ),
        get: |r| Cell::Num(r.total_import_share),
    },
];
