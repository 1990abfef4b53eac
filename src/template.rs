//! `nichegraph init`: a ready-to-fill study, as CSV files or as one workbook, and the check
//! that tells an untouched template apart from a study with real problems.
//!
//! CSV has no comments, so each table gets one example row instead: its ids start with
//! [`EXAMPLE_ID`] and its names with [`EXAMPLE_NAME`]. The example rows together form a valid
//! study (an industrial participant, a final producer, an imported and a cluster product, an
//! import flow, a cooperation flow and a spec row), so once the analyst overwrites the example
//! values the study analyses. `study.toml` holds placeholders starting with [`FILL`] for the name
//! and the regions, and every other setting commented out with its default and an explanation.
//!
//! The workbook (`--xlsx`) has the same tables as sheets, a `study` sheet with `key | value`
//! rows, and a `README` sheet (in Russian) that explains every column and setting. Role and
//! stage cells have drop-down lists; numeric columns have number formats; headers are bold and
//! frozen; the creation time is fixed, so the same version always writes the same bytes.
//!
//! [`untouched`] finds the template's markers in a study folder or workbook and reports them as
//! one plain problem per file or sheet, so `check` on a fresh template says what is left to
//! fill instead of listing every consequence.

use crate::error::{Error, Problem, Result};
use crate::study::schema::{self, Kind, TableDef, NO, SUPPORT_SHEET, YES};
use crate::study::{dialect, ComplianceThresholds, Criteria, Investment, Outlook};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime, Format,
    FormatBorder, Workbook, Worksheet, XlsxError,
};
use std::fmt;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Placeholders in `study.toml` (and on the workbook's `study` sheet) start with this.
pub const FILL: &str = "ЗАПОЛНИТЕ";
/// The template's study name.
pub const NAME_PLACEHOLDER: &str = "ЗАПОЛНИТЕ: название кластера";
/// The template's only region.
pub const REGION_PLACEHOLDER: &str = "ЗАПОЛНИТЕ: субъект РФ";
/// Ids of the example rows start with this.
pub const EXAMPLE_ID: &str = "example-";
/// Names of the example rows start with this.
pub const EXAMPLE_NAME: &str = "ПРИМЕР:";
/// The template's study id (valid; it names the output folder).
pub const STUDY_ID: &str = "new-study";

/// Rows of the workbook (after the header) that carry drop-down lists and number formats.
const FORMATTED_ROWS: u32 = 999;

// ---------------------------------------------------------------------------------------------
// The tables as the template writes them (their columns are in `study::schema`).

/// An example cell.
#[derive(Clone, Copy)]
enum V {
    S(&'static str),
    N(f64),
    E,
}

/// A table as the template writes it: its definition, the workbook's column widths and the
/// example rows (both in the order of the definition's columns).
struct Table {
    def: &'static TableDef,
    /// What the analyst should put instead of the example rows (English, for messages).
    replace_with: &'static str,
    widths: &'static [f64],
    rows: &'static [&'static [V]],
}

const ROLES: [&str; 5] = [
    "industrial",
    "final_producer",
    "education",
    "infrastructure",
    "specialized_org",
];
const STAGES: [&str; 4] = ["1", "2", "3", "4"];

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

const TABLES: [&Table; 5] = [&PARTICIPANTS, &PRODUCTS, &FLOWS, &SPECS, &PLANS];

// ---------------------------------------------------------------------------------------------
// Settings of study.toml.

#[derive(Clone, Copy)]
enum Def {
    F(f64),
    U(u64),
}

impl fmt::Display for Def {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // TOML needs a decimal point to make a float.
            Def::F(x) if x.fract() == 0.0 => write!(f, "{x:.1}"),
            Def::F(x) => write!(f, "{x}"),
            Def::U(n) => write!(f, "{n}"),
        }
    }
}

struct Setting {
    table: &'static str,
    key: &'static str,
    default: Def,
    /// Russian explanation, then the English one in brackets.
    help: &'static str,
}

impl Setting {
    fn dotted(&self) -> String {
        format!("{}.{}", self.table, self.key)
    }
}

