//! The columns of needs.csv and niches.csv (and their XLSX and Parquet twins).

use super::{meta, Cell, Column, Kind, NeedGetter};
use crate::analysis::Need;

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
