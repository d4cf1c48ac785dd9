//! Work plans on both backends: the whole review cycle (draft → submitted →
//! revision requested with a comment on one activity → edited → resubmitted
//! → approved → activity progress, with linked reports), due dates from the
//! Bimtek and the late flag, copying last year's plan, reach filters and
//! counts, and optimistic concurrency.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use lentera_core::audit::ActorRef;
use lentera_core::field::Problem;
use lentera_core::ids::LibraryId;
use lentera_core::libraries::{LibraryDraft, LibraryForm};
use lentera_core::regions::RegionCode;
use lentera_core::users::{Reach, Role, UserDraft, UserForm};
use lentera_core::workplans::{
    ActivityForm, DefaultDue, NewPlan, PlanKind, PlanStatus, Progress, ReviewAction, ReviewDraft,
    ReviewForm, WorkplanDraft, WorkplanForm,
};
use lentera_store::audit::AuditQuery;
use lentera_store::schema::{activity_reports, event_participants, events, notifications};
use lentera_store::workplans::{self as wp, PlanAt, PlanQuery, Who};
use lentera_store::{Db, DbConn, StoreError, both_backends, libraries, regions, users};

fn sys() -> ActorRef {
    ActorRef::system("test")
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn t(y: i32, m: u32, day: u32) -> NaiveDateTime {
    d(y, m, day).and_hms_opt(3, 0, 0).unwrap()
}

fn rc(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

fn library(c: &mut DbConn, name: &str, village: &str) -> LibraryId {
    let tree = regions::tree(c).unwrap();
    let f = LibraryForm {
        kind: "desa".into(),
        name: name.into(),
        village_code: village.into(),
        participation: "full_support".into(),
        cohort_year: "2024".into(),
        ..Default::default()
    };
    libraries::create(c, &sys(), &LibraryDraft::parse(&f, &tree, 2026).unwrap())
        .unwrap()
        .id
}

fn user(c: &mut DbConn, name: &str, role: &str, region: &str, lib: Option<LibraryId>) -> String {
    let f = UserForm {
        username: name.into(),
        full_name: format!("Uji {name}"),
        role: role.into(),
        region_code: region.into(),
        library_id: lib.map(|l| l.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    users::create(c, &sys(), &UserDraft::parse(&f).unwrap(), "x", false)
        .unwrap()
        .id
        .to_string()
}

fn who(name: &str, role: Role) -> Who {
    Who {
        by: ActorRef {
            id: None,
            username: name.into(),
        },
        name: format!("Uji {name}"),
        role,
    }
}

fn new(kind: PlanKind, year: i32) -> NewPlan {
    NewPlan {
        kind,
        year,
        copy_last_year: false,
    }
}

fn activity(name: &str) -> ActivityForm {
    ActivityForm {
        name: name.into(),
        target_group: "Petani jeruk pamelo".into(),
        starts_on: "2024-09-01".into(),
        ends_on: "2024-09-30".into(),
        place: "Balai desa".into(),
        partners: "Gapoktan".into(),
        budget: "2.500.000".into(),
        budget_source: "apbdes".into(),
        targets: "25 peserta".into(),
        ..Default::default()
    }
}

fn content(kind: PlanKind, year: i32, rows: Vec<ActivityForm>) -> WorkplanDraft {
    WorkplanDraft::parse(
        &WorkplanForm {
            potential_people: "PKK, Karang Taruna".into(),
            potential_economy: "Petani jeruk pamelo, anyaman bambu".into(),
            goals: "Warga memakai perpustakaan untuk usaha".into(),
            activities: rows,
            ..Default::default()
        },
        kind,
        year,
    )
    .unwrap()
}

/// An event the library sent a team to.
fn bimtek(c: &mut DbConn, lib: LibraryId, village: &str, ends: NaiveDate, due_days: i32) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let now = lentera_store::now();
    diesel::insert_into(events::table)
        .values((
            events::id.eq(&id),
            events::year.eq(Some(2024)),
            events::kind.eq("bimtek"),
            events::title.eq("Bimtek SPP-TIK Jawa Timur"),
            events::region_code.eq("35"),
            events::starts_on.eq(ends - chrono::Duration::days(4)),
            events::ends_on.eq(ends),
            events::mode.eq("blended"),
            events::workplan_due_days.eq(due_days),
            events::created_at.eq(now),
            events::updated_at.eq(now),
        ))
        .execute(c)
        .unwrap();
    diesel::insert_into(event_participants::table)
        .values((
            event_participants::id.eq(uuid::Uuid::now_v7().to_string()),
            event_participants::event_id.eq(&id),
            event_participants::library_id.eq(Some(lib.to_string())),
            event_participants::region_code.eq(village),
            event_participants::full_name.eq("Sri Lestari"),
            event_participants::name_key.eq("sri lestari"),
            event_participants::team_role.eq("manager"),
            event_participants::gender.eq("P"),
            event_participants::attend_mode.eq("online"),
            event_participants::status.eq("registered"),
            event_participants::created_at.eq(now),
            event_participants::updated_at.eq(now),
        ))
        .execute(c)
        .unwrap();
    id
}

fn report(c: &mut DbConn, lib: LibraryId, village: &str, activity: &str, title: &str) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let now = lentera_store::now();
    diesel::insert_into(activity_reports::table)
        .values((
            activity_reports::id.eq(&id),
            activity_reports::library_id.eq(lib.to_string()),
            activity_reports::region_code.eq(village),
            activity_reports::held_on.eq(d(2024, 9, 14)),
            activity_reports::strategy.eq("pelibatan_masyarakat"),
            activity_reports::kind.eq("skills_training"),
            activity_reports::title.eq(title),
            activity_reports::workplan_activity_id.eq(Some(activity)),
            activity_reports::participants.eq(27),
            activity_reports::created_at.eq(now),
            activity_reports::updated_at.eq(now),
        ))
        .execute(c)
        .unwrap();
    id
}

fn notes_of(c: &mut DbConn, user: &str) -> Vec<(String, String)> {
    notifications::table
        .filter(notifications::user_id.eq(user))
        .order(notifications::created_at)
        .select((notifications::title_id, notifications::link))
        .load(c)
        .unwrap()
}

both_backends!(plan_review_revision_approval_progress, |db: &Db| {
    let mut c = db.conn().unwrap();
    let v = "3520012001";
    let lib = library(&mut c, "Perpustakaan Desa Sumber Ilmu", v);
    let manager = user(&mut c, "pengelola", "manager", "", Some(lib));
    let fac = user(&mut c, "fasilitator", "facilitator", "3520", None);
    users::set_assignments(&mut c, &sys(), fac.parse().unwrap(), &[lib]).unwrap();
    let district = user(&mut c, "dinas.magetan", "district", "3520", None);
    let other_district = user(&mut c, "dinas.sanggau", "district", "6103", None);
    let village = rc(v);
    let at = PlanAt {
        library: lib,
        village: &village,
    };
    let mgr = who("pengelola", Role::Manager);
    let kind = PlanKind::PelibatanMasyarakat;

    // Draft, then content.
    let p = wp::create(&mut c, &mgr, &at, &new(kind, 2024), None, t(2024, 8, 1)).unwrap();
    assert_eq!(p.status, PlanStatus::Draft);
    assert_eq!(p.title, "Rencana Kerja Pelibatan Masyarakat 2024");
    assert_eq!(p.version, 1);
    assert_eq!(p.due_date, Some(d(2024, 6, 30)), "the default due day");
    // An incomplete draft cannot be submitted: every gap is named.
    let e = wp::submit(&mut c, &mgr, &p.id, 1, t(2024, 8, 2)).unwrap_err();
    let StoreError::Invalid(e) = e else {
        panic!("{e:?}")
    };
    assert_eq!(e.0[0].field, "potential_people");
    assert!(e.for_field("activities").is_some());

    let draft = content(
        kind,
        2024,
        vec![
            activity("Pelatihan olahan pamelo"),
            activity("Kelas anyaman bambu"),
        ],
    );
    let p = wp::update(&mut c, &mgr, &p.id, &draft, 1, t(2024, 8, 2)).unwrap();
    assert_eq!(p.version, 2);
    assert_eq!(p.activities.len(), 2);
    assert_eq!(p.activities[1].details.budget, Some(2_500_000));
    let first_ids = p.activity_ids();

    // Submit: the facilitator and the district officer hear of it.
    let p = wp::submit(&mut c, &mgr, &p.id, 2, t(2024, 8, 3)).unwrap();
    assert_eq!(p.status, PlanStatus::Submitted);
    assert_eq!(p.submitted_at, Some(t(2024, 8, 3)));
    assert!(p.submitted_late, "after the default due day of 30 June");
    for u in [&fac, &district] {
        let n = notes_of(&mut c, u);
        assert_eq!(n.len(), 1, "{u}");
        assert!(n[0].0.contains("menunggu tinjauan"), "{:?}", n[0]);
        assert_eq!(n[0].1, format!("/workplans/{}", p.id));
    }
    assert!(notes_of(&mut c, &other_district).is_empty());
    // Not editable while under review.
    let e = wp::update(&mut c, &mgr, &p.id, &draft, 3, t(2024, 8, 4)).unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref i) if i.0[0].problem == Problem::WrongStatus));

    // The facilitator asks for a revision, with a comment on the 2nd activity.
    let facilitator = who("fasilitator", Role::Facilitator);
    let revise = ReviewDraft::parse(&ReviewForm {
        decision: "request_revision".into(),
        review_comment: "Tambahkan target peserta perempuan.".into(),
        activity_comments: vec![String::new(), "Jadwal bentrok dengan panen.".into()],
    })
    .unwrap();
    let p = wp::review(&mut c, &facilitator, &p.id, &revise, 3, t(2024, 8, 5)).unwrap();
    assert_eq!(p.status, PlanStatus::RevisionRequested);
    let n = notes_of(&mut c, &manager);
    assert_eq!(n.len(), 1);
    assert!(n[0].0.contains("perlu direvisi"), "{:?}", n[0]);
    let h = wp::history(&mut c, &p.id).unwrap();
    let comment = h
        .iter()
        .find(|r| r.action == ReviewAction::Comment)
        .unwrap();
    assert_eq!(comment.activity_id.as_deref(), Some(first_ids[1].as_str()));
    assert_eq!(
        comment.comment.as_deref(),
        Some("Jadwal bentrok dengan panen.")
    );
    assert_eq!(comment.actor_role, "facilitator");

    // A stale version is a conflict; the current one saves. Ids survive.
    let mut rows = vec![
        activity_form_of(&p, 0),
        activity_form_of(&p, 1),
        activity("Pameran produk desa"),
    ];
    rows[1].starts_on = "2024-10-05".into();
    rows[1].ends_on = "2024-10-20".into();
    let revised = content(kind, 2024, rows);
    assert!(matches!(
        wp::update(&mut c, &mgr, &p.id, &revised, 3, t(2024, 8, 6)),
        Err(StoreError::Conflict)
    ));
    let p = wp::update(&mut c, &mgr, &p.id, &revised, 4, t(2024, 8, 6)).unwrap();
    assert_eq!(p.activities.len(), 3);
    assert_eq!(p.activity_ids()[..2], first_ids[..]);
    assert_eq!(p.activities[1].details.starts_on, Some(d(2024, 10, 5)));

    // Resubmit; lateness is about the first submission and stays.
    let p = wp::submit(&mut c, &mgr, &p.id, 5, t(2024, 8, 7)).unwrap();
    assert_eq!(p.submitted_at, Some(t(2024, 8, 3)));
    assert!(notes_of(&mut c, &fac)[1].0.contains("sudah direvisi"));

    // The district officer approves; the plan records who.
    let approve = ReviewDraft::parse(&ReviewForm {
        decision: "approve".into(),
        review_comment: "Sudah baik.".into(),
        ..Default::default()
    })
    .unwrap();
    let dist = who("dinas.magetan", Role::District);
    assert!(matches!(
        wp::review(&mut c, &dist, &p.id, &approve, 5, t(2024, 8, 8)),
        Err(StoreError::Conflict)
    ));
    let p = wp::review(&mut c, &dist, &p.id, &approve, 6, t(2024, 8, 8)).unwrap();
    assert_eq!(p.status, PlanStatus::Approved);
    assert_eq!(p.approved_by.as_deref(), Some("dinas.magetan"));
    assert_eq!(p.approved_at, Some(t(2024, 8, 8)));
    assert!(notes_of(&mut c, &manager)[1].0.contains("disetujui"));
    // Approving twice is refused.
    assert!(matches!(
        wp::review(&mut c, &dist, &p.id, &approve, 7, t(2024, 8, 9)),
        Err(StoreError::Invalid(_))
    ));

    // Progress: planned → under way → done; a report proves it.
    let a0 = p.activities[0].id.clone();
    assert!(matches!(
        wp::set_progress(
            &mut c,
            &mgr,
            &p.id,
            &a0,
            Progress::Planned,
            None,
            t(2024, 9, 1)
        ),
        Err(StoreError::Invalid(_))
    ));
    wp::set_progress(
        &mut c,
        &mgr,
        &p.id,
        &a0,
        Progress::UnderWay,
        None,
        t(2024, 9, 1),
    )
    .unwrap();
    let p = wp::set_progress(
        &mut c,
        &mgr,
        &p.id,
        &a0,
        Progress::Done,
        Some("27 peserta hadir"),
        t(2024, 9, 30),
    )
    .unwrap();
    assert_eq!(p.activities[0].progress, Progress::Done);
    assert_eq!(p.version, 7, "progress is not an edit");
    assert!(matches!(
        wp::set_progress(
            &mut c,
            &mgr,
            &p.id,
            "nope",
            Progress::Done,
            None,
            t(2024, 9, 30)
        ),
        Err(StoreError::NotFound)
    ));
    let r = report(&mut c, lib, v, &a0, "Pelatihan olahan pamelo angkatan 1");
    let linked = wp::linked_reports(&mut c, &p.id).unwrap();
    assert_eq!(linked.len(), 1);
    assert_eq!(
        (linked[0].activity_id.as_str(), linked[0].report_id.as_str()),
        (a0.as_str(), r.as_str())
    );
    assert_eq!(linked[0].participants, 27);
    let actions: Vec<&str> = wp::history(&mut c, &p.id)
        .unwrap()
        .iter()
        .map(|r| r.action.key())
        .collect();
    assert_eq!(
        actions,
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
    // Every step is in the audit trail, for the library's reach.
    let trail = lentera_store::audit::list(
        &mut c,
        &Reach::Libraries(vec![lib]),
        &AuditQuery {
            entity_id: Some(p.id.clone()),
            per_page: 50,
            ..Default::default()
        },
    )
    .unwrap();
    let mut seen: Vec<String> = trail.items.iter().map(|e| e.action.clone()).collect();
    seen.reverse();
    assert_eq!(
        seen,
        [
            "workplan.create",
            "workplan.update",
            "workplan.submit",
            "workplan.request_revision",
            "workplan.update",
            "workplan.resubmit",
            "workplan.approve",
            "workplan.progress",
            "workplan.progress"
        ]
    );
});

