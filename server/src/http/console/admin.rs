//! Admin page: staff accounts and device tokens (filled by console.js from
//! the admin API) and a read-only view of the office configuration.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use protocol::localized;

use super::{Shell, StaffPage, catalogue, render};
use crate::app::App;
use crate::http::pages::esc;

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn config_html(app: &App, lang: &str) -> String {
    let c = catalogue();
    let t = |id: &str| esc(&c.text(lang, id));
    let o = &app.office;
    let mut out = format!(
        r#"<section class="card" id="config"><h2>{title}</h2>
<dl class="answers"><dt>{tz}</dt><dd>{zone}</dd><dt>URL</dt><dd>{url}</dd><dt>{hours}</dt><dd>{open}</dd></dl>"#,
        title = t("admin-config"),
        tz = t("admin-time-zone"),
        zone = esc(o.time_zone.name()),
        url = esc(&o.public_url),
        hours = t("admin-hours"),
        open = o
            .hours
            .iter()
            .map(|(d, (a, b))| format!(
                "{} {}–{}",
                WEEKDAYS.get(*d as usize).copied().unwrap_or("?"),
                a.format("%H:%M"),
                b.format("%H:%M")
            ))
            .collect::<Vec<_>>()
            .join(", "),
    );
    out.push_str(&format!(
        r#"<table><thead><tr><th scope="col">ID</th><th scope="col">{name}</th><th scope="col">{prefix}</th><th scope="col">{avg}</th><th scope="col">{dept}</th><th scope="col">{place}</th></tr></thead><tbody>"#,
        name = t("stats-service"),
        prefix = t("admin-prefix"),
        avg = t("admin-average"),
        dept = t("admin-department"),
        place = t("admin-location"),
    ));
    for s in &o.services {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.id),
            esc(&localized(&s.name, lang)),
            if s.reservation_only {
                format!(" ({})", t("kiosk-reservation-only-tag"))
            } else {
                String::new()
            },
            esc(&s.prefix),
            s.average_minutes,
            esc(&s.department),
            esc(&localized(&s.location, lang)),
        ));
    }
    out.push_str(&format!(
        r#"</tbody></table><table><thead><tr><th scope="col">ID</th><th scope="col">{booth}</th><th scope="col">{place}</th><th scope="col">{services}</th></tr></thead><tbody>"#,
        booth = t("console-booths"),
        place = t("admin-location"),
        services = t("stats-service"),
    ));
    for b in &o.booths {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&b.id),
            esc(&localized(&b.label, lang)),
            esc(&localized(&b.location, lang)),
            esc(&b.services.join(", ")),
        ));
    }
    out.push_str("</tbody></table></section>");
    out
}

pub async fn page(State(app): State<Arc<App>>, page: StaffPage) -> Response {
    let c = catalogue();
    let lang = page.lang;
    let t = |id: &str| esc(&c.text(lang, id));
    if page.session.role != crate::rules::input::StaffRole::Admin {
        let html = render(
            &app,
            Shell {
                lang,
                title: c.text(lang, "admin-only"),
                page: "forbidden",
                session: Some(&page.session),
                data: String::new(),
                body: String::new(),
                texts: serde_json::json!({}),
            },
        );
        return (StatusCode::FORBIDDEN, Html(html)).into_response();
    }
    let body = format!(
        r#"<div class="columns">
<section class="card"><h2>{users}</h2>
<table id="users"><tbody></tbody></table>
<form id="user-form" class="stack">
<label for="new-username">{username}</label><input id="new-username" required maxlength="100" autocomplete="off">
<label for="new-password">{password}</label><input id="new-password" type="password" required minlength="8" maxlength="1024" autocomplete="new-password">
<label for="new-role">{role}</label><select id="new-role"><option value="staff">staff</option><option value="admin">admin</option></select>
<button type="submit" id="add-user" class="primary">{add_user}</button>
</form></section>
<section class="card"><h2>{devices}</h2>
<table id="devices"><tbody></tbody></table>
<form id="device-form" class="stack">
<label for="new-device">{device_name}</label><input id="new-device" required maxlength="100" autocomplete="off">
<label for="new-device-role">{role}</label><select id="new-device-role"><option value="kiosk">kiosk</option><option value="board">board</option></select>
<button type="submit" id="add-device" class="primary">{add_device}</button>
</form>
<div id="new-token" class="card" hidden><p>{token_once}</p><code id="token"></code></div>
</section>
</div>
{config}"#,
        users = t("admin-users"),
        username = t("console-username"),
        password = t("console-password"),
        role = t("admin-role"),
        add_user = t("admin-add-user"),
        devices = t("admin-devices"),
        device_name = t("admin-device-name"),
        add_device = t("admin-add-device"),
        token_once = t("admin-token-once"),
        config = config_html(&app, lang),
    );
    let mut texts = serde_json::Map::new();
    for key in ["active", "inactive", "deactivate", "revoke"] {
        texts.insert(key.into(), c.text(lang, &format!("admin-{key}")).into());
    }
    texts.insert(
        "error".into(),
        c.text_with(
            lang,
            "console-error",
            &[("reason", messages::Arg::Str("{reason}"))],
        )
        .into(),
    );
    texts.insert("me".into(), page.session.username.clone().into());
    let html = render(
        &app,
        Shell {
            lang,
            title: c.text(lang, "console-admin"),
            page: "admin",
            session: Some(&page.session),
            data: String::new(),
            body,
            texts: texts.into(),
        },
    );
    Html(html).into_response()
}
