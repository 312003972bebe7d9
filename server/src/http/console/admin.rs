//! Admin page: staff accounts and device tokens (filled by console.js from
//! the admin API) and a read-only view of the office configuration.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use protocol::localized;

use super::{BodyData, Shell, StaffPage, catalogue, render};
use crate::app::App;
use maud::{Markup, html};

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Every office's configuration, in the city file's order.
fn config_html(app: &App, lang: &str) -> Markup {
    let c = catalogue();
    html! {
        section #config .card {
            h2 { (c.text(lang, "admin-config")) }
            @for o in &app.city.offices {
                (office_config_html(o, lang))
            }
        }
    }
}

fn office_config_html(o: &crate::config::Office, lang: &str) -> Markup {
    let c = catalogue();
    let t = |id: &str| c.text(lang, id);
    let hours = o
        .hours
        .iter()
        .map(|(d, (a, b))| {
            format!(
                "{} {}–{}",
                WEEKDAYS.get(*d as usize).copied().unwrap_or("?"),
                a.format("%H:%M"),
                b.format("%H:%M")
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    html! {
        div.office-config id={ "config-" (o.id) } {
            h3 { (localized(&o.name, lang)) " (" (o.id) ")" }
            dl.answers {
                dt { (t("admin-time-zone")) } dd { (o.time_zone.name()) }
                dt { "URL" } dd { (o.public_url) }
                dt { (t("admin-hours")) } dd { (hours) }
            }
            table {
                thead {
                    tr {
                        th scope="col" { "ID" }
                        th scope="col" { (t("stats-service")) }
                        th scope="col" { (t("admin-prefix")) }
                        th scope="col" { (t("admin-average")) }
                        th scope="col" { (t("admin-department")) }
                        th scope="col" { (t("admin-location")) }
                    }
                }
                tbody {
                    @for s in &o.services {
                        tr {
                            td { (s.id) }
                            td {
                                (localized(&s.name, lang))
                                @if s.reservation_only { " (" (t("kiosk-reservation-only-tag")) ")" }
                            }
                            td { (s.prefix) }
                            td { (s.average_minutes) }
                            td { (s.department) }
                            td { (localized(&s.location, lang)) }
                        }
                    }
                }
            }
            table {
                thead {
                    tr {
                        th scope="col" { "ID" }
                        th scope="col" { (t("console-booths")) }
                        th scope="col" { (t("admin-location")) }
                        th scope="col" { (t("stats-service")) }
                    }
                }
                tbody {
                    @for b in &o.booths {
                        tr {
                            td { (b.id) }
                            td { (localized(&b.label, lang)) }
                            td { (localized(&b.location, lang)) }
                            td { (b.services.join(", ")) }
                        }
                    }
                }
            }
        }
    }
}

pub async fn page(State(app): State<Arc<App>>, page: StaffPage) -> Response {
    let c = catalogue();
    let lang = page.lang;
    let t = |id: &str| c.text(lang, id);
    if page.session.role != crate::rules::input::StaffRole::Admin {
        let html = render(
            &app,
            None,
            Shell {
                lang,
                title: c.text(lang, "admin-only"),
                page: "forbidden",
                session: Some(&page.session),
                data: BodyData::default(),
                body: html! {},
                texts: serde_json::json!({}),
            },
        );
        return (StatusCode::FORBIDDEN, Html(html)).into_response();
    }
    let body = html! {
        div.columns {
            section.card {
                h2 { (t("admin-users")) }
                table #users { tbody {} }
                form #user-form .stack {
                    label for="new-username" { (t("console-username")) }
                    input #new-username required maxlength="100" autocomplete="off";
                    label for="new-password" { (t("console-password")) }
                    input #new-password type="password" required minlength="8" maxlength="1024" autocomplete="new-password";
                    label for="new-role" { (t("admin-role")) }
                    select #new-role { option value="staff" { "staff" } option value="admin" { "admin" } }
                    fieldset #new-offices {
                        legend { (t("admin-offices")) }
                        @for o in &app.city.offices {
                            label.radio { input type="checkbox" name="office" value=(o.id) checked[app.city.offices.len() == 1]; " " (localized(&o.name, lang)) }
                        }
                    }
                    fieldset #new-departments {
                        legend { (t("admin-departments")) }
                        @for d in crate::app::city_departments(&app.city) {
                            label.radio { input type="checkbox" name="department" value=(d); " " (d) }
                        }
                    }
                    button #add-user .primary type="submit" { (t("admin-add-user")) }
                }
            }
            section.card {
                h2 { (t("admin-devices")) }
                table #devices { tbody {} }
                form #device-form .stack {
                    label for="new-device" { (t("admin-device-name")) }
                    input #new-device required maxlength="100" autocomplete="off";
                    label for="new-device-role" { (t("admin-role")) }
                    select #new-device-role { option value="kiosk" { "kiosk" } option value="board" { "board" } }
                    button #add-device .primary type="submit" { (t("admin-add-device")) }
                }
                div #new-token .card hidden { p { (t("admin-token-once")) } code #token {} }
            }
        }
        (config_html(&app, lang))
    };
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
        None,
        Shell {
            lang,
            title: c.text(lang, "console-admin"),
            page: "admin",
            session: Some(&page.session),
            data: BodyData::default(),
            body,
            texts: texts.into(),
        },
    );
    Html(html).into_response()
}
