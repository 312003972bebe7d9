//! Public routes: no credentials, no personal data except to the holder of
//! a reservation token.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use protocol::{
    BoardSnapshot, Booth, CreateReservation, ErrorCode, Health, Reservation, ReservationCreated,
    Service, Slot, TicketStatus,
};
use serde::Deserialize;

use super::auth::AtOffice;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::app::App;
use crate::error::{Error, Result};

#[utoipa::path(get, path = "/healthz", tag = "public", responses((status = 200, body = Health)))]
pub async fn healthz(State(app): State<Arc<App>>) -> Json<Health> {
    Json(health(&app, "ok"))
}

fn health(app: &App, status: &str) -> Health {
    Health {
        status: status.into(),
        version: env!("CARGO_PKG_VERSION").into(),
        office: protocol::localized(&app.city.name, "ja").to_string(),
    }
}

/// For load balancers and systemd: 200 once the database answers and
/// its schema is this binary's, else 503 `storage_unavailable` with the
/// reason. `/healthz` says only that the process is alive.
#[utoipa::path(get, path = "/readyz", tag = "public", responses((status = 200, body = Health), (status = 503, description = "storage_unavailable", body = protocol::ApiError)))]
pub async fn readyz(State(app): State<Arc<App>>) -> Result<Json<Health>> {
    app.ready().await?;
    Ok(Json(health(&app, "ready")))
}

#[utoipa::path(get, path = "/api/v1/offices/{office}/services", tag = "public", responses((status = 200, body = Vec<Service>)))]
pub async fn services(AtOffice(app): AtOffice) -> Json<Vec<Service>> {
    Json(
        app.office
            .services
            .iter()
            .map(|s| app.office.to_wire_service(s))
            .collect(),
    )
}

#[utoipa::path(get, path = "/api/v1/offices/{office}/booths", tag = "public", responses((status = 200, body = Vec<Booth>)))]
pub async fn booths(AtOffice(app): AtOffice) -> Json<Vec<Booth>> {
    Json(app.booths().await)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlotQuery {
    /// Service id, e.g. `okuyami`.
    service: String,
    /// First day, YYYY-MM-DD (office time zone).
    from: String,
    /// Last day, YYYY-MM-DD (inclusive).
    to: String,
}

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        Error::invalid(
            ErrorCode::InvalidDate,
            format!("{s:?} is not a date (YYYY-MM-DD)"),
        )
    })
}

#[utoipa::path(get, path = "/api/v1/offices/{office}/slots", tag = "public", params(SlotQuery),
    responses((status = 200, body = Vec<Slot>), (status = 400, body = protocol::ApiError), (status = 404, body = protocol::ApiError)))]
pub async fn slots(
    AtOffice(app): AtOffice,
    ApiQuery(q): ApiQuery<SlotQuery>,
) -> Result<Json<Vec<Slot>>> {
    let (from, to) = (parse_date(&q.from)?, parse_date(&q.to)?);
    Ok(Json(
        app.slots_with_availability(&q.service, from, to).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/offices/{office}/reservations", tag = "public", request_body = CreateReservation,
    responses((status = 201, body = ReservationCreated), (status = 400, body = protocol::ApiError), (status = 409, description = "slot_full, too_late_to_book, too_far_ahead", body = protocol::ApiError)))]
pub async fn create_reservation(
    AtOffice(app): AtOffice,
    ApiJson(req): ApiJson<CreateReservation>,
) -> Result<(StatusCode, Json<ReservationCreated>)> {
    Ok((StatusCode::CREATED, Json(app.book(&req).await?)))
}

#[utoipa::path(get, path = "/api/v1/reservations/{token}", tag = "public",
    params(("token" = String, Path, description = "reservation token")),
    responses((status = 200, body = Reservation), (status = 404, body = protocol::ApiError)))]
