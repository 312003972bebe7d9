//! Services, booths, slots and reservations.

use chrono::NaiveDate;
use protocol::ReservationState;

use crate::helpers::*;

fn day(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

async fn readyz(t: &TestApp) -> (u16, serde_json::Value) {
    let r = t.http().get(t.url("/readyz")).send().await.expect("get");
    let status = r.status().as_u16();
    (status, r.json().await.expect("json"))
}

#[tokio::test]
async fn ready_only_while_the_database_has_every_migration() {
    let t = spawn_app().await;
    let (status, body) = readyz(&t).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ready")));
    // A schema behind this binary (as while another instance migrates).
    let removed = sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
    )
    .execute(t.app.store.pool())
    .await
    .expect("delete")
    .rows_affected();
    assert_eq!(removed, 1);
    let (status, body) = readyz(&t).await;
    assert_eq!(status, 503);
    assert_eq!(body["error"]["code"], "storage_unavailable");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("migrations")),
        "{body}"
    );
    // Alive all the same.
    assert_eq!(t.public.health().await.expect("health").status, "ok");
}

#[tokio::test]
async fn health_services_and_booths_describe_the_demo_office() {
    let t = spawn_app().await;
    let h = t.public.health().await.expect("health");
    assert_eq!(h.status, "ok");
    assert!(h.office.contains("デモ"));
    let services = t.public.services().await.expect("services");
    let okuyami = services
        .iter()
        .find(|s| s.id == "okuyami")
        .expect("okuyami");
    assert!(okuyami.reservation_only);
    assert_eq!(okuyami.prefix, "O");
    let booths = t.public.booths().await.expect("booths");
    assert_eq!(
        booths
            .iter()
            .filter(|b| b.services.contains(&"okuyami".to_string()))
            .count(),
        2
    );
    assert!(
        booths
            .iter()
            .all(|b| b.state == protocol::BoothState::Closed)
    );
}

#[tokio::test]
async fn slots_have_capacity_of_the_booths_and_shrink_as_people_book() {
    let t = spawn_app().await;
    let slots = t
        .public
        .slots("okuyami", day("2026-12-01"), day("2026-12-01"))
        .await
        .expect("slots");
    let times: Vec<String> = slots
        .iter()
        .map(|s| s.start.format("%H:%M").to_string())
        .collect();
    assert_eq!(times, ["09:00", "10:30", "13:30", "15:00"]);
    assert!(slots.iter().all(|s| s.capacity == 2));
    assert_eq!(slots[0].available, 0, "09:00 has already started");
    assert_eq!(slots[1].available, 2);

    t.book("okuyami", "2026-12-01T13:30:00+09:00")
        .await
        .expect("first");
    t.book("okuyami", "2026-12-01T13:30:00+09:00")
        .await
        .expect("second");
    assert_eq!(
        code(t.book("okuyami", "2026-12-01T13:30:00+09:00").await),
        (409, "slot_full".into())
    );
    let slots = t
        .public
        .slots("okuyami", day("2026-12-01"), day("2026-12-01"))
        .await
        .expect("slots");
    assert_eq!(slots[2].available, 0);
    assert_eq!(slots[3].available, 2);
    let weekend = t
        .public
        .slots("okuyami", day("2026-12-05"), day("2026-12-06"))
        .await
        .expect("weekend");
    assert!(weekend.is_empty(), "closed on weekends");
}

