//! Real-browser tests: the `lentera` binary serves the demonstration, and
//! the Node tests in `e2e/tests/` drive Debian's Chromium through
//! playwright-core against it — once on SQLite and once on PostgreSQL.
//!
//! Needs `node`, `/usr/bin/chromium` (or `LENTERA_CHROMIUM`) and
//! `e2e/node_modules` (`cd e2e && npm ci`). Without them the tests print a
//! note and pass — except under `CI=true`, where they fail: CI must never
//! pass by testing less. The same goes for PostgreSQL, found at
//! `LENTERA_TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`)
//! and given a fresh schema with `psql`.
//!
//! Watch the browser tests as they run with
//! `cargo test -p lentera --test browser -- --nocapture`; screenshots land
//! in `e2e/test-results/`.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long the server may take to migrate, load regions and the demo.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the whole browser suite may take on one backend.
const SUITE_TIMEOUT: Duration = Duration::from_secs(300);
const READY_PREFIX: &str = "Lentera berjalan di ";

/// One backend at a time: the machine has two cores, and interleaved
/// output from two suites would be unreadable.
static SERIAL: Mutex<()> = Mutex::new(());

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Outside CI a missing prerequisite skips with a note; under CI it fails.
fn unavailable(what: &str) {
    if in_ci() {
        panic!("{what}. Under CI=true the browser tests must run, not be skipped.");
    }
    eprintln!("note: skipping browser tests: {what}");
}

fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

fn chromium() -> PathBuf {
    std::env::var_os("LENTERA_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

fn command_works(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// What the browser tests need; `None` (after the note or panic) when
/// something is missing.
fn prerequisites() -> Option<PathBuf> {
    let root = workspace_root();
    let mut missing = Vec::new();
    if !command_works("node", "--version") {
        missing.push("`node` (Node.js 20+) is not on PATH".to_string());
    }
    let chromium = chromium();
    if !chromium.is_file() {
        missing.push(format!(
            "{} is missing (apt-get install chromium)",
            chromium.display()
        ));
    }
    if !root
        .join("e2e/node_modules/playwright-core/package.json")
        .is_file()
    {
        missing.push("e2e/node_modules/playwright-core is missing (cd e2e && npm ci)".to_string());
    }
    if missing.is_empty() {
        Some(root)
    } else {
        unavailable(&missing.join("; "));
        None
    }
}

fn unique(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{nanos}", std::process::id())
}

/// A fresh data folder, removed afterwards.
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> TempDir {
        let dir = std::env::temp_dir().join(unique(prefix));
        std::fs::create_dir_all(&dir).expect("create a temporary data folder");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A PostgreSQL schema of its own, dropped afterwards.
struct PgSchema {
    admin_url: String,
    name: String,
}

impl PgSchema {
    /// Creates the schema with `psql`, or explains why it cannot.
    fn create() -> Result<PgSchema, String> {
        let admin_url = lentera_store::testing::pg_admin_url();
        if !command_works("psql", "--version") {
            return Err("`psql` is not installed, so no PostgreSQL schema can be made".into());
        }
        let name = unique("browser");
        psql(&admin_url, &format!("CREATE SCHEMA {name}"))
            .map_err(|e| format!("PostgreSQL unreachable at {admin_url}: {e}"))?;
        Ok(PgSchema { admin_url, name })
    }

    fn database_url(&self) -> String {
        let sep = if self.admin_url.contains('?') {
            '&'
        } else {
            '?'
        };
        format!(
            "{}{sep}options=-csearch_path%3D{}",
            self.admin_url, self.name
        )
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let _ = psql(
            &self.admin_url,
            &format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name),
        );
    }
}

fn psql(url: &str, sql: &str) -> Result<(), String> {
    let out = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .env("PGCONNECT_TIMEOUT", "5")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// Copies a child's output line by line to the test's output, with a tag.
/// Test output is captured (shown on failure, or live with `--nocapture`).
fn forward(
    stream: impl Read + Send + 'static,
    tag: &'static str,
    to: Option<mpsc::Sender<String>>,
) {
    thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            println!("[{tag}] {line}");
            if let Some(tx) = &to {
                let _ = tx.send(line);
            }
        }
    });
}

/// The running server; killed when dropped, also when a test panics.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(data_dir: &Path, database_url: Option<&str>) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lentera"));
        cmd.args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .env_remove("LENTERA_DATABASE_URL")
            .env_remove("LENTERA_LISTEN")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(url) = database_url {
            cmd.args(["--database-url", url]);
        }
        let mut child = cmd.spawn().expect("start `lentera serve`");
        let (tx, rx) = mpsc::channel();
        forward(child.stdout.take().expect("stdout"), "lentera", Some(tx));
        forward(child.stderr.take().expect("stderr"), "lentera", None);
        let mut server = Server {
            child,
            url: String::new(),
        };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(rest) = line.trim().strip_prefix(READY_PREFIX) {
                        let url = rest.split_whitespace().next().unwrap_or_default();
                        assert!(
                            url.starts_with("http://127.0.0.1:"),
                            "unexpected address line: {line}"
                        );
                        server.url = url.to_string();
                        return server;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    panic!("`lentera serve` did not say it was listening within {START_TIMEOUT:?}")
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = server.child.wait().ok();
                    panic!(
                        "`lentera serve` stopped before listening (exit: {status:?}); see its output above"
                    )
                }
            }
        }
    }
}

