//! The search index follows the database (catalog_changes → SearchIndex), on
//! both backends.

use lentera_core::audit::ActorRef;
use lentera_core::catalog::{BiblioDraft, BiblioForm, ItemDraft, ItemForm, ItemStatus};
use lentera_core::ids::LibraryId;
use lentera_core::libraries::{LibraryDraft, LibraryForm};
use lentera_store::catalog::index::search::{Filters, SearchField, SearchRequest};
use lentera_store::catalog::index::{SearchIndex, hit_details, public_record};
use lentera_store::catalog::{self, Biblio};
use lentera_store::{Db, DbConn, both_backends, libraries, meta, regions};

fn sys() -> ActorRef {
    ActorRef::system("test")
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

struct Book<'a> {
    title: &'a str,
    authors: &'a str,
    subjects: &'a str,
    year: &'a str,
    isbn: &'a str,
    collection: &'a str,
    language: &'a str,
}

const BOOK: Book<'static> = Book {
    title: "",
    authors: "",
    subjects: "",
    year: "",
    isbn: "",
    collection: "umum",
    language: "ind",
};

fn add(c: &mut DbConn, lib: LibraryId, b: Book<'_>) -> Biblio {
    let f = BiblioForm {
        title: b.title.into(),
        authors: b.authors.into(),
        subjects: b.subjects.into(),
        year: b.year.into(),
        isbn: b.isbn.into(),
        collection: b.collection.into(),
        language: b.language.into(),
        ..Default::default()
    };
    catalog::create_biblio(c, &sys(), lib, &BiblioDraft::parse(&f, 2026).unwrap()).unwrap()
}

fn add_item(c: &mut DbConn, biblio: &str) -> String {
    let d = ItemDraft::parse(&ItemForm::default(), 2026).unwrap();
    catalog::add_item(c, &sys(), biblio, &d).unwrap().id
}

