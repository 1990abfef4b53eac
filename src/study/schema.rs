//! The input tables of a study, each defined once: its name, its columns, which of them must be
//! filled, how each is typed, and what to write in it (in Russian, for the analyst).
//!
//! The loader reads by these definitions (a CSV file, a workbook sheet or flows.parquet), the
//! template writes its CSV files, workbook sheets and README from them, and `generate` its
//! headers. A new input column is one entry here (and its reading in `validate.rs`).

/// What a column holds: decides the decimal mark (numeric columns) and, in the workbook
/// template, the number format and the drop-down list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Text that looks like a number (ИНН): formatted as text so leading zeros stay.
    Code,
    Role,
    /// A participant id, chosen from the participants sheet.
    Participant,
    /// A participant id from the participants sheet, `import:<СТРАНА>` or `domestic`.
    Supplier,
    /// A product id, chosen from the products sheet.
    Product,
    Stage,
    Int,
    Year,
    Rub,
    Qty,
    Num,
}

impl Kind {
    /// How docs/INPUTS.md names the kind.
    fn doc(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Code => "code (text)",
            Kind::Role => "role",
            Kind::Participant => "participant id",
            Kind::Supplier => "participant id, import:<ORIGIN> or domestic",
            Kind::Product => "product id",
            Kind::Stage => "stage 1..4",
            Kind::Int => "integer",
            Kind::Year => "year",
            Kind::Rub => "number, rub",
            Kind::Qty => "number, in the product's unit",
            Kind::Num => "number",
        }
    }

    /// Whether the column's cells are numbers (their cells decide the decimal mark).
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            Kind::Stage | Kind::Int | Kind::Year | Kind::Rub | Kind::Qty | Kind::Num
        )
    }
}

/// A column a table accepts.
#[derive(Debug)]
pub struct Column {
    pub name: &'static str,
    /// Whether the header must have it (and every row a value in it).
    pub required: bool,
    pub kind: Kind,
    /// When an optional column must be filled after all, in Russian (`stage`: for an
    /// industrial participant).
    pub when: Option<&'static str>,
    /// What to write, in Russian.
    pub help: &'static str,
}

/// «Обязательно» in the template's column lists: yes.
pub const YES: &str = "да";
/// «Обязательно» in the template's column lists: no.
pub const NO: &str = "нет";

impl Column {
    /// Whether the column must be filled, in Russian, as the template's column lists say it.
    pub fn must(&self) -> &'static str {
        match (self.required, self.when) {
            (true, _) => YES,
            (false, Some(when)) => when,
            (false, None) => NO,
        }
    }
}

pub const fn required(name: &'static str, kind: Kind, help: &'static str) -> Column {
    Column {
        name,
        required: true,
        kind,
        when: None,
        help,
    }
}

pub const fn optional(name: &'static str, kind: Kind, help: &'static str) -> Column {
    Column {
        name,
        required: false,
        kind,
        when: None,
        help,
    }
}

const fn optional_when(
    name: &'static str,
    kind: Kind,
    when: &'static str,
    help: &'static str,
) -> Column {
    Column {
        name,
        required: false,
        kind,
        when: Some(when),
        help,
    }
}

/// The names of `columns` as a CSV header line (without the line end).
pub fn header<'a>(columns: impl IntoIterator<Item = &'a Column>) -> String {
    columns
        .into_iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(",")
}

/// participants.csv: the cluster's participants.
pub const PARTICIPANTS: [Column; 10] = [
    required("id", Kind::Text, "Краткий код участника, уникальный: латинские буквы, цифры, «_», «.», «-», до 64 символов. \
             На него ссылаются flows и specs. Код «domestic» занят."),
    required("name", Kind::Text, "Наименование организации."),
    required("region", Kind::Text, "Субъект РФ, где работает участник."),
    required("role", Kind::Role, "Роль в кластере: industrial — промышленное предприятие; final_producer — производитель \
             конечной продукции; education — образовательная организация; infrastructure — объект \
             инфраструктуры (технопарк, индустриальный парк, центр коллективного пользования); \
             specialized_org — специализированная организация кластера."),
    optional_when("stage", Kind::Stage, "industrial — да; final_producer — можно пусто (= 4); остальные — пусто", "Передел, на котором участник производит: 1 — сырьё и детали, 2 — компоненты, \
             3 — узлы и агрегаты, 4 — конечная продукция."),
    optional("employees", Kind::Int, "Число работников (все рабочие места), целое ≥ 0."),
    optional("hp_jobs", Kind::Int, "Число высокопроизводительных рабочих мест (ВПРМ), не больше employees."),
    optional("in_governance", Kind::Text, "Входит ли участник в органы управления специализированной организации: true/false \
             (также 1/0, yes/no, да/нет). Пусто — нет."),
    optional("output_rub", Kind::Rub, "Годовой объём выпуска, руб., ≥ 0. Без него выпуск оценивается по закупкам участника."),
    optional("inn", Kind::Code, "ИНН."),
];