fn activity_form_of(p: &wp::Workplan, i: usize) -> ActivityForm {
    p.activities[i].details.to_form(&p.activities[i].id)
}

both_backends!(due_date_from_the_bimtek_and_late_plans, |db: &Db| {
    let mut c = db.conn().unwrap();
    let v = "3520012001";
    let lib = library(&mut c, "Perpustakaan Desa Tepat Waktu", v);
    let late_lib = library(&mut c, "Perpustakaan Desa Terlambat", "3520012002");
    let village = rc(v);
    let village2 = rc("3520012002");
    let event = bimtek(&mut c, lib, v, d(2024, 7, 12), 30);
    bimtek(&mut c, late_lib, "3520012002", d(2024, 7, 12), 14);
    let mgr = who("pengelola", Role::Manager);
    assert_eq!(
        wp::due_for(&mut c, lib, 2024).unwrap(),
        (Some(event.clone()), d(2024, 8, 11))
    );
    // No event in 2025: the configured default day.
    assert_eq!(wp::due_for(&mut c, lib, 2025).unwrap().1, d(2025, 6, 30));
    wp::set_default_due(&mut c, &sys(), DefaultDue::parse("03-31").unwrap()).unwrap();
    assert_eq!(wp::due_for(&mut c, lib, 2025).unwrap().1, d(2025, 3, 31));

    let on_time = wp::create(
        &mut c,
        &mgr,
        &PlanAt {
            library: lib,
            village: &village,
        },
        &new(PlanKind::Advokasi, 2024),
        Some(&content(
            PlanKind::Advokasi,
            2024,
            vec![activity("Audiensi dengan kepala desa")],
        )),
        t(2024, 7, 20),
    )
    .unwrap();
    assert_eq!(on_time.event_id.as_deref(), Some(event.as_str()));
    assert_eq!(on_time.due_date, Some(d(2024, 8, 11)));
    let on_time = wp::submit(&mut c, &mgr, &on_time.id, 1, t(2024, 8, 11)).unwrap();
    assert!(!on_time.submitted_late);
    assert!(!on_time.is_late(d(2026, 1, 1)));

    let at2 = PlanAt {
        library: late_lib,
        village: &village2,
    };
    let late = wp::create(
        &mut c,
        &mgr,
        &at2,
        &new(PlanKind::Advokasi, 2024),
        Some(&content(
            PlanKind::Advokasi,
            2024,
            vec![activity("Audiensi")],
        )),
        t(2024, 7, 20),
    )
    .unwrap();
    assert_eq!(late.due_date, Some(d(2024, 7, 26)));
    let late = wp::submit(&mut c, &mgr, &late.id, 1, t(2024, 8, 1)).unwrap();
    assert!(late.submitted_late && late.is_late(d(2024, 8, 1)));
    // Overdue and never submitted.
    let overdue = wp::create(
        &mut c,
        &mgr,
        &at2,
        &new(PlanKind::LayananInformasi, 2024),
        None,
        t(2024, 7, 20),
    )
    .unwrap();
    assert!(!overdue.is_late(d(2024, 7, 26)));
    assert!(overdue.is_late(d(2024, 7, 27)));

    let mut q = PlanQuery::new(Reach::Everything, d(2024, 8, 15));
    q.late_only = true;
    let page = wp::list(&mut c, &q).unwrap();
    let mut ids: Vec<&str> = page.items.iter().map(|p| p.id.as_str()).collect();
    ids.sort();
    let mut want = vec![late.id.as_str(), overdue.id.as_str()];
    want.sort();
    assert_eq!(ids, want);
    assert!(page.items.iter().all(|p| p.late));
    let counts = wp::counts(&mut c, &PlanQuery::new(Reach::Everything, d(2024, 8, 15))).unwrap();
    assert_eq!(counts.total, 3);
    assert_eq!(counts.late, 2);
    assert_eq!(
        counts.by_status,
        vec![
            (PlanStatus::Draft, 1),
            (PlanStatus::Submitted, 2),
            (PlanStatus::RevisionRequested, 0),
            (PlanStatus::Approved, 0)
        ]
    );
    // Both attended a 2024 event (and are of the 2024 cohort).
    let expected = wp::expected_libraries(&mut c, &Reach::Region(rc("3520")), 2024).unwrap();
    assert_eq!(expected.len(), 2);
    assert!(
        wp::expected_libraries(&mut c, &Reach::Region(rc("6103")), 2024)
            .unwrap()
            .is_empty()
    );
    // What the expected libraries have not started yet.
    let missing = wp::missing(&mut c, &Reach::Region(rc("3520")), 2024).unwrap();
    let of = |l: LibraryId| {
        missing
            .iter()
            .find(|m| m.library_id == l)
            .map(|m| m.kinds.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        of(lib),
        [PlanKind::LayananInformasi, PlanKind::PelibatanMasyarakat]
    );
    assert_eq!(of(late_lib), [PlanKind::PelibatanMasyarakat]);
    assert_eq!(
        wp::expected_years(&mut c, lib, 2023).unwrap(),
        vec![(2024, d(2024, 8, 11))]
    );
});

both_backends!(copy_from_last_year_and_duplicates, |db: &Db| {
    let mut c = db.conn().unwrap();
    let v = "3520012001";
    let lib = library(&mut c, "Perpustakaan Desa Salin", v);
    let village = rc(v);
    let at = PlanAt {
        library: lib,
        village: &village,
    };
    let mgr = who("pengelola", Role::Manager);
    let kind = PlanKind::LayananInformasi;
    let old = wp::create(
        &mut c,
        &mgr,
        &at,
        &new(kind, 2024),
        Some(&content(
            kind,
            2024,
            vec![
                activity("Kelas internet sehat"),
                activity("Pojok baca anak"),
            ],
        )),
        t(2024, 7, 1),
    )
    .unwrap();
    // Approved, with one activity done.
    let old = wp::submit(&mut c, &mgr, &old.id, 1, t(2024, 7, 2)).unwrap();
    let ok = ReviewDraft::parse(&ReviewForm {
        decision: "approve".into(),
        ..Default::default()
    })
    .unwrap();
    let old = wp::review(
        &mut c,
        &who("f", Role::Facilitator),
        &old.id,
        &ok,
        old.version,
        t(2024, 7, 3),
    )
    .unwrap();
    wp::set_progress(
        &mut c,
        &mgr,
        &old.id,
        &old.activities[0].id,
        Progress::Done,
        None,
        t(2024, 9, 1),
    )
    .unwrap();

    // A second 2024 plan of the same kind is a duplicate.
    let e = wp::create(&mut c, &mgr, &at, &new(kind, 2024), None, t(2024, 7, 4)).unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref i) if i.0[0].field == "plan_kind" && i.0[0].problem == Problem::Duplicate)
    );
    // Nothing to copy from for 2024's other kinds.
    let e = wp::create(
        &mut c,
        &mgr,
        &at,
        &NewPlan {
            kind: PlanKind::Advokasi,
            year: 2025,
            copy_last_year: true,
        },
        None,
        t(2025, 1, 5),
    )
    .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref i) if i.0[0].field == "copy_last_year"));

    let copy = wp::create(
        &mut c,
        &mgr,
        &at,
        &NewPlan {
            kind,
            year: 2025,
            copy_last_year: true,
        },
        None,
        t(2025, 1, 5),
    )
    .unwrap();
    assert_eq!(copy.copied_from.as_deref(), Some(old.id.as_str()));
    assert_eq!(copy.status, PlanStatus::Draft);
    assert_eq!(
        copy.title,
        "Rencana Kerja Peningkatan Layanan Informasi 2025"
    );
    assert_eq!(copy.goals, old.goals);
    assert_eq!(copy.activities.len(), 2);
    assert!(
        copy.activities
            .iter()
            .all(|a| a.progress == Progress::Planned)
    );
    assert_eq!(copy.activities[0].details.starts_on, Some(d(2025, 9, 1)));
    assert!(
        copy.activities
            .iter()
            .all(|a| !old.activity_ids().contains(&a.id))
    );
    assert_eq!(
        wp::history(&mut c, &copy.id).unwrap()[0].action,
        ReviewAction::Copied
    );
    // The old plan is untouched.
    let again = wp::get(&mut c, &old.id).unwrap();
    assert_eq!(again.activities[0].progress, Progress::Done);
    assert_eq!(wp::of_library(&mut c, lib, d(2025, 1, 5)).unwrap().len(), 2);
});

