//! Tests of `config.rs`.

use super::*;

fn parse_ok(t: &str) -> StudyConfig {
    let mut p = vec![];
    let c = parse(t, "study.toml", &mut p);
    assert!(p.is_empty(), "{p:?}");
    c.unwrap()
}

#[test]
fn defaults_apply() {
    let c = parse_ok("id = \"a\"\nname = \"A\"\nregions = [\"R\"]\n");
    assert_eq!(c.criteria.import_share_min, 0.70);
    assert_eq!(c.criteria.critical_import_share, 0.90);
    assert_eq!(c.criteria.cost_premium_min, 0.20);
    assert_eq!(c.investment.capital_intensity, 1.0);
    assert_eq!(c.year, None);
}

#[test]
fn unknown_key_names_line() {
    let mut p = vec![];
    let c = parse(
        "id = \"a\"\nname = \"A\"\nregions = [\"R\"]\n[criteria]\nimport_share = 0.5\n",
        "study.toml",
        &mut p,
    );
    assert!(c.is_none());
    assert_eq!(p[0].line, Some(5), "{p:?}");
    assert!(p[0].message.contains("unknown field"), "{p:?}");
}

#[test]
fn outlook_horizon_is_an_integer_1_to_30() {
    let base = "id = \"a\"\nname = \"A\"\nregions = [\"R\"]\n[outlook]\n";
    assert_eq!(parse_ok(base).outlook.horizon, 5);
    assert_eq!(
        parse_ok(&format!("{base}horizon = 30\n")).outlook.horizon,
        30
    );
    for bad in ["0", "31", "5.0", "\"5\"", "-1"] {
        let mut p = vec![];
        let c = parse(&format!("{base}horizon = {bad}\n"), "study.toml", &mut p);
        assert!(c.is_none(), "{bad}");
        assert_eq!(p.len(), 1, "{bad}: {p:?}");
        assert_eq!(p[0].line, Some(5), "{bad}: {p:?}");
        assert!(p[0].message.contains("1..30"), "{bad}: {p:?}");
    }
    let mut p = vec![];
    assert!(parse(&format!("{base}horizons = 5\n"), "study.toml", &mut p).is_none());
    assert_eq!(p[0].line, Some(5), "{p:?}");
    assert!(p[0].message.contains("unknown field"), "{p:?}");
}

#[test]
fn bad_values_are_all_reported() {
    let mut p = vec![];
    let c = parse(
        "id = \"Bad_Id\"\nname = \"A\"\nregions = []\n[criteria]\ncost_premium_min = -0.1\n",
        "study.toml",
        &mut p,
    );
    assert!(c.is_none());
    let lines: Vec<_> = p.iter().map(|x| x.line).collect();
    assert_eq!(lines, vec![Some(1), Some(3), Some(5)], "{p:?}");
}
