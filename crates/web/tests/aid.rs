//! Aid end to end, on SQLite and PostgreSQL: packages as national templates
//! with their book list, allocation (one library and every accepted proposal
//! of a year), shipments, the phone receipt form with its photo checked by
//! content (a script named foto.jpg, too large, empty — refused on the field
//! with the typing kept and nothing stored), the books entering the
//! catalogue with source "Bantuan Perpusnas 2024" once and only once, late
//! deliveries for the district and national levels, reach (404) and rights
//! (403), to-do lists and notifications.

mod common;

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate, Utc};
use common::{Client, Res, TestApp};
use lentera_core::aid::{PackageDraft, PackageForm};
use lentera_core::audit::ActorRef;
use lentera_core::ids::LibraryId;
use lentera_store::aid;
use serde_json::{Value, json};

const PHOTO: &[u8] = include_bytes!("fixtures/kegiatan.jpg");

const BOOK_LIST: &str = "judul,pengarang,isbn,tahun,eksemplar\n\
    Laskar Pelangi,Andrea Hirata,9789793062792,2005,2\n\
    Bumi Manusia,Pramoedya Ananta Toer,,1980,1\n\
    Ronggeng Dukuh Paruk,Ahmad Tohari,,3000,1\n";

fn today_wib() -> NaiveDate {
    (Utc::now().naive_utc() + Duration::hours(7)).date()
}

fn sys() -> ActorRef {
    ActorRef::system("test")
}

/// A package made directly in the store (no book list).
fn package(app: &TestApp, year: i32, full: bool) -> aid::Package {
    let mut c = app.state.db.conn().unwrap();
    let mut f = PackageForm::standard(year, full);
    f.name = format!("{} {year}", f.name);
    aid::create_package(
        &mut c,
        &sys(),
        &PackageDraft::parse(&f, 2026).unwrap(),
        None,
    )
    .unwrap()
}

fn allocate(
    app: &TestApp,
    lib: LibraryId,
    package: &str,
    due: Option<NaiveDate>,
) -> aid::Allocation {
    let mut c = app.state.db.conn().unwrap();
    aid::create_allocation(&mut c, &sys(), lib, package, due).unwrap()
}

/// Aid copies in a library's catalogue, read back through the catalogue
/// export as the library itself would.
async fn aid_items(c: &Client<'_>) -> usize {
    let r = c.get("/api/v1/catalog/export?format=csv").await;
    assert_eq!(r.status, StatusCode::OK, "{}", short(&r));
    r.text()
        .lines()
        .filter(|l| l.contains("Bantuan Perpusnas 2024"))
        .count()
}

fn receipt_of(app: &TestApp, alloc: &str) -> Option<aid::Receipt> {
    let mut c = app.state.db.conn().unwrap();
    aid::receipt(&mut c, alloc).unwrap()
}

fn notes_for(app: &TestApp, username: &str, like: &str) -> usize {
    let mut c = app.state.db.conn().unwrap();
    let (u, _) = lentera_store::users::with_hash(&mut c, username)
        .unwrap()
        .unwrap();
    lentera_store::notifications::recent(&mut c, u.id, 500)
        .unwrap()
        .iter()
        .filter(|n| n.title_id.contains(like))
        .count()
}

fn as_refs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn short(r: &Res) -> String {
    let t = r.text();
    t[..t.len().min(600)].to_string()
}

/// The receipt form's fields as a manager types them on the phone.
fn receipt_fields(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("received_on", today_wib().to_string()),
        ("receiver_name", name.to_string()),
        ("receiver_position", "Pengelola perpustakaan".into()),
        ("condition", "partly_damaged".into()),
        ("shortfalls", "Rak tergores di sisi kiri".into()),
    ]
}

