//! Activity reports and advocacy outcomes on both backends: the grid and its
//! totals, photos (and that a failed write stores none), reach filters,
//! work-plan links and progress, versions, deletes, and the advocacy
//! records with their documents and APBDes sums.

use chrono::NaiveDate;
use diesel::prelude::*;
use lentera_core::activities::{
    ActivityDraft, ActivityForm, AdvocacyDraft, AdvocacyForm, AdvocacyKind, AgeGroup, Gender,
    ListFilter, Strategy,
};
use lentera_core::audit::ActorRef;
use lentera_core::field::Problem;
use lentera_core::ids::LibraryId;
use lentera_core::libraries::{LibraryDraft, LibraryForm};
use lentera_core::regions::RegionCode;
use lentera_core::uploads::FileKind;
use lentera_core::users::{Reach, Role, UserDraft, UserForm};
use lentera_core::workplans::Progress;
use lentera_core::workplans::{
    ActivityForm as PlanActivityForm, NewPlan, PlanKind, ReviewDraft, ReviewForm, WorkplanDraft,
    WorkplanForm,
};
use lentera_store::activities::{self as store, At, DocumentChange, NewPhoto, OutcomeFilter};
use lentera_store::audit::AuditQuery;
use lentera_store::schema::{
    activity_participants, activity_photos, activity_reports, notifications, uploads,
    workplan_activities,
};
use lentera_store::uploads::NewUpload;
use lentera_store::workplans::{self, PlanAt};
use lentera_store::{Db, DbConn, StoreError, both_backends, libraries, now, regions, users};

const JPEG: &[u8] = include_bytes!("../../web/tests/fixtures/kegiatan.jpg");

fn sys() -> ActorRef {
    ActorRef::system("test")
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn rc(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

fn library(db: &Db, name: &str, village: &str) -> LibraryId {
    let mut c = db.conn().unwrap();
    let tree = regions::tree(&mut c).unwrap();
    let f = LibraryForm {
        kind: "desa".into(),
        name: name.into(),
        village_code: village.into(),
        ..Default::default()
    };
    libraries::create(
        &mut c,
        &sys(),
        &LibraryDraft::parse(&f, &tree, 2026).unwrap(),
    )
    .unwrap()
    .id
}

fn draft(title: &str, held_on: &str, cells: &[(&str, &str)]) -> ActivityDraft {
    let mut f = ActivityForm::from_pairs([
        ("held_on", held_on),
        ("strategy", "pelibatan_masyarakat"),
        ("activity_type", "pelatihan_keterampilan"),
        ("title", title),
    ]);
    for (k, v) in cells {
        f.set(k, v);
    }
    ActivityDraft::parse(&f, d(2026, 11, 21)).unwrap()
}

fn photo<'a>(lib: LibraryId, village: &'a RegionCode, caption: &str) -> NewPhoto<'a> {
    NewPhoto {
        upload: NewUpload {
            library: Some(lib),
            region: village,
            kind: FileKind::Jpeg,
            filename: "foto.jpg".into(),
            bytes: JPEG.to_vec(),
            thumb: Some(JPEG[..100].to_vec()),
            width: Some(800),
            height: Some(600),
            by: None,
        },
        caption: Some(caption.into()),
    }
}

fn count_uploads(c: &mut DbConn) -> i64 {
    uploads::table.count().get_result(c).unwrap()
}

