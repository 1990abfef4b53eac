//! Tests of the workbook reader.

use super::settings::{toml_string, toml_value};
use super::*;
use calamine::Data;

#[test]
fn numbers_read_as_the_csv_loader_reads_them() {
    assert_eq!(text(&Data::Float(2.0)).ok().as_deref(), Some("2"));
    assert_eq!(text(&Data::Float(0.7)).ok().as_deref(), Some("0.7"));
    assert_eq!(
        text(&Data::Float(960000000.0)).ok().as_deref(),
        Some("960000000")
    );
    assert_eq!(text(&Data::Int(-3)).ok().as_deref(), Some("-3"));
    assert_eq!(
        text(&Data::String(" 120 ".into())).ok().as_deref(),
        Some("120")
    );
    assert_eq!(text(&Data::Bool(true)).ok().as_deref(), Some("true"));
    assert!(matches!(
        text(&Data::Error(calamine::CellErrorType::Div0)),
        Err(Odd::Error(s)) if s == "#DIV/0!"
    ));
}

#[test]
fn settings_values_in_toml() {
    assert_eq!(toml_value("year", "2018"), "2018");
    assert_eq!(toml_value("year", "2018.0"), "2018");
    assert_eq!(toml_value("", "0.7"), "0.7");
    assert_eq!(toml_value("", "1e20"), "100000000000000000000.0");
    assert_eq!(toml_value("", "abc"), "\"abc\"");
    assert_eq!(toml_value("id", "2024"), "\"2024\"");
    assert_eq!(toml_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000A\"");
}