/// products.csv: the products the participants buy.
pub const PRODUCTS: [Column; 8] = [
    required(
        "id",
        Kind::Text,
        "Краткий код продукта, уникальный; правила те же, что для кода участника.",
    ),
    required("name", Kind::Text, "Наименование продукта."),
    required(
        "stage",
        Kind::Stage,
        "Передел, на котором продукт производится: 1 — сырьё и детали, 2 — компоненты, \
             3 — узлы и агрегаты, 4 — конечная продукция.",
    ),
    required(
        "unit",
        Kind::Text,
        "Натуральная единица измерения: т, шт, м², …",
    ),
    optional(
        "benchmark_price_rub",
        Kind::Num,
        "Эталонная цена за единицу (мировая или лучшая рыночная), руб., > 0. Нужна, чтобы \
             заметить переплату (признак cost).",
    ),
    optional(
        "capex_rub_per_unit",
        Kind::Num,
        "Инвестиции на единицу годовой мощности, руб., > 0. Без них объём инвестиций \
             оценивается как capital_intensity × адресуемый спрос.",
    ),
    optional(
        "min_capacity",
        Kind::Qty,
        "Минимальная эффективная годовая мощность, в единицах продукта, ≥ 0.",
    ),
    optional(
        "code",
        Kind::Code,
        "Код продукта по ОКПД2 или ТН ВЭД: цифры и точки, например 20.60.13 или \
             2841 61 000 0 (пробелы не учитываются); в Excel вводите текстом, иначе 24.10 \
             станет 24.1. По коду ассоциация находит одну и ту же продукцию в разных \
             кластерах. Пусто — без кода.",
    ),
];

/// flows.csv (or flows.parquet): the annual supply flows.
pub const FLOWS: [Column; 7] = [
    required(
        "supplier",
        Kind::Supplier,
        "Поставщик: код участника; import:<СТРАНА> для импорта (код страны латиницей, \
             например import:DE); domestic — российский поставщик вне кластера.",
    ),
    optional(
        "supplier_name",
        Kind::Text,
        "Название поставщика, например Hexagon Composites.",
    ),
    required(
        "consumer",
        Kind::Participant,
        "Покупатель: код участника. Поставщик и покупатель не могут совпадать.",
    ),
    required("product", Kind::Product, "Код продукта из products."),
    required(
        "quantity",
        Kind::Qty,
        "Количество за год в единицах продукта, ≥ 0.",
    ),
    required("value_rub", Kind::Rub, "Стоимость за год, руб., ≥ 0."),
    optional(
        "year",
        Kind::Year,
        "Год поставки. Если столбец есть, год нужен в каждой строке; анализ берёт год, \
             указанный в настройке year, а без неё — последний год в данных.",
    ),
];

/// specs.csv (optional): required technical characteristics.
pub const SPECS: [Column; 8] = [
    required(
        "consumer",
        Kind::Participant,
        "Код участника, которому нужна характеристика.",
    ),
    required("product", Kind::Product, "Код продукта."),
    required(
        "parameter",
        Kind::Text,
        "Характеристика, например tensile_strength_gpa.",
    ),
    optional_when(
        "required_min",
        Kind::Num,
        "required_min или required_max — хотя бы одно",
        "Наименьшее допустимое значение.",
    ),
    optional_when(
        "required_max",
        Kind::Num,
        "required_min или required_max — хотя бы одно",
        "Наибольшее допустимое значение.",
    ),
    optional(
        "available",
        Kind::Num,
        "Лучшее значение, которое предлагают нынешние поставщики; пусто — не предлагает никто.",
    ),
    optional(
        "parameter_name",
        Kind::Text,
        "Как характеристику называть в отчёте; пусто — по её коду.",
    ),
    optional("unit", Kind::Text, "Единица значений, например ГПа."),
];

