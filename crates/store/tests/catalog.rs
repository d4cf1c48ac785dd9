//! The catalogue's records and items on both backends.

use lentera_core::audit::ActorRef;
use lentera_core::catalog::{BiblioDraft, BiblioForm, Isbn, ItemDraft, ItemForm, ItemStatus};
use lentera_core::field::Problem;
use lentera_core::ids::LibraryId;
use lentera_core::libraries::{LibraryDraft, LibraryForm};
use lentera_store::catalog::{self, BiblioQuery, LabelChoice};
use lentera_store::{Db, DbConn, StoreError, both_backends, libraries, regions, write_tx};

fn library(c: &mut DbConn, name: &str) -> LibraryId {
    let tree = regions::tree(c).unwrap();
    let f = LibraryForm {
        kind: "desa".into(),
        name: name.into(),
        village_code: "3520012001".into(),
        ..Default::default()
    };
    libraries::create(
        c,
        &ActorRef::system("test"),
        &LibraryDraft::parse(&f, &tree, 2026).unwrap(),
    )
    .unwrap()
    .id
}

fn draft(title: &str, author: &str, isbn: &str) -> BiblioDraft {
    BiblioDraft::parse(
        &BiblioForm {
            title: title.into(),
            authors: author.into(),
            isbn: isbn.into(),
            ddc: "639.3".into(),
            ..Default::default()
        },
        2026,
    )
    .unwrap()
}

fn item(barcode: &str) -> ItemDraft {
    ItemDraft::parse(
        &ItemForm {
            barcode: barcode.into(),
            source: "Bantuan Perpusnas 2024".into(),
            ..Default::default()
        },
        2026,
    )
    .unwrap()
}

both_backends!(counters_count_per_library_and_kind, |db: &Db| {
    let mut c = db.conn().unwrap();
    let a = library(&mut c, "Perpustakaan A");
    let b = library(&mut c, "Perpustakaan B");
    let next = |c: &mut DbConn, l, k| write_tx(c, |c| catalog::next_counter(c, l, k)).unwrap();
    assert_eq!(next(&mut c, a, "item"), 1);
    assert_eq!(next(&mut c, a, "item"), 2);
    assert_eq!(next(&mut c, a, "member"), 1);
    assert_eq!(next(&mut c, b, "item"), 1);
    assert_eq!(next(&mut c, a, "item"), 3);
    // Concurrent callers never get the same value.
    let mut handles = Vec::new();
    for _ in 0..4 {
        let db = db.clone();
        handles.push(std::thread::spawn(move || {
            let mut c = db.conn().unwrap();
            (0..10)
                .map(|_| write_tx(&mut c, |c| catalog::next_counter(c, b, "item")).unwrap())
                .collect::<Vec<_>>()
        }));
    }
    let mut all: Vec<i64> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    all.sort();
    assert_eq!(all, (2..=41).collect::<Vec<_>>());
});

