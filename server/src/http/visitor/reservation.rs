//! The reservation page (`/r/{token}`), behind the reservation's QR code
//! and its confirmation: when and where, the QR to show at the kiosk, the
//! family's checklist, a calendar file, and cancelling (asked twice).
//! The token in the address is the secret; no other key is needed.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;

use axum::Form;
use messages::{Arg, Catalogue};
use protocol::{ReservationState, localized_marked};
use serde::Deserialize;

use super::details_form::{self, Errors};
use super::{catalogue, static_page};
use crate::app::App;
use crate::http::extract::SameOrigin;
use maud::html;

#[derive(Debug, Deserialize)]
pub struct ReservationQuery {
    lang: Option<String>,
    cancel: Option<String>,
    new: Option<String>,
    details: Option<String>,
}

fn not_found(c: &Catalogue, lang: &str) -> Response {
    let body = html! {
        section.card {
            h1 { (c.marked(lang, "resv-unknown", &[])) }
            p { (c.marked(lang, "resv-unknown-hint", &[])) }
        }
    };
    static_page(
        StatusCode::NOT_FOUND,
        lang,
        &c.marked(lang, "resv-unknown", &[]),
        body,
    )
}

pub async fn show(
    State(city): State<Arc<App>>,
    Path(token): Path<String>,
    Query(q): Query<ReservationQuery>,
    headers: HeaderMap,
) -> Response {
    let c = catalogue();
    // Reservation links carry no office: the booking's is looked up.
    let (app, found) = match city.office_of_reservation(&token).await {
        Ok(o) => (o.clone(), o.reservation(&token).await),
        Err(e) => (city.first_office().clone(), Err(e)),
    };
    let chosen = found.as_ref().ok().and_then(|r| r.language.as_deref());
    let lang = super::chosen_language(q.lang.as_deref(), chosen, &headers);
    let t = |id: &str| c.marked(lang, id, &[]);
    let r = match found {
        Ok(r) => r,
        Err(e) if e.status() == StatusCode::NOT_FOUND => return not_found(c, lang),
        Err(e) => return e.into_response(),
    };
    let service = app.office.service(&r.service);
    let name = service
        .map(|s| localized_marked(&s.name, lang).to_string())
        .unwrap_or_else(|| r.service.clone());
    let place = service
        .map(|s| localized_marked(&s.location, lang).to_string())
        .unwrap_or_default();
    let when = format!(
        "{} {}–{}",
        r.start.format("%Y-%m-%d"),
        r.start.format("%H:%M"),
        r.end.format("%H:%M")
    );
    let booked = r.state == ReservationState::Booked;
    let checklist = app.reservation_checklist(&r);
    // Only the groups given are said, never the values.
    let on_file = app
        .details_on_file(&token)
        .await
        .ok()
        .filter(|f| f.takes_details);
    let api = format!("/api/v1/reservations/{token}");
    let body = html! {
        @if q.new.is_some() && booked {
            p.banner role="status" { (t("resv-booked")) }
        }
        @if q.details.as_deref() == Some("saved") {
            p.banner #details-saved role="status" { (t("details-resv-saved")) }
        }
        section.card #reservation {
            h1 { (name) }
            p.headline #when { (when) }
            p #office { b { (localized_marked(&app.office.name, lang)) } br; (localized_marked(&app.office.address, lang)) }
            p #place { (place) }
            p #reservation-number { (t("resv-number")) ": " b { (crate::views::reservation_number(r.id)) } }
            p #state { span.tag { (t(&format!("resv-state-{}", r.state.as_str()))) } }
            @if let Some(reason) = &r.change_reason {
                p #reason { (t("resv-reason")) ": " (reason) }
            }
            @if let Some(n) = &r.ticket_number {
                p { (t("kiosk-ticket-your-number")) ": " b { (n) } }
            }
        }
        @if booked {
            section.card.qr {
                h2 { (t("resv-qr-title")) }
                img src={ (api) "/qr.svg" } alt=(t("resv-qr-alt")) width="240" height="240";
                p { (t("resv-qr-hint")) }
                p { a href={ (api) "/qr.png" } download="madoguchi-qr.png" { (t("resv-qr-png")) } }
                p { a #ics href={ (api) "/calendar.ics" } download { (t("resv-ics")) } }
            }
        }
        @if !checklist.is_empty() {
            section.card #checklist {
                h2 { (t("resv-checklist")) }
                ol {
                    @for p in &checklist {
                        li {
                            b { (localized_marked(&p.title, lang)) }
                            @if p.at_original_department {
                                br; span.tag { (t("resv-at-department")) }
                            }
                            br; (p.department) " — " (localized_marked(&p.place, lang))
                            br; (t("resv-form")) ": " (localized_marked(&p.what, lang))
                            br; (t("resv-how")) ": " (localized_marked(&p.how, lang))
                            @if let Some(d) = &p.deadline {
                                br; (t("resv-deadline")) ": " (localized_marked(d, lang))
                            }
                        }
                    }
                }
                p.muted { (t("resv-checklist-note")) }
            }
        }
        @if let Some(f) = &on_file {
            section.card #details {
                h2 { (t("details-title")) }
                @let groups = details_form::groups_given(lang, &f.receipt);
                p #details-given {
                    @if groups.is_empty() { (t("details-resv-none")) }
                    @else { (c.marked(lang, "details-resv-given", &[("groups", Arg::Str(&groups))])) }
                }
                @if f.changeable {
                    p { (c.marked(lang, "details-resv-until", &[("date", Arg::Str(&f.receipt.changeable_until.format("%Y-%m-%d").to_string()))])) }
                    p { a #change-details href={ "/r/" (token) "/details?lang=" (lang) } { (t("details-resv-change")) } }
                } @else if booked {
                    p { (t("details-resv-closed")) }
                }
            }
        }
        @if booked {
            @if q.cancel.is_some() {
                section.card #cancel-confirm {
                    h2 { (t("resv-cancel-ask")) }
                    form method="post" action={ "/r/" (token) "/cancel?lang=" (lang) } {
                        button.warn #cancel-yes type="submit" { (t("resv-cancel-yes")) }
                    }
                    p { a href={ "/r/" (token) } { (t("resv-cancel-no")) } }
                }
            } @else {
                p { a #cancel href={ "/r/" (token) "?cancel=1" } { (t("resv-cancel")) } }
            }
        }
    };
    static_page(StatusCode::OK, lang, &name, body)
}

