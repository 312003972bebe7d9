//! Admin routes: staff accounts and device tokens (the CLI does the same),
//! each change effective at once (a deactivated user's sessions end, a
//! revoked token is refused on its next request).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use protocol::{DeviceCreated, DeviceInfo, ErrorCode, NewDevice, NewStaffUser, StaffUser};

use super::auth::Admin;
use super::extract::{ApiJson, ApiPath};
use crate::app::App;
use crate::error::{Error, Result};
use crate::tokens;

#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<StaffUser>), (status = 403, body = protocol::ApiError)))]
pub async fn users(State(app): State<Arc<App>>, _admin: Admin) -> Result<Json<Vec<StaffUser>>> {
    let list = app.store.users().await?;
    Ok(Json(
        list.into_iter()
            .map(|(username, role, active)| StaffUser {
                username,
                role,
                active,
            })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/admin/users", tag = "admin", security(("bearer" = [])), request_body = NewStaffUser,
    responses((status = 201, body = StaffUser), (status = 400, description = "invalid_username, invalid_password, invalid_role", body = protocol::ApiError),
        (status = 409, description = "user_exists", body = protocol::ApiError)))]
pub async fn add_user(
    State(app): State<Arc<App>>,
    _admin: Admin,
    ApiJson(req): ApiJson<NewStaffUser>,
) -> Result<(StatusCode, Json<StaffUser>)> {
    let username = crate::auth::check_username(&req.username)
        .map_err(|m| Error::invalid(ErrorCode::InvalidUsername, m))?
        .to_string();
    crate::auth::check_password(&req.password)
        .map_err(|m| Error::invalid(ErrorCode::InvalidPassword, m))?;
    if !matches!(req.role.as_str(), "staff" | "admin") {
        return Err(Error::invalid(
            ErrorCode::InvalidRole,
            "role must be staff or admin",
        ));
    }
    if app.store.user_by_name(&username).await?.is_some() {
        return Err(Error::conflict(
            ErrorCode::UserExists,
            "a user with this name exists",
        ));
    }
    let password = req.password.clone();
    let hash = tokio::task::spawn_blocking(move || crate::auth::hash_password(&password))
        .await
        .map_err(|_| Error::invalid(ErrorCode::InvalidPassword, "could not hash the password"))?
        .map_err(|_| Error::invalid(ErrorCode::InvalidPassword, "could not hash the password"))?;
    app.store
        .add_user(&username, &hash, &req.role, app.clock.now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(StaffUser {
            username,
            role: req.role,
            active: true,
        }),
    ))
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
    if username == me.username {
        return Err(Error::conflict(
            ErrorCode::CannotDeactivateSelf,
            "an admin cannot lock themselves out",
        ));
    }
    let user = app
        .store
        .user_by_name(&username)
        .await?
        .ok_or_else(|| Error::not_found(ErrorCode::UnknownUser, "no such user"))?;
    app.store.deactivate_user(&username).await?;
    Ok(Json(StaffUser {
        username: user.username,
        role: user.role,
        active: false,
    }))
}

async fn device_list(app: &App) -> Result<Vec<DeviceInfo>> {
    Ok(app
        .store
        .devices()
        .await?
        .into_iter()
        .map(|(id, name, role, active)| DeviceInfo {
            id,
            name,
            role,
            active,
        })
        .collect())
}

#[utoipa::path(get, path = "/api/v1/admin/devices", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<DeviceInfo>), (status = 403, body = protocol::ApiError)))]
pub async fn devices(State(app): State<Arc<App>>, _admin: Admin) -> Result<Json<Vec<DeviceInfo>>> {
    Ok(Json(device_list(&app).await?))
}

#[utoipa::path(post, path = "/api/v1/admin/devices", tag = "admin", security(("bearer" = [])), request_body = NewDevice,
    responses((status = 201, body = DeviceCreated), (status = 400, description = "invalid_name, invalid_role", body = protocol::ApiError)))]
pub async fn add_device(
    State(app): State<Arc<App>>,
    _admin: Admin,
    ApiJson(req): ApiJson<NewDevice>,
) -> Result<(StatusCode, Json<DeviceCreated>)> {
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(Error::invalid(
            ErrorCode::InvalidName,
            "device names are 1–100 characters",
        ));
    }
    if !matches!(req.role.as_str(), "kiosk" | "board") {
        return Err(Error::invalid(
            ErrorCode::InvalidRole,
            "role must be kiosk or board",
        ));
    }
    let token = tokens::new_token();
    let id = app
        .store
        .add_device(name, &req.role, &tokens::hash(&token), app.clock.now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(DeviceCreated {
            device: DeviceInfo {
                id,
                name: name.to_string(),
                role: req.role,
                active: true,
            },
            token,
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/admin/devices/{id}/revoke", tag = "admin", security(("bearer" = [])),
    params(("id" = i64, Path, description = "device id")),
    responses((status = 200, body = DeviceInfo), (status = 404, description = "unknown_device", body = protocol::ApiError)))]
pub async fn revoke_device(
    State(app): State<Arc<App>>,
    _admin: Admin,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DeviceInfo>> {
    if !app.store.revoke_device(id).await? {
        return Err(Error::not_found(ErrorCode::UnknownDevice, "no such device"));
    }
    device_list(&app)
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .map(Json)
        .ok_or_else(|| Error::not_found(ErrorCode::UnknownDevice, "no such device"))
}
