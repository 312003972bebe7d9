//! Printing the departments' pre-filled forms: for one family, or for
//! every family of a day that one department prepares for. Only for the
//! clerks of the departments concerned; every family's print is in the
//! audit log before the PDF leaves the server.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use protocol::{ErrorCode, FamilyDetails, ReservationState};

use super::OfficeApp;
use super::details::DetailsUse;
use crate::app::accounts::sees_details_of;
use crate::config::FormRef;
use crate::error::{Error, Result};
use crate::forms::{FormPage, FormPrinter};
use crate::rules::booking;
use crate::storage::{ReservationRow, StoreError};

/// `1940-04-01` → `1940年4月1日`; anything else as it is.
fn japanese_date(s: &str) -> String {
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Err(_) => s.to_string(),
    }
}

fn account_kind(s: &str) -> &str {
    match s {
        "ordinary" => "普通",
        "current" => "当座",
        "savings" => "貯蓄",
        other => other,
    }
}

/// Lays out a PDF on a blocking thread: Typst is CPU work.
async fn off_runtime(
    render: impl FnOnce() -> std::result::Result<Vec<u8>, crate::forms::FormError> + Send + 'static,
) -> Result<Vec<u8>> {
    tokio::task::spawn_blocking(render)
        .await
        .map_err(|e| Error::Storage(StoreError::Corrupt(format!("printing: {e}"))))?
        .map_err(|e| Error::Storage(StoreError::Corrupt(e.to_string())))
}

impl OfficeApp {
    fn printer(&self) -> Result<&FormPrinter> {
        self.forms.as_deref().ok_or_else(|| {
            Error::not_found(ErrorCode::NoForms, "this office's procedures have no forms")
        })
    }

    /// The value of each of a form's fields for one family.
    fn form_fields(
        &self,
        r: &ReservationRow,
        details: &crate::rules::details::Details,
        form: &FormRef,
    ) -> BTreeMap<String, String> {
        let office = self.office.name.get("ja").cloned().unwrap_or_default();
        let visit = booking::local_day(&self.office, r.start)
            .format("%Y-%m-%d")
            .to_string();
        let answer = |q: &str| -> String {
            let Some(a) = r
                .answers
                .as_ref()
                .and_then(|a| a.get(q))
                .and_then(|v| v.as_str())
            else {
                return String::new();
            };
            match a {
                "yes" => "はい".into(),
                "no" => "いいえ".into(),
                choice => self
                    .office
                    .questionnaire
                    .question(q)
                    .and_then(|q| q.choices.iter().find(|c| c.id == choice))
                    .and_then(|c| c.text.get("ja").cloned())
                    .unwrap_or_else(|| choice.to_string()),
            }
        };
        let mut out: BTreeMap<String, String> = form
            .fields
            .iter()
            .map(|(key, source)| {
                let value = match source.as_str() {
                    "visit.date" => japanese_date(&visit),
                    "office.name" => office.clone(),
                    s => match (s.strip_prefix("details."), s.strip_prefix("answers.")) {
                        (Some(path), _) => {
                            let v = details.field(path).unwrap_or_default();
                            if path.ends_with("_date") {
                                japanese_date(v)
                            } else if path == "refund_account.kind" {
                                account_kind(v).to_string()
                            } else {
                                v.to_string()
                            }
                        }
                        (None, Some(q)) => answer(q),
                        _ => String::new(),
                    },
                };
                (key.clone(), value)
            })
            .collect();
        out.insert("office".into(), office);
        out.insert("visit_date".into(), japanese_date(&visit));
        out
    }

    /// The pages of one family's forms whose department `keep` accepts.
    fn family_pages(
        &self,
        r: &ReservationRow,
        keep: impl Fn(&str) -> bool,
    ) -> Result<Vec<FormPage>> {
        let details = crate::rules::details::Details::trusted(self.open_details(r)?);
        let printer = self.printer()?;
        let mut pages = Vec::new();
        for p in self
            .checklist_for(&r.service, r.answers.as_ref())
            .unwrap_or_default()
        {
            if !keep(&p.department) || !printer.has_form(&p.id) {
                continue;
            }
            let Some(form) = self.office.questionnaire.form_of(&p.id) else {
                continue;
            };
            pages.push(FormPage {
                procedure: p.id.clone(),
                fields: self.form_fields(r, &details, form),
            });
        }
        Ok(pages)
    }

    /// The family's sealed details, opened (empty when none were given).
    pub(super) fn open_details(&self, r: &ReservationRow) -> Result<FamilyDetails> {
        let Some(sealed) = &r.sealed_details else {
            return Ok(FamilyDetails::default());
        };
        let corrupt =
            |e: String| Error::Storage(StoreError::Corrupt(format!("reservation {}: {e}", r.id)));
        let bytes = self
            .vault
            .open(sealed)
            .map_err(|e| corrupt(e.to_string()))?;
        serde_json::from_slice(&bytes).map_err(|e| corrupt(format!("details: {e}")))
    }

