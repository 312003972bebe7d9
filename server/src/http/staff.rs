//! Staff routes: booths, calls and ticket actions, queue and reservations.

use axum::Json;
use protocol::{
    Booth, BoothState, CallResult, CallTicketRequest, ErrorCode, NoteRequest, Reservation,
    StaffQueue, Ticket, TransferRequest,
};
use serde::Deserialize;

use super::auth::{OfficeStaff, Staff};
use super::extract::{ApiJson, ApiQuery, OfficePath};
use super::public::parse_date;
use crate::error::Result;
use crate::rules::engine::Action;
use crate::rules::input::{BoothId, ServiceId};

macro_rules! booth_state_route {
    ($name:ident, $path:literal, $state:expr) => {
        #[utoipa::path(post, path = $path, tag = "staff", security(("bearer" = [])),
            params(("id" = String, Path, description = "booth id")),
            responses((status = 200, body = Booth), (status = 404, body = protocol::ApiError), (status = 409, description = "booth_busy", body = protocol::ApiError)))]
        pub async fn $name(OfficeStaff(app, staff): OfficeStaff, OfficePath(id): OfficePath<String>) -> Result<Json<Booth>> {
            Ok(Json(app.set_booth(&staff.actor(), &BoothId::parse(&id)?, $state).await?))
        }
    };
}

booth_state_route!(
    open_booth,
    "/api/v1/offices/{office}/staff/booths/{id}/open",
    BoothState::Open
);
booth_state_route!(
    pause_booth,
    "/api/v1/offices/{office}/staff/booths/{id}/pause",
    BoothState::Paused
);
booth_state_route!(
    close_booth,
    "/api/v1/offices/{office}/staff/booths/{id}/close",
    BoothState::Closed
);

#[utoipa::path(post, path = "/api/v1/offices/{office}/staff/booths/{id}/call-next", tag = "staff", security(("bearer" = [])),
    params(("id" = String, Path, description = "booth id")),
    responses((status = 200, body = CallResult), (status = 404, body = protocol::ApiError), (status = 409, description = "booth_not_open, booth_busy", body = protocol::ApiError)))]
pub async fn call_next(
    OfficeStaff(app, staff): OfficeStaff,
    OfficePath(id): OfficePath<String>,
) -> Result<Json<CallResult>> {
    Ok(Json(CallResult {
        ticket: app.call_next(&staff.actor(), &BoothId::parse(&id)?).await?,
    }))
}

#[utoipa::path(post, path = "/api/v1/offices/{office}/staff/booths/{id}/call", tag = "staff", security(("bearer" = [])),
    params(("id" = String, Path, description = "booth id")), request_body = CallTicketRequest,
    responses((status = 200, body = CallResult), (status = 404, body = protocol::ApiError), (status = 409, body = protocol::ApiError)))]
pub async fn call_ticket(
    OfficeStaff(app, staff): OfficeStaff,
    OfficePath(id): OfficePath<String>,
    ApiJson(req): ApiJson<CallTicketRequest>,
) -> Result<Json<CallResult>> {
    Ok(Json(CallResult {
        ticket: Some(
            app.call_ticket(&staff.actor(), &BoothId::parse(&id)?, req.ticket)
                .await?,
        ),
    }))
}

macro_rules! ticket_route {
    ($name:ident, $path:literal, $action:expr) => {
        #[utoipa::path(post, path = $path, tag = "staff", security(("bearer" = [])),
            params(("id" = i64, Path, description = "ticket id")),
            responses((status = 200, body = Ticket), (status = 404, body = protocol::ApiError), (status = 409, description = "invalid_transition", body = protocol::ApiError)))]
        pub async fn $name(OfficeStaff(app, staff): OfficeStaff, OfficePath(id): OfficePath<i64>) -> Result<Json<Ticket>> {
            Ok(Json(app.ticket_action(&staff.actor(), id, $action).await?))
        }
    };
}

ticket_route!(
    recall,
    "/api/v1/offices/{office}/staff/tickets/{id}/recall",
    Action::Recall
);
ticket_route!(
    start,
    "/api/v1/offices/{office}/staff/tickets/{id}/start",
    Action::Start
);
ticket_route!(
    complete,
    "/api/v1/offices/{office}/staff/tickets/{id}/complete",
    Action::Complete
);
ticket_route!(
    no_show,
    "/api/v1/offices/{office}/staff/tickets/{id}/no-show",
    Action::NoShow
);
ticket_route!(
    reactivate,
    "/api/v1/offices/{office}/staff/tickets/{id}/reactivate",
    Action::Reactivate
);

