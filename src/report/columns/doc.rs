//! docs/COLUMNS.md, generated from the dictionary.

use super::*;

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
         Generated from `src/report/columns/` (the one definition of every output column) by \
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
