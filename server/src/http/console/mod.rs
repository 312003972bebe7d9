//! The staff console: web pages for the counters. The server renders the
//! page shells (text from the message catalogue, the session's CSRF token
//! in a meta tag); `web/console.js` fills them from the staff JSON API and
//! keeps them live over SSE. Logged-out visits are redirected to the login.
//!
//! CSRF: every state change is a JSON request with the `X-CSRF-Token`
//! header (checked by the `Staff` extractor); the login is a JSON request
//! too (another site cannot send one without a CORS preflight); the logout
//! form carries the token as a field. The cookie is `SameSite=Strict`.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use messages::Arg;
use protocol::{ErrorCode, localized};
use serde::Deserialize;

use super::auth::{self, PageSession};
use crate::app::{App, OfficeApp};
use crate::config::Office;
use crate::rules::input::StaffRole;
use maud::{DOCTYPE, Markup, PreEscaped, html};

pub mod admin;
pub mod prep;
pub mod reservations;
pub mod stats;

const LANG_COOKIE: &str = "madoguchi_lang";

pub(crate) use crate::http::pages::catalogue;

#[derive(Debug, Deserialize, Default)]
pub struct PageQuery {
    lang: Option<String>,
    next: Option<String>,
}

/// The page language: `?lang=`, else the language cookie, else Japanese.
fn language(q: &PageQuery, headers: &HeaderMap) -> &'static str {
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| kv.trim().strip_prefix(LANG_COOKIE)?.strip_prefix('='));
    match q.lang.as_deref().or(cookie) {
        Some("en") => "en",
        _ => "ja",
    }
}

/// Only our own console paths are followed after login (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with("/staff")
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/-_".contains(c)) =>
        {
            n.to_string()
        }
        _ => "/staff".into(),
    }
}

/// A logged-in staff member looking at a page; otherwise a redirect to the
/// login page that comes back here.
pub struct StaffPage {
    pub session: PageSession,
    pub lang: &'static str,
}

impl FromRequestParts<Arc<App>> for StaffPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Response> {
        let q = Query::<PageQuery>::from_request_parts(parts, app)
            .await
            .map(|Query(q)| q)
            .unwrap_or_default();
        let lang = language(&q, &parts.headers);
        match auth::page_session(&parts.headers, app).await {
            Some(session) => Ok(StaffPage { session, lang }),
            None => {
                let next = safe_next(Some(parts.uri.path()));
                Err(Redirect::to(&format!("/staff/login?next={next}")).into_response())
            }
        }
    }
}

/// Remembers a language chosen with `?lang=` for the next pages.
fn with_lang_cookie(q: &PageQuery, lang: &str, resp: impl IntoResponse) -> Response {
    let mut resp = resp.into_response();
    if q.lang.is_some()
        && let Ok(v) =
            format!("{LANG_COOKIE}={lang}; Path=/staff; SameSite=Strict; Max-Age=31536000").parse()
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// What console.js reads from `<body>` besides the page name.
#[derive(Default)]
struct BodyData {
    /// Login: where to go after logging in.
    next: Option<String>,
    /// Booth page: which counter.
    booth: Option<String>,
    /// The office the page is about (the API's `{office}`).
    office: Option<String>,
    /// Reservations page: the day shown, and today.
    date: Option<String>,
    today: Option<String>,
}

struct Shell<'a> {
    lang: &'a str,
    title: String,
    page: &'a str,
    session: Option<&'a PageSession>,
    /// The page's `data-` attributes on `<body>`, read by console.js.
    data: BodyData,
    body: Markup,
    texts: serde_json::Value,
}

/// The office of a console page's `{office}`: unknown is a 404 page, one
/// the clerk does not work at a 403 page (`accounts::works_at`).
pub(crate) fn office_page(
    city: &App,
    page: &StaffPage,
    office: &str,
) -> Result<Arc<OfficeApp>, Box<Response>> {
    let c = catalogue();
    let lang = page.lang;
    let (status, title) = match city.office(office) {
        Ok(app) if page.session.works_at(office) => return Ok(app.clone()),
        Ok(_) => (StatusCode::FORBIDDEN, c.text(lang, "console-wrong-office")),
        Err(_) => (
            StatusCode::NOT_FOUND,
            c.text(lang, "console-unknown-office"),
        ),
    };
    let html = render(
        city,
        None,
        Shell {
            lang,
            title,
            page: "missing",
            session: Some(&page.session),
            data: BodyData::default(),
            body: html! { p { a href="/staff" { (c.text(lang, "console-offices")) } } },
            texts: serde_json::json!({}),
        },
    );
    Err(Box::new((status, Html(html)).into_response()))
}

