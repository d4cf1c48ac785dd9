//! Aid on both backends: packages with their book list, allocations (one and
//! bulk from accepted proposals), shipments, the receipt and its
//! notification, late deliveries, reach filters, and the book list into the
//! receiving library's catalogue (items with source "Bantuan Perpusnas
//! 2024"; a second run adds nothing).

use chrono::NaiveDate;
use diesel::prelude::*;
use lentera_core::aid::{
    AllocationStatus, BulkDraft, ComponentKind, Condition, PackageDraft, PackageForm, ReceiptDraft,
    ShipmentDraft,
};
use lentera_core::audit::ActorRef;
use lentera_core::catalog::transfer::TransferFormat;
use lentera_core::field::Problem;
use lentera_core::ids::LibraryId;
use lentera_core::libraries::{LibraryDraft, LibraryForm};
use lentera_core::regions::RegionCode;
use lentera_core::uploads::FileKind;
use lentera_core::users::{Reach, UserDraft, UserForm};
use lentera_store::aid::{self, AllocationQuery, BookList};
use lentera_store::catalog::transfer::ProblemPosition;
use lentera_store::schema::{audit_log, biblios, items, notifications, program_years, proposals};
use lentera_store::uploads::NewUpload;
use lentera_store::{Db, DbConn, StoreError, both_backends, libraries, now, regions, users};
use std::path::PathBuf;

