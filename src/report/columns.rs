//! The one dictionary of output columns: for every column of every output table, its SPEC name,
//! its kind (which fixes its type and its display), its Russian and English description, and how
//! its value is read from the result model.
//!
//! The CSV and XLSX writers (and any later format) render a [`Frame`], which this module builds
//! from the dictionary, so a column is defined in exactly one place: adding one is one entry in
//! a dictionary and its name in a table's list.

use crate::analysis::model::OutlookRow;
use crate::analysis::portfolio::{Portfolio, RegistryRow, SharedNiche, SupplyMatch};
use crate::analysis::{Analysis, ImportContent, Need, Niche, ProgrammeEstimate};

/// What a column holds; fixes its type in typed formats and how it is shown to people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Identifiers and names.
    Text,
    /// Short codes (`flags`, `investment_basis`).
    Code,
    /// Whole numbers: rank, stage, year.
    Int,
    /// Money totals, `# ##0`.
    Rub,
    /// Prices per unit: `# ##0`, or with kopecks when fractional.
    Price,
    /// Fractions shown as `0.0%`.
    Share,
    /// Signed fractions shown as `+0.0%;-0.0%`.
    Premium,
    /// Quantities in the product's unit, `# ##0.###`.
    Qty,
    /// Years, as a plain number.
    Years,
    Bool,
}

/// One value. Whole numbers are `Num` too: their column's kind says they are whole.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Num(f64),
    Bool(bool),
    Empty,
}

impl Cell {
    pub fn text(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }

    pub fn opt(x: Option<f64>) -> Cell {
        x.map(Cell::Num).unwrap_or(Cell::Empty)
    }

    /// Items joined with `|`, the SPEC's list form.
    pub fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> Cell {
        Cell::Text(items.into_iter().collect::<Vec<_>>().join("|"))
    }
}

/// A column's name and meaning.
#[derive(Debug)]
pub struct Meta {
    pub name: &'static str,
    pub kind: Kind,
    pub ru: &'static str,
    pub en: &'static str,
}

/// A column: its meaning and `get`, the function that reads its value from a row.
pub struct Column<G: 'static> {
    pub meta: Meta,
    pub get: G,
}

/// How a needs or niches column reads a row: the need, and its niche when it is one.
pub type NeedGetter = fn(&Need, Option<&Niche>) -> Cell;

/// How a support.csv column reads a row: the niche and one programme's estimate for it.
pub type SupportGetter = fn(&Niche, &ProgrammeEstimate) -> Cell;
/// How a `demand_outlook.csv` column reads a row: the product's need and one outlook row.
pub type OutlookGetter = fn(&Need, &OutlookRow) -> Cell;

/// How a column of a table with one model struct per row reads a row.
pub type RowGetter<R> = fn(&R) -> Cell;

/// A table ready to write: its columns' meanings and its rows of cells, in order.
pub struct Frame {
    pub columns: Vec<&'static Meta>,
    pub rows: Vec<Vec<Cell>>,
}

impl Frame {
    pub fn names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|m| m.name).collect()
    }

    fn build<G, R>(
        dict: &'static [Column<G>],
        names: &[&str],
        rows: impl Iterator<Item = R>,
        read: impl Fn(&G, &R) -> Cell,
    ) -> Frame {
        let cols: Vec<&'static Column<G>> = names.iter().map(|n| column(dict, n)).collect();
        Frame {
            columns: cols.iter().map(|c| &c.meta).collect(),
            rows: rows
                .map(|r| cols.iter().map(|c| read(&c.get, &r)).collect())
                .collect(),
        }
    }
}

