//! The store on both backends: every test here runs on SQLite and PostgreSQL.

use lentera_core::audit::ActorRef;
use lentera_core::field::Problem;
use lentera_core::libraries::{LibraryDraft, LibraryForm};
use lentera_core::regions::RegionCode;
use lentera_core::users::{Reach, UserDraft, UserForm};
use lentera_store::audit::AuditQuery;
use lentera_store::libraries::LibraryQuery;
use lentera_store::users::UserQuery;
use lentera_store::{Backend, Db, StoreError, both_backends, libraries, regions, testing, users};

fn rc(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

fn draft(db: &Db, name: &str, village: &str, npp: &str) -> LibraryDraft {
    let tree = regions::tree(&mut db.conn().unwrap()).unwrap();
    let f = LibraryForm {
        kind: "desa".into(),
        name: name.into(),
        village_code: village.into(),
        npp: npp.into(),
        ..Default::default()
    };
    LibraryDraft::parse(&f, &tree, 2026).unwrap()
}

fn sys() -> ActorRef {
    ActorRef::system("test")
}

both_backends!(test_subset_of_regions_loads_whole_paths, |db: &Db| {
    let mut c = db.conn().unwrap();
    let counts = regions::counts(&mut c).unwrap();
    // Provinces of the kept regencies are kept too.
    assert!(counts[0] >= 5 && counts[0] <= 8, "{counts:?}");
    assert_eq!(counts[1] as usize, testing::TEST_REGENCIES.len());
    let tree = regions::tree(&mut c).unwrap();
    let hit = tree.search("balai sebut", None, None, 5);
    assert_eq!(
        hit[0].path_label(),
        "Balai Sebut, Jangkang, Kabupaten Sanggau, Kalimantan Barat"
    );
    // Loading again is a no-op.
    assert_eq!(regions::load_if_empty(&mut c, &|_| true).unwrap(), 0);
});

both_backends!(libraries_round_trip_and_audit, |db: &Db| {
    let d = draft(
        db,
        "Perpustakaan Desa Balai Sebut",
        "6103042001",
        "610304 2D1 000001",
    );
    let mut c = db.conn().unwrap();
    let lib = libraries::create(&mut c, &sys(), &d).unwrap();
    let back = libraries::get(&mut c, lib.id).unwrap();
    assert_eq!(back, lib);
    assert_eq!(
        back.details.npp.as_ref().unwrap().as_str(),
        "6103042D1000001"
    );

    // Update with the version we read succeeds; with a stale one it conflicts.
    let mut d2 = d.clone();
    d2.staff_count = Some(3);
    let updated = libraries::update(&mut c, &sys(), lib.id, &d2, Some(lib.updated_at)).unwrap();
    assert_eq!(updated.details.staff_count, Some(3));
    assert!(matches!(
        libraries::update(
            &mut c,
            &sys(),
            lib.id,
            &d,
            Some(lib.created_at - chrono::Duration::seconds(1))
        ),
        Err(StoreError::Conflict)
    ));

    let trail = lentera_store::audit::list(
        &mut c,
        &Reach::Everything,
        &AuditQuery {
            per_page: 10,
            ..Default::default()
        },
    )
    .unwrap();
    let actions: Vec<_> = trail.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["library.update", "library.create"]);
    assert!(
        trail.items[0]
            .details
            .as_deref()
            .unwrap()
            .contains("staff_count")
    );
    // The district's officer sees it; another district's does not.
    let sanggau = Reach::Region(rc("6103"));
    assert_eq!(
        lentera_store::audit::list(
            &mut c,
            &sanggau,
            &AuditQuery {
                per_page: 10,
                ..Default::default()
            }
        )
        .unwrap()
        .total,
        2
    );
    let magetan = Reach::Region(rc("3520"));
    assert_eq!(
        lentera_store::audit::list(
            &mut c,
            &magetan,
            &AuditQuery {
                per_page: 10,
                ..Default::default()
            }
        )
        .unwrap()
        .total,
        0
    );
});

both_backends!(duplicates_are_field_errors, |db: &Db| {
    let mut c = db.conn().unwrap();
    libraries::create(
        &mut c,
        &sys(),
        &draft(db, "Perpus A", "6103042001", "6103042D1000001"),
    )
    .unwrap();
    // Same NPP elsewhere.
    let e = libraries::create(
        &mut c,
        &sys(),
        &draft(db, "Perpus B", "6103042002", "6103042D1000001"),
    )
    .unwrap_err();
    match e {
        StoreError::Invalid(i) => assert_eq!(i.0[0].field, "npp"),
        e => panic!("{e:?}"),
    }
    // Same name in the same village, however capitalised.
    let e =
        libraries::create(&mut c, &sys(), &draft(db, "PERPUS  a", "6103042001", "")).unwrap_err();
    match e {
        StoreError::Invalid(i) => {
            assert_eq!(i.0[0].field, "name");
            assert_eq!(i.0[0].problem, Problem::Duplicate);
        }
        e => panic!("{e:?}"),
    }
    // Nothing half-done: still one library, one audit entry.
    let all = libraries::list(&mut c, &LibraryQuery::new(Reach::Everything)).unwrap();
    assert_eq!(all.total, 1);
});