#[utoipa::path(post, path = "/api/v1/offices/{office}/staff/tickets/{id}/transfer", tag = "staff", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = TransferRequest,
    responses((status = 200, body = Ticket), (status = 400, body = protocol::ApiError), (status = 404, body = protocol::ApiError), (status = 409, body = protocol::ApiError)))]
pub async fn transfer(
    OfficeStaff(app, staff): OfficeStaff,
    OfficePath(id): OfficePath<i64>,
    ApiJson(req): ApiJson<TransferRequest>,
) -> Result<Json<Ticket>> {
    Ok(Json(
        app.transfer(
            &staff.actor(),
            id,
            &ServiceId::parse(&req.service)?,
            req.note.as_deref(),
        )
        .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/offices/{office}/staff/tickets/{id}/notes", tag = "staff", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = NoteRequest,
    responses((status = 200, body = Ticket), (status = 400, body = protocol::ApiError), (status = 404, body = protocol::ApiError)))]
pub async fn add_note(
    OfficeStaff(app, staff): OfficeStaff,
    OfficePath(id): OfficePath<i64>,
    ApiJson(req): ApiJson<NoteRequest>,
) -> Result<Json<Ticket>> {
    Ok(Json(app.add_note(&staff.actor(), id, &req.text).await?))
}

#[utoipa::path(get, path = "/api/v1/offices/{office}/staff/queue", tag = "staff", security(("bearer" = [])),
    responses((status = 200, body = StaffQueue), (status = 401, body = protocol::ApiError)))]
pub async fn queue(OfficeStaff(app, _staff): OfficeStaff) -> Json<StaffQueue> {
    Json(app.staff_queue().await)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DateQuery {
    /// YYYY-MM-DD (office time zone).
    date: String,
}

#[utoipa::path(get, path = "/api/v1/offices/{office}/staff/reservations", tag = "staff", security(("bearer" = [])), params(DateQuery),
    responses((status = 200, body = Vec<Reservation>), (status = 400, body = protocol::ApiError), (status = 401, body = protocol::ApiError)))]
pub async fn reservations(
    OfficeStaff(app, _staff): OfficeStaff,
    ApiQuery(q): ApiQuery<DateQuery>,
) -> Result<Json<Vec<Reservation>>> {
    Ok(Json(app.staff_reservations(parse_date(&q.date)?).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// First day, YYYY-MM-DD (office time zone).
    from: String,
    /// Last day, YYYY-MM-DD (inclusive).
    to: String,
    /// `json` (default) or `csv` (UTF-8 with BOM, for Excel).
    format: Option<String>,
    /// Language of the CSV headings: `ja` (default) or `en`.
    lang: Option<String>,
}

/// The CSV headings' language: `ja` (default) or `en`; anything else is
/// 400 `invalid_language` (the document says so, and a fallback would
/// hide a typo in a script).
fn csv_language(lang: Option<&str>) -> Result<&'static str> {
    match lang {
        None | Some("ja") => Ok("ja"),
        Some("en") => Ok("en"),
        Some(other) => Err(crate::error::Error::invalid(
            ErrorCode::InvalidLanguage,
            format!("lang {other:?}: ja or en"),
        )),
    }
}

#[utoipa::path(get, path = "/api/v1/offices/{office}/staff/stats", tag = "staff", security(("bearer" = [])), params(StatsQuery),
    responses((status = 200, description = "JSON, or CSV with format=csv",
            content((protocol::DayStats = "application/json"), (String = "text/csv"))),
        (status = 400, description = "invalid_date, invalid_range, invalid_format, invalid_language", body = protocol::ApiError), (status = 401, body = protocol::ApiError)))]
pub async fn stats(
    OfficeStaff(app, _staff): OfficeStaff,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<axum::response::Response> {
    use axum::response::IntoResponse;
    let lang = csv_language(q.lang.as_deref())?;
    let stats = app
        .day_stats(parse_date(&q.from)?, parse_date(&q.to)?)
        .await?;
    match q.format.as_deref() {
        None | Some("json") => Ok(Json(stats).into_response()),
        Some("csv") => Ok(super::console::stats::csv_response(
            &[(&app, &stats)],
            lang,
            stats.from,
            stats.to,
        )),
        Some(_) => Err(crate::error::Error::invalid(
            ErrorCode::InvalidFormat,
            "format must be json or csv",
        )),
    }
}

#[utoipa::path(post, path = "/api/v1/offices/{office}/staff/reservations/{id}/checkin", tag = "staff", security(("bearer" = [])),
    params(("id" = i64, Path, description = "reservation id")),
    responses((status = 201, description = "checked in", body = protocol::IssuedTicket),
        (status = 200, description = "already checked in: the same ticket", body = protocol::IssuedTicket),
        (status = 404, description = "unknown_reservation", body = protocol::ApiError),
        (status = 409, description = "cancelled, wrong_day, already_used", body = protocol::ApiError)))]
