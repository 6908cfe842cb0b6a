//! `csa serve`: a local, stateful Microsoft Graph for custom security attributes, which
//! Microsoft's SDKs can be pointed at (feature `serve`; docs/SERVE.md).
//!
//! Every request is decided by the library's commands, as `csa check`, `csa view`, `csa filter`
//! and `csa define` decide them, and answered with what they print with `--format graph`; the
//! server adds only what a server must: authentication by bearer token, routes, state (the
//! objects and the catalog, changed by accepted writes, optionally kept in a data directory),
//! concurrency, and a log line per request.
//!
//! - `state`: the tenant in memory: the catalog swapped whole, each object behind its own write
//!   lock, the tokens;
//! - `store`: the data directory (layout and atomic writes);
//! - `routes`: requests to answers;
//! - `answer`: Graph's headers and error bodies;
//! - `log`: the request log.
//!
//! ```no_run
//! use csa::serve::{Config, Server};
//!
//! let config = Config::new(std::fs::read("tokens.json")?)
//!     .catalog(std::fs::read("catalog.json")?)
//!     .objects(std::fs::read("tenant.jsonl")?)
//!     .listen("127.0.0.1:0".parse()?);
//! let server = Server::bind(config)?;
//! println!("listening on http://{}", server.local_addr());
//! server.serve_until_signal()?; // until SIGTERM or Ctrl-C; in-flight requests finish first
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod answer;
mod log;
mod routes;
mod state;
mod store;

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;

use self::state::{index, read_objects, Shared, Tokens};
use self::store::Store;
use crate::catalog::Catalog;
use crate::engine::Engine;
use crate::policy::Policy;
use crate::violation::InputError;

/// How long in-flight requests may take to finish once a shutdown is asked for.
const DRAIN: Duration = Duration::from_secs(30);
/// How long a client may take to send a request's headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// What a server starts from: the documents (as bytes, as the CLI reads them), the address to
/// listen on and, optionally, the data directory.
#[derive(Debug, Clone)]
#[must_use]
pub struct Config {
    tokens: Vec<u8>,
    catalog: Option<Vec<u8>>,
    objects: Option<Vec<u8>>,
    policy: Option<Vec<u8>>,
    allow_synced: bool,
    listen: SocketAddr,
    data: Option<PathBuf>,
}

impl Config {
    /// A server with the tokens file `tokens` (`{"<bearer token>": <actor document> | null}`),
    /// listening on `127.0.0.1:0` (a free port), with its state in memory.
    pub fn new(tokens: Vec<u8>) -> Self {
        Self {
            tokens,
            catalog: None,
            objects: None,
            policy: None,
            allow_synced: false,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data: None,
        }
    }
    /// The catalog the tenant starts with (`--catalog`; needed unless the data directory holds
    /// state).
    pub fn catalog(mut self, catalog: Vec<u8>) -> Self {
        self.catalog = Some(catalog);
        self
    }
    /// The objects the tenant starts with (`--objects`: a JSON array, a Graph list response or
    /// JSON Lines; needed unless the data directory holds state).
    pub fn objects(mut self, objects: Vec<u8>) -> Self {
        self.objects = Some(objects);
        self
    }
    /// The policy knobs (`--policy`).
    pub fn policy(mut self, policy: Vec<u8>) -> Self {
        self.policy = Some(policy);
        self
    }
    /// Accept directory-synced objects, on top of the policy (`--allow-synced`).
    pub fn allow_synced(mut self, allow: bool) -> Self {
        self.allow_synced = allow;
        self
    }
    /// The address to listen on (`--listen`; port 0 picks a free one).
    pub fn listen(mut self, address: SocketAddr) -> Self {
        self.listen = address;
        self
    }
    /// The data directory (`--data`): seeded from the catalog and objects when it holds no
    /// state, resumed (over them) when it does.
    pub fn data(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data = Some(dir.into());
        self
    }
}

/// Why a server cannot start or keep running.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// A document the library refuses: the catalog, an object, a token's actor (its
    /// [`InputError::item`] is `token N`) or the policy.
    #[error("{}", .0.summary())]
    Input(InputError),
    /// The tokens file is not a JSON object of distinct, non-empty bearer tokens.
    #[error("{0}")]
    Tokens(String),
    /// The objects cannot be served: one without an id, two with the same id.
    #[error("{0}")]
    Objects(String),
    /// No catalog or no objects, and no data directory holding state.
    #[error("the {0} is needed: the data directory holds no state to resume")]
    Missing(&'static str),
    /// The data directory cannot be read or written.
    #[error("data directory: `{}`: {error}", path.display())]
    Data {
        /// The file or directory.
        path: PathBuf,
        /// What failed.
        error: std::io::Error,
    },
    /// The data directory holds something that is not a server's state.
    #[error("data directory: `{}`: {reason}", path.display())]
    DataInvalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The address cannot be listened on.
    #[error("cannot listen on {address}: {error}")]
    Listen {
        /// The address asked for.
        address: SocketAddr,
        /// What failed.
        error: std::io::Error,
    },
    /// The runtime cannot be started, or a signal handler installed.
    #[error("cannot start the server: {0}")]
    Runtime(std::io::Error),
}