    async fn print(&self, pages: Vec<FormPage>) -> Result<Vec<u8>> {
        let Some(printer) = self.forms.clone() else {
            return Err(Error::not_found(ErrorCode::NoForms, "no forms"));
        };
        off_runtime(move || printer.render(&pages)).await
    }

    /// One family's forms of the clerk's departments, as one PDF: 403
    /// `wrong_department` when its checklist names none of them, 404
    /// `no_forms` when none of those procedures has a form.
    pub async fn family_forms(
        &self,
        username: &str,
        departments: &[String],
        reservation_id: i64,
    ) -> Result<Vec<u8>> {
        let r = self.reservation_row(reservation_id).await?;
        self.departments_of_clerk(&r, departments)?;
        let pages = self.family_pages(&r, |d| sees_details_of(departments, d))?;
        if pages.is_empty() {
            return Err(Error::not_found(
                ErrorCode::NoForms,
                "none of this family's procedures of your departments has a form",
            ));
        }
        self.store
            .audit_details(username, r.id, DetailsUse::Print.as_str(), self.clock.now())
            .await?;
        self.print(pages).await
    }

    /// Every family of `date` with forms of `department`, one PDF (the
    /// department's preparation): 403 `wrong_department` unless the clerk
    /// is of it, 404 `no_forms` when no family of the day needs one.
    pub async fn day_forms(
        &self,
        username: &str,
        departments: &[String],
        date: NaiveDate,
        department: &str,
    ) -> Result<Vec<u8>> {
        if !self
            .office
            .questionnaire
            .departments()
            .iter()
            .any(|d| d == department)
        {
            return Err(Error::invalid(
                ErrorCode::UnknownDepartment,
                format!("no procedure of this office belongs to {department:?}"),
            ));
        }
        if !sees_details_of(departments, department) {
            return Err(Error::forbidden(
                ErrorCode::WrongDepartment,
                format!("you are not of {department}"),
            ));
        }
        let (from, to) = self.day_bounds(date)?;
        let mut pages = Vec::new();
        let mut families = Vec::new();
        for r in self.store.reservations_between(from, to).await? {
            if matches!(r.state, ReservationState::Cancelled) {
                continue;
            }
            let mine = self.family_pages(&r, |d| d == department)?;
            if !mine.is_empty() {
                families.push(r.id);
                pages.extend(mine);
            }
        }
        if pages.is_empty() {
            return Err(Error::not_found(
                ErrorCode::NoForms,
                format!("no family of {date} needs a form of {department}"),
            ));
        }
        let now = self.clock.now();
        for id in families {
            self.store
                .audit_details(username, id, DetailsUse::Print.as_str(), now)
                .await?;
        }
        self.print(pages).await
    }
}

impl OfficeApp {
    /// The family's take-home summary, in the booking's language: the
    /// procedures of its checklist done at the corner, and those left
    /// (money matters, consultations) with where, what, how and by when.
    /// Any clerk of the office prints it: it holds no family details.
    pub async fn family_summary(&self, reservation_id: i64) -> Result<Vec<u8>> {
        use protocol::localized;
        let r = self.reservation_row(reservation_id).await?;
        let Some(checklist) = self.checklist_for(&r.service, r.answers.as_ref()) else {
            return Err(Error::not_found(
                ErrorCode::NoForms,
                "this booking is not of a procedure with the questionnaire",
            ));
        };
        let lang = r.language.clone().unwrap_or_else(|| "ja".into());
        let (mut done, mut left) = (Vec::new(), Vec::new());
        for p in checklist {
            if p.at_original_department {
                left.push(crate::summary::LeftProcedure {
                    title: localized(&p.title, &lang),
                    title_ja: if lang == "ja" {
                        String::new()
                    } else {
                        localized(&p.title, "ja")
                    },
                    place: localized(&p.place, &lang),
                    what: localized(&p.what, &lang),
                    how: localized(&p.how, &lang),
                    deadline: p
                        .deadline
                        .as_ref()
                        .map(|d| localized(d, &lang))
                        .unwrap_or_default(),
                });
            } else {
                done.push((localized(&p.title, &lang), p.department.clone()));
            }
        }
        let day = booking::local_day(&self.office, r.start);
        let summary = crate::summary::Summary {
            office: localized(&self.office.name, &lang),
            name: r.name.clone().unwrap_or_default(),
            visit: if lang.starts_with("ja") {
                japanese_date(&day.format("%Y-%m-%d").to_string())
            } else {
                day.format("%Y-%m-%d").to_string()
            },
            lang,
            done,
            left,
        };
        off_runtime(move || crate::summary::SummaryPrinter::shared().render(&summary)).await
    }
}