pub async fn checkin_reservation(
    OfficeStaff(app, staff): OfficeStaff,
    OfficePath(id): OfficePath<i64>,
) -> Result<(axum::http::StatusCode, Json<protocol::IssuedTicket>)> {
    let (created, ticket) = app.staff_checkin(&staff.actor(), id).await?;
    let status = if created {
        axum::http::StatusCode::CREATED
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Json(ticket)))
}

#[utoipa::path(post, path = "/api/v1/offices/{office}/staff/reservations/{id}/cancel", tag = "staff", security(("bearer" = [])),
    params(("id" = i64, Path, description = "reservation id")), request_body = protocol::StaffCancel,
    responses((status = 200, body = Reservation), (status = 400, description = "invalid_reason", body = protocol::ApiError),
        (status = 404, body = protocol::ApiError), (status = 409, description = "cancelled, already_checked_in", body = protocol::ApiError)))]
pub async fn cancel_reservation(
    OfficeStaff(app, staff): OfficeStaff,
    OfficePath(id): OfficePath<i64>,
    ApiJson(req): ApiJson<protocol::StaffCancel>,
) -> Result<Json<Reservation>> {
    Ok(Json(
        app.staff_cancel(&staff.actor(), id, &req.reason).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/offices/{office}/staff/reservations/{id}/move", tag = "staff", security(("bearer" = [])),
    params(("id" = i64, Path, description = "reservation id")), request_body = protocol::StaffMove,
    responses((status = 200, body = Reservation), (status = 400, description = "invalid_reason, unknown_slot", body = protocol::ApiError),
        (status = 404, body = protocol::ApiError),
        (status = 409, description = "slot_full, same_slot, too_late_to_book, cancelled, already_checked_in", body = protocol::ApiError)))]
pub async fn move_reservation(
    OfficeStaff(app, staff): OfficeStaff,
    OfficePath(id): OfficePath<i64>,
    ApiJson(req): ApiJson<protocol::StaffMove>,
) -> Result<Json<Reservation>> {
    let start = req.start.with_timezone(&chrono::Utc);
    Ok(Json(
        app.staff_move(&staff.actor(), id, start, &req.reason)
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PrepQuery {
    /// YYYY-MM-DD (office time zone).
    date: String,
    /// A department name from the procedures; all when absent.
    department: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/offices/{office}/staff/prep", tag = "staff", security(("bearer" = [])), params(PrepQuery),
    responses((status = 200, body = protocol::PrepList),
        (status = 400, description = "invalid_date, unknown_department", body = protocol::ApiError), (status = 401, body = protocol::ApiError)))]
pub async fn prep(
    OfficeStaff(app, _staff): OfficeStaff,
    ApiQuery(q): ApiQuery<PrepQuery>,
) -> Result<Json<protocol::PrepList>> {
    let department = q.department.as_deref().filter(|d| !d.is_empty());
    Ok(Json(app.prep(parse_date(&q.date)?, department).await?))
}

#[utoipa::path(get, path = "/api/v1/staff/stats", tag = "staff", security(("bearer" = [])), params(StatsQuery),
    responses((status = 200, description = "every office the staff member works at: JSON, or one CSV with the office column with format=csv",
            content((protocol::CityStats = "application/json"), (String = "text/csv"))),
        (status = 400, description = "invalid_date, invalid_range, invalid_format, invalid_language", body = protocol::ApiError), (status = 401, body = protocol::ApiError)))]
pub async fn city_stats(
    axum::extract::State(city): axum::extract::State<std::sync::Arc<crate::app::App>>,
    staff: Staff,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<axum::response::Response> {
    use axum::response::IntoResponse;
    let lang = csv_language(q.lang.as_deref())?;
    let (from, to) = (parse_date(&q.from)?, parse_date(&q.to)?);
    let mine: Vec<&std::sync::Arc<crate::app::OfficeApp>> = city
        .offices()
        .iter()
        .filter(|o| staff.works_at(&o.office.id))
        .collect();
    let mut all = Vec::with_capacity(mine.len());
    for o in &mine {
        all.push((o.as_ref(), o.day_stats(from, to).await?));
    }
    match q.format.as_deref() {
        None | Some("json") => Ok(Json(protocol::CityStats {
            from,
            to,
            offices: all
                .into_iter()
                .map(|(o, stats)| protocol::OfficeStats {
                    office: o.office.id.clone(),
                    name: o.office.name.clone(),
                    stats,
                })
                .collect(),
        })
        .into_response()),
        Some("csv") => {
            let rows: Vec<(&crate::app::OfficeApp, &protocol::DayStats)> =
                all.iter().map(|(o, s)| (*o, s)).collect();
            Ok(super::console::stats::csv_response(&rows, lang, from, to))
        }
        Some(_) => Err(crate::error::Error::invalid(
            ErrorCode::InvalidFormat,
            "format must be json or csv",
        )),
    }
}

#[utoipa::path(get, path = "/api/v1/offices/{office}/staff/reservations/{id}/details", tag = "staff", security(("bearer" = [])),
    params(("id" = i64, Path, description = "reservation id")),
    responses((status = 200, description = "the family's details (empty when none were given); the view is in the audit log", body = protocol::StaffDetails),
        (status = 403, description = "wrong_department: the family's checklist names none of the clerk's departments", body = protocol::ApiError),
        (status = 404, description = "unknown_reservation", body = protocol::ApiError)))]
