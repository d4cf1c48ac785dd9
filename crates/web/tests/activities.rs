//! Activity reports and advocacy outcomes end to end, on SQLite and
//! PostgreSQL: the phone-first form with its grid and photo, photos checked
//! by content (wrong type, too large, a script named foto.jpg, a truncated
//! JPEG — each refused on its field with the typing kept and nothing
//! stored), reach on reports and their photos, edits and deletes by role,
//! work-plan links and the manager's to-do list, the API, downloads, and
//! advocacy outcomes with documents.

mod common;

use axum::http::StatusCode;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use common::{Client, Res, TestApp};
use lentera_core::activities::{ActivityDraft, ActivityForm, ListFilter};
use lentera_core::audit::ActorRef;
use lentera_core::ids::LibraryId;
use lentera_core::regions::RegionCode;
use lentera_core::users::{Reach, Role};
use lentera_core::workplans::{
    ActivityForm as PlanActivityForm, NewPlan, PlanKind, ReviewDraft, ReviewForm, WorkplanDraft,
    WorkplanForm,
};
use lentera_store::activities::{self as store, At};
use lentera_store::workplans as wp;
use serde_json::json;

const PHOTO: &[u8] = include_bytes!("fixtures/kegiatan.jpg");
const BIG: &[u8] = include_bytes!("fixtures/besar.jpg");
const PNG: &[u8] = include_bytes!("fixtures/poster.png");

/// Magetan's (WIB) date today.
fn today_wib() -> NaiveDate {
    (Utc::now().naive_utc() + Duration::hours(7)).date()
}

/// Reports of every library, and files of the fixture's libraries.
fn count(app: &TestApp, what: &str) -> i64 {
    let mut c = app.state.db.conn().unwrap();
    match what {
        "reports" => {
            store::list(&mut c, &Reach::Everything, &ListFilter::default(), 1, 1)
                .unwrap()
                .total
        }
        "uploads" => [app.magetan, app.magetan2, app.sanggau]
            .iter()
            .map(|l| store::storage(&mut c, *l).unwrap().0)
            .sum(),
        _ => unreachable!(),
    }
}

/// The quick form's fields: today, a strategy, a type, a title and a few
/// grid cells.
fn quick_fields(title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("held_on", today_wib().to_string()),
        ("strategy", "pelibatan_masyarakat".into()),
        ("activity_type", "pelatihan_keterampilan".into()),
        ("title", title.into()),
        ("p_l_dewasa", "4".into()),
        ("p_p_dewasa", "11".into()),
        ("p_p_lansia", "2".into()),
        ("d_p_dewasa", "1".into()),
        ("photo_caption", "Ibu-ibu menggoreng keripik".into()),
    ]
}

async fn post_report(c: &Client<'_>, title: &str, files: &[(&str, &str, &[u8])]) -> Res {
    let fields = quick_fields(title);
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.multipart("/activities", &pairs, files).await
}

/// A report written straight into a library (for libraries nobody in the
/// fixture works in).
fn seed_report(app: &TestApp, lib: LibraryId, village: &str, title: &str) -> String {
    let mut c = app.state.db.conn().unwrap();
    let f = ActivityForm::from_pairs([
        ("held_on", "2026-01-15"),
        ("strategy", "layanan_informasi"),
        ("activity_type", "layanan_internet"),
        ("title", title),
        ("p_l_remaja", "6"),
    ]);
    let d = ActivityDraft::parse(&f, today_wib()).unwrap();
    let v = RegionCode::parse(village).unwrap();
    store::create(
        &mut c,
        &ActorRef::system("test"),
        &At {
            library: lib,
            village: &v,
        },
        &d,
        vec![],
    )
    .unwrap()
}

/// Reports the client's reach holds, by the API list.
async fn total(c: &Client<'_>) -> i64 {
    let r = c.get("/api/v1/activities").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["total"].as_i64().unwrap()
}

fn report_id(r: &Res) -> String {
    let loc = r
        .location()
        .unwrap_or_else(|| panic!("no redirect: {}", r.text()));
    loc.trim_start_matches("/activities/")
        .split('?')
        .next()
        .unwrap()
        .to_string()
}

fn thumbs(page: &str) -> Vec<String> {
    page.match_indices("src=\"/uploads/")
        .map(|(i, _)| {
            let rest = &page[i + "src=\"/uploads/".len()..];
            rest[..rest.find('/').unwrap()].to_string()
        })
        .collect()
}

