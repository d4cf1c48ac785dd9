#!/usr/bin/env python3
"""Time from `lentera serve` starting to its first 200 on /healthz.

Two cases, each repeated: a cold first start on an empty data folder (migrate
+ load the 91,599-region tree + bootstrap the first admin) and a warm start on
an existing database. Reports min / median / p90 / max in milliseconds.

    cargo build --release -p lentera
    python3 bench/startup.py [--runs 15] [--bin target/release/lentera] [--database-url URL]
"""
import argparse, os, shutil, socket, statistics, subprocess, tempfile, time, urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_start(binary, data_dir, database_url):
    port = free_port()
    args = [binary, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", data_dir]
    if database_url:
        args += ["--database-url", database_url]
    t0 = time.perf_counter()
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if time.perf_counter() - t0 > 30:
                raise RuntimeError("no answer within 30 s")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return (time.perf_counter() - t0) * 1000
            except OSError:
                time.sleep(0.005)
    finally:
        p.terminate()
        p.wait()


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def report(name, xs):
    print(f"{name:<28} n={len(xs):<3} min={min(xs):7.1f}  median={statistics.median(xs):7.1f}  "
          f"p90={pct(xs, 0.9):7.1f}  max={max(xs):7.1f}  (ms)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--bin", default="target/release/lentera")
    ap.add_argument("--database-url", default=None, help="PostgreSQL URL; each cold run drops and recreates schema lentera_bench")
    a = ap.parse_args()
    cold, warm = [], []
    for _ in range(a.runs):
        d = tempfile.mkdtemp(prefix="lentera-bench-")
        url = a.database_url
        if url:
            subprocess.run(["psql", url.split("?")[0], "-qc", "DROP SCHEMA IF EXISTS lentera_bench CASCADE; CREATE SCHEMA lentera_bench"], check=True)
            url = url + ("&" if "?" in url else "?") + "options=-csearch_path%3Dlentera_bench"
        cold.append(one_start(a.bin, d, url))
        warm.append(one_start(a.bin, d, url))
        shutil.rmtree(d, ignore_errors=True)
    backend = "postgres" if a.database_url else "sqlite"
    report(f"{backend} first start (cold)", cold)
    report(f"{backend} later start (warm)", warm)


if __name__ == "__main__":
    main()
