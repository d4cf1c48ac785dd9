//! Catalogue search benchmark (see /work/shared/bench/README.md).
//!
//! ```text
//! cargo run --release -p lentera-search --example bench_search -- \
//!     --catalog /tmp/cat1m.jsonl --queries /work/shared/bench/queries.tsv \
//!     --index-dir /tmp/lentera-idx-1m [--reuse] [--facets] [--rounds 3] [--slowest 10] \
//!     [--show "query"]… [--library lib-7]
//! ```
//!
//! Builds the index from the JSONL catalogue (unless `--reuse` and an index
//! exists), then runs 1 warm-up round and `--rounds` timed rounds over the
//! queries, each query counting all matches and fetching the first 20 hits.
//! The `author` and `publisher` kinds are bare names, so they are sent with
//! the matching field selector, as the UI would. The catalogue has no library
//! ids, so each record is given one or two synthetic ones (`lib-0`…`lib-99`)
//! to make the union-catalogue fields realistic.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lentera_search::{
    BookDoc, BulkOptions, CatalogIndex, FacetRequest, Filters, SearchField, SearchRequest,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct Record {
    id: u64,
    title: String,
    #[serde(default)]
    subtitle: String,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    publisher: String,
    year: Option<u32>,
    isbn13: Option<String>,
    #[serde(default)]
    language: String,
    #[serde(default)]
    ddc: String,
    #[serde(default)]
    subjects: Vec<String>,
    #[serde(default)]
    collection: String,
}

impl Record {
    fn into_doc(self) -> BookDoc {
        let mut library_ids = vec![format!("lib-{}", self.id % 100)];
        if self.id % 3 == 0 {
            library_ids.push(format!("lib-{}", (self.id / 3 + 17) % 100));
        }
        BookDoc {
            id: self.id.to_string(),
            library_ids,
            title: self.title,
            subtitle: self.subtitle,
            authors: self.authors,
            publisher: self.publisher,
            year: self.year,
            isbn13s: self.isbn13.into_iter().collect(),
            language: self.language,
            collection: self.collection,
            subjects: self.subjects,
            ddc: self.ddc,
        }
    }
}

struct Args {
    catalog: PathBuf,
    queries: PathBuf,
    index_dir: PathBuf,
    rounds: usize,
    reuse: bool,
    facets: bool,
    threads: Option<usize>,
    heap_mb: Option<usize>,
    slowest: usize,
    show: Vec<String>,
    library: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut catalog = None;
    let mut queries = None;
    let mut index_dir = None;
    let mut rounds = 3;
    let mut reuse = false;
    let mut facets = false;
    let mut threads = None;
    let mut heap_mb = None;
    let mut slowest = 0;
    let mut show = Vec::new();
    let mut library = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--catalog" => catalog = Some(PathBuf::from(value("--catalog")?)),
            "--queries" => queries = Some(PathBuf::from(value("--queries")?)),
            "--index-dir" => index_dir = Some(PathBuf::from(value("--index-dir")?)),
            "--rounds" => {
                rounds = value("--rounds")?
                    .parse()
                    .map_err(|e| format!("--rounds: {e}"))?
            }
            "--threads" => {
                threads = Some(
                    value("--threads")?
                        .parse()
                        .map_err(|e| format!("--threads: {e}"))?,
                )
            }
            "--heap-mb" => {
                heap_mb = Some(
                    value("--heap-mb")?
                        .parse()
                        .map_err(|e| format!("--heap-mb: {e}"))?,
                )
            }
            "--slowest" => {
                slowest = value("--slowest")?
                    .parse()
                    .map_err(|e| format!("--slowest: {e}"))?
            }
            "--show" => show.push(value("--show")?),
            "--library" => library = Some(value("--library")?),
            "--reuse" => reuse = true,
            "--facets" => facets = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Args {
        catalog: catalog.ok_or("--catalog is required")?,
        queries: queries.ok_or("--queries is required")?,
        index_dir: index_dir.ok_or("--index-dir is required")?,
        rounds,
        reuse,
        facets,
        threads,
        heap_mb,
        slowest,
        show,
        library,
    })
}

