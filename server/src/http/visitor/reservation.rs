//! The reservation page (`/r/{token}`), behind the reservation's QR code
//! and its confirmation: when and where, the QR to show at the kiosk, the
//! family's checklist, a calendar file, and cancelling (asked twice).
//! The token in the address is the secret; no other key is needed.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use messages::Catalogue;
use protocol::{ReservationState, localized};
use serde::Deserialize;

use super::{catalogue, page};
use crate::app::App;
use crate::http::pages::esc;

#[derive(Debug, Deserialize)]
pub struct ReservationQuery {
    lang: Option<String>,
    cancel: Option<String>,
    new: Option<String>,
}

fn not_found(c: &Catalogue, lang: &str) -> Response {
    let body = format!(
        r#"<section class="card"><h1>{}</h1><p>{}</p></section>"#,
        esc(&c.text(lang, "resv-unknown")),
        esc(&c.text(lang, "resv-unknown-hint"))
    );
    (
        StatusCode::NOT_FOUND,
        Html(page(lang, &c.text(lang, "resv-unknown"), &body, "")),
    )
        .into_response()
}

pub async fn show(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    Query(q): Query<ReservationQuery>,
    headers: HeaderMap,
) -> Response {
    let c = catalogue();
    let lang = super::language(q.lang.as_deref(), &headers);
    let t = |id: &str| esc(&c.text(lang, id));
    let r = match app.reservation(&token).await {
        Ok(r) => r,
        Err(e) if e.status() == StatusCode::NOT_FOUND => return not_found(c, lang),
        Err(e) => return e.into_response(),
    };
    let service = app.office.service(&r.service);
    let name = service
        .map(|s| localized(&s.name, lang).to_string())
        .unwrap_or_else(|| r.service.clone());
    let place = service
        .map(|s| localized(&s.location, lang).to_string())
        .unwrap_or_default();
    let when = format!(
        "{} {}–{}",
        r.start.format("%Y-%m-%d"),
        r.start.format("%H:%M"),
        r.end.format("%H:%M")
    );
    let state = c.text(lang, &format!("res-state-{}", r.state.as_str()));
    let tok = esc(&token);
    let mut body = String::new();
    if q.new.is_some() && r.state == ReservationState::Booked {
        body.push_str(&format!(
            r#"<p class="banner" role="status">{}</p>"#,
            t("resv-booked")
        ));
    }
    body.push_str(&format!(
        r#"<section class="card" id="reservation">
<h1>{name}</h1>
<p class="headline" id="when">{when}</p>
<p id="place">{place}</p>
<p id="reservation-number">{number_label}: <b>{number}</b></p>
<p id="state"><span class="tag">{state}</span></p>"#,
        number_label = t("res-number"),
        number = esc(&crate::views::reservation_number(r.id)),
        name = esc(&name),
        when = esc(&when),
        place = esc(&place),
        state = esc(&state),
    ));
    if let Some(reason) = &r.change_reason {
        body.push_str(&format!(
            r#"<p id="reason">{}: {}</p>"#,
            t("res-reason"),
            esc(reason)
        ));
    }
    if let Some(n) = &r.ticket_number {
        body.push_str(&format!(
            r#"<p>{}: <b>{}</b></p>"#,
            t("kiosk-ticket-your-number"),
            esc(n)
        ));
    }
    body.push_str("</section>");
    if r.state == ReservationState::Booked {
        body.push_str(&format!(
            r#"<section class="card qr"><h2>{qr_title}</h2>
<img src="/api/v1/reservations/{tok}/qr.svg" alt="{qr_alt}" width="240" height="240">
<p>{qr_hint}</p>
<p><a href="/api/v1/reservations/{tok}/qr.png" download="madoguchi-qr.png">{png}</a></p>
<p><a href="/api/v1/reservations/{tok}/calendar.ics" id="ics" download>{ics}</a></p></section>"#,
            png = t("resv-qr-png"),
            qr_title = t("resv-qr-title"),
            qr_alt = t("resv-qr-alt"),
            qr_hint = t("resv-qr-hint"),
            ics = t("resv-ics"),
        ));
    }
    let checklist = app.reservation_checklist(&r);
    if !checklist.is_empty() {
        body.push_str(&format!(
            r#"<section class="card" id="checklist"><h2>{}</h2><ol>"#,
            t("console-checklist")
        ));
        for p in &checklist {
            let at = if p.at_original_department {
                format!(
                    r#"<br><span class="tag">{}</span>"#,
                    t("prep-at-department")
                )
            } else {
                String::new()
            };
            let deadline = p
                .deadline
                .as_ref()
                .map(|d| format!("<br>{}: {}", t("prep-deadline"), esc(localized(d, lang))))
                .unwrap_or_default();
            body.push_str(&format!(
                "<li><b>{}</b>{at}<br>{} — {}<br>{}: {}<br>{}: {}{deadline}</li>",
                esc(localized(&p.title, lang)),
                esc(&p.department),
                esc(localized(&p.place, lang)),
                t("prep-what"),
                esc(localized(&p.what, lang)),
                t("prep-how"),
                esc(localized(&p.how, lang)),
            ));
        }
        body.push_str(&format!(
            r#"</ol><p class="muted">{}</p></section>"#,
            t("resv-checklist-note")
        ));
    }
    if r.state == ReservationState::Booked {
        if q.cancel.is_some() {
            body.push_str(&format!(
                r#"<section class="card" id="cancel-confirm"><h2>{ask}</h2>
<form method="post" action="/r/{tok}/cancel"><button type="submit" class="warn" id="cancel-yes">{yes}</button></form>
<p><a href="/r/{tok}">{no}</a></p></section>"#,
                ask = t("resv-cancel-ask"),
                yes = t("resv-cancel-yes"),
                no = t("resv-cancel-no"),
            ));
        } else {
            body.push_str(&format!(
                r#"<p><a href="/r/{tok}?cancel=1" id="cancel">{}</a></p>"#,
                t("resv-cancel")
            ));
        }
    }
    Html(page(lang, &name, &body, "")).into_response()
}

/// Cancels (the second step of cancelling) and shows the page again.
pub async fn cancel(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let c = catalogue();
    let lang = super::language(None, &headers);
    match app.cancel(&token).await {
        Ok(_) => Redirect::to(&format!("/r/{token}")).into_response(),
        Err(e) if e.status() == StatusCode::NOT_FOUND => not_found(c, lang),
        Err(e) => {
            let body = format!(
                r#"<section class="card"><h1>{}</h1><p>{}</p><p><a href="/r/{}">←</a></p></section>"#,
                esc(&c.text(lang, "resv-cancel-failed")),
                esc(&c.text(lang, "kiosk-ask-staff")),
                esc(&token)
            );
            (
                e.status(),
                Html(page(lang, &c.text(lang, "resv-cancel-failed"), &body, "")),
            )
                .into_response()
        }
    }
}