pub async fn reservation(
    State(app): State<Arc<App>>,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<Reservation>> {
    Ok(Json(
        app.office_of_reservation(&token)
            .await?
            .reservation(&token)
            .await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/reservations/{token}", tag = "public",
    params(("token" = String, Path, description = "reservation token")),
    responses((status = 200, body = Reservation), (status = 404, body = protocol::ApiError), (status = 409, body = protocol::ApiError)))]
pub async fn cancel_reservation(
    State(app): State<Arc<App>>,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<Reservation>> {
    Ok(Json(
        app.office_of_reservation(&token)
            .await?
            .cancel(&token)
            .await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/reservations/{token}/details", tag = "public",
    params(("token" = String, Path, description = "reservation token")), request_body = protocol::FamilyDetails,
    responses((status = 200, description = "the details are replaced (an empty set erases them); which groups are given, never the values", body = protocol::DetailsReceipt),
        (status = 400, description = "invalid_details (error.field names the field)", body = protocol::ApiError),
        (status = 404, body = protocol::ApiError),
        (status = 409, description = "details_closed (on or after the visit day), cancelled, already_checked_in", body = protocol::ApiError)))]
pub async fn correct_details(
    State(app): State<Arc<App>>,
    ApiPath(token): ApiPath<String>,
    ApiJson(details): ApiJson<protocol::FamilyDetails>,
) -> Result<Json<protocol::DetailsReceipt>> {
    Ok(Json(
        app.office_of_reservation(&token)
            .await?
            .correct_details(&token, &details)
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/reservations/{token}/qr.svg", tag = "public",
    params(("token" = String, Path, description = "reservation token")),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 404, body = protocol::ApiError)))]
pub async fn reservation_qr(
    State(app): State<Arc<App>>,
    ApiPath(token): ApiPath<String>,
) -> Result<Response> {
    let (_, url) = app
        .office_of_reservation(&token)
        .await?
        .reservation_url(&token)
        .await?;
    let svg = crate::qr::svg(&url)
        .ok_or_else(|| Error::invalid(ErrorCode::InvalidToken, "cannot encode this code"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        svg,
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/reservations/{token}/qr.png", tag = "public",
    params(("token" = String, Path, description = "reservation token")),
    responses((status = 200, content_type = "image/png", body = Vec<u8>), (status = 404, body = protocol::ApiError)))]
pub async fn reservation_qr_png(
    State(app): State<Arc<App>>,
    ApiPath(token): ApiPath<String>,
) -> Result<Response> {
    let (_, url) = app
        .office_of_reservation(&token)
        .await?
        .reservation_url(&token)
        .await?;
    let png = crate::qr::png(&url)
        .ok_or_else(|| Error::invalid(ErrorCode::InvalidToken, "cannot draw this code"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        png,
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/reservations/{token}/calendar.ics", tag = "public",
    params(("token" = String, Path, description = "reservation token")),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = protocol::ApiError)))]
pub async fn reservation_ics(
    State(app): State<Arc<App>>,
    ApiPath(token): ApiPath<String>,
) -> Result<Response> {
    let ics = app
        .office_of_reservation(&token)
        .await?
        .reservation_calendar(&token)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"reservation.ics\"",
            ),
        ],
        ics,
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/tickets/{status_token}", tag = "public",
    params(("status_token" = String, Path, description = "ticket status token")),
    responses((status = 200, body = TicketStatus), (status = 404, body = protocol::ApiError)))]
pub async fn ticket_status(
    State(app): State<Arc<App>>,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<TicketStatus>> {
    Ok(Json(
        app.office_of_ticket(&token)
            .await?
            .ticket_status(&token)
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/tickets/{status_token}/notify", tag = "public",
    params(("status_token" = String, Path, description = "ticket status token")),
    request_body = protocol::NotifyRequest,
    responses((status = 202, body = protocol::NotifyAccepted),
        (status = 400, description = "invalid_email, invalid_ahead, invalid_language", body = protocol::ApiError),
        (status = 404, body = protocol::ApiError),
        (status = 409, description = "ticket_finished", body = protocol::ApiError)))]
pub async fn ticket_notify(
    State(app): State<Arc<App>>,
    ApiPath(token): ApiPath<String>,
    ApiJson(req): ApiJson<protocol::NotifyRequest>,
) -> Result<(StatusCode, Json<protocol::NotifyAccepted>)> {
    Ok((
        StatusCode::ACCEPTED,
        Json(
            app.office_of_ticket(&token)
                .await?
                .register_notification(&token, &req)
                .await?,
        ),
    ))
}

#[utoipa::path(get, path = "/api/v1/offices/{office}/board", tag = "public", responses((status = 200, body = BoardSnapshot)))]
pub async fn board(AtOffice(app): AtOffice) -> Json<BoardSnapshot> {
    Json(app.board().await)
}

#[utoipa::path(get, path = "/api/v1/offices/{office}/okuyami/questions", tag = "public",
    responses((status = 200, description = "the pre-entry questionnaire", body = Vec<protocol::Question>)))]
pub async fn okuyami_questions(AtOffice(app): AtOffice) -> Json<Vec<protocol::Question>> {
    Json(app.office.questionnaire.questions.clone())
}

#[utoipa::path(post, path = "/api/v1/offices/{office}/okuyami/checklist", tag = "public", request_body = protocol::ChecklistRequest,
    responses((status = 200, body = protocol::Checklist),
        (status = 400, description = "invalid_answers (the message names the question)", body = protocol::ApiError)))]
pub async fn okuyami_checklist(
    AtOffice(app): AtOffice,
    ApiJson(req): ApiJson<protocol::ChecklistRequest>,
) -> Result<Json<protocol::Checklist>> {
    Ok(Json(app.checklist(&req.answers)?))
}

#[utoipa::path(get, path = "/api/v1/offices/{office}/congestion", tag = "public",
    responses((status = 200, description = "waits now and the usual wait by hour", body = protocol::Congestion)))]
pub async fn congestion(AtOffice(app): AtOffice) -> Result<Json<protocol::Congestion>> {
    Ok(Json(app.congestion().await?))
}

#[utoipa::path(get, path = "/api/v1/offices", tag = "public",
    responses((status = 200, description = "the city's offices, with today's hours", body = Vec<protocol::OfficeInfo>)))]
pub async fn offices(State(app): State<Arc<App>>) -> Json<Vec<protocol::OfficeInfo>> {
    Json(app.offices_info())
}

#[utoipa::path(get, path = "/api/v1/congestion", tag = "public",
    responses((status = 200, description = "every office's waits, and where each procedure offered at several is shortest now", body = protocol::CityCongestion)))]
pub async fn city_congestion(
    State(app): State<Arc<App>>,
) -> Result<Json<protocol::CityCongestion>> {
    Ok(Json(app.congestion().await?))
}
