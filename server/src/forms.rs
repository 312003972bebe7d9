//! Pre-filled forms as one A4 PDF (書かない窓口): each procedure's Typst
//! form from the office file, laid out by Typst with the shipped BIZ
//! UDPGothic embedded, the pages of several families and forms in one
//! document. No network: Typst packages are not fetched.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use typst_as_lib::{TypstAsLibError, TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;

use crate::config::Office;

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/BIZUDPGothic-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/BIZUDPGothic-Bold.ttf");

#[derive(Debug, thiserror::Error)]
pub enum FormError {
    #[error("form of {procedure:?} ({file}): {message}")]
    Template {
        procedure: String,
        file: String,
        message: String,
    },
    #[error("the forms could not be laid out: {0}")]
    Layout(String),
}

/// One page to print: a procedure's form with its fields' values.
#[derive(Debug, Clone)]
pub struct FormPage {
    pub procedure: String,
    pub fields: BTreeMap<String, String>,
}

/// An office's forms, ready to print.
pub struct FormPrinter {
    engine: TypstEngine<TypstTemplateMainFile>,
    /// Procedure id → (form file, its field names).
    forms: BTreeMap<String, (String, Vec<String>)>,
}

impl std::fmt::Debug for FormPrinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FormPrinter")
            .field("forms", &self.forms)
            .finish()
    }
}

/// Fields every form gets, whatever the office file maps.
pub const ALWAYS: [&str; 2] = ["office", "visit_date"];

fn message(e: TypstAsLibError) -> String {
    match e {
        TypstAsLibError::TypstSource(diags) => diags
            .iter()
            .map(|d| d.message.to_string())
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

impl FormPrinter {
    /// The office's forms (None when no procedure has one), each laid out
    /// once with blank fields so that a broken template is found at start,
    /// not when a family waits.
    pub fn new(office: &Office) -> Result<Option<FormPrinter>, FormError> {
        let mut forms = BTreeMap::new();
        for p in &office.questionnaire.procedures {
            if let Some(f) = &p.form {
                let mut names: Vec<String> = f.fields.keys().cloned().collect();
                names.extend(ALWAYS.iter().map(|s| s.to_string()));
                forms.insert(p.procedure.id.clone(), (f.file.clone(), names));
            }
        }
        if forms.is_empty() {
            return Ok(None);
        }
        let mut main = String::from(
            "#set page(paper: \"a4\", margin: (x: 18mm, y: 16mm))\n\
             #set text(font: \"BIZ UDPGothic\", lang: \"ja\", region: \"jp\", size: 10.5pt)\n",
        );
        let mut table = String::from("#let forms = (\n");
        for (i, (procedure, (file, _))) in forms.iter().enumerate() {
            main.push_str(&format!("#import \"/{file}\": form as form{i}\n"));
            table.push_str(&format!("  \"{procedure}\": form{i},\n"));
        }
        table.push_str(")\n");
        main.push_str(&table);
        main.push_str(
            "#for (i, p) in sys.inputs.pages.enumerate() {\n\
             \x20 if i > 0 { pagebreak() }\n\
             \x20 (forms.at(p.procedure))(p.fields)\n\
             }\n",
        );
        let sources: Vec<(String, String)> = office
            .form_files
            .iter()
            .map(|(path, src)| (format!("/{path}"), src.clone()))
            .collect();
        let engine = TypstEngine::builder()
            .main_file(("/main.typ", main))
            .fonts([REGULAR, BOLD])
            .with_static_source_file_resolver(
                sources
                    .iter()
                    .map(|(p, s)| (p.as_str(), s.clone()))
                    .collect::<Vec<_>>(),
            )
            .build();
        let printer = FormPrinter { engine, forms };
        for (procedure, (file, names)) in &printer.forms {
            let blank = FormPage {
                procedure: procedure.clone(),
                fields: names.iter().map(|n| (n.clone(), String::new())).collect(),
            };
            printer
                .render(std::slice::from_ref(&blank))
                .map_err(|e| FormError::Template {
                    procedure: procedure.clone(),
                    file: file.clone(),
                    message: e.to_string(),
                })?;
        }
        Ok(Some(printer))
    }

    /// Whether the procedure has a form.
    pub fn has_form(&self, procedure: &str) -> bool {
        self.forms.contains_key(procedure)
    }

    /// The pages as one PDF. CPU work: call it off the async runtime.
    pub fn render(&self, pages: &[FormPage]) -> Result<Vec<u8>, FormError> {
        let pages: Vec<Value> = pages
            .iter()
            .map(|p| json!({ "procedure": p.procedure, "fields": p.fields }))
            .collect();
        pdf(&self.engine, json!({ "pages": pages }))
    }
}

/// Lays out `engine`'s main file with `inputs` as `sys.inputs`, as PDF
/// (the forms and the summary alike).
pub(crate) fn pdf(
    engine: &TypstEngine<TypstTemplateMainFile>,
    inputs: Value,
) -> Result<Vec<u8>, FormError> {
    let inputs: typst::foundations::Dict =
        serde_json::from_value(inputs).map_err(|e| FormError::Layout(e.to_string()))?;
    let doc: PagedDocument = engine
        .compile_with_input(inputs)
        .output
        .map_err(|e| FormError::Layout(message(e)))?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default())
        .map_err(|d| FormError::Layout(message(TypstAsLibError::from(d))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_forms_lay_out_with_their_fields_filled() {
        let office = Office::demo();
        let printer = FormPrinter::new(&office).expect("forms").expect("some");
        for p in [
            "kokuho_loss",
            "kokuho_funeral",
            "kouki",
            "kaigo_loss",
            "setainushi",
            "pension_kokumin",
        ] {
            assert!(printer.has_form(p), "{p}");
        }
        let mut fields: BTreeMap<String, String> = printer.forms["kokuho_loss"]
            .1
            .iter()
            .map(|n| (n.clone(), String::new()))
            .collect();
        fields.insert("insured_name".into(), "山田 太郎".into());
        let pdf = printer
            .render(&[FormPage {
                procedure: "kokuho_loss".into(),
                fields,
            }])
            .expect("pdf");
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