/// The test files, in a stable order (listed explicitly so any Node
/// version runs the same set).
fn test_files(root: &Path) -> Vec<PathBuf> {
    let dir = root.join("e2e/tests");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .map(|p| p.strip_prefix(root).map(Path::to_path_buf).unwrap_or(p))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no *.test.mjs in {}", dir.display());
    files
}

/// Runs `node --test` on every browser test against `url`.
fn run_suite(root: &Path, url: &str, backend: &str) -> ExitStatus {
    let mut child = Command::new("node")
        .args(["--test", "--test-reporter=spec"])
        .args(test_files(root))
        .current_dir(root)
        .env("LENTERA_URL", url)
        .env("LENTERA_CHROMIUM", chromium())
        .env("LENTERA_BACKEND", backend)
        .env("NO_COLOR", "1")
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start `node --test`");
    forward(child.stdout.take().expect("stdout"), "e2e", None);
    forward(child.stderr.take().expect("stderr"), "e2e", None);
    let deadline = Instant::now() + SUITE_TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().expect("wait for node") {
            // Let the forwarding threads print the last lines.
            thread::sleep(Duration::from_millis(100));
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the browser tests ({backend}) did not finish within {SUITE_TIMEOUT:?}");
        }
        thread::sleep(Duration::from_millis(100));
    }
}

fn browser_suite(backend: &str, database_url: Option<&str>, root: &Path) {
    let data = TempDir::new(&format!("lentera_browser_{backend}"));
    let started = Instant::now();
    let server = Server::start(&data.0, database_url);
    println!(
        "[browser] {backend}: server at {} after {:.1?}",
        server.url,
        started.elapsed()
    );
    let status = run_suite(root, &server.url, backend);
    println!(
        "[browser] {backend}: browser tests finished after {:.1?} ({status})",
        started.elapsed()
    );
    drop(server);
    assert!(
        status.success(),
        "the browser tests failed on {backend} ({status}); their output is above"
    );
}

#[test]
fn browser_sqlite() {
    let _one_at_a_time = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let Some(root) = prerequisites() else { return };
    browser_suite("sqlite", None, &root);
}

#[test]
fn browser_postgres() {
    let _one_at_a_time = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let Some(root) = prerequisites() else { return };
    let schema = match PgSchema::create() {
        Ok(s) => s,
        Err(e) => return unavailable(&e),
    };
    browser_suite("postgres", Some(&schema.database_url()), &root);
}
