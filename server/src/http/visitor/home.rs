//! The landing page (`/`): what a visitor or a clerk who types the
//! server's address finds — the office's name and the way to each page
//! for visitors, the web board and the staff console, in the visitor's
//! language.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::html;
use protocol::localized_marked;

use super::congestion::LangQuery;
use super::{catalogue, static_page};
use crate::app::App;

pub async fn show(
    State(app): State<Arc<App>>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let c = catalogue();
    let lang = super::language(q.lang.as_deref(), &headers);
    let t = |id: &str| c.marked(lang, id, &[]);
    let office = localized_marked(&app.city.name, lang);
    let links = [
        (
            format!("/book?lang={lang}"),
            "book-title",
            "visitor-home-book-note",
        ),
        (
            format!("/congestion?lang={lang}"),
            "cong-title",
            "visitor-home-cong-note",
        ),
        (
            "/board".to_string(),
            "visitor-home-board",
            "visitor-home-board-note",
        ),
    ];
    let body = html! {
        h1 { (office) }
        ul.plain #places {
            @for (href, title, note) in &links {
                li {
                    a.choice href=(href) { (t(title)) }
                    br;
                    span.muted { (t(note)) }
                }
            }
        }
        p { (t("visitor-home-ticket-note")) }
        p.muted { a href="/staff" { (t("visitor-home-staff")) } }
    };
    static_page(StatusCode::OK, lang, office, body)
}
