//! The おくやみ questionnaire in the office file: `[[questions]]` and the
//! `[[procedures]]` their answers lead to, validated like the rest of the
//! file (every problem with its line).

use protocol::{Localized, Procedure, Question, QuestionChoice, QuestionKind};
use serde::Deserialize;

use super::Collector;
use crate::rules::input::is_id;

#[derive(Debug, Clone, Default)]
pub struct Questionnaire {
    pub questions: Vec<Question>,
    pub procedures: Vec<ProcedureRule>,
}

/// A procedure and when it applies.
#[derive(Debug, Clone)]
pub struct ProcedureRule {
    pub procedure: Procedure,
    /// All must hold …
    pub when_all: Vec<Condition>,
    /// … and one of these, when there are any.
    pub when_any: Vec<Condition>,
    /// The form its department prints pre-filled, if any.
    pub form: Option<FormRef>,
}

/// `form = { file = "forms/x.typ", fields = { name = "deceased.name" } }`:
/// a Typst file defining `form(f)`, and where each of its fields comes
/// from (see `FORM_SOURCES`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormRef {
    /// Relative to the office file.
    pub file: String,
    /// Field name in the template → source.
    pub fields: std::collections::BTreeMap<String, String>,
    /// The details the form cannot do without (`FIELDS` paths, from
    /// `needs = ["details.deceased.name", …]`): once a family gives
    /// details, these are asked for when the form is on its checklist.
    pub needs: Vec<&'static str>,
}

