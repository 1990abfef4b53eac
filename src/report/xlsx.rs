//! `needs.xlsx` and `niches.xlsx`: the CSV tables as typed, formatted workbooks.
//!
//! Sheet 1 holds exactly the columns of `needs.csv` / `niches.csv`, in the same order, with the
//! SPEC column names as the header row, so a notebook can read either file by name. Sheet 2
//! («Описание» / «About») describes the study and every column.
//!
//! Every cell is typed: numbers are written as numbers (full f64, formatting is display only),
//! booleans as booleans, text — including anything from the data, such as a product named
//! `=HYPERLINK(..)` — as a string, so no cell is ever a formula. Missing values stay empty.
//! The bytes are deterministic: the document's creation time is fixed.

use crate::analysis::Analysis;
use crate::error::{Error, Result};
use crate::report::columns::{self, Cell, Frame, Kind, Meta};
use crate::report::Lang;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

/// `needs.xlsx`: one row per product with flows, the columns of `needs.csv`.
pub fn needs(a: &Analysis, lang: Lang) -> Result<Vec<u8>> {
    let name = match lang {
        Lang::Ru => "Потребности",
        Lang::En => "Needs",
    };
    workbook(a, lang, name, &columns::needs(a))
}

/// `niches.xlsx`: one row per niche by rank, the columns of `niches.csv`.
pub fn niches(a: &Analysis, lang: Lang) -> Result<Vec<u8>> {
    let name = match lang {
        Lang::Ru => "Ниши",
        Lang::En => "Niches",
    };
    workbook(a, lang, name, &columns::niches(a))
}

fn xe(e: XlsxError) -> Error {
    Error::render("XLSX", e)
}

/// The formats one workbook uses.
struct Formats {
    header: Format,
    title: Format,
    int: Format,
    rub: Format,
    price_frac: Format,
    share: Format,
    premium: Format,
    qty_frac: Format,
    wrap: Format,
    number: Format,
}

impl Formats {
    fn new() -> Self {
        // `#,##0` is the file's locale-independent code for "thousands separated": Excel shows
        // it as `# ##0` in a Russian locale and `#,##0` in an English one.
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDE5F0))
                .set_border_bottom(FormatBorder::Thin)
                .set_align(FormatAlign::VerticalCenter),
            title: Format::new().set_bold().set_font_size(13),
            int: Format::new().set_num_format("0"),
            rub: Format::new().set_num_format("#,##0"),
            price_frac: Format::new().set_num_format("#,##0.00"),
            share: Format::new().set_num_format("0.0%"),
            premium: Format::new().set_num_format("+0.0%;-0.0%"),
            qty_frac: Format::new().set_num_format("#,##0.###"),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            number: Format::new().set_num_format("0.00"),
        }
    }

    /// The format of a number in a column of this kind. Whole quantities and prices use
    /// `#,##0`, so Excel does not show a bare trailing decimal mark.
    fn for_number(&self, kind: Kind, x: f64) -> &Format {
        let whole = x.fract() == 0.0;
        match kind {
            Kind::Int => &self.int,
            Kind::Rub => &self.rub,
            Kind::Price if whole => &self.rub,
            Kind::Price => &self.price_frac,
            Kind::Share => &self.share,
            Kind::Premium => &self.premium,
            Kind::Qty if whole => &self.rub,
            Kind::Qty => &self.qty_frac,
            Kind::Years => &self.number,
            Kind::Text | Kind::Code | Kind::Bool => &self.number,
        }
    }
}

/// A fixed creation time, so the same input gives byte-identical files.
fn properties(a: &Analysis) -> Result<DocProperties> {
    let created = ExcelDateTime::from_ymd(2000, 1, 1)
        .and_then(|d| d.and_hms(0, 0, 0))
        .map_err(xe)?;
    Ok(DocProperties::new()
        .set_title(a.study.name.as_str())
        .set_creation_datetime(&created))
}

fn workbook(a: &Analysis, lang: Lang, sheet: &str, frame: &Frame) -> Result<Vec<u8>> {
    let (metas, rows) = (&frame.columns, &frame.rows);
    let f = Formats::new();
    let mut wb = Workbook::new();
    wb.set_properties(&properties(a)?);

    let ws = wb.add_worksheet();
    ws.set_name(sheet).map_err(xe)?;
    data_sheet(ws, &f, metas, rows)?;

    let ws = wb.add_worksheet();
    about_sheet(ws, &f, a, lang, sheet, rows.len(), metas)?;

    wb.save_to_buffer().map_err(xe)
}

