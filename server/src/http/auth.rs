//! Who is calling: staff sessions (bearer or cookie + CSRF header) and
//! device tokens (kiosk, board). Every protected route names the role it
//! needs through its extractor.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use protocol::{ErrorCode, LoginRequest, SessionInfo};

use super::extract::ApiJson;
use crate::app::accounts::{Device, Principal};
use crate::app::{Actor, App, OfficeApp};
use crate::error::Error;
use crate::rules::input::{DeviceRole, StaffRole};

pub const SESSION_COOKIE: &str = "madoguchi_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

fn cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| kv.trim().strip_prefix(SESSION_COOKIE)?.strip_prefix('='))
}

/// The principal behind a request: a bearer token (staff or device), or
/// the session cookie (staff only), and whether it came by cookie.
async fn principal(parts: &Parts, app: &App) -> Result<(Principal, bool), Error> {
    let (token, via_cookie) = match (bearer(&parts.headers), cookie(&parts.headers)) {
        (Some(t), _) => (t, false),
        (None, Some(c)) => (c, true),
        (None, None) => {
            return Err(Error::unauthorized(
                ErrorCode::Unauthorized,
                "credentials required",
            ));
        }
    };
    match app.accounts.principal(token, !via_cookie).await? {
        Some(p) => Ok((p, via_cookie)),
        None => Err(Error::unauthorized(
            ErrorCode::InvalidToken,
            "the token is unknown or expired",
        )),
    }
}

/// A logged-in staff member (roles `staff` and `admin`).
pub struct Staff {
    pub username: String,
    pub role: StaffRole,
    pub offices: Vec<String>,
    /// Whose families' details they may see (`accounts::sees_details_of`).
    pub departments: Vec<String>,
}

impl Staff {
    pub fn actor(&self) -> Actor {
        Actor::Staff {
            username: self.username.clone(),
        }
    }

    /// Whether they work at `office` (`accounts::works_at`).
    pub fn works_at(&self, office: &str) -> bool {
        crate::app::accounts::works_at(self.role, &self.offices, office)
    }
}

/// The `{office}` of an office's route (`/api/v1/offices/{office}/…`).
pub async fn office_in_path<'a>(
    parts: &mut Parts,
    app: &'a App,
) -> Result<&'a Arc<OfficeApp>, Error> {
    let params = axum::extract::RawPathParams::from_request_parts(parts, &())
        .await
        .map_err(|e| Error::invalid(ErrorCode::InvalidPath, e.body_text()))?;
    let id = params
        .iter()
        .find(|(k, _)| *k == "office")
        .map(|(_, v)| v.to_string())
        .unwrap_or_default();
    app.office(&id)
}

/// An office of a public route. A kiosk or board token sent along must
/// be that office's (403 `wrong_office`): a board of the main building
/// never follows a branch's stream.
pub struct AtOffice(pub Arc<OfficeApp>);

impl FromRequestParts<Arc<App>> for AtOffice {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Error> {
        let office = office_in_path(parts, app).await?.clone();
        if let Some(token) = bearer(&parts.headers)
            && let Some(Principal::Device(d)) = app.accounts.principal(token, true).await?
            && d.office != office.office.id
        {
            return Err(wrong_office());
        }
        Ok(AtOffice(office))
    }
}

fn wrong_office() -> Error {
    Error::forbidden(
        ErrorCode::WrongOffice,
        "these credentials belong to another office",
    )
}

/// A staff member at an office they work in (403 `wrong_office` at
/// another).
pub struct OfficeStaff(pub Arc<OfficeApp>, pub Staff);

impl FromRequestParts<Arc<App>> for OfficeStaff {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Error> {
        let office = office_in_path(parts, app).await?.clone();
        let staff = Staff::from_request_parts(parts, app).await?;
        if !staff.works_at(&office.office.id) {
            return Err(wrong_office());
        }
        Ok(OfficeStaff(office, staff))
    }
}

/// A kiosk at its own office (403 `wrong_office` at another).
pub struct OfficeKiosk(pub Arc<OfficeApp>, pub Kiosk);

impl FromRequestParts<Arc<App>> for OfficeKiosk {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Error> {
        let office = office_in_path(parts, app).await?.clone();
        let kiosk = Kiosk::from_request_parts(parts, app).await?;
        if kiosk.office != office.office.id {
            return Err(wrong_office());
        }
        Ok(OfficeKiosk(office, kiosk))
    }
}

impl FromRequestParts<Arc<App>> for Staff {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Error> {
        match principal(parts, app).await? {
            (Principal::Staff(s), via_cookie) => {
                let safe = matches!(parts.method, Method::GET | Method::HEAD);
                if via_cookie && !safe {
                    let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
                    if sent != Some(s.csrf.as_str()) {
                        return Err(Error::forbidden(
                            ErrorCode::CsrfFailed,
                            "missing or wrong X-CSRF-Token header",
                        ));
                    }
                }
                Ok(Staff {
                    username: s.username,
                    role: s.role,
                    offices: s.offices,
                    departments: s.departments,
                })
            }
            (Principal::Device(_), _) => Err(Error::forbidden(
                ErrorCode::Forbidden,
                "this route is for staff only",
            )),
        }
    }
}

/// A logged-in admin (staff role `admin`).
pub struct Admin(pub Staff);

impl FromRequestParts<Arc<App>> for Admin {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Error> {
        let staff = Staff::from_request_parts(parts, app).await?;
        if staff.role == StaffRole::Admin {
            Ok(Admin(staff))
        } else {
            Err(Error::forbidden(
                ErrorCode::Forbidden,
                "this route is for admins only",
            ))
        }
    }
}