/// Cancels (the second step of cancelling) and shows the page again.
pub async fn cancel(
    _: SameOrigin,
    State(city): State<Arc<App>>,
    Path(token): Path<String>,
    Query(q): Query<ReservationQuery>,
    headers: HeaderMap,
) -> Response {
    let c = catalogue();
    let lang = super::language(q.lang.as_deref(), &headers);
    let cancelled = match city.office_of_reservation(&token).await {
        Ok(o) => o.cancel(&token).await,
        Err(e) => Err(e),
    };
    match cancelled {
        Ok(_) => Redirect::to(&format!("/r/{token}?lang={lang}")).into_response(),
        Err(e) if e.status() == StatusCode::NOT_FOUND => not_found(c, lang),
        Err(e) => {
            let body = html! {
                section.card {
                    h1 { (c.marked(lang, "resv-cancel-failed", &[])) }
                    p { (c.marked(lang, "kiosk-ask-staff", &[])) }
                    p { a href={ "/r/" (token) } { "←" } }
                }
            };
            static_page(
                e.status(),
                lang,
                &c.marked(lang, "resv-cancel-failed", &[]),
                body,
            )
        }
    }
}

/// The change form's page: what the details are for, who sees them, and
/// the three groups, blank (what was given is never shown again).
fn details_page(
    status: StatusCode,
    lang: &str,
    token: &str,
    entered: &protocol::FamilyDetails,
    errors: &Errors,
    notice: Option<&str>,
) -> Response {
    let c = catalogue();
    let t = |id: &str| c.marked(lang, id, &[]);
    let body = html! {
        h1 { (t("details-title")) }
        @if let Some(n) = notice {
            p.error #details-notice role="alert" { (t(n)) }
        }
        section.card {
            p { (t("details-hint")) }
            p.muted { (t("details-resv-keep")) }
            p.muted { (t("details-needed-hint")) }
            p.muted { (t("details-private")) }
        }
        form.card.stack #details-form method="post" action={ "/r/" (token) "/details?lang=" (lang) } novalidate {
            (details_form::fieldsets(lang, entered, errors))
            button.primary #save-details type="submit" { (t("details-resv-save")) }
        }
        p { a href={ "/r/" (token) "?lang=" (lang) } { (t("details-resv-back")) } }
    };
    static_page(status, lang, &t("details-title"), body)
}

