//! Accessibility of the staff console, the web board and the phone status page: axe-core (npm,
//! pinned in `server/tests/a11y`, installed by scripts/setup.sh) runs in
//! real Chromium on each page; no serious or critical violation may remain.

use fantoccini::Client;

use crate::browser::browser_sized;
use crate::helpers::*;

fn axe_source() -> String {
    let path = std::env::var("MADOGUCHI_AXE_JS").unwrap_or_else(|_| {
        format!(
            "{}/.cache/madoguchi/a11y/node_modules/axe-core/axe.min.js",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("axe-core not found at {path} ({e}): run scripts/test, which installs it (npm)")
    })
}

/// Serious and critical violations on the current page, as readable lines.
async fn violations(c: &Client, axe: &str) -> Vec<String> {
    c.execute(axe, vec![]).await.expect("load axe-core");
    let result = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               axe.run(document, { resultTypes: ["violations"] }).then((r) => done(r.violations), (e) => done(String(e)));"#,
            vec![],
        )
        .await
        .expect("axe.run");
    let list = result
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("axe failed: {result}"));
    list.iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .map(|v| {
            let targets: Vec<String> = v["nodes"]
                .as_array()
                .map(|n| n.iter().map(|x| x["target"].to_string()).collect())
                .unwrap_or_default();
            format!(
                "{} ({}): {} at {}",
                v["id"],
                v["impact"],
                v["help"],
                targets.join(", ")
            )
        })
        .collect()
}

#[tokio::test]
async fn console_pages_have_no_serious_accessibility_violations() {
    let axe = axe_source();
    let t = spawn_app().await;
    let hash = madoguchi_server::auth::hash_password("admin-password-1").expect("hash");
    t.app
        .store
        .add_user("kanri", &hash, "admin", &[], &[], chrono::Utc::now())
        .await
        .expect("admin");
    let ticket = t.walk_in(&["shomei"], "v1").await.expect("ticket");
    let status_page = format!("/t/{}", ticket.status_token);
    let booked = t
        .book("okuyami", "2026-12-01T13:30:00+09:00")
        .await
        .expect("book");
    let reservation_page = format!("/r/{}", booked.token);
    t.staff.booth_action("1", "open").await.expect("open");
    let (c, _driver, _profile) = browser_sized(1366, 768).await;
    // The checker itself can fail: a page with an unlabelled image and button.
    c.goto("data:text/html,<html lang=en><title>x</title><main><img src=a.png><button></button></main></html>")
        .await
        .expect("page");
    let bad = violations(&c, &axe).await;
    assert!(
        bad.iter().any(|v| v.contains("image-alt"))
            && bad.iter().any(|v| v.contains("button-name")),
        "axe finds known problems: {bad:?}"
    );
    let mut found = Vec::new();
    for (path, ready) in [
        ("/board", "number"),
        (status_page.as_str(), "status"),
        (reservation_page.as_str(), "reservation"),
        ("/congestion", "congestion"),
        ("/book", "services"),
        ("/book/honcho/okuyami", "days"),
        (
            "/book/honcho/okuyami/form?start=2026-12-02T10%3A30%3A00%2B09%3A00",
            "book-form",
        ),
        // Last: the login form is used next.
        ("/staff/login", "login"),
    ] {
        c.goto(&t.url(path)).await.expect("page");
        c.wait()
            .for_element(fantoccini::Locator::Id(ready))
            .await
            .expect("ready");
        for v in violations(&c, &axe).await {
            found.push(format!("{path}: {v}"));
        }
    }
    // Log in as the admin, who sees every console page.
    c.find(fantoccini::Locator::Id("username"))
        .await
        .expect("u")
        .send_keys("kanri")
        .await
        .expect("type");
    c.find(fantoccini::Locator::Id("password"))
        .await
        .expect("p")
        .send_keys("admin-password-1")
        .await
        .expect("type");
    c.find(fantoccini::Locator::Id("login-button"))
        .await
        .expect("b")
        .click()
        .await
        .expect("click");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !c
        .current_url()
        .await
        .expect("url")
        .path()
        .starts_with("/staff/honcho")
    {
        assert!(std::time::Instant::now() < deadline, "login did not finish");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    for (path, ready) in [
        ("/staff", "booth-1"),
        ("/staff/honcho/booths/1", "waiting"),
        ("/staff/honcho/reservations", "reservations"),
        ("/staff/honcho/stats", "stats-table"),
        ("/staff/admin", "users"),
        ("/staff/honcho/prep", "prep"),
    ] {
        c.goto(&t.url(path)).await.expect("page");
        c.wait()
            .for_element(fantoccini::Locator::Id(ready))
            .await
            .expect("ready");
        // Let the script fill the page from the API.
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        for v in violations(&c, &axe).await {
            found.push(format!("{path}: {v}"));
        }
    }
    c.close().await.expect("close");
    assert!(
        found.is_empty(),
        "accessibility violations:\n{}",
        found.join("\n")
    );
}
