//! Typed reading of cells: numbers in the file's decimal mark, integers, ids, booleans; every
//! failure becomes a problem that says what was expected, and the value `None`.

use super::Cell;
use crate::error::Problem;
use crate::study::dialect;

/// Typed reading of cells; every failure becomes a problem and the value `None`.
pub struct Cells<'p> {
    pub problems: &'p mut Vec<Problem>,
}

pub fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
}

/// No figure in a study comes near 1e15 (rubles, units or a parameter); bounding every number
/// keeps every sum finite, so `inf` can never reach an output.
pub const MAX_MAGNITUDE: f64 = 1e15;
/// Likewise a non-zero number below 1e-9 (a subnormal quantity) would make a price overflow.
pub const MIN_MAGNITUDE: f64 = 1e-9;

pub(in crate::study) fn parse_f64(text: &str, decimal_comma: bool) -> Option<f64> {
    // Rust also accepts "inf", "NaN" and "infinity": the SPEC rejects those.
    let v: f64 = if decimal_comma {
        dialect::normalise_comma_number(text).parse().ok()?
    } else {
        text.parse().ok()?
    };
    v.is_finite().then_some(v)
}

/// A number cell as the file's decimal mark reads it: with a decimal comma, spaces may separate
/// thousands («21 792,2»); with a decimal point, commas may («1,234.5»).
pub(in crate::study) fn parse_number(
    text: &str,
    decimal_comma: bool,
    comma_groups: bool,
) -> Option<f64> {
    if decimal_comma {
        parse_f64(text, true)
    } else if comma_groups {
        parse_f64(&dialect::strip_comma_groups(text)?, false)
    } else {
        parse_f64(text, false)
    }
}

/// Why a cell is not a number, and how to fix it, beyond "expected {what}".
fn not_a_number(text: &str, what: &str, decimal_comma: bool, comma_groups: bool) -> String {
    if decimal_comma && dialect::is_comma_grouped(text) {
        // The same number as this file writes numbers: no commas between thousands.
        let plain = text.replace(',', "").replace('.', ",");
        format!(
            "not a number with ',' as the decimal mark; it reads as {plain} with ',' between thousands: \
             write {plain} (or with spaces between thousands), or set --decimal-point if every number \
             in the file has ',' between thousands; expected {what}"
        )
    } else if decimal_comma {
        format!("not a number; expected {what} with ',' as the decimal mark")
    } else if text.contains(',') && comma_groups {
        format!(
            "not a number; expected {what} with '.' as the decimal mark (',' may only separate \
             thousands, as in 1,234.5), or set --decimal-comma if ',' is the decimal mark"
        )
    } else {
        format!("not a number; expected {what} with '.' as the decimal mark")
    }
}

impl Cells<'_> {
    /// A cell that must not be empty. Returns the text.
    pub fn required<'a>(&mut self, cell: Option<Cell<'a>>) -> Option<Cell<'a>> {
        let cell = cell?;
        if cell.text.is_empty() {
            self.problems
                .push(cell.problem("the value is missing; this column is required"));
            return None;
        }
        Some(cell)
    }

    pub fn text(&mut self, cell: Option<Cell<'_>>) -> Option<String> {
        self.required(cell).map(|c| c.text.to_string())
    }

    pub fn opt_text(&mut self, cell: Option<Cell<'_>>) -> Option<String> {
        cell.filter(|c| !c.text.is_empty())
            .map(|c| c.text.to_string())
    }

    pub fn identifier(&mut self, cell: Option<Cell<'_>>) -> Option<String> {
        let cell = self.required(cell)?;
        if is_identifier(cell.text) {
            Some(cell.text.to_string())
        } else {
            self.problems.push(cell.problem(
                "not a valid identifier; expected 1 to 64 characters from A-Z, a-z, 0-9, '_', '.', '-'",
            ));
            None
        }
    }

    /// A number checked by `ok`; `what` names the expectation, e.g. "a number >= 0".
    pub fn number(
        &mut self,
        cell: Option<Cell<'_>>,
        what: &str,
        ok: impl Fn(f64) -> bool,
    ) -> Option<f64> {
        let cell = self.required(cell)?;
        self.number_of(&cell, what, ok)
    }

    pub fn opt_number(
        &mut self,
        cell: Option<Cell<'_>>,
        what: &str,
        ok: impl Fn(f64) -> bool,
    ) -> Option<f64> {
        let cell = cell.filter(|c| !c.text.is_empty())?;
        self.number_of(&cell, what, ok)
    }

    fn number_of(&mut self, cell: &Cell<'_>, what: &str, ok: impl Fn(f64) -> bool) -> Option<f64> {
        match parse_number(cell.text, cell.decimal_comma, cell.comma_groups) {
            Some(v) if v.abs() > MAX_MAGNITUDE => {
                self.problems.push(cell.problem(format!(
                    "too large; expected {what} of at most 1e15 in magnitude"
                )));
                None
            }
            Some(v) if v != 0.0 && v.abs() < MIN_MAGNITUDE => {
                self.problems.push(cell.problem(format!(
                    "too small; expected {what} that is 0 or at least 1e-9 in magnitude"
                )));
                None
            }
            Some(v) if ok(v) => Some(v),
            Some(_) => {
                self.problems
                    .push(cell.problem(format!("out of range; expected {what}")));
                None
            }
            None => {
                self.problems.push(cell.problem(not_a_number(
                    cell.text,
                    what,
                    cell.decimal_comma,
                    cell.comma_groups,
                )));
                None
            }
        }
    }

    pub fn integer(
        &mut self,
        cell: Option<Cell<'_>>,
        what: &str,
        ok: impl Fn(i64) -> bool,
    ) -> Option<i64> {
        let cell = self.required(cell)?;
        self.integer_of(&cell, what, ok)
    }

    pub fn opt_integer(
        &mut self,
        cell: Option<Cell<'_>>,
        what: &str,
        ok: impl Fn(i64) -> bool,
    ) -> Option<i64> {
        let cell = cell.filter(|c| !c.text.is_empty())?;
        self.integer_of(&cell, what, ok)
    }

    fn integer_of(&mut self, cell: &Cell<'_>, what: &str, ok: impl Fn(i64) -> bool) -> Option<i64> {
        // "12" and "12.0" are both integers; a non-zero fraction is not.
        let parsed = parse_number(cell.text, cell.decimal_comma, cell.comma_groups)
            .filter(|v| v.fract() == 0.0 && v.abs() < 9.0e15)
            .map(|v| v as i64);
        match parsed {
            Some(v) if ok(v) => Some(v),
            Some(_) => {
                self.problems
                    .push(cell.problem(format!("out of range; expected {what}")));
                None
            }
            None => {
                self.problems
                    .push(cell.problem(format!("not an integer; expected {what}")));
                None
            }
        }
    }

    pub fn opt_bool(&mut self, cell: Option<Cell<'_>>) -> Option<bool> {
        let cell = cell.filter(|c| !c.text.is_empty())?;
        match cell.text.to_lowercase().as_str() {
            "true" | "1" | "yes" | "да" => Some(true),
            "false" | "0" | "no" | "нет" => Some(false),
            _ => {
                self.problems.push(
                    cell.problem("not a boolean; expected true/false, 1/0, yes/no or да/нет"),
                );
                None
            }
        }
    }
}