/// The page around every console page: maud, every value escaped. `office`
/// is the office the page is about (None: the city's pages).
fn render(app: &App, office: Option<&Office>, s: Shell) -> String {
    let c = catalogue();
    let t = |id: &str| c.text(s.lang, id);
    let other = if s.lang == "ja" { "en" } else { "ja" };
    let name = localized(office.map_or(&app.city.name, |o| &o.name), s.lang);
    let mut links: Vec<(String, &str)> = Vec::new();
    if let Some(o) = office {
        links.extend(
            [
                ("", "console-booths"),
                ("/reservations", "console-reservations"),
                ("/prep", "console-prep"),
                ("/stats", "console-stats"),
            ]
            .map(|(path, id)| (format!("/staff/{}{path}", o.id), id)),
        );
    }
    let several = s.session.is_some_and(|sess| {
        app.offices()
            .iter()
            .filter(|o| sess.works_at(&o.office.id))
            .count()
            > 1
    });
    if several {
        links.push(("/staff".into(), "console-offices"));
    }
    if s.session.is_some_and(|sess| sess.role == StaffRole::Admin) {
        links.push(("/staff/admin".into(), "console-admin"));
    }
    let office = name;
    let office_id = s.data.office.as_deref();
    let texts = serde_json::to_string(&s.texts)
        .unwrap_or_else(|_| "{}".into())
        .replace("</", "<\\/");
    let page = html! {
        (DOCTYPE)
        html lang=(s.lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if let Some(sess) = s.session {
                    meta name="csrf-token" content=(sess.csrf);
                }
                title { (s.title) " — " (office) }
                link rel="stylesheet" href="/staff/console.css";
            }
            body data-page=(s.page) data-lang=(s.lang) data-office=[office_id] data-next=[&s.data.next]
                data-booth=[&s.data.booth] data-date=[&s.data.date] data-today=[&s.data.today] {
                header {
                    a.home href=(links.first().map_or("/staff", |(href, _)| href.as_str())) { (office) " · " (t("console-title")) }
                    nav {
                        @if s.session.is_some() {
                            @for (href, id) in &links {
                                a href=(href) { (t(id)) }
                            }
                        }
                        a #lang href={ "?lang=" (other) } lang=(other) { (t("console-lang")) }
                        @if let Some(sess) = s.session {
                            span.user { (sess.username) }
                            form.inline method="post" action="/staff/logout" {
                                input type="hidden" name="csrf" value=(sess.csrf);
                                button #logout type="submit" { (t("console-logout")) }
                            }
                        }
                    }
                }
                p #offline role="status" hidden { (t("console-offline")) }
                p #message role="alert" hidden {}
                main {
                    h1 { (s.title) }
                    (s.body)
                }
                script #texts type="application/json" { (PreEscaped(texts)) }
                script src="/staff/console.js" {}
            }
        }
    };
    page.into_string()
}

pub async fn login_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = language(&q, &headers);
    let next = safe_next(q.next.as_deref());
    if auth::page_session(&headers, &app).await.is_some() {
        return Redirect::to(&next).into_response();
    }
    let c = catalogue();
    let t = |id: &str| c.text(lang, id);
    let body = html! {
        form #login .card autocomplete="on" {
            label for="username" { (t("console-username")) }
            input #username name="username" autocomplete="username" required maxlength="100" autofocus;
            label for="password" { (t("console-password")) }
            input #password name="password" type="password" autocomplete="current-password" required maxlength="1024";
            button #login-button .primary type="submit" { (t("console-login")) }
        }
    };
    let texts = serde_json::json!({
        "login_failed": c.text(lang, "console-login-failed"),
        "login_locked": c.text(lang, "console-login-locked"),
        "error": c.text_with(lang, "console-error", &[("reason", Arg::Str("{reason}"))]),
    });
    let html = render(
        &app,
        None,
        Shell {
            lang,
            title: c.text(lang, "console-login-title"),
            page: "login",
            session: None,
            data: BodyData {
                next: Some(next.clone()),
                ..BodyData::default()
            },
            body,
            texts,
        },
    );
    with_lang_cookie(&q, lang, Html(html))
}

