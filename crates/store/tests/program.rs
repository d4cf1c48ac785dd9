//! Program years, proposals, decisions and the officers' overview, on
//! SQLite and PostgreSQL.

use chrono::NaiveDate;
use diesel::prelude::*;
use lentera_core::audit::ActorRef;
use lentera_core::field::Problem;
use lentera_core::ids::LibraryId;
use lentera_core::libraries::{LibraryDraft, LibraryForm, Participation};
use lentera_core::program::{
    DocumentKind, ProposalChange, ProposalDraft, ProposalStatus, Step, YearDraft, YearForm,
};
use lentera_core::regions::RegionCode;
use lentera_core::uploads::FileKind;
use lentera_core::users::{Reach, UserDraft, UserForm};
use lentera_store::audit::AuditQuery;
use lentera_store::notifications::{self, Note};
use lentera_store::program::{self, NewDocument, ProposalQuery};
use lentera_store::schema;
use lentera_store::uploads::NewUpload;
use lentera_store::{Db, DbConn, StoreError, both_backends, libraries, regions, users};

fn rc(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

fn sys() -> ActorRef {
    ActorRef::system("test")
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn library(c: &mut DbConn, kind: &str, name: &str, village: &str) -> LibraryId {
    let tree = regions::tree(c).unwrap();
    let f = LibraryForm {
        kind: kind.into(),
        name: name.into(),
        village_code: village.into(),
        ..Default::default()
    };
    libraries::create(c, &sys(), &LibraryDraft::parse(&f, &tree, 2026).unwrap())
        .unwrap()
        .id
}

fn user(c: &mut DbConn, name: &str, role: &str, region: &str, lib: Option<LibraryId>) -> ActorRef {
    let f = UserForm {
        username: name.into(),
        full_name: format!("Uji {name}"),
        role: role.into(),
        region_code: region.into(),
        library_id: lib.map(|l| l.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    let u = users::create(c, &sys(), &UserDraft::parse(&f).unwrap(), "x", false).unwrap();
    ActorRef {
        id: Some(u.id),
        username: u.username,
    }
}

fn year(c: &mut DbConn, y: i32, min: &str) -> lentera_core::program::ProgramYear {
    let f = YearForm {
        program_year: y.to_string(),
        target_libraries: "100".into(),
        min_proposals_per_district: min.into(),
        proposal_deadline: format!("{y}-03-31"),
        ..Default::default()
    };
    program::create_year(c, &sys(), &YearDraft::parse(&f, 2026).unwrap()).unwrap()
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n";

fn doc<'a>(kind: DocumentKind, lib: LibraryId, region: &'a RegionCode) -> NewDocument<'a> {
    NewDocument {
        kind,
        file: NewUpload {
            library: Some(lib),
            region,
            kind: FileKind::Pdf,
            filename: format!("{}.pdf", kind.key()),
            bytes: PDF.to_vec(),
            thumb: None,
            width: None,
            height: None,
            by: None,
        },
    }
}

fn draft(y: i32, lib: LibraryId, requested: Participation) -> ProposalDraft {
    ProposalDraft {
        year: y,
        library: lib,
        requested,
        note: Some("Pengelola aktif sejak 2019".into()),
    }
}

fn invalid_fields(e: StoreError) -> Vec<(&'static str, Problem)> {
    match e {
        StoreError::Invalid(i) => i.0.into_iter().map(|e| (e.field, e.problem)).collect(),
        e => panic!("expected invalid, got {e:?}"),
    }
}

fn uploads_count(c: &mut DbConn) -> i64 {
    schema::uploads::table.count().get_result(c).unwrap()
}

both_backends!(years_open_change_and_record_the_decree, |db: &Db| {
    let mut c = db.conn().unwrap();
    let y = year(&mut c, 2026, "");
    assert_eq!(y.details.name, "TPBIS 2026");
    assert_eq!(y.details.min_proposals_per_district, 25);
    assert!(y.open());
    // The same year twice is a duplicate on the year field.
    let again = YearDraft::parse(
        &YearForm {
            program_year: "2026".into(),
            ..Default::default()
        },
        2026,
    )
    .unwrap();
    assert_eq!(
        invalid_fields(program::create_year(&mut c, &sys(), &again).unwrap_err()),
        [("program_year", Problem::Duplicate)]
    );
    year(&mut c, 2024, "10");
    let years: Vec<i32> = program::list_years(&mut c)
        .unwrap()
        .iter()
        .map(|y| y.year())
        .collect();
    assert_eq!(years, [2026, 2024]);

    // Record the decree with the version read; a stale version conflicts.
    let mut f = y.to_form();
    f.decree_number = "SK Kepala Perpusnas Nomor 12 Tahun 2026".into();
    f.decree_date = "2026-01-20".into();
    let with_decree = YearDraft::parse(&f, 2026).unwrap();
    let y2 = program::update_year(&mut c, &sys(), 2026, &with_decree, Some(y.updated_at)).unwrap();
    assert!(!y2.open());
    assert_eq!(y2.details.decree_date, Some(d(2026, 1, 20)));
    assert!(matches!(
        program::update_year(
            &mut c,
            &sys(),
            2026,
            &with_decree,
            Some(y.created_at - chrono::Duration::seconds(5))
        ),
        Err(StoreError::Conflict)
    ));
    // The year number itself cannot move.
    assert_eq!(
        invalid_fields(program::update_year(&mut c, &sys(), 2024, &with_decree, None).unwrap_err()),
        [("program_year", Problem::NotAllowedHere)]
    );
    assert!(matches!(
        program::get_year(&mut c, 2030),
        Err(StoreError::NotFound)
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
    assert_eq!(
        actions,
        [
            "program_year.decree",
            "program_year.create",
            "program_year.create"
        ]
    );
    assert!(
        trail.items[0]
            .details
            .as_deref()
            .unwrap()
            .contains("Nomor 12 Tahun 2026")
    );
    // A national record: a district officer's trail does not show it.
    let district = lentera_store::audit::list(
        &mut c,
        &Reach::Region(rc("3520")),
        &AuditQuery {
            per_page: 10,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(district.total, 0);
});

both_backends!(a_proposal_from_draft_to_acceptance, |db: &Db| {
    let mut c = db.conn().unwrap();
    year(&mut c, 2026, "2");
    let lib = library(&mut c, "desa", "Perpustakaan Desa Uji", "3520012001");
    let region = rc("3520012001");
    let district = user(&mut c, "dinas.magetan", "district", "3520", None);
    let admin = user(&mut c, "admin", "national", "", None);
    let manager = user(&mut c, "pengelola", "manager", "", Some(lib));
    let other_district = user(&mut c, "dinas.sanggau", "district", "6103", None);

    let p = program::create(
        &mut c,
        &district,
        &draft(2026, lib, Participation::FullSupport),
        vec![doc(DocumentKind::Npp, lib, &region)],
    )
    .unwrap();
    assert_eq!(p.status, ProposalStatus::Draft);
    assert_eq!(p.region_code, region);
    assert_eq!(p.library_name, "Perpustakaan Desa Uji");
    assert_eq!(p.proposed_by_name.as_deref(), Some("Uji dinas.magetan"));
    assert_eq!(p.kinds(), [DocumentKind::Npp]);
    assert_eq!(p.active_managers, 1);

    // The same library twice in one year: a duplicate on the library field.
    assert_eq!(
        invalid_fields(
            program::create(
                &mut c,
                &district,
                &draft(2026, lib, Participation::BookAidOnly),
                vec![]
            )
            .unwrap_err()
        ),
        [("library_id", Problem::Duplicate)]
    );
    // A year that does not exist.
    assert_eq!(
        invalid_fields(
            program::create(
                &mut c,
                &district,
                &draft(2027, lib, Participation::BookAidOnly),
                vec![]
            )
            .unwrap_err()
        ),
        [("program_year", Problem::NotFound)]
    );

    // Submitting without every document names each missing one.
    assert_eq!(
        invalid_fields(program::step(&mut c, &district, &p.id, &Step::Submit, None).unwrap_err()),
        [
            ("doc_sk_pendirian", Problem::Required),
            ("doc_commitment_letter", Problem::Required)
        ]
    );
    // A TBM's proof of activity does not apply to a village library.
    assert_eq!(
        invalid_fields(
            program::update(
                &mut c,
                &district,
                &p.id,
                None,
                vec![doc(DocumentKind::TbmActive, lib, &region)],
                None
            )
            .unwrap_err()
        ),
        [("doc_tbm_active", Problem::NotAllowedHere)]
    );
    // Change the request and add the rest; replacing the NPP document
    // removes the old file.
    assert_eq!(uploads_count(&mut c), 1);
    let old_npp = p.document(DocumentKind::Npp).unwrap().upload_id.clone();
    let p = program::update(
        &mut c,
        &district,
        &p.id,
        Some(&ProposalChange {
            requested: Participation::BookAidOnly,
            note: None,
        }),
        vec![
            doc(DocumentKind::SkPendirian, lib, &region),
            doc(DocumentKind::CommitmentLetter, lib, &region),
            doc(DocumentKind::Npp, lib, &region),
        ],
        Some(p.updated_at),
    )
    .unwrap();
    assert_eq!(p.requested, Participation::BookAidOnly);
    assert_eq!(p.note, None);
    assert_eq!(
        p.kinds(),
        [
            DocumentKind::SkPendirian,
            DocumentKind::Npp,
            DocumentKind::CommitmentLetter
        ]
    );
    assert_ne!(p.document(DocumentKind::Npp).unwrap().upload_id, old_npp);
    assert_eq!(uploads_count(&mut c), 3);
    assert!(p.missing().is_empty());

    // Out of order: accepting before verification.
    let accept = Step::Accept {
        participation: Participation::FullSupport,
    };
    let p = program::step(&mut c, &district, &p.id, &Step::Submit, None).unwrap();
    assert_eq!(p.status, ProposalStatus::Submitted);
    assert!(p.submitted_at.is_some());
    assert!(!p.late(Some(d(2099, 1, 1))));
    assert!(p.late(Some(d(2000, 1, 1))));
    assert_eq!(
        invalid_fields(program::step(&mut c, &admin, &p.id, &accept, None).unwrap_err()),
        [("proposal", Problem::WrongStatus)]
    );
    // Sent: the district can no longer change it or withdraw it.
    assert_eq!(
        invalid_fields(program::update(&mut c, &district, &p.id, None, vec![], None).unwrap_err()),
        [("proposal", Problem::WrongStatus)]
    );
    assert_eq!(
        invalid_fields(program::delete(&mut c, &district, &p.id).unwrap_err()),
        [("proposal", Problem::WrongStatus)]
    );

    let p = program::step(&mut c, &admin, &p.id, &Step::Verify, None).unwrap();
    assert_eq!(p.status, ProposalStatus::Verified);
    assert_eq!(p.verified_by_name.as_deref(), Some("Uji admin"));
    let note = Note {
        id: "Usulan diterima",
        en: "Proposal accepted",
        link: "/program/proposals/x",
    };
    let p = program::step(&mut c, &admin, &p.id, &accept, Some(&note)).unwrap();
    assert_eq!(p.status, ProposalStatus::Accepted);
    assert_eq!(p.participation, Some(Participation::FullSupport));
    assert_eq!(p.decided_by_name.as_deref(), Some("Uji admin"));

    // The registry follows: participation and cohort year.
    let l = libraries::get(&mut c, lib).unwrap();
    assert_eq!(l.details.participation, Participation::FullSupport);
    assert_eq!(l.details.cohort_year, Some(2026));

    // The district and the library team hear of it; another district does not.
    for (who, n) in [
        (&district, 1),
        (&manager, 1),
        (&admin, 0),
        (&other_district, 0),
    ] {
        assert_eq!(
            notifications::unread_count(&mut c, who.id.unwrap()).unwrap(),
            n,
            "{}",
            who.username
        );
    }

    // Every step in the trail, with the registry change in the same place.
    let trail = lentera_store::audit::list(
        &mut c,
        &Reach::Region(rc("3520")),
        &AuditQuery {
            per_page: 50,
            ..Default::default()
        },
    )
    .unwrap();
    let actions: Vec<_> = trail.items.iter().map(|e| e.action.as_str()).collect();
    for a in [
        "proposal.create",
        "proposal.update",
        "proposal.submit",
        "proposal.verify",
        "proposal.accept",
        "library.update",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    let registry = trail
        .items
        .iter()
        .find(|e| e.action == "library.update")
        .unwrap();
    assert!(
        registry
            .details
            .as_deref()
            .unwrap()
            .contains("full_support")
    );
    // Decided: nothing more happens to it.
    assert_eq!(
        invalid_fields(
            program::step(
                &mut c,
                &admin,
                &p.id,
                &Step::Reject { reason: "x".into() },
                None
            )
            .unwrap_err()
        ),
        [("proposal", Problem::WrongStatus)]
    );
});

both_backends!(returned_resubmitted_and_rejected, |db: &Db| {
    let mut c = db.conn().unwrap();
    year(&mut c, 2026, "");
    let lib = library(&mut c, "tbm", "TBM Cahaya Uji", "3520012002");
    let region = rc("3520012002");
    let district = user(&mut c, "dinas.magetan", "district", "3520", None);
    let manager = user(&mut c, "pengelola", "manager", "", Some(lib));
    let admin = user(&mut c, "admin", "national", "", None);
    let all = [
        DocumentKind::SkPendirian,
        DocumentKind::Npp,
        DocumentKind::CommitmentLetter,
    ];
    let p = program::create(
        &mut c,
        &district,
        &draft(2026, lib, Participation::Replication),
        all.iter().map(|k| doc(*k, lib, &region)).collect(),
    )
    .unwrap();
    // A TBM also needs proof that it is active.
    assert_eq!(
        invalid_fields(program::step(&mut c, &district, &p.id, &Step::Submit, None).unwrap_err()),
        [("doc_tbm_active", Problem::Required)]
    );
    program::update(
        &mut c,
        &district,
        &p.id,
        None,
        vec![doc(DocumentKind::TbmActive, lib, &region)],
        None,
    )
    .unwrap();
    program::step(&mut c, &district, &p.id, &Step::Submit, None).unwrap();
    let note = Note {
        id: "Usulan dikembalikan",
        en: "Proposal returned",
        link: "/program",
    };
    let p = program::step(
        &mut c,
        &admin,
        &p.id,
        &Step::Return {
            reason: "Surat komitmen belum bertanda tangan".into(),
        },
        Some(&note),
    )
    .unwrap();
    assert_eq!(p.status, ProposalStatus::Returned);
    assert_eq!(
        p.reason.as_deref(),
        Some("Surat komitmen belum bertanda tangan")
    );
    // Returned: the district hears, the library team not yet.
    assert_eq!(
        notifications::unread_count(&mut c, district.id.unwrap()).unwrap(),
        1
    );
    assert_eq!(
        notifications::unread_count(&mut c, manager.id.unwrap()).unwrap(),
        0
    );
    // Editable again; resubmitting clears the reason.
    program::update(
        &mut c,
        &district,
        &p.id,
        None,
        vec![doc(DocumentKind::CommitmentLetter, lib, &region)],
        None,
    )
    .unwrap();
    let p = program::step(&mut c, &district, &p.id, &Step::Submit, None).unwrap();
    assert_eq!(p.status, ProposalStatus::Submitted);
    assert_eq!(p.reason, None);
    let p = program::step(
        &mut c,
        &admin,
        &p.id,
        &Step::Reject {
            reason: "Perpustakaan belum memiliki ruang layanan".into(),
        },
        Some(&note),
    )
    .unwrap();
    assert_eq!(p.status, ProposalStatus::Rejected);
    assert_eq!(
        p.reason.as_deref(),
        Some("Perpustakaan belum memiliki ruang layanan")
    );
    assert_eq!(
        notifications::unread_count(&mut c, manager.id.unwrap()).unwrap(),
        1
    );
    // The registry is untouched by a rejection.
    let l = libraries::get(&mut c, lib).unwrap();
    assert_eq!(l.details.participation, Participation::None);
    assert_eq!(l.details.cohort_year, None);
});

both_backends!(closed_years_and_withdrawn_drafts, |db: &Db| {
    let mut c = db.conn().unwrap();
    let y = year(&mut c, 2026, "");
    let lib = library(&mut c, "desa", "Perpustakaan Desa Uji", "3520012001");
    let region = rc("3520012001");
    let p = program::create(
        &mut c,
        &sys(),
        &draft(2026, lib, Participation::BookAidOnly),
        vec![
            doc(DocumentKind::Npp, lib, &region),
            doc(DocumentKind::SkPendirian, lib, &region),
        ],
    )
    .unwrap();
    assert_eq!(uploads_count(&mut c), 2);
    // Withdrawing a draft removes it and its files.
    program::delete(&mut c, &sys(), &p.id).unwrap();
    assert!(matches!(
        program::get(&mut c, &p.id),
        Err(StoreError::NotFound)
    ));
    assert_eq!(uploads_count(&mut c), 0);
    // Once the decree is recorded the year takes no more proposals.
    let mut f = y.to_form();
    f.decree_number = "SK Kepala Perpusnas Nomor 5 Tahun 2026".into();
    f.decree_date = "2026-01-15".into();
    program::update_year(
        &mut c,
        &sys(),
        2026,
        &YearDraft::parse(&f, 2026).unwrap(),
        None,
    )
    .unwrap();
    assert_eq!(
        invalid_fields(
            program::create(
                &mut c,
                &sys(),
                &draft(2026, lib, Participation::BookAidOnly),
                vec![]
            )
            .unwrap_err()
        ),
        [("program_year", Problem::WrongStatus)]
    );
    // An inactive library cannot be proposed.
    year(&mut c, 2025, "");
    libraries::set_active(&mut c, &sys(), lib, false).unwrap();
    assert_eq!(
        invalid_fields(
            program::create(
                &mut c,
                &sys(),
                &draft(2025, lib, Participation::BookAidOnly),
                vec![]
            )
            .unwrap_err()
        ),
        [("library_id", Problem::NotAllowedHere)]
    );
});

both_backends!(lists_counts_and_candidates_follow_reach, |db: &Db| {
    let mut c = db.conn().unwrap();
    year(&mut c, 2026, "");
    year(&mut c, 2025, "");
    let m1 = library(&mut c, "desa", "Perpustakaan Desa Satu", "3520012001");
    let m2 = library(&mut c, "tbm", "TBM Dua", "3520012002");
    let s1 = library(
        &mut c,
        "desa",
        "Perpustakaan Desa Balai Sebut",
        "6103042001",
    );
    let _inactive = {
        let id = library(&mut c, "desa", "Perpustakaan Desa Tutup", "3520012003");
        libraries::set_active(&mut c, &sys(), id, false).unwrap();
        id
    };
    let a = program::create(
        &mut c,
        &sys(),
        &draft(2026, m1, Participation::FullSupport),
        vec![],
    )
    .unwrap();
    program::create(
        &mut c,
        &sys(),
        &draft(2026, s1, Participation::BookAidOnly),
        vec![],
    )
    .unwrap();
    program::create(
        &mut c,
        &sys(),
        &draft(2025, m2, Participation::BookAidOnly),
        vec![],
    )
    .unwrap();
    let ids = |c: &mut DbConn, q: ProposalQuery| {
        program::list(c, &q)
            .unwrap()
            .items
            .into_iter()
            .map(|p| p.library_id)
            .collect::<Vec<_>>()
    };
    let mut q = ProposalQuery::new(Reach::Region(rc("3520")));
    // Newest year first.
    assert_eq!(ids(&mut c, q.clone()), [m1, m2]);
    q.year = Some(2026);
    assert_eq!(ids(&mut c, q.clone()), [m1]);
    assert_eq!(
        ids(&mut c, ProposalQuery::new(Reach::Region(rc("61")))),
        [s1]
    );
    assert_eq!(ids(&mut c, ProposalQuery::new(Reach::Everything)).len(), 3);
    assert_eq!(
        ids(&mut c, ProposalQuery::new(Reach::Libraries(vec![m2]))),
        [m2]
    );
    let mut q = ProposalQuery::new(Reach::Everything);
    q.region = Some(rc("6103"));
    assert_eq!(ids(&mut c, q), [s1]);
    let mut q = ProposalQuery::new(Reach::Everything);
    q.library = Some(m1);
    q.status = Some(ProposalStatus::Draft);
    assert_eq!(ids(&mut c, q.clone()), [m1]);
    q.status = Some(ProposalStatus::Submitted);
    assert!(ids(&mut c, q).is_empty());
    assert_eq!(program::get(&mut c, &a.id).unwrap().library_id, m1);

    let mut counts = program::counts_by_year(&mut c, &Reach::Region(rc("3520"))).unwrap();
    counts.sort();
    assert_eq!(
        counts,
        [
            (2025, "draft".to_string(), 1),
            (2026, "draft".to_string(), 1)
        ]
    );

    // Candidates: active libraries in reach not yet proposed that year.
    let names = |c: &mut DbConn, reach: Reach, y: i32| {
        program::candidates(c, &reach, y)
            .unwrap()
            .into_iter()
            .map(|(id, _, _)| id)
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&mut c, Reach::Region(rc("3520")), 2026), [m2]);
    assert_eq!(names(&mut c, Reach::Region(rc("3520")), 2025), [m1]);
    assert!(names(&mut c, Reach::Region(rc("6103")), 2026).is_empty());
});

fn insert_activity_of_the_year(
    c: &mut DbConn,
    lib: LibraryId,
    village: &str,
    today: NaiveDate,
    received: bool,
) {
    use schema::*;
    let t = lentera_store::now();
    let l = lib.to_string();
    let pkg = format!("pkg-{village}");
    diesel::insert_into(aid_packages::table)
        .values((
            aid_packages::id.eq(&pkg),
            aid_packages::year.eq(2024),
            aid_packages::name.eq("1.000 buku + 1 rak"),
            aid_packages::created_at.eq(t),
            aid_packages::updated_at.eq(t),
        ))
        .execute(c)
        .unwrap();
    // Due yesterday; received (a BAST recorded) or not, that is late.
    let id = format!("alloc-{village}");
    diesel::insert_into(aid_allocations::table)
        .values((
            aid_allocations::id.eq(&id),
            aid_allocations::year.eq(2024),
            aid_allocations::library_id.eq(&l),
            aid_allocations::region_code.eq(village),
            aid_allocations::package_id.eq(&pkg),
            aid_allocations::due_date.eq(Some(today - chrono::Duration::days(1))),
            aid_allocations::status.eq(if received { "received" } else { "shipped" }),
            aid_allocations::created_at.eq(t),
            aid_allocations::updated_at.eq(t),
        ))
        .execute(c)
        .unwrap();
    if received {
        diesel::insert_into(aid_receipts::table)
            .values((
                aid_receipts::allocation_id.eq(&id),
                aid_receipts::received_on.eq(today),
                aid_receipts::receiver_name.eq("Sri Rahayu"),
                aid_receipts::condition.eq("good"),
                aid_receipts::created_at.eq(t),
            ))
            .execute(c)
            .unwrap();
    }
    let ev = format!("event-{village}");
    diesel::insert_into(events::table)
        .values((
            events::id.eq(&ev),
            events::year.eq(Some(2024)),
            events::kind.eq("bimtek_spp_tik"),
            events::title.eq("Bimtek SPP-TIK"),
            events::region_code.eq(&village[..2]),
            events::starts_on.eq(d(2024, 8, 1)),
            events::ends_on.eq(d(2024, 8, 4)),
            events::mode.eq("blended"),
            events::created_at.eq(t),
            events::updated_at.eq(t),
        ))
        .execute(c)
        .unwrap();
    let session = format!("session-{village}");
    diesel::insert_into(event_sessions::table)
        .values((
            event_sessions::id.eq(&session),
            event_sessions::event_id.eq(&ev),
            event_sessions::position.eq(1),
            event_sessions::topic.eq("konsep_tpbis"),
            event_sessions::title.eq("Konsep TPBIS"),
            event_sessions::held_on.eq(d(2024, 8, 1)),
            event_sessions::mode.eq("online"),
        ))
        .execute(c)
        .unwrap();
    for (i, (name, status)) in [
        ("Kepala Desa", "registered"),
        ("Pengelola", "registered"),
        ("Ketua PKK", "cancelled"),
    ]
    .into_iter()
    .enumerate()
    {
        let pid = format!("p-{village}-{i}");
        diesel::insert_into(event_participants::table)
            .values((
                event_participants::id.eq(&pid),
                event_participants::event_id.eq(&ev),
                event_participants::library_id.eq(Some(&l)),
                event_participants::region_code.eq(village),
                event_participants::full_name.eq(name),
                event_participants::name_key.eq(name.to_lowercase()),
                event_participants::team_role.eq("lainnya"),
                event_participants::gender.eq("P"),
                event_participants::attend_mode.eq("online"),
                event_participants::status.eq(status),
                event_participants::created_at.eq(t),
                event_participants::updated_at.eq(t),
            ))
            .execute(c)
            .unwrap();
        if i == 0 {
            diesel::insert_into(event_attendance::table)
                .values((
                    event_attendance::participant_id.eq(&pid),
                    event_attendance::session_id.eq(&session),
                    event_attendance::mode.eq("online"),
                    event_attendance::present.eq(true),
                    event_attendance::recorded_at.eq(t),
                ))
                .execute(c)
                .unwrap();
        }
    }
    for (kind, status) in [("layanan", "approved"), ("pelibatan", "submitted")] {
        diesel::insert_into(workplans::table)
            .values((
                workplans::id.eq(format!("wp-{village}-{kind}")),
                workplans::library_id.eq(&l),
                workplans::region_code.eq(village),
                workplans::year.eq(2024),
                workplans::kind.eq(kind),
                workplans::title.eq("Rencana kerja"),
                workplans::status.eq(status),
                workplans::created_at.eq(t),
                workplans::updated_at.eq(t),
            ))
            .execute(c)
            .unwrap();
    }
}

both_backends!(the_overview_counts_every_feature_by_region, |db: &Db| {
    let mut c = db.conn().unwrap();
    year(&mut c, 2024, "1");
    let today = d(2024, 9, 1);
    let admin = user(&mut c, "admin", "national", "", None);
    let mut libs = Vec::new();
    for (name, village) in [
        ("Perpustakaan Desa Satu", "3520012001"),
        ("Perpustakaan Desa Dua", "3520022001"),
        ("Perpustakaan Desa Balai Sebut", "6103042001"),
    ] {
        let lib = library(&mut c, "desa", name, village);
        let region = rc(village);
        let p = program::create(
            &mut c,
            &sys(),
            &draft(2024, lib, Participation::BookAidOnly),
            [
                DocumentKind::SkPendirian,
                DocumentKind::Npp,
                DocumentKind::CommitmentLetter,
            ]
            .iter()
            .map(|k| doc(*k, lib, &region))
            .collect(),
        )
        .unwrap();
        libs.push((lib, village, p.id));
    }
    // Magetan: one accepted, one still a draft; Sanggau: submitted.
    let (_, _, first) = &libs[0];
    program::step(&mut c, &sys(), first, &Step::Submit, None).unwrap();
    program::step(&mut c, &admin, first, &Step::Verify, None).unwrap();
    program::step(
        &mut c,
        &admin,
        first,
        &Step::Accept {
            participation: Participation::BookAidOnly,
        },
        None,
    )
    .unwrap();
    program::step(&mut c, &sys(), &libs[2].2, &Step::Submit, None).unwrap();
    for (i, (lib, village, _)) in libs.iter().enumerate() {
        insert_activity_of_the_year(&mut c, *lib, village, today, i == 0);
    }

    // The nation: one row per province.
    let o = program::overview(&mut c, &Reach::Everything, 2024, None, today).unwrap();
    let codes: Vec<_> = o.rows.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["35", "61"]);
    let jatim = &o.rows[0].1;
    assert_eq!(jatim.proposals[ProposalStatus::Accepted.index()], 1);
    assert_eq!(jatim.proposals[ProposalStatus::Draft.index()], 1);
    assert_eq!(jatim.regencies_at_minimum, 1);
    assert_eq!(jatim.recipients_total(), 1);
    assert_eq!(jatim.aid_total(), 2);
    assert_eq!(jatim.aid.get("received"), Some(&1));
    assert_eq!(jatim.aid_received, 1);
    assert_eq!(jatim.aid_late, 1);
    // Two registered per library (the cancelled one not), one attended.
    assert_eq!(jatim.participants, 4);
    assert_eq!(jatim.attended, 2);
    assert_eq!(jatim.workplans.get("approved"), Some(&2));
    assert_eq!(jatim.workplans_total(), 4);
    assert_eq!(o.total.proposals_total(), 3);
    assert_eq!(o.total.proposals_sent(), 2);
    assert_eq!(o.total.regencies_proposing, 2);
    assert_eq!(o.total.regencies_at_minimum, 2);

    // Magetan, as its district officer: one row per kecamatan.
    let magetan = rc("3520");
    let o = program::overview(
        &mut c,
        &Reach::Region(magetan.clone()),
        2024,
        Some(&magetan),
        today,
    )
    .unwrap();
    let codes: Vec<_> = o.rows.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["352001", "352002"]);
    assert_eq!(o.total.participants, 4);
    assert_eq!(o.total.regencies_at_minimum, 1);
    // Reach bounds it: Sanggau's officer asking for Jawa Timur sees nothing.
    let o = program::overview(
        &mut c,
        &Reach::Region(rc("6103")),
        2024,
        Some(&rc("35")),
        today,
    )
    .unwrap();
    assert!(o.rows.is_empty());
    // A facilitator-style reach: only the listed libraries.
    let o = program::overview(
        &mut c,
        &Reach::Libraries(vec![libs[2].0]),
        2024,
        None,
        today,
    )
    .unwrap();
    assert_eq!(o.rows.len(), 1);
    assert_eq!(o.rows[0].0.as_str(), "61");
    assert_eq!(o.total.workplans_total(), 2);

    // Not late before the due date.
    let o = program::overview(&mut c, &Reach::Everything, 2024, None, d(2024, 1, 1)).unwrap();
    assert_eq!(o.total.aid_late, 0);
    assert_eq!(o.total.aid_received, 1);
    assert!(matches!(
        program::overview(&mut c, &Reach::Everything, 1999, None, today),
        Err(StoreError::NotFound)
    ));
});