both_backends!(lists_follow_reach_and_filters, |db: &Db| {
    let mut c = db.conn().unwrap();
    let magetan = library(&mut c, "Perpustakaan Desa A", "3520012001");
    let magetan2 = library(&mut c, "Perpustakaan Desa B", "3520012002");
    let sanggau = library(&mut c, "Perpustakaan Desa Balai Sebut", "6103042001");
    let mgr = who("x", Role::Manager);
    for (lib, v) in [
        (magetan, "3520012001"),
        (magetan2, "3520012002"),
        (sanggau, "6103042001"),
    ] {
        let village = rc(v);
        for kind in PlanKind::ALL {
            wp::create(
                &mut c,
                &mgr,
                &PlanAt {
                    library: lib,
                    village: &village,
                },
                &new(*kind, 2024),
                Some(&content(*kind, 2024, vec![activity("Kegiatan")])),
                t(2024, 8, 1),
            )
            .unwrap();
        }
    }
    let today = d(2024, 8, 2);
    let n = |c: &mut DbConn, q: PlanQuery| wp::list(c, &q).unwrap().total;
    assert_eq!(n(&mut c, PlanQuery::new(Reach::Everything, today)), 9);
    assert_eq!(n(&mut c, PlanQuery::new(Reach::Region(rc("35")), today)), 6);
    assert_eq!(
        n(&mut c, PlanQuery::new(Reach::Region(rc("6103")), today)),
        3
    );
    assert_eq!(
        n(
            &mut c,
            PlanQuery::new(Reach::Libraries(vec![magetan]), today)
        ),
        3
    );
    let mut q = PlanQuery::new(Reach::Everything, today);
    q.kind = Some(PlanKind::Advokasi);
    q.region = Some(rc("3520"));
    assert_eq!(n(&mut c, q.clone()), 2);
    q.library = Some(magetan2);
    let page = wp::list(&mut c, &q).unwrap();
    assert_eq!(page.total, 1);
    let s = &page.items[0];
    assert_eq!(s.library_name, "Perpustakaan Desa B");
    assert_eq!(
        (s.activities, s.activities_done, s.budget),
        (1, 0, 2_500_000)
    );
    // Submitted plans come first (waiting for review).
    let one = wp::list(
        &mut c,
        &PlanQuery::new(Reach::Libraries(vec![sanggau]), today),
    )
    .unwrap();
    let target = one.items[2].clone();
    wp::submit(&mut c, &mgr, &target.id, target.version, t(2024, 8, 2)).unwrap();
    let mut q = PlanQuery::new(Reach::Everything, today);
    q.per_page = 4;
    let first = wp::list(&mut c, &q).unwrap();
    assert_eq!(first.items[0].id, target.id);
    assert_eq!(first.pages(), 3);
    q.status = Some(PlanStatus::Submitted);
    assert_eq!(wp::list(&mut c, &q).unwrap().total, 1);
    let counts = wp::counts(&mut c, &q).unwrap();
    assert_eq!(counts.total, 9, "counts ignore the status filter");
    q.year = Some(2025);
    assert_eq!(wp::list(&mut c, &q).unwrap().total, 0);
});