/// A plan of `kind` with one activity ending on `ends_on`, through the work
/// plans' own steps: created, and when `approve`, submitted and approved.
fn plan_activity(
    c: &mut DbConn,
    lib: LibraryId,
    village: &str,
    kind: PlanKind,
    approve: bool,
    name: &str,
    ends_on: NaiveDate,
) -> String {
    let form = WorkplanForm {
        potential_people: "Pemuda dan ibu-ibu PKK".into(),
        goals: "Warga punya keterampilan usaha".into(),
        activities: vec![PlanActivityForm {
            name: name.into(),
            target_group: "Ibu-ibu PKK".into(),
            starts_on: (ends_on - chrono::Duration::days(30)).to_string(),
            ends_on: ends_on.to_string(),
            targets: "20 peserta".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let draft = WorkplanDraft::parse(&form, kind, 2026).unwrap();
    let v = rc(village);
    let at = PlanAt {
        library: lib,
        village: &v,
    };
    let new = NewPlan {
        kind,
        year: 2026,
        copy_last_year: false,
    };
    let mut plan =
        workplans::create(c, &who(Role::Manager), &at, &new, Some(&draft), now()).unwrap();
    if approve {
        plan = workplans::submit(c, &who(Role::Manager), &plan.id, plan.version, now()).unwrap();
        let decision = ReviewDraft::parse(&ReviewForm {
            decision: "approve".into(),
            ..Default::default()
        })
        .unwrap();
        plan = workplans::review(
            c,
            &who(Role::District),
            &plan.id,
            &decision,
            plan.version,
            now(),
        )
        .unwrap();
    }
    plan.activities[0].id.clone()
}

fn who(role: Role) -> workplans::Who {
    workplans::Who {
        by: sys(),
        name: "Penguji".into(),
        role,
    }
}

fn progress(c: &mut DbConn, id: &str) -> String {
    workplan_activities::table
        .find(id)
        .select(workplan_activities::progress)
        .first(c)
        .unwrap()
}

both_backends!(a_report_with_its_grid_and_photos, |db: &Db| {
    let lib = library(db, "Perpustakaan Desa Gonggang", "3520012001");
    let mut c = db.conn().unwrap();
    // A facilitator assigned to the library hears of the report.
    let fac = users::create(
        &mut c,
        &sys(),
        &UserDraft::parse(&UserForm {
            username: "fasda".into(),
            full_name: "Fasilitator Uji".into(),
            role: "facilitator".into(),
            region_code: "3520".into(),
            ..Default::default()
        })
        .unwrap(),
        "x",
        false,
    )
    .unwrap();
    users::set_assignments(&mut c, &sys(), fac.id, &[lib]).unwrap();
    let village = rc("3520012001");
    let at = At {
        library: lib,
        village: &village,
    };
    let r = draft(
        "Pelatihan membuat keripik singkong",
        "2026-11-14",
        &[
            ("p_l_dewasa", "4"),
            ("p_p_dewasa", "11"),
            ("p_p_lansia", "2"),
            ("p_p_remaja", "3"),
            ("d_p_dewasa", "1"),
            ("d_l_dewasa", "2"),
        ],
    );
    let id = store::create(
        &mut c,
        &sys(),
        &at,
        &r,
        vec![
            photo(lib, &village, "Ibu-ibu PKK menggoreng keripik"),
            photo(lib, &village, "Keripik dikemas"),
        ],
    )
    .unwrap();
    let got = store::get(&mut c, &Reach::Everything, &id).unwrap();
    assert_eq!(got.library_name, "Perpustakaan Desa Gonggang");
    assert_eq!(got.details.title, "Pelatihan membuat keripik singkong");
    let p = got.details.participants;
    assert_eq!(p.total(), 20);
    assert_eq!(p.by_gender(Gender::L), 4);
    assert_eq!(p.by_gender(Gender::P), 16);
    assert_eq!(p.by_age(AgeGroup::Dewasa), 15);
    assert_eq!(p.with_disability(), 3);
    assert_eq!(p.get(Gender::L, AgeGroup::Dewasa, true), 2);
    assert_eq!(p.get(Gender::L, AgeGroup::Dewasa, false), 2);
    // Only non-zero cells are stored; the sum is kept on the report.
    let cells: i64 = activity_participants::table
        .filter(activity_participants::report_id.eq(&id))
        .count()
        .get_result(&mut c)
        .unwrap();
    assert_eq!(cells, 6);
    let sum: i32 = activity_reports::table
        .find(&id)
        .select(activity_reports::participants)
        .first(&mut c)
        .unwrap();
    assert_eq!(sum, 20);
    assert_eq!(got.photos.len(), 2);
    assert_eq!(got.photos[0].position, 1);
    assert_eq!(got.photos[1].caption.as_deref(), Some("Keripik dikemas"));
    assert_eq!(got.photos[0].width, Some(800));
    let stored = lentera_store::uploads::bytes(&mut c, &got.photos[0].upload_id).unwrap();
    assert_eq!(stored, JPEG);
    let info = lentera_store::uploads::info(&mut c, &got.photos[0].upload_id).unwrap();
    assert_eq!(info.library(), Some(lib));
    // The trail and the facilitator's notification were written with it.
    let trail = lentera_store::audit::list(
        &mut c,
        &Reach::Everything,
        &AuditQuery {
            action_prefix: Some("activity.".into()),
            page: 1,
            per_page: 10,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(trail.total, 1);
    assert!(
        trail.items[0].summary.contains("20 peserta"),
        "{}",
        trail.items[0].summary
    );
    assert!(trail.items[0].summary.contains("2 foto"));
    let notes: Vec<String> = notifications::table
        .filter(notifications::user_id.eq(fac.id.to_string()))
        .select(notifications::link)
        .load(&mut c)
        .unwrap();
    assert_eq!(notes, vec![format!("/activities/{id}")]);

    // A second report; the list and its totals add both up.
    store::create(
        &mut c,
        &sys(),
        &at,
        &draft(
            "Membaca bersama",
            "2026-10-03",
            &[("p_l_anak", "7"), ("p_p_anak", "9")],
        ),
        vec![],
    )
    .unwrap();
    let all = ListFilter::default();
    let page = store::list(&mut c, &Reach::Everything, &all, 1, 50).unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.items[0].id, id, "newest first");
    assert_eq!(page.items[0].photos, 2);
    assert_eq!(page.items[1].photos, 0);
    assert_eq!(page.items[1].participants, 16);
    let (n, totals) = store::totals(&mut c, &Reach::Everything, &all).unwrap();
    assert_eq!(n, 2);
    assert_eq!(totals.total(), 36);
    assert_eq!(totals.by_age(AgeGroup::Anak), 16);
    assert_eq!(totals.by_gender(Gender::L), 11);
    assert_eq!(totals.with_disability(), 3);
    // Filters: by date, kind and strategy.
    let october = ListFilter {
        from: Some(d(2026, 10, 1)),
        to: Some(d(2026, 10, 31)),
        ..Default::default()
    };
    let (n, t) = store::totals(&mut c, &Reach::Everything, &october).unwrap();
    assert_eq!((n, t.total()), (1, 16));
    let advocacy = ListFilter {
        strategy: Some(Strategy::Advokasi),
        ..Default::default()
    };
    assert_eq!(
        store::list(&mut c, &Reach::Everything, &advocacy, 1, 50)
            .unwrap()
            .total,
        0
    );
    // The download carries each report's grid.
    let rows = store::export_rows(&mut c, &Reach::Everything, &all, 100).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].1.total(), 20);
    assert_eq!(rows[1].1.by_age(AgeGroup::Anak), 16);
});

both_backends!(reach_filters_reports, |db: &Db| {
    let magetan = library(db, "Perpustakaan Desa Gonggang", "3520012001");
    let magetan2 = library(db, "TBM Pelangi", "3520012002");
    let sanggau = library(db, "Perpustakaan Desa Balai Sebut", "6103042001");
    let mut c = db.conn().unwrap();
    let mut ids = Vec::new();
    for (lib, village) in [
        (magetan, "3520012001"),
        (magetan2, "3520012002"),
        (sanggau, "6103042001"),
    ] {
        let v = rc(village);
        ids.push(
            store::create(
                &mut c,
                &sys(),
                &At {
                    library: lib,
                    village: &v,
                },
                &draft("Kelas menjahit", "2026-11-01", &[("p_p_dewasa", "10")]),
                vec![],
            )
            .unwrap(),
        );
    }
    let all = ListFilter::default();
    let count = |c: &mut DbConn, reach: &Reach| store::list(c, reach, &all, 1, 50).unwrap().total;
    assert_eq!(count(&mut c, &Reach::Everything), 3);
    assert_eq!(count(&mut c, &Reach::Region(rc("35"))), 2);
    assert_eq!(count(&mut c, &Reach::Region(rc("3520"))), 2);
    assert_eq!(count(&mut c, &Reach::Region(rc("6103"))), 1);
    assert_eq!(count(&mut c, &Reach::Libraries(vec![magetan])), 1);
    assert_eq!(count(&mut c, &Reach::Libraries(vec![])), 0);
    // Totals follow the same reach.
    let (_, t) = store::totals(&mut c, &Reach::Region(rc("3520")), &all).unwrap();
    assert_eq!(t.total(), 20);
    // One record outside reach is simply not found.
    let mine = Reach::Libraries(vec![magetan]);
    assert!(store::get(&mut c, &mine, &ids[0]).is_ok());
    assert!(matches!(
        store::get(&mut c, &mine, &ids[2]),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store::get(&mut c, &Reach::Region(rc("3520")), &ids[2]),
        Err(StoreError::NotFound)
    ));
    // A region filter narrows within reach, never widens it.
    let sanggau_only = ListFilter {
        region: Some(rc("6103")),
        ..Default::default()
    };
    assert_eq!(
        store::list(&mut c, &Reach::Region(rc("3520")), &sanggau_only, 1, 50)
            .unwrap()
            .total,
        0
    );
    let one_library = ListFilter {
        library: Some(magetan2),
        ..Default::default()
    };
    assert_eq!(
        store::list(&mut c, &Reach::Everything, &one_library, 1, 50)
            .unwrap()
            .total,
        1
    );
    // Writing through another library's `At` finds nothing to change.
    let v = rc("3520012001");
    let at = At {
        library: magetan,
        village: &v,
    };
    assert!(matches!(
        store::delete(&mut c, &sys(), &at, &ids[2]),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store::update(
            &mut c,
            &sys(),
            &at,
            &ids[1],
            &draft("x", "2026-11-01", &[("p_l_anak", "1")]),
            None
        ),
        Err(StoreError::NotFound)
    ));
});

both_backends!(updates_versions_photos_and_deletes, |db: &Db| {
    let lib = library(db, "Perpustakaan Desa Gonggang", "3520012001");
    let mut c = db.conn().unwrap();
    let village = rc("3520012001");
    let at = At {
        library: lib,
        village: &village,
    };
    let id = store::create(
        &mut c,
        &sys(),
        &at,
        &draft("Budidaya lele", "2026-11-02", &[("p_l_dewasa", "12")]),
        vec![photo(lib, &village, "Kolam terpal")],
    )
    .unwrap();
    let before = store::get(&mut c, &Reach::Everything, &id).unwrap();
    let changed = draft(
        "Budidaya lele dalam terpal",
        "2026-11-02",
        &[("p_l_dewasa", "10"), ("p_p_dewasa", "5")],
    );
    store::update(&mut c, &sys(), &at, &id, &changed, Some(before.updated_at)).unwrap();
    let after = store::get(&mut c, &Reach::Everything, &id).unwrap();
    assert_eq!(after.details.title, "Budidaya lele dalam terpal");
    assert_eq!(after.details.participants.total(), 15);
    assert_eq!(after.details.participants.by_gender(Gender::L), 10);
    assert_eq!(after.photos.len(), 1, "photos stay");
    // Saving over a newer version is a conflict.
    assert!(matches!(
        store::update(&mut c, &sys(), &at, &id, &changed, Some(before.updated_at)),
        Err(StoreError::Conflict)
    ));
    // Photos: up to the limit; past it nothing of the batch is stored.
    let n_uploads = count_uploads(&mut c);
    let too_many: Vec<NewPhoto<'_>> = (0..store::MAX_PHOTOS)
        .map(|i| photo(lib, &village, &format!("Foto {i}")))
        .collect();
    let e = store::add_photos(&mut c, &sys(), &at, &id, too_many).unwrap_err();
    match e {
        StoreError::Invalid(i) => assert_eq!(i.for_field("photos").unwrap().problem, Problem::Full),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        count_uploads(&mut c),
        n_uploads,
        "a refused batch stores no file"
    );
    assert_eq!(
        store::add_photos(
            &mut c,
            &sys(),
            &at,
            &id,
            vec![photo(lib, &village, "Panen")]
        )
        .unwrap(),
        1
    );
    let r = store::get(&mut c, &Reach::Everything, &id).unwrap();
    assert_eq!(r.photos.len(), 2);
    assert_eq!(r.photos[1].position, 2);
    let first = r.photos[0].upload_id.clone();
    store::remove_photo(&mut c, &sys(), &at, &id, &first).unwrap();
    assert!(
        lentera_store::uploads::info(&mut c, &first).is_err(),
        "the file goes too"
    );
    assert!(matches!(
        store::remove_photo(&mut c, &sys(), &at, &id, &first),
        Err(StoreError::NotFound)
    ));
    // Deleting removes the grid, the photos and their files.
    store::delete(&mut c, &sys(), &at, &id).unwrap();
    assert!(matches!(
        store::get(&mut c, &Reach::Everything, &id),
        Err(StoreError::NotFound)
    ));
    let left: i64 = activity_photos::table.count().get_result(&mut c).unwrap();
    let cells: i64 = activity_participants::table
        .count()
        .get_result(&mut c)
        .unwrap();
    assert_eq!((left, cells), (0, 0));
    assert_eq!(count_uploads(&mut c), 0);
});

both_backends!(plan_activities_link_and_progress, |db: &Db| {
    let lib = library(db, "Perpustakaan Desa Gonggang", "3520012001");
    let other = library(db, "TBM Pelangi", "3520012002");
    let mut c = db.conn().unwrap();
    let village = rc("3520012001");
    let at = At {
        library: lib,
        village: &village,
    };
    let approved = plan_activity(
        &mut c,
        lib,
        "3520012001",
        PlanKind::PelibatanMasyarakat,
        true,
        "Pelatihan keripik",
        d(2026, 10, 31),
    );
    let second = plan_activity(
        &mut c,
        lib,
        "3520012001",
        PlanKind::LayananInformasi,
        true,
        "Kelas menjahit",
        d(2026, 12, 31),
    );
    let draft_plan = plan_activity(
        &mut c,
        lib,
        "3520012001",
        PlanKind::Advokasi,
        false,
        "Belum disetujui",
        d(2026, 10, 31),
    );
    let theirs = plan_activity(
        &mut c,
        other,
        "3520012002",
        PlanKind::PelibatanMasyarakat,
        true,
        "Milik perpustakaan lain",
        d(2026, 10, 31),
    );
    let choices = store::plan_activities(&mut c, lib).unwrap();
    let names: Vec<&str> = choices.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(choices.len(), 2, "{names:?}");
    assert!(names.contains(&"Pelatihan keripik") && names.contains(&"Kelas menjahit"));
    // Past its end with no report: the manager's to-do.
    let overdue = store::overdue_plan_activities(&mut c, lib, d(2026, 11, 21)).unwrap();
    assert_eq!(
        overdue.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        vec![approved.as_str()]
    );

    // A draft plan's activity or another library's cannot be named.
    for bad in [&draft_plan, &theirs] {
        let mut r = draft("Laporan", "2026-11-01", &[("p_l_anak", "3")]);
        r.workplan_activity_id = Some(bad.clone());
        match store::create(&mut c, &sys(), &at, &r, vec![photo(lib, &village, "x")]) {
            Err(StoreError::Invalid(i)) => assert_eq!(
                i.for_field("workplan_activity_id").unwrap().problem,
                Problem::NotFound
            ),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(count_uploads(&mut c), 0, "a refused report stores no photo");
    assert_eq!(
        store::list(&mut c, &Reach::Everything, &ListFilter::default(), 1, 10)
            .unwrap()
            .total,
        0
    );

    // A report of a planned activity puts it under way; ticking "done" ends
    // it — through the work plans' own step, with its history line.
    let mut r = draft(
        "Pelatihan keripik, sesi 1",
        "2026-10-20",
        &[("p_p_dewasa", "8")],
    );
    r.workplan_activity_id = Some(approved.clone());
    let id = store::create(&mut c, &sys(), &at, &r, vec![]).unwrap();
    assert_eq!(
        progress(&mut c, &approved),
        "planned",
        "the report alone changes no plan"
    );
    let moved = store::advance_plan_activity(
        &mut c,
        &who(Role::Manager),
        lib,
        &approved,
        false,
        "Laporan: sesi 1",
    )
    .unwrap();
    assert_eq!(moved, Some(Progress::UnderWay));
    assert_eq!(progress(&mut c, &approved), "under_way");
    let got = store::get(&mut c, &Reach::Everything, &id).unwrap();
    let linked = got.plan_activity.unwrap();
    assert_eq!(linked.name, "Pelatihan keripik");
    assert_eq!(linked.reports, 1);
    assert!(
        store::overdue_plan_activities(&mut c, lib, d(2026, 11, 21))
            .unwrap()
            .is_empty()
    );
    let mut r2 = draft(
        "Kelas menjahit selesai",
        "2026-11-20",
        &[("p_p_dewasa", "6")],
    );
    r2.workplan_activity_id = Some(second.clone());
    r2.mark_done = true;
    store::create(&mut c, &sys(), &at, &r2, vec![]).unwrap();
    let moved = store::advance_plan_activity(
        &mut c,
        &who(Role::Manager),
        lib,
        &second,
        true,
        "Laporan: selesai",
    )
    .unwrap();
    assert_eq!(moved, Some(Progress::Done));
    assert_eq!(progress(&mut c, &second), "done");
    // Done stays done: a later report does not move it back.
    let mut r3 = draft(
        "Kelas menjahit lanjutan",
        "2026-11-21",
        &[("p_p_dewasa", "4")],
    );
    r3.workplan_activity_id = Some(second.clone());
    store::create(&mut c, &sys(), &at, &r3, vec![]).unwrap();
    assert_eq!(
        store::advance_plan_activity(&mut c, &who(Role::Manager), lib, &second, false, "x")
            .unwrap(),
        None
    );
    assert_eq!(progress(&mut c, &second), "done");
    // Another library's activity is not found through this library.
    assert!(matches!(
        store::advance_plan_activity(&mut c, &who(Role::Manager), lib, &theirs, true, "x"),
        Err(StoreError::NotFound)
    ));
    let history = workplans::history(&mut c, &linked.workplan_id).unwrap();
    assert!(
        history.len() >= 4,
        "created, submitted, approved, progress: {history:?}"
    );
    // The months the library reported in, for the to-do list.
    let dates = store::reported_dates(&mut c, lib, d(2026, 10, 1)).unwrap();
    assert!(dates.contains(&d(2026, 10, 20)) && dates.contains(&d(2026, 11, 20)));
    assert!(
        store::reported_dates(&mut c, other, d(2026, 10, 1))
            .unwrap()
            .is_empty()
    );
});

fn outcome(kind: &str, title: &str, partner: &str, year: &str, amount: &str) -> AdvocacyDraft {
    AdvocacyDraft::parse(
        &AdvocacyForm {
            advocacy_kind: kind.into(),
            title: title.into(),
            partner: partner.into(),
            budget_year: year.into(),
            amount: amount.into(),
            ..Default::default()
        },
        d(2026, 11, 21),
    )
    .unwrap()
}

fn doc<'a>(lib: LibraryId, village: &'a RegionCode, name: &str) -> NewUpload<'a> {
    NewUpload {
        library: Some(lib),
        region: village,
        kind: FileKind::Pdf,
        filename: name.into(),
        bytes: b"%PDF-1.4\n1 0 obj\n%%EOF\n".to_vec(),
        thumb: None,
        width: None,
        height: None,
        by: None,
    }
}

both_backends!(advocacy_outcomes_documents_and_sums, |db: &Db| {
    let lib = library(db, "Perpustakaan Desa Gonggang", "3520012001");
    let lib2 = library(db, "TBM Pelangi", "3520012002");
    let sanggau = library(db, "Perpustakaan Desa Balai Sebut", "6103042001");
    let mut c = db.conn().unwrap();
    let (v1, v2, v3) = (rc("3520012001"), rc("3520012002"), rc("6103042001"));
    let at1 = At {
        library: lib,
        village: &v1,
    };
    let at2 = At {
        library: lib2,
        village: &v2,
    };
    let at3 = At {
        library: sanggau,
        village: &v3,
    };
    let mou = store::create_outcome(
        &mut c,
        &sys(),
        &at1,
        &outcome(
            "mou",
            "Kerja sama layanan baca di Puskesmas",
            "Puskesmas Plaosan",
            "",
            "",
        ),
        Some(doc(lib, &v1, "mou.pdf")),
    )
    .unwrap();
    store::create_outcome(
        &mut c,
        &sys(),
        &at1,
        &outcome("apbdes", "", "", "2025", "Rp 15.000.000"),
        None,
    )
    .unwrap();
    store::create_outcome(
        &mut c,
        &sys(),
        &at2,
        &outcome("apbdes", "", "", "2025", "10.000.000"),
        None,
    )
    .unwrap();
    store::create_outcome(
        &mut c,
        &sys(),
        &at3,
        &outcome("apbdes", "", "", "2024", "7.500.000"),
        None,
    )
    .unwrap();
    store::create_outcome(
        &mut c,
        &sys(),
        &at1,
        &outcome(
            "dukungan_pkk",
            "Kader PKK mendampingi kelas baca",
            "",
            "",
            "",
        ),
        None,
    )
    .unwrap();
    // One allocation per library and year.
    match store::create_outcome(
        &mut c,
        &sys(),
        &at1,
        &outcome("apbdes", "", "", "2025", "1.000.000"),
        None,
    ) {
        Err(StoreError::Invalid(i)) => {
            assert_eq!(
                i.for_field("budget_year").unwrap().problem,
                Problem::Duplicate
            )
        }
        other => panic!("{other:?}"),
    }
    let got = store::get_outcome(&mut c, &Reach::Everything, &mou).unwrap();
    assert_eq!(got.details.kind, AdvocacyKind::Mou);
    assert_eq!(got.details.partner.as_deref(), Some("Puskesmas Plaosan"));
    let first_doc = got.document.clone().unwrap();
    assert_eq!(first_doc.filename, "mou.pdf");
    // Replacing the document deletes the old file; removing it too.
    store::update_outcome(
        &mut c,
        &sys(),
        &at1,
        &mou,
        &got.details,
        DocumentChange::Replace(doc(lib, &v1, "mou-2025.pdf")),
        Some(got.updated_at),
    )
    .unwrap();
    assert!(lentera_store::uploads::info(&mut c, &first_doc.upload_id).is_err());
    let got = store::get_outcome(&mut c, &Reach::Everything, &mou).unwrap();
    assert_eq!(got.document.as_ref().unwrap().filename, "mou-2025.pdf");
    assert!(matches!(
        store::update_outcome(
            &mut c,
            &sys(),
            &at1,
            &mou,
            &got.details,
            DocumentChange::Keep,
            Some(older_than(&got))
        ),
        Err(StoreError::Conflict)
    ));
    // Reach and summaries.
    let magetan = Reach::Region(rc("3520"));
    let all = OutcomeFilter::default();
    assert_eq!(
        store::list_outcomes(&mut c, &Reach::Everything, &all, 1, 50)
            .unwrap()
            .total,
        5
    );
    assert_eq!(
        store::list_outcomes(&mut c, &magetan, &all, 1, 50)
            .unwrap()
            .total,
        4
    );
    assert_eq!(
        store::list_outcomes(&mut c, &Reach::Libraries(vec![lib2]), &all, 1, 50)
            .unwrap()
            .total,
        1
    );
    assert!(matches!(
        store::get_outcome(&mut c, &Reach::Libraries(vec![lib2]), &mou),
        Err(StoreError::NotFound)
    ));
    let s = store::outcome_summary(&mut c, &magetan, &all).unwrap();
    assert_eq!(s.apbdes, vec![(2025, 2, 25_000_000)]);
    let s = store::outcome_summary(&mut c, &Reach::Everything, &all).unwrap();
    assert_eq!(s.apbdes, vec![(2025, 2, 25_000_000), (2024, 1, 7_500_000)]);
    assert!(s.by_kind.contains(&(AdvocacyKind::Apbdes, 3, 3)));
    assert!(s.by_kind.contains(&(AdvocacyKind::SupportPkk, 1, 1)));
    let only_mou = OutcomeFilter {
        kind: Some(AdvocacyKind::Mou),
        ..Default::default()
    };
    assert_eq!(
        store::list_outcomes(&mut c, &Reach::Everything, &only_mou, 1, 50)
            .unwrap()
            .total,
        1
    );
    // Another library cannot delete it; the owner can, with the document.
    assert!(matches!(
        store::delete_outcome(&mut c, &sys(), &at2, &mou),
        Err(StoreError::NotFound)
    ));
    let doc_id = got.document.unwrap().upload_id;
    store::delete_outcome(&mut c, &sys(), &at1, &mou).unwrap();
    assert!(lentera_store::uploads::info(&mut c, &doc_id).is_err());
});

/// A version older than the current one.
fn older_than(o: &lentera_store::activities::Outcome) -> chrono::NaiveDateTime {
    o.updated_at - chrono::Duration::seconds(1)
}

both_backends!(bulk_reports_for_the_demo, |db: &Db| {
    let lib = library(db, "Perpustakaan Desa Gonggang", "3520012001");
    let mut c = db.conn().unwrap();
    let village = rc("3520012001");
    let rows: Vec<store::NewReport> = (1..=12)
        .map(|m| store::NewReport {
            library: lib,
            village: village.clone(),
            draft: draft(
                &format!("Kegiatan bulan {m}"),
                &format!("2025-{m:02}-10"),
                &[("p_p_dewasa", "5"), ("p_l_anak", "3")],
            ),
        })
        .collect();
    let ids = store::insert_many(&mut c, &sys(), &rows).unwrap();
    assert_eq!(ids.len(), 12);
    store::attach_photos(&mut c, &ids[0], vec![photo(lib, &village, "Demo")]).unwrap();
    let (n, t) = store::totals(&mut c, &Reach::Everything, &ListFilter::default()).unwrap();
    assert_eq!((n, t.total()), (12, 96));
    assert_eq!(
        store::get(&mut c, &Reach::Everything, &ids[0])
            .unwrap()
            .photos
            .len(),
        1
    );
    let trail = lentera_store::audit::list(
        &mut c,
        &Reach::Everything,
        &AuditQuery {
            action_prefix: Some("activity.import".into()),
            page: 1,
            per_page: 10,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(trail.total, 1);
});
