//! Tests of the column dictionary: the table lists against the dictionaries, and the docs.

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