/// The column of that name; the table lists are checked against the dictionaries by a test, so
/// a missing name is a bug in this file, caught before release.
fn column<G>(dict: &'static [Column<G>], name: &str) -> &'static Column<G> {
    match dict.iter().find(|c| c.meta.name == name) {
        Some(c) => c,
        None => panic!("output column {name} is not in the column dictionary"),
    }
}

/// `needs.csv` / `needs.xlsx`, in SPEC order.
pub const NEEDS: [&str; 19] = [
    "product",
    "product_name",
    "stage",
    "unit",
    "demand_qty",
    "demand_rub",
    "import_rub",
    "cluster_rub",
    "domestic_rub",
    "import_share",
    "cluster_share",
    "domestic_share",
    "avg_price_rub",
    "benchmark_price_rub",
    "cost_premium",
    "spec_gap",
    "flags",
    "is_niche",
    "demand_growth",
];

/// `niches.csv` / `niches.xlsx`, in SPEC order.
pub const NICHES: [&str; 26] = [
    "rank",
    "product",
    "product_name",
    "stage",
    "unit",
    "flags",
    "demand_qty",
    "demand_rub",
    "import_share",
    "cost_premium",
    "spec_gap",
    "addressable_qty",
    "addressable_rub",
    "investment_rub",
    "investment_basis",
    "key_consumers",
    "regions",
    "downstream_final_rub",
    "demand_growth",
    "trend_rub",
    "plan_year",
    "plan_demand_rub",
    // v2, the investment case.
    "support_programme",
    "support_rub",
    "payback_years",
    "payback_with_support_years",
];

/// `support.csv`, in SPEC order: one row per niche and programme.
pub const SUPPORT: [&str; 8] = [
    "rank",
    "product",
    "programme",
    "programme_name",
    "eligibility",
    "interest_rub",
    "equipment_rub",
    "amount_rub",
];

/// `demand_outlook.csv`, in SPEC order.
pub const DEMAND_OUTLOOK: [&str; 10] = [
    "product",
    "product_name",
    "unit",
    "year",
    "kind",
    "demand_qty",
    "demand_rub",
    "import_rub",
    "low_rub",
    "high_rub",
];

/// `import_content.csv`, in SPEC order.
pub const IMPORT_CONTENT: [&str; 7] = [
    "participant",
    "name",
    "stage",
    "output_rub",
    "estimated_output",
    "direct_import_share",
    "total_import_share",
];

/// `portfolio/shared_niches.csv`, in SPEC order.
pub const SHARED_NICHES: [&str; 7] = [
    "key",
    "product_name",
    "studies",
    "units",
    "addressable_qty",
    "addressable_rub",
    "investment_rub",
];

/// `portfolio/supply_matches.csv`, in SPEC order.
pub const SUPPLY_MATCHES: [&str; 8] = [
    "study",
    "rank",
    "product",
    "key",
    "supplier_study",
    "supplier",
    "supplier_name",
    "supplied_rub",
];

/// `portfolio/registry.csv`: the study, then one status per compliance criterion in the order
/// of `analysis::compliance::CRITERIA` (a test keeps the two lists equal).
pub const REGISTRY: [&str; 11] = [
    "study",
    "name",
    "overall",
    "industrial_count",
    "final_producer",
    "education",
    "infrastructure_objects",
    "governance",
    "hp_jobs",
    "supplier_share_each",
    "cooperation",
];

pub fn shared_niches(p: &Portfolio) -> Frame {
    Frame::build(
        SHARED_NICHE_COLUMNS,
        &SHARED_NICHES,
        p.shared.iter(),
        |get, r| get(r),
    )
}

pub fn supply_matches(p: &Portfolio) -> Frame {
    Frame::build(
        SUPPLY_MATCH_COLUMNS,
        &SUPPLY_MATCHES,
        p.matches.iter(),
        |get, r| get(r),
    )
}

pub fn registry(p: &Portfolio) -> Frame {
    Frame::build(REGISTRY_COLUMNS, &REGISTRY, p.registry.iter(), |get, r| {
        get(r)
    })
}

pub fn needs(a: &Analysis) -> Frame {
    Frame::build(NEED_COLUMNS, &NEEDS, a.needs.iter(), |get, n| get(n, None))
}

pub fn niches(a: &Analysis) -> Frame {
    Frame::build(NEED_COLUMNS, &NICHES, a.niches.iter(), |get, n| {
        get(&n.need, Some(n))
    })
}

/// By rank, then programme in the order of study.toml (or of the default programmes).
pub fn support(a: &Analysis) -> Frame {
    let rows = a
        .niches
        .iter()
        .flat_map(|n| n.support.programmes.iter().map(move |s| (n, s)));
    Frame::build(SUPPORT_COLUMNS, &SUPPORT, rows, |get, (n, s)| get(n, s))
}

/// Per product with flows in the selected year, its history, trend and plan rows: by product,
/// then year, then kind.
pub fn demand_outlook(a: &Analysis) -> Frame {
    let rows = a
        .needs
        .iter()
        .flat_map(|n| n.outlook.rows().into_iter().map(move |r| (n, r)));
    Frame::build(OUTLOOK_COLUMNS, &DEMAND_OUTLOOK, rows, |get, (n, r)| {
        get(n, r)
    })
}

pub fn import_content(a: &Analysis) -> Frame {
    Frame::build(
        IMPORT_CONTENT_COLUMNS,
        &IMPORT_CONTENT,
        a.import_content.iter(),
        |get, r| get(r),
    )
}

const fn meta(name: &'static str, kind: Kind, ru: &'static str, en: &'static str) -> Meta {
    Meta { name, kind, ru, en }
}

fn flags(n: &Need) -> Cell {
    Cell::list(n.flags.iter().map(|f| f.as_str()))
}

/// Every column of the needs and niches tables.
pub static NEED_COLUMNS: &[Column<NeedGetter>] = &[
    Column {
        meta: meta(
            "rank",
            Kind::Int,
            "Место ниши по addressable_rub (1 — крупнейшая)",
            "Niche rank by addressable_rub (1 = largest)",
        ),
        get: |_, niche| niche.map_or(Cell::Empty, |n| Cell::Num(n.rank as f64)),
    },
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
            "stage",
            Kind::Int,
            "Передел: 1 сырьё и детали, 2 компоненты, 3 узлы и агрегаты, 4 конечная продукция",
            "Stage: 1 raw materials and parts, 2 components, 3 units and assemblies, 4 final product",
        ),
        get: |n, _| Cell::Num(f64::from(n.stage)),
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
            "demand_qty",
            Kind::Qty,
            "Годовой спрос участников в натуральных единицах",
            "Participants' annual demand, in units",
        ),
        get: |n, _| Cell::Num(n.demand_qty),
    },
    Column {
        meta: meta(
            "demand_rub",
            Kind::Rub,
            "Годовой спрос участников, руб.",
            "Participants' annual demand, RUB",
        ),
        get: |n, _| Cell::Num(n.demand_rub),
    },
    Column {
        meta: meta(
            "import_rub",
            Kind::Rub,
            "Закупки по импорту, руб.",
            "Bought abroad, RUB",
        ),
        get: |n, _| Cell::Num(n.import_rub),
    },
    Column {
        meta: meta(
            "cluster_rub",
            Kind::Rub,
            "Закупки у участников кластера, руб.",
            "Bought from cluster participants, RUB",
        ),
        get: |n, _| Cell::Num(n.cluster_rub),
    },
    Column {
        meta: meta(
            "domestic_rub",
            Kind::Rub,
            "Закупки у российских поставщиков вне кластера, руб.",
            "Bought from Russian suppliers outside the cluster, RUB",
        ),
        get: |n, _| Cell::Num(n.domestic_rub),
    },
    Column {
        meta: meta(
            "import_share",
            Kind::Share,
            "Доля импорта: import_rub / demand_rub",
            "Import share: import_rub / demand_rub",
        ),
        get: |n, _| Cell::Num(n.import_share),
    },
    Column {
        meta: meta(
            "cluster_share",
            Kind::Share,
            "Доля кооперации: cluster_rub / demand_rub",
            "Cooperation share: cluster_rub / demand_rub",
        ),
        get: |n, _| Cell::Num(n.cluster_share),
    },
    Column {
        meta: meta(
            "domestic_share",
            Kind::Share,
            "Доля российских поставщиков вне кластера: domestic_rub / demand_rub",
            "Share of Russian suppliers outside the cluster: domestic_rub / demand_rub",
        ),
        get: |n, _| Cell::Num(n.domestic_share),
    },
    Column {
        meta: meta(
            "avg_price_rub",
            Kind::Price,
            "Средняя цена за единицу: demand_rub / demand_qty (пусто при нулевом объёме)",
            "Average price per unit: demand_rub / demand_qty (empty when the quantity is 0)",
        ),
        get: |n, _| Cell::opt(n.avg_price_rub),
    },
    Column {
        meta: meta(
            "benchmark_price_rub",
            Kind::Price,
            "Эталонная цена за единицу (мировая или лучшая рыночная)",
            "Benchmark price per unit (world or best market price)",
        ),
        get: |n, _| Cell::opt(n.benchmark_price_rub),
    },
    Column {
        meta: meta(
            "cost_premium",
            Kind::Premium,
            "Переплата к эталону: avg_price_rub / benchmark_price_rub − 1",
            "Premium over the benchmark: avg_price_rub / benchmark_price_rub − 1",
        ),
        get: |n, _| Cell::opt(n.cost_premium),
    },
    Column {
        meta: meta(
            "spec_gap",
            Kind::Bool,
            "Есть невыполненное техническое требование потребителя (specs.csv)",
            "A consumer's technical requirement is not met (specs.csv)",
        ),
        get: |n, _| Cell::Bool(n.spec_gap),
    },
    Column {
        meta: meta(
            "flags",
            Kind::Code,
            "Признаки ниши через |: import — доля импорта, cost — переплата, spec — технические требования",
            "Niche flags joined with |: import (import share), cost (premium), spec (requirements)",
        ),
        get: |n, _| flags(n),
    },
    Column {
        meta: meta(
            "is_niche",
            Kind::Bool,
            "Потребность является инвестиционной нишей",
            "The need is an investment niche",
        ),
        get: |n, _| Cell::Bool(n.is_niche),
    },
    Column {
        meta: meta(
            "addressable_qty",
            Kind::Qty,
            "Объём, который может занять новое производство, в натуральных единицах",
            "Volume a new production could serve, in units",
        ),
        get: |n, _| Cell::Num(n.addressable_qty),
    },
    Column {
        meta: meta(
            "addressable_rub",
            Kind::Rub,
            "Объём для нового производства, руб.: demand_rub при флагах cost или spec, иначе import_rub",
            "Volume for a new production, RUB: demand_rub with the cost or spec flag, else import_rub",
        ),
        get: |n, _| Cell::Num(n.addressable_rub),
    },
    Column {
        meta: meta(
            "investment_rub",
            Kind::Rub,
            "Предполагаемый объём инвестиций, руб.",
            "Estimated investment, RUB",
        ),
        get: |n, _| Cell::Num(n.investment_rub),
    },
    Column {
        meta: meta(
            "investment_basis",
            Kind::Code,
            "Основа оценки инвестиций: capex — капзатраты на единицу мощности, intensity — капиталоёмкость",
            "Investment basis: capex (capital cost per unit of capacity) or intensity (capital intensity)",
        ),
        get: |n, _| Cell::text(n.investment_basis.as_str()),
    },
    Column {
        meta: meta(
            "key_consumers",
            Kind::Text,
            "Ключевые потребители (коды участников через |): не более 5, дающие 80 % спроса",
            "Key consumers (participant ids joined with |): at most 5 making up 80% of demand",
        ),
        get: |n, _| Cell::list(n.key_consumers.iter().map(|k| k.id.as_str())),
    },
    Column {
        meta: meta(
            "regions",
            Kind::Text,
            "Регионы ключевых потребителей через |",
            "Regions of the key consumers, joined with |",
        ),
        get: |n, _| Cell::list(n.regions.iter().map(String::as_str)),
    },
    Column {
        meta: meta(
            "downstream_final_rub",
            Kind::Rub,
            "Выпуск конечных производителей, достижимых от потребителей по цепочке поставок, руб.",
            "Output of the final producers reachable from the consumers along the supply chain, RUB",
        ),
        get: |n, _| Cell::Num(n.downstream_final_rub),
    },
    Column {
        meta: meta(
            "demand_growth",
            Kind::Premium,
            "Среднегодовой рост спроса по тренду за годы истории (пусто без тренда: нужны три года с ненулевым спросом, включая год анализа)",
            "Average annual demand growth along the trend of the history years (empty without a trend: it needs three years with demand, the selected year included)",
        ),
        get: |n, _| Cell::opt(n.outlook.demand_growth()),
    },
    Column {
        meta: meta(
            "trend_rub",
            Kind::Rub,
            "Спрос по тренду в последний год прогноза, руб.",
            "Demand along the trend in the last projected year, RUB",
        ),
        get: |n, _| Cell::opt(n.outlook.trend_rub()),
    },
    Column {
        meta: meta(
            "plan_year",
            Kind::Int,
            "Последний год планов участников (plans.csv)",
            "The latest year of the participants' plans (plans.csv)",
        ),
        get: |n, _| Cell::opt(n.outlook.last_plan().and_then(|r| r.year).map(|y| y as f64)),
    },
    Column {
        meta: meta(
            "plan_demand_rub",
            Kind::Rub,
            "Спрос в этот год по планам участников с учётом всей цепочки поставок, руб.",
            "Demand in that year under the participants' plans, through the whole supply chain, RUB",
        ),
        get: |n, _| Cell::opt(n.outlook.last_plan().map(|r| r.demand_rub)),
    },
    Column {
        meta: meta(
            "support_programme",
            Kind::Code,
            "Мера государственной поддержки, выбранная для ниши (код программы из support.csv; пусто, если ни одна не доступна)",
            "The state support programme chosen for the niche (programme id of support.csv; empty when none applies)",
        ),
        get: |_, niche| {
            niche
                .and_then(|n| n.support.support_programme.as_deref())
                .map_or(Cell::Empty, Cell::text)
        },
    },
    Column {
        meta: meta(
            "support_rub",
            Kind::Rub,
            "Сумма поддержки по выбранной программе, руб. (0 без программы)",
            "Support from the chosen programme, RUB (0 without one)",
        ),
        get: |_, niche| niche.map_or(Cell::Empty, |n| Cell::Num(n.support.support_rub)),
    },
    Column {
        meta: meta(
            "payback_years",
            Kind::Years,
            "Срок окупаемости без поддержки, лет: investment_rub / (addressable_rub × operating_margin); пусто при нулевой прибыли",
            "Payback without support, years: investment_rub / (addressable_rub × operating_margin); empty when the profit is 0",
        ),
        get: |_, niche| niche.map_or(Cell::Empty, |n| Cell::opt(n.support.payback_years)),
    },
    Column {
        meta: meta(
            "payback_with_support_years",
            Kind::Years,
            "Срок окупаемости с поддержкой, лет: max(0, investment_rub − support_rub) / годовая прибыль; пусто при нулевой прибыли",
            "Payback with support, years: max(0, investment_rub − support_rub) / annual profit; empty when the profit is 0",
        ),
        get: |_, niche| {
            niche.map_or(Cell::Empty, |n| {
                Cell::opt(n.support.payback_with_support_years)
            })
        },
    },
];

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

