//! Online backups (issue 21): `madoguchi-server backup` copies a running
//! SQLite office while kiosks go on issuing tickets, `restore` puts a
//! backup in place and refuses while a server serves the directory.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use sqlx::{Connection, SqliteConnection};

use crate::helpers::*;

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi-server");

fn run(args: &[&std::ffi::OsStr]) -> (Option<i32>, String, String) {
    let out = Command::new(BIN).args(args).output().expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn backup(data: &Path, to: &Path, keep: Option<&str>) -> (Option<i32>, String, String) {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "backup".as_ref(),
        "--data".as_ref(),
        data.as_os_str(),
        "--to".as_ref(),
        to.as_os_str(),
    ];
    if let Some(k) = keep {
        args.extend([std::ffi::OsStr::new("--keep"), std::ffi::OsStr::new(k)]);
    }
    run(&args)
}

fn restore(data: &Path, from: &Path) -> (Option<i32>, String, String) {
    run(&[
        "restore".as_ref(),
        "--data".as_ref(),
        data.as_os_str(),
        "--from".as_ref(),
        from.as_os_str(),
    ])
}

async fn ticket_ids(db: &Path) -> (String, BTreeSet<i64>) {
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", db.display()))
        .await
        .expect("open the database");
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .expect("integrity_check");
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM tickets")
        .fetch_all(&mut conn)
        .await
        .expect("tickets");
    conn.close().await.expect("close");
    (integrity, ids.into_iter().collect())
}

#[tokio::test]
async fn a_backup_taken_under_write_load_restores_every_acknowledged_ticket() {
    let t = spawn_app().await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("tuesday.db");
    if on_postgres() {
        let mut args = data_args(&t.data);
        args.splice(0..0, ["backup".into()]);
        args.extend(["--to".into(), file.clone().into()]);
        let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let (code, _, err) = run(&refs);
        assert_eq!(code, Some(1));
        assert!(err.contains("pg_dump"), "{err}");
        return;
    }

    // Two kiosks issue tickets without pause; `acked` holds the ids the
    // server has answered for.
    let acked = Arc::new(Mutex::new(BTreeSet::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut load = Vec::new();
    for kiosk in 0..2 {
        let (client, acked, stop) = (t.kiosk.clone(), acked.clone(), stop.clone());
        load.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let req = walk_in_request(&["shomei"], &format!("k{kiosk}-{n}"));
                let ticket = client.walk_in(&req).await.expect("walk-in");
                acked.lock().expect("acked").insert(ticket.id);
                n += 1;
            }
        }));
    }
    while acked.lock().expect("acked").len() < 40 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let before = acked.lock().expect("acked").clone();
    let (data, to) = (t.data.clone(), file.clone());
    let (code, out, err) = tokio::task::spawn_blocking(move || backup(&data, &to, None))
        .await
        .expect("backup");
    let during = acked.lock().expect("acked").len() - before.len();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for l in load {
        l.await.expect("load");
    }
    let all = acked.lock().expect("acked").clone();
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("integrity ok"), "{out}");
    assert!(err.contains("details key"), "{err}");
    assert!(!dir.path().join("tuesday.db.partial").exists());
    // The server wrote on while the backup ran.
    assert!(during > 0, "no ticket issued during the backup");

    // Restored into a new directory: sound, every acknowledged ticket,
    // and nothing the server did not issue.
    let restored = tempfile::tempdir().expect("dir");
    let (code, out, err) = restore(restored.path(), &file);
    assert_eq!(code, Some(0), "{out}{err}");
    let (integrity, ids) = ticket_ids(&restored.path().join("madoguchi.db")).await;
    assert_eq!(integrity, "ok");
    assert!(before.is_subset(&ids), "acknowledged tickets lost");
    assert!(ids.is_subset(&all), "tickets never issued");
    assert!(out.contains(&format!("({} tickets", ids.len())), "{out}");

    // The office runs on from the restored directory with those tickets,
    // once it has the key kept apart (the details are sealed with it).
    let key = madoguchi_server::vault::Vault::default_path(restored.path());
    std::fs::create_dir_all(key.parent().expect("keys dir")).expect("keys dir");
    std::fs::copy(madoguchi_server::vault::Vault::default_path(&t.data), &key).expect("key");
    let again = spawn_with(office(), TUESDAY_1005, Some(restored.path())).await;
    let queue = again.staff.staff_queue().await.expect("queue");
    assert_eq!(queue.tickets.len(), ids.len());
    drop(again);

    // Never over a running office: refused, and its database untouched.
    let (code, _, err) = restore(&t.data, &file);
    assert_eq!(code, Some(1));
    assert!(err.contains("a server is serving"), "{err}");
    assert_eq!(
        t.staff.staff_queue().await.expect("queue").tickets.len(),
        all.len()
    );
    let kept_aside = std::fs::read_dir(&t.data)
        .expect("data dir")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().contains("replaced"))
        })
        .count();
    assert_eq!(kept_aside, 0);

    // A file that is not a backup is refused; the database stays.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all, just text").expect("junk");
    let (code, _, err) = restore(restored.path(), &junk);
    assert_eq!(code, Some(1));
    assert!(err.contains("junk.db"), "{err}");
    assert_eq!(
        ticket_ids(&restored.path().join("madoguchi.db")).await.1,
        ids
    );

    // A second restore keeps the database it replaces.
    let (code, out, _) = restore(restored.path(), &file);
    assert_eq!(code, Some(0));
    assert!(out.contains("madoguchi.db.replaced-"), "{out}");
    // A backup never overwrites a file.
    let (code, _, err) = backup(&t.data, &file, None);
    assert_eq!(code, Some(1));
    assert!(err.contains("never overwrites"), "{err}");
}

#[tokio::test]
async fn nightly_backups_into_a_directory_keep_the_newest() {
    if on_postgres() {
        return;
    }
    let t = spawn_app().await;
    t.walk_in(&["shomei"], "one").await.expect("ticket");
    let dir = tempfile::tempdir().expect("dir");
    let mut made = Vec::new();
    for _ in 0..3 {
        let (code, out, err) = backup(&t.data, dir.path(), Some("2"));
        assert_eq!(code, Some(0), "{out}{err}");
        made.push(out);
        // Names carry the time to the millisecond.
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let mut kept: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    kept.sort();
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(
        kept.iter()
            .all(|n| n.starts_with("madoguchi-") && n.ends_with(".db"))
    );
    assert!(made[2].contains("removed old backup"), "{}", made[2]);
    // --keep needs a directory.
    let (code, _, err) = backup(&t.data, &dir.path().join("x.db"), Some("2"));
    assert_eq!(code, Some(1));
    assert!(err.contains("--keep"), "{err}");
}
