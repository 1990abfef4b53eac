//! The workbook template (`init --xlsx`): a README sheet, the study sheet, a sheet per table
//! and the support sheet, with number formats and drop-down lists.

use super::tables::{Table, TABLES, V};
use super::text::{settings, Def, ID_HELP, NAME_HELP, REGIONS_HELP, YEAR_HELP};
use super::{NAME_PLACEHOLDER, REGION_PLACEHOLDER, STUDY_ID};
use crate::error::{Error, Result};
use crate::study::schema::{Kind, NO, SUPPORT_SHEET, YES};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime, Format,
    FormatBorder, Workbook, Worksheet, XlsxError,
};

/// Rows of the workbook (after the header) that carry drop-down lists and number formats.
const FORMATTED_ROWS: u32 = 999;

const ROLES: [&str; 5] = [
    "industrial",
    "final_producer",
    "education",
    "infrastructure",
    "specialized_org",
];
const STAGES: [&str; 4] = ["1", "2", "3", "4"];

fn xe(e: XlsxError) -> Error {
    Error::Write {
        file: "the workbook".into(),
        reason: e.to_string(),
    }
}

struct Formats {
    header: Format,
    title: Format,
    bold: Format,
    wrap: Format,
    text: Format,
    int: Format,
    rub: Format,
    qty: Format,
    num: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border_bottom(FormatBorder::Thin),
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold().set_text_wrap(),
            wrap: Format::new().set_text_wrap(),
            text: Format::new().set_num_format("@"),
            int: Format::new().set_num_format("0"),
            rub: Format::new().set_num_format("#,##0"),
            qty: Format::new().set_num_format("#,##0.00"),
            num: Format::new().set_num_format("General"),
        }
    }

    fn column(&self, kind: Kind) -> Option<&Format> {
        match kind {
            Kind::Text | Kind::Role | Kind::Participant | Kind::Supplier | Kind::Product => None,
            Kind::Code => Some(&self.text),
            Kind::Stage | Kind::Int | Kind::Year => Some(&self.int),
            Kind::Rub => Some(&self.rub),
            Kind::Qty => Some(&self.qty),
            Kind::Num => Some(&self.num),
        }
    }
}

pub(super) fn workbook_bytes() -> Result<Vec<u8>> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)
        .and_then(|d| d.and_hms(0, 0, 0))
        .map_err(xe)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("nichegraph: шаблон исследования")
            .set_creation_datetime(&created),
    );

    let ws = wb.add_worksheet();
    readme_sheet(ws, &f)?;
    let ws = wb.add_worksheet();
    study_sheet(ws, &f)?;
    for t in TABLES {
        let ws = wb.add_worksheet();
        table_sheet(ws, &f, t)?;
    }
    let ws = wb.add_worksheet();
    support_sheet(ws, &f)?;
    wb.save_to_buffer().map_err(xe)
}

/// The optional `support` sheet with the default programmes: as it stands it changes nothing;
/// deleting it keeps the same programmes, and a header without rows means none.
fn support_sheet(ws: &mut Worksheet, f: &Formats) -> Result<()> {
    ws.set_name(SUPPORT_SHEET.name).map_err(xe)?;
    let widths = [12.0, 36.0, 16.0, 18.0, 19.0, 17.0];
    for (c, (col, width)) in SUPPORT_SHEET.columns.iter().zip(widths).enumerate() {
        ws.set_column_width(c as u16, width).map_err(xe)?;
        ws.write_with_format(0, c as u16, col.name, &f.header)
            .map_err(xe)?;
    }
    for (r, p) in crate::study::config::default_programmes()
        .iter()
        .enumerate()
    {
        let r = r as u32 + 1;
        ws.write(r, 0, &p.id).map_err(xe)?;
        ws.write(r, 1, &p.name).map_err(xe)?;
        ws.write(r, 2, p.cap_rub).map_err(xe)?;
        ws.write(r, 3, p.interest_coverage).map_err(xe)?;
        ws.write(r, 4, p.equipment_coverage).map_err(xe)?;
        ws.write(r, 5, p.requires_registry).map_err(xe)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xe)?;
    Ok(())
}