/// plans.csv (optional, SPEC v2 "Demand outlook"): output plans after the selected year.
pub const PLANS: [Column; 4] = [
    required("participant", Kind::Text, "Код участника из participants."),
    required(
        "year",
        Kind::Year,
        "Год плана, позже года анализа. Одна строка на участника и год.",
    ),
    required(
        "output_rub",
        Kind::Rub,
        "Планируемый годовой выпуск участника в этом году, руб., не меньше 0.",
    ),
    optional(
        "note",
        Kind::Text,
        "Пояснение, например «запуск второй линии»; попадает в отчёт.",
    ),
];
/// Transaction lines for `nichegraph ingest` (transactions.csv or Parquet; SPEC "From
/// transaction lines to flows"): not a table of the study folder, but matched to it.
pub const TRANSACTIONS: [Column; 8] = [
    optional_when(
        "seller_inn",
        Kind::Code,
        "да, если не указана страна происхождения",
        "ИНН продавца: 10 или 12 цифр.",
    ),
    optional(
        "seller_name",
        Kind::Text,
        "Название продавца, например «АО «Поставщик»».",
    ),
    optional(
        "origin",
        Kind::Text,
        "Страна происхождения для импорта (строки таможенных деклараций), например CN.",
    ),
    required("buyer_inn", Kind::Code, "ИНН покупателя: 10 или 12 цифр."),
    required(
        "product_code",
        Kind::Code,
        "Код продукции (ОКПД2 или ТН ВЭД), как в перечне продукции; пробелы не важны.",
    ),
    required("date", Kind::Text, "Дата поставки в виде ГГГГ-ММ-ДД."),
    required(
        "quantity",
        Kind::Qty,
        "Количество в единицах продукции, не меньше 0.",
    ),
    required("value_rub", Kind::Rub, "Стоимость в рублях, не меньше 0."),
];

/// An input table: what it is called, whether a study needs it, and its columns.
pub struct TableDef {
    /// `participants` is read from participants.csv or the `participants` sheet.
    pub name: &'static str,
    pub required: bool,
    /// What a row is, in Russian.
    pub about: &'static str,
    pub columns: &'static [Column],
}

impl TableDef {
    /// The columns whose cells decide the decimal mark.
    pub fn numeric(&self) -> Vec<&'static str> {
        self.columns
            .iter()
            .filter(|c| c.kind.is_numeric())
            .map(|c| c.name)
            .collect()
    }

    /// The table's CSV file in a study folder.
    pub fn file_name(&self) -> String {
        format!("{}.csv", self.name)
    }
}

/// The tables of a study, in this order everywhere (loader, template, README).
pub const TABLES: [TableDef; 5] = [
    TableDef {
        name: "participants",
        required: true,
        about: "участники кластера, по строке на организацию",
        columns: &PARTICIPANTS,
    },
    TableDef {
        name: "products",
        required: true,
        about: "продукты, которые покупают участники, по строке на продукт",
        columns: &PRODUCTS,
    },
    TableDef {
        name: "flows",
        required: true,
        about:
            "годовые поставки продуктов участникам; строки с одинаковыми поставщиком, покупателем \
            и продуктом (за один год) складываются",
        columns: &FLOWS,
    },
    TableDef {
        name: "specs",
        required: false,
        about: "требуемые технические характеристики (необязательная таблица); пробел — когда \
            available пусто, ниже required_min или выше required_max",
        columns: &SPECS,
    },
    TableDef {
        name: "plans",
        required: false,
        about:
            "планы выпуска участников на годы после года анализа (необязательная таблица): из них \
            считается потенциальный спрос по всей цепочке поставок",
        columns: &PLANS,
    },
];

/// The settings file of a study folder.
pub const SETTINGS_FILE: &str = "study.toml";

/// Flows in Parquet, read when the folder has no flows.csv.
pub const FLOWS_PARQUET: &str = "flows.parquet";

