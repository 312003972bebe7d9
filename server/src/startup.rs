//! Building and running a server: used by `main` and by the tests, which
//! bind port 0 and read the address back.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::app::App;
use crate::clock::Clock;
use crate::config::City;
use crate::mail::Transport;
use crate::storage::{Database, Store};

pub struct Server {
    pub app: Arc<App>,
    listener: TcpListener,
    mail: Transport,
    data_dir: PathBuf,
    database: Database,
    /// TLS (`--tls-cert`, `--tls-key`), else plain HTTP.
    tls: Option<crate::tls::Tls>,
    /// `/metrics` on its own address (`--metrics-listen`), if asked for.
    metrics: Option<TcpListener>,
    /// Keeps `restore` away while this server serves the data directory.
    _serving: crate::storage::backup::ServingLock,
}

/// How often a server looks whether today's purge is still to do.
const PURGE_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

impl Server {
    /// Opens the data directory and the database, and binds the address.
    pub async fn build(
        city: City,
        data_dir: PathBuf,
        database: Database,
        listen: SocketAddr,
        clock: Clock,
        details_key: &std::path::Path,
    ) -> anyhow::Result<Server> {
        std::fs::create_dir_all(&data_dir)?;
        let serving = crate::storage::backup::ServingLock::take(&data_dir)?;
        let mail = Transport::from_settings(&city.first().mail, &data_dir)?;
        let vault = crate::vault::Vault::open_or_create(details_key)?;
        let store = Store::open(&database).await?;
        let app = Arc::new(App::new(city, store, clock, vault).await?);
        let listener = TcpListener::bind(listen).await?;
        Ok(Server {
            app,
            listener,
            mail,
            data_dir,
            database,
            _serving: serving,
            metrics: None,
            tls: None,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves over TLS with this certificate (see `tls.rs`).
    pub fn use_tls(&mut self, tls: crate::tls::Tls) {
        self.tls = Some(tls);
    }

    /// Serves `/metrics` (Prometheus) on `addr` too; installs the
    /// process's metrics recorder. Returns the address bound.
    pub async fn serve_metrics(&mut self, addr: SocketAddr) -> std::io::Result<SocketAddr> {
        crate::telemetry::handle();
        let listener = TcpListener::bind(addr).await?;
        let bound = listener.local_addr()?;
        self.metrics = Some(listener);
        Ok(bound)
    }

    /// Serves until `shutdown` resolves.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let router = crate::http::router(self.app.clone());
        // At shutdown the event streams end first: a graceful shutdown
        // waits for open connections, and a board's never closes.
        let app = self.app.clone();
        let shutdown = async move {
            shutdown.await;
            for office in app.offices() {
                office.hub.close();
            }
        };
        let outbox = tokio::spawn(crate::mail::outbox::run(self.app.clone(), self.mail));
        let purge = tokio::spawn(purge_daily(self.app.clone(), self.data_dir.join("mail")));
        let metrics = self.metrics.map(|listener| {
            let router = crate::telemetry::router(self.app.clone());
            tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, router).await {
                    tracing::error!(error = %e, "metrics listener failed");
                }
            })
        });
        // PostgreSQL: follow the other servers; SQLite: checkpoint its WAL.
        let storage_task = match &self.database {
            Database::Postgres(url) => {
                tokio::spawn(follow_other_servers(self.app.clone(), url.clone()))
            }
            Database::Sqlite(_) => tokio::spawn(checkpoint_sqlite(self.app.clone())),
        };
        let served = match self.tls {
            Some(tls) => {
                let router =
                    router.layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
                        axum::http::header::STRICT_TRANSPORT_SECURITY,
                        axum::http::HeaderValue::from_static(crate::tls::HSTS),
                    ));
                tls.serve(self.listener, router, shutdown).await
            }
            None => {
                // SIGHUP (`systemctl reload`) reloads the TLS certificate;
                // without TLS it must not end the server.
                #[cfg(unix)]
                tokio::spawn(async {
                    use tokio::signal::unix::{SignalKind, signal};
                    if let Ok(mut hup) = signal(SignalKind::hangup()) {
                        while hup.recv().await.is_some() {
                            tracing::info!(
                                "SIGHUP: nothing to reload without TLS (the configuration is read at start)"
                            );
                        }
                    }
                });
                axum::serve(
                    self.listener,
                    router.into_make_service_with_connect_info::<SocketAddr>(),
                )
                .with_graceful_shutdown(shutdown)
                .await
            }
        };
        outbox.abort();
        purge.abort();
        if let Some(task) = metrics {
            task.abort();
        }
        storage_task.abort();
        served
    }
}