both_backends!(records_items_and_barcodes, |db: &Db| {
    let mut c = db.conn().unwrap();
    let by = ActorRef::system("test");
    let lib = library(&mut c, "Perpustakaan A");
    let other = library(&mut c, "Perpustakaan B");
    let b1 = catalog::create_biblio(
        &mut c,
        &by,
        lib,
        &draft("Budidaya Lele", "Suyanto, R.", "978-979-002-418-2"),
    )
    .unwrap();
    let b2 = catalog::create_biblio(
        &mut c,
        &by,
        lib,
        &draft("Lele Sangkuriang", "Amri, K.", "9789790024182"),
    )
    .unwrap();
    let b3 = catalog::create_biblio(
        &mut c,
        &by,
        lib,
        &draft("Bertanam Cabai", "Hesti Sunarto", ""),
    )
    .unwrap();
    catalog::create_biblio(
        &mut c,
        &by,
        other,
        &draft("Budidaya Lele", "Suyanto, R.", "9789790024182"),
    )
    .unwrap();

    // Generated barcodes count per library; a scanned one is kept as typed.
    let i1 = catalog::add_item(&mut c, &by, &b1.id, &item("")).unwrap();
    assert_eq!(i1.barcode, "B000001");
    assert_eq!(i1.call_number.as_deref(), Some("639.3 SUY b"));
    // A scanned label that takes the next generated number is skipped.
    let i2 = catalog::add_item(&mut c, &by, &b2.id, &item("B000002")).unwrap();
    let i3 = catalog::add_item(&mut c, &by, &b1.id, &item("")).unwrap();
    assert_eq!(
        (i2.barcode.as_str(), i3.barcode.as_str()),
        ("B000002", "B000003")
    );
    let dup = catalog::add_item(&mut c, &by, &b3.id, &item("B000002")).unwrap_err();
    match dup {
        StoreError::Invalid(e) => {
            assert_eq!(e.for_field("barcode").unwrap().problem, Problem::Duplicate)
        }
        e => panic!("{e:?}"),
    }
    // Other libraries have their own numbers.
    let ob = catalog::list_biblios(&mut c, &BiblioQuery::new(other)).unwrap();
    let oi = catalog::add_item(&mut c, &by, &ob.items[0].biblio.id, &item("")).unwrap();
    assert_eq!(oi.barcode, "B000001");

    assert_eq!(
        catalog::item_by_barcode(&mut c, lib, " B000003 ")
            .unwrap()
            .unwrap()
            .id,
        i3.id
    );
    assert!(
        catalog::item_by_barcode(&mut c, lib, "B999")
            .unwrap()
            .is_none()
    );

    // Lists: counts, the duplicate flag, search by title, author, ISBN, barcode.
    catalog::set_item_status(&mut c, &by, &i3.id, ItemStatus::InRepair).unwrap();
    let all = catalog::list_biblios(&mut c, &BiblioQuery::new(lib)).unwrap();
    assert_eq!(all.total, 3);
    let e1 = all.items.iter().find(|e| e.biblio.id == b1.id).unwrap();
    assert_eq!(
        (e1.items_total, e1.items_available, e1.duplicate_isbn),
        (2, 1, true)
    );
    assert_eq!(
        catalog::duplicate_isbns(&mut c, lib).unwrap(),
        ["9789790024182"]
    );
    assert_eq!(
        catalog::duplicate_isbns(&mut c, other).unwrap(),
        Vec::<String>::new()
    );
    let search = |c: &mut DbConn, t: &str| {
        let mut q = BiblioQuery::new(lib);
        q.text = Some(t.into());
        let mut v: Vec<String> = catalog::list_biblios(c, &q)
            .unwrap()
            .items
            .into_iter()
            .map(|e| e.biblio.title)
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        search(&mut c, "lele"),
        ["Budidaya Lele", "Lele Sangkuriang"]
    );
    assert_eq!(search(&mut c, "SUNARTO"), ["Bertanam Cabai"]);
    assert_eq!(search(&mut c, "979-002-418-2").len(), 0);
    assert_eq!(search(&mut c, "978-979-002-418-2").len(), 2);
    assert_eq!(search(&mut c, "B000002"), ["Lele Sangkuriang"]);
    assert_eq!(search(&mut c, "100%_"), Vec::<String>::new());
    let mut q = BiblioQuery::new(lib);
    q.duplicates_only = true;
    assert_eq!(catalog::list_biblios(&mut c, &q).unwrap().total, 2);

    // Imports match by ISBN, then control number.
    let isbn = Isbn::parse("9789790024182").unwrap();
    assert!(
        catalog::find_match(&mut c, lib, Some(&isbn), None)
            .unwrap()
            .is_some()
    );
    assert_eq!(
        catalog::find_match(&mut c, lib, None, Some("x1")).unwrap(),
        None
    );
    let mut d = draft("Impor", "", "");
    d.control_number = Some("x1".into());
    let id = write_tx(&mut c, |c| {
        catalog::insert_biblio(c, lib, &d, Some(b"00000nam"))
    })
    .unwrap();
    assert_eq!(
        catalog::find_match(&mut c, lib, None, Some("x1")).unwrap(),
        Some(id.clone())
    );
    assert_eq!(
        catalog::get_biblio(&mut c, &id).unwrap().marc.as_deref(),
        Some(&b"00000nam"[..])
    );

    // Optimistic concurrency on records.
    let stale = b3.updated_at;
    let fresh = catalog::update_biblio(
        &mut c,
        &by,
        &b3.id,
        &draft("Bertanam Cabai Rawit", "Hesti Sunarto", ""),
        Some(stale),
    )
    .unwrap();
    assert!(matches!(
        catalog::update_biblio(&mut c, &by, &b3.id, &draft("X", "", ""), Some(stale)),
        Err(StoreError::Conflict)
    ));
    assert_eq!(fresh.title_key, "bertanam cabai rawit");

    // Labels: not yet printed, then nothing new after marking.
    let rows = catalog::label_rows(&mut c, lib, &LabelChoice::NotPrinted, 1000).unwrap();
    assert_eq!(rows.len(), 3);
    catalog::mark_labels_printed(&mut c, lib, rows.last().unwrap().created_at).unwrap();
    assert!(
        catalog::label_rows(&mut c, lib, &LabelChoice::NotPrinted, 1000)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        catalog::label_rows(&mut c, lib, &LabelChoice::Record(b1.id.clone()), 1000)
            .unwrap()
            .len(),
        2
    );

    // Every write noted the record for the search index.
    use diesel::prelude::*;
    use lentera_store::schema::catalog_changes;
    let touched: i64 = catalog_changes::table
        .filter(catalog_changes::biblio_id.eq(&b1.id))
        .count()
        .get_result(&mut c)
        .unwrap();
    assert_eq!(touched, 4); // create, two items, status

    // Deleting: refused while on loan, otherwise the items go too.
    catalog::delete_biblio(&mut c, &by, &b1.id).unwrap();
    assert!(matches!(
        catalog::get_biblio(&mut c, &b1.id),
        Err(StoreError::NotFound)
    ));
    assert!(
        catalog::item_by_barcode(&mut c, lib, "B000001")
            .unwrap()
            .is_none()
    );
    diesel::update(
        lentera_store::schema::items::table.filter(lentera_store::schema::items::id.eq(&i2.id)),
    )
    .set(lentera_store::schema::items::status.eq("on_loan"))
    .execute(&mut c)
    .unwrap();
    assert!(matches!(
        catalog::delete_biblio(&mut c, &by, &b2.id),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        catalog::set_item_status(&mut c, &by, &i2.id, ItemStatus::Lost),
        Err(StoreError::Invalid(_))
    ));
});