#[tokio::test]
async fn a_booking_can_be_read_cancelled_and_frees_its_place() {
    let t = spawn_app().await;
    let r = t
        .book("okuyami", "2026-12-02T10:30:00+09:00")
        .await
        .expect("book");
    assert_eq!(r.state, ReservationState::Booked);
    assert!(r.manage_url.ends_with(&format!("/r/{}", r.token)));
    assert!(r.token.len() >= 22, "at least 128 bits");
    let other = t
        .book("okuyami", "2026-12-02T10:30:00+09:00")
        .await
        .expect("book");
    assert_ne!(other.token, r.token);

    let seen = t.public.reservation(&r.token).await.expect("get");
    assert_eq!(seen.name.as_deref(), Some("山田 花子"));
    assert_eq!(
        seen.answers
            .as_ref()
            .and_then(|a| a.get("relationship"))
            .and_then(|v| v.as_str()),
        Some("長女")
    );
    assert_eq!(seen.start.format("%H:%M %:z").to_string(), "10:30 +09:00");

    assert_eq!(
        code(t.book("okuyami", "2026-12-02T10:30:00+09:00").await).1,
        "slot_full"
    );
    let cancelled = t.public.cancel_reservation(&r.token).await.expect("cancel");
    assert_eq!(cancelled.state, ReservationState::Cancelled);
    assert_eq!(
        t.public
            .cancel_reservation(&r.token)
            .await
            .expect("again")
            .state,
        ReservationState::Cancelled
    );
    t.book("okuyami", "2026-12-02T10:30:00+09:00")
        .await
        .expect("place freed");
}

#[tokio::test]
async fn booking_rules_refuse_past_unknown_and_far_slots() {
    let t = spawn_app().await;
    assert_eq!(
        code(t.book("okuyami", "2026-12-01T09:00:00+09:00").await),
        (409, "too_late_to_book".into())
    );
    assert_eq!(
        code(t.book("okuyami", "2026-12-01T09:10:00+09:00").await),
        (400, "unknown_slot".into())
    );
    assert_eq!(
        code(t.book("okuyami", "2026-12-05T10:30:00+09:00").await),
        (400, "unknown_slot".into())
    );
    assert_eq!(
        code(t.book("okuyami", "2027-06-01T10:30:00+09:00").await),
        (409, "too_far_ahead".into())
    );
    assert_eq!(
        code(t.book("nope", "2026-12-02T10:30:00+09:00").await),
        (400, "unknown_service".into())
    );
    // The same instant written in UTC is the same slot.
    t.book("okuyami", "2026-12-02T01:30:00Z")
        .await
        .expect("UTC spelling");
}