/// `/staff`: the clerk's office, or a choice when they work at several.
pub async fn home(
    State(city): State<Arc<App>>,
    Query(q): Query<PageQuery>,
    page: StaffPage,
) -> Response {
    let c = catalogue();
    let lang = page.lang;
    let mine: Vec<&Arc<OfficeApp>> = city
        .offices()
        .iter()
        .filter(|o| page.session.works_at(&o.office.id))
        .collect();
    if let [only] = mine.as_slice() {
        return Redirect::to(&format!("/staff/{}", only.office.id)).into_response();
    }
    let now = city.clock.now();
    let body = html! {
        ul.booths #offices {
            @for o in &mine {
                @let (_, open) = o.office.open_at(now);
                li {
                    a class={ "booth-link " (if open { "open" } else { "closed" }) } href={ "/staff/" (o.office.id) } id={ "office-" (o.office.id) } {
                        b { (localized(&o.office.name, lang)) }
                        span { (localized(&o.office.address, lang)) }
                    }
                }
            }
        }
    };
    let html = render(
        &city,
        None,
        Shell {
            lang,
            title: c.text(lang, "console-choose-office"),
            page: "offices",
            session: Some(&page.session),
            data: BodyData::default(),
            body,
            texts: serde_json::json!({}),
        },
    );
    with_lang_cookie(&q, lang, Html(html))
}

/// `/staff/{office}`: the office's counters.
pub async fn office_home(
    State(city): State<Arc<App>>,
    Path(office): Path<String>,
    Query(q): Query<PageQuery>,
    page: StaffPage,
) -> Response {
    let app = match office_page(&city, &page, &office) {
        Ok(app) => app,
        Err(refused) => return *refused,
    };
    let c = catalogue();
    let lang = page.lang;
    let queue = app.staff_queue().await;
    let body = html! {
        ul.booths {
            @for b in &queue.booths {
                li {
                    a class={ "booth-link " (b.state.as_str()) } href={ "/staff/" (app.office.id) "/booths/" (b.id) } id={ "booth-" (b.id) } {
                        b { (localized(&b.label, lang)) }
                        span { (localized(&b.location, lang)) }
                        span { (c.text(lang, &format!("booth-{}", b.state.as_str()))) }
                    }
                }
            }
        }
    };
    let html = render(
        &city,
        Some(&app.office),
        Shell {
            lang,
            title: c.text(lang, "console-choose-booth"),
            page: "home",
            session: Some(&page.session),
            data: BodyData {
                office: Some(app.office.id.clone()),
                ..BodyData::default()
            },
            body,
            texts: serde_json::json!({}),
        },
    );
    with_lang_cookie(&q, lang, Html(html))
}

