//! The library registry over HTTP — pages, JSON API, imports and exports —
//! on both backends.

mod common;

use axum::http::StatusCode;
use common::{Res, TestApp};
use lentera_core::ids::LibraryId;
use lentera_core::users::Reach;
use lentera_store::audit::{AuditEntry, AuditQuery};
use lentera_store::libraries::LibraryQuery;
use lentera_tabular::{Cell, Format, ReadOptions, TableReader, TableWriter};
use serde_json::{Value, json};

const MAGETAN_VILLAGE: &str = "3520012001";
const MAGETAN_VILLAGE_2: &str = "3520012002";
const SANGGAU_VILLAGE: &str = "6103042001";

/// Every library in the database, whatever anyone's reach.
fn all_libraries(app: &TestApp) -> Vec<lentera_core::libraries::Library> {
    let mut c = app.state.db.conn().unwrap();
    let mut q = LibraryQuery::new(Reach::Everything);
    q.per_page = 1000;
    lentera_store::libraries::list(&mut c, &q).unwrap().items
}

fn audit_of(app: &TestApp, id: &str) -> Vec<AuditEntry> {
    let mut c = app.state.db.conn().unwrap();
    let q = AuditQuery {
        entity: Some("library".into()),
        entity_id: Some(id.into()),
        page: 1,
        per_page: 100,
        ..Default::default()
    };
    lentera_store::audit::list(&mut c, &Reach::Everything, &q)
        .unwrap()
        .items
}