fn sys() -> ActorRef {
    ActorRef::system("test")
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn library(c: &mut DbConn, name: &str, village: &str) -> LibraryId {
    let tree = regions::tree(c).unwrap();
    let f = LibraryForm {
        kind: "desa".into(),
        name: name.into(),
        village_code: village.into(),
        participation: "book_aid".into(),
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

fn invalid_field(e: StoreError) -> (&'static str, Problem) {
    match e {
        StoreError::Invalid(i) => (i.0[0].field, i.0[0].problem.clone()),
        other => panic!("expected a field error, got {other:?}"),
    }
}

/// Four titles, five copies (one row asks for two); the third row has an
/// impossible year.
const CSV_LIST: &str = "judul,pengarang,isbn,tahun,eksemplar\n\
    Laskar Pelangi,Andrea Hirata,9789793062792,2005,2\n\
    Bumi Manusia,Pramoedya Ananta Toer,,1980,1\n\
    Ronggeng Dukuh Paruk,Ahmad Tohari,,3000,1\n\
    Si Kancil,Anonim,,,\n";

fn book_list<'a>(region: &'a RegionCode, bytes: &[u8]) -> BookList<'a> {
    let p = aid::prepare_book_list(
        bytes,
        &aid::Marking {
            year: 2024,
            source: "x",
            acquired_on: d(2024, 8, 1),
        },
    )
    .unwrap();
    BookList {
        upload: NewUpload {
            library: None,
            region,
            kind: match p.original {
                TransferFormat::Marc => FileKind::Marc,
                TransferFormat::MarcXml => FileKind::MarcXml,
                _ => FileKind::Csv,
            },
            filename: "daftar-buku.csv".into(),
            bytes: bytes.to_vec(),
            thumb: None,
            width: None,
            height: None,
            by: None,
        },
        titles: p.titles,
        copies: p.copies,
    }
}

fn package(c: &mut DbConn, full: bool, list: Option<&[u8]>) -> aid::Package {
    let draft = PackageDraft::parse(&PackageForm::standard(2024, full), 2026).unwrap();
    let region = aid::national_region();
    aid::create_package(c, &sys(), &draft, list.map(|b| book_list(&region, b))).unwrap()
}

fn aid_items(c: &mut DbConn, lib: LibraryId) -> Vec<(String, Option<String>, Option<NaiveDate>)> {
    items::table
        .filter(items::library_id.eq(lib.to_string()))
        .filter(items::source.eq("Bantuan Perpusnas 2024"))
        .order(items::barcode)
        .select((items::barcode, items::source, items::acquired_on))
        .load(c)
        .unwrap()
}

fn shipment(
    planned: Option<NaiveDate>,
    shipped: Option<NaiveDate>,
    delivered: Option<NaiveDate>,
) -> ShipmentDraft {
    ShipmentDraft {
        planned_date: planned,
        shipped_date: shipped,
        delivered_date: delivered,
        courier: Some("Pos Indonesia".into()),
        tracking: None,
        note: None,
    }
}

fn receipt(shortfalls: Option<&str>) -> ReceiptDraft {
    ReceiptDraft {
        received_on: d(2024, 8, 20),
        receiver_name: "Sri Wahyuningsih".into(),
        receiver_position: Some("Pengelola perpustakaan".into()),
        condition: if shortfalls.is_some() {
            Condition::PartlyDamaged
        } else {
            Condition::Good
        },
        shortfalls: shortfalls.map(str::to_string),
    }
}

both_backends!(packages_keep_components_and_book_list, |db: &Db| {
    let c = &mut db.conn().unwrap();
    let p = package(c, true, Some(CSV_LIST.as_bytes()));
    assert_eq!(p.year, 2024);
    assert!(p.full_support);
    assert_eq!(p.components.len(), 6);
    assert_eq!(p.components[0].kind, ComponentKind::Books);
    assert_eq!(p.components[0].quantity, 1000);
    assert_eq!((p.book_titles, p.book_copies), (4, 5));
    let upload = p.book_list_upload_id.clone().unwrap();
    let info = lentera_store::uploads::info(c, &upload).unwrap();
    assert_eq!(info.region_code, "00");
    assert_eq!(info.library_id, None);

    // Fewer components: the removed ones had no shipments, so they go;
    // the kept ones keep their ids.
    let mut f = PackageForm::standard(2024, true);
    f.components.truncate(2);
    f.name = "Paket dukungan penuh 2024".into();
    let draft = PackageDraft::parse(&f, 2026).unwrap();
    let q = aid::update_package(c, &sys(), &p.id, &draft, None).unwrap();
    assert_eq!(q.components.len(), 2);
    assert_eq!(q.components[0].id, p.components[0].id);
    assert_eq!(q.name, "Paket dukungan penuh 2024");
    assert_eq!(q.book_list_upload_id, Some(upload), "the list stays");

    let book = package(c, false, None);
    assert_eq!(aid::list_packages(c, Some(2024)).unwrap().len(), 2);
    assert_eq!(aid::list_packages(c, Some(2023)).unwrap().len(), 0);
    assert!(!aid::get_package(c, &book.id).unwrap().full_support);
    assert!(matches!(
        aid::get_package(c, "nope"),
        Err(StoreError::NotFound)
    ));
    let actions: Vec<String> = audit_log::table
        .filter(audit_log::entity.eq("aid_package"))
        .select(audit_log::action)
        .load(c)
        .unwrap();
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "aid.package_create")
            .count(),
        2
    );
    assert!(actions.contains(&"aid.package_update".to_string()));
});

