//! Tests of `dialect.rs`.

use super::*;

#[test]
fn russian_excel_numbers() {
    assert_eq!(normalise_comma_number("21 792,2"), "21792.2");
    assert_eq!(normalise_comma_number("21\u{a0}792,2"), "21792.2");
    assert_eq!(normalise_comma_number("1,5e3"), "1.5e3");
}

#[test]
fn windows_1251_is_recognised_and_latin1_is_not() {
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("id;name\nа;Аргон\n");
    let (text, enc, _) = decode(&bytes, "f", None).unwrap();
    assert_eq!(enc, Encoding::Windows1251);
    assert!(text.contains("Аргон"));
    // Latin-1 "Müller, Straße": not Russian text, so no guess.
    assert!(decode(b"id,name\n1,M\xfcller Stra\xdfe\n", "f", None).is_err());
}

#[test]
fn separator_from_known_columns() {
    let known = ["id", "name", "stage"];
    assert_eq!(
        delimiter("id;name;stage\n1;a,b;2\n", "f", &known).unwrap(),
        b';'
    );
    assert_eq!(delimiter("id\tname\tstage\n", "f", &known).unwrap(), b'\t');
    assert_eq!(delimiter("id,name,stage\n", "f", &known).unwrap(), b',');
}

#[test]
fn comma_groups() {
    for ok in ["11,000", "682,000,000", "-1,234.5", "1,234.5e3", "1,000e2"] {
        assert!(is_comma_grouped(ok), "{ok}");
    }
    for bad in [
        "11000",
        "1,5",
        "1234,567",
        "1,23,456",
        "1,2345",
        ",123",
        "1,234,5",
        "1,234.5,6",
    ] {
        assert!(!is_comma_grouped(bad), "{bad}");
    }
    assert_eq!(strip_comma_groups("1,234.5").as_deref(), Some("1234.5"));
    assert_eq!(strip_comma_groups("1,5"), None);
}

#[test]
fn one_ambiguous_cell_never_decides() {
    // «11,000» alone: 11 or 11000? The file cannot tell, so it is an error.
    let mut e = Evidence::default();
    e.see(2, "11,000");
    e.see(3, "682,000");
    let msg = e.decide("f").unwrap_err().to_string();
    assert!(
        msg.contains("--decimal-point") && msg.contains("--decimal-comma"),
        "{msg}"
    );
    assert!(
        msg.contains("is 11 with") && msg.contains("11000 with"),
        "{msg}"
    );
    // A cell that only a decimal point reads decides for the whole file.
    let mut p = Evidence::default();
    p.see(2, "11,000");
    p.see(3, "1,234.5");
    assert!(!p.decide("f").unwrap());
    let mut g = Evidence::default();
    g.see(2, "11,000");
    g.see(3, "682,000,000");
    assert!(!g.decide("f").unwrap());
    // And one that only a decimal comma reads.
    let mut c = Evidence::default();
    c.see(2, "11,000");
    c.see(3, "2,5");
    assert!(c.decide("f").unwrap());
    // Thousands commas and decimal commas in one file: error.
    c.see(4, "682,000,000");
    let msg = c.decide("f").unwrap_err().to_string();
    assert!(msg.contains("between thousands"), "{msg}");
}

#[test]
fn mixed_decimal_marks_are_ambiguous() {
    let mut e = Evidence::default();
    e.see(2, "1,5");
    assert!(e.decide("f").unwrap());
    e.see(3, "2.5");
    assert!(e.decide("f").is_err());
}
