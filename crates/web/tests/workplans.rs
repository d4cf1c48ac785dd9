//! Work plans through the real router on both backends: a manager writes a
//! plan in the browser form (rows added without JavaScript, typing kept on
//! errors) and submits it; the facilitator asks for a revision with a
//! comment on one activity; the manager sees it, revises and resubmits; the
//! district officer approves; progress is reported. Then reach and roles on
//! the API (a facilitator not assigned to the library gets 404), optimistic
//! concurrency (409), copying last year's plan, late plans, exports and the
//! home page's to-do list.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use lentera_core::audit::ActorRef;
use lentera_core::ids::LibraryId;
use lentera_core::regions::RegionCode;
use lentera_core::users::Role;
use lentera_core::workplans::{ActivityForm, NewPlan, PlanKind, WorkplanDraft, WorkplanForm};
use lentera_store::workplans::{self as store, PlanAt, Who};
use serde_json::json;

fn plan_id_from(location: &str) -> String {
    location
        .trim_start_matches("/workplans/")
        .split(['/', '?'])
        .next()
        .unwrap()
        .to_string()
}

/// A complete plan stored directly (for libraries nobody in the fixture
/// manages), as the system.
fn stored_plan(app: &TestApp, lib: LibraryId, village: &str, kind: PlanKind, year: i32) -> String {
    let mut c = app.state.db.conn().unwrap();
    let draft = WorkplanDraft::parse(
        &WorkplanForm {
            potential_people: "Karang Taruna".into(),
            goals: "Perpustakaan ramai".into(),
            activities: vec![ActivityForm {
                name: "Lomba bercerita".into(),
                target_group: "Anak-anak".into(),
                starts_on: format!("{year}-08-17"),
                ends_on: format!("{year}-08-17"),
                targets: "40 anak".into(),
                ..Default::default()
            }],
            ..Default::default()
        },
        kind,
        year,
    )
    .unwrap();
    let v = RegionCode::parse(village).unwrap();
    store::create(
        &mut c,
        &Who {
            by: ActorRef::system("test"),
            name: "Sistem".into(),
            role: Role::Manager,
        },
        &PlanAt {
            library: lib,
            village: &v,
        },
        &NewPlan {
            kind,
            year,
            copy_last_year: false,
        },
        Some(&draft),
        lentera_store::now(),
    )
    .unwrap()
    .id
}

fn activity_json(name: &str) -> serde_json::Value {
    json!({
        "name": name, "target_group": "Petani jeruk pamelo", "starts_on": "2026-09-01",
        "ends_on": "2026-09-30", "place": "Balai desa", "budget": 2500000,
        "budget_source": "apbdes", "targets": "25 peserta"
    })
}

fn full_body(kind: &str, year: i32) -> serde_json::Value {
    json!({
        "plan_kind": kind, "plan_year": year,
        "potential_people": "PKK, Karang Taruna", "potential_economy": "Jeruk pamelo, anyaman bambu",
        "goals": "Warga memakai perpustakaan untuk usahanya",
        "activities": [activity_json("Pelatihan olahan pamelo"), activity_json("Kelas anyaman bambu")],
    })
}