/// Every column of the portfolio's shared niches table.
pub static SHARED_NICHE_COLUMNS: &[Column<RowGetter<SharedNiche>>] = &[
    Column {
        meta: meta(
            "key",
            Kind::Code,
            "Ключ продукта: код ОКПД2 / ТН ВЭД без пробелов, без кода — id: и код продукта",
            "The product key: its ОКПД2 / ТН ВЭД code without spaces, or id: and the product id",
        ),
        get: |r| Cell::text(&r.key),
    },
    Column {
        meta: meta(
            "product_name",
            Kind::Text,
            "Наименование продукта (лучшая по рангу ниша первого кластера)",
            "Product name (of the best-ranked niche in the first study)",
        ),
        get: |r| Cell::text(&r.product_name),
    },
    Column {
        meta: meta(
            "studies",
            Kind::Text,
            "Коды кластеров, где продукт — ниша, через |",
            "The ids of the studies where it is a niche, joined with |",
        ),
        get: |r| Cell::list(r.studies.iter().map(String::as_str)),
    },
    Column {
        meta: meta(
            "units",
            Kind::Text,
            "Единицы измерения ниш, через |",
            "The niches' units, joined with |",
        ),
        get: |r| Cell::list(r.units.iter().map(String::as_str)),
    },
    Column {
        meta: meta(
            "addressable_qty",
            Kind::Qty,
            "Совокупный адресуемый спрос в натуральных единицах (пусто, если единицы различаются)",
            "Combined addressable demand in units (empty when the units differ)",
        ),
        get: |r| Cell::opt(r.addressable_qty),
    },
    Column {
        meta: meta(
            "addressable_rub",
            Kind::Rub,
            "Совокупный адресуемый спрос, руб. в год",
            "Combined addressable demand, RUB per year",
        ),
        get: |r| Cell::Num(r.addressable_rub),
    },
    Column {
        meta: meta(
            "investment_rub",
            Kind::Rub,
            "Сумма оценок инвестиций по кластерам, руб.",
            "Sum of the studies' investment estimates, RUB",
        ),
        get: |r| Cell::Num(r.investment_rub),
    },
];