pub async fn booth_page(
    State(city): State<Arc<App>>,
    Path((office, id)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
    page: StaffPage,
) -> Response {
    let app = match office_page(&city, &page, &office) {
        Ok(app) => app,
        Err(refused) => return *refused,
    };
    let c = catalogue();
    let lang = page.lang;
    let t = |id: &str| c.text(lang, id);
    let Some(booth) = app.office.booths.iter().find(|b| b.id == id) else {
        let html = render(
            &city,
            Some(&app.office),
            Shell {
                lang,
                title: c.text(lang, "console-unknown-booth"),
                page: "missing",
                session: Some(&page.session),
                data: BodyData::default(),
                body: html! { p { a href={ "/staff/" (app.office.id) } { (t("console-booths")) } } },
                texts: serde_json::json!({}),
            },
        );
        return (StatusCode::NOT_FOUND, Html(html)).into_response();
    };
    let button = |id: &str, key: &str, class: &str| {
        html! {
            button type="button" id=(id) class=(class) data-key=(key) disabled {
                (t(&format!("console-{id}"))) kbd { (key) }
            }
        }
    };
    let body = html! {
        section #booth-bar .card {
            span #booth-state .state {}
            button #open type="button" { (t("console-open")) }
            button #pause type="button" { (t("console-pause")) }
            button #close type="button" { (t("console-close")) }
            span.hint { (t("console-shortcuts")) }
        }
        div.columns {
            section #current .card aria-live="polite" {
                h2 { (t("console-current")) }
                div.actions {
                    (button("call-next", "N", "primary"))
                    (button("recall", "R", ""))
                    (button("start", "S", ""))
                    (button("complete", "C", ""))
                    (button("no-show", "X", "warn"))
                }
                div #current-body { p.muted { (t("console-nobody")) } }
                form #transfer-form .stack {
                    label for="transfer-service" { (t("console-transfer-to")) }
                    select #transfer-service {}
                    label for="transfer-note" { (t("console-note")) }
                    textarea #transfer-note maxlength="2000" rows="2" {}
                    button #transfer type="submit" disabled { (t("console-transfer")) }
                }
                form #note-form .stack {
                    label for="note" { (t("console-note")) }
                    textarea #note maxlength="2000" rows="2" {}
                    button #add-note type="submit" disabled { (t("console-add-note")) }
                }
            }
            section.card {
                h2 { (t("console-waiting")) }
                table #waiting { tbody {} }
                h2 { (t("console-no-shows")) }
                table #no-shows { tbody {} }
            }
        }
    };
    let mut texts = serde_json::Map::new();
    for key in [
        "nobody",
        "none",
        "no-notes",
        "priority",
        "notes",
        "answers",
        "call-this",
        "reactivate",
        "source-reservation",
        "source-walk_in",
        "state-waiting",
        "state-called",
        "state-serving",
        "state-no_show",
    ] {
        texts.insert(key.into(), c.text(lang, &format!("console-{key}")).into());
    }
    for (key, arg) in [
        ("waited", "minutes"),
        ("calls", "count"),
        ("est-wait", "minutes"),
        ("error", "reason"),
    ] {
        let placeholder = format!("{{{arg}}}");
        texts.insert(
            key.into(),
            c.text_with(
                lang,
                &format!("console-{key}"),
                &[(arg, Arg::Str(&placeholder))],
            )
            .into(),
        );
    }
    texts.insert("checklist".into(), c.text(lang, "console-checklist").into());
    texts.insert(
        "at-department".into(),
        c.text(lang, "prep-at-department").into(),
    );
    for key in ["forms-family", "summary"] {
        texts.insert(key.into(), c.text(lang, &format!("prep-{key}")).into());
    }
    // Whose families' forms this clerk may print (the server checks again).
    texts.insert(
        "departments".into(),
        page.session.departments.clone().into(),
    );
    for state in ["open", "paused", "closed"] {
        texts.insert(
            format!("booth-{state}"),
            c.text(lang, &format!("booth-{state}")).into(),
        );
    }
    let names: serde_json::Map<String, serde_json::Value> = app
        .office
        .services
        .iter()
        .map(|s| (s.id.clone(), localized(&s.name, lang).into()))
        .collect();
    texts.insert("names".into(), names.into());
    let html = render(
        &city,
        Some(&app.office),
        Shell {
            lang,
            title: localized(&booth.label, lang).to_string(),
            page: "booth",
            session: Some(&page.session),
            data: BodyData {
                office: Some(app.office.id.clone()),
                booth: Some(booth.id.clone()),
                ..BodyData::default()
            },
            body,
            texts: texts.into(),
        },
    );
    with_lang_cookie(&q, lang, Html(html))
}

#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    csrf: String,
}

/// Ends the session (form post with the session's CSRF token).
pub async fn logout(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    form: Result<axum::Form<LogoutForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Some(session) = auth::page_session(&headers, &app).await else {
        return Redirect::to("/staff/login").into_response();
    };
    match form {
        Ok(axum::Form(f)) if f.csrf == session.csrf => {}
        _ => {
            return crate::error::Error::forbidden(
                ErrorCode::CsrfFailed,
                "missing or wrong CSRF token",
            )
            .into_response();
        }
    }
    if let Err(e) = app.accounts.logout(&session.token).await {
        return e.into_response();
    }
    (
        [(header::SET_COOKIE, auth::session_cookie(&app, "", 0))],
        Redirect::to("/staff/login"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_console_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/staff/booths/3")), "/staff/booths/3");
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/staff?x=<",
            "/api/v1/staff/queue",
        ] {
            assert_eq!(safe_next(Some(bad)), "/staff", "{bad}");
        }
        assert_eq!(safe_next(None), "/staff");
    }
}