fn field_codes(r: &Res) -> Vec<(String, String)> {
    r.json()["error"]["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("no fields: {}", r.text()))
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap_or("").to_string(),
                f["code"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The value of a hidden or text input in a page.
fn input_value(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no input {name}"));
    let rest = &html[at..];
    let v = rest.find("value=\"").unwrap() + 7;
    let end = rest[v..].find('"').unwrap();
    rest[v..v + end].to_string()
}

fn new_library(name: &str, village: &str) -> Value {
    json!({ "kind": "desa", "name": name, "village_code": village })
}

fn xlsx_rows(bytes: Vec<u8>) -> Vec<lentera_tabular::Row> {
    let reader = TableReader::from_bytes(
        bytes,
        &lentera_web::libraries::import_layout(),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(reader.format(), Format::Xlsx);
    reader.map(|r| r.unwrap()).collect()
}

app_test!(officer_creates_a_library_with_the_form, |app| {
    let c = app.login("dinas.magetan").await;
    let page = c.get("/libraries/new").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        html.contains("data-region-search=\"village\""),
        "type-ahead"
    );
    assert!(
        html.contains("Taman Bacaan Masyarakat (TBM)"),
        "kind labels"
    );
    assert!(html.contains("Bantuan buku saja"), "participation labels");
    let r = c
        .post_form(
            "/libraries",
            &[
                ("kind", "tbm"),
                ("name", "TBM Cahaya Ilmu"),
                ("npp", "352001 2D1 000009"),
                ("village_code", "35.20.01.2002"),
                ("address", "Jl. Mawar 3"),
                ("latitude", "-7,65"),
                ("longitude", "111,33"),
                ("phone", "0812 3456 7890"),
                ("hours_per_day", "6,5"),
                ("computers", "2"),
                ("has_internet", "true"),
                ("participation", "replication"),
                ("cohort_year", "2024"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let to = r.location().unwrap();
    assert!(
        to.starts_with("/libraries/") && to.ends_with("?saved=1"),
        "{to}"
    );
    let shown = c.get(&to).await;
    assert_eq!(shown.status, StatusCode::OK);
    let html = shown.text();
    assert!(html.contains("Tersimpan."));
    assert!(html.contains("Kabupaten Magetan"), "village path");
    assert!(html.contains("Replikasi"));
    assert!(html.contains("/audit?entity=library&amp;entity_id="));
    assert!(html.contains("Nonaktifkan"), "officer may deactivate");
    // The same library through the API: every field as typed, normalised.
    let id = to
        .trim_start_matches("/libraries/")
        .trim_end_matches("?saved=1");
    let j = c.get(&format!("/api/v1/libraries/{id}")).await.json();
    assert_eq!(j["kind"], "tbm");
    assert_eq!(j["npp"], "3520012D1000009");
    assert_eq!(j["village_code"], MAGETAN_VILLAGE_2);
    assert_eq!(j["latitude"], -7.65);
    assert_eq!(j["hours_per_day"], 6.5);
    assert_eq!(j["has_internet"], true);
    assert_eq!(j["participation"], "replication");
    assert_eq!(j["cohort_year"], 2024);
    assert_eq!(j["active"], true);
    assert!(
        j["village_path"]
            .as_str()
            .unwrap()
            .ends_with("Kabupaten Magetan, Jawa Timur")
    );
    let audit = audit_of(app, id);
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "library.create");
    assert_eq!(audit[0].actor_username, "dinas.magetan");
});

app_test!(api_creates_with_201_and_fields_round_trip, |app| {
    let c = app.token("dinas.jatim").await;
    let body = json!({
        "kind": "desa", "name": "Perpustakaan Desa Sumber Ilmu", "npp": "352001-2D1-000123",
        "village_code": 3520012002_i64, "address": null, "latitude": -7.6512, "longitude": 111.3298,
        "contact_name": "Siti", "phone": "+62 812-3456-7890", "email": "siti@example.id",
        "opening_hours": "Senin–Sabtu 08.00–15.00", "hours_per_day": 7, "staff_count": 2,
        "floor_area_m2": 36.5, "computers": 3, "has_internet": true,
        "participation": "full_support", "cohort_year": 2023,
    });
    let r = c.post_json("/api/v1/libraries", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let j = r.json();
    let id = j["id"].as_str().unwrap().to_string();
    assert_eq!(
        r.location().as_deref(),
        Some(format!("/api/v1/libraries/{id}").as_str())
    );
    let back = c.get(&format!("/api/v1/libraries/{id}")).await.json();
    assert_eq!(back, j);
    for (k, v) in [
        ("village_code", json!(MAGETAN_VILLAGE_2)),
        ("npp", json!("3520012D1000123")),
        ("address", json!("")),
        ("latitude", json!(-7.6512)),
        ("phone", json!("+62 812-3456-7890")),
        ("email", json!("siti@example.id")),
        ("hours_per_day", json!(7.0)),
        ("staff_count", json!(2)),
        ("floor_area_m2", json!(36.5)),
        ("computers", json!(3)),
        ("has_internet", json!(true)),
        ("participation", json!("full_support")),
        ("cohort_year", json!(2023)),
        ("active", json!(true)),
    ] {
        assert_eq!(back[k], v, "{k}");
    }
    assert!(back["created_at"].is_string() && back["updated_at"].is_string());
    // Listed, and found by the start of its NPP.
    let list = c.get("/api/v1/libraries?q=3520012D1").await.json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], id.as_str());
});

app_test!(bad_form_input_is_named_kept_and_not_saved, |app| {
    let c = app.login("dinas.magetan").await;
    let before = all_libraries(app).len();
    let r = c
        .post_form(
            "/libraries",
            &[
                ("kind", "kios"),
                ("name", ""),
                ("npp", "12AB"),
                ("village_code", MAGETAN_VILLAGE),
                ("latitude", "-7,5"),
                ("email", "pustaka@desa"),
                ("computers", "dua"),
                ("participation", "full_support"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    for (field, sentence) in [
        ("kind", "Jenis perpustakaan bukan pilihan yang tersedia."),
        ("name", "Nama wajib diisi."),
        ("npp", "NPP (Nomor Pokok Perpustakaan) bukan NPP yang sah"),
        ("longitude", "Bujur harus diisi bersama lintang dan bujur."),
        ("email", "Surel bukan alamat surel yang sah."),
        ("computers", "Jumlah komputer harus berupa angka."),
        ("cohort_year", "Tahun angkatan TPBIS wajib diisi."),
    ] {
        assert!(
            html.contains(&format!("href=\"#f-{field}\"")),
            "summary links {field}"
        );
        assert!(html.contains(sentence), "{sentence}");
    }
    assert!(html.contains("class=\"error-summary\""));
    // What was typed is still there.
    assert_eq!(input_value(&html, "npp"), "12AB");
    assert_eq!(input_value(&html, "email"), "pustaka@desa");
    assert_eq!(input_value(&html, "latitude"), "-7,5");
    assert_eq!(input_value(&html, "village_code"), MAGETAN_VILLAGE);
    assert_eq!(all_libraries(app).len(), before, "nothing saved");
});

app_test!(bad_api_input_names_every_field, |app| {
    let c = app.login("admin").await;
    let before = all_libraries(app).len();
    let r = c
        .post_json(
            "/api/v1/libraries?lang=en",
            json!({
                "kind": true, "name": null, "npp": 12, "village_code": "3520012001",
                "hours_per_day": 30, "phone": "0812", "has_internet": "mungkin",
                "cohort_year": 1999,
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let j = r.json();
    assert_eq!(j["error"]["code"], "validation_failed");
    let fields: Vec<String> = field_codes(&r).into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        [
            "kind",
            "name",
            "npp",
            "phone",
            "hours_per_day",
            "has_internet",
            "cohort_year"
        ]
    );
    assert_eq!(j["error"]["fields"][1]["message"], "Name is required.");
    assert_eq!(all_libraries(app).len(), before);
});

app_test!(village_codes_must_be_known_villages, |app| {
    let c = app.login("dinas.magetan").await;
    for (code, problem) in [
        ("12345", "bad_region_code"),
        ("352001", "wrong_region_level"),
        ("3520019999", "unknown_region"),
        ("", "required"),
    ] {
        let r = c
            .post_json("/api/v1/libraries", new_library("Perpus", code))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{code}");
        assert_eq!(
            field_codes(&r),
            [("village_code".to_string(), problem.to_string())],
            "{code}"
        );
    }
    let r = c
        .post_form(
            "/libraries",
            &[
                ("kind", "desa"),
                ("name", "Perpus"),
                ("village_code", "352001"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .contains("Desa/kelurahan harus kode desa/kelurahan.")
    );
});

app_test!(npp_shape_and_duplicates_are_field_errors, |app| {
    let c = app.login("dinas.magetan").await;
    let mut b = new_library("Perpustakaan A", MAGETAN_VILLAGE);
    b["npp"] = json!("35AB01 2D1 000001");
    let r = c.post_json("/api/v1/libraries", b.clone()).await;
    assert_eq!(field_codes(&r), [("npp".into(), "bad_npp".into())]);
    b["npp"] = json!("352001 2D1 000001");
    assert_eq!(
        c.post_json("/api/v1/libraries", b.clone()).await.status,
        StatusCode::CREATED
    );
    // Same NPP, another name.
    b["name"] = json!("Perpustakaan B");
    let r = c.post_json("/api/v1/libraries", b).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(&r), [("npp".into(), "duplicate".into())]);
    // Same name (however written) in the same village, no NPP.
    let r = c
        .post_json(
            "/api/v1/libraries",
            new_library("PERPUSTAKAAN  desa contoh magetan", MAGETAN_VILLAGE),
        )
        .await;
    assert_eq!(field_codes(&r), [("name".into(), "duplicate".into())]);
    // The form says so next to the field.
    let r = c
        .post_form(
            "/libraries",
            &[
                ("kind", "desa"),
                ("name", "Perpustakaan Desa Contoh Magetan"),
                ("village_code", MAGETAN_VILLAGE),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Nama sudah dipakai oleh data lain."));
});

app_test!(malformed_json_is_a_bad_request, |app| {
    let c = app.login("dinas.magetan").await;
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/libraries")
        .header("host", "localhost")
        .header("content-type", "application/json")
        .header("cookie", c.cookie.clone().unwrap())
        .header("x-csrf-token", c.csrf.clone().unwrap())
        .body(axum::body::Body::from("{\"name\": \"TBM"))
        .unwrap();
    let r = c.send(req).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["code"], "bad_request");
    let r = c.post_json("/api/v1/libraries", json!(["desa"])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = c
        .put_json(
            &format!("/api/v1/libraries/{}", app.magetan),
            json!({"name": {"id": "x"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
});

app_test!(manager_edits_profile_but_not_locked_fields, |app| {
    let c = app.login("pengelola.magetan").await;
    let id = app.magetan;
    let page = c.get(&format!("/libraries/{id}/edit")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(!html.contains("id=\"f-kind\""), "kind shown read-only");
    assert!(!html.contains("id=\"f-village_code\""));
    assert!(!html.contains("id=\"f-participation\""));
    assert!(html.contains("hanya dapat diubah oleh petugas dinas"));
    let version = input_value(&html, "updated_at");
    let r = c
        .post_form(
            &format!("/libraries/{id}"),
            &[
                ("updated_at", &version),
                ("kind", "tbm"),
                ("name", "Perpustakaan Desa Contoh Magetan Baru"),
                ("village_code", MAGETAN_VILLAGE_2),
                ("participation", "full_support"),
                ("cohort_year", "2023"),
                ("phone", "0812 1111 2222"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let j = c.get(&format!("/api/v1/libraries/{id}")).await.json();
    assert_eq!(j["name"], "Perpustakaan Desa Contoh Magetan Baru");
    assert_eq!(j["phone"], "0812 1111 2222");
    assert_eq!(j["kind"], "desa");
    assert_eq!(j["village_code"], MAGETAN_VILLAGE);
    assert_eq!(j["participation"], "none");
    assert_eq!(j["cohort_year"], Value::Null);
    // The API keeps them too.
    let mut body = j.clone();
    body["kind"] = json!("sekolah");
    body["participation"] = json!("book_aid");
    body["cohort_year"] = json!(2024);
    body["computers"] = json!(4);
    let r = c.put_json(&format!("/api/v1/libraries/{id}"), body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let j = r.json();
    assert_eq!(
        (&j["kind"], &j["participation"], &j["computers"]),
        (&json!("desa"), &json!("none"), &json!(4))
    );
    // But a manager never deactivates or registers.
    assert_eq!(
        c.delete(&format!("/api/v1/libraries/{id}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        c.post_json("/api/v1/libraries", new_library("X", MAGETAN_VILLAGE))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
});

app_test!(manager_of_another_library_gets_404, |app| {
    let c = app.login("pengelola.sanggau").await;
    let id = app.magetan;
    for path in [
        format!("/libraries/{id}"),
        format!("/libraries/{id}/edit"),
        format!("/api/v1/libraries/{id}"),
    ] {
        assert_eq!(c.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let r = c
        .put_json(
            &format!("/api/v1/libraries/{id}"),
            new_library("X", MAGETAN_VILLAGE),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = c
        .post_form(&format!("/libraries/{id}"), &[("name", "X")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Unknown and malformed ids look the same.
    assert_eq!(
        c.get(&format!("/api/v1/libraries/{}", LibraryId::new()))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get("/libraries/not-an-id").await.status,
        StatusCode::NOT_FOUND
    );
    // Their own library is there.
    let own = c.get(&format!("/libraries/{}", app.sanggau)).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.text().contains("Balai Sebut"));
});

app_test!(facilitator_sees_only_assigned_libraries, |app| {
    let c = app.login("fasilitator").await;
    let list = c.get("/api/v1/libraries").await.json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], app.magetan.to_string());
    let html = c.get("/libraries").await.text();
    assert!(html.contains("Perpustakaan Desa Contoh Magetan"));
    assert!(!html.contains("TBM Pelangi Magetan"));
    assert!(!html.contains("Tambah perpustakaan"), "no add button");
    assert_eq!(
        c.get(&format!("/libraries/{}", app.magetan)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        c.get(&format!("/libraries/{}", app.magetan2)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get(&format!("/libraries/{}/edit", app.magetan))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
});

app_test!(staff_may_look_but_not_edit, |app| {
    let c = app.login("staf.magetan").await;
    let id = app.magetan;
    let page = c.get(&format!("/libraries/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text().contains(&format!("/libraries/{id}/edit")));
    assert_eq!(
        c.get(&format!("/libraries/{id}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
    let r = c
        .put_json(
            &format!("/api/v1/libraries/{id}"),
            new_library("X", MAGETAN_VILLAGE),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "forbidden");
    assert_eq!(
        c.post_form(&format!("/libraries/{id}"), &[("name", "X")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(c.get("/libraries/new").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        c.get("/libraries/import").await.status,
        StatusCode::FORBIDDEN
    );
});

app_test!(
    district_officer_cannot_register_in_another_district,
    |app| {
        let c = app.login("dinas.magetan").await;
        let r = c
            .post_json(
                "/api/v1/libraries",
                new_library("Perpustakaan Baru", SANGGAU_VILLAGE),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            field_codes(&r),
            [("village_code".into(), "outside_reach".into())]
        );
        let r = c
            .post_form(
                "/libraries",
                &[
                    ("kind", "desa"),
                    ("name", "Perpustakaan Baru"),
                    ("village_code", SANGGAU_VILLAGE),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text()
                .contains("Desa/kelurahan di luar wilayah kewenangan Anda.")
        );
        // Nor move one of theirs there.
        let mut body = c
            .get(&format!("/api/v1/libraries/{}", app.magetan))
            .await
            .json();
        body["village_code"] = json!(SANGGAU_VILLAGE);
        let r = c
            .put_json(&format!("/api/v1/libraries/{}", app.magetan), body)
            .await;
        assert_eq!(
            field_codes(&r),
            [("village_code".into(), "outside_reach".into())]
        );
        // Inside their district it works.
        let r = c
            .post_json(
                "/api/v1/libraries",
                new_library("Perpustakaan Baru", MAGETAN_VILLAGE_2),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
);

app_test!(lists_and_exports_stay_within_reach, |app| {
    let c = app.login("dinas.sanggau").await;
    let html = c.get("/libraries").await.text();
    assert!(html.contains("Perpustakaan Desa Balai Sebut"));
    assert!(!html.contains("Magetan"), "no other district in the list");
    assert!(html.contains("<caption>") && html.contains("scope=\"col\""));
    assert!(html.contains("/libraries/export?format=xlsx"));
    let list = c.get("/api/v1/libraries").await.json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["village_code"], SANGGAU_VILLAGE);
    // Asking for another district's region gives nothing, not an error.
    let other = c.get("/api/v1/libraries?region=3520").await.json();
    assert_eq!(other["total"], 0);

    let csv = c.get("/libraries/export?format=csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        csv.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".csv")
    );
    let text = csv.text();
    assert!(
        text.starts_with("\u{feff}kind,name,npp,village_code,"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 2, "header and Sanggau: {text}");
    assert!(text.contains("Balai Sebut") && !text.contains("Magetan"));

    let xlsx = c.get("/api/v1/libraries/export?format=xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let rows = xlsx_rows(xlsx.body);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get("village_code"), Some(SANGGAU_VILLAGE));
    assert_eq!(rows[0].get("id"), Some(app.sanggau.to_string().as_str()));
    assert_eq!(rows[0].get("active"), Some("true"));

    // The national admin sees all three; filters narrow them.
    let a = app.login("admin").await;
    assert_eq!(a.get("/api/v1/libraries").await.json()["total"], 3);
    let r = a
        .get("/api/v1/libraries?region=35.20&per_page=1")
        .await
        .json();
    assert_eq!(
        (r["total"].as_i64(), r["items"].as_array().map(Vec::len)),
        (Some(2), Some(1))
    );
    let p = a.get("/libraries?region=3520&per_page=1").await.text();
    assert!(p.contains("2 hasil"));
    assert!(
        p.contains("href=\"/libraries?region=3520&amp;per_page=1&amp;page=2\""),
        "the pager keeps the filters"
    );
    let csv = a
        .get("/api/v1/libraries/export?q=pelangi&kind=desa&active=true")
        .await
        .text();
    assert_eq!(csv.lines().count(), 2);
    assert!(csv.contains("TBM Pelangi Magetan"));
    let r = a.get("/api/v1/libraries?kind=kios&region=abc").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&r),
        [
            ("region".into(), "bad_region_code".into()),
            ("kind".into(), "unknown_choice".into())
        ]
    );
    let r = a.get("/libraries/export?format=pdf").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
});

app_test!(deactivate_and_reactivate_leave_an_audit_trail, |app| {
    let c = app.login("dinas.magetan").await;
    let id = app.magetan2;
    let r = c
        .post_form(&format!("/libraries/{id}/deactivate"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = c.get(&r.location().unwrap()).await.text();
    assert!(page.contains("Perpustakaan dinonaktifkan."));
    assert!(page.contains("Aktifkan kembali"));
    let j = c.get(&format!("/api/v1/libraries/{id}")).await.json();
    assert_eq!(j["active"], false);
    let inactive = c.get("/api/v1/libraries?active=false").await.json();
    assert_eq!(inactive["total"], 1);
    assert_eq!(inactive["items"][0]["id"], id.to_string());
    // Through the API: reactivate, then DELETE deactivates again.
    let r = c
        .post_json(&format!("/api/v1/libraries/{id}/reactivate"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["active"], true);
    let r = c.delete(&format!("/api/v1/libraries/{id}")).await;
    assert_eq!(r.json()["active"], false);
    let actions: Vec<String> = audit_of(app, &id.to_string())
        .into_iter()
        .map(|e| format!("{} {}", e.action, e.actor_username))
        .collect();
    assert_eq!(
        actions,
        [
            "library.deactivate dinas.magetan",
            "library.reactivate dinas.magetan",
            "library.deactivate dinas.magetan",
            "library.create system:test",
        ]
    );
    // Out of reach: 404; the manager: 403.
    let s = app.login("dinas.sanggau").await;
    assert_eq!(
        s.post_form(&format!("/libraries/{id}/reactivate"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let m = app.login("pengelola.magetan").await;
    assert_eq!(
        m.post_form(&format!("/libraries/{}/deactivate", app.magetan), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
});

app_test!(concurrent_edits_conflict_instead_of_overwriting, |app| {
    let officer = app.login("dinas.magetan").await;
    let other = app.token("dinas.jatim").await;
    let url = format!("/api/v1/libraries/{}", app.magetan);
    let read = officer.get(&url).await.json();
    // Someone else saves first.
    let mut theirs = read.clone();
    theirs["phone"] = json!("0811 2222 3333");
    assert_eq!(other.put_json(&url, theirs).await.status, StatusCode::OK);
    // Our save, based on the old version: 409.
    let mut ours = read.clone();
    ours["name"] = json!("Nama Saya");
    let r = officer.put_json(&url, ours.clone()).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error"]["code"], "conflict");
    assert_eq!(
        officer.get(&url).await.json()["phone"],
        "0811 2222 3333",
        "their change survived"
    );

    // The form: the conflict message, our typing kept, based on the latest.
    let page = officer
        .get(&format!("/libraries/{}/edit", app.magetan))
        .await
        .text();
    let old = input_value(&page, "updated_at");
    let mut theirs = other.get(&url).await.json();
    theirs["email"] = json!("baru@desa.id");
    assert_eq!(other.put_json(&url, theirs).await.status, StatusCode::OK);
    let fields = [
        ("updated_at", old.as_str()),
        ("kind", "desa"),
        ("name", "Nama Saya"),
        ("village_code", MAGETAN_VILLAGE),
        ("participation", "none"),
    ];
    let r = officer
        .post_form(&format!("/libraries/{}", app.magetan), &fields)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let html = r.text();
    assert!(html.contains("baru saja diubah orang lain"));
    assert!(html.contains("baru@desa.id"), "shows what changed");
    assert_eq!(input_value(&html, "name"), "Nama Saya");
    let latest = input_value(&html, "updated_at");
    assert_ne!(latest, old);
    // Saving again from that page is a deliberate overwrite.
    let mut again = fields;
    again[0].1 = &latest;
    let r = officer
        .post_form(&format!("/libraries/{}", app.magetan), &again)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(officer.get(&url).await.json()["name"], "Nama Saya");
});

const IMPORT_CSV: &str = "\u{feff}Jenis;Nama;Kode Desa;Telepon;Keikutsertaan TPBIS;Tahun angkatan\r\n\
tbm;TBM Baru Magetan;3520012001;0812 3456 7890;;\r\n\
desa;Perpustakaan Salah Kode;3520019999;;;\r\n\
desa;Perpustakaan Balai Sebut Dua;6103042001;;;\r\n\
desa;Perpustakaan Desa Contoh Magetan;35.20.01.2001;0813 1111 2222;full_support;2024\r\n\
desa;Perpustakaan Desa Balai Sebut;6103042001;;;\r\n";

app_test!(csv_import_reports_each_row_and_is_idempotent, |app| {
    let c = app.login("dinas.magetan").await;
    let before = all_libraries(app).len();
    let r = c
        .upload(
            "/api/v1/libraries/import",
            "file",
            "data.csv",
            IMPORT_CSV.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let j = r.json();
    assert_eq!(
        (
            &j["read"],
            &j["inserted"],
            &j["updated"],
            &j["unchanged"],
            &j["rejected"]
        ),
        (&json!(5), &json!(1), &json!(1), &json!(0), &json!(3))
    );
    let problems = j["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 3);
    assert_eq!(problems[0]["row"], 3);
    assert_eq!(problems[0]["column"], "Kode Desa");
    assert_eq!(
        problems[0]["message"],
        "Desa/kelurahan tidak ada dalam daftar wilayah Kemendagri."
    );
    assert_eq!(problems[1]["row"], 4);
    assert_eq!(
        problems[1]["message"],
        "Desa/kelurahan di luar wilayah kewenangan Anda."
    );
    // Naming a library that exists elsewhere says the same, not more.
    assert_eq!(problems[2]["row"], 6);
    assert_eq!(problems[2]["message"], problems[1]["message"]);
    assert_eq!(all_libraries(app).len(), before + 1);
    let updated = c
        .get(&format!("/api/v1/libraries/{}", app.magetan))
        .await
        .json();
    assert_eq!(updated["phone"], "0813 1111 2222");
    assert_eq!(updated["participation"], "full_support");
    assert_eq!(updated["cohort_year"], 2024);
    assert_eq!(updated["kind"], "desa");
    let audit = audit_of(app, &app.magetan.to_string());
    assert_eq!(audit[0].action, "library.update");
    assert_eq!(audit[0].actor_username, "dinas.magetan");
    let created = all_libraries(app)
        .into_iter()
        .find(|l| l.details.name == "TBM Baru Magetan")
        .unwrap();
    assert_eq!(
        audit_of(app, &created.id.to_string())[0].action,
        "library.create"
    );

    // Again: nothing changes, the same rows are still refused.
    let r = c
        .upload(
            "/api/v1/libraries/import",
            "file",
            "data.csv",
            IMPORT_CSV.as_bytes(),
        )
        .await;
    let j = r.json();
    assert_eq!(
        (
            &j["inserted"],
            &j["updated"],
            &j["unchanged"],
            &j["rejected"]
        ),
        (&json!(0), &json!(0), &json!(2), &json!(3))
    );
    assert_eq!(all_libraries(app).len(), before + 1);
    assert_eq!(audit_of(app, &app.magetan.to_string()).len(), 2);

    // The page shows the same report, in English when asked.
    let r = c
        .upload(
            "/libraries/import?lang=en",
            "file",
            "data.csv",
            IMPORT_CSV.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("5 rows read: 0 added, 0 updated, 2 unchanged, 3 rejected."));
    assert!(html.contains("<caption>") && html.contains("scope=\"col\""));
    assert!(html.contains("Village is outside your reach."));
    assert!(html.contains("<td class=\"num\">3</td>"));

    // An NPP already held by a library outside reach is taken.
    let admin = app.token("admin").await;
    let url = format!("/api/v1/libraries/{}", app.sanggau);
    let mut s = admin.get(&url).await.json();
    s["npp"] = json!("610304 2D1 000001");
    assert_eq!(admin.put_json(&url, s).await.status, StatusCode::OK);
    let csv = "jenis,nama,kode desa,npp\ndesa,Perpustakaan Baru,3520012002,610304 2D1 000001\n";
    let j = c
        .upload(
            "/api/v1/libraries/import",
            "file",
            "npp.csv",
            csv.as_bytes(),
        )
        .await
        .json();
    assert_eq!((&j["inserted"], &j["rejected"]), (&json!(0), &json!(1)));
    assert_eq!(j["problems"][0]["column"], "npp");
    assert_eq!(
        j["problems"][0]["message"],
        "NPP (Nomor Pokok Perpustakaan) sudah dipakai oleh data lain."
    );
});

app_test!(xlsx_export_reimports_cleanly_and_xlsx_imports_work, |app| {
    let c = app.login("admin").await;
    let xlsx = c.get("/libraries/export?format=xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.body.starts_with(b"PK"));
    let r = c
        .upload(
            "/api/v1/libraries/import",
            "file",
            "ekspor.xlsx",
            &xlsx.body,
        )
        .await;
    let j = r.json();
    assert_eq!(
        (&j["unchanged"], &j["rejected"]),
        (&json!(3), &json!(0)),
        "{j}"
    );
    assert_eq!(j["warnings"], json!([]), "export columns are known");
    // A CSV export re-imports cleanly too.
    let csv = c.get("/libraries/export").await;
    let r = c
        .upload("/api/v1/libraries/import", "file", "ekspor.csv", &csv.body)
        .await;
    assert_eq!(r.json()["unchanged"], 3);

    // A hand-made workbook: one new library, one renamed through its id.
    let mut w = TableWriter::new(Format::Xlsx, Vec::new()).unwrap();
    w.write_header(&[
        "id",
        "jenis",
        "nama",
        "kode desa",
        "jumlah komputer",
        "akses internet",
    ])
    .unwrap();
    w.write_row(&[
        Cell::Empty,
        Cell::from("tbm"),
        Cell::from("TBM Sungai Sanggau"),
        Cell::from(SANGGAU_VILLAGE),
        Cell::Int(2),
        Cell::Bool(true),
    ])
    .unwrap();
    w.write_row(&[
        Cell::from(app.magetan2.to_string()),
        Cell::from("tbm"),
        Cell::from("TBM Pelangi Magetan Raya"),
        Cell::from(MAGETAN_VILLAGE_2),
        Cell::Int(5),
        Cell::Bool(false),
    ])
    .unwrap();
    let bytes = w.finish().unwrap();
    let r = c
        .upload("/api/v1/libraries/import", "file", "baru.xlsx", &bytes)
        .await;
    let j = r.json();
    assert_eq!(
        (&j["inserted"], &j["updated"], &j["rejected"]),
        (&json!(1), &json!(1), &json!(0)),
        "{j}"
    );
    let renamed = c
        .get(&format!("/api/v1/libraries/{}", app.magetan2))
        .await
        .json();
    assert_eq!(renamed["name"], "TBM Pelangi Magetan Raya");
    assert_eq!(renamed["computers"], 5);
    let new = c.get("/api/v1/libraries?q=sungai").await.json();
    assert_eq!(new["items"][0]["has_internet"], true);
    assert_eq!(new["items"][0]["computers"], 2);
});

app_test!(a_missing_required_column_rejects_the_whole_file, |app| {
    let c = app.login("dinas.magetan").await;
    let before = all_libraries(app).len();
    let csv = "jenis,nama,telepon\ndesa,Perpustakaan Tanpa Desa,08123456789\n";
    let r = c
        .upload(
            "/api/v1/libraries/import",
            "file",
            "data.csv",
            csv.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let j = r.json();
    assert_eq!(j["error"]["fields"][0]["field"], "file");
    assert_eq!(j["error"]["fields"][0]["code"], "missing_columns");
    let msg = j["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("village_code") && msg.contains("kode desa"),
        "{msg}"
    );
    let r = c
        .upload("/libraries/import", "file", "data.csv", csv.as_bytes())
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Kolom wajib tidak ada: village_code"));
    assert_eq!(all_libraries(app).len(), before, "nothing saved");
});

app_test!(files_are_recognised_by_content, |app| {
    let c = app.login("dinas.magetan").await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let r = c
        .upload("/api/v1/libraries/import", "file", "data.csv", png)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["code"], "unsupported");
    let r = c.upload("/libraries/import", "file", "data.csv", png).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("bukan CSV atau XLSX"));
    // No file at all.
    let r = c.upload("/libraries/import", "other", "x.csv", b"x").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Berkas wajib diisi."));
    // Too large: refused before it is read.
    let big = vec![b'a'; lentera_web::MAX_UPLOAD_BYTES + 1];
    let r = c
        .upload("/api/v1/libraries/import", "file", "big.csv", &big)
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"]["code"], "payload_too_large");
});

app_test!(dry_runs_save_nothing, |app| {
    let c = app.login("dinas.magetan").await;
    let before = all_libraries(app);
    let r = c
        .upload(
            "/api/v1/libraries/import?dry_run=true",
            "file",
            "data.csv",
            IMPORT_CSV.as_bytes(),
        )
        .await;
    let j = r.json();
    assert_eq!(j["dry_run"], true);
    assert_eq!(
        (&j["inserted"], &j["updated"], &j["rejected"]),
        (&json!(1), &json!(1), &json!(3))
    );
    assert_eq!(all_libraries(app), before, "nothing saved");
    assert_eq!(audit_of(app, &app.magetan.to_string()).len(), 1);
    // The page's "check only" box does the same.
    let boundary = "lenteraTestBoundary7MA4YWxkTrZu0gW";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\ntrue\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{IMPORT_CSV}\r\n--{boundary}--\r\n"
    );
    let req = axum::http::Request::builder()
        .method("POST")
        .uri(format!(
            "/libraries/import?csrf={}",
            c.csrf.clone().unwrap()
        ))
        .header("host", "localhost")
        .header("cookie", c.cookie.clone().unwrap())
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap();
    let r = c.send(req).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("tidak ada yang disimpan"));
    assert_eq!(all_libraries(app), before);
});

app_test!(
    import_page_documents_the_layout_and_templates_download,
    |app| {
        let c = app.login("dinas.magetan").await;
        let r = c.get("/libraries/import").await;
        assert_eq!(r.status, StatusCode::OK);
        let html = r.text();
        assert!(html.len() < 100_000);
        for needle in [
            "enctype=\"multipart/form-data\"",
            "action=\"/libraries/import?csrf=",
            "<code>village_code</code>",
            "kode desa",
            "full_support",
            "rumah_ibadah",
            "label for=\"f-file\"",
            "label for=\"f-dry_run\"",
            "tidak berubah",
        ] {
            assert!(html.contains(needle), "{needle}");
        }
        let t = c.get("/libraries/import/template?format=xlsx").await;
        assert_eq!(t.status, StatusCode::OK);
        assert!(t.body.starts_with(b"PK"));
        let t = c.get("/libraries/import/template?format=csv").await;
        assert!(t.text().starts_with("\u{feff}kind,name,npp,village_code,"));
        // Someone who may not import is not shown the page.
        let m = app.login("pengelola.magetan").await;
        assert_eq!(
            m.upload(
                "/api/v1/libraries/import",
                "file",
                "d.csv",
                IMPORT_CSV.as_bytes()
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
    }
);

app_test!(pages_are_small_labelled_and_need_sign_in, |app| {
    let c = app.login("admin").await;
    for path in [
        "/libraries".to_string(),
        "/libraries/new".to_string(),
        format!("/libraries/{}", app.magetan),
        format!("/libraries/{}/edit", app.magetan),
        "/libraries?lang=en".to_string(),
    ] {
        let r = c.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        let html = r.text();
        assert!(html.len() < 100_000, "{path}: {} bytes", html.len());
        // Every visible input, select and textarea has a label.
        for tag in ["<input", "<select", "<textarea"] {
            for (i, _) in html.match_indices(tag) {
                let el = &html[i..i + html[i..].find('>').unwrap()];
                if el.contains("type=\"hidden\"") {
                    continue;
                }
                let id = el
                    .split("id=\"")
                    .nth(1)
                    .and_then(|s| s.split('"').next())
                    .unwrap_or_else(|| panic!("{path}: no id on {el}"));
                assert!(
                    html.contains(&format!("for=\"{id}\"")),
                    "{path}: no label for {id}"
                );
            }
        }
    }
    let english = c.get("/libraries/new?lang=en").await.text();
    assert!(english.contains("Community reading centre (TBM)"));
    assert!(english.contains("Not in TPBIS"));
    // Strangers are sent to sign in; scripts get 401.
    let anon = app.anon();
    assert_eq!(
        anon.get("/libraries/new").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        anon.get("/api/v1/libraries").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        anon.get("/api/v1/libraries/export").await.status,
        StatusCode::UNAUTHORIZED
    );
});