fn ids(index: &SearchIndex, q: &str) -> Vec<String> {
    index
        .search(&SearchRequest::new(q))
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

both_backends!(index_follows_writes_and_deletes, |db: &Db| {
    let lib = library(db, "Perpustakaan Desa Uji", "3520012001");
    let mut c = db.conn().unwrap();
    let index = SearchIndex::in_memory().unwrap();
    // Empty database: nothing to do, but the index now knows the database.
    let r = index.sync(&mut c).unwrap();
    assert_eq!(index.num_docs(), 0, "{r:?}");

    let a = add(
        &mut c,
        lib,
        Book {
            title: "Budidaya Ikan Lele di Kolam Terpal",
            authors: "Suyanto, Rachmatun",
            subjects: "Perikanan",
            year: "2019",
            isbn: "978-0-306-40615-7",
            ..BOOK
        },
    );
    let b = add(
        &mut c,
        lib,
        Book {
            title: "Kumpulan Dongeng Nusantara",
            authors: "Rahmawati, Ani",
            collection: "anak",
            ..BOOK
        },
    );
    assert!(ids(&index, "lele").is_empty(), "not before sync");
    let r = index.sync(&mut c).unwrap();
    assert!(!r.rebuilt);
    assert_eq!(r.indexed, 2);
    assert_eq!(index.num_docs(), 2);
    // Stemming: the derived word finds the root.
    assert_eq!(ids(&index, "pembudidayaan"), vec![a.id.clone()]);
    // ISBN-13 with hyphens, and the same book's ISBN-10.
    assert_eq!(ids(&index, "978-0-306-40615-7"), vec![a.id.clone()]);
    assert_eq!(ids(&index, "0-306-40615-2"), vec![a.id.clone()]);
    assert_eq!(
        index
            .search(&SearchRequest::new("Rahmawati").with_field(SearchField::Author))
            .unwrap()
            .hits[0]
            .id,
        b.id
    );

    // A second sync with nothing new does nothing.
    let again = index.sync(&mut c).unwrap();
    assert_eq!((again.changes, again.indexed), (0, 0));

    // An edit is picked up.
    let f = BiblioForm {
        title: "Kumpulan Cerita Rakyat".into(),
        collection: "anak".into(),
        ..Default::default()
    };
    catalog::update_biblio(
        &mut c,
        &sys(),
        &b.id,
        &BiblioDraft::parse(&f, 2026).unwrap(),
        None,
    )
    .unwrap();
    index.sync(&mut c).unwrap();
    assert!(ids(&index, "dongeng").is_empty());
    assert_eq!(ids(&index, "rakyat"), vec![b.id.clone()]);

    // A deletion removes the record.
    catalog::delete_biblio(&mut c, &sys(), &a.id).unwrap();
    let r = index.sync(&mut c).unwrap();
    assert_eq!(r.removed, 1);
    assert!(ids(&index, "lele").is_empty());
    assert_eq!(index.num_docs(), 1);
});

both_backends!(rebuild_equals_incremental, |db: &Db| {
    let lib = library(db, "Perpustakaan Desa Uji", "3520012001");
    let mut c = db.conn().unwrap();
    let incremental = SearchIndex::in_memory().unwrap();
    incremental.sync(&mut c).unwrap();
    for (i, t) in [
        "Pertanian Organik",
        "Beternak Kambing",
        "Menanam Cabai",
        "Pertanian Padi",
    ]
    .iter()
    .enumerate()
    {
        let year = format!("{}", 2010 + i);
        let b = add(
            &mut c,
            lib,
            Book {
                title: t,
                year: &year,
                subjects: "Pertanian",
                ..BOOK
            },
        );
        // Changes interleaved with syncs.
        if i % 2 == 0 {
            incremental.sync(&mut c).unwrap();
        }
        add_item(&mut c, &b.id);
    }
    incremental.sync(&mut c).unwrap();

    let rebuilt = SearchIndex::in_memory().unwrap();
    let mut calls = Vec::new();
    let r = rebuilt
        .rebuild(&mut c, &mut |done, total| calls.push((done, total)))
        .unwrap();
    assert!(r.rebuilt);
    assert_eq!(r.indexed, 4);
    assert_eq!(calls.last(), Some(&(4, 4)));
    assert_eq!(r.watermark, incremental.watermark());
    for q in ["pertanian", "kambing", "menanam", "tanam", ""] {
        let mut req = SearchRequest::new(q);
        req.facets = Some(Default::default());
        let a = incremental.search(&req).unwrap();
        let b = rebuilt.search(&req).unwrap();
        assert_eq!(a.total, b.total, "{q}");
        let ids = |r: &lentera_store::catalog::index::search::SearchResult| {
            let mut v: Vec<String> = r.hits.iter().map(|h| h.id.clone()).collect();
            v.sort();
            v
        };
        assert_eq!(ids(&a), ids(&b), "{q}");
        assert_eq!(a.facets, b.facets, "{q}");
    }
});

both_backends!(availability_follows_item_status, |db: &Db| {
    let lib = library(db, "Perpustakaan Desa Uji", "3520012001");
    let mut c = db.conn().unwrap();
    let b = add(
        &mut c,
        lib,
        Book {
            title: "Cara Membuat Pupuk Kompos",
            ..BOOK
        },
    );
    let i1 = add_item(&mut c, &b.id);
    add_item(&mut c, &b.id);
    let d = hit_details(&mut c, std::slice::from_ref(&b.id)).unwrap();
    assert_eq!(
        (d[&b.id].availability.total, d[&b.id].availability.available),
        (2, 2)
    );
    catalog::set_item_status(&mut c, &sys(), &i1, ItemStatus::InRepair).unwrap();
    let d = hit_details(&mut c, std::slice::from_ref(&b.id)).unwrap();
    assert_eq!(
        (d[&b.id].availability.total, d[&b.id].availability.available),
        (2, 1)
    );
    // Lost and withdrawn copies are no longer part of the collection.
    catalog::set_item_status(&mut c, &sys(), &i1, ItemStatus::Withdrawn).unwrap();
    let rec = public_record(&mut c, &b.id).unwrap();
    assert_eq!((rec.availability.total, rec.availability.available), (1, 1));
    assert_eq!(rec.items.len(), 1, "withdrawn copies are not listed");
    assert_eq!(rec.library.id, lib.to_string());
});

both_backends!(inactive_library_leaves_the_index, |db: &Db| {
    let lib = library(db, "Perpustakaan Desa Uji", "3520012001");
    let other = library(db, "TBM Pelangi", "3520012002");
    let mut c = db.conn().unwrap();
    let index = SearchIndex::in_memory().unwrap();
    let a = add(
        &mut c,
        lib,
        Book {
            title: "Sejarah Desa",
            ..BOOK
        },
    );
    let b = add(
        &mut c,
        other,
        Book {
            title: "Sejarah Kota",
            ..BOOK
        },
    );
    index.sync(&mut c).unwrap();
    assert_eq!(ids(&index, "sejarah").len(), 2);
    let only = |index: &SearchIndex, l: LibraryId| {
        index
            .search(&SearchRequest {
                filters: Filters {
                    library_ids: vec![l.to_string()],
                    ..Default::default()
                },
                ..SearchRequest::new("sejarah")
            })
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(only(&index, other), vec![b.id.clone()]);

    libraries::set_active(&mut c, &sys(), other, false).unwrap();
    let r = index.sync(&mut c).unwrap();
    assert_eq!(r.removed, 1, "{r:?}");
    assert_eq!(ids(&index, "sejarah"), vec![a.id.clone()]);
    assert!(public_record(&mut c, &b.id).is_err());
    libraries::set_active(&mut c, &sys(), other, true).unwrap();
    index.sync(&mut c).unwrap();
    assert_eq!(ids(&index, "sejarah").len(), 2);
});

both_backends!(
    watermark_survives_reopen_and_other_database_rebuilds,
    |db: &Db| {
        let lib = library(db, "Perpustakaan Desa Uji", "3520012001");
        let mut c = db.conn().unwrap();
        let dir = std::env::temp_dir().join(format!("lentera-idx-{}", uuid::Uuid::now_v7()));
        let a = add(
            &mut c,
            lib,
            Book {
                title: "Kerajinan Anyaman Bambu",
                ..BOOK
            },
        );
        {
            let index = SearchIndex::open(&dir).unwrap();
            let r = index.sync(&mut c).unwrap();
            // A fresh index over a database with records is built by a rebuild.
            assert!(r.rebuilt);
            assert_eq!(index.num_docs(), 1);
        }
        let wm;
        {
            let index = SearchIndex::open(&dir).unwrap();
            wm = index.watermark();
            assert!(wm > 0);
            assert_eq!(index.num_docs(), 1);
            let s = index.status(&mut c).unwrap();
            assert!(s.same_database);
            assert_eq!(s.pending, 0);
            add(
                &mut c,
                lib,
                Book {
                    title: "Anyaman Pandan",
                    ..BOOK
                },
            );
            assert_eq!(index.status(&mut c).unwrap().pending, 1);
            let r = index.sync(&mut c).unwrap();
            assert!(!r.rebuilt);
            assert_eq!(r.indexed, 1);
            assert_eq!(ids(&index, "anyaman").len(), 2);
        }
        {
            // The same folder against a "different" database: rebuilt.
            meta::set(&mut c, "database_id", "another-database").unwrap();
            let index = SearchIndex::open(&dir).unwrap();
            assert!(index.watermark() > wm);
            assert!(!index.status(&mut c).unwrap().same_database);
            let r = index.sync(&mut c).unwrap();
            assert!(r.rebuilt);
            assert_eq!(index.num_docs(), 2);
            assert_eq!(ids(&index, "bambu"), vec![a.id.clone()]);
        }
        std::fs::remove_dir_all(&dir).ok();
    }
);
