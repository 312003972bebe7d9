//! Extractors that turn every malformed request into the contract's JSON
//! error (axum's own rejections answer in plain text).

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use protocol::ErrorCode;
use serde::de::DeserializeOwned;

use crate::error::Error;

/// Largest request body accepted (JSON bodies are small).
pub const BODY_LIMIT: usize = 64 * 1024;

pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(match rejection {
                JsonRejection::MissingJsonContentType(_) => Error::UnsupportedMediaType,
                JsonRejection::JsonSyntaxError(e) => {
                    Error::invalid(ErrorCode::MalformedJson, e.body_text())
                }
                JsonRejection::JsonDataError(e) => {
                    Error::invalid(ErrorCode::InvalidBody, e.body_text())
                }
                other if other.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                    Error::TooLarge { limit: BODY_LIMIT }
                }
                other => Error::invalid(ErrorCode::MalformedBody, other.body_text()),
            }),
        }
    }
}

pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e: PathRejection| Error::invalid(ErrorCode::InvalidPath, e.body_text()))
    }
}

/// The path parameters of an office's route after its `{office}` (which
/// `auth::AtOffice` and its kin read).
pub struct OfficePath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for OfficePath<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        let ApiPath((_office, rest)) =
            ApiPath::<(String, T)>::from_request_parts(parts, state).await?;
        Ok(OfficePath(rest))
    }
}

pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| Error::invalid(ErrorCode::InvalidQuery, e.body_text()))
    }
}

/// A form posted from one of our own pages. Browsers say where a form
/// post comes from (`Sec-Fetch-Site`, else `Origin`); a post from another
/// site (a forged cancel or booking) is refused with 403 `csrf_failed`. A request with neither header is no browser's
/// cross-site post (the same changes are open to the public API anyway).
/// Our own site is the request's `Host` or the office's public address
/// (behind a proxy that rewrites `Host`).
pub struct SameOrigin;

impl FromRequestParts<std::sync::Arc<crate::app::App>> for SameOrigin {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &std::sync::Arc<crate::app::App>,
    ) -> Result<Self, Error> {
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_ascii_lowercase)
        };
        let refused = || Error::forbidden(ErrorCode::CsrfFailed, "a form posted from another site");
        // Browsers that send it say it best (our pages send no referrer,
        // so their form posts carry `Origin: null`).
        if let Some(site) = header("sec-fetch-site") {
            return match site.as_str() {
                "same-origin" | "none" => Ok(SameOrigin),
                _ => Err(refused()),
            };
        }
        if let Some(origin) = header("origin").filter(|o| o != "null") {
            let host = header("host").unwrap_or_default();
            let origin_host = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                .unwrap_or("");
            let public = app.settings.public_url.to_ascii_lowercase();
            let public_host = public
                .strip_prefix("http://")
                .or_else(|| public.strip_prefix("https://"))
                .unwrap_or("");
            if origin_host.is_empty() || (origin_host != host && origin_host != public_host) {
                return Err(refused());
            }
        }
        Ok(SameOrigin)
    }
}