/// Every optional setting with a default, in the order of `study.toml`.
fn settings() -> Vec<Setting> {
    let c = Criteria::default();
    let i = Investment::default();
    let k = ComplianceThresholds::default();
    let fin = crate::study::config::Finance::default();
    let o = Outlook::default();
    let s = |table, key, default, help| Setting {
        table,
        key,
        default,
        help,
    };
    use Def::{F, U};
    vec![
        s("criteria", "import_share_min", F(c.import_share_min),
          "Признак import: доля импорта в стоимости спроса больше этого значения (flag `import` when import_share > this)."),
        s("criteria", "critical_import_share", F(c.critical_import_share),
          "Ниша с долей импорта не меньше этого значения помечается как «критический импорт» (label a niche \"critical import\" when import_share >= this)."),
        s("criteria", "cost_premium_min", F(c.cost_premium_min),
          "Признак cost: средняя цена выше эталонной (benchmark_price_rub) больше чем на эту долю (flag `cost` when cost_premium > this)."),
        s("criteria", "min_demand_rub", F(c.min_demand_rub),
          "Потребность со спросом меньше этой суммы, руб., нишей не считается (a need with demand_rub below this is never a niche)."),
        s("investment", "capital_intensity", F(i.capital_intensity),
          "Руб. инвестиций на рубль адресуемого годового спроса, для продуктов без capex_rub_per_unit (rub of investment per rub of addressable annual demand)."),
        s("compliance", "industrial_count_min", U(k.industrial_count_min),
          "Реестр кластеров (ПП РФ № 779): не меньше стольких промышленных участников, industrial и final_producer (minimum industrial participants)."),
        s("compliance", "final_producer_min", U(k.final_producer_min),
          "Не меньше стольких производителей конечной продукции (minimum final producers)."),
        s("compliance", "education_min", U(k.education_min),
          "Не меньше стольких образовательных организаций (minimum education participants)."),
        s("compliance", "infrastructure_objects_min", U(k.infrastructure_objects_min),
          "Не меньше стольких объектов инфраструктуры (minimum infrastructure objects)."),
        s("compliance", "governance_share_min", F(k.governance_share_min),
          "Доля участников (кроме specialized_org), входящих в органы управления, не меньше этой (minimum share in governance)."),
        s("compliance", "hp_jobs_share_min", F(k.hp_jobs_share_min),
          "Доля высокопроизводительных рабочих мест во всех рабочих местах не меньше этой (minimum share of high-productivity jobs)."),
        s("compliance", "supplier_share_min", F(k.supplier_share_min),
          "Каждый промышленный участник продаёт другим участникам не меньше этой доли выпуска (minimum cluster sales share of each industrial participant)."),
        s("compliance", "cooperation_share_min", F(k.cooperation_share_min),
          "Доля кооперации: продажи участникам в выпуске промышленных участников или закупки у участников в закупках конечных производителей, не меньше этой (minimum cooperation share)."),
        s("compliance", "cooperation_below_max", F(k.cooperation_below_max),
          "Наибольшая доля участников, у которых кооперация по отдельности ниже порога (maximum share of participants below the cooperation share)."),
        s("finance", "loan_share", F(fin.loan_share),
          "Доля инвестиций, финансируемая кредитом, от 0 до 1 (share of the investment financed by credit)."),
        s("finance", "loan_rate", F(fin.loan_rate),
          "Годовая ставка по кредиту, от 0 до 1 (annual interest rate)."),
        s("finance", "loan_years", U(u64::from(fin.loan_years)),
          "Срок кредита, целое число лет от 1 до 30; основной долг гасится равными ежегодными долями (credit term in whole years, 1..30)."),
        s("finance", "equipment_share", F(fin.equipment_share),
          "Доля инвестиций, приходящаяся на оборудование, от 0 до 1 (share of the investment spent on equipment)."),
        s("finance", "operating_margin", F(fin.operating_margin),
          "Операционная прибыль на рубль продаж ниши, от 0 до 1; по ней считается срок окупаемости (operating profit per rub of sales, for the payback)."),
        s("outlook", "horizon", U(u64::from(o.horizon)),
          "На сколько лет после года анализа продлить тренд спроса, целое число 1..30 (years projected past the selected year by the trend, an integer 1..30)."),
    ]
}

/// The default support programmes as commented `[[support]]` tables of study.toml.
fn support_comment() -> String {
    let mut t = String::from(
        "\n# Меры государственной поддержки (state support programmes). Без таблиц [[support]]\n\
         # действуют две программы ниже; свои таблицы заменяют их, а пустой массив support в начале\n\
         # файла (до первой таблицы) означает «без программ». cap_rub — наибольшая сумма на проект;\n\
         # interest_coverage и equipment_coverage — доли возмещения процентов и стоимости\n\
         # оборудования (0..1, по умолчанию 0); requires_registry — только для кластеров из\n\
         # реестра (по умолчанию true).\n\
         # (Without [[support]] tables these two programmes apply; your own tables replace them.)\n",
    );
    for p in crate::study::config::default_programmes() {
        t.push_str(&format!(
            "#\n# [[support]]\n# id = \"{}\"\n# name = \"{}\"\n# cap_rub = {}\n# interest_coverage = {}\n# equipment_coverage = {}\n# requires_registry = {}\n",
            p.id,
            p.name,
            Def::F(p.cap_rub),
            Def::F(p.interest_coverage),
            Def::F(p.equipment_coverage),
            p.requires_registry
        ));
    }
    t
}

const TABLE_HELP: [(&str, &str); 5] = [
    ("criteria", "Критерии инвестиционных ниш (niche criteria)."),
    (
        "investment",
        "Оценка объёма инвестиций (investment estimate).",
    ),
    (
        "compliance",
        "Пороги требований к кластерам для реестра (registry thresholds, Decree 779).",
    ),
    (
        "finance",
        "Финансирование проекта ниши: кредит, оборудование, прибыль — для мер поддержки и срока окупаемости (project finance, for support and payback).",
    ),
    (
        "outlook",
        "Прогноз существующего спроса по тренду (demand outlook).",
    ),
];

const ID_HELP: &str = "Код исследования: строчные латинские буквы, цифры и «-», до 63 символов; им названа папка результатов (study id; names the output folder).";
const NAME_HELP: &str = "Полное название кластера (the cluster's name).";
const REGIONS_HELP: &str =
    "Субъекты РФ, в которых работает кластер, не меньше одного (regions, at least one).";
const YEAR_HELP: &str = "Год анализа. Если в flows есть столбец year, учитываются только строки этого года; без настройки — последний год в данных (the year to analyse; default: the latest year present).";