/// The page of a booking's details, or why there is none: unknown (404),
/// or no longer changeable (409, "tell the clerk").
async fn changeable_office(
    city: &App,
    token: &str,
    lang: &str,
) -> std::result::Result<Arc<crate::app::OfficeApp>, Response> {
    let c = catalogue();
    let office = match city.office_of_reservation(token).await {
        Ok(o) => o.clone(),
        Err(_) => return Err(not_found(c, lang)),
    };
    match office.details_on_file(token).await {
        Ok(f) if !f.takes_details => Err(not_found(c, lang)),
        Ok(f) if f.changeable => Ok(office),
        Ok(_) => Err(closed_page(lang, token, StatusCode::CONFLICT)),
        Err(e) if e.status() == StatusCode::NOT_FOUND => Err(not_found(c, lang)),
        Err(e) => Err(e.into_response()),
    }
}

fn closed_page(lang: &str, token: &str, status: StatusCode) -> Response {
    let c = catalogue();
    let body = html! {
        section.card {
            h1 { (c.marked(lang, "details-resv-failed", &[])) }
            p #details-closed { (c.marked(lang, "details-resv-closed", &[])) }
            p { a href={ "/r/" (token) "?lang=" (lang) } { (c.marked(lang, "details-resv-back", &[])) } }
        }
    };
    static_page(
        status,
        lang,
        &c.marked(lang, "details-resv-failed", &[]),
        body,
    )
}

/// GET `/r/{token}/details`: the change form, until the day before.
pub async fn details_form(
    State(city): State<Arc<App>>,
    Path(token): Path<String>,
    Query(q): Query<ReservationQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = super::language(q.lang.as_deref(), &headers);
    if let Err(page) = changeable_office(&city, &token, lang).await {
        return page;
    }
    details_page(
        StatusCode::OK,
        lang,
        &token,
        &protocol::FamilyDetails::default(),
        &Errors::new(),
        None,
    )
}

/// POST `/r/{token}/details`: the fields given replace theirs; every
/// problem is shown by its field and nothing is saved.
pub async fn save_details(
    _: SameOrigin,
    State(city): State<Arc<App>>,
    Path(token): Path<String>,
    Query(q): Query<ReservationQuery>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = super::language(q.lang.as_deref(), &headers);
    let office = match changeable_office(&city, &token, lang).await {
        Ok(o) => o,
        Err(page) => return page,
    };
    let entered = details_form::from_form(&form);
    if entered == protocol::FamilyDetails::default() {
        return details_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            &token,
            &entered,
            &Errors::new(),
            Some("details-resv-nothing"),
        );
    }
    match office.amend_details(&token, &entered).await {
        Ok(Ok(_)) => Redirect::to(&format!("/r/{token}?lang={lang}&details=saved")).into_response(),
        Ok(Err(problems)) => details_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            &token,
            &entered,
            &details_form::errors_of(lang, &problems),
            Some("book-err-summary"),
        ),
        Err(e) if e.status() == StatusCode::CONFLICT => closed_page(lang, &token, e.status()),
        Err(e) => e.into_response(),
    }
}