both_backends!(lists_respect_reach_and_filters, |db: &Db| {
    let mut c = db.conn().unwrap();
    let a = libraries::create(
        &mut c,
        &sys(),
        &draft(db, "Perpus Balai Sebut", "6103042001", ""),
    )
    .unwrap();
    let b = libraries::create(
        &mut c,
        &sys(),
        &draft(db, "Perpus Magetan Satu", "3520012001", ""),
    )
    .unwrap();
    let list = |c: &mut lentera_store::Conn, q: LibraryQuery| {
        libraries::list(c, &q)
            .unwrap()
            .items
            .into_iter()
            .map(|l| l.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        list(&mut c, LibraryQuery::new(Reach::Region(rc("61")))),
        [a.id]
    );
    assert_eq!(
        list(&mut c, LibraryQuery::new(Reach::Region(rc("3520")))),
        [b.id]
    );
    assert_eq!(
        list(&mut c, LibraryQuery::new(Reach::Libraries(vec![b.id]))),
        [b.id]
    );
    assert!(list(&mut c, LibraryQuery::new(Reach::Libraries(vec![]))).is_empty());
    assert_eq!(list(&mut c, LibraryQuery::new(Reach::Everything)).len(), 2);
    let q = LibraryQuery {
        text: Some("balai".into()),
        ..LibraryQuery::new(Reach::Everything)
    };
    assert_eq!(list(&mut c, q), [a.id]);
    libraries::set_active(&mut c, &sys(), a.id, false).unwrap();
    let q = LibraryQuery {
        active: Some(true),
        ..LibraryQuery::new(Reach::Everything)
    };
    assert_eq!(list(&mut c, q), [b.id]);
    // Found again for imports by village + folded name.
    let again = draft(db, "PERPUS balai   SEBUT", "6103042001", "");
    assert_eq!(
        libraries::find_existing(&mut c, &again)
            .unwrap()
            .map(|l| l.id),
        Some(a.id)
    );
});

both_backends!(users_and_reach, |db: &Db| {
    let mut c = db.conn().unwrap();
    let lib = libraries::create(
        &mut c,
        &sys(),
        &draft(db, "Perpus Magetan", "3520012001", ""),
    )
    .unwrap();
    let mk = |role: &str, region: &str, library: &str, name: &str| UserForm {
        username: name.into(),
        full_name: name.into(),
        role: role.into(),
        region_code: region.into(),
        library_id: library.into(),
        ..Default::default()
    };
    let dist = UserDraft::parse(&mk("district", "3520", "", "dinas.magetan")).unwrap();
    let mgr = UserDraft::parse(&mk("manager", "", &lib.id.to_string(), "pengelola")).unwrap();
    let other = UserDraft::parse(&mk("district", "6103", "", "dinas.sanggau")).unwrap();
    let d = users::create(&mut c, &sys(), &dist, "hash", false).unwrap();
    let m = users::create(&mut c, &sys(), &mgr, "hash", false).unwrap();
    users::create(&mut c, &sys(), &other, "hash", false).unwrap();

    let names = |c: &mut lentera_store::Conn, reach: Reach| {
        let q = UserQuery {
            reach,
            text: None,
            role: None,
            page: 1,
            per_page: 100,
        };
        users::list(c, &q)
            .unwrap()
            .items
            .into_iter()
            .map(|u| u.username)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&mut c, Reach::Region(rc("3520"))),
        ["dinas.magetan", "pengelola"]
    );
    assert_eq!(names(&mut c, Reach::Region(rc("61"))), ["dinas.sanggau"]);
    assert_eq!(names(&mut c, Reach::Libraries(vec![lib.id])), ["pengelola"]);

    let actor = users::actor(&mut c, &m).unwrap();
    assert_eq!(actor.reach(), Reach::Libraries(vec![lib.id]));
    let actor = users::actor(&mut c, &d).unwrap();
    assert_eq!(actor.reach(), Reach::Region(rc("3520")));

    // Duplicate usernames are a field error.
    match users::create(
        &mut c,
        &sys(),
        &UserDraft::parse(&mk("district", "3520", "", "DINAS.magetan")).unwrap(),
        "h",
        false,
    ) {
        Err(StoreError::Invalid(i)) => assert_eq!(i.0[0].field, "username"),
        r => panic!("{r:?}"),
    }
    // An unknown library is a field error, not a crash.
    let ghost = UserDraft::parse(&mk(
        "staff",
        "",
        &lentera_core::ids::LibraryId::new().to_string(),
        "hantu",
    ))
    .unwrap();
    match users::create(&mut c, &sys(), &ghost, "h", false) {
        Err(StoreError::Invalid(i)) => assert_eq!(i.0[0].field, "library_id"),
        r => panic!("{r:?}"),
    }
});

/// The whole official tree on each backend: 38 / 514 / 7,285 / 83,762.
fn full_tree(backend: Backend) {
    let Some(t) = testing::empty(backend) else {
        return;
    };
    let mut c = t.db.conn().unwrap();
    let start = std::time::Instant::now();
    let n = regions::load_if_empty(&mut c, &|_| true).unwrap();
    eprintln!(
        "{}: loaded {n} regions in {:?}",
        backend.name(),
        start.elapsed()
    );
    assert_eq!(n, 38 + 514 + 7_285 + 83_762);
    assert_eq!(regions::counts(&mut c).unwrap(), [38, 514, 7_285, 83_762]);
    let tree = regions::tree(&mut c).unwrap();
    assert_eq!(tree.counts(), [38, 514, 7_285, 83_762]);
}

#[test]
fn full_region_tree_sqlite() {
    full_tree(Backend::Sqlite);
}

#[test]
fn full_region_tree_postgres() {
    full_tree(Backend::Postgres);
}