/// The text of the template's `study.toml`.
fn study_toml() -> String {
    let mut t = String::new();
    t.push_str(
        "# Исследование nichegraph (nichegraph study), создано командой `nichegraph init`.\n\
         #\n\
         # 1. Впишите название кластера (name) и его субъекты РФ (regions) вместо «ЗАПОЛНИТЕ: …».\n\
         # 2. В participants.csv, products.csv, flows.csv, specs.csv и plans.csv замените строки-примеры\n\
         #    (коды начинаются с example-, названия — с «ПРИМЕР:») своими данными.\n\
         #    Столбцы описаны в README.md.\n\
         # 3. Проверьте данные: nichegraph check <папка>; затем nichegraph analyze <папка>.\n\
         #\n\
         # Строки с «#» — комментарии. Закомментированные настройки показывают значения по\n\
         # умолчанию; чтобы изменить настройку, уберите «# » в начале её строки.\n\
         # (Lines starting with # are comments; the commented settings show the defaults.)\n\n",
    );
    let comment = |t: &mut String, help: &str| {
        for line in wrap(help, 94) {
            t.push_str("# ");
            t.push_str(&line);
            t.push('\n');
        }
    };
    comment(&mut t, ID_HELP);
    t.push_str(&format!("id = \"{STUDY_ID}\"\n\n"));
    comment(&mut t, NAME_HELP);
    t.push_str(&format!("name = \"{NAME_PLACEHOLDER}\"\n\n"));
    comment(&mut t, REGIONS_HELP);
    t.push_str("# Например (for example): [\"Республика Татарстан\", \"Московская область\"]\n");
    t.push_str(&format!("regions = [\"{REGION_PLACEHOLDER}\"]\n\n"));
    comment(&mut t, YEAR_HELP);
    t.push_str("# year = 2024\n");
    let all = settings();
    for (table, help) in TABLE_HELP {
        t.push('\n');
        comment(&mut t, help);
        t.push_str(&format!("[{table}]\n"));
        for s in all.iter().filter(|s| s.table == table) {
            comment(&mut t, s.help);
            t.push_str(&format!("# {} = {}\n", s.key, s.default));
        }
    }
    t.push_str(&support_comment());
    t
}

/// Splits `text` into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

// ---------------------------------------------------------------------------------------------
// The CSV template.

fn csv_bytes(t: &Table) -> Result<Vec<u8>> {
    // A BOM, so that Excel opens the Cyrillic text as UTF-8; the loader accepts it.
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new().from_writer(&mut out);
        let fail = |e: csv::Error| Error::Other(format!("cannot write {}.csv: {e}", t.def.name));
        w.write_record(t.def.columns.iter().map(|c| c.name))
            .map_err(fail)?;
        for row in t.rows {
            w.write_record(row.iter().map(|v| match v {
                V::S(s) => s.to_string(),
                V::N(x) => x.to_string(),
                V::E => String::new(),
            }))
            .map_err(fail)?;
        }
        w.flush()
            .map_err(|e| Error::Other(format!("cannot write {}.csv: {e}", t.def.name)))?;
    }
    Ok(out)
}

fn readme_md() -> String {
    let mut t = String::from(
        "# Исследование nichegraph: что заполнить\n\n\
         1. `study.toml`: впишите название кластера (`name`) и его субъекты РФ (`regions`) вместо \
         «ЗАПОЛНИТЕ: …». Остальные настройки объяснены там же и имеют значения по умолчанию.\n\
         2. В каждой таблице есть строки-примеры: коды начинаются с `example-`, названия — с \
         «ПРИМЕР:». Замените их своими данными (или удалите) и добавьте свои строки. Первую строку \
         (заголовки) не меняйте; столбцы могут идти в любом порядке, лишние столбцы — ошибка.\n\
         3. Пустая ячейка — значение не указано. Дробная часть отделяется точкой; файлы из Excel \
         с «;» и десятичной запятой тоже читаются.\n\
         4. Проверьте данные: `nichegraph check <папка>`; затем `nichegraph analyze <папка>`.\n",
    );
    for table in TABLES {
        t.push_str(&format!(
            "\n## {}.csv{} — {}\n\n| столбец | обязательно | что писать |\n|---|---|---|\n",
            table.def.name,
            if table.def.required {
                ""
            } else {
                " (необязательный файл)"
            },
            table.def.about
        ));
        for c in table.def.columns {
            t.push_str(&format!(
                "| `{}` | {} | {} |\n",
                c.name,
                c.must(),
                c.help.replace('|', "\\|")
            ));
        }
    }
    t
}

// ---------------------------------------------------------------------------------------------
// The workbook template.

fn xe(e: XlsxError) -> Error {
    Error::Other(format!("cannot write the workbook: {e}"))
}

struct Formats {
    header: Format,
    title: Format,
    bold: Format,
    wrap: Format,
    text: Format,
    int: Format,
    rub: Format,
    qty: Format,
    num: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border_bottom(FormatBorder::Thin),
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold().set_text_wrap(),
            wrap: Format::new().set_text_wrap(),
            text: Format::new().set_num_format("@"),
            int: Format::new().set_num_format("0"),
            rub: Format::new().set_num_format("#,##0"),
            qty: Format::new().set_num_format("#,##0.00"),
            num: Format::new().set_num_format("General"),
        }
    }

    fn column(&self, kind: Kind) -> Option<&Format> {
        match kind {
            Kind::Text | Kind::Role | Kind::Participant | Kind::Supplier | Kind::Product => None,
            Kind::Code => Some(&self.text),
            Kind::Stage | Kind::Int | Kind::Year => Some(&self.int),
            Kind::Rub => Some(&self.rub),
            Kind::Qty => Some(&self.qty),
            Kind::Num => Some(&self.num),
        }
    }
}

