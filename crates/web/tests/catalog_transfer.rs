//! Catalogue import and export through the real router, on both backends:
//! upload, background progress (page and JSON), results with each bad
//! record's position, check-only runs, content detection, streamed exports
//! and their round trip, and who may do what.

mod common;

use axum::http::StatusCode;
use common::Client;
use std::path::PathBuf;

fn marc_sample(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../marc/tests/data")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const CSV: &str = "judul,pengarang,tahun,isbn,jenis_koleksi,barcode,eksemplar,lokasi\r\n\
Laskar Pelangi,\"Hirata, Andrea\",2005,979-3062-79-7,fiksi,,2,Rak F\r\n\
,Tanpa Judul,2001,,,,,\r\n\
Kancil yang Cerdik,Tim,20x9,,anak,,,\r\n\
Si Kancil dan Buaya,Tim Penulis,2010,,anak,K001,,Rak Anak\r\n";

/// Waits for a background import and returns its JSON status.
async fn finish(c: &Client<'_>, id: &str) -> serde_json::Value {
    for _ in 0..500 {
        let r = c.get(&format!("/api/v1/catalog/imports/{id}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let v = r.json();
        if v["status"] != "running" {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("import {id} did not finish");
}

async fn api_upload(c: &Client<'_>, query: &str, bytes: &[u8]) -> serde_json::Value {
    let r = c
        .upload(
            &format!("/api/v1/catalog/imports{query}"),
            "file",
            "x.bin",
            bytes,
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    finish(c, &id).await
}

app_test!(page_upload_shows_progress_then_each_bad_row, |app| {
    let c = app.login("pengelola.magetan").await;
    let page = c.get("/catalog/import").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("nomor_panggil"), "column layout shown");
    let r = c
        .upload("/catalog/import", "file", "katalog.txt", CSV.as_bytes())
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let url = r.location().unwrap();
    let id = url.rsplit('/').next().unwrap().to_string();
    let v = finish(&c, &id).await;
    assert_eq!(v["status"], "done", "{v}");
    let result = &v["result"];
    assert_eq!(result["format"], "csv");
    assert_eq!(result["created"], 2, "{v}");
    assert_eq!(result["failed"], 2, "{v}");
    assert_eq!(result["items_created"], 3, "{v}");
    let problems = result["problems"].as_array().unwrap();
    assert_eq!(problems[0]["position"]["row"], 3);
    assert_eq!(problems[1]["position"]["row"], 4);
    assert!(
        problems[1]["message"]
            .as_str()
            .unwrap()
            .starts_with("Baris 4:"),
        "{v}"
    );
    // The status page (no JavaScript) shows the same, in Indonesian.
    let done = c.get(&url).await;
    assert_eq!(done.status, StatusCode::OK);
    let html = done.text();
    assert!(html.contains("Hasil impor katalog"), "{html}");
    assert!(html.contains("Baris 3"), "{html}");
    assert!(html.contains("Baris 4"), "{html}");
    assert!(
        !html.contains("http-equiv=\"refresh\""),
        "finished: no refresh"
    );
    // Staff of another library cannot see this import.
    let other = app.login("pengelola.sanggau").await;
    assert_eq!(other.get(&url).await.status, StatusCode::NOT_FOUND);
    // Importing the same file again adds nothing.
    let v = api_upload(&c, "", CSV.as_bytes()).await;
    assert_eq!(v["result"]["created"], 0, "{v}");
    assert_eq!(v["result"]["items_created"], 0, "{v}");
});

app_test!(unrecognised_files_are_refused_on_the_form, |app| {
    let c = app.login("staf.magetan").await;
    let r = c
        .upload(
            "/catalog/import",
            "file",
            "buku.csv",
            b"%PDF-1.4\x00\x01\x02",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("tidak dikenali"), "{}", r.text());
    let r = c
        .upload("/api/v1/catalog/imports", "file", "a.mrc", b"")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    // A spreadsheet without a title column is refused as a whole.
    let v = api_upload(&c, "", b"nama,alamat\r\nA,B\r\n").await;
    assert_eq!(v["status"], "refused", "{v}");
    assert!(v["message"].as_str().unwrap().contains("judul"), "{v}");
});

app_test!(marc_import_check_only_then_for_real, |app| {
    let c = app.token("pengelola.magetan").await;
    let file = marc_sample("pymarc/test.dat");
    let dry = api_upload(&c, "?dry_run=true", &file).await;
    assert_eq!(dry["result"]["created"], 10, "{dry}");
    assert_eq!(dry["dry_run"], true);
    let export = c.get("/api/v1/catalog/export?format=marc").await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.body.is_empty(), "check only saved nothing");
    let real = api_upload(&c, "", &file).await;
    assert_eq!(real["result"]["created"], 10, "{real}");
    assert_eq!(real["result"]["format"], "marc");
    // MARC-8 file, bad record appended: good kept, bad reported by position.
    let mut bad = marc_sample("pymarc/marc8.dat");
    bad.extend_from_slice(b"00042nam  2200000   4500garbage\x1e\x1d");
    let v = api_upload(&c, "", &bad).await;
    assert_eq!(
        (
            v["result"]["created"].as_u64(),
            v["result"]["failed"].as_u64()
        ),
        (Some(1), Some(1)),
        "{v}"
    );
    assert_eq!(v["result"]["problems"][0]["position"]["index"], 1, "{v}");
});

app_test!(exports_stream_and_round_trip, |app| {
    let c = app.login("pengelola.magetan").await;
    api_upload(&c, "", &marc_sample("marc4j/summerland.mrc")).await;
    api_upload(&c, "", CSV.as_bytes()).await;
    for (format, starts) in [
        ("marc", &b"0"[..]),
        ("marcxml", b"<?xml"),
        ("csv", b"\xEF\xBB\xBFjudul"),
        ("xlsx", b"PK"),
        ("slims", b"\"title\""),
    ] {
        let r = c.get(&format!("/catalog/export?format={format}")).await;
        assert_eq!(r.status, StatusCode::OK, "{format}");
        assert!(
            r.body.starts_with(starts),
            "{format}: {:?}",
            &r.text()[..20.min(r.body.len())]
        );
        let cd = r.headers["content-disposition"].to_str().unwrap();
        assert!(cd.starts_with("attachment; filename=\"katalog-"), "{cd}");
    }
    // Export from one library, import into another: same records.
    let marc = c.get("/api/v1/catalog/export?format=marc").await.body;
    let other = app.login("pengelola.sanggau").await;
    let v = api_upload(&other, "", &marc).await;
    assert_eq!(v["result"]["created"], 3, "{v}");
    assert_eq!(v["result"]["failed"], 0, "{v}");
    assert_eq!(v["result"]["items_created"], 3, "{v}");
    let again = other.get("/api/v1/catalog/export?format=marc").await.body;
    assert_eq!(again.len(), marc.len());
    // A district officer exports a library in reach, not one outside it.
    let d = app.login("dinas.magetan").await;
    let r = d
        .get(&format!(
            "/api/v1/catalog/export?format=csv&library={}",
            app.magetan
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = d
        .get(&format!(
            "/api/v1/catalog/export?format=csv&library={}",
            app.sanggau
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = d.get("/api/v1/catalog/export?format=docx").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Without a format the page lists them.
    let page = c.get("/catalog/export").await;
    assert!(page.text().contains("MARCXML"));
});

app_test!(only_the_librarys_own_people_import, |app| {
    for role in ["admin", "dinas.magetan", "fasilitator"] {
        let c = app.login(role).await;
        assert_eq!(
            c.get("/catalog/import").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        let r = c
            .upload("/api/v1/catalog/imports", "file", "a.csv", CSV.as_bytes())
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
    }
    // Without a CSRF token a signed-in browser cannot upload.
    let mut c = app.login("pengelola.magetan").await;
    c.csrf = None;
    let r = c
        .upload("/catalog/import", "file", "a.csv", CSV.as_bytes())
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let anon: Client<'_> = app.anon();
    let r = anon.get("/api/v1/catalog/export?format=csv").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
});