both_backends!(edits_keep_activity_ids_and_linked_reports, |db: &Db| {
    let mut c = db.conn().unwrap();
    let v = "3520012001";
    let lib = library(&mut c, "Perpustakaan Desa Tautan", v);
    let village = rc(v);
    let mgr = who("pengelola", Role::Manager);
    let kind = PlanKind::PelibatanMasyarakat;
    let p = wp::create(
        &mut c,
        &mgr,
        &PlanAt {
            library: lib,
            village: &village,
        },
        &new(kind, 2024),
        Some(&content(
            kind,
            2024,
            vec![activity("Satu"), activity("Dua"), activity("Tiga")],
        )),
        t(2024, 8, 1),
    )
    .unwrap();
    let ids = p.activity_ids();
    report(&mut c, lib, v, &ids[0], "Laporan kegiatan satu");
    // Removing the linked activity is refused, whole.
    let without_first = content(
        kind,
        2024,
        vec![activity_form_of(&p, 1), activity_form_of(&p, 2)],
    );
    let e = wp::update(&mut c, &mgr, &p.id, &without_first, 1, t(2024, 8, 2)).unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref i) if i.0[0].field == "activities"));
    assert_eq!(wp::get(&mut c, &p.id).unwrap().version, 1, "rolled back");
    // Reordering and removing an unlinked one keeps the others' ids; an id
    // from elsewhere becomes a new activity.
    let mut foreign = activity("Empat");
    foreign.id = uuid::Uuid::now_v7().to_string();
    let reordered = content(
        kind,
        2024,
        vec![
            activity_form_of(&p, 2),
            activity_form_of(&p, 0),
            foreign.clone(),
        ],
    );
    let p2 = wp::update(&mut c, &mgr, &p.id, &reordered, 1, t(2024, 8, 2)).unwrap();
    let ids2 = p2.activity_ids();
    assert_eq!(ids2[0], ids[2]);
    assert_eq!(ids2[1], ids[0]);
    assert_ne!(ids2[2], foreign.id);
    assert!(!ids2.contains(&ids[1]));
    assert_eq!(p2.activities[0].position, 1);
    assert_eq!(p2.activities[0].details.name, "Tiga");
    let linked = wp::linked_reports(&mut c, &p.id).unwrap();
    assert_eq!(linked[0].activity_id, ids[0]);
    assert!(matches!(
        wp::get(&mut c, "missing"),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        wp::update(&mut c, &mgr, "missing", &reordered, 1, t(2024, 8, 2)),
        Err(StoreError::NotFound)
    ));
});
