//! `csa serve` over HTTP on 127.0.0.1: the built `csa` binary started as a user starts it, a
//! small HTTP client (ureq) and raw sockets for what no client sends. `routes` covers the routes
//! of objects and every error, `definitions` the catalog's routes and its swap, `data` startup,
//! the data directory and shutdown, `load` concurrent clients, the replay of the logged writes
//! and a kill -9.
// clippy.toml allows these in `#[test]` functions; the helpers here are test code too.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod data;
mod definitions;
mod load;
mod routes;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The sample catalog's path.
pub fn catalog_path() -> PathBuf {
    crate::common::examples_dir().join("sample-catalog.json")
}

/// The sample catalog's bytes.
pub fn catalog_bytes() -> Vec<u8> {
    std::fs::read(catalog_path()).unwrap()
}

/// The documented sample tenant (docs/examples/tenant.jsonl).
pub fn tenant_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples/tenant.jsonl")
}

/// Role template ids and actors of the tokens file every test uses.
pub const AAA: &str = crate::common::AAA;
pub const AAR: &str = crate::common::AAR;
pub const ADA: &str = crate::common::ADA;

/// The tokens every test server knows: `admin` (no permission check), `eng` (Attribute
/// Assignment Administrator on Engineering), `mkt-reader` (Attribute Assignment Reader on
/// Marketing), `definer` (Attribute Definition Administrator, tenant), `nobody` (no role).
pub fn tokens() -> Value {
    json!({
        "admin": null,
        "eng": {"roleAssignments": [{"roleDefinitionId": AAA, "directoryScopeId": "/attributeSets/Engineering"}]},
        "mkt-reader": {"roleAssignments": [{"roleDefinitionId": AAR, "directoryScopeId": "/attributeSets/Marketing"}]},
        "definer": {"roleAssignments": [{"roleDefinitionId": ADA, "directoryScopeId": "/"}]},
        "nobody": {"roleAssignments": []}
    })
}

/// A token's actor document (`None` for `admin`).
pub fn actor_of(token: &str) -> Option<Vec<u8>> {
    let t = tokens();
    let a = &t[token];
    (!a.is_null()).then(|| serde_json::to_vec(a).unwrap())
}

/// A scratch directory, removed afterwards.
pub struct Scratch {
    pub dir: PathBuf,
}

impl Scratch {
    pub fn new(name: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "csa-serve-{}-{}-{name}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch { dir }
    }

    /// Writes `name` in the directory; its path.
    pub fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A running `csa serve`.
pub struct Double {
    child: Option<Child>,
    /// Its standard output after the first line.
    stdout: Option<BufReader<std::process::ChildStdout>>,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// `127.0.0.1:PORT`.
    pub address: String,
    /// Its standard error (the request log).
    pub log: PathBuf,
    agent: ureq::Agent,
}

/// What a request got.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Value,
    pub text: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The Graph error code of an error body.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }

    /// The Graph error message of an error body.
    pub fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or_default()
    }
}

/// Options of a test server beyond the sample catalog, tenant and tokens.
#[derive(Default)]
pub struct Start<'a> {
    pub catalog: Option<PathBuf>,
    pub objects: Option<PathBuf>,
    pub tokens: Option<PathBuf>,
    pub policy: Option<&'a str>,
    pub data: Option<&'a Path>,
    pub allow_synced: bool,
    /// Do not pass --catalog and --objects (to resume a data directory).
    pub no_seed: bool,
}

/// The `csa` binary.
pub fn csa() -> &'static str {
    env!("CARGO_BIN_EXE_csa")
}

impl Double {
    /// `csa serve` on the sample catalog, the sample tenant and [`tokens`], in `scratch`.
    pub fn start(scratch: &Scratch) -> Double {
        Double::start_with(scratch, Start::default())
    }

    /// `csa serve` on the sample catalog and tenant, keeping its state in `dir`.
    pub fn with_data(scratch: &Scratch, dir: &Path) -> Double {
        let data = Some(dir);
        Double::start_with(
            scratch,
            Start {
                data,
                ..Start::default()
            },
        )
    }

    /// `csa serve` resuming the state in `dir`, without --catalog and --objects.
    pub fn resume(scratch: &Scratch, dir: &Path) -> Double {
        let (data, no_seed) = (Some(dir), true);
        Double::start_with(
            scratch,
            Start {
                data,
                no_seed,
                ..Start::default()
            },
        )
    }

    /// `csa serve` with `options`; panics with its stderr if it does not print its address.
    pub fn start_with(scratch: &Scratch, options: Start<'_>) -> Double {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let tokens = options
            .tokens
            .unwrap_or_else(|| scratch.file("tokens.json", tokens().to_string()));
        let mut args: Vec<String> = vec!["serve".into(), "--tokens".into(), path(&tokens)];
        if !options.no_seed {
            args.extend([
                "--catalog".into(),
                path(&options.catalog.unwrap_or_else(catalog_path)),
                "--objects".into(),
                path(&options.objects.unwrap_or_else(tenant_path)),
            ]);
        }
        if let Some(policy) = options.policy {
            let file = scratch.file(&format!("policy-{n}.json"), policy);
            args.extend(["--policy".into(), path(&file)]);
        }
        if let Some(dir) = options.data {
            args.extend(["--data".into(), path(dir)]);
        }
        if options.allow_synced {
            args.push("--allow-synced".into());
        }
        args.extend(["--listen".into(), "127.0.0.1:0".into()]);
        Double::spawn(scratch, &args, n)
    }

