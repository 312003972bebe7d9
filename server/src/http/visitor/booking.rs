//! Booking pages (事前Web予約), plain HTML forms that work without script:
//! procedure → day and time (free or full) → details and, for おくやみ,
//! the questionnaire → confirmation → the reservation page (`/r/{token}`:
//! number, QR, checklist, calendar file, cancel). Every field is checked
//! with the reason shown next to it; sending the confirmation twice makes
//! one booking (a one-time form key remembers the result).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate};
use messages::{Arg, Catalogue};
use protocol::{
    CreateReservation, ErrorCode, Question, QuestionKind, SlotClosed, localized_marked,
};
use serde::Deserialize;

use super::details_form::{self, Errors, described, field_error};
use super::{PageOffice, catalogue, static_page};
use crate::app::{App, OfficeApp};
use crate::http::extract::SameOrigin;
use crate::rules::input::{Contact, ContactProblem};
use crate::tokens::SubmitKey;
use maud::{Markup, html};

/// Days shown per page of the slot list.
const DAYS_PER_PAGE: i64 = 7;

#[derive(Debug, Deserialize)]
pub struct BookQuery {
    lang: Option<String>,
    from: Option<String>,
    start: Option<String>,
}

fn lang_of(q: Option<&str>, headers: &HeaderMap) -> &'static str {
    super::language(q, headers)
}

fn bookable(app: &OfficeApp) -> Vec<&crate::config::ServiceConfig> {
    app.office
        .services
        .iter()
        .filter(|s| app.office.slot_templates.iter().any(|t| t.service == s.id))
        .collect()
}

fn problem_page(lang: &str, status: StatusCode, title: &str, back: &str) -> Response {
    let c = catalogue();
    let body = html! {
        section.card {
            h1 { (title) }
            p { a href=(back) { (c.marked(lang, "book-back", &[])) } }
        }
    };
    static_page(status, lang, title, body)
}

fn respond(lang: &str, title: &str, body: Markup) -> Response {
    static_page(StatusCode::OK, lang, title, body)
}

/// `/book`: which office, when the city has several (else its one
/// office's procedures).
pub async fn offices(
    State(city): State<Arc<App>>,
    Query(q): Query<BookQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(q.lang.as_deref(), &headers);
    if let [only] = city.offices() {
        return services_of(only, lang);
    }
    let c = catalogue();
    let body = html! {
        h1 { (c.marked(lang, "book-title", &[])) }
        p { (c.marked(lang, "office-choose", &[])) }
        ul.plain #offices {
            @for o in city.offices_info() {
                li {
                    a.choice href={ "/book/" (o.id) "?lang=" (lang) } { (localized_marked(&o.name, lang)) }
                    br;
                    span.muted { (super::office_line(&o, lang)) }
                }
            }
        }
    };
    respond(lang, &c.marked(lang, "book-title", &[]), body)
}

/// `/book/{office}`: the procedures that take bookings there.
pub async fn services(
    PageOffice(app): PageOffice,
    Query(q): Query<BookQuery>,
    headers: HeaderMap,
) -> Response {
    services_of(&app, lang_of(q.lang.as_deref(), &headers))
}

fn services_of(app: &OfficeApp, lang: &str) -> Response {
    let c = catalogue();
    let body = html! {
        h1 { (c.marked(lang, "book-title", &[])) }
        p.office { (localized_marked(&app.office.name, lang)) " · " (localized_marked(&app.office.address, lang)) }
        p { (c.marked(lang, "book-choose-service", &[])) }
        ul.plain #services {
            @for s in bookable(app) {
                li {
                    a.choice href={ "/book/" (app.office.id) "/" (s.id) "?lang=" (lang) } { (localized_marked(&s.name, lang)) }
                    br;
                    span.muted { (localized_marked(&s.location, lang)) }
                }
            }
        }
    };
    respond(lang, &c.marked(lang, "book-title", &[]), body)
}