/// Whether `dir` holds a server's state (and [`Server::bind`] resumes it rather than seeding it
/// from the catalog and objects, which need not be read).
pub fn holds_state(dir: &std::path::Path) -> bool {
    store::holds_state(dir)
}

/// A server bound to its address, with its tenant loaded; [`Server::serve_until_signal`] runs it.
#[derive(Debug)]
pub struct Server {
    runtime: tokio::runtime::Runtime,
    listener: std::net::TcpListener,
    address: SocketAddr,
    shared: Arc<Shared>,
    resumed: bool,
}

impl Server {
    /// Reads the policy, the tokens, then the data directory's state or the catalog and the
    /// objects (seeding the directory with them), and binds the address.
    pub fn bind(config: Config) -> Result<Server, ServeError> {
        let mut policy = match &config.policy {
            Some(bytes) => Policy::from_json(bytes).map_err(ServeError::Input)?,
            None => Policy::default(),
        };
        policy.allow_synced_objects |= config.allow_synced;
        let tokens = Tokens::from_json(&config.tokens)?;
        let (store, saved) = match &config.data {
            Some(dir) => {
                let (store, saved) = Store::open(dir)?;
                (Some(store), saved)
            }
            None => (None, None),
        };
        let resumed = saved.is_some();
        let (catalog, objects) = match saved {
            Some(saved) => {
                let catalog =
                    Catalog::from_json_with(&saved.catalog, &policy).map_err(ServeError::Input)?;
                (catalog, saved.objects)
            }
            None => {
                let bytes = config
                    .catalog
                    .as_deref()
                    .ok_or(ServeError::Missing("catalog"))?;
                let catalog = Catalog::from_json_with(bytes, &policy).map_err(ServeError::Input)?;
                let objects = config
                    .objects
                    .as_deref()
                    .ok_or(ServeError::Missing("objects"))?;
                let objects = read_objects(objects)?;
                if let Some(store) = &store {
                    // Every object has an id, each once, before anything is written.
                    index(&objects)?;
                    store.seed(&serde_json::to_vec(&catalog).unwrap_or_default(), &objects)?;
                }
                (catalog, objects)
            }
        };
        let index = index(&objects)?;
        let shared = Shared::new(Engine::new(catalog, policy), objects, index, tokens, store);
        let listener =
            std::net::TcpListener::bind(config.listen).map_err(|error| ServeError::Listen {
                address: config.listen,
                error,
            })?;
        listener
            .set_nonblocking(true)
            .map_err(ServeError::Runtime)?;
        let address = listener.local_addr().map_err(ServeError::Runtime)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("csa-serve")
            .build()
            .map_err(ServeError::Runtime)?;
        Ok(Server {
            runtime,
            listener,
            address,
            shared: Arc::new(shared),
            resumed,
        })
    }

    /// The address the server listens on (the port chosen when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// Whether the state was resumed from the data directory (rather than seeded).
    pub fn resumed(&self) -> bool {
        self.resumed
    }

    /// How many objects the tenant holds.
    pub fn objects(&self) -> usize {
        self.shared.len()
    }

    /// Serves until SIGTERM or Ctrl-C, then stops accepting, lets the requests under way finish
    /// (for at most 30 seconds) and returns.
    pub fn serve_until_signal(self) -> Result<(), ServeError> {
        let Server {
            runtime,
            listener,
            shared,
            ..
        } = self;
        runtime.block_on(async move {
            let listener =
                tokio::net::TcpListener::from_std(listener).map_err(ServeError::Runtime)?;
            let shutdown = shutdown_signal()?;
            tokio::pin!(shutdown);
            let graceful = GracefulShutdown::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok((stream, _)) => {
                            let _ = stream.set_nodelay(true);
                            let shared = Arc::clone(&shared);
                            let service = service_fn(move |req| {
                                let shared = Arc::clone(&shared);
                                async move { Ok::<_, Infallible>(routes::handle(shared, req).await) }
                            });
                            let connection = http1::Builder::new()
                                .timer(TokioTimer::new())
                                .header_read_timeout(HEADER_TIMEOUT)
                                .serve_connection(TokioIo::new(stream), service);
                            let connection = graceful.watch(connection);
                            tokio::spawn(async move {
                                let _ = connection.await;
                            });
                        }
                        // Out of file descriptors, a connection reset before accept: wait a
                        // little and go on.
                        Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                    },
                    () = &mut shutdown => break,
                }
            }
            drop(listener);
            say("shutting down: finishing the requests under way");
            tokio::select! {
                () = graceful.shutdown() => say("stopped"),
                () = tokio::time::sleep(DRAIN) => say("stopped: requests still under way after 30 s were dropped"),
            }
            Ok(())
        })
    }
}

/// A line for people on standard error (the request log is JSON; these lines are not).
fn say(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "csa serve: {text}");
}

/// Resolves on SIGTERM or Ctrl-C (SIGINT).
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, ServeError> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(ServeError::Runtime)?;
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    })
}