/// SQLite's WAL copied into the database every few seconds beside the
/// requests (see `storage::SQLITE_PRAGMAS`: no checkpoint inside a commit).
async fn checkpoint_sqlite(app: Arc<App>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = app.store.checkpoint().await {
            tracing::warn!(error = %e, "WAL checkpoint failed; trying again");
        }
    }
}

/// Several servers on one PostgreSQL: another server's change reaches this
/// server's subscribers and floor. Woken by its `NOTIFY` (the payload,
/// the change's office and last event id, only says where to look: the
/// tables are read), and once a second at every office anyway.
async fn follow_other_servers(app: Arc<App>, url: String) {
    use sqlx::postgres::PgListener;
    let mut listener: Option<PgListener> = None;
    // Once a second whatever arrives: notifications sent while the
    // listener reconnects are lost.
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        if listener.is_none() {
            listener = match PgListener::connect(&url).await {
                Ok(mut l) => match l.listen(crate::storage::CHANGES_CHANNEL).await {
                    Ok(()) => Some(l),
                    Err(e) => {
                        tracing::warn!(error = %e, "LISTEN failed; retrying");
                        None
                    }
                },
                Err(e) => {
                    tracing::warn!(error = %e, "change listener cannot connect; retrying");
                    None
                }
            };
        }
        match listener.as_mut() {
            Some(l) => {
                tokio::select! {
                    got = l.recv() => match got {
                        Ok(first) => {
                            // A burst of changes is one look per office;
                            // changes whose events this server has already
                            // passed on (its own) need none.
                            let mut offices: Vec<String> =
                                news(&app, first.payload()).into_iter().collect();
                            while let Some(n) = l.next_buffered() {
                                offices.extend(news(&app, n.payload()));
                            }
                            offices.sort();
                            offices.dedup();
                            for office in offices {
                                if let Err(e) = app.refresh(Some(&office)).await {
                                    tracing::warn!(error = %e, "reading other servers' changes failed");
                                }
                            }
                            continue;
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "change listener lost its connection");
                            listener = None;
                            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                        }
                    },
                    _ = tick.tick() => {}
                }
            }
            None => tokio::time::sleep(std::time::Duration::from_secs(1)).await,
        }
        if let Err(e) = app.refresh(None).await {
            tracing::warn!(error = %e, "reading other servers' changes failed");
        }
    }
}

/// The office a change notification (`office:last event id`, see
/// `storage::change_payload`) asks this server to look at, if any.
fn news(app: &App, payload: &str) -> Option<String> {
    let (office, last) = payload.split_once(':')?;
    let known = app.office(office).ok()?.hub.last_id();
    is_news(last, known).then(|| office.to_string())
}

/// Whether a change whose last event is `last` (an id, or empty) brings
/// anything beyond event `known`.
fn is_news(last: &str, known: i64) -> bool {
    !matches!(last.parse::<i64>(), Ok(id) if id <= known)
}

/// Purges personal data past its retention at start, then each day: the
/// first server to look after midnight does it (see `App::daily_purge`).
async fn purge_daily(app: Arc<App>, mail_dir: PathBuf) {
    loop {
        match app.daily_purge(&mail_dir).await {
            Ok(Some(s)) => tracing::info!(
                before = %s.before,
                reservations = s.records.reservations,
                ticket_notes = s.records.ticket_notes,
                notifications = s.records.notifications,
                mails = s.records.mails,
                mail_files = s.mail_files,
                "personal data past its retention purged"
            ),
            Ok(None) => tracing::debug!("today's purge was done by another server"),
            Err(e) => tracing::warn!(error = %e, "purge failed; retried within the hour"),
        }
        tokio::time::sleep(PURGE_CHECK_EVERY).await;
    }
}