/// Every column of the portfolio's supply matches table.
pub static SUPPLY_MATCH_COLUMNS: &[Column<RowGetter<SupplyMatch>>] = &[
    Column {
        meta: meta(
            "study",
            Kind::Text,
            "Код кластера с нишей",
            "The id of the study with the niche",
        ),
        get: |r| Cell::text(&r.study),
    },
    Column {
        meta: meta(
            "rank",
            Kind::Int,
            "Ранг ниши в своём кластере",
            "The niche's rank in its study",
        ),
        get: |r| Cell::Num(r.rank as f64),
    },
    Column {
        meta: meta(
            "product",
            Kind::Text,
            "Код продукта ниши",
            "The niche's product id",
        ),
        get: |r| Cell::text(&r.product),
    },
    Column {
        meta: meta("key", Kind::Code, "Ключ продукта", "The product key"),
        get: |r| Cell::text(&r.key),
    },
    Column {
        meta: meta(
            "supplier_study",
            Kind::Text,
            "Код кластера поставщика",
            "The id of the supplier's study",
        ),
        get: |r| Cell::text(&r.supplier_study),
    },
    Column {
        meta: meta(
            "supplier",
            Kind::Text,
            "Код участника-поставщика в его кластере",
            "The supplying participant's id in its study",
        ),
        get: |r| Cell::text(&r.supplier),
    },
    Column {
        meta: meta(
            "supplier_name",
            Kind::Text,
            "Наименование участника-поставщика",
            "The supplying participant's name",
        ),
        get: |r| Cell::text(&r.supplier_name),
    },
    Column {
        meta: meta(
            "supplied_rub",
            Kind::Rub,
            "Сколько он поставляет продукции с этим ключом в своём кластере, руб. в год",
            "What it supplies of products with this key in its own study, RUB per year",
        ),
        get: |r| Cell::Num(r.supplied_rub),
    },
];

