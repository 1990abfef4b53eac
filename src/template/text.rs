//! The template's text files: study.toml with every setting explained, the CSV files with
//! their example rows, and README.md.

use super::tables::{Table, TABLES, V};
use super::{NAME_PLACEHOLDER, REGION_PLACEHOLDER, STUDY_ID};
use crate::error::{Error, Result};
use crate::study::{ComplianceThresholds, Criteria, Investment, Outlook};
use std::fmt;

// Settings of study.toml.

#[derive(Clone, Copy)]
pub(super) enum Def {
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

pub(super) struct Setting {
    pub table: &'static str,
    pub key: &'static str,
    pub default: Def,
    /// Russian explanation, then the English one in brackets.
    pub help: &'static str,
}

impl Setting {
    pub(super) fn dotted(&self) -> String {
        format!("{}.{}", self.table, self.key)
    }
}

/// Every optional setting with a default, in the order of `study.toml`.
pub(super) fn settings() -> Vec<Setting> {
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

pub(super) const ID_HELP: &str = "Код исследования: строчные латинские буквы, цифры и «-», до 63 символов; им названа папка результатов (study id; names the output folder).";
pub(super) const NAME_HELP: &str = "Полное название кластера (the cluster's name).";
pub(super) const REGIONS_HELP: &str =
    "Субъекты РФ, в которых работает кластер, не меньше одного (regions, at least one).";
pub(super) const YEAR_HELP: &str = "Год анализа. Если в flows есть столбец year, учитываются только строки этого года; без настройки — последний год в данных (the year to analyse; default: the latest year present).";

/// The text of the template's `study.toml`.
pub(super) fn study_toml() -> String {
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
pub(super) fn wrap(text: &str, width: usize) -> Vec<String> {
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

pub(super) fn csv_bytes(t: &Table) -> Result<Vec<u8>> {
    // A BOM, so that Excel opens the Cyrillic text as UTF-8; the loader accepts it.
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new().from_writer(&mut out);
        let fail = |e: csv::Error| Error::Write {
            file: t.def.file_name(),
            reason: e.to_string(),
        };
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
        w.flush().map_err(|e| Error::Write {
            file: t.def.file_name(),
            reason: e.to_string(),
        })?;
    }
    Ok(out)
}

pub(super) fn readme_md() -> String {
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
