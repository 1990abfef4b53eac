//! The tables as the template writes them: the workbook's column widths and the example rows
//! (their columns, and what to write in them, are in `study::schema`).

use crate::study::schema::{self, TableDef};

/// An example cell.
#[derive(Clone, Copy)]
pub(super) enum V {
    S(&'static str),
    N(f64),
    E,
}

/// A table as the template writes it: its definition, the workbook's column widths and the
/// example rows (both in the order of the definition's columns).
pub(super) struct Table {
    pub def: &'static TableDef,
    /// What the analyst should put instead of the example rows (English, for messages).
    pub replace_with: &'static str,
    pub widths: &'static [f64],
    pub rows: &'static [&'static [V]],
}

const PARTICIPANTS: Table = Table {
    def: &schema::TABLES[0],
    replace_with: "replace {them} with the cluster's participants",
    widths: &[24.0, 40.0, 26.0, 18.0, 10.0, 12.0, 12.0, 14.0, 18.0, 14.0],
    rows: &[
        &[
            V::S("example-industrial"),
            V::S("ПРИМЕР: ООО «Завод препрегов»"),
            V::S("Республика Татарстан"),
            V::S("industrial"),
            V::N(2.0),
            V::N(250.0),
            V::N(140.0),
            V::S("true"),
            V::N(400_000_000.0),
            V::E,
        ],
        &[
            V::S("example-final"),
            V::S("ПРИМЕР: АО «Конечный производитель»"),
            V::S("Республика Татарстан"),
            V::S("final_producer"),
            V::N(4.0),
            V::N(1200.0),
            V::N(700.0),
            V::S("true"),
            V::N(2_500_000_000.0),
            V::E,
        ],
    ],
};

const PRODUCTS: Table = Table {
    def: &schema::TABLES[1],
    replace_with: "replace {them} with the products the participants buy",
    widths: &[24.0, 40.0, 10.0, 10.0, 20.0, 20.0, 16.0, 16.0],
    rows: &[
        &[
            V::S("example-fiber"),
            V::S("ПРИМЕР: Углеродное волокно"),
            V::N(1.0),
            V::S("т"),
            V::N(2_000_000.0),
            V::N(3_000_000.0),
            V::N(100.0),
            V::S("20.60.13"),
        ],
        &[
            V::S("example-prepreg"),
            V::S("ПРИМЕР: Препрег на основе углеродной ткани"),
            V::N(2.0),
            V::S("т"),
            V::E,
            V::E,
            V::E,
            V::E,
        ],
    ],
};

const FLOWS: Table = Table {
    def: &schema::TABLES[2],
    replace_with: "replace {them} with the cluster's supply flows",
    widths: &[22.0, 28.0, 22.0, 22.0, 14.0, 18.0, 8.0],
    rows: &[
        &[
            V::S("import:JP"),
            V::S("ПРИМЕР: зарубежный производитель волокна"),
            V::S("example-industrial"),
            V::S("example-fiber"),
            V::N(40.0),
            V::N(120_000_000.0),
            V::N(2024.0),
        ],
        &[
            V::S("example-industrial"),
            V::E,
            V::S("example-final"),
            V::S("example-prepreg"),
            V::N(60.0),
            V::N(240_000_000.0),
            V::N(2024.0),
        ],
    ],
};

const SPECS: Table = Table {
    def: &schema::TABLES[3],
    replace_with:
        "replace {them} with the required characteristics, or delete {them} (the table is optional)",
    widths: &[22.0, 22.0, 26.0, 14.0, 14.0, 14.0, 30.0, 10.0],
    rows: &[&[
        V::S("example-industrial"),
        V::S("example-fiber"),
        V::S("tensile_strength_gpa"),
        V::N(4.9),
        V::E,
        V::N(4.2),
        V::S("Прочность при растяжении"),
        V::S("ГПа"),
    ]],
};

const PLANS: Table = Table {
    def: &schema::TABLES[4],
    replace_with: "replace {them} with the participants' output plans, or delete {them} (the table is optional)",
    widths: &[22.0, 10.0, 18.0, 36.0],
    rows: &[&[
        V::S("example-final"),
        V::N(2026.0),
        V::N(6_000_000_000.0),
        V::S("ПРИМЕР: запуск второй линии"),
    ]],
};

pub(super) const TABLES: [&Table; 5] = [&PARTICIPANTS, &PRODUCTS, &FLOWS, &SPECS, &PLANS];