/// Where a form field's value may come from, besides `details.*` (the
/// family's details, `rules::details::FIELDS`) and `answers.<question>`.
pub const FORM_SOURCES: [&str; 2] = ["visit.date", "office.name"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForm {
    file: String,
    #[serde(default)]
    fields: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    needs: Vec<String>,
}

/// A form file path: relative, `.typ`, no `..`.
pub fn is_form_path(p: &str) -> bool {
    p.ends_with(".typ")
        && !p.starts_with('/')
        && p.split('/')
            .all(|part| !part.is_empty() && part != ".." && part != ".")
        && p.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
}

/// A Typst identifier for a form field: a-z, 0-9 and _.
fn is_field_name(k: &str) -> bool {
    k.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && k.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `question=answer` or `question!=answer` (answers: `yes`, `no`, a choice id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub question: String,
    pub answer: String,
    pub negate: bool,
}

/// `{ id, ja, en, … }`: the choice's id and its text per language (the
/// texts sit beside the id, so any language key is taken; ja and en are
/// required below).
#[derive(Debug, Deserialize)]
struct RawChoice {
    id: String,
    #[serde(flatten)]
    text: Localized,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    kind: String,
    text: Localized,
    #[serde(default)]
    choices: Vec<RawChoice>,
    #[serde(default = "yes")]
    required: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProcedure {
    id: String,
    title: Localized,
    department: String,
    #[serde(rename = "where")]
    place: Localized,
    what: Localized,
    how: Localized,
    #[serde(default)]
    deadline: Option<Localized>,
    #[serde(default)]
    involves_money: bool,
    #[serde(default)]
    consultation: bool,
    #[serde(default)]
    when_all: Vec<String>,
    #[serde(default)]
    when_any: Vec<String>,
    #[serde(default)]
    form: Option<RawForm>,
}

impl Questionnaire {
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The form a procedure's department prints, if it names one.
    pub fn form_of(&self, procedure: &str) -> Option<&FormRef> {
        self.procedures
            .iter()
            .find(|x| x.procedure.id == procedure)
            .and_then(|x| x.form.as_ref())
    }

    /// Departments named by the procedures, in order of first appearance.
    pub fn departments(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in &self.procedures {
            if !out.contains(&r.procedure.department) {
                out.push(r.procedure.department.clone());
            }
        }
        out
    }
}

/// Whether `answer` is a possible answer of `q`.
pub fn possible(q: &Question, answer: &str) -> bool {
    match q.kind {
        QuestionKind::YesNo => answer == "yes" || answer == "no",
        QuestionKind::Choice => q.choices.iter().any(|c| c.id == answer),
    }
}

fn condition(s: &str) -> Option<Condition> {
    let (question, answer, negate) = match s.split_once("!=") {
        Some((q, a)) => (q, a, true),
        None => {
            let (q, a) = s.split_once('=')?;
            (q, a, false)
        }
    };
    Some(Condition {
        question: question.trim().to_string(),
        answer: answer.trim().to_string(),
        negate,
    })
}

fn has_japanese(t: &Localized) -> bool {
    t.get("ja").is_some_and(|s| !s.trim().is_empty())
}

pub(super) fn parse(
    c: &mut Collector<'_>,
    raw_questions: &[toml::Spanned<toml::Value>],
    raw_procedures: &[toml::Spanned<toml::Value>],
) -> Questionnaire {
    let mut questions: Vec<Question> = Vec::new();
    for v in raw_questions {
        let Some(q) = c.typed::<RawQuestion>("[[questions]]", v) else {
            continue;
        };
        let span = v.span();
        if !is_id(&q.id) {
            c.at(
                &span,
                format!("question id {:?}: use a-z, 0-9, - and _", q.id),
            );
        }
        if questions.iter().any(|x| x.id == q.id) {
            c.at(&span, format!("question id {:?} is used twice", q.id));
        }
        if !has_japanese(&q.text) {
            c.at(&span, format!("question {:?} needs a Japanese text", q.id));
        }
        let kind = match q.kind.as_str() {
            "yes_no" => QuestionKind::YesNo,
            "choice" => QuestionKind::Choice,
            other => {
                c.at(
                    &span,
                    format!(
                        "question {:?}: kind {other:?} is not yes_no or choice",
                        q.id
                    ),
                );
                continue;
            }
        };
        if kind == QuestionKind::Choice && q.choices.len() < 2 {
            c.at(
                &span,
                format!("question {:?} needs at least two choices", q.id),
            );
        }
        if kind == QuestionKind::YesNo && !q.choices.is_empty() {
            c.at(&span, format!("question {:?} is yes_no: no choices", q.id));
        }
        let mut choices: Vec<QuestionChoice> = Vec::new();
        for ch in q.choices {
            if !is_id(&ch.id) || choices.iter().any(|x| x.id == ch.id) {
                c.at(
                    &span,
                    format!("question {:?}: bad or repeated choice id {:?}", q.id, ch.id),
                );
            }
            for lang in ["ja", "en"] {
                if !ch.text.contains_key(lang) {
                    c.at(
                        &span,
                        format!("question {:?}: choice {:?} has no {lang} text", q.id, ch.id),
                    );
                }
            }
            if let Some(bad) = ch
                .text
                .keys()
                .find(|l| messages::language::parse(l).is_none())
            {
                c.at(
                    &span,
                    format!(
                        "question {:?}: choice {:?}: unknown language {bad:?}",
                        q.id, ch.id
                    ),
                );
            }
            choices.push(QuestionChoice {
                id: ch.id,
                text: ch.text,
            });
        }
        questions.push(Question {
            id: q.id,
            kind,
            text: q.text,
            choices,
            required: q.required,
        });
    }
    let mut procedures: Vec<ProcedureRule> = Vec::new();
    for v in raw_procedures {
        let Some(p) = c.typed::<RawProcedure>("[[procedures]]", v) else {
            continue;
        };
        let span = v.span();
        if !is_id(&p.id) {
            c.at(
                &span,
                format!("procedure id {:?}: use a-z, 0-9, - and _", p.id),
            );
        }
        if procedures.iter().any(|x| x.procedure.id == p.id) {
            c.at(&span, format!("procedure id {:?} is used twice", p.id));
        }
        for (what, t) in [
            ("title", &p.title),
            ("where", &p.place),
            ("what", &p.what),
            ("how", &p.how),
        ] {
            if !has_japanese(t) {
                c.at(
                    &span,
                    format!("procedure {:?} needs a Japanese {what}", p.id),
                );
            }
        }
        if p.department.trim().is_empty() {
            c.at(&span, format!("procedure {:?} needs a department", p.id));
        }
        let mut parse_all = |list: &[String]| -> Vec<Condition> {
            let mut out = Vec::new();
            for s in list {
                match condition(s) {
                    Some(cond) => match questions.iter().find(|q| q.id == cond.question) {
                        Some(q) if possible(q, &cond.answer) => out.push(cond),
                        Some(_) => c.at(
                            &span,
                            format!(
                                "procedure {:?}: {:?} is not an answer of {:?}",
                                p.id, cond.answer, cond.question
                            ),
                        ),
                        None => c.at(
                            &span,
                            format!("procedure {:?}: unknown question {:?}", p.id, cond.question),
                        ),
                    },
                    None => c.at(
                        &span,
                        format!(
                            "procedure {:?}: condition {s:?} is not question=answer",
                            p.id
                        ),
                    ),
                }
            }
            out
        };
        let when_all = parse_all(&p.when_all);
        let when_any = parse_all(&p.when_any);
        let form = p.form.map(|f| {
            if !is_form_path(&f.file) {
                c.at(
                    &span,
                    format!(
                        "procedure {:?}: form file {:?} must be a relative .typ path (a-z, 0-9, - _ . /)",
                        p.id, f.file
                    ),
                );
            }
            for (key, source) in &f.fields {
                if !is_field_name(key) {
                    c.at(
                        &span,
                        format!("procedure {:?}: form field {key:?}: use a-z, 0-9 and _", p.id),
                    );
                }
                let known = crate::rules::details::FIELDS.contains(&source.strip_prefix("details.").unwrap_or(""))
                    || FORM_SOURCES.contains(&source.as_str())
                    || source
                        .strip_prefix("answers.")
                        .is_some_and(|q| questions.iter().any(|x| x.id == q));
                if !known {
                    c.at(
                        &span,
                        format!(
                            "procedure {:?}: form field {key:?} comes from {source:?}, which is none of details.<field>, answers.<question>, {}",
                            p.id,
                            FORM_SOURCES.join(", ")
                        ),
                    );
                }
            }
            let mut needs = Vec::new();
            for n in &f.needs {
                match n
                    .strip_prefix("details.")
                    .and_then(crate::rules::details::known_field)
                {
                    Some(path) => needs.push(path),
                    None => c.at(
                        &span,
                        format!(
                            "procedure {:?}: form needs {n:?}, which is no details.<field> (details.deceased.name, …)",
                            p.id
                        ),
                    ),
                }
            }
            FormRef {
                file: f.file,
                fields: f.fields,
                needs,
            }
        });
        procedures.push(ProcedureRule {
            procedure: Procedure {
                id: p.id,
                title: p.title,
                department: p.department,
                place: p.place,
                what: p.what,
                how: p.how,
                deadline: p.deadline,
                involves_money: p.involves_money,
                consultation: p.consultation,
                at_original_department: p.involves_money || p.consultation,
            },
            when_all,
            when_any,
            form,
        });
    }
    Questionnaire {
        questions,
        procedures,
    }
}