fn data_sheet(ws: &mut Worksheet, f: &Formats, metas: &[&Meta], rows: &[Vec<Cell>]) -> Result<()> {
    let last_col = u16::try_from(metas.len().saturating_sub(1))
        .map_err(|_| Error::render("XLSX", "too many columns"))?;
    let last_row = u32::try_from(rows.len()).map_err(|_| Error::render("XLSX", "too many rows"))?;
    let mut widths: Vec<usize> = metas.iter().map(|m| m.name.chars().count() + 3).collect();

    for (c, m) in metas.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, m.name, &f.header)
            .map_err(xe)?;
    }
    for (r, row) in rows.iter().enumerate() {
        if row.len() != metas.len() {
            return Err(Error::Internal(format!(
                "cannot render XLSX: row {} has {} cells for {} columns",
                r + 1,
                row.len(),
                metas.len()
            )));
        }
        let r = r as u32 + 1;
        for (c, (cell, m)) in row.iter().zip(metas).enumerate() {
            let col = c as u16;
            let shown = match cell {
                Cell::Text(s) => {
                    let s = excel_text(s);
                    ws.write_string(r, col, s.as_ref()).map_err(xe)?;
                    // Only up to the widest column matters: no need to count further.
                    s.chars().take(64).count()
                }
                Cell::Num(x) => {
                    let x = x + 0.0; // never -0
                    ws.write_number_with_format(r, col, x, f.for_number(m.kind, x))
                        .map_err(xe)?;
                    number_width(m.kind, x)
                }
                Cell::Bool(b) => {
                    ws.write_boolean(r, col, *b).map_err(xe)?;
                    5
                }
                Cell::Empty => 0,
            };
            widths[c] = widths[c].max(shown + 2);
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).clamp(8, 60) as f64)
            .map_err(xe)?;
    }
    ws.set_row_height(0, 20).map_err(xe)?;
    ws.set_freeze_panes(1, 0).map_err(xe)?;
    ws.autofilter(0, 0, last_row, last_col).map_err(xe)?;
    Ok(())
}

/// Excel holds at most this many characters in a cell.
const EXCEL_CELL_MAX: usize = 32_767;

/// `s` as a cell can hold it: a longer text is cut with «…» at Excel's limit (the CSV and
/// JSON outputs keep it whole).
fn excel_text(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(EXCEL_CELL_MAX - 1) {
        Some((i, _)) => std::borrow::Cow::Owned(format!("{}…", &s[..i])),
        None => std::borrow::Cow::Borrowed(s),
    }
}

/// About how many characters Excel needs to show a number in a column of this kind.
fn number_width(kind: Kind, x: f64) -> usize {
    // Inputs are bounded (1e15), but a width must never depend on that to avoid overflow.
    let a = if x.is_finite() {
        x.abs().min(1e300)
    } else {
        0.0
    };
    let int_digits = if a < 1.0 {
        1
    } else {
        a.log10().floor() as usize + 1
    };
    let grouped = int_digits + (int_digits - 1) / 3;
    let sign = usize::from(x < 0.0);
    match kind {
        Kind::Share => int_digits + 5 + sign,
        Kind::Premium => int_digits + 6,
        Kind::Price | Kind::Qty if x.fract() != 0.0 => grouped + 4 + sign,
        _ => grouped + sign,
    }
}

