//! The family's details for the pre-filled forms (issue 20): given once
//! with the おくやみ booking, every field checked with a 400 naming it,
//! sealed with the details key before they reach the database (a copy of
//! the database alone reveals none of them), never in events or the
//! token holder's answers, erased at retention; a server with another
//! key refuses to start.

use madoguchi_server::startup::Server;
use serde_json::{Value, json};

use crate::helpers::*;

const SLOT: &str = "2026-12-01T13:30:00+09:00";

/// Every detail, each a text that appears nowhere else in the database.
fn details() -> Value {
    json!({
        "deceased": {
            "name": "御手洗 太郎兵衛", "kana": "ミタライ タロベエ",
            "birth_date": "1940-04-01", "death_date": "2026-11-28",
            "address": "みどり市桜ヶ丘9-8-7"
        },
        "applicant": {
            "name": "御手洗 花子", "kana": "ミタライ ハナコ",
            "address": "あおば市若葉台6-5-4", "phone": "090-9876-5432",
            "relationship": "長女"
        },
        "refund_account": {
            "bank": "みどり信用金庫", "branch": "桜ヶ丘支店", "kind": "ordinary",
            "number": "7654321", "holder_kana": "ミタライ ハナコ"
        }
    })
}

/// The texts of `details()` that must never be found in plain text.
const SECRETS: [&str; 11] = [
    "御手洗",
    "ミタライ",
    "タロベエ",
    "桜ヶ丘9-8-7",
    "若葉台6-5-4",
    "090-9876-5432",
    "長女",
    "みどり信用金庫",
    "桜ヶ丘支店",
    "7654321",
    "1940-04-01",
];

async fn book(t: &TestApp, service: &str, start: &str, details: Value) -> reqwest::Response {
    t.http()
        .post(t.url("/api/v1/offices/honcho/reservations"))
        .json(&json!({
            "service": service, "start": start, "name": "申込 一郎",
            "phone": "090-0000-1111", "details": details
        }))
        .send()
        .await
        .expect("post")
}

/// A family booked for the おくやみ slot at `start` with `answers` and
/// every detail; its reservation id and token.
async fn book_family(t: &TestApp, start: &str, answers: Value) -> (i64, String) {
    let r = t
        .http()
        .post(t.url("/api/v1/offices/honcho/reservations"))
        .json(&json!({
            "service": "okuyami", "start": start, "name": "申込 一郎", "phone": "090-0000-1111",
            "answers": answers, "details": details()
        }))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.expect("json");
    (
        v["id"].as_i64().expect("id"),
        v["token"].as_str().expect("token").to_string(),
    )
}

async fn error_of(r: reqwest::Response) -> (u16, String, Option<String>) {
    let status = r.status().as_u16();
    let body: Value = r.json().await.expect("json");
    (
        status,
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        body["error"]["field"].as_str().map(str::to_string),
    )
}

/// Every byte the database keeps: SQLite's files, or on PostgreSQL every
/// row of every table as text.
async fn everything_stored(t: &TestApp) -> String {
    if on_postgres() {
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()",
        )
        .fetch_all(t.app.store.pool())
        .await
        .expect("tables");
        let mut all = String::new();
        for table in tables {
            let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT CAST(t AS text) FROM {table} t"
            )))
            .fetch_all(t.app.store.pool())
            .await
            .expect("rows");
            all.push_str(&rows.join("\n"));
        }
        return all;
    }
    let mut all = Vec::new();
    for entry in std::fs::read_dir(&t.data).expect("data dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("madoguchi.db") {
            all.extend(std::fs::read(&path).expect("read"));
        }
    }
    String::from_utf8_lossy(&all).into_owned()
}