pub async fn reservation_details(
    OfficeStaff(app, staff): OfficeStaff,
    OfficePath(id): OfficePath<i64>,
) -> Result<Json<protocol::StaffDetails>> {
    Ok(Json(
        app.staff_details(
            &staff.username,
            &staff.departments,
            id,
            crate::app::DetailsUse::View,
        )
        .await?,
    ))
}

/// A PDF of forms: never cached (it holds a family's details).
fn pdf_response(pdf: Vec<u8>, name: &str) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CACHE_CONTROL, "no-store".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}\""),
            ),
        ],
        pdf,
    )
        .into_response()
}

#[utoipa::path(get, path = "/api/v1/offices/{office}/staff/reservations/{id}/forms", tag = "staff", security(("bearer" = [])),
    params(("id" = i64, Path, description = "reservation id")),
    responses((status = 200, description = "the family's forms of the clerk's departments, pre-filled, one A4 PDF (the print is in the audit log)", content_type = "application/pdf", body = Vec<u8>),
        (status = 403, description = "wrong_department", body = protocol::ApiError),
        (status = 404, description = "unknown_reservation, no_forms", body = protocol::ApiError)))]
pub async fn reservation_forms(
    OfficeStaff(app, staff): OfficeStaff,
    OfficePath(id): OfficePath<i64>,
) -> Result<axum::response::Response> {
    let pdf = app
        .family_forms(&staff.username, &staff.departments, id)
        .await?;
    Ok(pdf_response(pdf, &format!("forms-{id}.pdf")))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormsQuery {
    /// YYYY-MM-DD (office time zone).
    date: String,
    /// A department of the procedures (e.g. 保険年金課), one the clerk is of.
    department: String,
}

#[utoipa::path(get, path = "/api/v1/offices/{office}/staff/forms", tag = "staff", security(("bearer" = [])), params(FormsQuery),
    responses((status = 200, description = "the department's pre-filled forms for every family of the day, one A4 PDF (each family's print is in the audit log)", content_type = "application/pdf", body = Vec<u8>),
        (status = 400, description = "invalid_date, unknown_department", body = protocol::ApiError),
        (status = 403, description = "wrong_department", body = protocol::ApiError),
        (status = 404, description = "no_forms", body = protocol::ApiError)))]
pub async fn day_forms(
    OfficeStaff(app, staff): OfficeStaff,
    ApiQuery(q): ApiQuery<FormsQuery>,
) -> Result<axum::response::Response> {
    let date = parse_date(&q.date)?;
    let pdf = app
        .day_forms(&staff.username, &staff.departments, date, &q.department)
        .await?;
    Ok(pdf_response(pdf, &format!("forms-{date}.pdf")))
}

#[utoipa::path(get, path = "/api/v1/offices/{office}/staff/reservations/{id}/summary.pdf", tag = "staff", security(("bearer" = [])),
    params(("id" = i64, Path, description = "reservation id")),
    responses((status = 200, description = "the family's take-home summary in its language: procedures done at the corner, and for each one left where, what, how and by when (one A4 PDF)", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "unknown_reservation, no_forms (not a booking with the questionnaire)", body = protocol::ApiError)))]
pub async fn reservation_summary(
    OfficeStaff(app, _staff): OfficeStaff,
    OfficePath(id): OfficePath<i64>,
) -> Result<axum::response::Response> {
    let pdf = app.family_summary(id).await?;
    Ok(pdf_response(pdf, &format!("summary-{id}.pdf")))
}