fn about_sheet(
    ws: &mut Worksheet,
    f: &Formats,
    a: &Analysis,
    lang: Lang,
    data_sheet: &str,
    rows: usize,
    metas: &[&Meta],
) -> Result<()> {
    let ru = lang == Lang::Ru;
    let t = |r: &'static str, e: &'static str| if ru { r } else { e };
    ws.set_name(t("Описание", "About")).map_err(xe)?;
    ws.set_column_width(0, 34).map_err(xe)?;
    ws.set_column_width(1, 90).map_err(xe)?;
    ws.set_column_width(2, 30).map_err(xe)?;

    let s = &a.study;
    let c = &s.criteria;
    ws.write_string_with_format(0, 0, excel_text(&s.name).as_ref(), &f.title)
        .map_err(xe)?;
    let mut r: u32 = 2;
    let text_row = |ws: &mut Worksheet, r: &mut u32, label: &str, value: &str| -> Result<()> {
        ws.write_string_with_format(*r, 0, label, &f.header)
            .map_err(xe)?;
        ws.write_string(*r, 1, excel_text(value).as_ref())
            .map_err(xe)?;
        *r += 1;
        Ok(())
    };
    text_row(ws, &mut r, t("Исследование", "Study"), &s.id)?;
    ws.write_string_with_format(r, 0, t("Год", "Year"), &f.header)
        .map_err(xe)?;
    if let Some(y) = s.year {
        ws.write_number_with_format(r, 1, y as f64, &f.int)
            .map_err(xe)?;
    }
    r += 1;
    text_row(ws, &mut r, t("Регионы", "Regions"), &s.regions.join("; "))?;
    text_row(
        ws,
        &mut r,
        t("Лист", "Sheet"),
        &format!(
            "{data_sheet}: {}",
            super::human::count(
                rows as u64,
                ["строка", "строки", "строк"],
                "row",
                "rows",
                lang
            )
        ),
    )?;
    r += 1;

    ws.write_string_with_format(r, 0, t("Порог", "Threshold"), &f.header)
        .map_err(xe)?;
    ws.write_string_with_format(r, 1, t("Значение", "Value"), &f.header)
        .map_err(xe)?;
    ws.write_string_with_format(r, 2, t("Ключ в study.toml", "Key in study.toml"), &f.header)
        .map_err(xe)?;
    r += 1;
    let thresholds: [(&str, &str, f64, &Format); 5] = [
        (
            t(
                "Доля импорта для флага import (>)",
                "Import share for the import flag (>)",
            ),
            "criteria.import_share_min",
            c.import_share_min,
            &f.share,
        ),
        (
            t("Критический импорт (≥)", "Critical import (≥)"),
            "criteria.critical_import_share",
            c.critical_import_share,
            &f.share,
        ),
        (
            t(
                "Переплата для флага cost (>)",
                "Premium for the cost flag (>)",
            ),
            "criteria.cost_premium_min",
            c.cost_premium_min,
            &f.premium,
        ),
        (
            t(
                "Минимальный спрос ниши, руб. (≥)",
                "Minimum niche demand, RUB (≥)",
            ),
            "criteria.min_demand_rub",
            c.min_demand_rub,
            &f.rub,
        ),
        (
            t(
                "Капиталоёмкость, руб. инвестиций на руб. спроса",
                "Capital intensity, RUB of investment per RUB of demand",
            ),
            "investment.capital_intensity",
            s.investment.capital_intensity,
            &f.number,
        ),
    ];
    for (label, key, value, format) in thresholds {
        ws.write_string(r, 0, label).map_err(xe)?;
        ws.write_number_with_format(r, 1, value + 0.0, format)
            .map_err(xe)?;
        ws.write_string(r, 2, key).map_err(xe)?;
        r += 1;
    }
    r += 1;

    ws.write_string_with_format(r, 0, t("Столбец", "Column"), &f.header)
        .map_err(xe)?;
    ws.write_string_with_format(r, 1, t("Значение", "Meaning"), &f.header)
        .map_err(xe)?;
    ws.write_string_with_format(r, 2, t("Единица / формат", "Unit / format"), &f.header)
        .map_err(xe)?;
    r += 1;
    for m in metas {
        ws.write_string(r, 0, m.name).map_err(xe)?;
        ws.write_string_with_format(r, 1, if ru { m.ru } else { m.en }, &f.wrap)
            .map_err(xe)?;
        ws.write_string(r, 2, kind_text(m.kind, lang)).map_err(xe)?;
        r += 1;
    }
    Ok(())
}

fn kind_text(kind: Kind, lang: Lang) -> &'static str {
    let ru = lang == Lang::Ru;
    match kind {
        Kind::Text => {
            if ru {
                "текст"
            } else {
                "text"
            }
        }
        Kind::Code => {
            if ru {
                "код"
            } else {
                "code"
            }
        }
        Kind::Int => {
            if ru {
                "целое число"
            } else {
                "whole number"
            }
        }
        Kind::Rub | Kind::Price => {
            if ru {
                "руб."
            } else {
                "RUB"
            }
        }
        Kind::Share => {
            if ru {
                "доля (0,7 = 70 %)"
            } else {
                "fraction (0.7 = 70%)"
            }
        }
        Kind::Premium => {
            if ru {
                "доля (0,2 = +20 %), пусто без эталона"
            } else {
                "fraction (0.2 = +20%), empty without a benchmark"
            }
        }
        Kind::Qty => {
            if ru {
                "в единицах продукта (unit)"
            } else {
                "in the product's unit"
            }
        }
        Kind::Years => {
            if ru {
                "лет"
            } else {
                "years"
            }
        }
        Kind::Bool => {
            if ru {
                "ИСТИНА/ЛОЖЬ"
            } else {
                "TRUE/FALSE"
            }
        }
    }
}

#[cfg(test)]
mod tests;