app_test!(write_submit_revise_approve_in_the_browser, |app| {
    let mgr = app.login("pengelola.magetan").await;
    // The library's own view, and the new-plan form.
    let r = mgr.get("/workplans").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("Rencana kerja perpustakaan Anda"));
    let r = mgr
        .get("/workplans/new?plan_kind=pelibatan_masyarakat&plan_year=2026")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text()
            .contains(r#"value="pelibatan_masyarakat" selected"#)
    );
    // A bad new-plan form comes back with its errors and the typing.
    let r = mgr
        .post_form(
            "/workplans",
            &[("plan_kind", "lainnya"), ("plan_year", "1999")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains(r##"href="#f-plan_kind""##));
    assert!(r.text().contains(r#"value="1999""#));
    let r = mgr
        .post_form(
            "/workplans",
            &[("plan_kind", "pelibatan_masyarakat"), ("plan_year", "2026")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let loc = r.location().unwrap();
    assert!(loc.ends_with("/edit?created=1"), "{loc}");
    let id = plan_id_from(&loc);

    // The edit form: one spare row; "add" brings another without saving.
    let r = mgr.get(&loc).await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.text();
    assert!(page.contains(r#"name="act1_name""#) && !page.contains(r#"name="act2_name""#));
    let typed = [
        ("version", "1"),
        ("potential_people", "Kelompok tani jeruk pamelo"),
        ("act1_id", ""),
        ("act1_name", "Pelatihan olahan pamelo"),
        ("op", "add"),
    ];
    let r = mgr
        .post_form(&format!("/workplans/{id}/edit"), &typed)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.text();
    assert!(page.contains(r#"name="act2_name""#));
    assert!(page.contains("Kelompok tani jeruk pamelo"), "typing kept");
    // A row with a budget but no name and a bad date: every problem named,
    // linked, and what was typed shown again.
    let bad = [
        ("version", "1"),
        ("goals", "Meningkatkan pendapatan petani"),
        ("act1_name", "Pelatihan olahan pamelo"),
        ("act2_name", ""),
        ("act2_budget", "Rp 750.000"),
        ("act2_starts_on", "31-02-2026"),
        ("op", "save"),
    ];
    let r = mgr.post_form(&format!("/workplans/{id}/edit"), &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text();
    for link in ["#f-act2_name", "#f-act2_starts_on", "#f-act2_budget_source"] {
        assert!(page.contains(&format!(r#"href="{link}""#)), "{link}");
    }
    assert!(page.contains("Kegiatan 2: nama kegiatan wajib diisi."));
    assert!(page.contains(r#"value="Rp 750.000""#));
    // Removing row 2 re-renders without it.
    let mut removing = bad.to_vec();
    removing.retain(|(k, _)| *k != "op");
    removing.push(("op", "remove-2"));
    let r = mgr
        .post_form(&format!("/workplans/{id}/edit"), &removing)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.text().contains(r#"name="act2_name""#));
    // "Save and submit" with an incomplete plan: 422, nothing lost.
    let incomplete = [
        ("version", "1"),
        ("potential_people", "Kelompok tani jeruk pamelo"),
        ("goals", "Meningkatkan pendapatan petani"),
        ("act1_name", "Pelatihan olahan pamelo"),
        ("op", "submit"),
    ];
    let r = mgr
        .post_form(&format!("/workplans/{id}/edit"), &incomplete)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains(r##"href="#f-act1_target_group""##));
    // Save a complete draft.
    let good = [
        ("version", "1"),
        ("potential_people", "Kelompok tani jeruk pamelo, PKK"),
        ("potential_economy", "Jeruk pamelo, anyaman bambu"),
        ("goals", "Meningkatkan pendapatan petani"),
        ("act1_name", "Pelatihan olahan pamelo"),
        ("act1_target_group", "Ibu-ibu PKK"),
        ("act1_starts_on", "2026-09-01"),
        ("act1_ends_on", "2026-09-30"),
        ("act1_budget", "1.500.000"),
        ("act1_budget_source", "apbdes"),
        ("act1_targets", "25 peserta"),
        ("act2_name", "Kelas anyaman bambu"),
        ("act2_target_group", "Karang Taruna"),
        ("act2_starts_on", "01-10-2026"),
        ("act2_ends_on", "2026-10-15"),
        ("act2_targets", "15 pemuda"),
        ("act3_name", ""),
        ("op", "save"),
    ];
    let r = mgr.post_form(&format!("/workplans/{id}/edit"), &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.location().unwrap(), format!("/workplans/{id}?saved=1"));
    let r = mgr.get(&format!("/workplans/{id}?saved=1")).await;
    assert!(r.text().contains("Rencana kerja disimpan."));
    assert!(r.text().contains("Rp 1.500.000"));
    // Submit from the plan page.
    let r = mgr
        .post_form(&format!("/workplans/{id}/submit"), &[("version", "2")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // Submitted: the edit page sends back to the plan.
    let r = mgr.get(&format!("/workplans/{id}/edit")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // The facilitator sees it first, waiting for review, and on the home page.
    let fac = app.login("fasilitator").await;
    let r = fac.get("/workplans").await;
    assert!(r.text().contains("Menunggu tinjauan Anda (1)"));
    let r = fac.get("/").await;
    assert!(
        r.text()
            .contains("Tinjau rencana kerja Pelibatan Masyarakat 2026")
    );
    let r = fac.get(&format!("/workplans/{id}")).await;
    assert!(r.text().contains(r#"form="wp-review""#));
    // A revision request with no comment at all is refused, typing kept.
    let r = fac
        .post_form(
            &format!("/workplans/{id}/review"),
            &[("version", "3"), ("decision", "request_revision")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains(r##"href="#f-review_comment""##));
    let r = fac
        .post_form(
            &format!("/workplans/{id}/review"),
            &[
                ("version", "3"),
                ("decision", "request_revision"),
                ("act2_comment", "Jadwal bentrok dengan panen raya."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());

    // The manager sees the request on the plan, the edit form and at home.
    let r = mgr.get(&format!("/workplans/{id}")).await;
    let page = r.text();
    assert!(page.contains("Revisi diminta"));
    assert!(page.contains("Jadwal bentrok dengan panen raya."));
    assert!(page.contains("Kegiatan 2 — Kelas anyaman bambu"));
    let r = mgr.get("/").await;
    assert!(
        r.text()
            .contains("Revisi diminta: rencana kerja Pelibatan Masyarakat 2026")
    );
    let r = mgr.get(&format!("/workplans/{id}/edit")).await;
    let page = r.text();
    assert!(page.contains("Jadwal bentrok dengan panen raya."));
    // Revise activity 2's dates (its id kept) and resubmit in one go.
    let plan = mgr.get(&format!("/api/v1/workplans/{id}")).await.json();
    let a1 = plan["activities"][0]["id"].as_str().unwrap().to_string();
    let a2 = plan["activities"][1]["id"].as_str().unwrap().to_string();
    let version = plan["version"].to_string();
    let mut revised: Vec<(&str, &str)> = good.to_vec();
    revised.retain(|(k, _)| !["version", "op", "act2_starts_on", "act2_ends_on"].contains(k));
    revised.extend([
        ("version", version.as_str()),
        ("act1_id", a1.as_str()),
        ("act2_id", a2.as_str()),
        ("act2_starts_on", "2026-11-02"),
        ("act2_ends_on", "2026-11-16"),
        ("op", "submit"),
    ]);
    let r = mgr
        .post_form(&format!("/workplans/{id}/edit"), &revised)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        r.location().unwrap(),
        format!("/workplans/{id}?submitted=1")
    );
    let plan = mgr.get(&format!("/api/v1/workplans/{id}")).await.json();
    assert_eq!(plan["status"], "submitted");
    assert_eq!(plan["activities"][1]["id"], a2.as_str());
    assert_eq!(plan["activities"][1]["starts_on"], "2026-11-02");

    // A province officer reads but may not approve; the district officer may.
    let prov = app.login("dinas.jatim").await;
    let v = plan["version"].to_string();
    let r = prov
        .post_form(
            &format!("/workplans/{id}/review"),
            &[("version", &v), ("decision", "approve")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let dist = app.login("dinas.magetan").await;
    let r = dist
        .post_form(
            &format!("/workplans/{id}/review"),
            &[
                ("version", &v),
                ("decision", "approve"),
                ("review_comment", "Bagus."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = mgr.get(&format!("/workplans/{id}")).await;
    let page = r.text();
    assert!(page.contains("Disetujui"));
    assert!(page.contains("oleh Uji dinas.magetan"));

    // Progress, by the library's staff, on the plan page.
    let staf = app.login("staf.magetan").await;
    let r = staf
        .post_form(
            &format!("/workplans/{id}/activities/{a1}/progress"),
            &[("activity_progress", "under_way"), ("progress_note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // Not a step back to planned: 422 on the page.
    let r = staf
        .post_form(
            &format!("/workplans/{id}/activities/{a1}/progress"),
            &[("activity_progress", "planned")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = staf
        .post_form(
            &format!("/workplans/{id}/activities/{a1}/progress"),
            &[
                ("activity_progress", "done"),
                ("progress_note", "27 peserta"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The facilitator cannot report progress.
    let r = fac
        .post_form(
            &format!("/workplans/{id}/activities/{a1}/progress"),
            &[("activity_progress", "cancelled")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let plan = mgr.get(&format!("/api/v1/workplans/{id}")).await.json();
    assert_eq!(plan["activities"][0]["progress"], "done");
    let steps: Vec<&str> = plan["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "created",
            "submitted",
            "revision_requested",
            "comment",
            "resubmitted",
            "approved",
            "progress",
            "progress"
        ]
    );
    // The manager was notified of the request and the approval.
    let r = mgr.get("/notifications").await;
    assert!(r.text().contains("perlu direvisi"));
    assert!(r.text().contains("disetujui"));
});

app_test!(reach_and_roles_on_the_api, |app| {
    let mgr = app.login("pengelola.magetan").await;
    let r = mgr
        .post_json("/api/v1/workplans", full_body("advokasi", 2026))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(r.location().unwrap(), format!("/api/v1/workplans/{id}"));
    assert_eq!(r.json()["may"]["edit"], true);
    // Officers and facilitators do not write plans.
    for who in ["dinas.magetan", "fasilitator", "admin"] {
        let c = app.login(who).await;
        let r = c
            .post_json("/api/v1/workplans", full_body("advokasi", 2025))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    // Another library: outside a manager's reach, 404; in an officer's
    // reach but not theirs to write, 403.
    for lib in [app.magetan2, app.sanggau] {
        let r = mgr
            .post_json(
                "/api/v1/workplans",
                json!({"library": lib.to_string(), "plan_kind": "advokasi", "plan_year": 2026}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    let r = app
        .login("dinas.magetan")
        .await
        .post_json(
            "/api/v1/workplans",
            json!({"library": app.magetan.to_string(), "plan_kind": "advokasi", "plan_year": 2025}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = mgr
        .post_json(
            "/api/v1/workplans",
            json!({"plan_kind": "advokasi", "plan_year": 2026}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "plan_kind");
    assert_eq!(r.json()["error"]["fields"][0]["code"], "duplicate");

    // Submit with a token (a script), as the staff.
    let staf = app.token("staf.magetan").await;
    let r = staf
        .post_json(
            &format!("/api/v1/workplans/{id}/submit"),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["status"], "submitted");

    // Reading: the matrix of reach.
    let want = [
        ("admin", 200),
        ("dinas.jatim", 200),
        ("dinas.magetan", 200),
        ("dinas.sanggau", 404),
        ("fasilitator", 200),
        ("pengelola.magetan", 200),
        ("staf.magetan", 200),
        ("pengelola.sanggau", 404),
    ];
    for (who, status) in want {
        let c = app.login(who).await;
        let r = c.get(&format!("/api/v1/workplans/{id}")).await;
        assert_eq!(r.status.as_u16(), status, "GET as {who}");
        let r = c.get(&format!("/workplans/{id}")).await;
        assert_eq!(r.status.as_u16(), status, "page as {who}");
    }
    // Reviewing: only the assigned facilitator and the district officer.
    let decide = json!({"version": 2, "decision": "approve"});
    for (who, status) in [
        ("admin", 403),
        ("dinas.jatim", 403),
        ("dinas.sanggau", 404),
        ("pengelola.magetan", 403),
        ("staf.magetan", 403),
        ("pengelola.sanggau", 404),
    ] {
        let c = app.login(who).await;
        let r = c
            .post_json(&format!("/api/v1/workplans/{id}/review"), decide.clone())
            .await;
        assert_eq!(r.status.as_u16(), status, "review as {who}: {}", r.text());
    }
    // A plan of a Magetan library the facilitator is not assigned to: the
    // facilitator can neither read nor approve it (404); the district
    // officer can.
    let other = stored_plan(app, app.magetan2, "3520012002", PlanKind::Advokasi, 2026);
    let mut c = app.state.db.conn().unwrap();
    store::submit(
        &mut c,
        &Who {
            by: ActorRef::system("test"),
            name: "Sistem".into(),
            role: Role::Manager,
        },
        &other,
        1,
        lentera_store::now(),
    )
    .unwrap();
    drop(c);
    let fac = app.login("fasilitator").await;
    let r = fac.get(&format!("/api/v1/workplans/{other}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = fac
        .post_json(
            &format!("/api/v1/workplans/{other}/review"),
            json!({"version": 2, "decision": "approve"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = fac
        .post_form(
            &format!("/workplans/{other}/review"),
            &[("version", "2"), ("decision", "approve")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = fac.get("/api/v1/workplans").await;
    assert_eq!(r.json()["total"], 1, "only the assigned library's plan");
    let dist = app.login("dinas.magetan").await;
    let r = dist
        .post_json(
            &format!("/api/v1/workplans/{other}/review"),
            json!({"version": 2, "decision": "approve", "comment": "Setuju."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["approved_by"], "dinas.magetan");
    // The assigned facilitator approves the Magetan plan.
    let r = fac
        .post_json(&format!("/api/v1/workplans/{id}/review"), decide.clone())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["status"], "approved");
    assert_eq!(r.json()["approved_by"], "fasilitator");
    // Editing an approved plan: 422 on the status; by a facilitator: 403.
    let r = mgr
        .put_json(
            &format!("/api/v1/workplans/{id}"),
            json!({"version": 3, "goals": "Baru"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "plan_status");
    let r = fac
        .put_json(
            &format!("/api/v1/workplans/{id}"),
            json!({"version": 3, "goals": "Baru"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Progress through the API.
    let plan = mgr.get(&format!("/api/v1/workplans/{id}")).await.json();
    let a = plan["activities"][0]["id"].as_str().unwrap().to_string();
    let r = mgr
        .post_json(
            &format!("/api/v1/workplans/{id}/activities/{a}/progress"),
            json!({"progress": "under_way", "note": "Pendaftaran peserta dibuka"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["activities"][0]["progress"], "under_way");
    let r = mgr
        .post_json(
            &format!("/api/v1/workplans/{id}/activities/nope/progress"),
            json!({"progress": "done"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = mgr
        .post_json(
            &format!("/api/v1/workplans/{id}/activities/{a}/progress"),
            json!({"progress": "selesai"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "activity_progress");
});

app_test!(optimistic_concurrency_and_validation, |app| {
    let mgr = app.login("pengelola.magetan").await;
    let staf = app.login("staf.magetan").await;
    let r = mgr
        .post_json("/api/v1/workplans", full_body("layanan_informasi", 2026))
        .await;
    let plan = r.json();
    let id = plan["id"].as_str().unwrap().to_string();
    // The manager reads, the staff saves first: the manager's save is stale.
    let mut body = plan.clone();
    body["goals"] = json!("Staf menyimpan lebih dulu");
    let r = staf
        .put_json(&format!("/api/v1/workplans/{id}"), body)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["version"], 2);
    let mut body = plan.clone();
    body["goals"] = json!("Pengelola menyimpan kemudian");
    let r = mgr
        .put_json(&format!("/api/v1/workplans/{id}"), body.clone())
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error"]["code"], "conflict");
    // Without a version: 422.
    body.as_object_mut().unwrap().remove("version");
    let r = mgr.put_json(&format!("/api/v1/workplans/{id}"), body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "version");
    // The page's form with a stale version: 409, the typing kept.
    let r = mgr
        .post_form(
            &format!("/workplans/{id}/edit"),
            &[("version", "1"), ("goals", "Dari formulir"), ("op", "save")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("Dari formulir"));
    assert!(r.text().contains(r#"name="version" value="2""#));
    // Bad rows through the API: each named by its row.
    let r = mgr
        .put_json(
            &format!("/api/v1/workplans/{id}"),
            json!({"version": 2, "activities": [
                {"name": "", "budget": 1000},
                {"name": "Baik", "starts_on": "2026-05-02", "ends_on": "2026-05-01", "budget": "dua juta"}
            ]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let j = r.json();
    let fields: Vec<&str> = j["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    let msgs: Vec<&str> = j["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "act1_name",
            "act1_budget_source",
            "act2_ends_on",
            "act2_budget"
        ]
    );
    assert_eq!(msgs[0], "Kegiatan 1: nama kegiatan wajib diisi.");
    // Review of a draft: not its status.
    let dist = app.login("dinas.magetan").await;
    let r = dist
        .post_json(
            &format!("/api/v1/workplans/{id}/review"),
            json!({"version": 2, "decision": "approve"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Submit, then a stale review is a conflict.
    mgr.post_json(
        &format!("/api/v1/workplans/{id}/submit"),
        json!({"version": 2}),
    )
    .await;
    let r = dist
        .post_json(
            &format!("/api/v1/workplans/{id}/review"),
            json!({"version": 2, "decision": "approve"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // A comment on an activity that is not in the plan.
    let r = dist
        .post_json(
            &format!("/api/v1/workplans/{id}/review"),
            json!({"version": 3, "decision": "request_revision",
                   "activity_comments": [{"activity_id": "nope", "comment": "?"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let a = r.json();
    assert_eq!(a["error"]["fields"][0]["field"], "activity_comments");
    // CSRF: a form post without the token is refused.
    let mut no_csrf = app.login("pengelola.magetan").await;
    no_csrf.csrf = None;
    let r = no_csrf
        .post_form(&format!("/workplans/{id}/submit"), &[("version", "3")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
});

app_test!(copy_from_last_year_late_plans_and_exports, |app| {
    let mgr = app.login("pengelola.magetan").await;
    let mut body = full_body("pelibatan_masyarakat", 2025);
    body["activities"] = json!([{
        "name": "Pelatihan olahan pamelo", "target_group": "PKK", "starts_on": "2025-09-01",
        "ends_on": "2025-09-30", "targets": "25 peserta"
    }]);
    let r = mgr.post_json("/api/v1/workplans", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let old = r.json();
    // Nothing to copy for advokasi: the page says so on the checkbox.
    let r = mgr
        .post_form(
            "/workplans",
            &[
                ("plan_kind", "advokasi"),
                ("plan_year", "2026"),
                ("copy_last_year", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains(r##"href="#f-copy_last_year""##));
    let r = mgr
        .post_form(
            "/workplans",
            &[
                ("plan_kind", "pelibatan_masyarakat"),
                ("plan_year", "2026"),
                ("copy_last_year", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let id = plan_id_from(&r.location().unwrap());
    let copy = mgr.get(&format!("/api/v1/workplans/{id}")).await.json();
    assert_eq!(copy["copied_from"], old["id"]);
    assert_eq!(copy["title"], "Rencana Kerja Pelibatan Masyarakat 2026");
    assert_eq!(copy["activities"][0]["starts_on"], "2026-09-01");
    assert_eq!(copy["activities"][0]["progress"], "planned");
    assert_eq!(copy["history"][0]["action"], "copied");
    let r = mgr.get(&format!("/workplans/{id}")).await;
    assert!(r.text().contains("rencana kerja tahun sebelumnya"));

    // 2025 and 2026 are past the default due day (30 June), not submitted:
    // both late. The Sanggau plan, another reach, is not counted here.
    stored_plan(app, app.sanggau, "6103042001", PlanKind::Advokasi, 2026);
    let dist = app.login("dinas.magetan").await;
    let r = dist.get("/api/v1/workplans?late=ya").await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    let late_total = j["total"].as_i64().unwrap();
    let today = chrono::Utc::now().date_naive();
    let due_2026 = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    assert_eq!(late_total, if today > due_2026 { 2 } else { 1 });
    assert_eq!(j["counts"]["by_status"]["draft"], 2);
    assert_eq!(j["counts"]["total"], 2);
    let r = dist.get("/api/v1/workplans?plan_year=2026").await;
    assert_eq!(r.json()["total"], 1);
    let r = dist.get("/api/v1/workplans?plan_status=nope").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The list page: counts, filters, the export links.
    let r = dist.get("/workplans?plan_year=2026").await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.text();
    assert!(page.contains("Ringkasan status"));
    assert!(page.contains("/workplans/export?format=csv&amp;plan_year=2026"));
    // Exports carry the same filters and the reach.
    let admin = app.login("admin").await;
    for (who, url, rows) in [
        (&dist, "/workplans/export?format=csv", 2),
        (
            &dist,
            "/api/v1/workplans/export?format=xlsx&plan_year=2025",
            1,
        ),
        (&admin, "/workplans/export?format=xlsx", 3),
    ] {
        let r = who.get(url).await;
        assert_eq!(r.status, StatusCode::OK, "{url}");
        let layout = lentera_tabular::Layout::new()
            .required("plan_kind", &["plan_kind"])
            .optional("late", &["late"]);
        let n =
            lentera_tabular::TableReader::from_bytes(r.body.clone(), &layout, &Default::default())
                .unwrap()
                .filter(Result::is_ok)
                .count();
        assert_eq!(n, rows, "{url}");
    }
    let r = admin.get("/workplans/export?format=pdf").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The national administrator sets the default due day.
    let r = dist
        .post_form("/workplans/settings", &[("default_due", "03-31")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = admin
        .post_form("/workplans/settings", &[("default_due", "13-45")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin
        .post_form("/workplans/settings", &[("default_due", "03-31")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = mgr
        .post_json(
            "/api/v1/workplans",
            json!({"plan_kind": "advokasi", "plan_year": 2026}),
        )
        .await;
    assert_eq!(r.json()["due_date"], "2026-03-31");
    // The manager's to-do list lists the drafts with their due dates.
    let r = mgr.get("/").await;
    assert!(
        r.text()
            .contains("Lengkapi dan ajukan: rencana kerja Advokasi 2026")
    );
});
