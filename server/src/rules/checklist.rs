//! The おくやみ checklist, pure: answers → the procedures that apply, in
//! the order of the configuration. Answers are checked against the
//! questions first (strictly for a visitor's form; leniently for stored
//! answers, whose questionnaire may have changed since).

use std::collections::BTreeMap;

use protocol::{Procedure, QuestionKind};
use serde_json::Value;

use crate::config::{Condition, Questionnaire, possible};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("unknown question {0:?}")]
    UnknownQuestion(String),
    #[error("{0:?}: not one of the possible answers")]
    BadAnswer(String),
    #[error("{0:?} must be answered")]
    Missing(String),
}

/// Answers as question id → `yes`/`no`/choice id. With `strict`, unknown
/// questions, impossible answers and missing required answers are errors;
/// otherwise they are left out.
pub fn normalize(
    q: &Questionnaire,
    answers: &serde_json::Map<String, Value>,
    strict: bool,
) -> Result<BTreeMap<String, String>, AnswerError> {
    let mut out = BTreeMap::new();
    for (id, value) in answers {
        let Some(question) = q.question(id) else {
            if strict {
                return Err(AnswerError::UnknownQuestion(id.clone()));
            }
            continue;
        };
        let answer = match (question.kind, value) {
            (_, Value::Null) => continue,
            (QuestionKind::YesNo, Value::Bool(b)) => {
                Some(if *b { "yes" } else { "no" }.to_string())
            }
            (_, Value::String(s)) if possible(question, s) => Some(s.clone()),
            _ => None,
        };
        match answer {
            Some(a) => {
                out.insert(id.clone(), a);
            }
            None if strict => return Err(AnswerError::BadAnswer(id.clone())),
            None => {}
        }
    }
    if strict
        && let Some(missing) = q
            .questions
            .iter()
            .find(|x| x.required && !out.contains_key(&x.id))
    {
        return Err(AnswerError::Missing(missing.id.clone()));
    }
    Ok(out)
}

fn holds(c: &Condition, answers: &BTreeMap<String, String>) -> bool {
    match answers.get(&c.question) {
        Some(a) => (a == &c.answer) != c.negate,
        // Unanswered: a negated condition holds, a plain one does not.
        None => c.negate,
    }
}

/// The procedures that apply to these answers.
pub fn checklist(q: &Questionnaire, answers: &BTreeMap<String, String>) -> Vec<Procedure> {
    q.procedures
        .iter()
        .filter(|r| {
            r.when_all.iter().all(|c| holds(c, answers))
                && (r.when_any.is_empty() || r.when_any.iter().any(|c| holds(c, answers)))
        })
        .map(|r| r.procedure.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Office;

    fn answers(pairs: &[(&str, Value)]) -> serde_json::Map<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    /// Every required question answered "no" or with its first choice.
    fn baseline(q: &Questionnaire) -> serde_json::Map<String, Value> {
        q.questions
            .iter()
            .map(|x| {
                let v = match x.kind {
                    QuestionKind::YesNo => Value::Bool(false),
                    QuestionKind::Choice => Value::String(x.choices[0].id.clone()),
                };
                (x.id.clone(), v)
            })
            .collect()
    }

    fn ids(list: &[Procedure]) -> Vec<&str> {
        list.iter().map(|p| p.id.as_str()).collect()
    }

    #[test]
    fn the_demo_questionnaire_has_20_to_30_questions_in_two_languages() {
        let q = Office::demo().questionnaire;
        assert!(
            (20..=30).contains(&q.questions.len()),
            "{}",
            q.questions.len()
        );
        assert!(q.procedures.len() >= 20);
        for x in &q.questions {
            assert!(
                x.text.contains_key("ja") && x.text.contains_key("en"),
                "{}",
                x.id
            );
        }
    }

    #[test]
    fn answers_decide_the_procedures() {
        let q = Office::demo().questionnaire;
        let mut a = baseline(&q);
        a.insert("insurance".into(), Value::String("unknown".into()));
        let none = checklist(&q, &normalize(&q, &a, true).expect("valid"));
        // With nothing special, only the guide to the outside offices.
        assert_eq!(ids(&none), vec!["outside_inheritance"]);
        for (k, v) in [
            ("was_head", Value::Bool(true)),
            ("household", Value::String("two_or_more".into())),
            ("insurance", Value::String("kokuho".into())),
            ("age", Value::String("65to74".into())),
            ("pension", Value::String("kokumin_only".into())),
            ("land", Value::Bool(true)),
        ] {
            a.insert(k.into(), v);
        }
        let list = checklist(&q, &normalize(&q, &a, true).expect("valid"));
        for want in [
            "setainushi",
            "kokuho_loss",
            "kokuho_funeral",
            "kaigo_loss",
            "pension_kokumin",
            "fixed_asset",
        ] {
            assert!(ids(&list).contains(&want), "{want} in {:?}", ids(&list));
        }
        assert!(
            !ids(&list).contains(&"kouki"),
            "under 75 with 国保: no 後期高齢"
        );
        let funeral = list
            .iter()
            .find(|p| p.id == "kokuho_funeral")
            .expect("funeral grant");
        assert!(
            funeral.involves_money && funeral.at_original_department,
            "money goes to the original department"
        );
        assert!(funeral.place.contains_key("ja") && funeral.how.contains_key("ja"));
        let setai = list
            .iter()
            .find(|p| p.id == "setainushi")
            .expect("setainushi");
        assert!(!setai.at_original_department, "done at the corner");
        // Head of household alone: no change of head.
        a.insert("household".into(), Value::String("none".into()));
        let list = checklist(&q, &normalize(&q, &a, true).expect("valid"));
        assert!(!ids(&list).contains(&"setainushi"));
    }

    #[test]
    fn bad_answers_are_named() {
        let q = Office::demo().questionnaire;
        let mut a = baseline(&q);
        a.insert("nope".into(), Value::Bool(true));
        assert_eq!(
            normalize(&q, &a, true),
            Err(AnswerError::UnknownQuestion("nope".into()))
        );
        let mut a = baseline(&q);
        a.insert("age".into(), Value::String("120".into()));
        assert_eq!(
            normalize(&q, &a, true),
            Err(AnswerError::BadAnswer("age".into()))
        );
        let mut a = baseline(&q);
        a.insert("seal".into(), Value::Number(1.into()));
        assert_eq!(
            normalize(&q, &a, true),
            Err(AnswerError::BadAnswer("seal".into()))
        );
        let mut a = baseline(&q);
        a.remove("insurance");
        assert_eq!(
            normalize(&q, &a, true),
            Err(AnswerError::Missing("insurance".into()))
        );
        // Leniently, stored answers with old questions still give a list.
        let old = answers(&[
            ("relationship", Value::String("長女".into())),
            ("land", Value::Bool(true)),
        ]);
        let list = checklist(&q, &normalize(&q, &old, false).expect("lenient"));
        assert!(ids(&list).contains(&"fixed_asset"));
    }
}