fn workbook_bytes() -> Result<Vec<u8>> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)
        .and_then(|d| d.and_hms(0, 0, 0))
        .map_err(xe)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("nichegraph: шаблон исследования")
            .set_creation_datetime(&created),
    );

    let ws = wb.add_worksheet();
    readme_sheet(ws, &f)?;
    let ws = wb.add_worksheet();
    study_sheet(ws, &f)?;
    for t in TABLES {
        let ws = wb.add_worksheet();
        table_sheet(ws, &f, t)?;
    }
    let ws = wb.add_worksheet();
    support_sheet(ws, &f)?;
    wb.save_to_buffer().map_err(xe)
}

/// The optional `support` sheet with the default programmes: as it stands it changes nothing;
/// deleting it keeps the same programmes, and a header without rows means none.
fn support_sheet(ws: &mut Worksheet, f: &Formats) -> Result<()> {
    ws.set_name(SUPPORT_SHEET.name).map_err(xe)?;
    let widths = [12.0, 36.0, 16.0, 18.0, 19.0, 17.0];
    for (c, (col, width)) in SUPPORT_SHEET.columns.iter().zip(widths).enumerate() {
        ws.set_column_width(c as u16, width).map_err(xe)?;
        ws.write_with_format(0, c as u16, col.name, &f.header)
            .map_err(xe)?;
    }
    for (r, p) in crate::study::config::default_programmes()
        .iter()
        .enumerate()
    {
        let r = r as u32 + 1;
        ws.write(r, 0, &p.id).map_err(xe)?;
        ws.write(r, 1, &p.name).map_err(xe)?;
        ws.write(r, 2, p.cap_rub).map_err(xe)?;
        ws.write(r, 3, p.interest_coverage).map_err(xe)?;
        ws.write(r, 4, p.equipment_coverage).map_err(xe)?;
        ws.write(r, 5, p.requires_registry).map_err(xe)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xe)?;
    Ok(())
}

fn readme_sheet(ws: &mut Worksheet, f: &Formats) -> Result<()> {
    ws.set_name("README").map_err(xe)?;
    for (c, w) in [(0, 18.0), (1, 30.0), (2, 30.0), (3, 90.0)] {
        ws.set_column_width(c, w).map_err(xe)?;
    }
    let mut r = 0u32;
    ws.write_with_format(r, 0, "Исследование nichegraph: что заполнить", &f.title)
        .map_err(xe)?;
    r += 2;
    let steps = [
        "1. Лист study: впишите название кластера (name) и субъекты РФ (regions, по строке на \
         субъект) вместо «ЗАПОЛНИТЕ: …». id — код исследования, им названа папка результатов.",
        "2. Листы participants, products, flows, specs, plans: в каждом есть строки-примеры — коды \
         начинаются с example-, названия — с «ПРИМЕР:». Замените их своими данными (или удалите) и \
         добавляйте свои строки ниже. Первую строку (заголовки) не меняйте. Листы specs и plans \
         можно оставить пустыми.",
        "3. Роль (role), передел (stage) и, на листах flows и specs, коды участников и продуктов \
         выбираются из списка. Пустая ячейка — значение не указано.",
        "4. Проверьте данные: nichegraph check study.xlsx; затем nichegraph analyze study.xlsx.",
    ];
    for s in steps {
        ws.merge_range(r, 0, r, 3, s, &f.wrap).map_err(xe)?;
        ws.set_row_height(r, 32).map_err(xe)?;
        r += 1;
    }
    r += 1;
    for (c, h) in ["лист", "столбец", "обязательно", "что писать"]
        .iter()
        .enumerate()
    {
        ws.write_with_format(r, c as u16, *h, &f.header)
            .map_err(xe)?;
    }
    r += 1;
    for t in TABLES {
        ws.write_with_format(r, 0, t.def.name, &f.bold)
            .map_err(xe)?;
        ws.merge_range(
            r,
            1,
            r,
            3,
            &format!("{}: {}", sheet_title(t), t.def.about),
            &f.bold,
        )
        .map_err(xe)?;
        r += 1;
        for c in t.def.columns {
            ws.write(r, 0, t.def.name).map_err(xe)?;
            ws.write(r, 1, c.name).map_err(xe)?;
            ws.write_with_format(r, 2, c.must(), &f.wrap).map_err(xe)?;
            ws.write_with_format(r, 3, c.help, &f.wrap).map_err(xe)?;
            r += 1;
        }
    }
    ws.write_with_format(r, 0, "study", &f.bold).map_err(xe)?;
    ws.merge_range(
        r,
        1,
        r,
        3,
        "Лист study: настройки исследования, по строке «ключ | значение». Необязательные \
         настройки уже стоят со значениями по умолчанию; пустое значение — настройка не задана.",
        &f.bold,
    )
    .map_err(xe)?;
    r += 1;
    let mut setting = |r: &mut u32, key: &str, req: &str, help: &str| -> Result<()> {
        ws.write(*r, 0, "study").map_err(xe)?;
        ws.write(*r, 1, key).map_err(xe)?;
        ws.write_with_format(*r, 2, req, &f.wrap).map_err(xe)?;
        ws.write_with_format(*r, 3, help, &f.wrap).map_err(xe)?;
        *r += 1;
        Ok(())
    };
    setting(&mut r, "id", YES, ID_HELP)?;
    setting(&mut r, "name", YES, NAME_HELP)?;
    setting(&mut r, "regions", "да, по строке на субъект", REGIONS_HELP)?;
    setting(&mut r, "year", NO, YEAR_HELP)?;
    for s in settings() {
        setting(
            &mut r,
            &s.dotted(),
            &format!("нет, по умолчанию {}", s.default),
            s.help,
        )?;
    }
    ws.write_with_format(r, 0, "support", &f.bold).map_err(xe)?;
    ws.merge_range(
        r,
        1,
        r,
        3,
        "Лист support (необязательный): меры государственной поддержки, по строке на программу. \
         В шаблоне — две программы по умолчанию (ПП РФ № 41 и № 1119); без листа действуют они же, \
         лист только с заголовками — без программ.",
        &f.bold,
    )
    .map_err(xe)?;
    r += 1;
    for c in SUPPORT_SHEET.columns {
        ws.write(r, 0, SUPPORT_SHEET.name).map_err(xe)?;
        ws.write(r, 1, c.name).map_err(xe)?;
        ws.write_with_format(r, 2, c.must(), &f.wrap).map_err(xe)?;
        ws.write_with_format(r, 3, c.help, &f.wrap).map_err(xe)?;
        r += 1;
    }
    ws.set_freeze_panes(1, 0).map_err(xe)?;
    Ok(())
}

