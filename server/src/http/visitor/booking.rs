//! Booking pages (事前Web予約), plain HTML forms that work without script:
//! procedure → day and time (free or full) → details and, for おくやみ,
//! the questionnaire → confirmation → the reservation page (`/r/{token}`:
//! number, QR, checklist, calendar file, cancel). Every field is checked
//! with the reason shown next to it; sending the confirmation twice makes
//! one booking (a one-time form key remembers the result).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use messages::{Arg, Catalogue};
use protocol::{CreateReservation, Question, QuestionKind, localized};
use serde::Deserialize;

use super::{catalogue, page};
use crate::app::App;
use crate::http::pages::esc;

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

fn bookable(app: &App) -> Vec<&crate::config::ServiceConfig> {
    app.office
        .services
        .iter()
        .filter(|s| app.office.slot_templates.iter().any(|t| t.service == s.id))
        .collect()
}

fn problem_page(lang: &str, status: StatusCode, title: &str, back: &str) -> Response {
    let c = catalogue();
    let body = format!(
        r#"<section class="card"><h1>{}</h1><p><a href="{}">{}</a></p></section>"#,
        esc(title),
        esc(back),
        esc(&c.text(lang, "book-back"))
    );
    (status, Html(page(lang, title, &body, ""))).into_response()
}

/// `/book`: the procedures that take bookings.
pub async fn services(
    State(app): State<Arc<App>>,
    Query(q): Query<BookQuery>,
    headers: HeaderMap,
) -> Response {
    let c = catalogue();
    let lang = lang_of(q.lang.as_deref(), &headers);
    let items: String = bookable(&app)
        .iter()
        .map(|s| {
            format!(
                r#"<li><a class="choice" href="/book/{id}?lang={lang}">{name}</a><br><span class="muted">{place}</span></li>"#,
                id = esc(&s.id),
                name = esc(localized(&s.name, lang)),
                place = esc(localized(&s.location, lang)),
            )
        })
        .collect();
    let body = format!(
        r#"<h1>{}</h1><p>{}</p><ul class="plain" id="services">{items}</ul>"#,
        esc(&c.text(lang, "book-title")),
        esc(&c.text(lang, "book-choose-service")),
    );
    Html(page(lang, &c.text(lang, "book-title"), &body, "")).into_response()
}

