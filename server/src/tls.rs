//! TLS for halls without a reverse proxy (`serve --tls-cert --tls-key`):
//! rustls (ring) through axum-server, the certificate and key read again
//! on SIGHUP (a renewed certificate without a restart; a bad one is
//! refused and the old one kept), and HSTS on every answer.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum_server::tls_rustls::RustlsConfig;

/// How long open connections (event streams) get to finish at shutdown.
const DRAIN: std::time::Duration = std::time::Duration::from_secs(10);

/// Browsers remember for a year that this server is reached over TLS only.
pub const HSTS: &str = "max-age=31536000";

/// The certificate files, and the configuration read from them.
pub struct Tls {
    cert: PathBuf,
    key: PathBuf,
    config: RustlsConfig,
}

impl Tls {
    /// Reads the PEM certificate chain and private key; a missing or bad
    /// file is an error that names it.
    pub async fn load(cert: PathBuf, key: PathBuf) -> anyhow::Result<Tls> {
        // One crypto provider for the process: ring, as everywhere else.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let config = RustlsConfig::from_pem_file(&cert, &key)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "TLS certificate {} / key {}: {e}",
                    cert.display(),
                    key.display()
                )
            })?;
        Ok(Tls { cert, key, config })
    }

    /// Serves `router` over TLS on `listener` until `shutdown` resolves.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        router: axum::Router,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let reload = tokio::spawn(reload_on_sighup(self.config.clone(), self.cert, self.key));
        let handle: axum_server::Handle<SocketAddr> = axum_server::Handle::new();
        let stop = handle.clone();
        tokio::spawn(async move {
            shutdown.await;
            stop.graceful_shutdown(Some(DRAIN));
        });
        let listener = listener.into_std()?;
        listener.set_nonblocking(true)?;
        let served = axum_server::from_tcp_rustls(listener, self.config)?
            .handle(handle)
            .serve(router.into_make_service_with_connect_info::<SocketAddr>())
            .await;
        reload.abort();
        served
    }
}

async fn reload_on_sighup(config: RustlsConfig, cert: PathBuf, key: PathBuf) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            tracing::warn!("SIGHUP cannot be caught: the certificate is read at start only");
            return;
        };
        while hup.recv().await.is_some() {
            match config.reload_from_pem_file(&cert, &key).await {
                Ok(()) => tracing::info!(cert = %cert.display(), "TLS certificate reloaded"),
                Err(e) => {
                    tracing::error!(cert = %cert.display(), error = %e, "TLS certificate not reloaded; the previous one is kept")
                }
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (config, cert, key);
}