fn sheet_title(t: &Table) -> String {
    if t.def.required {
        format!("Лист {}", t.def.name)
    } else {
        format!("Лист {} (необязательный)", t.def.name)
    }
}

fn study_sheet(ws: &mut Worksheet, f: &Formats) -> Result<()> {
    ws.set_name("study").map_err(xe)?;
    ws.set_column_width(0, 34).map_err(xe)?;
    ws.set_column_width(1, 50).map_err(xe)?;
    ws.write_with_format(0, 0, "key", &f.header).map_err(xe)?;
    ws.write_with_format(0, 1, "value", &f.header).map_err(xe)?;
    ws.write(1, 0, "id").map_err(xe)?;
    ws.write(1, 1, STUDY_ID).map_err(xe)?;
    ws.write(2, 0, "name").map_err(xe)?;
    ws.write(2, 1, NAME_PLACEHOLDER).map_err(xe)?;
    ws.write(3, 0, "regions").map_err(xe)?;
    ws.write(3, 1, REGION_PLACEHOLDER).map_err(xe)?;
    // An empty value leaves a setting unset, so the year row can wait for a year.
    ws.write(4, 0, "year").map_err(xe)?;
    let mut r = 5;
    if WORKBOOK_DEFAULTS {
        for s in settings() {
            ws.write(r, 0, s.dotted()).map_err(xe)?;
            match s.default {
                Def::F(x) => ws.write(r, 1, x),
                Def::U(n) => ws.write(r, 1, n as f64),
            }
            .map_err(xe)?;
            r += 1;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(xe)?;
    Ok(())
}

/// Whether the `study` sheet lists the optional settings with their default values.
const WORKBOOK_DEFAULTS: bool = true;

fn table_sheet(ws: &mut Worksheet, f: &Formats, t: &Table) -> Result<()> {
    ws.set_name(t.def.name).map_err(xe)?;
    for (i, (c, width)) in t.def.columns.iter().zip(t.widths).enumerate() {
        let i = i as u16;
        ws.set_column_width(i, *width).map_err(xe)?;
        if let Some(fmt) = f.column(c.kind) {
            ws.set_column_format(i, fmt).map_err(xe)?;
        }
        ws.write_with_format(0, i, c.name, &f.header).map_err(xe)?;
        if let Some(v) = validation(c.kind)? {
            ws.add_data_validation(1, i, FORMATTED_ROWS, i, &v)
                .map_err(xe)?;
        }
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (i, (v, c)) in row.iter().zip(t.def.columns).enumerate() {
            let i = i as u16;
            match (v, f.column(c.kind)) {
                (V::S(s), Some(fmt)) => ws.write_with_format(r, i, *s, fmt),
                (V::S(s), None) => ws.write(r, i, *s),
                (V::N(x), Some(fmt)) => ws.write_with_format(r, i, *x, fmt),
                (V::N(x), None) => ws.write(r, i, *x),
                (V::E, _) => continue,
            }
            .map_err(xe)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(xe)?;
    Ok(())
}

fn validation(kind: Kind) -> Result<Option<DataValidation>> {
    let v = match kind {
        Kind::Role => DataValidation::new()
            .allow_list_strings(&ROLES)
            .map_err(xe)?
            .set_input_title("Роль участника")
            .map_err(xe)?
            .set_input_message(
                "industrial — промышленное предприятие; final_producer — производитель конечной \
                 продукции; education — образование; infrastructure — инфраструктура; \
                 specialized_org — специализированная организация",
            )
            .map_err(xe)?
            .set_error_title("Неизвестная роль")
            .map_err(xe)?
            .set_error_message("Выберите роль из списка.")
            .map_err(xe)?,
        Kind::Stage => DataValidation::new()
            .allow_list_strings(&STAGES)
            .map_err(xe)?
            .set_input_title("Передел")
            .map_err(xe)?
            .set_input_message(
                "1 — сырьё и детали, 2 — компоненты, 3 — узлы и агрегаты, 4 — конечная \
                 продукция. Для education, infrastructure и specialized_org оставьте пустым.",
            )
            .map_err(xe)?
            .set_error_title("Неизвестный передел")
            .map_err(xe)?
            .set_error_message("Передел — число от 1 до 4.")
            .map_err(xe)?,
        Kind::Participant => id_list(
            "participants",
            "Участник",
            "Выберите код участника с листа participants.",
        )?,
        Kind::Product => id_list(
            "products",
            "Продукт",
            "Выберите код продукта с листа products.",
        )?,
        Kind::Supplier => {
            // Imports and Russian suppliers outside the cluster are not on the list: a value
            // off the list is only questioned, not refused.
            let v = id_list(
                "participants",
                "Поставщик",
                "Код участника с листа participants, import:<СТРАНА> (например import:DE) или domestic.",
            )?;
            return Ok(Some(
                v.set_error_style(DataValidationErrorStyle::Information),
            ));
        }
        _ => return Ok(None),
    };
    Ok(Some(v.set_error_style(DataValidationErrorStyle::Stop)))
}

/// A drop-down of the ids in column A of another sheet (its rows under the header).
fn id_list(sheet: &str, title: &str, message: &str) -> Result<DataValidation> {
    let range = format!("={sheet}!$A$2:$A${}", FORMATTED_ROWS + 1);
    DataValidation::new()
        .allow_list_formula(rust_xlsxwriter::Formula::new(range))
        .set_input_title(title)
        .map_err(xe)?
        .set_input_message(message)
        .map_err(xe)?
        .set_error_title("Нет в списке")
        .map_err(xe)?
        .set_error_message(message)
        .map_err(xe)
}

// ---------------------------------------------------------------------------------------------
// init

/// What `init` wrote.
#[derive(Debug)]
pub struct Created {
    /// The path to give `check` and `analyze`: the folder, or the workbook.
    pub study: PathBuf,
    pub files: Vec<PathBuf>,
}

impl fmt::Display for Created {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for file in &self.files {
            writeln!(f, "created {}", file.display())?;
        }
        write!(
            f,
            "next: replace the «{FILL}» placeholders and the example rows (ids starting with \
             {EXAMPLE_ID}, names with «{EXAMPLE_NAME}») with the cluster's data, then run \
             `nichegraph check {}`",
            self.study.display()
        )
    }
}

fn is_xlsx_path(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Writes a ready-to-fill study: in folder `dir` the CSV files, `study.toml` and `README.md`;
/// with `xlsx`, the workbook `dir/study.xlsx` (or `dir` itself when it ends with `.xlsx`).
/// Never overwrites a file: when any of them exists, nothing is written.
pub fn init(dir: &Path, xlsx: bool) -> Result<Created> {
    let (study, files): (PathBuf, Vec<(PathBuf, Vec<u8>)>) = if xlsx {
        let book = if is_xlsx_path(dir) {
            dir.to_path_buf()
        } else {
            dir.join("study.xlsx")
        };
        (book.clone(), vec![(book, workbook_bytes()?)])
    } else {
        if is_xlsx_path(dir) {
            return Err(Error::Usage(format!(
                "{} ends with .xlsx: add --xlsx to write a workbook, or give a folder name",
                dir.display()
            )));
        }
        let mut files = vec![(dir.join("study.toml"), study_toml().into_bytes())];
        for t in TABLES {
            files.push((dir.join(t.def.file_name()), csv_bytes(t)?));
        }
        files.push((dir.join("README.md"), readme_md().into_bytes()));
        (dir.to_path_buf(), files)
    };
    let existing: Vec<String> = files
        .iter()
        .filter(|(p, _)| p.symlink_metadata().is_ok())
        .map(|(p, _)| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(Error::Other(format!(
            "{} already exist{}; init never overwrites files: choose a new folder, or move {} away",
            existing.join(", "),
            if existing.len() == 1 { "s" } else { "" },
            if existing.len() == 1 { "it" } else { "them" },
        )));
    }
    let folder = files[0].0.parent().map(Path::to_path_buf);
    if let Some(folder) = folder.filter(|f| !f.as_os_str().is_empty()) {
        std::fs::create_dir_all(&folder)
            .map_err(|e| Error::io("cannot create the folder", &folder, e))?;
    }
    let mut written = Vec::new();
    for (path, bytes) in files {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::io("cannot create", &path, e))?;
        file.write_all(&bytes)
            .and_then(|_| file.sync_all())
            .map_err(|e| Error::io("cannot write", &path, e))?;
        written.push(path);
    }
    Ok(Created {
        study,
        files: written,
    })
}

// ---------------------------------------------------------------------------------------------
// untouched

fn is_example(cell: &str) -> bool {
    let c = cell.trim();
    c.starts_with(EXAMPLE_ID) || c.starts_with(EXAMPLE_NAME)
}

fn is_placeholder(s: &str) -> bool {
    s.trim().starts_with(FILL)
}

/// When the study at `path` (a folder, or a `.xlsx` workbook) still holds the template's
/// placeholders or example rows, one plain problem per file or sheet that says what to fill.
/// `None` when there are none, or when the study cannot be read (the loader reports that).
pub fn untouched(path: &Path) -> Option<Vec<Problem>> {
    let problems = if path.is_file() && is_xlsx_path(path) {
        workbook_markers(path)
    } else if path.is_dir() {
        let book = path.join("study.xlsx");
        if !path.join("study.toml").exists() && book.is_file() {
            workbook_markers(&book)
        } else {
            folder_markers(path)
        }
    } else {
        Vec::new()
    };
    (!problems.is_empty()).then_some(problems)
}

/// The message for placeholders left in the name and regions.
fn placeholder_message(name: bool, regions: bool) -> Option<String> {
    match (name, regions) {
        (true, true) => Some(format!(
            "name and regions are still the template's placeholders («{FILL}: …»); write the \
             cluster's name and its regions (subjects of the Russian Federation)"
        )),
        (true, false) => Some(format!(
            "name is still the template's placeholder («{FILL}: …»); write the cluster's name"
        )),
        (false, true) => Some(format!(
            "regions still holds the template's placeholder («{FILL}: …»); write the cluster's \
             regions (subjects of the Russian Federation)"
        )),
        (false, false) => None,
    }
}

/// An example row: its id, or where it is when the table has no ids.
enum Label {
    Id(String),
    At(u64),
}

/// The message for example rows left in a table.
fn example_message(t: &Table, labels: &[Label], place: &str) -> String {
    const SHOWN: usize = 5;
    let all_at = labels.iter().all(|l| matches!(l, Label::At(_)));
    let mut list = labels
        .iter()
        .take(SHOWN)
        .map(|l| match l {
            Label::Id(id) => id.clone(),
            Label::At(n) if all_at => n.to_string(),
            Label::At(n) => format!("{place} {n}"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    if labels.len() > SHOWN {
        list.push_str(", …");
    }
    if all_at {
        list = format!("{place}{} {list}", if labels.len() == 1 { "" } else { "s" });
    }
    let (rows, verb, them) = if labels.len() == 1 {
        ("example row", "is", "it")
    } else {
        ("example rows", "are", "them")
    };
    format!(
        "{} {rows} ({list}) {verb} still there; {}",
        labels.len(),
        t.replace_with.replace("{them}", them)
    )
}

/// A label for an example row: its id, or where it is.
fn row_label(id: Option<&str>, at: u64) -> Label {
    match id {
        Some(id) if !id.trim().is_empty() => Label::Id(id.trim().to_string()),
        _ => Label::At(at),
    }
}

fn folder_markers(dir: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    let shown = |name: &str| dir.join(name).display().to_string();
    if let Ok(text) = std::fs::read_to_string(dir.join("study.toml")) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let (name, regions) = match text.parse::<toml::Table>() {
            Ok(t) => (
                t.get("name")
                    .and_then(|v| v.as_str())
                    .is_some_and(is_placeholder),
                t.get("regions")
                    .and_then(|v| v.as_array())
                    .is_some_and(|a| a.iter().filter_map(|v| v.as_str()).any(is_placeholder)),
            ),
            Err(_) => (false, false),
        };
        if let Some(m) = placeholder_message(name, regions) {
            problems.push(Problem::file(&shown("study.toml"), m));
        }
    }
    for t in TABLES {
        let file = t.def.file_name();
        // The template's example rows are its first rows: the head of a large file will do.
        let Some(bytes) = head(&dir.join(&file)) else {
            continue;
        };
        let Ok((text, _, _)) = dialect::decode(&bytes, &file, None) else {
            continue;
        };
        let names: Vec<&str> = t.def.columns.iter().map(|c| c.name).collect();
        let Ok(delimiter) = dialect::delimiter(&text, &file, &names) else {
            continue;
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let id_at = reader
            .headers()
            .ok()
            .and_then(|h| h.iter().position(|c| c.trim() == "id"));
        let mut labels = Vec::new();
        for record in reader.records() {
            let Ok(record) = record else { break };
            if record.iter().any(is_example) {
                let line = record.position().map_or(0, |p| p.line());
                labels.push(row_label(id_at.and_then(|i| record.get(i)), line));
            }
        }
        if !labels.is_empty() {
            problems.push(Problem::file(
                &shown(&file),
                example_message(t, &labels, "line"),
            ));
        }
    }
    problems
}

/// The first MiB of a file, cut after its last full line (all of a smaller file).
fn head(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    const HEAD: u64 = 1 << 20;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(HEAD + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    if bytes.len() as u64 > HEAD {
        let end = bytes.iter().rposition(|&b| b == b'\n')?;
        bytes.truncate(end + 1);
    }
    Some(bytes)
}

/// Template markers in a workbook; a malformed one (a panic inside calamine) has none here, and
/// loading it then reports it plainly.
fn workbook_markers(path: &Path) -> Vec<Problem> {
    std::panic::catch_unwind(|| workbook_markers_unguarded(path)).unwrap_or_default()
}

fn workbook_markers_unguarded(path: &Path) -> Vec<Problem> {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let Ok(mut book) = open_workbook::<Xlsx<_>, _>(path) else {
        return Vec::new();
    };
    let text = |d: &Data| match d {
        Data::String(s) => Some(s.clone()),
        _ => None,
    };
    let shown = |sheet: &str| format!("{}[{sheet}]", path.display());
    let mut problems = Vec::new();
    if let Ok(range) = book.worksheet_range("study") {
        let (mut name, mut regions) = (false, false);
        for row in range.rows() {
            let key = row.first().and_then(text).unwrap_or_default();
            let value = row.get(1).and_then(text).unwrap_or_default();
            match key.trim() {
                "name" => name |= is_placeholder(&value),
                "regions" => regions |= is_placeholder(&value),
                _ => {}
            }
        }
        if let Some(m) = placeholder_message(name, regions) {
            problems.push(Problem::file(&shown("study"), m));
        }
    }
    for t in TABLES {
        let Ok(range) = book.worksheet_range(t.def.name) else {
            continue;
        };
        let first_row = range.start().map_or(0, |s| s.0);
        let mut rows = range.rows();
        let id_at = rows.next().and_then(|h| {
            h.iter()
                .position(|c| text(c).is_some_and(|s| s.trim() == "id"))
        });
        let mut labels = Vec::new();
        for (i, row) in rows.enumerate() {
            if row.iter().filter_map(text).any(|s| is_example(&s)) {
                let id = id_at.and_then(|k| row.get(k)).and_then(text);
                labels.push(row_label(
                    id.as_deref(),
                    u64::from(first_row) + i as u64 + 2,
                ));
            }
        }
        if !labels.is_empty() {
            problems.push(Problem::file(
                &shown(t.def.name),
                example_message(t, &labels, "row"),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untouched_csv_template_is_a_valid_study() {
        let dir = tempfile::tempdir().unwrap();
        let study = dir.path().join("s");
        init(&study, false).unwrap();
        let s = crate::study::load(&study).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(s.participants.len(), 2);
        assert_eq!(s.config.id, STUDY_ID);
        assert_eq!(s.plans.len(), 1);
        let p = untouched(&study).expect("markers");
        assert_eq!(p.len(), 6, "{p:?}");
    }

    #[test]
    fn every_commented_setting_parses_to_its_default() {
        let text: String = study_toml()
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest)
                    if (rest.contains(" = ") && !rest.starts_with("Например"))
                        || rest == "[[support]]" =>
                {
                    rest.to_string()
                }
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let mut problems = vec![];
        let c = crate::study::config::parse(&text, "study.toml", &mut problems)
            .unwrap_or_else(|| panic!("{problems:?}\n{text}"));
        assert_eq!(c.year, Some(2024));
        assert_eq!(
            serde_json::to_value(&c.criteria).unwrap(),
            serde_json::to_value(Criteria::default()).unwrap()
        );
        assert_eq!(
            serde_json::to_value(&c.compliance).unwrap(),
            serde_json::to_value(ComplianceThresholds::default()).unwrap()
        );
        assert!(text.contains("\nhorizon = 5"), "{text}");
        assert_eq!(c.outlook.horizon, Outlook::default().horizon);
        assert_eq!(c.investment.capital_intensity, 1.0);
        assert_eq!(c.finance, crate::study::config::Finance::default());
        assert_eq!(c.support, crate::study::config::default_programmes());
        assert!(text.contains("\n[[support]]\nid = \"pp41\""));
        // Every key of the three tables is in the template.
        for key in ["criteria", "compliance"] {
            let v = serde_json::to_value(match key {
                "criteria" => serde_json::to_value(&c.criteria).unwrap(),
                _ => serde_json::to_value(&c.compliance).unwrap(),
            })
            .unwrap();
            for k in v.as_object().unwrap().keys() {
                assert!(text.contains(&format!("\n{k} = ")), "{key}.{k} missing");
            }
        }
    }

    #[test]
    fn untouched_workbook_template_is_a_valid_study() {
        let dir = tempfile::tempdir().unwrap();
        let created = init(dir.path(), true).unwrap();
        assert_eq!(created.study, dir.path().join("study.xlsx"));
        let s = crate::study::workbook::load(&created.study).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(s.participants.len(), 2);
        assert_eq!(s.flows.len(), 2);
        assert_eq!(s.specs.len(), 1);
        assert_eq!(s.plans.len(), 1);
        let p = untouched(&created.study).expect("markers");
        assert_eq!(p.len(), 6, "{p:?}");
        assert_eq!(untouched(dir.path()).map(|p| p.len()), Some(6));
    }

    #[test]
    fn validation_texts_fit_excel_limits() {
        assert!(validation(Kind::Role).unwrap().is_some());
        assert!(validation(Kind::Stage).unwrap().is_some());
        workbook_bytes().unwrap();
    }

    #[test]
    fn workbook_is_deterministic() {
        assert_eq!(workbook_bytes().unwrap(), workbook_bytes().unwrap());
    }

    #[test]
    fn widths_and_example_rows_fit_the_columns() {
        for (t, def) in TABLES.iter().zip(&schema::TABLES) {
            assert!(std::ptr::eq(t.def, def), "{} is out of order", t.def.name);
            assert_eq!(t.widths.len(), def.columns.len(), "{}", def.name);
            for row in t.rows {
                assert_eq!(row.len(), def.columns.len(), "{}", def.name);
            }
        }
    }

    #[test]
    fn wrap_keeps_words() {
        assert_eq!(wrap("a bb ccc", 4), vec!["a bb", "ccc"]);
    }
}