/// `/book/{service}`: a week of days with their times, free or full.
pub async fn slots(
    State(app): State<Arc<App>>,
    Path(service): Path<String>,
    Query(q): Query<BookQuery>,
    headers: HeaderMap,
) -> Response {
    let c = catalogue();
    let lang = lang_of(q.lang.as_deref(), &headers);
    let Some(svc) = bookable(&app).into_iter().find(|s| s.id == service) else {
        return problem_page(
            lang,
            StatusCode::NOT_FOUND,
            &c.text(lang, "book-unknown-service"),
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
    let mut body = format!(
        r#"<h1>{name}</h1><p>{hint}</p><div id="days">"#,
        name = esc(localized(&svc.name, lang)),
        hint = esc(&c.text(lang, "book-choose-time")),
    );
    if days.is_empty() {
        body.push_str(&format!(
            r#"<p class="card">{}</p>"#,
            esc(&c.text(lang, "book-no-days"))
        ));
    }
    for (day, list) in &days {
        body.push_str(&format!(
            r#"<section class="card"><h2>{}</h2><ul class="slots">"#,
            esc(&c.text_with(
                lang,
                "book-day",
                &[
                    ("date", Arg::Str(&day.format("%-m/%-d").to_string())),
                    (
                        "weekday",
                        Arg::Str(&c.text(
                            lang,
                            &format!("book-wd-{}", day.format("%a").to_string().to_lowercase())
                        ))
                    ),
                ]
            ))
        ));
        for s in list {
            let time = s.start.format("%H:%M").to_string();
            if s.available > 0 {
                body.push_str(&format!(
                    r#"<li><a class="slot free" href="/book/{id}/form?start={start}&amp;lang={lang}">{time} <span>{free}</span></a></li>"#,
                    id = esc(&svc.id),
                    start = urlencode(&s.start.to_rfc3339()),
                    free = esc(&c.text(lang, "book-free")),
                ));
            } else {
                body.push_str(&format!(
                    r#"<li><span class="slot full">{time} <span>{full}</span></span></li>"#,
                    full = esc(&c.text(lang, "book-full")),
                ));
            }
        }
        body.push_str("</ul></section>");
    }
    body.push_str("</div>");
    let next = to + Duration::days(1);
    let horizon = today + Duration::days(app.office.booking.horizon_days);
    body.push_str(r#"<p class="nav">"#);
    if from > today {
        let prev = (from - Duration::days(DAYS_PER_PAGE)).max(today);
        body.push_str(&format!(
            r#"<a href="/book/{}?from={prev}&amp;lang={lang}">← {}</a> "#,
            esc(&svc.id),
            esc(&c.text(lang, "book-earlier"))
        ));
    }
    if next <= horizon {
        body.push_str(&format!(
            r#"<a href="/book/{}?from={next}&amp;lang={lang}" id="later">{} →</a>"#,
            esc(&svc.id),
            esc(&c.text(lang, "book-later"))
        ));
    }
    body.push_str("</p>");
    Html(page(lang, &c.text(lang, "book-title"), &body, "")).into_response()
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
        }
    }

    fn hidden(&self) -> String {
        let mut out = String::new();
        for (k, v) in [
            ("start", &self.start),
            ("name", &self.name),
            ("phone", &self.phone),
            ("email", &self.email),
        ] {
            out.push_str(&format!(
                r#"<input type="hidden" name="{k}" value="{}">"#,
                esc(v)
            ));
        }
        for (k, v) in &self.answers {
            out.push_str(&format!(
                r#"<input type="hidden" name="q_{}" value="{}">"#,
                esc(k),
                esc(v)
            ));
        }
        out
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

type Errors = HashMap<String, String>;

/// Checks the entry; every problem keyed by its field (`q_…` for questions).
fn check(app: &App, svc: &crate::config::ServiceConfig, e: &Entry, lang: &str) -> Errors {
    let c = catalogue();
    let mut errors = Errors::new();
    // The same rules as the booking API, with the reason next to the field.
    if e.name.is_empty() {
        errors.insert("name".into(), c.text(lang, "book-err-name"));
    } else if !crate::app::valid_name(&e.name) {
        errors.insert("name".into(), c.text(lang, "book-err-name-long"));
    }
    if e.phone.is_empty() && e.email.is_empty() {
        errors.insert("phone".into(), c.text(lang, "book-err-contact"));
    }
    if !e.phone.is_empty() && !crate::app::valid_phone(&e.phone) {
        errors.insert("phone".into(), c.text(lang, "book-err-phone"));
    }
    if !e.email.is_empty() && !crate::app::valid_email(&e.email) {
        errors.insert("email".into(), c.text(lang, "book-err-email"));
    }
    if svc.questionnaire {
        for q in &app.office.questionnaire.questions {
            let answer = e.answers.get(&q.id).map(String::as_str).unwrap_or("");
            if answer.is_empty() {
                if q.required {
                    errors.insert(format!("q_{}", q.id), c.text(lang, "book-err-answer"));
                }
            } else if !crate::config::possible(q, answer) {
                errors.insert(format!("q_{}", q.id), c.text(lang, "book-err-answer"));
            }
        }
    }
    errors
}

fn field_error(errors: &Errors, key: &str) -> String {
    errors
        .get(key)
        .map(|m| {
            format!(
                r#"<p class="field-error" id="err-{key}" role="alert">{}</p>"#,
                esc(m)
            )
        })
        .unwrap_or_default()
}

fn described(errors: &Errors, key: &str) -> String {
    if errors.contains_key(key) {
        format!(r#" aria-invalid="true" aria-describedby="err-{key}""#)
    } else {
        String::new()
    }
}

fn slot_label(c: &Catalogue, lang: &str, start: DateTime<FixedOffset>, svc_name: &str) -> String {
    c.text_with(
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
    app: &App,
    svc: &crate::config::ServiceConfig,
    lang: &str,
    e: &Entry,
    errors: &Errors,
) -> Response {
    let c = catalogue();
    let t = |id: &str| esc(&c.text(lang, id));
    let Ok(start) = DateTime::parse_from_rfc3339(&e.start) else {
        return problem_page(
            lang,
            StatusCode::BAD_REQUEST,
            &c.text(lang, "book-bad-time"),
            &format!("/book/{}", svc.id),
        );
    };
    let name = localized(&svc.name, lang);
    let mut body = format!(
        r#"<h1>{title}</h1><p class="card" id="when">{when}</p>"#,
        title = t("book-form-title"),
        when = esc(&slot_label(c, lang, start, name)),
    );
    if !errors.is_empty() {
        body.push_str(&format!(
            r#"<p class="error" role="alert">{}</p>"#,
            t("book-err-summary")
        ));
    }
    body.push_str(&format!(
        r#"<form method="post" action="/book/{id}/confirm?lang={lang}" class="card stack" id="book-form" novalidate>
<input type="hidden" name="start" value="{start}">
<label for="name">{name_label}</label>
<input id="name" name="name" value="{name}" maxlength="100" autocomplete="name"{name_d}>{name_e}
<label for="phone">{phone_label}</label>
<input id="phone" name="phone" value="{phone}" inputmode="tel" autocomplete="tel"{phone_d}>{phone_e}
<label for="email">{email_label}</label>
<input id="email" name="email" value="{email}" inputmode="email" autocomplete="email"{email_d}>{email_e}
<p class="muted">{contact_hint}</p>"#,
        id = esc(&svc.id),
        start = esc(&e.start),
        name_label = t("book-name"),
        name = esc(&e.name),
        name_d = described(errors, "name"),
        name_e = field_error(errors, "name"),
        phone_label = t("book-phone"),
        phone = esc(&e.phone),
        phone_d = described(errors, "phone"),
        phone_e = field_error(errors, "phone"),
        email_label = t("book-email"),
        email = esc(&e.email),
        email_d = described(errors, "email"),
        email_e = field_error(errors, "email"),
        contact_hint = t("book-contact-hint"),
    ));
    if svc.questionnaire {
        body.push_str(&format!(
            r#"<h2>{}</h2><p class="muted">{}</p>"#,
            t("book-questions"),
            t("book-questions-hint")
        ));
        for q in &app.office.questionnaire.questions {
            let key = format!("q_{}", q.id);
            let chosen = e.answers.get(&q.id).map(String::as_str).unwrap_or("");
            let options: Vec<(String, String)> = match q.kind {
                QuestionKind::YesNo => vec![
                    ("yes".into(), c.text(lang, "prep-yes")),
                    ("no".into(), c.text(lang, "prep-no")),
                ],
                QuestionKind::Choice => q
                    .choices
                    .iter()
                    .map(|ch| (ch.id.clone(), localized(&ch.text, lang).to_string()))
                    .collect(),
            };
            let optional = if q.required {
                String::new()
            } else {
                format!(" <span class=\"muted\">({})</span>", t("book-optional"))
            };
            body.push_str(&format!(
                r#"<fieldset id="{key}"{d}><legend>{text}{optional}</legend>"#,
                d = described(errors, &key),
                text = esc(localized(&q.text, lang)),
            ));
            for (value, label) in options {
                let checked = if chosen == value { " checked" } else { "" };
                body.push_str(&format!(
                    r#"<label class="radio"><input type="radio" name="{key}" value="{v}"{checked}> {l}</label>"#,
                    v = esc(&value),
                    l = esc(&label),
                ));
            }
            body.push_str(&field_error(errors, &key));
            body.push_str("</fieldset>");
        }
    }
    body.push_str(&format!(
        r#"<button type="submit" class="primary" id="to-confirm">{}</button></form>"#,
        t("book-to-confirm")
    ));
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (
        status,
        Html(page(lang, &c.text(lang, "book-form-title"), &body, "")),
    )
        .into_response()
}

fn find_bookable<'a>(app: &'a App, id: &str) -> Option<&'a crate::config::ServiceConfig> {
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
    State(app): State<Arc<App>>,
    Path(service): Path<String>,
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

/// One-time keys of confirmation pages → the booking they made, so a
/// second press of "book" lands on the same reservation.
fn sent_forms() -> &'static Mutex<HashMap<String, String>> {
    static SENT: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();
    SENT.get_or_init(Default::default)
}

/// POST `/book/{service}/confirm`: checks everything, then asks once more.
pub async fn confirm(
    State(app): State<Arc<App>>,
    Path(service): Path<String>,
    Query(q): Query<BookQuery>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let c = catalogue();
    let lang = lang_of(q.lang.as_deref(), &headers);
    let t = |id: &str| esc(&c.text(lang, id));
    let Some(svc) = find_bookable(&app, &service) else {
        return unknown_service(lang);
    };
    let entry = Entry::from_form(&form);
    let errors = check(&app, svc, &entry, lang);
    if !errors.is_empty() || form.contains_key("edit") {
        return render_form(&app, svc, lang, &entry, &errors);
    }
    let Ok(start) = DateTime::parse_from_rfc3339(&entry.start) else {
        return problem_page(
            lang,
            StatusCode::BAD_REQUEST,
            &c.text(lang, "book-bad-time"),
            &format!("/book/{}", svc.id),
        );
    };
    let questions = &app.office.questionnaire.questions;
    let mut summary = format!(
        r#"<dl class="answers"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd>"#,
        t("book-name"),
        esc(&entry.name),
        t("book-phone"),
        esc(if entry.phone.is_empty() {
            "—"
        } else {
            &entry.phone
        }),
        t("book-email"),
        esc(if entry.email.is_empty() {
            "—"
        } else {
            &entry.email
        }),
    );
    if svc.questionnaire {
        for q in questions {
            let Some(a) = entry.answers.get(&q.id).filter(|a| !a.is_empty()) else {
                continue;
            };
            let shown = match q.kind {
                QuestionKind::YesNo => {
                    c.text(lang, if a == "yes" { "prep-yes" } else { "prep-no" })
                }
                QuestionKind::Choice => q
                    .choices
                    .iter()
                    .find(|ch| &ch.id == a)
                    .map(|ch| localized(&ch.text, lang).to_string())
                    .unwrap_or_default(),
            };
            summary.push_str(&format!(
                "<dt>{}</dt><dd>{}</dd>",
                esc(localized(&q.text, lang)),
                esc(&shown)
            ));
        }
    }
    summary.push_str("</dl>");
    let key = crate::tokens::new_token();
    let body = format!(
        r#"<h1>{title}</h1><p class="card" id="when">{when}</p><section class="card">{summary}</section>
<form method="post" action="/book/{id}/submit?lang={lang}" class="stack">{hidden}<input type="hidden" name="form_key" value="{key}">
<button type="submit" class="primary" id="book-it">{book}</button></form>
<form method="post" action="/book/{id}/confirm?lang={lang}">{hidden}<input type="hidden" name="edit" value="1"><button type="submit" id="edit">{edit}</button></form>"#,
        title = t("book-confirm-title"),
        when = esc(&slot_label(c, lang, start, localized(&svc.name, lang))),
        id = esc(&svc.id),
        hidden = entry.hidden(),
        book = t("book-book-it"),
        edit = t("book-edit"),
    );
    Html(page(lang, &c.text(lang, "book-confirm-title"), &body, "")).into_response()
}

/// POST `/book/{service}/submit`: makes the booking (once per form key)
/// and shows the reservation page.
pub async fn submit(
    State(app): State<Arc<App>>,
    Path(service): Path<String>,
    Query(q): Query<BookQuery>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let c = catalogue();
    let lang = lang_of(q.lang.as_deref(), &headers);
    let Some(svc) = find_bookable(&app, &service) else {
        return unknown_service(lang);
    };
    let key = form.get("form_key").cloned().unwrap_or_default();
    if let Some(token) = sent_forms().lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Redirect::to(&format!("/r/{token}?lang={lang}&new=1")).into_response();
    }
    let entry = Entry::from_form(&form);
    let errors = check(&app, svc, &entry, lang);
    if !errors.is_empty() {
        return render_form(&app, svc, lang, &entry, &errors);
    }
    let Ok(start) = DateTime::parse_from_rfc3339(&entry.start) else {
        return problem_page(
            lang,
            StatusCode::BAD_REQUEST,
            &c.text(lang, "book-bad-time"),
            &format!("/book/{}", svc.id),
        );
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
    };
    match app.book(&req).await {
        Ok(created) => {
            if key.len() == crate::tokens::TOKEN_LEN
                && let Ok(mut m) = sent_forms().lock()
            {
                if m.len() > 10_000 {
                    m.clear(); // bounded: a lost key only means no double-submit guard
                }
                m.insert(key, created.token.clone());
            }
            Redirect::to(&format!("/r/{}?lang={lang}&new=1", created.token)).into_response()
        }
        Err(e) => {
            let message = match e.code() {
                "slot_full" => c.text(lang, "book-err-full"),
                "too_late_to_book" | "too_far_ahead" | "unknown_slot" => {
                    c.text(lang, "book-bad-time")
                }
                _ => c.text(lang, "book-err-other"),
            };
            problem_page(
                lang,
                e.status(),
                &message,
                &format!("/book/{}?lang={lang}", svc.id),
            )
        }
    }
}
