//! The family's take-home summary as one A4 PDF, in the family's
//! language (the booking's, else Japanese; a procedure left also in
//! Japanese for whoever helps them): the procedures done at the corner
//! today, and for each one left — money matters and consultations, done
//! at the department — where, what, how and by when. Headings from the
//! message catalogue, procedure texts from the office file.

use serde_json::{Value, json};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};

use crate::forms::FormError;

const TEMPLATE: &str = include_str!("summary.typ");
const FONTS: [&[u8]; 5] = [
    include_bytes!("../../assets/fonts/BIZUDPGothic-Regular.ttf"),
    include_bytes!("../../assets/fonts/BIZUDPGothic-Bold.ttf"),
    include_bytes!("../../assets/fonts/NanumGothic.ttf"),
    include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
    include_bytes!("../../assets/fonts/DroidSansFallbackFull.ttf"),
];

pub struct SummaryPrinter {
    engine: TypstEngine<TypstTemplateMainFile>,
}

/// What the summary says, already in the family's language.
#[derive(Debug, Clone)]
pub struct Summary {
    pub lang: String,
    pub office: String,
    pub name: String,
    pub visit: String,
    pub done: Vec<(String, String)>,
    pub left: Vec<LeftProcedure>,
}

#[derive(Debug, Clone)]
pub struct LeftProcedure {
    pub title: String,
    /// The Japanese title when the summary is in another language.
    pub title_ja: String,
    pub place: String,
    pub what: String,
    pub how: String,
    pub deadline: String,
}

impl Default for SummaryPrinter {
    fn default() -> Self {
        Self::new()
    }
}

impl SummaryPrinter {
    /// The one printer of the process, built at the first summary: every
    /// office prints with the same template and fonts, and a server that
    /// prints none never parses the fonts (idle memory).
    pub fn shared() -> &'static SummaryPrinter {
        static P: std::sync::OnceLock<SummaryPrinter> = std::sync::OnceLock::new();
        P.get_or_init(SummaryPrinter::new)
    }

    pub fn new() -> SummaryPrinter {
        SummaryPrinter {
            engine: TypstEngine::builder()
                .main_file(("/summary.typ", TEMPLATE.to_string()))
                .fonts(FONTS)
                .build(),
        }
    }

    /// The PDF. CPU work: call it off the async runtime.
    pub fn render(&self, s: &Summary) -> Result<Vec<u8>, FormError> {
        let c = messages::catalogue();
        let t = |id: &str| c.text(&s.lang, id);
        let lang = match s.lang.as_str() {
            "ja-x-easy" => "ja",
            other => other,
        };
        let inputs = json!({
            "lang": lang,
            "title": t("summary-title"),
            "visit": c.text_with(&s.lang, "summary-visit", &[("date", messages::Arg::Str(&s.visit))]),
            "office": s.office,
            "name": s.name,
            "done_heading": t("summary-done"),
            "left_heading": t("summary-left"),
            "none": t("summary-none"),
            "note": t("summary-note"),
            "labels": {
                "where": t("summary-where"),
                "what": t("resv-form"),
                "how": t("resv-how"),
                "deadline": t("resv-deadline"),
            },
            "done": s.done.iter().map(|(title, department)| json!({ "title": title, "department": department })).collect::<Vec<Value>>(),
            "left": s.left.iter().map(|p| json!({
                "title": p.title, "title_ja": p.title_ja, "where": p.place,
                "what": p.what, "how": p.how, "deadline": p.deadline,
            })).collect::<Vec<Value>>(),
        });
        crate::forms::pdf(&self.engine, inputs)
    }
}