both_backends!(the_cycle_from_allocation_to_catalogue_items, |db: &Db| {
    let c = &mut db.conn().unwrap();
    let lib = library(c, "Perpustakaan Desa Contoh Magetan", "3520012001");
    let manager = user(c, "pengelola.magetan", "manager", "", Some(lib));
    let district = user(c, "dinas.magetan", "district", "3520", None);
    let other_district = user(c, "dinas.sanggau", "district", "6103", None);
    // The library already holds Laskar Pelangi: the aid copies still come.
    let own = b"judul,pengarang,isbn,eksemplar\nLaskar Pelangi,Andrea Hirata,9789793062792,1\n";
    lentera_store::catalog::transfer::import(
        c,
        &sys(),
        lib,
        Box::new(std::io::Cursor::new(own.to_vec())),
        None,
        &Default::default(),
        &mut |_| {},
    )
    .unwrap();
    let p = package(c, false, Some(CSV_LIST.as_bytes()));

    let a = aid::create_allocation(c, &sys(), lib, &p.id, Some(d(2024, 8, 31))).unwrap();
    assert_eq!(a.year, 2024);
    assert_eq!(a.status, AllocationStatus::Allocated);
    assert_eq!(a.region_code, "3520012001");
    assert!(a.has_book_list);
    // One allocation per library and year.
    let e = aid::create_allocation(c, &sys(), lib, &p.id, None).unwrap_err();
    assert_eq!(invalid_field(e), ("library", Problem::Duplicate));
    let e = aid::create_allocation(c, &sys(), lib, "no-such-package", None).unwrap_err();
    assert_eq!(invalid_field(e), ("package", Problem::NotFound));
    // The library hears about it.
    let to_manager: i64 = notifications::table
        .filter(notifications::user_id.eq(&manager))
        .count()
        .get_result(c)
        .unwrap();
    assert_eq!(to_manager, 1);

    // Books cannot enter the catalogue before receipt.
    let e = aid::import_books(c, &sys(), &a.id, 2026).unwrap_err();
    assert_eq!(invalid_field(e), ("books", Problem::WrongStatus));

    let shelf = p
        .components
        .iter()
        .find(|x| x.kind == ComponentKind::Shelf)
        .unwrap();
    let books = p
        .components
        .iter()
        .find(|x| x.kind == ComponentKind::Books)
        .unwrap();
    let det = aid::save_shipment(
        c,
        &sys(),
        &a.id,
        &shelf.id,
        &shipment(Some(d(2024, 7, 1)), Some(d(2024, 7, 15)), None),
    )
    .unwrap();
    assert_eq!(det.allocation.status, AllocationStatus::Shipped);
    assert_eq!(det.shipments.len(), 1);
    aid::save_shipment(
        c,
        &sys(),
        &a.id,
        &shelf.id,
        &shipment(None, Some(d(2024, 7, 15)), Some(d(2024, 7, 22))),
    )
    .unwrap();
    let det = aid::save_shipment(
        c,
        &sys(),
        &a.id,
        &books.id,
        &shipment(None, Some(d(2024, 8, 5)), Some(d(2024, 8, 19))),
    )
    .unwrap();
    assert_eq!(det.allocation.status, AllocationStatus::Delivered);
    assert_eq!(
        det.shipments.len(),
        2,
        "one row per component, updated in place"
    );
    assert_eq!(
        det.shipment(&shelf.id).unwrap().planned_date,
        None,
        "replaced"
    );
    // A component of another package is not this allocation's.
    let other = package(c, true, None);
    assert!(matches!(
        aid::save_shipment(
            c,
            &sys(),
            &a.id,
            &other.components[0].id,
            &shipment(None, None, None)
        ),
        Err(StoreError::NotFound)
    ));

    // The BAST with shortfalls tells the district above, not another one.
    let photo = lentera_store::uploads::NewUpload {
        library: Some(lib),
        region: &RegionCode::parse("3520012001").unwrap(),
        kind: FileKind::Jpeg,
        filename: "foto.jpg".into(),
        bytes: vec![0xFF, 0xD8, 0xFF, 0xE0],
        thumb: None,
        width: None,
        height: None,
        by: None,
    };
    let r = aid::record_receipt(
        c,
        &sys(),
        &a.id,
        &receipt(Some("Rak tergores, 3 buku basah")),
        Some(photo),
        None,
    )
    .unwrap();
    assert_eq!(r.condition, Condition::PartlyDamaged);
    assert!(r.photo_upload_id.is_some());
    let told = |c: &mut DbConn, u: &str| -> i64 {
        notifications::table
            .filter(notifications::user_id.eq(u))
            .filter(notifications::title_id.like("%kekurangan%"))
            .count()
            .get_result(c)
            .unwrap()
    };
    assert_eq!(told(c, &district), 1);
    assert_eq!(told(c, &other_district), 0);
    let a2 = aid::get_allocation(c, &a.id).unwrap();
    assert_eq!(a2.status, AllocationStatus::Received);
    assert_eq!(a2.received_on, Some(d(2024, 8, 20)));
    assert!(a2.books_pending());
    assert!(!a2.late(d(2024, 12, 1)), "received is never late");
    // Only one BAST.
    let e = aid::record_receipt(c, &sys(), &a.id, &receipt(None), None, None).unwrap_err();
    assert_eq!(invalid_field(e), ("received_on", Problem::WrongStatus));

    // The books, in one action.
    let out = aid::import_books(c, &sys(), &a.id, 2026).unwrap();
    let r = &out.result;
    assert_eq!(r.items_created, 4, "{r:#?}");
    assert_eq!(r.failed, 1, "the impossible year 3000");
    assert_eq!(r.problems.len(), 1);
    assert_eq!(
        r.problems[0].position,
        ProblemPosition::Row { row: 4 },
        "as in the original list"
    );
    assert_eq!(r.format, Some(TransferFormat::Csv));
    assert_eq!(out.total, 4);
    let got = aid_items(c, lib);
    assert_eq!(got.len(), 4);
    assert!(got.iter().all(|(_, _, on)| *on == Some(d(2024, 8, 20))));
    assert_eq!(got[0].0, "BP2024-00001");
    // Laskar Pelangi: still one record, now with its own copy and two aid
    // copies.
    let laskar: Vec<String> = biblios::table
        .filter(biblios::library_id.eq(lib.to_string()))
        .filter(biblios::isbn.eq("9789793062792"))
        .select(biblios::id)
        .load(c)
        .unwrap();
    assert_eq!(laskar.len(), 1);
    let copies: i64 = items::table
        .filter(items::biblio_id.eq(&laskar[0]))
        .count()
        .get_result(c)
        .unwrap();
    assert_eq!(copies, 3);

    // Twice: nothing new.
    let again = aid::import_books(c, &sys(), &a.id, 2026).unwrap();
    assert_eq!(again.result.items_created, 0);
    assert_eq!(again.result.created, 0);
    assert_eq!(again.total, 4);
    assert_eq!(aid_items(c, lib).len(), 4);
    let a3 = aid::get_allocation(c, &a.id).unwrap();
    assert!(a3.books_imported_at.is_some());
    assert_eq!(a3.books_imported, 4);
    assert!(!a3.books_pending());

    let actions: Vec<String> = audit_log::table
        .filter(audit_log::entity_id.eq(&a.id))
        .select(audit_log::action)
        .load(c)
        .unwrap();
    for want in [
        "aid.allocate",
        "aid.shipment",
        "aid.receipt",
        "aid.books_import",
    ] {
        assert!(actions.iter().any(|x| x == want), "{want} in {actions:?}");
    }
    // After receipt the allocation cannot change or go.
    let e = aid::update_allocation(c, &sys(), &a.id, &p.id, None).unwrap_err();
    assert_eq!(invalid_field(e), ("due_date", Problem::WrongStatus));
    let e = aid::delete_allocation(c, &sys(), &a.id).unwrap_err();
    assert_eq!(invalid_field(e), ("status", Problem::WrongStatus));
});