fn criterion(r: &RegistryRow, i: usize) -> Cell {
    r.statuses
        .get(i)
        .filter(|s| !s.is_empty())
        .map(|s| Cell::text(s))
        .unwrap_or(Cell::Empty)
}

/// Every column of the portfolio's registry table.
pub static REGISTRY_COLUMNS: &[Column<RowGetter<RegistryRow>>] = &[
    Column {
        meta: meta("study", Kind::Text, "Код кластера", "Study id"),
        get: |r| Cell::text(&r.study),
    },
    Column {
        meta: meta("name", Kind::Text, "Наименование кластера", "Study name"),
        get: |r| Cell::text(&r.name),
    },
    Column {
        meta: meta(
            "overall",
            Kind::Code,
            "Итог проверки требований реестра: pass, fail или unknown",
            "Registry compliance overall: pass, fail or unknown",
        ),
        get: |r| Cell::text(&r.overall),
    },
    Column {
        meta: meta(
            "industrial_count",
            Kind::Code,
            "Статус критерия: промышленные предприятия",
            "Criterion status: industrial participants",
        ),
        get: |r| criterion(r, 0),
    },
    Column {
        meta: meta(
            "final_producer",
            Kind::Code,
            "Статус критерия: производители конечной продукции",
            "Criterion status: final producers",
        ),
        get: |r| criterion(r, 1),
    },
    Column {
        meta: meta(
            "education",
            Kind::Code,
            "Статус критерия: учреждения ВО или СПО",
            "Criterion status: education institutions",
        ),
        get: |r| criterion(r, 2),
    },
    Column {
        meta: meta(
            "infrastructure_objects",
            Kind::Code,
            "Статус критерия: объекты инфраструктуры",
            "Criterion status: infrastructure objects",
        ),
        get: |r| criterion(r, 3),
    },
    Column {
        meta: meta(
            "governance",
            Kind::Code,
            "Статус критерия: участие в органах управления",
            "Criterion status: governance",
        ),
        get: |r| criterion(r, 4),
    },
    Column {
        meta: meta(
            "hp_jobs",
            Kind::Code,
            "Статус критерия: высокопроизводительные рабочие места",
            "Criterion status: high-productivity jobs",
        ),
        get: |r| criterion(r, 5),
    },
    Column {
        meta: meta(
            "supplier_share_each",
            Kind::Code,
            "Статус критерия: поставки каждого участника другим участникам",
            "Criterion status: each participant's supplies to the others",
        ),
        get: |r| criterion(r, 6),
    },
    Column {
        meta: meta(
            "cooperation",
            Kind::Code,
            "Статус критерия: кооперация",
            "Criterion status: cooperation",
        ),
        get: |r| criterion(r, 7),
    },
];