/// `/book/{service}`: a week of days with their times, free or full.
pub async fn slots(
    PageOffice(app): PageOffice,
    Path((_, service)): Path<(String, String)>,
    Query(q): Query<BookQuery>,
    headers: HeaderMap,
) -> Response {
    let c = catalogue();
    let lang = lang_of(q.lang.as_deref(), &headers);
    let Some(svc) = bookable(&app).into_iter().find(|s| s.id == service) else {
        return problem_page(
            lang,
            StatusCode::NOT_FOUND,
            &c.marked(lang, "book-unknown-service", &[]),
            "/book",
        );
    };
    let today = app.today();
    let from = q
        .from
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .filter(|d| *d >= today)
        .unwrap_or(today);
    let to = from + Duration::days(DAYS_PER_PAGE - 1);
    let slots = match app.slots_with_availability(&svc.id, from, to).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let mut days: Vec<(NaiveDate, Vec<&protocol::Slot>)> = Vec::new();
    for s in &slots {
        let d = s.start.date_naive();
        match days.last_mut() {
            Some((day, list)) if *day == d => list.push(s),
            _ => days.push((d, vec![s])),
        }
    }
    let lead_days = app
        .office
        .service(&svc.id)
        .map_or(0, |s| s.lead_working_days);
    let next = to + Duration::days(1);
    let horizon = today + Duration::days(app.office.booking.horizon_days);
    let day_label = |day: &NaiveDate| {
        c.marked(
            lang,
            "book-day",
            &[
                ("month", Arg::Num(i64::from(day.month()))),
                ("day", Arg::Num(i64::from(day.day()))),
                (
                    "weekday",
                    Arg::Str(&c.text(
                        lang,
                        &format!("book-wd-{}", day.format("%a").to_string().to_lowercase()),
                    )),
                ),
            ],
        )
    };
    let body = html! {
        h1 { (localized_marked(&svc.name, lang)) }
        p { (c.marked(lang, "book-choose-time", &[])) }
        @if lead_days > 0 {
            p.muted #lead { (c.marked(lang, "book-lead-note", &[("days", Arg::Num(i64::from(lead_days)))])) }
        }
        div #days {
            @if days.is_empty() {
                p.card { (c.marked(lang, "book-no-days", &[])) }
            }
            @for (day, list) in &days {
                section.card {
                    h2 { (day_label(day)) }
                    ul.slots {
                        @for s in list {
                            @let time = s.start.format("%H:%M").to_string();
                            li {
                                @if s.available > 0 {
                                    a.slot.free href={ "/book/" (app.office.id) "/" (svc.id) "/form?start=" (urlencode(&s.start.to_rfc3339())) "&lang=" (lang) } {
                                        (time) " " span { (c.marked(lang, "book-free", &[])) }
                                    }
                                } @else {
                                    @let why = match s.closed {
                                        Some(SlotClosed::TooLateToBook) => "book-too-late",
                                        Some(SlotClosed::TooFarAhead) => "book-too-far",
                                        Some(SlotClosed::SlotFull) | None => "book-full",
                                    };
                                    span.slot.full { (time) " " span { (c.marked(lang, why, &[])) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        p.nav {
            @if from > today {
                a href={ "/book/" (app.office.id) "/" (svc.id) "?from=" ((from - Duration::days(DAYS_PER_PAGE)).max(today)) "&lang=" (lang) } {
                    "← " (c.marked(lang, "book-earlier", &[]))
                }
                " "
            }
            @if next <= horizon {
                a #later href={ "/book/" (app.office.id) "/" (svc.id) "?from=" (next) "&lang=" (lang) } { (c.marked(lang, "book-later", &[])) " →" }
            }
        }
    };
    respond(lang, &c.marked(lang, "book-title", &[]), body)
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// What the visitor typed, kept between the form and the confirmation.
#[derive(Debug, Default, Clone)]
struct Entry {
    start: String,
    name: String,
    phone: String,
    email: String,
    answers: HashMap<String, String>,
    details: protocol::FamilyDetails,
}

impl Entry {
    fn from_form(form: &HashMap<String, String>) -> Entry {
        let get = |k: &str| {
            form.get(k)
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        Entry {
            start: get("start"),
            name: get("name"),
            phone: get("phone"),
            email: get("email"),
            answers: form
                .iter()
                .filter_map(|(k, v)| Some((k.strip_prefix("q_")?.to_string(), v.clone())))
                .collect(),
            details: details_form::from_form(form),
        }
    }

    fn hidden(&self) -> Markup {
        html! {
            @for (k, v) in [
                ("start", &self.start),
                ("name", &self.name),
                ("phone", &self.phone),
                ("email", &self.email),
            ] {
                input type="hidden" name=(k) value=(v);
            }
            @for (k, v) in &self.answers {
                input type="hidden" name={ "q_" (k) } value=(v);
            }
            (details_form::hidden(&self.details))
        }
    }

    fn answers_json(&self, questions: &[Question]) -> serde_json::Map<String, serde_json::Value> {
        self.answers
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| {
                let yes_no = questions
                    .iter()
                    .any(|q| &q.id == k && q.kind == QuestionKind::YesNo);
                let value = match (yes_no, v.as_str()) {
                    (true, "yes") => serde_json::Value::Bool(true),
                    (true, "no") => serde_json::Value::Bool(false),
                    _ => serde_json::Value::String(v.clone()),
                };
                (k.clone(), value)
            })
            .collect()
    }
}

/// Checks the entry; every problem keyed by its field (`q_…` for questions).
fn check(app: &OfficeApp, svc: &crate::config::ServiceConfig, e: &Entry, lang: &str) -> Errors {
    let c = catalogue();
    let mut errors = Errors::new();
    // The API's contact rules and the form's own (name, a way to reach
    // the visitor), both in `input::Contact`, each reason by its field.
    if let Err(problems) = Contact::parse_form(&e.name, &e.email, &e.phone) {
        for p in problems {
            let id = match p {
                ContactProblem::NameMissing => "book-err-name",
                ContactProblem::Name => "book-err-name-long",
                ContactProblem::NoWayToReach => "book-err-contact",
                ContactProblem::Phone => "book-err-phone",
                ContactProblem::Email => "book-err-email",
            };
            errors
                .entry(p.field().to_string())
                .or_insert_with(|| c.marked(lang, id, &[]));
        }
    }
    if svc.questionnaire {
        for q in &app.office.questionnaire.questions {
            let answer = e.answers.get(&q.id).map(String::as_str).unwrap_or("");
            if answer.is_empty() {
                if q.required {
                    errors.insert(
                        format!("q_{}", q.id),
                        c.marked(lang, "book-err-answer", &[]),
                    );
                }
            } else if !crate::config::possible(q, answer) {
                errors.insert(
                    format!("q_{}", q.id),
                    c.marked(lang, "book-err-answer", &[]),
                );
            }
        }
        // The app's one check of the details, with the forms the answers
        // put on the family's checklist.
        let answers = e.answers_json(&app.office.questionnaire.questions);
        if let Err(problems) = app.check_details(&svc.id, Some(&answers), &e.details) {
            errors.extend(details_form::errors_of(lang, &problems));
        }
    }
    errors
}

fn slot_label(c: &Catalogue, lang: &str, start: DateTime<FixedOffset>, svc_name: &str) -> String {
    c.marked(
        lang,
        "book-when",
        &[
            ("service", Arg::Str(svc_name)),
            ("date", Arg::Str(&start.format("%Y-%m-%d").to_string())),
            ("time", Arg::Str(&start.format("%H:%M").to_string())),
        ],
    )
}

fn render_form(
    app: &OfficeApp,
    svc: &crate::config::ServiceConfig,
    lang: &str,
    e: &Entry,
    errors: &Errors,
) -> Response {
    let c = catalogue();
    let t = |id: &str| c.marked(lang, id, &[]);
    let start = match chosen_time(app, &e.start, svc, lang) {
        Ok(t) => t,
        Err(page) => return *page,
    };
    let name = localized_marked(&svc.name, lang);
    // A text field with its label and, when it has one, its problem.
    let field = |key: &str, label: &str, value: &str, extra: (&str, &str, Option<&str>)| {
        let (autocomplete, inputmode, maxlength) = extra;
        html! {
            label for=(key) { (label) }
            input id=(key) name=(key) value=(value) autocomplete=(autocomplete)
                inputmode=[(!inputmode.is_empty()).then_some(inputmode)]
                maxlength=[maxlength]
                aria-invalid=[described(errors, key).map(|_| "true")]
                aria-describedby=[described(errors, key)];
            (field_error(errors, key))
        }
    };
    let body = html! {
        h1 { (t("book-form-title")) }
        p.card #when { (slot_label(c, lang, start, name)) }
        @if !errors.is_empty() {
            p.error role="alert" { (t("book-err-summary")) }
        }
        form.card.stack #book-form method="post" action={ "/book/" (app.office.id) "/" (svc.id) "/confirm?lang=" (lang) } novalidate {
            input type="hidden" name="start" value=(e.start);
            (field("name", &t("book-name"), &e.name, ("name", "", Some("100"))))
            (field("phone", &t("book-phone"), &e.phone, ("tel", "tel", None)))
            (field("email", &t("book-email"), &e.email, ("email", "email", None)))
            p.muted { (t("book-contact-hint")) }
            @if svc.questionnaire {
                h2 { (t("book-questions")) }
                p.muted { (t("book-questions-hint")) }
                @for q in &app.office.questionnaire.questions {
                    @let key = format!("q_{}", q.id);
                    @let chosen = e.answers.get(&q.id).map(String::as_str).unwrap_or("");
                    @let options: Vec<(String, String)> = match q.kind {
                        QuestionKind::YesNo => vec![
                            ("yes".into(), c.marked(lang, "book-yes", &[])),
                            ("no".into(), c.marked(lang, "book-no", &[])),
                        ],
                        QuestionKind::Choice => q
                            .choices
                            .iter()
                            .map(|ch| (ch.id.clone(), localized_marked(&ch.text, lang).to_string()))
                            .collect(),
                    };
                    fieldset.question id=(key)
                        aria-invalid=[described(errors, &key).map(|_| "true")]
                        aria-describedby=[described(errors, &key)] {
                        legend {
                            (localized_marked(&q.text, lang))
                            @if !q.required {
                                " " span.muted { "(" (t("book-optional")) ")" }
                            }
                        }
                        @for (value, label) in &options {
                            label.radio {
                                input type="radio" name=(key) value=(value) checked[chosen == value];
                                " " (label)
                            }
                        }
                        (field_error(errors, &key))
                    }
                }
                section #details {
                    h2 { (t("details-title")) }
                    p.muted { (t("details-hint")) }
                    p.muted { (t("details-needed-hint")) }
                    p.muted { (t("details-private")) }
                    (details_form::fieldsets(lang, &e.details, errors))
                }
            }
            button.primary #to-confirm type="submit" { (t("book-to-confirm")) }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    static_page(status, lang, &t("book-form-title"), body)
}

/// The slot time carried by the forms, or the page that says it cannot be
/// booked (a form edited by hand).
fn chosen_time(
    app: &OfficeApp,
    start: &str,
    svc: &crate::config::ServiceConfig,
    lang: &str,
) -> Result<DateTime<FixedOffset>, Box<Response>> {
    DateTime::parse_from_rfc3339(start).map_err(|_| {
        Box::new(problem_page(
            lang,
            StatusCode::BAD_REQUEST,
            &catalogue().text(lang, "book-bad-time"),
            &format!("/book/{}/{}", app.office.id, svc.id),
        ))
    })
}

fn find_bookable<'a>(app: &'a OfficeApp, id: &str) -> Option<&'a crate::config::ServiceConfig> {
    bookable(app).into_iter().find(|s| s.id == id)
}

fn unknown_service(lang: &str) -> Response {
    problem_page(
        lang,
        StatusCode::NOT_FOUND,
        &catalogue().text(lang, "book-unknown-service"),
        "/book",
    )
}

/// `/book/{service}/form?start=`: details and questions.
pub async fn form(
    PageOffice(app): PageOffice,
    Path((_, service)): Path<(String, String)>,
    Query(q): Query<BookQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(q.lang.as_deref(), &headers);
    let Some(svc) = find_bookable(&app, &service) else {
        return unknown_service(lang);
    };
    let entry = Entry {
        start: q.start.unwrap_or_default(),
        ..Entry::default()
    };
    render_form(&app, svc, lang, &entry, &Errors::new())
}

/// POST `/book/{service}/confirm`: checks everything, then asks once more.
pub async fn confirm(
    _: SameOrigin,
    PageOffice(app): PageOffice,
    Path((_, service)): Path<(String, String)>,
    Query(q): Query<BookQuery>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let c = catalogue();
    let lang = lang_of(q.lang.as_deref(), &headers);
    let t = |id: &str| c.marked(lang, id, &[]);
    let Some(svc) = find_bookable(&app, &service) else {
        return unknown_service(lang);
    };
    let entry = Entry::from_form(&form);
    let errors = check(&app, svc, &entry, lang);
    if !errors.is_empty() || form.contains_key("edit") {
        return render_form(&app, svc, lang, &entry, &errors);
    }
    let start = match chosen_time(&app, &entry.start, svc, lang) {
        Ok(t) => t,
        Err(page) => return *page,
    };
    let questions = &app.office.questionnaire.questions;
    let or_dash = |v: &str| {
        if v.is_empty() {
            "—".to_string()
        } else {
            v.to_string()
        }
    };
    let shown_answer = |q: &Question, a: &str| match q.kind {
        QuestionKind::YesNo => c.marked(lang, if a == "yes" { "book-yes" } else { "book-no" }, &[]),
        QuestionKind::Choice => q
            .choices
            .iter()
            .find(|ch| ch.id == a)
            .map(|ch| localized_marked(&ch.text, lang).to_string())
            .unwrap_or_default(),
    };
    let key = SubmitKey::new();
    let hidden = entry.hidden();
    let body = html! {
        h1 { (t("book-confirm-title")) }
        p.card #when { (slot_label(c, lang, start, localized_marked(&svc.name, lang))) }
        section.card {
            dl.answers {
                dt { (t("book-name")) } dd { (entry.name) }
                dt { (t("book-phone")) } dd { (or_dash(&entry.phone)) }
                dt { (t("book-email")) } dd { (or_dash(&entry.email)) }
                @if svc.questionnaire {
                    @for q in questions {
                        @if let Some(a) = entry.answers.get(&q.id).filter(|a| !a.is_empty()) {
                            dt { (localized_marked(&q.text, lang)) } dd { (shown_answer(q, a)) }
                        }
                    }
                    (details_form::summary(lang, &entry.details))
                }
            }
        }
        form.stack method="post" action={ "/book/" (app.office.id) "/" (svc.id) "/submit?lang=" (lang) } {
            (hidden)
            input type="hidden" name="form_key" value=(key.as_str());
            button.primary #book-it type="submit" { (t("book-book-it")) }
        }
        form method="post" action={ "/book/" (app.office.id) "/" (svc.id) "/confirm?lang=" (lang) } {
            (hidden)
            input type="hidden" name="edit" value="1";
            button #edit type="submit" { (t("book-edit")) }
        }
    };
    respond(lang, &t("book-confirm-title"), body)
}

/// POST `/book/{service}/submit`: makes the booking (once per form key)
/// and shows the reservation page.
pub async fn submit(
    _: SameOrigin,
    PageOffice(app): PageOffice,
    Path((_, service)): Path<(String, String)>,
    Query(q): Query<BookQuery>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let c = catalogue();
    let lang = lang_of(q.lang.as_deref(), &headers);
    let Some(svc) = find_bookable(&app, &service) else {
        return unknown_service(lang);
    };
    let key = form.get("form_key").and_then(|k| SubmitKey::parse(k));
    let entry = Entry::from_form(&form);
    let errors = check(&app, svc, &entry, lang);
    if !errors.is_empty() {
        return render_form(&app, svc, lang, &entry, &errors);
    }
    let start = match chosen_time(&app, &entry.start, svc, lang) {
        Ok(t) => t,
        Err(page) => return *page,
    };
    let answers = svc
        .questionnaire
        .then(|| entry.answers_json(&app.office.questionnaire.questions));
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let req = CreateReservation {
        service: svc.id.clone(),
        start,
        name: opt(&entry.name),
        email: opt(&entry.email),
        phone: opt(&entry.phone),
        answers,
        language: Some(lang.to_string()),
        details: (svc.questionnaire && entry.details != protocol::FamilyDetails::default())
            .then(|| entry.details.clone()),
    };
    let booked = match &key {
        Some(key) => app.book_once(&req, key).await,
        None => app.book(&req).await,
    };
    match booked {
        Ok(created) => {
            Redirect::to(&format!("/r/{}?lang={lang}&new=1", created.token)).into_response()
        }
        Err(e) => {
            let message = match e.code() {
                ErrorCode::SlotFull => c.marked(lang, "book-err-full", &[]),
                ErrorCode::TooLateToBook | ErrorCode::TooFarAhead | ErrorCode::UnknownSlot => {
                    c.marked(lang, "book-bad-time", &[])
                }
                _ => c.marked(lang, "book-err-other", &[]),
            };
            problem_page(
                lang,
                e.status(),
                &message,
                &format!("/book/{}/{}?lang={lang}", app.office.id, svc.id),
            )
        }
    }
}
