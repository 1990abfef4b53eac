//! Tests of `config.rs`.

use super::*;
use crate::error::Problem;

const HEAD: &str = "id = \"a\"\nname = \"A\"\nregions = [\"R\"]\n";

fn problems(t: &str) -> Vec<Problem> {
    let mut p = vec![];
    let c = parse(&format!("{HEAD}{t}"), "study.toml", &mut p);
    assert!(c.is_none() != p.is_empty(), "{p:?}");
    p
}

fn ok(t: &str) -> StudyConfig {
    let mut p = vec![];
    let c = parse(&format!("{HEAD}{t}"), "study.toml", &mut p);
    assert!(p.is_empty(), "{p:?}");
    c.unwrap()
}

#[test]
fn defaults_are_the_specs() {
    let c = ok("");
    assert_eq!(c.finance, Finance::default());
    assert_eq!(c.finance.loan_years, 5);
    assert_eq!(c.support, default_programmes());
    assert_eq!(c.support[0].id, "pp41");
    assert_eq!(c.support[0].cap_rub, 500e6);
    assert_eq!(c.support[1].id, "pp1119");
    assert_eq!(c.support[1].interest_coverage, 1.0);
    assert_eq!(c.support[1].equipment_coverage, 0.0);
}

#[test]
fn empty_support_means_no_programmes() {
    assert!(ok("support = []\n").support.is_empty());
}

#[test]
fn programmes_in_file_order_with_defaults() {
    let c = ok("[finance]\nloan_years = 30\nloan_share = 1\n[[support]]\nid = \"z\"\nname = \"Z\"\ncap_rub = 1e6\n[[support]]\nid = \"a\"\nname = \"A\"\ncap_rub = 2e6\ninterest_coverage = 1.0\nrequires_registry = false\n");
    assert_eq!(c.finance.loan_years, 30);
    assert_eq!(c.finance.loan_share, 1.0);
    let ids: Vec<_> = c.support.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["z", "a"]);
    assert_eq!(c.support[0].interest_coverage, 0.0);
    assert!(c.support[0].requires_registry);
    assert!(!c.support[1].requires_registry);
}

#[test]
fn mistakes_name_their_line() {
    let cases = [
        ("[finance]\nloan_years = 5.0\n", 5, "integer"),
        ("[finance]\nloan_years = 0\n", 5, "1 to 30"),
        ("[finance]\nloan_years = 31\n", 5, "1 to 30"),
        ("[finance]\nloan_share = 1.5\n", 5, "from 0 to 1"),
        ("[finance]\nloan_rate = -0.1\n", 5, "from 0 to 1"),
        ("[finance]\noperating_margin = nan\n", 5, "from 0 to 1"),
        ("[finance]\noperating_margin = 1e-300\n", 5, "too small"),
        ("[finance]\nloan_term = 5\n", 5, "unknown field"),
        ("[[support]]\nid = \"a\"\nname = \"A\"\ncap_rub = 0\n", 7, "> 0"),
        ("[[support]]\nid = \"a\"\nname = \"A\"\ncap_rub = -1\n", 7, "> 0"),
        ("[[support]]\nid = \"a\"\nname = \"A\"\ncap_rub = 1\ncap = 2\n", 8, "unknown field"),
        ("[[support]]\nid = \"a\"\nname = \"A\"\ncap_rub = 1\n[[support]]\nid = \"a\"\nname = \"B\"\ncap_rub = 1\n", 9, "repeated (first at line 5)"),
        ("[[support]]\nid = \"a b\"\nname = \"A\"\ncap_rub = 1\n", 5, "identifier"),
        ("[[support]]\nid = \"a\"\nname = \"A\"\ncap_rub = 1\ninterest_coverage = 2\n", 8, "from 0 to 1"),
    ];
    for (text, line, message) in cases {
        let p = problems(text);
        assert_eq!(p.len(), 1, "{text}: {p:?}");
        assert_eq!(p[0].line, Some(line), "{text}: {p:?}");
        assert!(p[0].message.contains(message), "{text}: {p:?}");
    }
}