#[tokio::test]
async fn the_details_are_sealed_before_they_reach_the_database() {
    let t = spawn_app().await;
    let r = book(&t, "okuyami", SLOT, details()).await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.expect("json");
    // The token holder's view and the booking's answer carry no details.
    let token = created["token"].as_str().expect("token");
    let seen = t
        .http()
        .get(t.url(&format!("/api/v1/reservations/{token}")))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    for text in [created.to_string(), seen] {
        for secret in SECRETS {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
    // Sealed: one stored value, base64, that opens with the key only.
    let id = created["id"].as_i64().expect("id");
    let row = t
        .app
        .store
        .at_office("honcho")
        .reservation_by_id(id)
        .await
        .expect("query")
        .expect("row");
    let sealed = row.sealed_details.expect("details stored");
    let opened: Value =
        serde_json::from_slice(&t.app.vault.open(&sealed).expect("opens with the key"))
            .expect("json");
    assert_eq!(opened, details());
    let stored = everything_stored(&t).await;
    assert!(stored.contains(&sealed[..40]), "the sealed value is stored");
    for secret in SECRETS {
        assert!(!stored.contains(secret), "{secret} in the database");
    }
    // The name and phone of the booking itself are stored as before.
    assert!(stored.contains("申込 一郎"));
}

#[tokio::test]
async fn every_bad_detail_gets_a_400_naming_its_field_and_nothing_is_booked() {
    let t = spawn_app().await;
    let with = |group: &str, field: &str, value: Value| {
        let mut d = details();
        d[group][field] = value;
        d
    };
    let cases = [
        (
            with("deceased", "kana", json!("みたらい たろべえ")),
            "details.deceased.kana",
        ),
        (
            with("deceased", "birth_date", json!("1940-02-30")),
            "details.deceased.birth_date",
        ),
        (
            with("deceased", "death_date", json!("2026-12-02")),
            "details.deceased.death_date",
        ),
        (
            with("deceased", "death_date", json!("1939-01-01")),
            "details.deceased.death_date",
        ),
        (
            with("deceased", "name", json!("x".repeat(61))),
            "details.deceased.name",
        ),
        (
            with("deceased", "address", json!("改行\nあり")),
            "details.deceased.address",
        ),
        (
            with("applicant", "phone", json!("いつでも")),
            "details.applicant.phone",
        ),
        (
            with("applicant", "kana", json!("Hanako")),
            "details.applicant.kana",
        ),
        (
            with("refund_account", "kind", json!("checking")),
            "details.refund_account.kind",
        ),
        (
            with("refund_account", "number", json!("765432")),
            "details.refund_account.number",
        ),
        (
            with("refund_account", "number", json!("765432a")),
            "details.refund_account.number",
        ),
        (
            with("refund_account", "holder_kana", json!("ﾐﾀﾗｲ")),
            "details.refund_account.holder_kana",
        ),
    ];
    for (d, field) in cases {
        let got = error_of(book(&t, "okuyami", SLOT, d.clone()).await).await;
        assert_eq!(
            got,
            (400, "invalid_details".into(), Some(field.into())),
            "{d}"
        );
    }
    // Details for a procedure without the questionnaire.
    let got = error_of(book(&t, "juminido", "2026-12-02T10:00:00+09:00", details()).await).await;
    assert_eq!(got, (400, "invalid_details".into(), Some("details".into())));
    // A field the contract does not have.
    let got = error_of(book(&t, "okuyami", SLOT, json!({ "deceased": { "age": 86 } })).await).await;
    assert_eq!((got.0, got.1.as_str()), (400, "invalid_body"));
    let booked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reservations")
        .fetch_one(t.app.store.pool())
        .await
        .expect("count");
    assert_eq!(booked, 0, "no refused booking was made");
    // Blank fields are absent: nothing is sealed for them.
    let r = book(&t, "okuyami", SLOT, json!({ "deceased": { "name": "  " } })).await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    let row = t
        .app
        .store
        .at_office("honcho")
        .reservation_by_id(id)
        .await
        .expect("query")
        .expect("row");
    assert_eq!(row.sealed_details, None);
}

#[tokio::test]
async fn the_details_are_erased_at_retention_with_the_rest() {
    let dir = tempfile::tempdir().expect("dir");
    {
        let t = spawn_with(office(), TUESDAY_1005, Some(dir.path())).await;
        assert_eq!(book(&t, "okuyami", SLOT, details()).await.status(), 201);
    }
    // 31 days later (retention: 30 days) the server purges at start.
    let t = spawn_with(office(), "2027-01-01T10:05:00+09:00", Some(dir.path())).await;
    let left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM reservations WHERE details IS NOT NULL")
            .fetch_one(t.app.store.pool())
            .await
            .expect("count");
    assert_eq!(left, 0);
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reservations")
        .fetch_one(t.app.store.pool())
        .await
        .expect("count");
    assert_eq!(kept, 1, "the booking itself stays for statistics");
}

#[tokio::test]
async fn a_server_with_another_key_refuses_to_start_and_says_why() {
    let dir = tempfile::tempdir().expect("dir");
    drop(spawn_with(office(), TUESDAY_1005, Some(dir.path())).await);
    let other = tempfile::tempdir().expect("other key");
    let refused = Server::build(
        madoguchi_server::config::City::of(office()),
        dir.path().to_path_buf(),
        test_database(dir.path()),
        "127.0.0.1:0".parse().expect("addr"),
        madoguchi_server::clock::Clock::system(),
        &other.path().join("details.key"),
    )
    .await;
    let why = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        why.contains("is not the key this database's family details were sealed with"),
        "{why}"
    );
}

/// A staff member of `departments`, logged in.
async fn clerk(t: &TestApp, name: &str, role: &str, departments: &[&str]) -> String {
    let departments: Vec<String> = departments.iter().map(|d| d.to_string()).collect();
    t.app
        .accounts
        .add_user(name, STAFF_PASSWORD, role, &[], &departments)
        .await
        .expect("user added");
    let session = t.public.login(name, STAFF_PASSWORD).await.expect("login");
    assert_eq!(session.departments, departments);
    session.token
}

async fn details_for(token: &str, t: &TestApp, id: i64) -> reqwest::Response {
    t.http()
        .get(t.url(&format!(
            "/api/v1/offices/honcho/staff/reservations/{id}/details"
        )))
        .bearer_auth(token)
        .send()
        .await
        .expect("get")
}

/// The details a clerk sees of a family, as JSON.
async fn details_seen(token: &str, t: &TestApp, id: i64) -> Value {
    let seen: protocol::StaffDetails = details_for(token, t, id).await.json().await.expect("json");
    serde_json::to_value(&seen.details).expect("json")
}

#[tokio::test]
async fn only_clerks_of_the_familys_departments_see_the_details_and_every_view_is_audited() {
    let t = spawn_app().await;
    // A family on 国民健康保険: its checklist sends it to 保険年金課 (and
    // 市民課), not to 農業委員会.
    let (id, _) = book_family(&t, SLOT, json!({ "insurance": "kokuho" })).await;

    let hoken = clerk(&t, "hoken", "staff", &["保険年金課"]).await;
    let nogyo = clerk(&t, "nogyo", "staff", &["農業委員会"]).await;
    let kanri = clerk(&t, "kanri", "admin", &[]).await;
    for _ in 0..2 {
        let r = details_for(&hoken, &t, id).await;
        assert_eq!(r.status(), 200);
        let seen: protocol::StaffDetails = r.json().await.expect("json");
        assert_eq!(seen.departments, ["保険年金課"]);
        assert_eq!(
            serde_json::to_value(&seen.details).expect("json"),
            details()
        );
    }
    // Another department, a clerk of none, an admin of none: refused.
    for c in [&nogyo, &t.session.token, &kanri] {
        assert_eq!(
            error_of(details_for(c, &t, id).await).await,
            (403, "wrong_department".into(), None)
        );
    }
    assert_eq!(
        error_of(details_for(&hoken, &t, id + 100).await).await.0,
        404
    );
    // The audit log: the two views, who and which — and not the details.
    let log: Vec<protocol::DetailsAuditEntry> = t
        .http()
        .get(t.url("/api/v1/admin/details-audit?date=2026-12-01"))
        .bearer_auth(&kanri)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let seen: Vec<(&str, &str, i64, &str)> = log
        .iter()
        .map(|e| {
            (
                e.username.as_str(),
                e.office.as_str(),
                e.reservation_id,
                e.action.as_str(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("hoken", "honcho", id, "view"),
            ("hoken", "honcho", id, "view")
        ]
    );
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT username || ' ' || action || ' ' || at FROM details_audit")
            .fetch_all(t.app.store.pool())
            .await
            .expect("audit rows");
    for secret in SECRETS {
        assert!(
            rows.iter().all(|r| !r.contains(secret)),
            "{secret} in the audit log"
        );
    }
    // A clerk cannot read the audit log; an unknown department is refused.
    let r = t
        .http()
        .get(t.url("/api/v1/admin/details-audit?date=2026-12-01"))
        .bearer_auth(&hoken)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 403);
    let r = t
        .http()
        .post(t.url("/api/v1/admin/users"))
        .bearer_auth(&kanri)
        .json(&json!({ "username": "x", "password": "long-enough-1", "role": "staff", "departments": ["宇宙課"] }))
        .send()
        .await
        .expect("post");
    assert_eq!(error_of(r).await, (400, "unknown_department".into(), None));
}

/// Runs a poppler tool on a PDF; its stdout.
fn poppler(tool: &str, pdf: &[u8], args: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("forms.pdf");
    std::fs::write(&path, pdf).expect("pdf");
    let out = std::process::Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| {
            panic!("{tool} (Debian poppler-utils; scripts/setup.sh installs it): {e}")
        });
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn get_pdf(t: &TestApp, token: &str, path: &str) -> reqwest::Response {
    t.http()
        .get(t.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("get")
}

#[tokio::test]
async fn each_department_prints_its_forms_pre_filled_with_fonts_embedded() {
    let t = spawn_app().await;
    // On 国民健康保険, the head of a household of several: 保険年金課 has
    // two forms for this family (資格喪失届, 葬祭費), 市民課 one (世帯主変更).
    let answers = json!({ "insurance": "kokuho", "was_head": "yes", "household": "two_or_more" });
    let (id, _) = book_family(&t, SLOT, answers).await;
    let hoken = clerk(&t, "hoken", "staff", &["保険年金課"]).await;
    let shimin = clerk(&t, "shimin", "staff", &["市民課"]).await;
    let nogyo = clerk(&t, "nogyo", "staff", &["農業委員会"]).await;

    let r = get_pdf(
        &t,
        &hoken,
        &format!("/api/v1/offices/honcho/staff/reservations/{id}/forms"),
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let pdf = r.bytes().await.expect("pdf").to_vec();
    let info = poppler("pdfinfo", &pdf, &[]);
    assert!(
        info.lines()
            .any(|l| l.split_whitespace().eq(["Pages:", "2"])),
        "{info}"
    );
    assert!(info.contains("595.276 x 841.89 pts (A4)"), "{info}");
    // pdftotext puts spaces between Latin digits and kanji (2026 年): the
    // text is compared without any.
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    let text = squeeze(&poppler("pdftotext", &pdf, &["-layout"]));
    for filled in [
        "国民健康保険 資格喪失届",
        "国民健康保険 葬祭費支給申請書",
        "ミタライ タロベエ",
        "御手洗 太郎兵衛",
        "1940年4月1日",
        "2026年11月28日",
        "みどり市桜ヶ丘9-8-7",
        "御手洗 花子",
        "長女",
        "090-9876-5432",
        "みどり信用金庫",
        "桜ヶ丘支店",
        "普通",
        "7654321",
        "ミタライ ハナコ",
        "2026年12月1日",
        "署名",
        "公式の様式ではありません",
    ] {
        assert!(text.contains(&squeeze(filled)), "{filled:?} not in\n{text}");
    }
    assert!(
        !text.contains("世帯主変更"),
        "市民課's form is not 保険年金課's"
    );
    // Every font embedded (Japanese printed as is on any printer).
    let fonts = poppler("pdffonts", &pdf, &[]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type encoding emb sub uni object ID: emb is the 4th from the end …
        let emb = cols[cols.len() - 5];
        assert_eq!(emb, "yes", "not embedded: {row}");
    }
    // A page to look at (a test artefact).
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("forms");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("family.pdf"), &pdf).expect("write");
    let png = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1"])
        .arg(dir.join("family.pdf"))
        .arg(dir.join("family"))
        .status()
        .expect("pdftoppm");
    assert!(png.success());

    // 市民課's preparation of the day: this family's 世帯主変更 only.
    let r = get_pdf(
        &t,
        &shimin,
        &format!(
            "/api/v1/offices/honcho/staff/forms?date=2026-12-01&department={}",
            percent("市民課")
        ),
    )
    .await;
    assert_eq!(r.status(), 200);
    let day = poppler("pdftotext", &r.bytes().await.expect("pdf"), &["-layout"]);
    assert!(
        day.contains("住民異動届（世帯主変更）") && day.contains("御手洗 花子"),
        "{day}"
    );
    assert!(!day.contains("葬祭費"), "{day}");
    // Refusals: another department's day, an unknown one, a family of
    // none of the clerk's departments, a day without families.
    let r = get_pdf(
        &t,
        &hoken,
        &format!(
            "/api/v1/offices/honcho/staff/forms?date=2026-12-01&department={}",
            percent("市民課")
        ),
    )
    .await;
    assert_eq!(error_of(r).await, (403, "wrong_department".into(), None));
    let r = get_pdf(
        &t,
        &hoken,
        &format!(
            "/api/v1/offices/honcho/staff/forms?date=2026-12-01&department={}",
            percent("宇宙課")
        ),
    )
    .await;
    assert_eq!(error_of(r).await, (400, "unknown_department".into(), None));
    let r = get_pdf(
        &t,
        &nogyo,
        &format!("/api/v1/offices/honcho/staff/reservations/{id}/forms"),
    )
    .await;
    assert_eq!(error_of(r).await, (403, "wrong_department".into(), None));
    let r = get_pdf(
        &t,
        &shimin,
        &format!(
            "/api/v1/offices/honcho/staff/forms?date=2026-12-02&department={}",
            percent("市民課")
        ),
    )
    .await;
    assert_eq!(error_of(r).await, (404, "no_forms".into(), None));
    // Each print is in the audit log, and nothing else was.
    let kanri = clerk(&t, "kanri", "admin", &[]).await;
    let log: Vec<protocol::DetailsAuditEntry> =
        get_pdf(&t, &kanri, "/api/v1/admin/details-audit?date=2026-12-01")
            .await
            .json()
            .await
            .expect("json");
    let seen: Vec<(&str, i64, &str)> = log
        .iter()
        .map(|e| (e.username.as_str(), e.reservation_id, e.action.as_str()))
        .collect();
    assert_eq!(seen, [("hoken", id, "print"), ("shimin", id, "print")]);
}

#[tokio::test]
async fn the_family_takes_home_a_summary_of_what_was_done_and_what_is_left_in_its_language() {
    let t = spawn_app().await;
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    let mut texts = Vec::new();
    for lang in ["ja", "vi"] {
        let r = t
            .http()
            .post(t.url("/api/v1/offices/honcho/reservations"))
            .json(&json!({
                "service": "okuyami", "start": SLOT, "name": "申込 一郎", "phone": "090-0000-1111",
                "language": lang,
                "answers": { "insurance": "kokuho", "was_head": "yes", "household": "two_or_more" }
            }))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 201);
        let id = r.json::<Value>().await.expect("json")["id"]
            .as_i64()
            .expect("id");
        // Any clerk of the office prints it: it holds no family details.
        let r = get_pdf(
            &t,
            &t.session.token,
            &format!("/api/v1/offices/honcho/staff/reservations/{id}/summary.pdf"),
        )
        .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let pdf = r.bytes().await.expect("pdf").to_vec();
        let fonts = poppler("pdffonts", &pdf, &[]);
        assert!(
            fonts
                .lines()
                .skip(2)
                .all(|row| row.split_whitespace().rev().nth(4) == Some("yes")),
            "{fonts}"
        );
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("forms");
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join(format!("summary-{lang}.pdf")), &pdf).expect("write");
        texts.push(squeeze(&poppler("pdftotext", &pdf, &["-layout"])));
    }
    let (ja, vi) = (&texts[0], &texts[1]);
    // Done at the corner, then each procedure left: where, what, how, by when.
    let done = ja
        .find("本日、おくやみコーナーで済んだ手続き")
        .expect("done heading");
    let left = ja
        .find("これから、担当の窓口で行う手続き")
        .expect("left heading");
    assert!(done < left, "{ja}");
    let after = |s: &str| {
        ja.find(&squeeze(s))
            .unwrap_or_else(|| panic!("{s:?} not in {ja}"))
    };
    assert!(
        after("世帯主変更届") < left,
        "世帯主変更 is done at the corner: {ja}"
    );
    for (text, _) in [
        ("国民健康保険 葬祭費の申請", ()),
        ("1階 保険年金課 6番窓口", ()),
        ("葬祭費支給申請書（5万円）", ()),
        ("葬儀の翌日から2年", ()),
    ] {
        assert!(after(text) > left, "{text} is left to do: {ja}");
    }
    assert!(
        ja.contains("申込一郎") && ja.contains("2026年12月1日"),
        "{ja}"
    );
    // In Vietnamese, with the Japanese title of what is left beside it.
    // (pdftotext garbles some stacked diacritics, ầ as ầễ: the texts
    // checked are ones it reads back whole; the page itself is right.)
    for text in [
        "Thủ tục đã xong hôm nay tại",
        "Thủ tục còn phải làm tại",
        "Trong vòng 14 ngày",
        "（国民健康保険 葬祭費の申請）",
        "2026-12-01",
    ] {
        assert!(vi.contains(&squeeze(text)), "{text:?} not in {vi}");
    }
}

#[tokio::test]
async fn the_prep_page_offers_the_forms_to_the_departments_clerks_only() {
    let t = spawn_app().await;
    book_family(&t, SLOT, json!({ "insurance": "kokuho" })).await;
    let hoken = clerk(&t, "hoken", "staff", &["保険年金課"]).await;
    let nogyo = clerk(&t, "nogyo", "staff", &["農業委員会"]).await;
    let page = |token: String| {
        let t = &t;
        async move {
            t.http()
                .get(t.url(&format!(
                    "/staff/honcho/prep?date=2026-12-01&department={}",
                    percent("保険年金課")
                )))
                .header("cookie", format!("madoguchi_session={token}"))
                .send()
                .await
                .expect("page")
                .text()
                .await
                .expect("html")
        }
    };
    let theirs = page(hoken).await;
    assert_eq!(theirs.matches("id=\"print-forms\"").count(), 1, "{theirs}");
    assert!(theirs.contains("action=\"/api/v1/offices/honcho/staff/forms\""));
    assert_eq!(
        theirs
            .matches("class=\"button print-family-forms\"")
            .count(),
        1
    );
    assert_eq!(theirs.matches("class=\"button print-summary\"").count(), 1);
    let not_theirs = page(nogyo).await;
    assert_eq!(not_theirs.matches("id=\"print-forms\"").count(), 0);
    assert_eq!(not_theirs.matches("print-family-forms").count(), 0);
    assert_eq!(
        not_theirs.matches("class=\"button print-summary\"").count(),
        1
    );
    // No detail is on the page: only names and procedures.
    for secret in SECRETS {
        assert!(!theirs.contains(secret), "{secret} on the prep page");
    }
}

async fn put_details(t: &TestApp, token: &str, body: Value) -> reqwest::Response {
    t.http()
        .put(t.url(&format!("/api/v1/reservations/{token}/details")))
        .json(&body)
        .send()
        .await
        .expect("put")
}

#[tokio::test]
async fn the_family_corrects_its_details_until_the_day_before_and_never_reads_them_back() {
    let t = spawn_app().await;
    let book_on = |start: &'static str| book_family(&t, start, json!({ "insurance": "kokuho" }));
    // Tomorrow's booking: today it can still be changed.
    let (id, token) = book_on("2026-12-02T09:00:00+09:00").await;
    let mut corrected = details();
    corrected["applicant"]["phone"] = json!("080-1111-2222");
    // 国保's 葬祭費 is on this family's checklist: its form needs the account.
    let mut no_account = corrected.clone();
    no_account
        .as_object_mut()
        .expect("object")
        .remove("refund_account");
    assert_eq!(
        error_of(put_details(&t, &token, no_account).await).await,
        (
            400,
            "invalid_details".into(),
            Some("details.refund_account.bank".into())
        )
    );
    let r = put_details(&t, &token, corrected.clone()).await;
    assert_eq!(r.status(), 200);
    let receipt: Value = r.json().await.expect("json");
    assert_eq!(
        receipt,
        json!({ "deceased": true, "applicant": true, "refund_account": true, "changeable_until": "2026-12-01" })
    );
    assert!(
        !receipt.to_string().contains("080-1111-2222"),
        "values are not sent back"
    );
    let hoken = clerk(&t, "hoken", "staff", &["保険年金課"]).await;
    assert_eq!(details_seen(&hoken, &t, id).await, corrected);
    // A bad field is named; nothing changes.
    let mut bad = corrected.clone();
    bad["applicant"]["phone"] = json!("いつでも");
    assert_eq!(
        error_of(put_details(&t, &token, bad).await).await,
        (
            400,
            "invalid_details".into(),
            Some("details.applicant.phone".into())
        )
    );
    // An empty set erases them.
    let r = put_details(&t, &token, json!({})).await;
    assert_eq!(r.status(), 200);
    let row = t
        .app
        .store
        .at_office("honcho")
        .reservation_by_id(id)
        .await
        .expect("query")
        .expect("row");
    assert_eq!(row.sealed_details, None);
    // On the day of the visit it is the clerk's to change.
    let (_, today) = book_on(SLOT).await;
    assert_eq!(
        error_of(put_details(&t, &today, details()).await).await,
        (409, "details_closed".into(), None)
    );
    // A cancelled booking, an unknown code.
    t.public
        .cancel_reservation(&token)
        .await
        .expect("cancelled");
    assert_eq!(
        error_of(put_details(&t, &token, details()).await).await,
        (409, "cancelled".into(), None)
    );
    assert_eq!(
        error_of(put_details(&t, &"x".repeat(43), details()).await)
            .await
            .0,
        404
    );
}

async fn book_okuyami(t: &TestApp, answers: Value, details: Option<Value>) -> reqwest::Response {
    let mut body = json!({
        "service": "okuyami", "start": SLOT, "name": "申込 一郎",
        "phone": "090-0000-1111", "answers": answers
    });
    if let Some(d) = details {
        body["details"] = d;
    }
    t.http()
        .post(t.url("/api/v1/offices/honcho/reservations"))
        .json(&body)
        .send()
        .await
        .expect("post")
}

#[tokio::test]
async fn the_forms_on_a_familys_checklist_need_their_fields_once_any_detail_is_given() {
    let t = spawn_app().await;
    let post = |answers: Value, details: Option<Value>| book_okuyami(&t, answers, details);
    let only_names = json!({
        "deceased": { "name": "山田 太郎" }, "applicant": { "name": "山田 花子" }
    });
    // 国保: 資格喪失届 needs the reading and both dates, first in field order.
    assert_eq!(
        error_of(post(json!({ "insurance": "kokuho" }), Some(only_names.clone())).await).await,
        (
            400,
            "invalid_details".into(),
            Some("details.deceased.kana".into())
        )
    );
    // Without any details the family gives them later: booked.
    assert_eq!(
        post(json!({ "insurance": "kokuho" }), None).await.status(),
        201
    );
    // With every field the forms need: booked, and so with all of them.
    assert_eq!(
        post(json!({ "insurance": "kokuho" }), Some(details()))
            .await
            .status(),
        201
    );
    let booked = t
        .staff
        .staff_reservations(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("d"))
        .await
        .expect("list");
    assert_eq!(booked.len(), 2, "the refused booking left nothing");
}

/// Types into the field with this id.
async fn type_into(c: &fantoccini::Client, id: &str, text: &str) {
    let f = c
        .find(fantoccini::Locator::Id(id))
        .await
        .unwrap_or_else(|_| panic!("field {id}"));
    f.clear().await.expect("clear");
    f.send_keys(text).await.expect("type");
}

/// Brings the element with this id to the top of the window.
async fn scroll_to(c: &fantoccini::Client, id: &str) {
    c.execute(
        "document.getElementById(arguments[0]).scrollIntoView()",
        vec![json!(id)],
    )
    .await
    .expect("scroll");
}

/// Waits until the browser's page holds `text`; its source.
async fn page_with(c: &fantoccini::Client, text: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let html = c.source().await.expect("html");
        if html.contains(text) {
            return html;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no page with {text:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_family_gives_its_details_on_the_booking_page_and_completes_them_on_its_reservation_page()
{
    use crate::browser::{browser_sized, click_css as click, save_screenshot, text_of};
    let t = spawn_app().await;
    let (c, _driver, _profile) = browser_sized(500, 1000).await;
    c.goto(&t.url("/book/honcho/okuyami?lang=ja"))
        .await
        .expect("page");
    click(&c, "a.slot.free").await;
    type_into(&c, "name", "御手洗 花子").await;
    type_into(&c, "phone", "090-9876-5432").await;
    for f in c
        .find_all(fantoccini::Locator::Css("fieldset.question"))
        .await
        .expect("questions")
    {
        f.find(fantoccini::Locator::Css("input[type=radio]"))
            .await
            .expect("radio")
            .click()
            .await
            .expect("click");
    }
    click(&c, "input[name=q_insurance][value=kokuho]").await;
    // The reading typed in hiragana, a date that does not exist, and no
    // account although 国保's 葬祭費 form needs it.
    type_into(&c, "d-deceased-name", "御手洗 太郎兵衛").await;
    type_into(&c, "d-deceased-kana", "みたらい たろべえ").await;
    type_into(&c, "d-deceased-birth_date", "1940-02-30").await;
    type_into(&c, "d-deceased-death_date", "2026-11-28").await;
    type_into(&c, "d-deceased-address", "みどり市桜ヶ丘9-8-7").await;
    type_into(&c, "d-applicant-name", "御手洗 花子").await;
    type_into(&c, "d-applicant-kana", "ミタライ ハナコ").await;
    type_into(&c, "d-applicant-address", "あおば市若葉台6-5-4").await;
    type_into(&c, "d-applicant-phone", "090-9876-5432").await;
    type_into(&c, "d-applicant-relationship", "長女").await;
    click(&c, "#to-confirm").await;
    assert_eq!(
        text_of(&c, "err-d-deceased-birth_date").await,
        "存在しない日付です"
    );
    scroll_to(&c, "details-deceased").await;
    save_screenshot(&c, "web-screens", "booking-details-errors").await;
    type_into(&c, "d-deceased-birth_date", "1940-04-01").await;
    click(&c, "#to-confirm").await;
    assert_eq!(
        text_of(&c, "err-d-refund_account-bank").await,
        "手続きの申請書に必要です"
    );
    assert_eq!(
        text_of(&c, "err-d-refund_account-number").await,
        "手続きの申請書に必要です"
    );
    // What was typed is kept: the reading is in katakana now.
    let kana = c
        .find(fantoccini::Locator::Id("d-deceased-kana"))
        .await
        .expect("kana")
        .prop("value")
        .await
        .expect("value");
    assert_eq!(kana.as_deref(), Some("ミタライ タロベエ"));
    type_into(&c, "d-refund_account-bank", "みどり信用金庫").await;
    type_into(&c, "d-refund_account-branch", "桜ヶ丘支店").await;
    click(&c, "#d-refund_account-kind option[value=ordinary]").await;
    type_into(&c, "d-refund_account-number", "７６５４３２１").await;
    type_into(&c, "d-refund_account-holder_kana", "ミタライ ハナコ").await;
    click(&c, "#to-confirm").await;
    page_with(&c, "book-it").await;
    assert_eq!(
        text_of(&c, "confirm-d-refund_account-number").await,
        "7654321"
    );
    assert_eq!(text_of(&c, "confirm-d-refund_account-kind").await, "普通");
    save_screenshot(&c, "web-screens", "booking-details-confirm").await;
    click(&c, "#book-it").await;
    page_with(&c, "ご予約を承りました").await;
    assert_eq!(
        text_of(&c, "details-given").await,
        "入力済み：亡くなった方 / 申請する方（ご本人） / 還付金・給付金の振込口座"
    );
    // The page never shows the values again.
    let page = c.source().await.expect("html");
    assert!(!page.contains("7654321") && !page.contains("御手洗 太郎兵衛"));
    let token = c
        .current_url()
        .await
        .expect("url")
        .path()
        .trim_start_matches("/r/")
        .to_string();
    let list = t
        .staff
        .staff_reservations(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("d"))
        .await
        .expect("list");
    let id = list
        .iter()
        .find(|r| r.name.as_deref() == Some("御手洗 花子"))
        .expect("booked")
        .id;
    let hoken = clerk(&t, "hoken", "staff", &["保険年金課"]).await;
    assert_eq!(details_seen(&hoken, &t, id).await, details());
    // Booked for today: the reservation page sends changes to the clerk.
    assert!(page.contains("窓口の職員にお申し出ください"));
    let r = t
        .http()
        .get(t.url(&format!("/r/{token}/details?lang=ja")))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 409);

    // A family booked for tomorrow through the API without details gives
    // them later from its reservation page: only what it types changes.
    let r = t
        .http()
        .post(t.url("/api/v1/offices/honcho/reservations"))
        .json(&json!({
            "service": "okuyami", "start": "2026-12-02T09:00:00+09:00", "name": "申込 一郎",
            "phone": "090-0000-1111", "answers": { "insurance": "employee", "high_costs": "yes" }
        }))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 201);
    let later: Value = r.json().await.expect("json");
    let token = later["token"].as_str().expect("token");
    c.goto(&t.url(&format!("/r/{token}?lang=ja")))
        .await
        .expect("page");
    assert_eq!(text_of(&c, "details-given").await, "まだ入力されていません");
    click(&c, "#change-details").await;
    // Saved empty: nothing changes, and the page says so.
    click(&c, "#save-details").await;
    assert_eq!(
        text_of(&c, "details-notice").await,
        "何も入力されていないため、変更していません"
    );
    type_into(&c, "d-deceased-name", "山田 太郎").await;
    type_into(&c, "d-deceased-kana", "やまだ たろう").await;
    click(&c, "#save-details").await;
    assert_eq!(text_of(&c, "details-saved").await, "保存しました");
    assert_eq!(text_of(&c, "details-given").await, "入力済み：亡くなった方");
    // Then the applicant; the deceased's fields left empty keep theirs.
    click(&c, "#change-details").await;
    type_into(&c, "d-applicant-phone", "080-1234-5678").await;
    click(&c, "#save-details").await;
    page_with(&c, "details-saved").await;
    scroll_to(&c, "details").await;
    save_screenshot(&c, "web-screens", "reservation-details").await;
    c.close().await.expect("close");
    let id = later["id"].as_i64().expect("id");
    assert_eq!(
        details_seen(&hoken, &t, id).await,
        json!({
            "deceased": { "name": "山田 太郎", "kana": "ヤマダ タロウ" },
            "applicant": { "phone": "080-1234-5678" }
        })
    );
}
