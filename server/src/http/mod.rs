//! The HTTP layer: thin handlers over [`crate::app::App`], one module per
//! audience. Routes and the OpenAPI document come from the same
//! `routes!` lists, so they cannot drift apart.

pub mod admin;
pub mod auth;
pub mod console;
mod document;
pub mod extract;
pub mod kiosk;
pub mod pages;
pub mod public;
pub mod sse;
pub mod staff;
pub mod visitor;

use protocol::ErrorCode;
use std::sync::Arc;

use axum::Json;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::error::Error;

#[derive(OpenApi)]
#[openapi(
    info(title = "Madoguchi", description = "Visitor flow for city hall counters: reservations, tickets, booths and live events."),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

fn api() -> OpenApiRouter<Arc<App>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(public::healthz))
        .routes(routes!(public::readyz))
        .routes(routes!(public::offices))
        .routes(routes!(public::city_congestion))
        .routes(routes!(public::services))
        .routes(routes!(public::booths))
        .routes(routes!(public::slots))
        .routes(routes!(public::create_reservation))
        .routes(routes!(public::reservation, public::cancel_reservation))
        .routes(routes!(public::correct_details))
        .routes(routes!(public::reservation_qr))
        .routes(routes!(public::reservation_qr_png))
        .routes(routes!(public::reservation_ics))
        .routes(routes!(public::ticket_status))
        .routes(routes!(public::ticket_notify))
        .routes(routes!(public::board))
        .routes(routes!(public::congestion))
        .routes(routes!(public::okuyami_questions))
        .routes(routes!(public::okuyami_checklist))
        .routes(routes!(sse::events))
        .routes(routes!(auth::login, auth::logout))
        .routes(routes!(kiosk::checkin))
        .routes(routes!(kiosk::walk_in))
        .routes(routes!(staff::open_booth))
        .routes(routes!(staff::pause_booth))
        .routes(routes!(staff::close_booth))
        .routes(routes!(staff::call_next))
        .routes(routes!(staff::call_ticket))
        .routes(routes!(staff::recall))
        .routes(routes!(staff::start))
        .routes(routes!(staff::complete))
        .routes(routes!(staff::no_show))
        .routes(routes!(staff::reactivate))
        .routes(routes!(staff::transfer))
        .routes(routes!(staff::add_note))
        .routes(routes!(staff::queue))
        .routes(routes!(staff::reservations))
        .routes(routes!(staff::stats))
        .routes(routes!(staff::city_stats))
        .routes(routes!(staff::prep))
        .routes(routes!(staff::checkin_reservation))
        .routes(routes!(staff::cancel_reservation))
        .routes(routes!(staff::reservation_details))
        .routes(routes!(staff::reservation_forms))
        .routes(routes!(staff::day_forms))
        .routes(routes!(staff::reservation_summary))
        .routes(routes!(staff::move_reservation))
        .routes(routes!(admin::users, admin::add_user))
        .routes(routes!(admin::deactivate_user))
        .routes(routes!(admin::devices, admin::add_device))
        .routes(routes!(admin::revoke_device))
        .routes(routes!(admin::details_audit))
}

/// The OpenAPI document of every route.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = api().into_openapi();
    document_shared_errors(&mut doc);
    doc
}

/// Adds the error answers every route shares to each operation, so the
/// document lists every status the server can give: malformed or oversized
/// JSON bodies (400, 413, 415), credentials (401, 403), a path parameter
/// of the wrong type (400), rate limits (429) and a busy database (503).
fn document_shared_errors(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let error = |what: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(what)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ApiError")))
                        .build(),
                )
                .build(),
        )
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let mut add = |code: &str, what: &str| {
                op.responses
                    .responses
                    .entry(code.to_string())
                    .or_insert_with(|| error(what));
            };
            let has_body = op.request_body.is_some();
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let has_path_params = path.contains('{');
            if has_body {
                add("400", "malformed body (invalid_body)");
                add("413", "body too large (body_too_large)");
                add("415", "not JSON (unsupported_media_type)");
            }
            if has_path_params {
                add("400", "malformed path parameter");
            }
            if secured {
                add("401", "no or unknown credentials");
                add(
                    "403",
                    "credentials of another role or another office (wrong_office), or no CSRF token with a cookie",
                );
            }
            if path.contains("{office}") {
                add("404", "no office has this id (unknown_office)");
                if !secured {
                    add(
                        "403",
                        "a kiosk or board token of another office (wrong_office)",
                    );
                }
            }
            if path.contains("/kiosk/") || path == "/api/v1/session" {
                add("429", "rate limited (Retry-After)");
            }
            add("503", "storage busy or unavailable");
        }
    }
}

async fn not_found() -> Error {
    Error::not_found(ErrorCode::NotFound, "no such route")
}

