//! Circulation on both backends: members, loan rules and due dates,
//! checkout/return/renew, holds, and concurrent scans.

use chrono::{NaiveDate, Weekday};
use diesel::prelude::*;
use lentera_core::audit::ActorRef;
use lentera_core::circulation::{LoanRule, MemberDraft, MemberForm, Refusal};
use lentera_core::ids::LibraryId;
use lentera_core::libraries::{LibraryDraft, LibraryForm};
use lentera_core::users::Reach;
use lentera_store::audit::AuditQuery;
use lentera_store::circulation::{self as circ, LoanQuery, Settings};
use lentera_store::schema::{biblios, catalog_changes, items, loans};
use lentera_store::{Db, DbConn, both_backends, libraries, now, regions};

fn sys() -> ActorRef {
    ActorRef::system("test")
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
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

/// A record with `n` items `B{prefix}{i}`, written directly: the catalogue's
/// own functions belong to another module and are tested there.
fn book(
    c: &mut DbConn,
    lib: LibraryId,
    title: &str,
    collection: &str,
    barcodes: &[&str],
) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let t = now();
    diesel::insert_into(biblios::table)
        .values((
            biblios::id.eq(&id),
            biblios::library_id.eq(lib.to_string()),
            biblios::title.eq(title),
            biblios::authors.eq(""),
            biblios::subjects.eq(""),
            biblios::collection.eq(collection),
            biblios::title_key.eq(title.to_lowercase()),
            biblios::created_at.eq(t),
            biblios::updated_at.eq(t),
        ))
        .execute(c)
        .unwrap();
    for b in barcodes {
        diesel::insert_into(items::table)
            .values((
                items::id.eq(uuid::Uuid::now_v7().to_string()),
                items::library_id.eq(lib.to_string()),
                items::biblio_id.eq(&id),
                items::barcode.eq(*b),
                items::status.eq("available"),
                items::created_at.eq(t),
                items::updated_at.eq(t),
            ))
            .execute(c)
            .unwrap();
    }
    id
}

fn member(c: &mut DbConn, lib: LibraryId, name: &str, kind: &str, nik: &str) -> circ::Member {
    let tree = regions::tree(c).unwrap();
    let f = MemberForm {
        full_name: name.into(),
        gender: "P".into(),
        birth_date: "2010-05-01".into(),
        member_type: kind.into(),
        nik: nik.into(),
        ..Default::default()
    };
    let draft = MemberDraft::parse(&f, &tree, None, d(2026, 11, 21)).unwrap();
    circ::create_member(c, &sys(), lib, &draft, d(2026, 11, 21)).unwrap()
}

fn status(c: &mut DbConn, barcode: &str) -> String {
    items::table
        .filter(items::barcode.eq(barcode))
        .select(items::status)
        .first(c)
        .unwrap()
}