fn dir_size(dir: &Path) -> std::io::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            dir_size(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// CPU time this thread has run. Unlike wall time it does not grow while
/// other processes hold the (shared) cores.
fn thread_cpu_ns() -> Option<u64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (rc == 0).then(|| ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Nearest-rank percentile of sorted samples.
fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn request(kind: &str, query: &str, facets: bool, library: Option<&str>) -> SearchRequest {
    let field = match kind {
        "author" => SearchField::Author,
        "publisher" => SearchField::Publisher,
        _ => SearchField::Any,
    };
    SearchRequest {
        limit: 20,
        facets: facets.then(FacetRequest::default),
        filters: Filters {
            library_ids: library.map(String::from).into_iter().collect(),
            ..Filters::default()
        },
        ..SearchRequest::new(query).with_field(field)
    }
}

/// Milliseconds per query kind: (wall clock, CPU time of this thread).
type Samples = BTreeMap<String, (Vec<f64>, Vec<f64>)>;
/// Per kind: (queries, zero-hit queries, sum of totals).
type HitStats = BTreeMap<String, (usize, usize, u64)>;

fn run_rounds(
    index: &CatalogIndex,
    queries: &[(String, String)],
    rounds: usize,
    facets: bool,
    library: Option<&str>,
    show_slowest: usize,
) -> Result<(Samples, HitStats), Box<dyn std::error::Error>> {
    // Warm-up.
    for (kind, q) in queries {
        index.search(&request(kind, q, facets, library))?;
    }
    let mut samples: Samples = BTreeMap::new();
    let mut per_query: Vec<(Vec<f64>, String, String, u64)> =
        vec![(Vec::new(), String::new(), String::new(), 0); queries.len()];
    // kind -> (queries, zero-hit queries, sum of totals), from the first round.
    let mut hits: BTreeMap<String, (usize, usize, u64)> = BTreeMap::new();
    for round in 0..rounds {
        for (i, (kind, q)) in queries.iter().enumerate() {
            let req = request(kind, q, facets, library);
            let cpu0 = thread_cpu_ns();
            let t = Instant::now();
            let r = index.search(&req)?;
            let elapsed = ms(t.elapsed());
            let cpu = thread_cpu_ns()
                .zip(cpu0)
                .map(|(b, a)| b.saturating_sub(a) as f64 / 1e6);
            let entry = samples.entry(kind.clone()).or_default();
            entry.0.push(elapsed);
            entry.1.extend(cpu);
            let slot = &mut per_query[i];
            slot.0.push(elapsed);
            (slot.1, slot.2, slot.3) = (kind.clone(), q.clone(), r.total);
            if round == 0 {
                let e = hits.entry(kind.clone()).or_default();
                e.0 += 1;
                e.1 += usize::from(r.total == 0);
                e.2 += r.total;
            }
        }
    }
    if show_slowest > 0 {
        let mut medians: Vec<(f64, f64, &str, &str, u64)> = per_query
            .iter_mut()
            .map(|(t, kind, q, total)| {
                t.sort_by(f64::total_cmp);
                (
                    pct(t, 50.0),
                    t.last().copied().unwrap_or(0.0),
                    kind.as_str(),
                    q.as_str(),
                    *total,
                )
            })
            .collect();
        medians.sort_by(|a, b| b.0.total_cmp(&a.0));
        println!("slowest queries (median and worst of {rounds} rounds):");
        for (med, worst, kind, q, total) in medians.iter().take(show_slowest) {
            println!("  {med:8.3} ms {worst:8.3} ms  {kind:<12} {q:<40} {total} hits");
        }
    }
    Ok((samples, hits))
}

fn print_table(samples: &Samples, hits: &HitStats) {
    println!(
        "{:<12} {:>4} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9} {:>5} {:>9}",
        "kind",
        "n",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "cpu p50",
        "cpu p99",
        "zero",
        "avg total"
    );
    let mut all = Vec::new();
    let mut all_cpu = Vec::new();
    let (mut nq, mut nz) = (0, 0);
    for (kind, (wall, cpu)) in samples {
        let mut s = wall.clone();
        s.sort_by(f64::total_cmp);
        let mut c = cpu.clone();
        c.sort_by(f64::total_cmp);
        all.extend_from_slice(&s);
        all_cpu.extend_from_slice(&c);
        let (n, zero, sum) = hits.get(kind).copied().unwrap_or_default();
        nq += n;
        nz += zero;
        println!(
            "{:<12} {:>4} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>9.3} {:>9.3} {:>5} {:>9.0}",
            kind,
            n,
            pct(&s, 50.0),
            pct(&s, 90.0),
            pct(&s, 99.0),
            s.last().copied().unwrap_or(f64::NAN),
            pct(&c, 50.0),
            pct(&c, 99.0),
            zero,
            sum as f64 / n.max(1) as f64
        );
    }
    all.sort_by(f64::total_cmp);
    all_cpu.sort_by(f64::total_cmp);
    println!(
        "{:<12} {:>4} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>9.3} {:>9.3} {:>5}",
        "overall",
        nq,
        pct(&all, 50.0),
        pct(&all, 90.0),
        pct(&all, 99.0),
        all.last().copied().unwrap_or(f64::NAN),
        pct(&all_cpu, 50.0),
        pct(&all_cpu, 99.0),
        nz
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args().inspect_err(|_| {
        eprintln!("usage: bench_search --catalog FILE.jsonl --queries FILE.tsv --index-dir DIR [--reuse] [--facets] [--rounds N] [--threads N] [--heap-mb N] [--slowest N] [--show QUERY]... [--library ID]");
    })?;

    let exists = args.index_dir.join("meta.json").exists();
    if !(args.reuse && exists) && args.index_dir.exists() {
        std::fs::remove_dir_all(&args.index_dir)?;
    }
    let index = CatalogIndex::open_or_create(&args.index_dir)?;
    if args.reuse && exists {
        println!(
            "reusing index in {} ({} records)",
            args.index_dir.display(),
            index.num_docs()
        );
    } else {
        let mut opts = BulkOptions::default();
        if let Some(t) = args.threads {
            opts.threads = t;
        }
        if let Some(mb) = args.heap_mb {
            opts.heap_bytes = mb << 20;
        }
        let file = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&args.catalog)?);
        let mut bad = 0usize;
        let docs = file.lines().filter_map(|line| {
            let line = line.ok()?;
            match serde_json::from_str::<Record>(&line) {
                Ok(r) => Some(r.into_doc()),
                Err(_) => {
                    bad += 1;
                    None
                }
            }
        });
        let t = Instant::now();
        let stats = index.index_all_with(docs, opts)?;
        let total = t.elapsed().as_secs_f64();
        println!(
            "indexed {} records in {:.1} s ({:.0} records/s): parse+index+commit {:.1} s, merge {:.1} s; threads {}, heap {} MiB; {} bad lines",
            stats.docs,
            total,
            stats.docs as f64 / total,
            stats.index_secs,
            stats.merge_secs,
            opts.threads,
            opts.heap_bytes >> 20,
            bad
        );
    }
    println!(
        "index: {} records, {} segment(s), {:.1} MiB on disk",
        index.num_docs(),
        index.num_segments(),
        dir_size(&args.index_dir)? as f64 / (1024.0 * 1024.0)
    );

    for q in &args.show {
        let r = index.search(&SearchRequest::new(q.as_str()))?;
        println!("\n{q:?}: {} hits", r.total);
        for h in r.hits.iter().take(10) {
            println!(
                "  {:7.2}  {} : {} / {} ({})",
                h.score,
                h.title,
                h.subtitle,
                h.authors.join("; "),
                h.year.map_or(String::new(), |y| y.to_string())
            );
        }
    }

    let text = std::fs::read_to_string(&args.queries)?;
    let queries: Vec<(String, String)> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t'))
        .map(|(k, q)| (k.to_string(), q.to_string()))
        .collect();
    println!(
        "{} queries, 1 warm-up + {} timed rounds, count + top 20 (with stored fields)",
        queries.len(),
        args.rounds
    );
    let (samples, hits) = run_rounds(&index, &queries, args.rounds, false, None, args.slowest)?;
    print_table(&samples, &hits);
    if args.facets {
        println!("\nsame queries with facets (collection, language, year, top 20 subjects):");
        let (samples, hits) = run_rounds(&index, &queries, args.rounds, true, None, args.slowest)?;
        print_table(&samples, &hits);
    }
    if let Some(lib) = &args.library {
        println!("\nsame queries filtered to library {lib} (union catalogue, one member library):");
        let (samples, hits) = run_rounds(
            &index,
            &queries,
            args.rounds,
            false,
            Some(lib),
            args.slowest,
        )?;
        print_table(&samples, &hits);
    }
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("load average during the run: {}", load.trim());
    }
    if let Some(rss) = peak_rss_mib() {
        println!("peak RSS (VmHWM): {rss:.0} MiB");
    }
    Ok(())
}
