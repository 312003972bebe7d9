//! Kiosk routes: check in a reservation, issue a walk-in ticket.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use protocol::{CheckinRequest, IssuedTicket, WalkInRequest};

use super::auth::Kiosk;
use super::extract::ApiJson;
use crate::app::App;
use crate::error::Result;

#[utoipa::path(post, path = "/api/v1/kiosk/checkin", tag = "kiosk", request_body = CheckinRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "checked in", body = IssuedTicket),
        (status = 200, description = "already checked in: the same ticket", body = IssuedTicket),
        (status = 400, description = "malformed_code", body = protocol::ApiError),
        (status = 404, description = "unknown_code", body = protocol::ApiError),
        (status = 409, description = "cancelled, too_early, too_late, wrong_day, already_used", body = protocol::ApiError)))]
pub async fn checkin(
    State(app): State<Arc<App>>,
    kiosk: Kiosk,
    ApiJson(req): ApiJson<CheckinRequest>,
) -> Result<(StatusCode, Json<IssuedTicket>)> {
    let (created, ticket) = app.checkin(&kiosk.actor(), kiosk.id, &req).await?;
    Ok((
        if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        Json(ticket),
    ))
}

#[utoipa::path(post, path = "/api/v1/kiosk/tickets", tag = "kiosk", request_body = WalkInRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "issued (or the same ticket again for a repeated idempotency_key)", body = IssuedTicket),
        (status = 400, body = protocol::ApiError),
        (status = 409, description = "reservation_only, office_closed, idempotency_conflict", body = protocol::ApiError)))]
pub async fn walk_in(
    State(app): State<Arc<App>>,
    kiosk: Kiosk,
    ApiJson(req): ApiJson<WalkInRequest>,
) -> Result<(StatusCode, Json<IssuedTicket>)> {
    let (_, ticket) = app.walk_in(&kiosk.actor(), kiosk.id, &req).await?;
    Ok((StatusCode::CREATED, Json(ticket)))
}