    fn spawn(scratch: &Scratch, args: &[String], n: usize) -> Double {
        let log = scratch.path(&format!("serve-{n}.log"));
        let mut child = Command::new(csa())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut first = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut first).unwrap();
        let Some(base) = first.trim().strip_prefix("listening on ") else {
            let status = child.wait().unwrap();
            panic!(
                "csa serve did not start ({status}): stdout {first:?}, stderr:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        };
        let base = base.to_owned();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            // Keep a connection per client thread of the load test.
            .max_idle_connections_per_host(16)
            .build()
            .new_agent();
        Double {
            child: Some(child),
            stdout: Some(stdout),
            address: base.trim_start_matches("http://").to_owned(),
            base,
            log,
            agent,
        }
    }

    /// A request: `method path` with a bearer token, headers and a JSON body.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Answer {
        let uri = format!("{}{path}", self.base);
        let mut req = ureq::http::Request::builder().method(method).uri(&uri);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let result = match body {
            Some(b) => {
                let req = req
                    .header("Content-Type", "application/json")
                    .body(b.to_vec())
                    .unwrap();
                self.agent.run(req)
            }
            None => self.agent.run(req.body(()).unwrap()),
        };
        let mut response = result.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            body,
            text,
        }
    }

    pub fn get(&self, path: &str, token: &str) -> Answer {
        self.call("GET", path, Some(token), &[], None)
    }

    pub fn patch(&self, path: &str, token: &str, body: &Value) -> Answer {
        let bytes = serde_json::to_vec(body).unwrap();
        self.call("PATCH", path, Some(token), &[], Some(&bytes))
    }

    pub fn post(&self, path: &str, token: &str, body: &Value) -> Answer {
        let bytes = serde_json::to_vec(body).unwrap();
        self.call("POST", path, Some(token), &[], Some(&bytes))
    }

    /// Raw bytes on a new connection; everything the server sends back until it closes (or
    /// 5 s pass).
    pub fn raw(&self, bytes: &[u8]) -> String {
        let mut s = TcpStream::connect(&self.address).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = s.write_all(bytes);
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The request log so far, one JSON value per line (other lines skipped).
    pub fn log_lines(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .collect()
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// SIGTERM, then its exit status (at most 30 s later).
    /// The address is the only line the server writes on its standard output.
    pub fn stop(mut self) -> ExitStatus {
        let mut child = self.child.take().unwrap();
        signal(child.id(), "TERM");
        let status = wait(&mut child, Duration::from_secs(30));
        let mut rest = String::new();
        self.stdout
            .take()
            .unwrap()
            .read_to_string(&mut rest)
            .unwrap();
        assert_eq!(rest, "", "more than the address on stdout");
        status
    }

    /// SIGKILL (kill -9), and wait for it to be gone.
    pub fn kill9(mut self) {
        let mut child = self.child.take().unwrap();
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for Double {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Sends a signal to one process, by its id.
pub fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .args([format!("-{name}"), pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{name} {pid}");
}

/// Waits for a child at most `limit`; kills it past that and fails.
pub fn wait(child: &mut Child, limit: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("the server did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn path(p: &Path) -> String {
    p.to_str().unwrap().to_owned()
}

/// The documented PATCH body of an assignment example (`A01`, ...).
pub fn example_body(id: &str) -> Value {
    let (_, example) = crate::common::examples_in("assignments")
        .into_iter()
        .find(|(name, _)| name.starts_with(id))
        .unwrap();
    example["request"]["body"].clone()
}

/// A PATCH body of one set: `{"customSecurityAttributes": {set: {"@odata.type": ..., ...}}}`.
pub fn assign(set: &str, attributes: Value) -> Value {
    let mut members = serde_json::Map::new();
    members.insert("@odata.type".into(), json!(crate::common::REQUEST_SET_TYPE));
    for (k, v) in attributes.as_object().unwrap() {
        members.insert(k.clone(), v.clone());
    }
    json!({"customSecurityAttributes": {set: members}})
}

/// Jiya, the first user of the sample tenant.
pub const JIYA: &str = "dbaf3778-4f81-4ea0-ac1c-502a293c12ac";
/// Alain: nothing assigned.
pub const ALAIN: &str = "c4f9ecd3-d3c1-4544-b49a-bc9bb62beb67";

/// The sample tenant, a service principal and a synced user.
pub fn objects(scratch: &Scratch) -> PathBuf {
    let mut text = std::fs::read_to_string(tenant_path()).unwrap();
    text.push_str(
        "{\"@odata.type\": \"#microsoft.graph.servicePrincipal\", \"id\": \"sp-1\", \"displayName\": \"Payroll app\", \"appId\": \"0000-app\", \"customSecurityAttributes\": null}\n",
    );
    text.push_str(
        "{\"@odata.type\": \"#microsoft.graph.user\", \"id\": \"synced-1\", \"displayName\": \"Synced\", \"onPremisesSyncEnabled\": true, \"customSecurityAttributes\": null}\n",
    );
    scratch.file("objects.jsonl", text)
}

pub fn double(scratch: &Scratch) -> Double {
    let objects = objects(scratch);
    Double::start_with(
        scratch,
        Start {
            objects: Some(objects),
            ..Start::default()
        },
    )
}

/// The user's JSON line in the sample tenant.
pub fn sample_user(id: &str) -> Vec<u8> {
    std::fs::read_to_string(tenant_path())
        .unwrap()
        .lines()
        .find(|l| l.contains(id))
        .unwrap()
        .as_bytes()
        .to_vec()
}

pub fn has_inner_error(a: &Answer) {
    let inner = &a.body["error"]["innerError"];
    assert!(inner["date"].as_str().unwrap().len() == 19, "{}", a.text);
    assert_eq!(inner["request-id"].as_str(), a.header("request-id"));
    assert_eq!(
        inner["client-request-id"].as_str(),
        a.header("client-request-id")
    );
}
