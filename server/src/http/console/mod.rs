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
use super::pages::esc;
use crate::app::App;

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

struct Shell<'a> {
    lang: &'a str,
    title: String,
    page: &'a str,
    session: Option<&'a PageSession>,
    /// Extra `data-` attributes of `<body>` (already escaped).
    data: String,
    body: String,
    texts: serde_json::Value,
}

fn render(app: &App, s: Shell) -> String {
    let c = catalogue();
    let t = |id: &str| esc(&c.text(s.lang, id));
    let other = if s.lang == "ja" { "en" } else { "ja" };
    let office = localized(&app.office.name, s.lang);
    let user = match s.session {
        Some(sess) => format!(
            r#"<span class="user">{user}</span>
<form method="post" action="/staff/logout" class="inline"><input type="hidden" name="csrf" value="{csrf}"><button type="submit" id="logout">{logout}</button></form>"#,
            user = esc(&sess.username),
            csrf = esc(&sess.csrf),
            logout = t("console-logout"),
        ),
        None => String::new(),
    };
    let links = match s.session {
        Some(sess) => {
            let mut l = vec![
                ("/staff", "console-booths"),
                ("/staff/reservations", "console-reservations"),
                ("/staff/prep", "console-prep"),
                ("/staff/stats", "console-stats"),
            ];
            if sess.role == crate::rules::input::StaffRole::Admin {
                l.push(("/staff/admin", "console-admin"));
            }
            l.iter()
                .map(|(href, id)| format!(r#"<a href="{href}">{}</a>"#, t(id)))
                .collect::<String>()
        }
        None => String::new(),
    };
    let csrf_meta = s
        .session
        .map(|sess| format!(r#"<meta name="csrf-token" content="{}">"#, esc(&sess.csrf)))
        .unwrap_or_default();
    format!(
        r#"<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{csrf_meta}
<title>{title} — {office}</title>
<link rel="stylesheet" href="/staff/console.css">
</head>
<body data-page="{page}" data-lang="{lang}"{data}>
<header>
<a href="/staff" class="home">{office} · {console}</a>
<nav>{links}<a href="?lang={other}" id="lang" lang="{other}">{switch}</a>{user}</nav>
</header>
<p id="offline" role="status" hidden>{offline}</p>
<p id="message" role="alert" hidden></p>
<main>
<h1>{title}</h1>
{body}
</main>
<script id="texts" type="application/json">{texts}</script>
<script src="/staff/console.js"></script>
</body>
</html>
"#,
        lang = s.lang,
        title = esc(&s.title),
        office = esc(&office),
        page = s.page,
        data = s.data,
        console = t("console-title"),
        switch = t("console-lang"),
        offline = t("console-offline"),
        body = s.body,
        texts = serde_json::to_string(&s.texts)
            .unwrap_or_else(|_| "{}".into())
            .replace("</", "<\\/"),
    )
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
    let t = |id: &str| esc(&c.text(lang, id));
    let body = format!(
        r#"<form id="login" class="card" autocomplete="on">
<label for="username">{user}</label>
<input id="username" name="username" autocomplete="username" required maxlength="100" autofocus>
<label for="password">{pass}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024">
<button type="submit" id="login-button" class="primary">{login}</button>
</form>"#,
        user = t("console-username"),
        pass = t("console-password"),
        login = t("console-login"),
    );
    let texts = serde_json::json!({
        "login_failed": c.text(lang, "console-login-failed"),
        "login_locked": c.text(lang, "console-login-locked"),
        "error": c.text_with(lang, "console-error", &[("reason", Arg::Str("{reason}"))]),
    });
    let html = render(
        &app,
        Shell {
            lang,
            title: c.text(lang, "console-login-title"),
            page: "login",
            session: None,
            data: format!(r#" data-next="{}""#, esc(&next)),
            body,
            texts,
        },
    );
    with_lang_cookie(&q, lang, Html(html))
}

pub async fn home(
    State(app): State<Arc<App>>,
    Query(q): Query<PageQuery>,
    page: StaffPage,
) -> Response {
    let c = catalogue();
    let lang = page.lang;
    let queue = app.staff_queue().await;
    let items: String = queue
        .booths
        .iter()
        .map(|b| {
            let state = c.text(lang, &format!("booth-{}", b.state.as_str()));
            format!(
                r#"<li><a class="booth-link {state_class}" href="/staff/booths/{id}" id="booth-{id}"><b>{label}</b><span>{location}</span><span>{state}</span></a></li>"#,
                id = esc(&b.id),
                state_class = b.state.as_str(),
                label = esc(&localized(&b.label, lang)),
                location = esc(&localized(&b.location, lang)),
                state = esc(&state),
            )
        })
        .collect();
    let body = format!(r#"<ul class="booths">{items}</ul>"#);
    let html = render(
        &app,
        Shell {
            lang,
            title: c.text(lang, "console-choose-booth"),
            page: "home",
            session: Some(&page.session),
            data: String::new(),
            body,
            texts: serde_json::json!({}),
        },
    );
    with_lang_cookie(&q, lang, Html(html))
}

pub async fn booth_page(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    page: StaffPage,
) -> Response {
    let c = catalogue();
    let lang = page.lang;
    let t = |id: &str| esc(&c.text(lang, id));
    let Some(booth) = app.office.booths.iter().find(|b| b.id == id) else {
        let html = render(
            &app,
            Shell {
                lang,
                title: c.text(lang, "console-unknown-booth"),
                page: "missing",
                session: Some(&page.session),
                data: String::new(),
                body: format!(r#"<p><a href="/staff">{}</a></p>"#, t("console-booths")),
                texts: serde_json::json!({}),
            },
        );
        return (StatusCode::NOT_FOUND, Html(html)).into_response();
    };
    let button = |id: &str, key: &str, class: &str| {
        format!(
            r#"<button type="button" id="{id}" class="{class}" data-key="{key}" disabled>{label}<kbd>{key}</kbd></button>"#,
            label = t(&format!("console-{id}")),
        )
    };
    let body = format!(
        r#"<section id="booth-bar" class="card">
<span id="booth-state" class="state"></span>
<button type="button" id="open">{open}</button>
<button type="button" id="pause">{pause}</button>
<button type="button" id="close">{close}</button>
<span class="hint">{shortcuts}</span>
</section>
<div class="columns">
<section id="current" class="card" aria-live="polite">
<h2>{current}</h2>
<div class="actions">{call_next}{recall}{start}{complete}{no_show}</div>
<div id="current-body"><p class="muted">{nobody}</p></div>
<form id="transfer-form" class="stack">
<label for="transfer-service">{transfer_to}</label>
<select id="transfer-service"></select>
<label for="transfer-note">{note}</label>
<textarea id="transfer-note" maxlength="2000" rows="2"></textarea>
<button type="submit" id="transfer" disabled>{transfer}</button>
</form>
<form id="note-form" class="stack">
<label for="note">{note}</label>
<textarea id="note" maxlength="2000" rows="2"></textarea>
<button type="submit" id="add-note" disabled>{add_note}</button>
</form>
</section>
<section class="card">
<h2>{waiting}</h2>
<table id="waiting"><tbody></tbody></table>
<h2>{no_shows}</h2>
<table id="no-shows"><tbody></tbody></table>
</section>
</div>"#,
        open = t("console-open"),
        pause = t("console-pause"),
        close = t("console-close"),
        shortcuts = t("console-shortcuts"),
        current = t("console-current"),
        nobody = t("console-nobody"),
        call_next = button("call-next", "N", "primary"),
        recall = button("recall", "R", ""),
        start = button("start", "S", ""),
        complete = button("complete", "C", ""),
        no_show = button("no-show", "X", "warn"),
        transfer_to = t("console-transfer-to"),
        note = t("console-note"),
        transfer = t("console-transfer"),
        add_note = t("console-add-note"),
        waiting = t("console-waiting"),
        no_shows = t("console-no-shows"),
    );
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
        &app,
        Shell {
            lang,
            title: localized(&booth.label, lang).to_string(),
            page: "booth",
            session: Some(&page.session),
            data: format!(r#" data-booth="{}""#, esc(&booth.id)),
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
