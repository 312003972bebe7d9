//! Admin routes: staff accounts and device tokens (the CLI does the same),
//! each change effective at once (a deactivated user's sessions end, a
//! revoked token is refused on its next request).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use protocol::{DeviceCreated, DeviceInfo, NewDevice, NewStaffUser, StaffUser};

use super::auth::Admin;
use super::extract::{ApiJson, ApiPath};
use crate::app::App;
use crate::error::Result;

#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<StaffUser>), (status = 403, body = protocol::ApiError)))]
pub async fn users(State(app): State<Arc<App>>, _admin: Admin) -> Result<Json<Vec<StaffUser>>> {
    Ok(Json(app.accounts.users().await?))
}

#[utoipa::path(post, path = "/api/v1/admin/users", tag = "admin", security(("bearer" = [])), request_body = NewStaffUser,
    responses((status = 201, body = StaffUser), (status = 400, description = "invalid_username, invalid_password, invalid_role, invalid_offices", body = protocol::ApiError),
        (status = 409, description = "user_exists", body = protocol::ApiError)))]
pub async fn add_user(
    State(app): State<Arc<App>>,
    _admin: Admin,
    ApiJson(req): ApiJson<NewStaffUser>,
) -> Result<(StatusCode, Json<StaffUser>)> {
    let user = app
        .accounts
        .add_user(
            &req.username,
            &req.password,
            &req.role,
            &req.offices,
            &req.departments,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(user)))
}

#[utoipa::path(post, path = "/api/v1/admin/users/{username}/deactivate", tag = "admin", security(("bearer" = [])),
    params(("username" = String, Path, description = "user name")),
    responses((status = 200, body = StaffUser), (status = 404, description = "unknown_user", body = protocol::ApiError),
        (status = 409, description = "cannot_deactivate_self", body = protocol::ApiError)))]
pub async fn deactivate_user(
    State(app): State<Arc<App>>,
    Admin(me): Admin,
    ApiPath(username): ApiPath<String>,
) -> Result<Json<StaffUser>> {
    Ok(Json(
        app.accounts
            .deactivate_user(Some(&me.username), &username)
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/admin/devices", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<DeviceInfo>), (status = 403, body = protocol::ApiError)))]
pub async fn devices(State(app): State<Arc<App>>, _admin: Admin) -> Result<Json<Vec<DeviceInfo>>> {
    Ok(Json(app.accounts.devices().await?))
}

#[utoipa::path(post, path = "/api/v1/admin/devices", tag = "admin", security(("bearer" = [])), request_body = NewDevice,
    responses((status = 201, body = DeviceCreated), (status = 400, description = "invalid_name, invalid_role, invalid_offices", body = protocol::ApiError)))]
pub async fn add_device(
    State(app): State<Arc<App>>,
    _admin: Admin,
    ApiJson(req): ApiJson<NewDevice>,
) -> Result<(StatusCode, Json<DeviceCreated>)> {
    let created = app
        .accounts
        .add_device(&req.name, &req.role, req.office.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(post, path = "/api/v1/admin/devices/{id}/revoke", tag = "admin", security(("bearer" = [])),
    params(("id" = i64, Path, description = "device id")),
    responses((status = 200, body = DeviceInfo), (status = 404, description = "unknown_device", body = protocol::ApiError)))]
pub async fn revoke_device(
    State(app): State<Arc<App>>,
    _admin: Admin,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DeviceInfo>> {
    Ok(Json(app.accounts.revoke_device(id).await?))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// YYYY-MM-DD (the city's time zone).
    date: String,
}

#[utoipa::path(get, path = "/api/v1/admin/details-audit", tag = "admin", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, description = "every view and print of a family's details that day: who, when, which reservation (never the details)", body = Vec<protocol::DetailsAuditEntry>),
        (status = 400, description = "invalid_date", body = protocol::ApiError)))]
pub async fn details_audit(
    State(app): State<Arc<App>>,
    _admin: Admin,
    crate::http::extract::ApiQuery(q): crate::http::extract::ApiQuery<AuditQuery>,
) -> Result<Json<Vec<protocol::DetailsAuditEntry>>> {
    let day = crate::http::public::parse_date(&q.date)?;
    Ok(Json(app.details_audit(day).await?))
}