async fn post_receipt(
    c: &Client<'_>,
    alloc: &str,
    name: &str,
    extra: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> Res {
    let fields = receipt_fields(name);
    let mut pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.extend_from_slice(extra);
    c.multipart(&format!("/aid/allocations/{alloc}/receipt"), &pairs, files)
        .await
}

app_test!(packages_are_national_templates, |app| {
    let admin = app.login("admin").await;
    let district = app.login("dinas.magetan").await;
    let manager = app.login("pengelola.magetan").await;
    assert_eq!(
        admin.get("/aid/packages/new?full=1&year=2024").await.status,
        StatusCode::OK
    );
    assert_eq!(
        district.get("/aid/packages/new").await.status,
        StatusCode::FORBIDDEN
    );

    let mut fields: Vec<(String, String)> = vec![
        ("program_year".into(), "2024".into()),
        ("name".into(), "Paket bantuan buku 2024".into()),
        ("description".into(), "1.000 buku + 1 rak".into()),
        ("c0_kind".into(), "books".into()),
        ("c0_label".into(), "Buku bacaan".into()),
        ("c0_quantity".into(), "1000".into()),
        ("c1_kind".into(), "shelf".into()),
        ("c1_label".into(), "Rak buku".into()),
        ("c1_quantity".into(), "1".into()),
    ];
    let pairs = |f: &Vec<(String, String)>| -> Vec<(String, String)> { f.clone() };
    // A district officer may not create packages.
    let f = pairs(&fields);
    let r = district.multipart("/aid/packages", &as_refs(&f), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A photo is no book list: refused on its field, the typing kept.
    let r = admin
        .multipart(
            "/aid/packages",
            &as_refs(&f),
            &[("book_list", "daftar.csv", PHOTO)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", short(&r));
    assert!(r.text().contains("href=\"#f-book_list\""));
    assert!(r.text().contains("value=\"Paket bantuan buku 2024\""));
    // A spreadsheet without a title column is refused with the reason.
    let r = admin
        .multipart(
            "/aid/packages",
            &as_refs(&f),
            &[("book_list", "daftar.csv", b"nama,alamat\nBudi,Magetan\n")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("class=\"warn\""), "{}", short(&r));
    // Bad rows: every problem at once.
    fields[5].1 = "sepuluh".into();
    let f = pairs(&fields);
    let r = admin.multipart("/aid/packages", &as_refs(&f), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#f-c0_quantity\""));
    fields[5].1 = "1000".into();
    let f = pairs(&fields);
    let r = admin
        .multipart(
            "/aid/packages",
            &as_refs(&f),
            &[("book_list", "daftar-buku.csv", BOOK_LIST.as_bytes())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", short(&r));
    let loc = r.location().unwrap();
    let page = admin.get(&loc).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text().contains("3 judul, 4 eksemplar"),
        "{}",
        short(&page)
    );
    // Everyone signed in reads packages and their book list.
    let list = manager.get("/api/v1/aid/packages").await;
    assert_eq!(list.status, StatusCode::OK);
    let p = &list.json()["items"][0];
    assert_eq!(p["book_copies"], 4);
    let id = p["id"].as_str().unwrap().to_string();
    let dl = manager.get(&format!("/aid/packages/{id}/book-list")).await;
    assert_eq!(dl.status, StatusCode::OK);
    assert_eq!(dl.body, BOOK_LIST.as_bytes());
    assert_eq!(
        app.anon().get("/api/v1/aid/packages").await.status,
        StatusCode::UNAUTHORIZED
    );

    // The API: national only.
    let body = json!({"year": 2024, "name": "Paket dukungan penuh 2024", "full_support": true,
        "components": [{"kind": "books", "label": "Buku", "quantity": 1000},
                       {"kind": "pc", "label": "Komputer", "quantity": 1}]});
    let r = district
        .post_json("/api/v1/aid/packages", body.clone())
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = admin.post_json("/api/v1/aid/packages", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let full = r.json();
    assert_eq!(full["components"][1]["kind"], "pc");
    let fid = full["id"].as_str().unwrap();
    let r = admin
        .post_json(
            "/api/v1/aid/packages",
            json!({"year": 2024, "name": "", "components": [{"kind": "kulkas"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.json();
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "c0_kind", "c0_label", "c0_quantity"]);
    let r = admin
        .put_json(
            &format!("/api/v1/aid/packages/{fid}"),
            json!({"year": 2024, "name": "Dukungan penuh", "full_support": "ya",
            "components": [{"kind": "books", "label": "Buku", "quantity": 1000}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["components"].as_array().unwrap().len(), 1);
    let r = admin
        .upload(
            &format!("/api/v1/aid/packages/{fid}/book-list"),
            "file",
            "buku.csv",
            BOOK_LIST.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["copies"], 4);
    let r = district
        .upload(
            &format!("/api/v1/aid/packages/{fid}/book-list"),
            "file",
            "buku.csv",
            BOOK_LIST.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
});

app_test!(the_cycle_from_allocation_to_catalogue_items, |app| {
    let admin = app.login("admin").await;
    let district = app.login("dinas.magetan").await;
    let manager = app.login("pengelola.magetan").await;
    let staff = app.login("staf.magetan").await;
    let other = app.login("pengelola.sanggau").await;
    let facilitator = app.login("fasilitator").await;
    // Perpusnas prepares the 2024 book package with its list.
    let r = admin
        .post_json(
            "/api/v1/aid/packages",
            serde_json::to_value(PackageForm::standard(2024, false)).unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let pid = r.json()["id"].as_str().unwrap().to_string();
    let shelf = r.json()["components"][1]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let books = r.json()["components"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = admin
        .upload(
            &format!("/api/v1/aid/packages/{pid}/book-list"),
            "file",
            "buku.csv",
            BOOK_LIST.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    // The district allocates it to its library through the page …
    let due = (today_wib() + Duration::days(30)).to_string();
    let r = district
        .post_form(
            "/aid/allocations",
            &[
                ("library", &app.magetan.to_string()),
                ("package", &pid),
                ("due_date", &due),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", short(&r));
    let loc = r.location().unwrap();
    let alloc = loc
        .trim_start_matches("/aid/allocations/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    // … but not to a library outside its reach, nor twice.
    let r = district
        .post_form(
            "/aid/allocations",
            &[("library", &app.sanggau.to_string()), ("package", &pid)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#f-library\""));
    let r = district
        .post_json(
            "/api/v1/aid/allocations",
            json!({"library": app.magetan.to_string(), "package": pid}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["code"], "duplicate");
    assert_eq!(
        manager
            .post_json(
                "/api/v1/aid/allocations",
                json!({"library": app.magetan.to_string(), "package": pid})
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert!(notes_for(app, "pengelola.magetan", "dialokasikan") >= 1);

    // Reading: the library and its facilitator yes, another library no.
    let page = format!("/aid/allocations/{alloc}");
    assert_eq!(manager.get(&page).await.status, StatusCode::OK);
    assert_eq!(facilitator.get(&page).await.status, StatusCode::OK);
    assert_eq!(other.get(&page).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other
            .get(&format!("/api/v1/aid/allocations/{alloc}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Shipments: officers in reach; the library cannot record them.
    let ship = format!("/api/v1/aid/allocations/{alloc}/shipments/{shelf}");
    let yesterday = (today_wib() - Duration::days(1)).to_string();
    let r = manager
        .put_json(&ship, json!({"shipped_date": yesterday}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = district.put_json(&ship, json!({"shipped_date": yesterday, "courier": "Pos Indonesia", "tracking": "P2407150001"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["status"], "shipped");
    let tomorrow = (today_wib() + Duration::days(2)).to_string();
    let r = district
        .put_json(&ship, json!({"delivered_date": tomorrow}))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a delivery in the future"
    );
    assert_eq!(r.json()["error"]["fields"][0]["field"], "delivered_date");
    // The page form for the books component.
    let r = district
        .post_form(
            &format!("/aid/allocations/{alloc}/shipments/{books}"),
            &[
                ("shipped_date", &yesterday),
                ("delivered_date", &today_wib().to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", short(&r));
    let shown = district
        .get(&format!("/aid/allocations/{alloc}?ship={books}"))
        .await;
    assert!(shown.text().contains("id=\"aid-ship-form\""));
    assert!(notes_for(app, "pengelola.magetan", "sedang dikirim") >= 1);

    // The manager's to-do list asks for the receipt.
    let home = manager.get("/").await;
    assert!(
        home.text()
            .contains(&format!("/aid/allocations/{alloc}/receipt")),
        "{}",
        short(&home)
    );

    // Only the library's own people confirm; others 404 (reach) or 403.
    assert_eq!(
        other.get(&format!("{page}/receipt")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = post_receipt(
        &other,
        &alloc,
        "Orang lain",
        &[],
        &[("photo", "foto.jpg", PHOTO)],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = post_receipt(
        &district,
        &alloc,
        "Petugas dinas",
        &[],
        &[("photo", "foto.jpg", PHOTO)],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let form = staff.get(&format!("{page}/receipt")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("enctype=\"multipart/form-data\""));
    assert!(form.text().contains("name=\"import_books\""));

    // The BAST with a photo, and the books in at once.
    let r = post_receipt(
        &manager,
        &alloc,
        "Sri Wahyuningsih",
        &[("import_books", "true")],
        &[("photo", "foto.jpg", PHOTO)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", short(&r));
    let html = r.text();
    assert!(
        html.contains("<td>Baris 4</td>"),
        "the bad row is reported where it is in the list: {}",
        short(&r)
    );
    assert_eq!(aid_items(&manager).await, 3);
    assert!(receipt_of(app, &alloc).is_some());
    // The district hears about the shortfall.
    assert_eq!(notes_for(app, "dinas.magetan", "kekurangan"), 1);
    assert_eq!(notes_for(app, "dinas.sanggau", "kekurangan"), 0);
    // The allocation page shows the receipt and its photo to those in reach.
    let shown = district.get(&page).await;
    assert!(shown.text().contains("Sri Wahyuningsih"));
    assert!(shown.text().contains("/thumb\""));
    let detail = district
        .get(&format!("/api/v1/aid/allocations/{alloc}"))
        .await
        .json();
    assert_eq!(detail["status"], "received");
    assert_eq!(detail["books_imported"], 3);
    let photo = detail["receipt"]["photo_upload_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        district
            .get(&format!("/uploads/{photo}/thumb"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        other.get(&format!("/uploads/{photo}")).await.status,
        StatusCode::NOT_FOUND
    );

    // A second receipt is refused; the books again add nothing.
    let r = post_receipt(
        &manager,
        &alloc,
        "Lagi",
        &[],
        &[("photo", "foto.jpg", PHOTO)],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        receipt_of(app, &alloc).unwrap().receiver_name,
        "Sri Wahyuningsih"
    );
    let r = staff.post_form(&format!("{page}/books"), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", short(&r));
    let r = manager
        .post_json(&format!("/api/v1/aid/allocations/{alloc}/books"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["result"]["items_created"], 0);
    assert_eq!(r.json()["total"], 3);
    assert_eq!(aid_items(&manager).await, 3);
    assert_eq!(
        district
            .post_json(&format!("/api/v1/aid/allocations/{alloc}/books"), json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        other
            .post_json(&format!("/api/v1/aid/allocations/{alloc}/books"), json!({}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Nothing left to do for the manager.
    let home = manager.get("/").await;
    assert!(
        !home
            .text()
            .contains(&format!("/aid/allocations/{alloc}/receipt"))
    );
    // The search index follows: the aid books are found in the catalogue.
    app.state.sync_index().await.unwrap();
    let r = manager.get("/api/v1/catalog/search?q=Bumi+Manusia").await;
    assert!(r.text().contains("Bumi Manusia"), "{}", r.text());
});

app_test!(bad_uploads_are_refused_with_the_typing_kept, |app| {
    let p = package(app, 2024, false);
    let a = allocate(app, app.magetan, &p.id, None);
    let m = app.login("pengelola.magetan").await;
    let mut huge = PHOTO[..4].to_vec();
    huge.resize(13 * 1024 * 1024, 0);
    let cases: [(&str, &str, &[u8], &str); 4] = [
        (
            "script named foto.jpg",
            "foto.jpg",
            b"<script>alert('x')</script>",
            "JPG, PNG, WebP",
        ),
        ("too large", "foto.jpg", &huge, "12 MB"),
        ("empty", "foto.jpg", b"", "id=\"e-photo\""),
        (
            "a PDF as the photo",
            "foto.pdf",
            b"%PDF-1.4\n1 0 obj\n%%EOF\n",
            "JPG, PNG, WebP",
        ),
    ];
    for (what, name, bytes, says) in cases {
        let r = post_receipt(
            &m,
            &a.id,
            "Sri Wahyuningsih",
            &[],
            &[("photo", name, bytes)],
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{what}: {}",
            short(&r)
        );
        let html = r.text();
        assert!(
            html.contains("href=\"#f-photo\""),
            "{what}: summary links to the field"
        );
        assert!(html.contains(says), "{what}: says {says}");
        assert!(
            html.contains("value=\"Sri Wahyuningsih\""),
            "{what}: name kept"
        );
        assert!(
            html.contains("Rak tergores di sisi kiri"),
            "{what}: shortfalls kept"
        );
        assert!(
            html.contains("value=\"partly_damaged\" checked"),
            "{what}: condition kept"
        );
        assert!(
            !html.contains("<script>alert"),
            "{what}: nothing of the file echoed"
        );
        assert!(receipt_of(app, &a.id).is_none(), "{what}: nothing stored");
    }
    // A script as the signed scan, with a good photo: refused on `document`.
    let r = post_receipt(
        &m,
        &a.id,
        "Sri Wahyuningsih",
        &[],
        &[
            ("photo", "foto.jpg", PHOTO),
            ("document", "bast.pdf", b"<script>alert(1)</script>"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#f-document\""));
    // No photo at all, damaged without saying what, a date in the future.
    let tomorrow = (today_wib() + Duration::days(1)).to_string();
    let r = m
        .multipart(
            &format!("/aid/allocations/{}/receipt", a.id),
            &[
                ("received_on", &tomorrow),
                ("receiver_name", "Sri"),
                ("condition", "damaged"),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["received_on", "shortfalls", "photo"] {
        assert!(
            r.text().contains(&format!("href=\"#f-{field}\"")),
            "{field}"
        );
    }
    // The same through the API: 422 with the field.
    let r = m
        .multipart(
            &format!("/api/v1/aid/allocations/{}/receipt", a.id),
            &[
                ("received_on", &today_wib().to_string()),
                ("receiver_name", "Sri"),
                ("condition", "good"),
            ],
            &[("photo", "foto.jpg", b"<?php system($_GET['c']); ?>")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "photo");
    assert_eq!(r.json()["error"]["fields"][0]["code"], "file_wrong_type");
    // Nothing stored: the photo is saved only in the receipt's transaction.
    assert!(receipt_of(app, &a.id).is_none());
    // And a good one through the API.
    let r = m
        .multipart(
            &format!("/api/v1/aid/allocations/{}/receipt", a.id),
            &[
                ("received_on", &today_wib().to_string()),
                ("receiver_name", "Sri"),
                ("condition", "good"),
            ],
            &[("photo", "foto.jpg", PHOTO)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["receipt"]["condition"], "good");
    assert_eq!(
        notes_for(app, "dinas.magetan", "kekurangan"),
        0,
        "nothing to report"
    );
});

app_test!(late_deliveries_are_flagged_for_district_and_nation, |app| {
    let p = package(app, 2024, false);
    let past = Some(today_wib() - Duration::days(10));
    let late = allocate(app, app.magetan, &p.id, past);
    allocate(
        app,
        app.magetan2,
        &p.id,
        Some(today_wib() + Duration::days(10)),
    );
    let sanggau_late = allocate(app, app.sanggau, &p.id, past);
    {
        let mut c = app.state.db.conn().unwrap();
        let books = &p.components[0].id;
        let draft = lentera_core::aid::ShipmentDraft {
            shipped_date: Some(today_wib() - Duration::days(20)),
            ..Default::default()
        };
        aid::save_shipment(&mut c, &sys(), &late.id, books, &draft).unwrap();
    }
    let admin = app.login("admin").await;
    let district = app.login("dinas.magetan").await;
    let sanggau = app.login("dinas.sanggau").await;
    let manager = app.login("pengelola.magetan").await;

    let r = district.get("/aid?late=1").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains(&format!("/aid/allocations/{}", late.id)));
    assert!(
        !html.contains(&format!("/aid/allocations/{}", sanggau_late.id)),
        "outside reach"
    );
    assert!(html.contains("class=\"aid-late\""), "late badge");
    let r = admin.get("/api/v1/aid/allocations?late=1").await.json();
    assert_eq!(r["total"], 2);
    assert!(
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["late"] == true)
    );
    let r = district.get("/api/v1/aid/summary").await.json();
    assert_eq!(r["counts"]["late"], 1);
    assert_eq!(r["counts"]["total"], 2);
    assert_eq!(r["counts"]["shipped"], 1);
    let r = sanggau.get("/api/v1/aid/allocations").await.json();
    assert_eq!(r["total"], 1);
    // Officers' home pages list the late deliveries.
    assert!(district.get("/").await.text().contains("/aid?late=1"));
    assert!(
        admin
            .get("/")
            .await
            .text()
            .contains("2 pengiriman bantuan terlambat")
    );
    // The library's to-do is marked late.
    let home = manager.get("/").await.text();
    assert!(home.contains(&format!("/aid/allocations/{}/receipt", late.id)));
    // Export for the district: its two allocations.
    let r = district.get("/aid/export?format=csv").await;
    assert_eq!(r.status, StatusCode::OK);
    let text = r.text();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.contains("true"), "a late row");
    assert_eq!(
        district.get("/aid/export?format=pdf").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Bad filters are reported, not ignored.
    assert_eq!(
        admin
            .get("/api/v1/aid/allocations?status=lost")
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
});

app_test!(bulk_allocation_and_bulk_shipment, |app| {
    {
        use lentera_core::libraries::Participation;
        use lentera_core::program::{ProposalDraft, YearDraft, YearForm};
        use lentera_store::program::{self, PastDates};
        let mut c = app.state.db.conn().unwrap();
        let mut y = YearForm::default();
        y.set("program_year", "2024");
        program::create_year(&mut c, &sys(), &YearDraft::parse(&y, 2026).unwrap()).unwrap();
        let at = lentera_store::now();
        let dates = PastDates {
            submitted_at: at,
            verified_at: at,
            decided_at: at,
        };
        for (lib, participation) in [
            (app.magetan, Participation::FullSupport),
            (app.magetan2, Participation::BookAidOnly),
            (app.sanggau, Participation::BookAidOnly),
        ] {
            let d = ProposalDraft {
                year: 2024,
                library: lib,
                requested: participation,
                note: None,
            };
            program::import_accepted(&mut c, &sys(), &d, Vec::new(), participation, dates).unwrap();
        }
    }
    let full = package(app, 2024, true);
    let book = package(app, 2024, false);
    let district = app.login("dinas.magetan").await;
    let facilitator = app.login("fasilitator").await;
    let page = district.get("/aid/allocations/bulk?year=2024").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text()
            .contains(&format!("value=\"{}\" selected", full.id)),
        "defaults by participation"
    );
    assert_eq!(
        facilitator.get("/aid/allocations/bulk").await.status,
        StatusCode::FORBIDDEN
    );
    let r = district
        .post_form(
            "/aid/allocations/bulk",
            &[
                ("program_year", "2024"),
                ("full_support_package", &full.id),
                ("book_aid_package", &book.id),
                ("due_date", "2024-08-31"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", short(&r));
    assert!(
        r.text().contains("2 penerima, 2 alokasi baru"),
        "{}",
        short(&r)
    );
    let list: Value = district
        .get("/api/v1/aid/allocations?year=2024")
        .await
        .json();
    assert_eq!(list["total"], 2);
    // Again through the API: nothing new.
    let r = district
        .post_json(
            "/api/v1/aid/allocations/bulk",
            json!({"year": 2024, "full_support_package": full.id, "book_aid_package": book.id}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["created"], 0);
    assert_eq!(r.json()["existing"], 2);
    let r = district
        .post_json("/api/v1/aid/allocations/bulk", json!({"year": 2024}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Shelves shipped for the whole district at once.
    let r = district
        .post_form(
            "/aid/shipments/bulk",
            &[
                ("package", &book.id),
                ("component_kind", "shelf"),
                ("shipped_date", "2024-07-15"),
                ("courier", "Pos Indonesia"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", short(&r));
    assert!(r.text().contains("1 pengiriman dicatat"), "{}", short(&r));
    let r = district
        .post_json(
            "/api/v1/aid/shipments/bulk",
            json!({"package": full.id, "component_kind": "pc", "shipped_date": "2024-08-01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["updated"], 1);
    let r = district
        .post_json(
            "/api/v1/aid/shipments/bulk",
            json!({"package": book.id, "component_kind": "pc", "shipped_date": "2024-08-01"}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the book package has no PC"
    );
    let r = district
        .post_form(
            "/aid/shipments/bulk",
            &[("package", &book.id), ("component_kind", "shelf")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "no date given");
    let list: Value = district
        .get("/api/v1/aid/allocations?status=shipped")
        .await
        .json();
    assert_eq!(list["total"], 2);
    assert_eq!(
        facilitator
            .post_json(
                "/api/v1/aid/shipments/bulk",
                json!({"package": book.id, "component_kind": "shelf", "shipped_date": "2024-07-15"})
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
});