both_backends!(marc_book_lists_enter_the_catalogue_once, |db: &Db| {
    let c = &mut db.conn().unwrap();
    let lib = library(c, "Perpustakaan Desa MARC", "3520012002");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../marc/tests/data/pymarc/test.dat");
    let marc = std::fs::read(path).unwrap();
    let p = package(c, false, Some(&marc));
    assert_eq!(p.book_titles, 10);
    let a = aid::create_allocation(c, &sys(), lib, &p.id, None).unwrap();
    aid::record_receipt(c, &sys(), &a.id, &receipt(None), None, None).unwrap();
    let out = aid::import_books(c, &sys(), &a.id, 2026).unwrap();
    assert_eq!(out.result.format, Some(TransferFormat::Marc));
    let copies = p.book_copies as u64;
    assert!(copies >= 10);
    assert_eq!(out.result.items_created, copies, "{:#?}", out.result);
    assert_eq!(aid_items(c, lib).len() as u64, copies);
    let again = aid::import_books(c, &sys(), &a.id, 2026).unwrap();
    assert_eq!((again.result.items_created, again.result.created), (0, 0));
    assert_eq!(aid_items(c, lib).len() as u64, copies);
});

both_backends!(late_deliveries_and_reach, |db: &Db| {
    let c = &mut db.conn().unwrap();
    let magetan = library(c, "Perpustakaan Desa Satu", "3520012001");
    let magetan2 = library(c, "TBM Dua", "3520012002");
    let sanggau = library(c, "Perpustakaan Desa Balai Sebut", "6103042001");
    let p = package(c, false, None);
    let due = Some(d(2024, 8, 31));
    let a1 = aid::create_allocation(c, &sys(), magetan, &p.id, due).unwrap();
    let a2 = aid::create_allocation(c, &sys(), magetan2, &p.id, due).unwrap();
    let a3 = aid::create_allocation(c, &sys(), sanggau, &p.id, None).unwrap();
    aid::record_receipt(c, &sys(), &a2.id, &receipt(None), None, None).unwrap();
    let books = &p.components[0];
    aid::save_shipment(
        c,
        &sys(),
        &a1.id,
        &books.id,
        &shipment(None, Some(d(2024, 8, 10)), None),
    )
    .unwrap();

    let ids = |c: &mut DbConn, q: &AllocationQuery| -> Vec<String> {
        let mut v: Vec<String> = aid::list_allocations(c, q)
            .unwrap()
            .items
            .into_iter()
            .map(|a| a.id)
            .collect();
        v.sort();
        v
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let everything = AllocationQuery::new(Reach::Everything);
    assert_eq!(ids(c, &everything).len(), 3);
    let district = AllocationQuery::new(Reach::Region(RegionCode::parse("3520").unwrap()));
    assert_eq!(
        ids(c, &district),
        sorted(vec![a1.id.clone(), a2.id.clone()])
    );
    let one = AllocationQuery::new(Reach::Libraries(vec![sanggau]));
    assert_eq!(ids(c, &one), vec![a3.id.clone()]);
    let none = AllocationQuery::new(Reach::Libraries(vec![]));
    assert!(ids(c, &none).is_empty());

    // Late: due passed and not received. Sanggau has no due date.
    let day = d(2024, 9, 15);
    let mut late = AllocationQuery::new(Reach::Everything);
    late.late_on = Some(day);
    assert_eq!(ids(c, &late), vec![a1.id.clone()]);
    assert_eq!(
        aid::late_count(c, &Reach::Region(RegionCode::parse("35").unwrap()), day).unwrap(),
        1
    );
    assert_eq!(
        aid::late_count(c, &Reach::Region(RegionCode::parse("61").unwrap()), day).unwrap(),
        0
    );
    assert_eq!(
        aid::late_count(c, &Reach::Everything, d(2024, 8, 31)).unwrap(),
        0,
        "due day itself is not late"
    );
    let counts = aid::status_counts(c, &everything, day).unwrap();
    assert_eq!(
        (
            counts.total,
            counts.allocated,
            counts.shipped,
            counts.delivered,
            counts.received,
            counts.late
        ),
        (3, 1, 1, 0, 1, 1)
    );
    let mut shipped = AllocationQuery::new(Reach::Everything);
    shipped.status = Some(AllocationStatus::Shipped);
    assert_eq!(ids(c, &shipped), vec![a1.id.clone()]);
    let mut by_region = AllocationQuery::new(Reach::Everything);
    by_region.region = Some(RegionCode::parse("6103").unwrap());
    assert_eq!(ids(c, &by_region), vec![a3.id.clone()]);
    assert_eq!(aid::for_library(c, magetan).unwrap().len(), 1);
});

both_backends!(bulk_allocation_follows_accepted_proposals, |db: &Db| {
    let c = &mut db.conn().unwrap();
    let t = now();
    diesel::insert_into(program_years::table)
        .values((
            program_years::year.eq(2024),
            program_years::name.eq("TPBIS 2024"),
            program_years::created_at.eq(t),
            program_years::updated_at.eq(t),
        ))
        .execute(c)
        .unwrap();
    let full = library(c, "Perpustakaan Desa Penuh", "3520012001");
    let book = library(c, "Perpustakaan Desa Buku", "3520012002");
    let repl = library(c, "Perpustakaan Desa Replikasi", "3520012003");
    let rejected = library(c, "Perpustakaan Desa Ditolak", "3520012004");
    let sanggau = library(c, "Perpustakaan Desa Balai Sebut", "6103042001");
    let unsaid = library(c, "Perpustakaan Desa Tanpa Status", "3520012006");
    let propose = |c: &mut DbConn,
                   lib: LibraryId,
                   village: &str,
                   status: &str,
                   participation: Option<&str>| {
        diesel::insert_into(proposals::table)
            .values((
                proposals::id.eq(uuid::Uuid::now_v7().to_string()),
                proposals::year.eq(2024),
                proposals::library_id.eq(lib.to_string()),
                proposals::region_code.eq(village),
                proposals::requested.eq("book_aid"),
                proposals::status.eq(status),
                proposals::participation.eq(participation),
                proposals::created_at.eq(t),
                proposals::updated_at.eq(t),
            ))
            .execute(c)
            .unwrap();
    };
    propose(c, full, "3520012001", "accepted", Some("full_support"));
    propose(c, book, "3520012002", "accepted", Some("book_aid"));
    propose(c, repl, "3520012003", "accepted", Some("replication"));
    propose(c, rejected, "3520012004", "rejected", None);
    propose(c, sanggau, "6103042001", "accepted", Some("book_aid"));
    // No participation on the proposal: the registry's (book aid) counts.
    propose(c, unsaid, "3520012006", "accepted", None);
    let full_pkg = package(c, true, None);
    let book_pkg = package(c, false, None);
    let draft = BulkDraft {
        year: 2024,
        full_support_package: Some(full_pkg.id.clone()),
        book_aid_package: Some(book_pkg.id.clone()),
        due_date: Some(d(2024, 8, 31)),
    };
    let magetan = Reach::Region(RegionCode::parse("3520").unwrap());
    let out = aid::bulk_allocate(c, &sys(), &magetan, &draft).unwrap();
    assert_eq!(
        (
            out.recipients,
            out.created,
            out.existing,
            out.without_package
        ),
        (4, 3, 0, 1)
    );
    let all = aid::list_allocations(c, &AllocationQuery::new(Reach::Everything))
        .unwrap()
        .items;
    assert_eq!(all.len(), 3);
    let of = |lib: LibraryId| {
        all.iter()
            .find(|a| a.library_id == lib.to_string())
            .map(|a| a.package_id.clone())
    };
    assert_eq!(of(full), Some(full_pkg.id.clone()));
    assert_eq!(of(book), Some(book_pkg.id.clone()));
    assert_eq!(of(unsaid), Some(book_pkg.id.clone()));
    assert_eq!(of(repl), None);
    assert_eq!(of(sanggau), None, "outside the district's reach");
    assert!(all.iter().all(|a| a.due_date == Some(d(2024, 8, 31))));
    // Again, nationally: Sanggau is added, the others exist.
    let out = aid::bulk_allocate(c, &sys(), &Reach::Everything, &draft).unwrap();
    assert_eq!(
        (
            out.recipients,
            out.created,
            out.existing,
            out.without_package
        ),
        (5, 1, 3, 1)
    );
    // A package of another year is refused on its field.
    let mut f = PackageForm::standard(2023, false);
    f.name = "Paket 2023".into();
    let p23 =
        aid::create_package(c, &sys(), &PackageDraft::parse(&f, 2026).unwrap(), None).unwrap();
    let e = aid::bulk_allocate(
        c,
        &sys(),
        &Reach::Everything,
        &BulkDraft {
            book_aid_package: Some(p23.id),
            ..draft
        },
    )
    .unwrap_err();
    assert_eq!(
        invalid_field(e),
        ("book_aid_package", Problem::NotAllowedHere)
    );
});

both_backends!(bulk_shipments_and_corrections, |db: &Db| {
    let c = &mut db.conn().unwrap();
    let l1 = library(c, "Perpustakaan Desa Satu", "3520012001");
    let l2 = library(c, "Perpustakaan Desa Dua", "3520012002");
    let l3 = library(c, "Perpustakaan Desa Balai Sebut", "6103042001");
    let p = package(c, false, None);
    let a1 = aid::create_allocation(c, &sys(), l1, &p.id, None).unwrap();
    let a2 = aid::create_allocation(c, &sys(), l2, &p.id, None).unwrap();
    let a3 = aid::create_allocation(c, &sys(), l3, &p.id, None).unwrap();
    aid::record_receipt(c, &sys(), &a2.id, &receipt(None), None, None).unwrap();
    // Shelves of the package shipped in July, within Jawa Timur.
    let out = aid::bulk_shipment(
        c,
        &sys(),
        &Reach::Region(RegionCode::parse("35").unwrap()),
        None,
        &p.id,
        ComponentKind::Shelf,
        &shipment(None, Some(d(2024, 7, 15)), None),
    )
    .unwrap();
    assert_eq!((out.updated, out.skipped), (1, 1), "a2 is already received");
    let d1 = aid::detail(c, &a1.id).unwrap();
    assert_eq!(d1.allocation.status, AllocationStatus::Shipped);
    assert_eq!(d1.shipments[0].shipped_date, Some(d(2024, 7, 15)));
    assert!(
        aid::detail(c, &a3.id).unwrap().shipments.is_empty(),
        "outside reach"
    );
    // Delivery added later keeps the shipping date.
    aid::bulk_shipment(
        c,
        &sys(),
        &Reach::Everything,
        Some(&RegionCode::parse("3520").unwrap()),
        &p.id,
        ComponentKind::Shelf,
        &ShipmentDraft {
            delivered_date: Some(d(2024, 7, 20)),
            ..Default::default()
        },
    )
    .unwrap();
    let s = &aid::detail(c, &a1.id).unwrap().shipments[0];
    assert_eq!(
        (s.shipped_date, s.delivered_date),
        (Some(d(2024, 7, 15)), Some(d(2024, 7, 20)))
    );
    assert_eq!(s.courier.as_deref(), Some("Pos Indonesia"));
    let e = aid::bulk_shipment(
        c,
        &sys(),
        &Reach::Everything,
        None,
        &p.id,
        ComponentKind::Pc,
        &shipment(None, Some(d(2024, 7, 1)), None),
    )
    .unwrap_err();
    assert_eq!(
        invalid_field(e),
        ("component_kind", Problem::NotAllowedHere)
    );

    // Corrections: the package of a shipped allocation stays; a fresh one
    // may change or go.
    let other = package(c, true, None);
    let e = aid::update_allocation(c, &sys(), &a1.id, &other.id, None).unwrap_err();
    assert_eq!(invalid_field(e), ("package", Problem::WrongStatus));
    let moved = aid::update_allocation(c, &sys(), &a3.id, &other.id, Some(d(2024, 9, 30))).unwrap();
    assert_eq!(moved.package_id, other.id);
    assert_eq!(moved.due_date, Some(d(2024, 9, 30)));
    // A component with shipments cannot be removed from its package.
    let mut f = PackageForm::standard(2024, false);
    f.components.truncate(1);
    let e = aid::update_package(
        c,
        &sys(),
        &p.id,
        &PackageDraft::parse(&f, 2026).unwrap(),
        None,
    )
    .unwrap_err();
    assert_eq!(invalid_field(e), ("c1_kind", Problem::WrongStatus));
    let mut f = PackageForm::standard(2025, false);
    f.components.truncate(2);
    let e = aid::update_package(
        c,
        &sys(),
        &p.id,
        &PackageDraft::parse(&f, 2026).unwrap(),
        None,
    )
    .unwrap_err();
    assert_eq!(invalid_field(e), ("program_year", Problem::WrongStatus));
    aid::delete_allocation(c, &sys(), &a3.id).unwrap();
    assert!(matches!(
        aid::get_allocation(c, &a3.id),
        Err(StoreError::NotFound)
    ));
    let e = aid::delete_allocation(c, &sys(), &a1.id).unwrap_err();
    assert_eq!(invalid_field(e), ("status", Problem::WrongStatus));
});
