//! Load generator for the public catalogue over HTTP: the benchmark queries
//! (`../shared/bench/queries.tsv`) against a running `lentera serve`, with N
//! concurrent keep-alive connections, raw HTTP/1.1 over std TCP (no client
//! library, so the client costs little CPU next to the server on 2 cores).
//!
//!     cargo run --release -p lentera --example bench_opac_http -- \
//!         --addr 127.0.0.1:8090 --queries ../shared/bench/queries.tsv \
//!         --concurrency 8 --rounds 3 [--pid PID] [--extra "&facets=false"]
//!
//! Prints p50/p90/p99 per query kind and overall, throughput, and — with
//! `--pid` — the server's VmRSS before and at peak during the run, and its
//! VmHWM, from /proc.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Args {
    addr: String,
    queries: String,
    concurrency: usize,
    rounds: usize,
    pid: Option<u32>,
    extra: String,
}

fn args() -> Args {
    let mut a = Args {
        addr: "127.0.0.1:8090".into(),
        queries: "../shared/bench/queries.tsv".into(),
        concurrency: 1,
        rounds: 3,
        pid: None,
        extra: String::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_default();
        match k.as_str() {
            "--addr" => a.addr = v,
            "--queries" => a.queries = v,
            "--concurrency" => a.concurrency = v.parse().expect("--concurrency N"),
            "--rounds" => a.rounds = v.parse().expect("--rounds N"),
            "--pid" => a.pid = Some(v.parse().expect("--pid PID")),
            "--extra" => a.extra = v,
            _ => panic!("unknown argument {k}"),
        }
    }
    a
}

fn encode(s: &str) -> String {
    let mut o = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            o.push(b as char);
        } else {
            o.push_str(&format!("%{b:02X}"));
        }
    }
    o
}

/// The API request a query of this kind makes, as a catalogue UI would.
fn path(kind: &str, q: &str, extra: &str) -> String {
    let field = match kind {
        "author" => "&field=author",
        "publisher" => "&field=publisher",
        _ => "",
    };
    format!("/api/v1/catalog/search?q={}{field}{extra}", encode(q))
}

/// One GET on a keep-alive connection; returns the status code.
fn get(conn: &mut BufReader<TcpStream>, host: &str, path: &str) -> std::io::Result<u16> {
    let req = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n\r\n");
    conn.get_mut().write_all(req.as_bytes())?;
    let mut line = String::new();
    conn.read_line(&mut line)?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
    let mut length = None;
    let mut chunked = false;
    loop {
        line.clear();
        conn.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let lower = l.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse::<usize>().ok();
        } else if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    if chunked {
        loop {
            line.clear();
            conn.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim(), 16).map_err(std::io::Error::other)?;
            let mut buf = vec![0; size + 2];
            conn.read_exact(&mut buf)?;
            if size == 0 {
                break;
            }
        }
    } else if let Some(n) = length {
        let mut buf = vec![0; n];
        conn.read_exact(&mut buf)?;
    }
    Ok(status)
}

fn proc_kib(pid: u32, key: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let a = args();
    let text = std::fs::read_to_string(&a.queries).expect("queries.tsv");
    let queries: Vec<(String, String)> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t'))
        .map(|(k, q)| (k.to_string(), q.to_string()))
        .collect();
    let host = a.addr.clone();

    // Warm-up: every query once on one connection (page cache, term dicts).
    {
        let mut c = BufReader::new(TcpStream::connect(&a.addr).expect("connect"));
        for (k, q) in &queries {
            let st = get(&mut c, &host, &path(k, q, &a.extra)).expect("warm-up request");
            assert_eq!(st, 200, "{k} {q}");
        }
    }

    let rss_idle = a.pid.and_then(|p| proc_kib(p, "VmRSS:"));
    let work: Vec<(usize, String)> = (0..a.rounds)
        .flat_map(|_| {
            queries
                .iter()
                .enumerate()
                .map(|(i, (k, q))| (i, path(k, q, &a.extra)))
        })
        .collect();
    let work = Arc::new(work);
    let next = Arc::new(AtomicUsize::new(0));
    let results: Arc<Mutex<Vec<(usize, f64, u16)>>> = Arc::new(Mutex::new(Vec::new()));
    let done = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(0));
    let sampler = a.pid.map(|pid| {
        let done = done.clone();
        let peak = peak.clone();
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if let Some(v) = proc_kib(pid, "VmRSS:") {
                    peak.fetch_max(v, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    });
    let started = Instant::now();
    let threads: Vec<_> = (0..a.concurrency)
        .map(|_| {
            let (work, next, results, addr, host) = (
                work.clone(),
                next.clone(),
                results.clone(),
                a.addr.clone(),
                host.clone(),
            );
            std::thread::spawn(move || {
                let mut c = BufReader::new(TcpStream::connect(&addr).expect("connect"));
                c.get_ref().set_nodelay(true).ok();
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((q, p)) = work.get(i) else { break };
                    let t = Instant::now();
                    let st = match get(&mut c, &host, p) {
                        Ok(s) => s,
                        Err(_) => {
                            c = BufReader::new(TcpStream::connect(&addr).expect("reconnect"));
                            0
                        }
                    };
                    mine.push((*q, t.elapsed().as_secs_f64() * 1000.0, st));
                }
                results.lock().unwrap().extend(mine);
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let wall = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    if let Some(s) = sampler {
        s.join().unwrap();
    }
    let results = results.lock().unwrap();
    let errors = results.iter().filter(|r| r.2 != 200).count();
    let mut by_kind: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut all = Vec::new();
    for (q, ms, _) in results.iter() {
        by_kind.entry(queries[*q].0.as_str()).or_default().push(*ms);
        all.push(*ms);
    }
    println!(
        "concurrency {}  requests {}  errors {}  wall {:.2} s  throughput {:.0} req/s",
        a.concurrency,
        results.len(),
        errors,
        wall,
        results.len() as f64 / wall
    );
    println!("| kind | n | p50 ms | p90 ms | p99 ms | max ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    let row = |name: &str, v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        println!(
            "| {name} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
            v.len(),
            pct(v, 50.0),
            pct(v, 90.0),
            pct(v, 99.0),
            v.last().copied().unwrap_or(f64::NAN)
        );
    };
    for (k, v) in by_kind.iter_mut() {
        row(k, v);
    }
    row("**all**", &mut all);
    if let Some(pid) = a.pid {
        println!(
            "server VmRSS before {} MiB, peak during run {} MiB, VmHWM {} MiB",
            rss_idle.unwrap_or(0) / 1024,
            peak.load(Ordering::Relaxed) / 1024,
            proc_kib(pid, "VmHWM:").unwrap_or(0) / 1024
        );
    }
}