/// A kiosk device, rate-limited per device.
pub struct Kiosk {
    pub id: i64,
    pub name: String,
    pub office: String,
}

impl Kiosk {
    pub fn actor(&self) -> Actor {
        Actor::Device {
            id: self.id,
            name: self.name.clone(),
        }
    }
}

impl FromRequestParts<Arc<App>> for Kiosk {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Error> {
        match principal(parts, app).await? {
            (
                Principal::Device(Device {
                    id,
                    name,
                    role: DeviceRole::Kiosk,
                    office,
                }),
                _,
            ) => {
                if let Some(wait) = app
                    .kiosk_limiter
                    .hit(&format!("device:{id}"), app.clock.now())
                    .await?
                {
                    return Err(Error::RateLimited {
                        code: ErrorCode::RateLimited,
                        message: "too many requests from this kiosk".into(),
                        retry_after_secs: wait,
                    });
                }
                Ok(Kiosk { id, name, office })
            }
            _ => Err(Error::forbidden(
                ErrorCode::Forbidden,
                "this route is for kiosk devices only",
            )),
        }
    }
}

/// The session cookie: script cannot read it, other sites never send it,
/// and over TLS it never travels in the clear.
pub fn session_cookie(app: &App, token: &str, max_age: i64) -> String {
    let secure = if app.settings.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"
    )
}

/// The staff session behind a web page (cookie only).
pub struct PageSession {
    pub username: String,
    pub role: StaffRole,
    pub csrf: String,
    pub token: String,
    pub offices: Vec<String>,
    /// Whose families' details and forms they may see.
    pub departments: Vec<String>,
}

impl PageSession {
    /// Whether they work at `office` (`accounts::works_at`).
    pub fn works_at(&self, office: &str) -> bool {
        crate::app::accounts::works_at(self.role, &self.offices, office)
    }
}

pub async fn page_session(headers: &HeaderMap, app: &App) -> Option<PageSession> {
    let token = cookie(headers)?;
    let s = app.accounts.session(token).await.ok()??;
    Some(PageSession {
        username: s.username,
        role: s.role,
        csrf: s.csrf,
        token: token.to_string(),
        offices: s.offices,
        departments: s.departments,
    })
}

/// The address a request came from: the peer, or, when the peer is a
/// trusted proxy, the last address in `X-Forwarded-For` that is not one
/// (proxies append, so the entries left of it could be made up by the
/// client).
///
/// Addresses are compared in canonical form: a dual-stack listener sees
/// nginx on `127.0.0.1` as `::ffff:127.0.0.1`.
pub fn client_address(peer: IpAddr, forwarded_for: &str, trusted: &[IpAddr]) -> IpAddr {
    let is_proxy = |ip: IpAddr| {
        trusted
            .iter()
            .any(|t| t.to_canonical() == ip.to_canonical())
    };
    if !is_proxy(peer) {
        return peer;
    }
    for hop in forwarded_for.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) if is_proxy(ip) => continue,
            Ok(ip) => return ip,
            // Unreadable: what lies left of it cannot be trusted.
            Err(_) => return peer,
        }
    }
    peer
}

#[utoipa::path(post, path = "/api/v1/session", tag = "staff",
    request_body = LoginRequest,
    responses((status = 201, body = SessionInfo), (status = 401, body = protocol::ApiError),
        (status = 403, description = "not_staff: a directory account in no Madoguchi staff group", body = protocol::ApiError),
        (status = 429, body = protocol::ApiError),
        (status = 503, description = "directory_unavailable: the city's directory did not answer (nobody is let in); or storage_unavailable", body = protocol::ApiError)))]
pub async fn login(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, Error> {
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    let client = client_address(
        peer.ip(),
        &forwarded,
        &app.settings.security.trusted_proxies,
    );
    let session = app
        .accounts
        .login(&req.username, &req.password, client)
        .await?;
    Ok((
        StatusCode::CREATED,
        [(
            header::SET_COOKIE,
            session_cookie(&app, &session.info.token, session.max_age_secs),
        )],
        axum::Json(session.info),
    )
        .into_response())
}

#[utoipa::path(delete, path = "/api/v1/session", tag = "staff",
    responses((status = 204), (status = 401, body = protocol::ApiError)))]
pub async fn logout(
    State(app): State<Arc<App>>,
    parts: axum::http::HeaderMap,
    _staff: Staff,
) -> Result<Response, Error> {
    if let Some(t) = bearer(&parts).or_else(|| cookie(&parts)) {
        app.accounts.logout(t).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, session_cookie(&app, "", 0))],
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behind_a_trusted_proxy_the_forwarded_address_counts() {
        let ip = |s: &str| s.parse::<IpAddr>().expect("test address");
        let proxy = [ip("127.0.0.1"), ip("10.0.0.2")];
        let (nginx, visitor) = (ip("127.0.0.1"), ip("192.0.2.7"));
        assert_eq!(
            client_address(visitor, "198.51.100.1", &proxy),
            visitor,
            "no proxy: the peer"
        );
        assert_eq!(client_address(nginx, "192.0.2.7", &proxy), visitor);
        assert_eq!(
            client_address(nginx, "203.0.113.9, 192.0.2.7, 10.0.0.2", &proxy),
            visitor,
            "made-up entries left of the real one are ignored"
        );
        assert_eq!(client_address(nginx, "", &proxy), nginx);
        assert_eq!(client_address(nginx, "garbage, 192.0.2.7", &proxy), visitor);
        assert_eq!(client_address(nginx, "192.0.2.7, garbage", &proxy), nginx);
        let mapped = ip("::ffff:127.0.0.1");
        assert_eq!(
            client_address(mapped, "192.0.2.7", &proxy),
            visitor,
            "dual-stack"
        );
    }
}
