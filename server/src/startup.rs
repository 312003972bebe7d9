//! Building and running a server: used by `main` and by the tests, which
//! bind port 0 and read the address back.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::app::App;
use crate::clock::Clock;
use crate::config::Office;
use crate::storage::Store;

pub struct Server {
    pub app: Arc<App>,
    listener: TcpListener,
}

impl Server {
    /// Opens the data directory and binds the address.
    pub async fn build(
        office: Office,
        data_dir: PathBuf,
        listen: SocketAddr,
        clock: Clock,
    ) -> anyhow::Result<Server> {
        std::fs::create_dir_all(&data_dir)?;
        let store = Store::open(&data_dir).await?;
        let app = Arc::new(App::new(office, store, clock).await?);
        let listener = TcpListener::bind(listen).await?;
        Ok(Server { app, listener })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let router = crate::http::router(self.app.clone());
        axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    }
}
