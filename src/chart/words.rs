//! The charts' words: stage names and the choice between Russian and English.

use crate::human::{roman, Lang};

/// «III передел» / «Stage 3».
pub fn stage_short(stage: u8, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("{} передел", roman(stage)),
        Lang::En => format!("Stage {stage}"),
    }
}

/// «I передел — обработка сырья, детали», as the report titles the stages.
pub fn stage_title(stage: u8, lang: Lang) -> String {
    let names = match lang {
        Lang::Ru => [
            "обработка сырья, детали",
            "комплектующие",
            "узлы и агрегаты",
            "конечная продукция",
        ],
        Lang::En => [
            "raw material processing, parts",
            "components",
            "units and assemblies",
            "final product",
        ],
    };
    let name = names.get((stage as usize).wrapping_sub(1)).copied();
    match name {
        Some(n) => format!("{} — {}", stage_short(stage, lang), n),
        None => stage_short(stage, lang),
    }
}

/// Text for one of two languages.
pub fn tr(lang: Lang, ru: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ru => ru,
        Lang::En => en,
    }
}
