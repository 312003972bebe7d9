//! Online backups of a SQLite office and their restore
//! (`madoguchi-server backup` / `restore`). A backup is SQLite's
//! `VACUUM INTO`: one read transaction, so the copy is the database as it
//! was when the backup began, while the server goes on writing (WAL lets
//! readers and the writer pass each other). PostgreSQL has `pg_dump`.
//!
//! A running server holds a shared lock on `DATA/server.lock`; `restore`
//! takes it exclusively, so it never replaces the database under a server
//! and no server starts while it works.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};

use super::StoreError;

/// The database file in a data directory.
pub const DB_FILE: &str = "madoguchi.db";
/// The lock a serving process holds shared (see [`ServingLock`]).
const LOCK_FILE: &str = "server.lock";
/// Names of the files a rotated backup directory holds (`--keep`).
const ROTATED_PREFIX: &str = "madoguchi-";
const ROTATED_SUFFIX: &str = ".db";

/// Held by a server while it serves a data directory.
#[derive(Debug)]
pub struct ServingLock {
    _file: File,
}

impl ServingLock {
    /// Takes the data directory's lock, shared: several servers may
    /// serve one directory's mail files; a restore may not run meanwhile.
    pub fn take(data: &Path) -> Result<ServingLock, StoreError> {
        let file = lock_file(data)?;
        match file.try_lock_shared() {
            Ok(()) => Ok(ServingLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Backup(format!(
                "{} is being restored; start the server when the restore has ended",
                data.display()
            ))),
            Err(std::fs::TryLockError::Error(e)) => Err(io(&data.join(LOCK_FILE), e)),
        }
    }
}

fn lock_file(data: &Path) -> Result<File, StoreError> {
    let path = data.join(LOCK_FILE);
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(|e| io(&path, e))
}

fn io(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Backup(format!("{}: {e}", path.display()))
}

/// What a backup or restore wrote, for the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    pub file: PathBuf,
    pub bytes: u64,
    pub tickets: i64,
    pub reservations: i64,
    pub events: i64,
    /// Older backups removed by `--keep`.
    pub removed: Vec<PathBuf>,
    /// Restore: where the database it replaced was moved.
    pub replaced: Option<PathBuf>,
}

async fn connect(file: &Path, create: bool) -> Result<SqliteConnection, StoreError> {
    Ok(SqliteConnectOptions::from_str("sqlite://madoguchi.db")?
        .filename(file)
        .create_if_missing(create)
        .busy_timeout(std::time::Duration::from_secs(5))
        .connect()
        .await?)
}

/// Checks that `file` is a sound Madoguchi database this binary can
/// serve, and counts what it holds.
async fn check(file: &Path, known_migrations: usize) -> Result<BackupReport, StoreError> {
    let mut conn = connect(file, false)
        .await
        .map_err(|e| StoreError::Backup(format!("{} cannot be opened: {e}", file.display())))?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| StoreError::Backup(format!("{} is not a database: {e}", file.display())))?;
    if integrity != "ok" {
        return Err(StoreError::Backup(format!(
            "{} fails the integrity check: {integrity}",
            file.display()
        )));
    }
    let migrations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&mut conn)
        .await
        .map_err(|_| {
            StoreError::Backup(format!(
                "{} is not a Madoguchi database (no migrations table)",
                file.display()
            ))
        })?;
    if usize::try_from(migrations).unwrap_or(usize::MAX) > known_migrations {
        return Err(StoreError::Backup(format!(
            "{} was written by a newer Madoguchi ({migrations} migrations, this one knows {known_migrations})",
            file.display()
        )));
    }
    let count = |table: &'static str| {
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
    };
    let tickets = count("tickets").fetch_one(&mut conn).await?;
    let reservations = count("reservations").fetch_one(&mut conn).await?;
    let events = count("events").fetch_one(&mut conn).await?;
    conn.close().await?;
    let bytes = std::fs::metadata(file).map_err(|e| io(file, e))?.len();
    Ok(BackupReport {
        file: file.to_path_buf(),
        bytes,
        tickets,
        reservations,
        events,
        removed: Vec::new(),
        replaced: None,
    })
}

fn known_migrations() -> usize {
    sqlx::migrate!("./migrations/sqlite").iter().count()
}