both_backends!(bulk_insert_reserves_barcodes, |db: &Db| {
    let mut c = db.conn().unwrap();
    let by = ActorRef::system("test");
    let lib = library(&mut c, "Perpustakaan A");
    // A scanned label already holds B000002: the block skips it.
    let first = catalog::create_biblio(&mut c, &by, lib, &draft("Lama", "", "")).unwrap();
    catalog::add_item(&mut c, &by, &first.id, &item("B000002")).unwrap();
    let d1 = draft("Satu", "Suyanto, R.", "");
    let d2 = draft("Dua", "", "9789790024182");
    let recs = vec![
        catalog::NewRecord {
            draft: &d1,
            marc: None,
            items: vec![item(""), item(""), item("LAMA-1")],
        },
        catalog::NewRecord {
            draft: &d2,
            marc: Some(b"00000nam"),
            items: vec![item("")],
        },
    ];
    let ids = write_tx(&mut c, |c| catalog::insert_bulk(c, lib, &recs)).unwrap();
    assert_eq!(ids.len(), 2);
    let codes: Vec<String> = catalog::items_of(&mut c, &ids[0])
        .unwrap()
        .into_iter()
        .map(|i| i.barcode)
        .collect();
    assert_eq!(codes, ["B000001", "B000003", "LAMA-1"]);
    assert_eq!(
        catalog::items_of(&mut c, &ids[1]).unwrap()[0].barcode,
        "B000004"
    );
    // The next single item continues after the block.
    let next = catalog::add_item(&mut c, &by, &ids[1], &item("")).unwrap();
    assert_eq!(next.barcode, "B000005");
    // A scanned code used twice refuses the whole batch.
    let again = vec![catalog::NewRecord {
        draft: &d1,
        marc: None,
        items: vec![item("LAMA-1")],
    }];
    let e = write_tx(&mut c, |c| catalog::insert_bulk(c, lib, &again)).unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)));
    let isbn = Isbn::parse("9789790024182").unwrap();
    assert_eq!(
        catalog::find_match(&mut c, lib, Some(&isbn), None).unwrap(),
        Some(ids[1].clone())
    );
});
