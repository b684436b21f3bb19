//! A spreadsheet a person downloads from a page opens as columns in a French spreadsheet
//! program: UTF-8 with a byte-order mark (without it, Excel reads "DÃ©lais"), `;` between
//! fields, a decimal comma, CRLF line ends, dates as dd/mm/yyyy and headers that are labels
//! in the reader's language. Exports meant for programs (open data, import round trips) are
//! not spreadsheets: they keep stable code headers, `,` and no byte-order mark.

use app::i18n::{format_date, Lang};

/// The byte-order mark that tells a spreadsheet program the file is UTF-8.
pub const BOM: &str = "\u{feff}";

/// One cell of a spreadsheet row.
pub enum Cell<'a> {
    Text(&'a str),
    Int(i64),
    /// A number shown with this many decimals.
    Decimal(f64, usize),
    /// A day, or an empty cell.
    Date(Option<i64>),
}

/// A spreadsheet being written, one row at a time.
pub struct Sheet {
    out: csv::Writer<Vec<u8>>,
}

impl Sheet {
    /// A sheet whose first row is `headers` (labels, not codes).
    pub fn new(headers: &[&str]) -> anyhow::Result<Sheet> {
        let mut out = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(BOM.as_bytes().to_vec());
        out.write_record(headers)?;
        Ok(Sheet { out })
    }

    pub fn row(&mut self, cells: &[Cell]) -> anyhow::Result<()> {
        let text: Vec<String> = cells.iter().map(cell_text).collect();
        self.out.write_record(&text)?;
        Ok(())
    }

    /// The file's bytes.
    pub fn finish(self) -> anyhow::Result<Vec<u8>> {
        Ok(self.out.into_inner()?)
    }
}

fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) => neutral(s),
        Cell::Int(n) => n.to_string(),
        Cell::Decimal(v, places) => format!("{v:.places$}").replace('.', ","),
        Cell::Date(at) => at.map(|at| format_date(Lang::Fr, at)).unwrap_or_default(),
    }
}

pub use app::domain::text::neutral;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn a_sheet_follows_the_french_spreadsheet_convention() {
        let mut sheet = Sheet::new(&["Titre", "Jours au territoire", "Déposée le"]).unwrap();
        sheet
            .row(&[
                Cell::Text("Délais; ICPE"),
                Cell::Decimal(12.26, 1),
                Cell::Date(Some(1_764_547_200)),
            ])
            .unwrap();
        sheet
            .row(&[Cell::Text("=1+1"), Cell::Int(-3), Cell::Date(None)])
            .unwrap();
        let bytes = sheet.finish().unwrap();
        assert_eq!(
            &bytes[..3],
            b"\xEF\xBB\xBF",
            "starts with the byte-order mark"
        );
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert_eq!(
            text,
            "Titre;Jours au territoire;Déposée le\r\n\"Délais; ICPE\";12,3;01/12/2025\r\n'=1+1;-3;\r\n"
        );
    }
}