both_backends!(members_numbers_search_and_masked_audit, |db: &Db| {
    let lib = library(db, "Perpustakaan Desa Gonggang", "3520012001");
    let other = library(db, "TBM Lain", "3520012002");
    let mut c = db.conn().unwrap();
    let a = member(&mut c, lib, "Siti Aminah", "umum", "3520015708900042");
    let b = member(&mut c, lib, "Budi Santoso", "pelajar", "");
    assert_eq!(
        (a.member_no.as_str(), b.member_no.as_str()),
        ("A00001", "A00002")
    );
    // Each library numbers its own members.
    let x = member(&mut c, other, "Orang Lain", "umum", "");
    assert_eq!(x.member_no, "A00001");
    assert_eq!(a.nik().unwrap().masked(), "************0042");
    // Scoped reads: another library's member is not found.
    assert!(circ::get_member(&mut c, other, &a.id).is_err());
    let mut q = circ::MemberQuery::new(lib);
    q.text = Some("siti".into());
    assert_eq!(circ::list_members(&mut c, &q).unwrap().total, 1);
    q.text = Some("a0000".into());
    assert_eq!(circ::list_members(&mut c, &q).unwrap().total, 2);
    // The same NIK twice in one library is refused on the field.
    let tree = regions::tree(&mut c).unwrap();
    let dup = MemberDraft::parse(
        &MemberForm {
            full_name: "Siti Lain".into(),
            gender: "P".into(),
            nik: "3520015708900042".into(),
            ..Default::default()
        },
        &tree,
        None,
        d(2026, 11, 21),
    )
    .unwrap();
    match circ::create_member(&mut c, &sys(), lib, &dup, d(2026, 11, 21)) {
        Err(lentera_store::StoreError::Invalid(e)) => assert_eq!(e.0[0].field, "nik"),
        other => panic!("{other:?}"),
    }
    // Import matching: by NIK, then by name + birth date.
    assert_eq!(
        circ::find_existing_member(&mut c, lib, &dup)
            .unwrap()
            .unwrap()
            .id,
        a.id
    );
    // The audit trail never holds the NIK in clear.
    let trail = lentera_store::audit::list(
        &mut c,
        &Reach::Everything,
        &AuditQuery {
            entity: Some("member".into()),
            per_page: 50,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(trail.total, 3);
    for e in &trail.items {
        assert!(
            !e.details
                .as_deref()
                .unwrap_or("")
                .contains("3520015708900042")
        );
    }
    // Nor the member's name or other personal data: officers read the trail.
    for e in &trail.items {
        let all = format!("{} {}", e.summary, e.details.as_deref().unwrap_or(""));
        assert!(
            !all.contains("Siti") && !all.contains("2010-05-01"),
            "{all}"
        );
    }
    assert!(trail.items.iter().any(|e| e.summary == "member A00001"));
});

both_backends!(rules_due_dates_limits_fines_and_renewals, |db: &Db| {
    let lib = library(db, "Perpustakaan Desa Gonggang", "3520012001");
    let mut c = db.conn().unwrap();
    let by = sys();
    circ::save_rule(
        &mut c,
        &by,
        lib,
        &LoanRule {
            member_type: "pelajar".into(),
            collection: "*".into(),
            loan_days: 7,
            max_loans: 2,
            max_renewals: 1,
            fine_per_day: 500,
        },
    )
    .unwrap();
    circ::save_rule(
        &mut c,
        &by,
        lib,
        &LoanRule {
            member_type: "*".into(),
            collection: "referensi".into(),
            loan_days: 1,
            max_loans: 1,
            max_renewals: 0,
            fine_per_day: 1000,
        },
    )
    .unwrap();
    assert_eq!(circ::rules(&mut c, lib).unwrap().len(), 2);
    circ::save_settings(
        &mut c,
        &by,
        lib,
        &Settings {
            closed_weekdays: vec![Weekday::Sun],
            fines_enabled: true,
            hold_pickup_days: 3,
        },
    )
    .unwrap();
    // Nyepi 2026: Thursday 19 March.
    circ::save_holiday(&mut c, &by, lib, d(2026, 3, 19), "Hari Suci Nyepi").unwrap();
    book(&mut c, lib, "Budidaya Lele", "umum", &["B1", "B2", "B3"]);
    book(&mut c, lib, "Kamus Besar", "referensi", &["R1"]);
    let m = member(&mut c, lib, "Rina", "pelajar", "");
    let u = member(&mut c, lib, "Umum Satu", "umum", "");

    // Thursday 12 March + 7 = Thursday 19 (Nyepi) → Friday 20.
    let l1 = circ::checkout(&mut c, &by, lib, &m.id, "B1", d(2026, 3, 12))
        .unwrap()
        .unwrap();
    assert_eq!(l1.due_on, d(2026, 3, 20));
    assert_eq!(status(&mut c, "B1"), "on_loan");
    // Checkout appends to the search index feed.
    let changes: i64 = catalog_changes::table.count().get_result(&mut c).unwrap();
    assert!(changes >= 1);
    // The same item again: refused, not a second loan.
    assert_eq!(
        circ::checkout(&mut c, &by, lib, &u.id, "B1", d(2026, 3, 12)).unwrap(),
        Err(Refusal::AlreadyOnLoan)
    );
    circ::checkout(&mut c, &by, lib, &m.id, "B2", d(2026, 3, 12))
        .unwrap()
        .unwrap();
    // The pelajar limit is 2.
    assert_eq!(
        circ::checkout(&mut c, &by, lib, &m.id, "B3", d(2026, 3, 12)).unwrap(),
        Err(Refusal::LimitReached)
    );
    // Reference books: 1 day; Saturday 14 March + 1 = Sunday → Monday 16.
    let r = circ::checkout(&mut c, &by, lib, &u.id, "R1", d(2026, 3, 14))
        .unwrap()
        .unwrap();
    assert_eq!(r.due_on, d(2026, 3, 16));
    // Without any rule for "umum" × "umum": the 3-loan default applies.
    circ::checkout(&mut c, &by, lib, &u.id, "B3", d(2026, 3, 14))
        .unwrap()
        .unwrap();

    // Renew once from the day of renewal; the second is refused.
    let rn = circ::renew(&mut c, &by, lib, &m.id, "B1", d(2026, 3, 18))
        .unwrap()
        .unwrap();
    assert_eq!((rn.renewals, rn.due_on), (1, d(2026, 3, 25)));
    assert_eq!(
        circ::renew(&mut c, &by, lib, &m.id, "B1", d(2026, 3, 18)).unwrap(),
        Err(Refusal::MaxRenewals)
    );
    assert_eq!(
        circ::renew(&mut c, &by, lib, &u.id, "B1", d(2026, 3, 18)).unwrap(),
        Err(Refusal::NotOnLoanToMember)
    );

    // Overdue list on 24 March: B2 (due 20th), B3 (default 7 days from the
    // 14th: Saturday 21st) and R1 (due 16th).
    let overdue = circ::list_loans(
        &mut c,
        lib,
        &LoanQuery {
            overdue_on: Some(d(2026, 3, 24)),
            ..Default::default()
        },
        d(2026, 3, 24),
    )
    .unwrap();
    let mut codes: Vec<_> = overdue.iter().map(|l| l.barcode.as_str()).collect();
    codes.sort();
    assert_eq!(codes, ["B2", "B3", "R1"]);

    // Return B2 on Tuesday 24 March: due Friday 20; Sat 21, (Sun 22 closed),
    // Mon 23, Tue 24 → 3 open days × Rp500.
    let ret = circ::return_item(&mut c, &by, lib, "B2", d(2026, 3, 24))
        .unwrap()
        .unwrap();
    assert_eq!(ret.fine, 1500);
    assert!(ret.loan.returned_at.is_some());
    assert_eq!(status(&mut c, "B2"), "available");
    // Returning again: nothing on loan.
    assert!(
        circ::return_item(&mut c, &by, lib, "B2", d(2026, 3, 24))
            .unwrap()
            .is_err()
    );
    // With fines off, no fine.
    circ::save_settings(&mut c, &by, lib, &Settings::default()).unwrap();
    let ret = circ::return_item(&mut c, &by, lib, "R1", d(2026, 3, 24))
        .unwrap()
        .unwrap();
    assert_eq!(ret.fine, 0);

    // Inactive and expired members cannot borrow.
    circ::set_member_active(&mut c, &by, lib, &m.id, false).unwrap();
    assert_eq!(
        circ::checkout(&mut c, &by, lib, &m.id, "B2", d(2026, 3, 24)).unwrap(),
        Err(Refusal::MemberInactive)
    );
    // Unknown barcodes and other libraries' items are unknown.
    assert_eq!(
        circ::checkout(&mut c, &by, lib, &u.id, "NOPE", d(2026, 3, 24)).unwrap(),
        Err(Refusal::UnknownCode)
    );
});

both_backends!(holds_queue_ready_and_fulfil, |db: &Db| {
    let lib = library(db, "Perpustakaan Desa Gonggang", "3520012001");
    let mut c = db.conn().unwrap();
    let by = sys();
    let bib = book(&mut c, lib, "Laskar Pelangi", "fiksi", &["L1"]);
    let a = member(&mut c, lib, "Ani", "umum", "");
    let b = member(&mut c, lib, "Bayu", "umum", "");
    let e = member(&mut c, lib, "Eka", "umum", "");
    let day = d(2026, 11, 16);
    circ::checkout(&mut c, &by, lib, &a.id, "L1", day)
        .unwrap()
        .unwrap();
    let hb = circ::place_hold(&mut c, &by, lib, &b.id, &bib, day).unwrap();
    let he = circ::place_hold(&mut c, &by, lib, &e.id, &bib, day).unwrap();
    assert_eq!((hb.status.as_str(), hb.position), ("waiting", Some(1)));
    assert_eq!(he.position, Some(2));
    // A member holds a record once.
    assert!(circ::place_hold(&mut c, &by, lib, &b.id, &bib, day).is_err());
    // Someone waits: no renewal.
    assert_eq!(
        circ::renew(&mut c, &by, lib, &a.id, "L1", day).unwrap(),
        Err(Refusal::HeldForOther)
    );
    // The return sets the copy aside for the first in line.
    let ret = circ::return_item(&mut c, &by, lib, "L1", day)
        .unwrap()
        .unwrap();
    assert_eq!(ret.hold_for.as_deref(), Some(b.id.as_str()));
    let holds = circ::list_holds(&mut c, lib, None, day).unwrap();
    let hb = holds.iter().find(|h| h.member_id == b.id).unwrap();
    assert_eq!(hb.status, "ready");
    assert_eq!(hb.item_barcode.as_deref(), Some("L1"));
    // Monday 16 + 3 days = Thursday 19.
    assert_eq!(hb.ready_until, Some(d(2026, 11, 19)));
    // Someone else cannot take it from the hold shelf.
    assert_eq!(
        circ::checkout(&mut c, &by, lib, &e.id, "L1", day).unwrap(),
        Err(Refusal::HeldForOther)
    );
    // Not picked up in time: it passes to the next in line.
    circ::expire_holds(&mut c, lib, d(2026, 11, 20)).unwrap();
    let holds = circ::list_holds(&mut c, lib, None, d(2026, 11, 20)).unwrap();
    assert_eq!(holds.len(), 1);
    assert_eq!(
        (holds[0].member_id.as_str(), holds[0].status.as_str()),
        (e.id.as_str(), "ready")
    );
    // Eka borrows it: her hold is fulfilled.
    circ::checkout(&mut c, &by, lib, &e.id, "L1", d(2026, 11, 20))
        .unwrap()
        .unwrap();
    assert!(
        circ::list_holds(&mut c, lib, None, d(2026, 11, 20))
            .unwrap()
            .is_empty()
    );
    // Cancel: a new hold, then cancelled.
    let h = circ::place_hold(&mut c, &by, lib, &a.id, &bib, day).unwrap();
    circ::cancel_hold(&mut c, &by, lib, &h.id, day).unwrap();
    assert!(
        circ::list_holds(&mut c, lib, Some(&a.id), day)
            .unwrap()
            .is_empty()
    );
});

both_backends!(
    concurrent_checkouts_never_double_lend_or_lose_loans,
    |db: &Db| {
        let lib = library(db, "Perpustakaan Desa Gonggang", "3520012001");
        let mut c = db.conn().unwrap();
        let by = sys();
        // Generous limits so only the item decides.
        circ::save_rule(
            &mut c,
            &by,
            lib,
            &LoanRule {
                member_type: "*".into(),
                collection: "*".into(),
                loan_days: 7,
                max_loans: 100,
                max_renewals: 1,
                fine_per_day: 0,
            },
        )
        .unwrap();
        let codes: Vec<String> = (0..16).map(|i| format!("C{i:03}")).collect();
        let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
        book(&mut c, lib, "Satu Buku Banyak Eksemplar", "umum", &refs);
        let members: Vec<String> = (0..8)
            .map(|i| member(&mut c, lib, &format!("Anggota {i}"), "umum", "").id)
            .collect();
        drop(c);
        let day = d(2026, 11, 16);

        // 8 desks scan the same item at once: exactly one loan.
        let wins: usize = std::thread::scope(|s| {
            let handles: Vec<_> = members
                .iter()
                .map(|m| {
                    let db = db.clone();
                    let m = m.clone();
                    s.spawn(move || {
                        let mut c = db.conn().unwrap();
                        match circ::checkout(&mut c, &sys(), lib, &m, "C000", day).unwrap() {
                            Ok(_) => 1,
                            Err(r) => {
                                assert_eq!(r, Refusal::AlreadyOnLoan);
                                0
                            }
                        }
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(wins, 1);

        // 8 desks, 15 different items between them: every loan is kept.
        std::thread::scope(|s| {
            for (i, m) in members.iter().enumerate() {
                let db = db.clone();
                let mine: Vec<String> = codes[1..]
                    .iter()
                    .skip(i)
                    .step_by(members.len())
                    .cloned()
                    .collect();
                s.spawn(move || {
                    let mut c = db.conn().unwrap();
                    for code in mine {
                        circ::checkout(&mut c, &sys(), lib, m, &code, day)
                            .unwrap()
                            .unwrap();
                    }
                });
            }
        });
        let mut c = db.conn().unwrap();
        let open: i64 = loans::table
            .filter(loans::returned_at.is_null())
            .count()
            .get_result(&mut c)
            .unwrap();
        assert_eq!(open, 16);
        let on_loan: i64 = items::table
            .filter(items::status.eq("on_loan"))
            .count()
            .get_result(&mut c)
            .unwrap();
        assert_eq!(on_loan, 16);
    }
);