/// One output table for the docs: its file names, its columns in order, and its dictionary.
struct Documented {
    files: &'static str,
    names: &'static [&'static str],
    metas: fn(&str) -> &'static Meta,
}

fn kind_doc(k: Kind) -> &'static str {
    match k {
        Kind::Text => "text",
        Kind::Code => "code (text)",
        Kind::Int => "integer",
        Kind::Rub => "number, rub",
        Kind::Price => "number, rub per unit",
        Kind::Share => "fraction (0.7 = 70 %)",
        Kind::Premium => "signed fraction",
        Kind::Qty => "number, in the product's unit",
        Kind::Years => "number, years",
        Kind::Bool => "boolean",
    }
}

/// docs/COLUMNS.md: every output table's columns, generated from this dictionary (a test keeps
/// the committed file current).
pub fn doc() -> String {
    let tables = [
        Documented {
            files: "needs.csv, needs.xlsx, needs.parquet",
            names: &NEEDS,
            metas: |n| &column(NEED_COLUMNS, n).meta,
        },
        Documented {
            files: "niches.csv, niches.xlsx, niches.parquet",
            names: &NICHES,
            metas: |n| &column(NEED_COLUMNS, n).meta,
        },
        Documented {
            files: "support.csv, support.parquet",
            names: &SUPPORT,
            metas: |n| &column(SUPPORT_COLUMNS, n).meta,
        },
        Documented {
            files: "import_content.csv, import_content.parquet",
            names: &IMPORT_CONTENT,
            metas: |n| &column(IMPORT_CONTENT_COLUMNS, n).meta,
        },
        Documented {
            files: "demand_outlook.csv, demand_outlook.parquet",
            names: &DEMAND_OUTLOOK,
            metas: |n| &column(OUTLOOK_COLUMNS, n).meta,
        },
        Documented {
            files: "portfolio/shared_niches.csv",
            names: &SHARED_NICHES,
            metas: |n| &column(SHARED_NICHE_COLUMNS, n).meta,
        },
        Documented {
            files: "portfolio/supply_matches.csv",
            names: &SUPPLY_MATCHES,
            metas: |n| &column(SUPPLY_MATCH_COLUMNS, n).meta,
        },
        Documented {
            files: "portfolio/registry.csv",
            names: &REGISTRY,
            metas: |n| &column(REGISTRY_COLUMNS, n).meta,
        },
    ];
    let mut out = String::from(
        "# Output columns\n\n\
         Generated from `src/report/columns.rs` (the one definition of every output column) by \
         `NICHEGRAPH_UPDATE_DOCS=1 cargo test --lib columns`; do not edit by hand. Types: CSV \
         writes numbers in their shortest exact form and leaves a missing value empty; XLSX keeps \
         the same typed values; Parquet stores text as strings, integers as Int64, other \
         numbers as Float64 and booleans as Boolean, with null for a missing value.\n",
    );
    for t in tables {
        out.push_str(&format!(
            "\n## {}\n\n| column | type | meaning | по-русски |\n|---|---|---|---|\n",
            t.files
        ));
        for n in t.names {
            let m = (t.metas)(n);
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                m.name,
                kind_doc(m.kind),
                m.en.replace('|', "\\|"),
                m.ru.replace('|', "\\|")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_column_is_in_its_dictionary_once() {
        fn check<G>(dict: &[Column<G>], names: &[&str]) {
            for n in names {
                let count = dict.iter().filter(|c| c.meta.name == *n).count();
                assert_eq!(count, 1, "{n}");
            }
            for c in dict {
                assert!(
                    !c.meta.ru.is_empty() && !c.meta.en.is_empty(),
                    "{}",
                    c.meta.name
                );
            }
        }
        check(NEED_COLUMNS, &NEEDS);
        check(NEED_COLUMNS, &NICHES);
        check(IMPORT_CONTENT_COLUMNS, &IMPORT_CONTENT);
        check(OUTLOOK_COLUMNS, &DEMAND_OUTLOOK);
        check(SHARED_NICHE_COLUMNS, &SHARED_NICHES);
        check(SUPPLY_MATCH_COLUMNS, &SUPPLY_MATCHES);
        check(REGISTRY_COLUMNS, &REGISTRY);
        // The registry's criterion columns are the compliance criteria, in their order.
        assert_eq!(REGISTRY[3..], crate::analysis::compliance::CRITERIA);
        check(SUPPORT_COLUMNS, &SUPPORT);
    }

    #[test]
    fn every_dictionary_column_is_in_a_table() {
        for c in NEED_COLUMNS {
            assert!(
                NEEDS.contains(&c.meta.name) || NICHES.contains(&c.meta.name),
                "{}",
                c.meta.name
            );
        }
        for c in IMPORT_CONTENT_COLUMNS {
            assert!(IMPORT_CONTENT.contains(&c.meta.name), "{}", c.meta.name);
        }
        for c in OUTLOOK_COLUMNS {
            assert!(DEMAND_OUTLOOK.contains(&c.meta.name), "{}", c.meta.name);
        }
        for (dict, names) in [
            (
                SHARED_NICHE_COLUMNS
                    .iter()
                    .map(|c| c.meta.name)
                    .collect::<Vec<_>>(),
                &SHARED_NICHES[..],
            ),
            (
                SUPPLY_MATCH_COLUMNS.iter().map(|c| c.meta.name).collect(),
                &SUPPLY_MATCHES[..],
            ),
            (
                REGISTRY_COLUMNS.iter().map(|c| c.meta.name).collect(),
                &REGISTRY[..],
            ),
        ] {
            assert_eq!(dict, names);
        }
        for c in SUPPORT_COLUMNS {
            assert!(SUPPORT.contains(&c.meta.name), "{}", c.meta.name);
        }
    }

    #[test]
    fn the_columns_doc_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/COLUMNS.md");
        let want = doc();
        if std::env::var_os("NICHEGRAPH_UPDATE_DOCS").is_some() {
            std::fs::write(&path, &want).expect("docs/COLUMNS.md is writable");
        }
        let got = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            got == want,
            "docs/COLUMNS.md is out of date: run NICHEGRAPH_UPDATE_DOCS=1 cargo test --lib columns"
        );
    }
}