fn readme_sheet(ws: &mut Worksheet, f: &Formats) -> Result<()> {
    ws.set_name("README").map_err(xe)?;
    for (c, w) in [(0, 18.0), (1, 30.0), (2, 30.0), (3, 90.0)] {
        ws.set_column_width(c, w).map_err(xe)?;
    }
    let mut r = 0u32;
    ws.write_with_format(r, 0, "Исследование nichegraph: что заполнить", &f.title)
        .map_err(xe)?;
    r += 2;
    let steps = [
        "1. Лист study: впишите название кластера (name) и субъекты РФ (regions, по строке на \
         субъект) вместо «ЗАПОЛНИТЕ: …». id — код исследования, им названа папка результатов.",
        "2. Листы participants, products, flows, specs, plans: в каждом есть строки-примеры — коды \
         начинаются с example-, названия — с «ПРИМЕР:». Замените их своими данными (или удалите) и \
         добавляйте свои строки ниже. Первую строку (заголовки) не меняйте. Листы specs и plans \
         можно оставить пустыми.",
        "3. Роль (role), передел (stage) и, на листах flows и specs, коды участников и продуктов \
         выбираются из списка. Пустая ячейка — значение не указано.",
        "4. Проверьте данные: nichegraph check study.xlsx; затем nichegraph analyze study.xlsx.",
    ];
    for s in steps {
        ws.merge_range(r, 0, r, 3, s, &f.wrap).map_err(xe)?;
        ws.set_row_height(r, 32).map_err(xe)?;
        r += 1;
    }
    r += 1;
    for (c, h) in ["лист", "столбец", "обязательно", "что писать"]
        .iter()
        .enumerate()
    {
        ws.write_with_format(r, c as u16, *h, &f.header)
            .map_err(xe)?;
    }
    r += 1;
    for t in TABLES {
        ws.write_with_format(r, 0, t.def.name, &f.bold)
            .map_err(xe)?;
        ws.merge_range(
            r,
            1,
            r,
            3,
            &format!("{}: {}", sheet_title(t), t.def.about),
            &f.bold,
        )
        .map_err(xe)?;
        r += 1;
        for c in t.def.columns {
            ws.write(r, 0, t.def.name).map_err(xe)?;
            ws.write(r, 1, c.name).map_err(xe)?;
            ws.write_with_format(r, 2, c.must(), &f.wrap).map_err(xe)?;
            ws.write_with_format(r, 3, c.help, &f.wrap).map_err(xe)?;
            r += 1;
        }
    }
    ws.write_with_format(r, 0, "study", &f.bold).map_err(xe)?;
    ws.merge_range(
        r,
        1,
        r,
        3,
        "Лист study: настройки исследования, по строке «ключ | значение». Необязательные \
         настройки уже стоят со значениями по умолчанию; пустое значение — настройка не задана.",
        &f.bold,
    )
    .map_err(xe)?;
    r += 1;
    let mut setting = |r: &mut u32, key: &str, req: &str, help: &str| -> Result<()> {
        ws.write(*r, 0, "study").map_err(xe)?;
        ws.write(*r, 1, key).map_err(xe)?;
        ws.write_with_format(*r, 2, req, &f.wrap).map_err(xe)?;
        ws.write_with_format(*r, 3, help, &f.wrap).map_err(xe)?;
        *r += 1;
        Ok(())
    };
    setting(&mut r, "id", YES, ID_HELP)?;
    setting(&mut r, "name", YES, NAME_HELP)?;
    setting(&mut r, "regions", "да, по строке на субъект", REGIONS_HELP)?;
    setting(&mut r, "year", NO, YEAR_HELP)?;
    for s in settings() {
        setting(
            &mut r,
            &s.dotted(),
            &format!("нет, по умолчанию {}", s.default),
            s.help,
        )?;
    }
    ws.write_with_format(r, 0, "support", &f.bold).map_err(xe)?;
    ws.merge_range(
        r,
        1,
        r,
        3,
        "Лист support (необязательный): меры государственной поддержки, по строке на программу. \
         В шаблоне — две программы по умолчанию (ПП РФ № 41 и № 1119); без листа действуют они же, \
         лист только с заголовками — без программ.",
        &f.bold,
    )
    .map_err(xe)?;
    r += 1;
    for c in SUPPORT_SHEET.columns {
        ws.write(r, 0, SUPPORT_SHEET.name).map_err(xe)?;
        ws.write(r, 1, c.name).map_err(xe)?;
        ws.write_with_format(r, 2, c.must(), &f.wrap).map_err(xe)?;
        ws.write_with_format(r, 3, c.help, &f.wrap).map_err(xe)?;
        r += 1;
    }
    ws.set_freeze_panes(1, 0).map_err(xe)?;
    Ok(())
}

fn sheet_title(t: &Table) -> String {
    if t.def.required {
        format!("Лист {}", t.def.name)
    } else {
        format!("Лист {} (необязательный)", t.def.name)
    }
}

