//! The columns of the portfolio's tables: shared niches, supply matches and the registry.

use super::{meta, Cell, Column, Kind, RowGetter};
use crate::analysis::portfolio::{RegistryRow, SharedNiche, SupplyMatch};

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