/// The workbook's settings sheet: one `key | value` row per setting of study.toml.
pub const STUDY_SHEET: TableDef = TableDef {
    name: "study",
    required: true,
    about: "настройки исследования, по строке «ключ | значение»",
    columns: &[
        required(
            "key",
            Kind::Text,
            "Настройка, как в study.toml (criteria.import_share_min).",
        ),
        required(
            "value",
            Kind::Text,
            "Её значение; пусто — настройка не задана.",
        ),
    ],
};

/// The workbook's support programmes: one row per `[[support]]` table of study.toml.
pub const SUPPORT_SHEET: TableDef = TableDef {
    name: "support",
    required: false,
    about: "меры государственной поддержки, по строке на программу",
    columns: &[
        required("id", Kind::Text, "Код программы: латинские буквы, цифры, «_», «.», «-»; не повторяется (programme id, unique)."),
        required("name", Kind::Text, "Название программы (programme name)."),
        required("cap_rub", Kind::Rub, "Наибольшая сумма поддержки на один проект, руб., больше 0 (most the programme pays for one project)."),
        optional("interest_coverage", Kind::Num, "Доля возмещаемых процентов по кредиту, от 0 до 1; пусто — 0 (share of the credit interest reimbursed)."),
        optional("equipment_coverage", Kind::Num, "Доля возмещаемой стоимости оборудования, от 0 до 1; пусто — 0 (share of the equipment's cost reimbursed)."),
        optional("requires_registry", Kind::Text, "Только для кластеров, соответствующих требованиям реестра: да/нет; пусто — да (only for a cluster in the registry)."),
    ],
};

/// docs/INPUTS.md: every input table's columns, generated from these definitions (a test
/// keeps the committed file current).
pub fn doc() -> String {
    let mut t = String::from(
        "# Input tables\n\nGenerated from `src/study/schema.rs` (the one definition of every input \
         table) by `NICHEGRAPH_UPDATE_DOCS=1 cargo test --lib schema`; do not edit by hand. A study \
         is a folder with study.toml and one CSV file per table (flows may be flows.parquet), or \
         one workbook with a sheet per table. The meaning of every figure is in docs/SPEC.md; \
         «что писать» is what the template (`nichegraph init`) tells the analyst.\n",
    );
    let sheets = [&STUDY_SHEET, &SUPPORT_SHEET];
    for table in TABLES.iter().chain(sheets) {
        let place = if sheets.iter().any(|s| std::ptr::eq(*s, table)) {
            format!("the `{}` sheet of a workbook", table.name)
        } else {
            format!("{}, or the `{}` sheet", table.file_name(), table.name)
        };
        t.push_str(&format!(
            "\n## {}{}\n\n{place}: {}.\n\n| column | type | обязательно | что писать |\n|---|---|---|---|\n",
            table.name,
            if table.required { "" } else { " (optional)" },
            table.about,
        ));
        for c in table.columns {
            t.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                c.name,
                c.kind.doc(),
                c.must(),
                c.help.replace('|', "\\|")
            ));
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_columns_are_the_loaders() {
        let numeric: Vec<Vec<&str>> = TABLES.iter().map(TableDef::numeric).collect();
        assert_eq!(
            numeric,
            [
                vec!["stage", "employees", "hp_jobs", "output_rub"],
                vec![
                    "stage",
                    "benchmark_price_rub",
                    "capex_rub_per_unit",
                    "min_capacity"
                ],
                vec!["quantity", "value_rub", "year"],
                vec!["required_min", "required_max", "available"],
                vec!["year", "output_rub"],
            ]
        );
    }

    #[test]
    fn column_names_are_unique_per_table() {
        for t in TABLES.iter().chain([&STUDY_SHEET, &SUPPORT_SHEET]) {
            let mut names: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), t.columns.len(), "{}", t.name);
        }
    }

    #[test]
    fn the_inputs_doc_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/INPUTS.md");
        let want = doc();
        if std::env::var_os("NICHEGRAPH_UPDATE_DOCS").is_some() {
            std::fs::write(&path, &want).expect("docs/INPUTS.md is writable");
        }
        let got = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            got == want,
            "docs/INPUTS.md is out of date: run NICHEGRAPH_UPDATE_DOCS=1 cargo test --lib schema"
        );
    }
}