#[tokio::test]
async fn reservation_qr_and_calendar_point_at_the_booking() {
    // A long Japanese title: its calendar line must be folded (RFC 5545).
    let mut office = office();
    for s in &mut office.services {
        if s.id == "okuyami" {
            s.name.insert(
                "ja".into(),
                "おくやみコーナー（ご家族が亡くなられた後の手続きのご案内、事前予約制）".into(),
            );
        }
    }
    let t = spawn_with(office, TUESDAY_1005, None).await;
    let r = t
        .book("okuyami", "2026-12-02T13:30:00+09:00")
        .await
        .expect("book");
    let resp = t
        .http()
        .get(t.url(&format!("/api/v1/reservations/{}/qr.svg", r.token)))
        .send()
        .await
        .expect("qr");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/svg+xml");
    let svg = resp.text().await.expect("svg");
    assert!(
        svg.contains("<svg") && svg.contains("<path"),
        "{}",
        &svg[..100.min(svg.len())]
    );
    let ics = t
        .http()
        .get(t.url(&format!("/api/v1/reservations/{}/calendar.ics", r.token)))
        .send()
        .await
        .expect("ics")
        .text()
        .await
        .expect("text");
    // Every line ends in CRLF and is at most 75 octets; the long title
    // is folded onto continuation lines (a space first).
    let lines: Vec<&str> = ics
        .strip_suffix("\r\n")
        .expect("CRLF")
        .split("\r\n")
        .collect();
    assert!(lines.iter().all(|l| !l.contains('\n')), "bare LF: {ics:?}");
    let long: Vec<&&str> = lines.iter().filter(|l| l.len() > 75).collect();
    assert!(long.is_empty(), "lines over 75 octets: {long:?}");
    assert!(
        lines.iter().filter(|l| l.starts_with(' ')).count() >= 2,
        "{ics}"
    );
    // Read back by an independent parser (the `ical` crate unfolds).
    let calendars: Vec<_> = ical::IcalParser::new(std::io::BufReader::new(ics.as_bytes()))
        .collect::<Result<_, _>>()
        .expect("a valid iCalendar file");
    assert_eq!(calendars.len(), 1);
    assert_eq!(calendars[0].events.len(), 1);
    let event = &calendars[0].events[0];
    let value = |name: &str| {
        let found: Vec<&str> = event
            .properties
            .iter()
            .filter(|p| p.name == name)
            .filter_map(|p| p.value.as_deref())
            .collect();
        assert_eq!(found.len(), 1, "one {name}: {ics}");
        found[0].to_string()
    };
    assert_eq!(value("DTSTART"), "20261202T043000Z");
    assert_eq!(value("DTEND"), "20261202T060000Z");
    // The office's clock (it started at 10:05 JST and runs on).
    let stamp = value("DTSTAMP");
    assert!(
        stamp.starts_with("20261201T0105") && stamp.ends_with('Z'),
        "{stamp}"
    );
    assert_eq!(
        value("SUMMARY"),
        "おくやみコーナー（ご家族が亡くなられた後の手続きのご案内、事前予約制）（みどり市役所 本庁舎（デモ））",
        "unfolded whole"
    );
    assert_eq!(value("URL"), r.manage_url);
    assert_eq!(value("UID"), format!("reservation-{}@madoguchi", r.id));
    let unknown = t
        .http()
        .get(t.url(&format!("/api/v1/reservations/{}/qr.svg", "A".repeat(43))))
        .send()
        .await
        .expect("qr");
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn the_token_holder_reads_the_familys_checklist_with_the_reservation() {
    let t = spawn_app().await;
    let questions: Vec<protocol::Question> = t
        .http()
        .get(t.url("/api/v1/offices/honcho/okuyami/questions"))
        .send()
        .await
        .expect("questions")
        .json()
        .await
        .expect("json");
    let mut answers = serde_json::Map::new();
    for q in &questions {
        let v = match q.kind {
            protocol::QuestionKind::YesNo => serde_json::json!(false),
            protocol::QuestionKind::Choice => serde_json::json!(q.choices[0].id),
        };
        answers.insert(q.id.clone(), v);
    }
    answers.insert("insurance".into(), serde_json::json!("kokuho"));
    answers.insert("land".into(), serde_json::json!(true));
    let expected: protocol::Checklist = t
        .http()
        .post(t.url("/api/v1/offices/honcho/okuyami/checklist"))
        .json(&serde_json::json!({ "answers": answers }))
        .send()
        .await
        .expect("checklist")
        .json()
        .await
        .expect("json");
    let ids = |p: &[protocol::Procedure]| p.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
    assert!(ids(&expected.procedures).contains(&"fixed_asset".to_string()));

    let created = t
        .book_answering(
            "2026-12-02T10:30:00+09:00",
            "鈴木 一郎",
            serde_json::Value::Object(answers),
        )
        .await;
    assert_eq!(
        created.procedures.as_deref().map(ids),
        Some(ids(&expected.procedures)),
        "the booking's answer carries the checklist"
    );
    let read: serde_json::Value = t
        .http()
        .get(t.url(&format!("/api/v1/reservations/{}", created.token)))
        .send()
        .await
        .expect("read")
        .json()
        .await
        .expect("json");
    let read_ids: Vec<&str> = read["procedures"]
        .as_array()
        .expect("procedures")
        .iter()
        .map(|p| p["id"].as_str().expect("id"))
        .collect();
    assert_eq!(read_ids, ids(&expected.procedures));
    assert_eq!(
        read["procedures"].as_array().map(Vec::len),
        Some(expected.procedures.len())
    );

    // A procedure without the questionnaire has no checklist at all.
    let mut plain = office();
    for s in &mut plain.services {
        s.questionnaire = false;
    }
    let t = spawn_with(plain, TUESDAY_1005, None).await;
    let booked = t
        .book("okuyami", "2026-12-02T10:30:00+09:00")
        .await
        .expect("book");
    assert_eq!(booked.procedures, None);
    let read: serde_json::Value = t
        .http()
        .get(t.url(&format!("/api/v1/reservations/{}", booked.token)))
        .send()
        .await
        .expect("read")
        .json()
        .await
        .expect("json");
    assert_eq!(read["state"], "booked");
    assert_eq!(read.get("procedures"), None, "{read}");
}