async fn method_not_allowed() -> Response {
    let body = protocol::ApiError {
        error: protocol::ApiErrorBody {
            code: ErrorCode::MethodNotAllowed,
            message: "this route does not accept that method".into(),
            field: None,
        },
    };
    (StatusCode::METHOD_NOT_ALLOWED, Json(body)).into_response()
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    // Never expected: every input path returns errors instead of panicking.
    tracing::error!("handler panicked");
    let body = protocol::ApiError {
        error: protocol::ApiErrorBody {
            code: ErrorCode::Internal,
            message: "internal error".into(),
            field: None,
        },
    };
    (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
}

pub fn router(app: Arc<App>) -> axum::Router {
    let (router, mut doc) = api().split_for_parts();
    document_shared_errors(&mut doc);
    let doc = Arc::new(document::document(&app.city, &doc));
    let router = pages::asset_routes(router);
    router
        .route(
            "/openapi.json",
            axum::routing::get(move || {
                let doc = doc.clone();
                async move {
                    (
                        [(header::CACHE_CONTROL, "no-cache")],
                        Json(doc.as_ref().clone()),
                    )
                }
            }),
        )
        .route("/", axum::routing::get(visitor::home::show))
        .route("/board", axum::routing::get(pages::boards))
        .route("/board/{office}", axum::routing::get(pages::board))
        .route("/t/{token}", axum::routing::get(visitor::status::show))
        .route(
            "/t/{token}/notify",
            axum::routing::post(visitor::status::notify),
        )
        .route("/congestion", axum::routing::get(visitor::congestion::show))
        .route("/book", axum::routing::get(visitor::booking::offices))
        .route(
            "/book/{office}",
            axum::routing::get(visitor::booking::services),
        )
        .route(
            "/book/{office}/{service}",
            axum::routing::get(visitor::booking::slots),
        )
        .route(
            "/book/{office}/{service}/form",
            axum::routing::get(visitor::booking::form),
        )
        .route(
            "/book/{office}/{service}/confirm",
            axum::routing::post(visitor::booking::confirm),
        )
        .route(
            "/book/{office}/{service}/submit",
            axum::routing::post(visitor::booking::submit),
        )
        .route("/r/{token}", axum::routing::get(visitor::reservation::show))
        .route(
            "/r/{token}/details",
            axum::routing::get(visitor::reservation::details_form),
        )
        .route(
            "/r/{token}/details",
            axum::routing::post(visitor::reservation::save_details),
        )
        .route(
            "/r/{token}/cancel",
            axum::routing::post(visitor::reservation::cancel),
        )
        .route("/staff", axum::routing::get(console::home))
        .route("/staff/login", axum::routing::get(console::login_page))
        .route("/staff/logout", axum::routing::post(console::logout))
        .route("/staff/admin", axum::routing::get(console::admin::page))
        .route("/staff/{office}", axum::routing::get(console::office_home))
        .route(
            "/staff/{office}/booths/{id}",
            axum::routing::get(console::booth_page),
        )
        .route(
            "/staff/{office}/stats",
            axum::routing::get(console::stats::page),
        )
        .route(
            "/staff/{office}/prep",
            axum::routing::get(console::prep::page),
        )
        .route(
            "/staff/{office}/reservations",
            axum::routing::get(console::reservations::page),
        )
        .route(
            "/assets/fonts/BIZUDPGothic-Regular.ttf",
            axum::routing::get(pages::font),
        )
        .route(
            "/assets/fonts/DroidSansFallbackFull.ttf",
            axum::routing::get(pages::cjk_font),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(extract::BODY_LIMIT))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            panic_response,
        ))
        .layer(axum::middleware::from_fn(crate::telemetry::track_request))
        .layer(tower_http::request_id::PropagateRequestIdLayer::x_request_id())
        .layer(
            // Spans name the route template, never the URI: paths carry
            // reservation and status tokens, which must not reach the logs.
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<_>| {
                    let route = crate::telemetry::route_of(req);
                    let id = req
                        .extensions()
                        .get::<tower_http::request_id::RequestId>()
                        .and_then(|id| id.header_value().to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("http", method = %req.method(), route, request_id = %id)
                })
                .on_response(
                    tower_http::trace::DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Micros),
                ),
        )
        .layer(tower_http::request_id::SetRequestIdLayer::x_request_id(
            RequestIds::default(),
        ))
        .layer(axum::middleware::map_request(keep_fair_request_id))
        .with_state(app)
}

/// Request ids: the proxy's (`x-request-id`, when it looks like one), else
/// this server's own, a random prefix per process and a counter.
#[derive(Clone)]
struct RequestIds {
    prefix: u32,
    next: Arc<std::sync::atomic::AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        RequestIds {
            prefix: rand::random(),
            next: Arc::default(),
        }
    }
}

impl tower_http::request_id::MakeRequestId for RequestIds {
    fn make_request_id<B>(
        &mut self,
        _: &axum::http::Request<B>,
    ) -> Option<tower_http::request_id::RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        axum::http::HeaderValue::from_str(&format!("{:08x}-{n}", self.prefix))
            .ok()
            .map(tower_http::request_id::RequestId::new)
    }
}

/// A request id from outside reaches the logs only when it is short and
/// plain (letters, digits, `-`, `_`, `.`): anything else is replaced by
/// one of ours, so a client cannot write into the log lines.
async fn keep_fair_request_id(
    mut req: axum::http::Request<axum::body::Body>,
) -> axum::http::Request<axum::body::Body> {
    let fair = req.headers().get("x-request-id").map(|v| {
        let b = v.as_bytes();
        (1..=64).contains(&b.len())
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
    });
    if fair == Some(false) {
        req.headers_mut().remove("x-request-id");
    }
    req
}