/// A consistent copy of the office database in `data`, taken while it
/// serves, into `to` (a new file; or an existing directory, which gets
/// `madoguchi-YYYYMMDD-HHMMSS-mmm.db` and keeps the newest `keep` of those).
/// Written beside the target and renamed when checked, so a failed or
/// interrupted backup leaves no file that looks whole.
pub async fn backup(
    data: &Path,
    to: &Path,
    keep: Option<usize>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<BackupReport, StoreError> {
    let source = data.join(DB_FILE);
    if !source.is_file() {
        return Err(StoreError::Backup(format!(
            "no office database at {}",
            source.display()
        )));
    }
    let (target, rotating) = if to.is_dir() {
        let name = format!(
            "{ROTATED_PREFIX}{}{ROTATED_SUFFIX}",
            now.format("%Y%m%d-%H%M%S-%3f")
        );
        (to.join(name), true)
    } else {
        if keep.is_some() {
            return Err(StoreError::Backup(format!(
                "--keep rotates the backups in a directory; {} is not one",
                to.display()
            )));
        }
        (to.to_path_buf(), false)
    };
    if target.exists() {
        return Err(StoreError::Backup(format!(
            "{} exists; a backup never overwrites one",
            target.display()
        )));
    }
    let partial = partial_path(&target);
    let _ = std::fs::remove_file(&partial);
    let written = async {
        let mut conn = connect(&source, false).await?;
        sqlx::query("VACUUM INTO $1")
            .bind(partial.to_string_lossy().into_owned())
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        File::open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(|e| io(&partial, e))?;
        check(&partial, known_migrations()).await
    }
    .await;
    let mut report = match written {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, &target).map_err(|e| io(&target, e))?;
    sync_dir(&target);
    report.file = target;
    if let (true, Some(keep)) = (rotating, keep) {
        report.removed = rotate(to, keep.max(1))?;
    }
    Ok(report)
}

fn partial_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    target.with_file_name(name)
}

/// Makes a rename durable: the directory entry reaches the disk.
fn sync_dir(file: &Path) {
    if let Some(dir) = file.parent() {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
}

/// Keeps the newest `keep` rotated backups in `dir` (their names sort by
/// time), removes the others, and returns what it removed.
fn rotate(dir: &Path, keep: usize) -> Result<Vec<PathBuf>, StoreError> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(ROTATED_PREFIX) && n.ends_with(ROTATED_SUFFIX))
        })
        .collect();
    found.sort();
    let old = found.len().saturating_sub(keep);
    let removed: Vec<PathBuf> = found.into_iter().take(old).collect();
    for p in &removed {
        std::fs::remove_file(p).map_err(|e| io(p, e))?;
    }
    Ok(removed)
}

/// Replaces the office database in `data` by the backup `from`, after
/// checking it. Refused while a server serves `data`. The database it
/// replaces is kept beside it (`madoguchi.db.replaced-…`), never deleted.
pub async fn restore(
    data: &Path,
    from: &Path,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<BackupReport, StoreError> {
    if !from.is_file() {
        return Err(StoreError::Backup(format!(
            "no backup at {}",
            from.display()
        )));
    }
    std::fs::create_dir_all(data).map_err(|e| io(data, e))?;
    let lock = lock_file(data)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(StoreError::Backup(format!(
                "a server is serving {}; stop it before restoring (nothing was changed)",
                data.display()
            )));
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(io(&data.join(LOCK_FILE), e)),
    }
    let mut report = check(from, known_migrations()).await?;
    let db = data.join(DB_FILE);
    let incoming = data.join(format!("{DB_FILE}.restoring"));
    std::fs::copy(from, &incoming).map_err(|e| io(&incoming, e))?;
    File::open(&incoming)
        .and_then(|f| f.sync_all())
        .map_err(|e| io(&incoming, e))?;
    if db.exists() {
        // Whatever the old database's WAL still holds goes into its file
        // first, so the file kept aside is whole on its own.
        let mut conn = connect(&db, false).await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        let aside = data.join(format!(
            "{DB_FILE}.replaced-{}",
            now.format("%Y%m%d-%H%M%S")
        ));
        std::fs::rename(&db, &aside).map_err(|e| io(&aside, e))?;
        report.replaced = Some(aside);
    }
    for stale in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(data.join(format!("{DB_FILE}{stale}")));
    }
    std::fs::rename(&incoming, &db).map_err(|e| io(&db, e))?;
    sync_dir(&db);
    report.file = db;
    drop(lock);
    Ok(report)
}