app_test!(a_quick_report_with_a_photo, |app| {
    let m = app.login("pengelola.magetan").await;
    let r = m.get("/activities/new").await;
    assert_eq!(r.status, StatusCode::OK);
    let form = r.text();
    // Phone-first: today's date filled in, a multipart form with the token
    // in its action, the grid and one photo input; the rest folded away.
    assert!(
        form.contains(&format!("value=\"{}\"", today_wib())),
        "date defaults to today"
    );
    assert!(form.contains("enctype=\"multipart/form-data\""));
    assert!(form.contains("action=\"/activities?csrf="));
    assert!(form.contains("id=\"f-p_p_lansia\"") && form.contains("inputmode=\"numeric\""));
    assert!(
        form.contains("id=\"f-activity_photo\"")
            && form.contains("accept=\"image/jpeg,image/png,image/webp\"")
    );
    assert!(form.contains("<details"));

    let r = post_report(
        &m,
        "Pelatihan membuat keripik singkong",
        &[("activity_photo", "IMG_2024.jpg", PHOTO)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let id = report_id(&r);
    let page = m.get(&format!("/activities/{id}?saved=1")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Pelatihan membuat keripik singkong"));
    assert!(html.contains("role=\"status\""), "saved notice");
    // The thumbnail links to the full photo, with the caption as alt text.
    let ids = thumbs(&html);
    assert_eq!(ids.len(), 1, "{html}");
    let upload = &ids[0];
    assert!(html.contains(&format!("href=\"/uploads/{upload}\"")));
    assert!(html.contains("alt=\"Ibu-ibu menggoreng keripik\""));
    // Totals: 4 + 11 + 2 = 17, of whom 1 with a disability.
    assert!(html.contains("<strong>17</strong>"), "total shown");
    let api = m.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(api.status, StatusCode::OK);
    let j = api.json();
    assert_eq!(j["participants"]["total"], 17);
    assert_eq!(j["participants"]["females"], 13);
    assert_eq!(j["participants"]["with_disability"], 1);
    assert_eq!(j["participants"]["by_age_group"]["dewasa"], 15);
    assert_eq!(j["photos"][0]["caption"], "Ibu-ibu menggoreng keripik");
    // The stored photo is a fresh JPEG (re-encoded), served inline within reach.
    let full = m.get(&format!("/uploads/{upload}")).await;
    assert_eq!(full.status, StatusCode::OK);
    assert_eq!(full.headers["content-type"], "image/jpeg");
    assert!(full.body.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert_ne!(full.body, PHOTO, "re-encoded, not stored as sent");
    let thumb = m.get(&format!("/uploads/{upload}/thumb")).await;
    assert_eq!(thumb.status, StatusCode::OK);
    assert!(thumb.body.len() < full.body.len());
    assert_eq!(j["photos"][0]["width"], 800);

    // A large photo is scaled down; a PNG becomes a JPEG.
    let r = post_report(
        &m,
        "Pameran kerajinan bambu",
        &[("activity_photo", "besar.jpg", BIG)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let j = m
        .get(&format!("/api/v1/activities/{}", report_id(&r)))
        .await
        .json();
    assert_eq!(j["photos"][0]["width"], 1600);
    assert_eq!(j["photos"][0]["height"], 1200);
    let r = post_report(
        &m,
        "Poster klub baca",
        &[("activity_photo", "poster.png", PNG)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let j = m
        .get(&format!("/api/v1/activities/{}", report_id(&r)))
        .await
        .json();
    let png_upload = j["photos"][0]["upload_id"].as_str().unwrap().to_string();
    let full = m.get(&format!("/uploads/{png_upload}")).await;
    assert_eq!(full.headers["content-type"], "image/jpeg");

    // More photos on the report page.
    let r = m
        .multipart(
            &format!("/activities/{id}/photos"),
            &[("photo_caption", "Keripik dikemas")],
            &[("photos", "a.jpg", PHOTO), ("photos", "b.png", PNG)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let html = m.get(&format!("/activities/{id}")).await.text();
    assert_eq!(thumbs(&html).len(), 3);
    // A report without a photo is fine too; without anyone, it is not.
    let fields = quick_fields("Tanpa foto");
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = m.multipart("/activities", &pairs, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = m
        .multipart(
            "/activities",
            &[
                ("held_on", &today_wib().to_string()),
                ("strategy", "advokasi"),
                ("activity_type", "sosialisasi"),
                ("title", "Sosialisasi"),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#f-participants\""));
});

app_test!(bad_uploads_are_refused_on_the_field, |app| {
    let m = app.login("pengelola.magetan").await;
    let before = (count(app, "reports"), count(app, "uploads"));
    let mut huge = PHOTO[..4].to_vec();
    huge.resize(13 * 1024 * 1024, 0);
    let truncated = &PHOTO[..PHOTO.len() / 2];
    let cases: [(&str, &str, &[u8], &str); 4] = [
        (
            "wrong type",
            "laporan.pdf",
            b"%PDF-1.4\n1 0 obj\n%%EOF\n",
            "JPG, PNG, WebP",
        ),
        ("too large", "foto.jpg", &huge, "12 MB"),
        (
            "script named foto.jpg",
            "foto.jpg",
            b"<script>alert('x')</script>",
            "JPG, PNG, WebP",
        ),
        ("truncated JPEG", "foto.jpg", truncated, ""),
    ];
    for (what, name, bytes, says) in cases {
        let r = post_report(
            &m,
            "Kelas menjahit untuk remaja",
            &[("activity_photo", name, bytes)],
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{what}: {}",
            &r.text()[..r.text().len().min(300)]
        );
        let html = r.text();
        // The error names the photo field and links to it; the typing stays.
        assert!(
            html.contains("href=\"#f-activity_photo\""),
            "{what}: summary links to the field"
        );
        assert!(
            html.contains("id=\"e-activity_photo\""),
            "{what}: message at the field"
        );
        assert!(html.contains(says), "{what}: says {says}");
        assert!(
            html.contains("value=\"Kelas menjahit untuk remaja\""),
            "{what}: title kept"
        );
        assert!(html.contains("value=\"11\""), "{what}: grid kept");
        assert!(
            !html.contains("<script>alert"),
            "{what}: nothing of the file echoed"
        );
        assert_eq!(
            (count(app, "reports"), count(app, "uploads")),
            before,
            "{what}: nothing stored"
        );
    }
    // The same through the API's photo endpoint.
    let r = post_report(&m, "Laporan yang benar", &[]).await;
    let id = report_id(&r);
    let before = count(app, "uploads");
    let r = m
        .multipart(
            &format!("/api/v1/activities/{id}/photos"),
            &[],
            &[("photos", "foto.jpg", b"<html><script>fetch('/x')</script>")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "photos");
    assert_eq!(r.json()["error"]["fields"][0]["code"], "file_wrong_type");
    assert_eq!(count(app, "uploads"), before);
    // A valid photo but a wrong field: the photo must be chosen again.
    let fields = [
        ("held_on", "2001-01-01"),
        ("strategy", "pelibatan_masyarakat"),
        ("activity_type", "pelatihan_keterampilan"),
        ("title", "Tanggal salah"),
        ("p_l_anak", "3"),
    ];
    let r = m
        .multipart(
            "/activities",
            &fields,
            &[("activity_photo", "ok.jpg", PHOTO)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(html.contains("href=\"#f-held_on\""));
    assert!(html.contains("Pilih fotonya lagi"));
    assert_eq!(count(app, "uploads"), before);
});

app_test!(reports_and_photos_stay_within_reach, |app| {
    let m = app.login("pengelola.magetan").await;
    let s = app.login("pengelola.sanggau").await;
    let r = post_report(
        &m,
        "Kelas baca Magetan",
        &[("activity_photo", "a.jpg", PHOTO)],
    )
    .await;
    let mine = report_id(&r);
    let r = post_report(
        &s,
        "Kelas baca Balai Sebut",
        &[("activity_photo", "b.jpg", PHOTO)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let theirs = report_id(&r);
    let other_magetan = seed_report(app, app.magetan2, "3520012002", "Internet TBM Pelangi");
    let upload_of =
        |j: serde_json::Value| j["photos"][0]["upload_id"].as_str().unwrap().to_string();
    let my_photo = upload_of(m.get(&format!("/api/v1/activities/{mine}")).await.json());
    let their_photo = upload_of(s.get(&format!("/api/v1/activities/{theirs}")).await.json());

    // A library cannot see another library's reports or photos: 404.
    for path in [
        format!("/activities/{theirs}"),
        format!("/api/v1/activities/{theirs}"),
        format!("/activities/{theirs}/edit"),
        format!("/uploads/{their_photo}"),
        format!("/uploads/{their_photo}/thumb"),
        format!("/activities/{other_magetan}"),
    ] {
        assert_eq!(m.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        s.get(&format!("/uploads/{my_photo}")).await.status,
        StatusCode::NOT_FOUND
    );
    // Nor write to them.
    let r = m
        .multipart(
            &format!("/activities/{theirs}/photos"),
            &[],
            &[("photos", "x.jpg", PHOTO)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        m.delete(&format!("/api/v1/activities/{theirs}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The facilitator sees the assigned library only; officers their region.
    let f = app.login("fasilitator").await;
    assert_eq!(
        f.get(&format!("/activities/{mine}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        f.get(&format!("/uploads/{my_photo}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        f.get(&format!("/activities/{other_magetan}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        f.get(&format!("/activities/{theirs}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        f.get(&format!("/uploads/{their_photo}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(total(&m).await, 1);
    assert_eq!(total(&s).await, 1);
    assert_eq!(total(&f).await, 1);
    assert_eq!(total(&app.login("dinas.magetan").await).await, 2);
    assert_eq!(total(&app.login("dinas.jatim").await).await, 2);
    assert_eq!(total(&app.login("dinas.sanggau").await).await, 1);
    let admin = app.login("admin").await;
    assert_eq!(total(&admin).await, 3);
    assert_eq!(
        admin.get(&format!("/uploads/{their_photo}")).await.status,
        StatusCode::OK
    );
    // A facilitator or officer reads but does not write: 403 in reach.
    let r = f
        .post_form(&format!("/activities/{mine}"), &[("title", "Diubah")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(f.get("/activities/new").await.status, StatusCode::FORBIDDEN);
    // The region list with totals and the library filter.
    let d = app.login("dinas.magetan").await;
    let html = d.get("/activities").await.text();
    assert!(html.contains("Kelas baca Magetan") && html.contains("Internet TBM Pelangi"));
    assert!(!html.contains("Balai Sebut"));
    let html = d
        .get(&format!("/activities?library={}", app.magetan2))
        .await
        .text();
    assert!(html.contains("Internet TBM Pelangi") && !html.contains("Kelas baca Magetan"));
    assert_eq!(
        d.get(&format!("/activities?library={}", app.sanggau))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let j = d
        .get("/api/v1/activities?activity_type=layanan_internet")
        .await
        .json();
    assert_eq!(j["total"], 1);
    assert_eq!(j["totals"]["participants"]["total"], 6);
    assert_eq!(j["totals"]["participants"]["by_age_group"]["remaja"], 6);
    let r = d
        .get("/api/v1/activities?strategy=menari&from=2026-02-01&to=2026-01-01")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = r.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["strategy", "to"]);
});

app_test!(editing_and_deleting_by_role, |app| {
    let m = app.login("pengelola.magetan").await;
    let staff = app.login("staf.magetan").await;
    let r = post_report(&m, "Budidaya lele", &[("activity_photo", "a.jpg", PHOTO)]).await;
    let id = report_id(&r);
    let edit = staff.get(&format!("/activities/{id}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    let html = edit.text();
    assert!(html.contains("value=\"Budidaya lele\""));
    assert!(
        html.contains("value=\"11\""),
        "the grid comes back as typed totals"
    );
    let version = {
        let i = html.find("name=\"updated_at\" value=\"").unwrap()
            + "name=\"updated_at\" value=\"".len();
        html[i..i + html[i..].find('"').unwrap()].to_string()
    };
    let today = today_wib().to_string();
    let fields = [
        ("updated_at", version.as_str()),
        ("held_on", today.as_str()),
        ("strategy", "pelibatan_masyarakat"),
        ("activity_type", "pelatihan_keterampilan"),
        ("title", "Budidaya lele dalam terpal"),
        ("p_l_dewasa", "9"),
        ("p_p_dewasa", "3"),
        ("outcome", "Tiga kolam terpal berjalan."),
    ];
    let r = staff.post_form(&format!("/activities/{id}"), &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let j = m.get(&format!("/api/v1/activities/{id}")).await.json();
    assert_eq!(j["title"], "Budidaya lele dalam terpal");
    assert_eq!(j["participants"]["total"], 12);
    assert_eq!(j["outcome"], "Tiga kolam terpal berjalan.");
    assert_eq!(j["photos"].as_array().unwrap().len(), 1);
    // The same stale version again: 409 with the typing kept.
    let r = staff.post_form(&format!("/activities/{id}"), &fields).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("value=\"Budidaya lele dalam terpal\""));
    // A bad edit keeps the typing and names the field.
    let mut bad = fields.to_vec();
    bad[0] = ("updated_at", "");
    bad.push(("d_l_dewasa", "10"));
    let r = staff.post_form(&format!("/activities/{id}"), &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#f-d_l_dewasa\""));
    // Staff remove a photo, but only the manager deletes the report.
    let upload = j["photos"][0]["upload_id"].as_str().unwrap().to_string();
    let r = staff
        .post_form(&format!("/activities/{id}/photos/{upload}/delete"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        m.get(&format!("/uploads/{upload}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        staff
            .post_form(&format!("/activities/{id}/delete"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        staff
            .delete(&format!("/api/v1/activities/{id}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = m.post_form(&format!("/activities/{id}/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        m.get(&format!("/activities/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(count(app, "reports"), 0);
    // The trail names each step.
    let admin = app.login("admin").await;
    let trail = admin.get("/api/v1/audit?action=activity.").await.text();
    for action in [
        "activity.create",
        "activity.update",
        "activity.photo_remove",
        "activity.delete",
    ] {
        assert!(trail.contains(action), "{action} in the trail");
    }
});

/// An approved plan of the Magetan library with one activity ending on
/// `ends_on`, through the work plans' own steps.
fn approved_plan_activity(app: &TestApp, name: &str, ends_on: NaiveDate) -> String {
    let mut c = app.state.db.conn().unwrap();
    let year = ends_on.year();
    let form = WorkplanForm {
        potential_people: "Pemuda dan ibu-ibu PKK".into(),
        goals: "Warga punya keterampilan usaha".into(),
        activities: vec![PlanActivityForm {
            name: name.into(),
            target_group: "Ibu-ibu PKK".into(),
            starts_on: (ends_on - Duration::days(30)).to_string(),
            ends_on: ends_on.to_string(),
            targets: "20 peserta".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let kind = PlanKind::PelibatanMasyarakat;
    let draft = WorkplanDraft::parse(&form, kind, year).unwrap();
    let v = RegionCode::parse("3520012001").unwrap();
    let who = |role| wp::Who {
        by: ActorRef::system("test"),
        name: "Penguji".into(),
        role,
    };
    let at = wp::PlanAt {
        library: app.magetan,
        village: &v,
    };
    let new = NewPlan {
        kind,
        year,
        copy_last_year: false,
    };
    let now = lentera_store::now();
    let plan = wp::create(&mut c, &who(Role::Manager), &at, &new, Some(&draft), now).unwrap();
    let plan = wp::submit(&mut c, &who(Role::Manager), &plan.id, plan.version, now).unwrap();
    let approve = ReviewDraft::parse(&ReviewForm {
        decision: "approve".into(),
        ..Default::default()
    })
    .unwrap();
    let plan = wp::review(
        &mut c,
        &who(Role::District),
        &plan.id,
        &approve,
        plan.version,
        now,
    )
    .unwrap();
    plan.activities[0].id.clone()
}

app_test!(plan_activities_and_the_managers_todo, |app| {
    let plan = approved_plan_activity(
        app,
        "Pelatihan budidaya lele",
        today_wib() - Duration::days(3),
    );
    let m = app.login("pengelola.magetan").await;
    let home = m.get("/").await.text();
    // This month and last month have no report yet.
    assert_eq!(
        home.matches("Belum ada laporan kegiatan bulan").count(),
        2,
        "months without a report"
    );
    assert!(
        home.contains("Pelatihan budidaya lele"),
        "overdue plan activity"
    );
    assert!(home.contains(&format!("/activities/new?workplan_activity_id={plan}")));
    // The form offers the plan's activity, prefilled from the link.
    let form = m
        .get(&format!(
            "/activities/new?workplan_activity_id={plan}&strategy=pelibatan_masyarakat"
        ))
        .await
        .text();
    assert!(form.contains(&format!("<option value=\"{plan}\" selected")));
    let mut fields = quick_fields("Pelatihan budidaya lele");
    fields.push(("workplan_activity_id", plan.clone()));
    fields.push(("workplan_activity_done", "true".into()));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = m.multipart("/activities", &pairs, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let id = report_id(&r);
    let j = m.get(&format!("/api/v1/activities/{id}")).await.json();
    assert_eq!(j["workplan_activity"]["progress"], "done");
    let home = m.get("/").await.text();
    assert_eq!(
        home.matches("Belum ada laporan kegiatan bulan").count(),
        1,
        "only last month now"
    );
    assert!(!home.contains("Laporkan kegiatan rencana kerja"));
    // Another library's plan activity cannot be named.
    let s = app.login("pengelola.sanggau").await;
    let r = s
        .post_json(
            "/api/v1/activities",
            json!({"held_on": today_wib().to_string(), "strategy": "advokasi",
                   "activity_type": "sosialisasi", "title": "Coba", "p_l_dewasa": 2,
                   "workplan_activity_id": plan}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json()["error"]["fields"][0]["field"],
        "workplan_activity_id"
    );
    // Officers and facilitators get no report to-dos of their own.
    let f = app.login("fasilitator").await;
    assert!(
        !f.get("/")
            .await
            .text()
            .contains("Belum ada laporan kegiatan")
    );
});

app_test!(the_api_and_downloads, |app| {
    let m = app.token("pengelola.magetan").await;
    let body = json!({
        "held_on": today_wib().to_string(),
        "strategy": "layanan_informasi",
        "activity_type": "layanan_internet",
        "title": "Layanan internet untuk UMKM",
        "partners": "Karang Taruna",
        "p_l_remaja": 5, "p_p_remaja": "7", "d_p_remaja": 1,
        "story": "Bu Sari kini menjual keripik lewat internet.",
    });
    let r = m.post_json("/api/v1/activities", body.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let j = r.json();
    let id = j["id"].as_str().unwrap().to_string();
    assert_eq!(j["participants"]["total"], 12);
    assert_eq!(j["participants"]["with_disability"], 1);
    assert_eq!(j["library_id"], app.magetan.to_string());
    // Photos through the API (bearer token: no CSRF needed).
    let r = m
        .multipart(
            &format!("/api/v1/activities/{id}/photos"),
            &[("photo_caption", "Warga belajar")],
            &[("photos", "a.jpg", PHOTO)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["photos"][0]["caption"], "Warga belajar");
    let version = r.json()["updated_at"].as_str().unwrap().to_string();
    // Every problem at once, by field.
    let r = m
        .post_json(
            "/api/v1/activities",
            json!({"held_on": "kemarin", "strategy": "x", "title": "", "p_l_anak": -1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = r.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        fields,
        ["held_on", "strategy", "activity_type", "title", "p_l_anak"]
    );
    // PUT with the version read; again with the same (now stale) one: 409.
    let mut changed = body.clone();
    changed["title"] = json!("Layanan internet untuk pelaku UMKM");
    changed["updated_at"] = json!(version);
    let r = m
        .put_json(&format!("/api/v1/activities/{id}"), changed.clone())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["photos"].as_array().unwrap().len(), 1);
    let r = m
        .put_json(&format!("/api/v1/activities/{id}"), changed)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // An officer's token reads but cannot create for the library.
    let d = app.token("dinas.magetan").await;
    let mut for_lib = body.clone();
    for_lib["library"] = json!(app.magetan.to_string());
    assert_eq!(
        d.post_json("/api/v1/activities", for_lib.clone())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    for_lib["library"] = json!(app.sanggau.to_string());
    assert_eq!(
        d.post_json("/api/v1/activities", for_lib).await.status,
        StatusCode::NOT_FOUND
    );
    // Downloads, within reach, in both formats.
    let csv = d.get("/activities/export?format=csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    let text = csv.text();
    let text = text.trim_start_matches('\u{feff}');
    assert!(
        text.starts_with("id,held_on,library_id,library,region_code,strategy,activity_type,title"),
        "{text}"
    );
    assert!(text.contains("Layanan internet untuk pelaku UMKM"));
    assert_eq!(text.lines().count(), 2);
    let xlsx = d
        .get("/api/v1/activities/export?format=xlsx&strategy=layanan_informasi")
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.body.starts_with(b"PK"));
    let s = app.login("dinas.sanggau").await;
    let csv = s.get("/activities/export").await.text();
    assert_eq!(
        csv.lines().count(),
        1,
        "header only outside the region: {csv}"
    );
    assert_eq!(
        s.get("/activities/export?format=pdf").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Delete through the API: the manager's token.
    assert_eq!(
        m.delete(&format!("/api/v1/activities/{id}")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(count(app, "uploads"), 0);
});

app_test!(advocacy_outcomes_with_documents, |app| {
    let m = app.login("pengelola.magetan").await;
    assert_eq!(m.get("/advocacy/new").await.status, StatusCode::OK);
    let pdf: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n";
    let mou = [
        ("advocacy_kind", "mou"),
        ("title", "Kerja sama pojok baca di Puskesmas"),
        ("partner", "Puskesmas Plaosan"),
        ("signed_on", "2025-03-12"),
    ];
    // A script disguised as the document: refused, typing kept.
    let r = m
        .multipart(
            "/advocacy",
            &mou,
            &[("advocacy_document", "mou.pdf", b"<script>alert(1)</script>")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#f-advocacy_document\""));
    assert!(r.text().contains("value=\"Puskesmas Plaosan\""));
    let r = m
        .multipart("/advocacy", &mou, &[("advocacy_document", "mou.pdf", pdf)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let id = r
        .location()
        .unwrap()
        .trim_start_matches("/advocacy/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let html = m.get(&format!("/advocacy/{id}")).await.text();
    assert!(html.contains("Puskesmas Plaosan") && html.contains("mou.pdf"));
    let j = m.get(&format!("/api/v1/advocacy/{id}")).await.json();
    let doc = j["document"]["upload_id"].as_str().unwrap().to_string();
    let file = m.get(&format!("/uploads/{doc}")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.headers["content-type"], "application/pdf");
    // APBDes by year through the API; one per year.
    for (year, amount) in [("2024", "Rp 10.000.000"), ("2025", "15.000.000")] {
        let r = m
            .post_json(
                "/api/v1/advocacy",
                json!({"advocacy_kind": "apbdes", "budget_year": year, "amount": amount}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    let r = m
        .post_json(
            "/api/v1/advocacy",
            json!({"advocacy_kind": "apbdes", "budget_year": 2025, "amount": 5}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["code"], "duplicate");
    let r = m
        .post_json("/api/v1/advocacy", json!({"advocacy_kind": "dukungan_posyandu", "title": "Kader Posyandu membacakan buku"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    // Officers see the region's sums; other regions and libraries see nothing.
    let d = app.login("dinas.magetan").await;
    let j = d.get("/api/v1/advocacy").await.json();
    assert_eq!(j["total"], 4);
    assert_eq!(
        j["summary"]["apbdes"][0],
        json!({"budget_year": 2025, "libraries": 1, "amount": 15_000_000})
    );
    let html = d.get("/advocacy").await.text();
    assert!(html.contains("15.000.000") && html.contains("Dukungan Posyandu"));
    let s = app.login("pengelola.sanggau").await;
    assert_eq!(s.get("/api/v1/advocacy").await.json()["total"], 0);
    assert_eq!(
        s.get(&format!("/advocacy/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.get(&format!("/uploads/{doc}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.login("fasilitator")
            .await
            .get(&format!("/advocacy/{id}"))
            .await
            .status,
        StatusCode::OK
    );
    // Officers read, they do not write.
    assert_eq!(
        d.get(&format!("/advocacy/{id}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(d.get("/advocacy/new").await.status, StatusCode::FORBIDDEN);
    // Editing replaces the document; the old file is gone.
    let edit = m.get(&format!("/advocacy/{id}/edit")).await.text();
    let i =
        edit.find("name=\"updated_at\" value=\"").unwrap() + "name=\"updated_at\" value=\"".len();
    let version = edit[i..i + edit[i..].find('"').unwrap()].to_string();
    let mut fields = mou.to_vec();
    fields.push(("updated_at", &version));
    fields[1] = ("title", "Kerja sama pojok baca di Puskesmas Plaosan");
    let r = m
        .multipart(
            &format!("/advocacy/{id}"),
            &fields,
            &[("advocacy_document", "mou-baru.jpg", PHOTO)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        m.get(&format!("/uploads/{doc}")).await.status,
        StatusCode::NOT_FOUND
    );
    let j = m.get(&format!("/api/v1/advocacy/{id}")).await.json();
    assert_eq!(j["title"], "Kerja sama pojok baca di Puskesmas Plaosan");
    assert_eq!(j["document"]["kind"], "jpeg");
    // The manager deletes; staff may not.
    let staff = app.login("staf.magetan").await;
    assert_eq!(
        staff
            .post_form(&format!("/advocacy/{id}/delete"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        m.post_form(&format!("/advocacy/{id}/delete"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        m.get(&format!("/advocacy/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
});
