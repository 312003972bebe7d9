//! Kiosk routes: check in a reservation, issue a walk-in ticket.

use axum::Json;
use axum::http::StatusCode;
use protocol::{CheckinRequest, IssuedTicket, WalkInRequest};

use super::auth::OfficeKiosk;
use super::extract::ApiJson;
use crate::error::Result;

#[utoipa::path(post, path = "/api/v1/offices/{office}/kiosk/checkin", tag = "kiosk", request_body = CheckinRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "checked in", body = IssuedTicket),
        (status = 200, description = "already checked in: the same ticket", body = IssuedTicket),
        (status = 400, description = "malformed_code", body = protocol::ApiError),
        (status = 404, description = "unknown_code", body = protocol::ApiError),
        (status = 409, description = "cancelled, too_early, too_late, wrong_day, already_used", body = protocol::ApiError)))]
pub async fn checkin(
    OfficeKiosk(app, kiosk): OfficeKiosk,
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

#[utoipa::path(post, path = "/api/v1/offices/{office}/kiosk/tickets", tag = "kiosk", request_body = WalkInRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "issued (or the same ticket again for a repeated idempotency_key)", body = IssuedTicket),
        (status = 400, body = protocol::ApiError),
        (status = 409, description = "reservation_only, office_closed, idempotency_conflict", body = protocol::ApiError)))]
pub async fn walk_in(
    OfficeKiosk(app, kiosk): OfficeKiosk,
    ApiJson(req): ApiJson<WalkInRequest>,
) -> Result<(StatusCode, Json<IssuedTicket>)> {
    let (_, ticket) = app.walk_in(&kiosk.actor(), kiosk.id, &req).await?;
    Ok((StatusCode::CREATED, Json(ticket)))
}