fn study_sheet(ws: &mut Worksheet, f: &Formats) -> Result<()> {
    ws.set_name("study").map_err(xe)?;
    ws.set_column_width(0, 34).map_err(xe)?;
    ws.set_column_width(1, 50).map_err(xe)?;
    ws.write_with_format(0, 0, "key", &f.header).map_err(xe)?;
    ws.write_with_format(0, 1, "value", &f.header).map_err(xe)?;
    ws.write(1, 0, "id").map_err(xe)?;
    ws.write(1, 1, STUDY_ID).map_err(xe)?;
    ws.write(2, 0, "name").map_err(xe)?;
    ws.write(2, 1, NAME_PLACEHOLDER).map_err(xe)?;
    ws.write(3, 0, "regions").map_err(xe)?;
    ws.write(3, 1, REGION_PLACEHOLDER).map_err(xe)?;
    // An empty value leaves a setting unset, so the year row can wait for a year.
    ws.write(4, 0, "year").map_err(xe)?;
    let mut r = 5;
    if WORKBOOK_DEFAULTS {
        for s in settings() {
            ws.write(r, 0, s.dotted()).map_err(xe)?;
            match s.default {
                Def::F(x) => ws.write(r, 1, x),
                Def::U(n) => ws.write(r, 1, n as f64),
            }
            .map_err(xe)?;
            r += 1;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(xe)?;
    Ok(())
}

/// Whether the `study` sheet lists the optional settings with their default values.
const WORKBOOK_DEFAULTS: bool = true;

fn table_sheet(ws: &mut Worksheet, f: &Formats, t: &Table) -> Result<()> {
    ws.set_name(t.def.name).map_err(xe)?;
    for (i, (c, width)) in t.def.columns.iter().zip(t.widths).enumerate() {
        let i = i as u16;
        ws.set_column_width(i, *width).map_err(xe)?;
        if let Some(fmt) = f.column(c.kind) {
            ws.set_column_format(i, fmt).map_err(xe)?;
        }
        ws.write_with_format(0, i, c.name, &f.header).map_err(xe)?;
        if let Some(v) = validation(c.kind)? {
            ws.add_data_validation(1, i, FORMATTED_ROWS, i, &v)
                .map_err(xe)?;
        }
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (i, (v, c)) in row.iter().zip(t.def.columns).enumerate() {
            let i = i as u16;
            match (v, f.column(c.kind)) {
                (V::S(s), Some(fmt)) => ws.write_with_format(r, i, *s, fmt),
                (V::S(s), None) => ws.write(r, i, *s),
                (V::N(x), Some(fmt)) => ws.write_with_format(r, i, *x, fmt),
                (V::N(x), None) => ws.write(r, i, *x),
                (V::E, _) => continue,
            }
            .map_err(xe)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(xe)?;
    Ok(())
}

pub(super) fn validation(kind: Kind) -> Result<Option<DataValidation>> {
    let v = match kind {
        Kind::Role => DataValidation::new()
            .allow_list_strings(&ROLES)
            .map_err(xe)?
            .set_input_title("Роль участника")
            .map_err(xe)?
            .set_input_message(
                "industrial — промышленное предприятие; final_producer — производитель конечной \
                 продукции; education — образование; infrastructure — инфраструктура; \
                 specialized_org — специализированная организация",
            )
            .map_err(xe)?
            .set_error_title("Неизвестная роль")
            .map_err(xe)?
            .set_error_message("Выберите роль из списка.")
            .map_err(xe)?,
        Kind::Stage => DataValidation::new()
            .allow_list_strings(&STAGES)
            .map_err(xe)?
            .set_input_title("Передел")
            .map_err(xe)?
            .set_input_message(
                "1 — сырьё и детали, 2 — компоненты, 3 — узлы и агрегаты, 4 — конечная \
                 продукция. Для education, infrastructure и specialized_org оставьте пустым.",
            )
            .map_err(xe)?
            .set_error_title("Неизвестный передел")
            .map_err(xe)?
            .set_error_message("Передел — число от 1 до 4.")
            .map_err(xe)?,
        Kind::Participant => id_list(
            "participants",
            "Участник",
            "Выберите код участника с листа participants.",
        )?,
        Kind::Product => id_list(
            "products",
            "Продукт",
            "Выберите код продукта с листа products.",
        )?,
        Kind::Supplier => {
            // Imports and Russian suppliers outside the cluster are not on the list: a value
            // off the list is only questioned, not refused.
            let v = id_list(
                "participants",
                "Поставщик",
                "Код участника с листа participants, import:<СТРАНА> (например import:DE) или domestic.",
            )?;
            return Ok(Some(
                v.set_error_style(DataValidationErrorStyle::Information),
            ));
        }
        _ => return Ok(None),
    };
    Ok(Some(v.set_error_style(DataValidationErrorStyle::Stop)))
}

/// A drop-down of the ids in column A of another sheet (its rows under the header).
fn id_list(sheet: &str, title: &str, message: &str) -> Result<DataValidation> {
    let range = format!("={sheet}!$A$2:$A${}", FORMATTED_ROWS + 1);
    DataValidation::new()
        .allow_list_formula(rust_xlsxwriter::Formula::new(range))
        .set_input_title(title)
        .map_err(xe)?
        .set_input_message(message)
        .map_err(xe)?
        .set_error_title("Нет в списке")
        .map_err(xe)?
        .set_error_message(message)
        .map_err(xe)
}
