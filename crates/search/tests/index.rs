//! Index behaviour on a small hand-written catalogue (exact expectations) and
//! on the first 2,000 records of the reference benchmark catalogue (counts and
//! facets checked against a brute-force oracle).

use std::collections::HashMap;

use lentera_search::analysis::{word_stems, words};
use lentera_search::{
    BookDoc, BulkOptions, CatalogIndex, Error, FacetRequest, Filters, SearchField, SearchRequest,
    SearchResult,
};

#[allow(clippy::too_many_arguments)]
fn rec(
    id: &str,
    title: &str,
    subtitle: &str,
    authors: &[&str],
    publisher: &str,
    year: u32,
    isbn: &str,
    language: &str,
    collection: &str,
    subjects: &[&str],
    libraries: &[&str],
) -> BookDoc {
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    BookDoc {
        id: id.into(),
        library_ids: strings(libraries),
        title: title.into(),
        subtitle: subtitle.into(),
        authors: strings(authors),
        publisher: publisher.into(),
        year: Some(year),
        isbn13s: if isbn.is_empty() {
            vec![]
        } else {
            vec![isbn.into()]
        },
        language: language.into(),
        collection: collection.into(),
        subjects: strings(subjects),
        ddc: String::new(),
    }
}

// One record per line reads better than rustfmt's one argument per line.
#[rustfmt::skip]
fn fixture() -> Vec<BookDoc> {
    let a = &["lib-a"][..];
    let b = &["lib-b"][..];
    let ab = &["lib-a", "lib-b"][..];
    vec![
        rec("b01", "Budidaya Ikan Lele di Kolam Terpal", "", &["Budi Santoso"], "Penebar Swadaya", 2015, "9786020000015", "ind", "umum", &["Ikan lele", "Perikanan"], a),
        rec("b02", "Ikan Nila Unggul", "Teori dan Aplikasi", &["Sri Wahyuni"], "Penebar Swadaya", 2018, "9786020000022", "ind", "umum", &["Ikan nila", "Perikanan"], b),
        rec("b03", "Teknik Membudidayakan Jamur Tiram", "", &["Agus Salim"], "Agromedia", 2012, "", "ind", "umum", &["Jamur"], a),
        rec("b04", "Ikan Hias Air Tawar", "", &["Dewi Lestari"], "Kanisius", 2010, "9786020000039", "ind", "umum", &["Ikan hias"], ab),
        rec("b05", "Pengantar Ilmu Pertanian", "", &["Sri Wahyuni"], "Bumi Aksara", 2019, "9786230000058", "ind", "umum", &["Pertanian"], a),
        rec("b06", "Petani Milenial", "Kisah Sukses Anak Muda Desa", &["Rudi Hartono"], "Gramedia Pustaka Utama", 2021, "", "ind", "remaja", &["Pertanian -- Indonesia"], b),
        rec("b07", "Bertani Sayuran Organik di Pekarangan", "", &["Joko Purwanto"], "Penebar Swadaya", 2016, "", "ind", "umum", &["Sayuran", "Pertanian organik"], a),
        rec("b08", "Menulis Kreatif untuk Remaja", "", &["Yanti Sunarto"], "Erlangga", 2020, "9789790000063", "ind", "remaja", &["Menulis"], ab),
        rec("b09", "Teknik Penulisan Karya Ilmiah", "", &["Yanti Sunarto", "Budi Santoso"], "Deepublish", 2017, "", "ind", "referensi", &["Karya ilmiah"], a),
        rec("b10", "Kumpulan Tulisan Pilihan", "", &["Yanti Rahayu", "Sunarto"], "Kompas", 2005, "", "ind", "umum", &["Esai"], b),
        rec("b11", "Programming Rust", "Fast, Safe Systems Development", &["Blandy, Jim", "Orendorff, Jason"], "O'Reilly Media", 2017, "9781491927281", "eng", "umum", &["Rust (Computer program language)"], a),
        rec("b12", "Matematika untuk SMP/MTs Kelas VII", "", &["Tim Penyusun"], "Erlangga", 2022, "9786020000046", "ind", "umum", &["Matematika -- Buku pelajaran"], ab),
        rec("b13", "Dasar-Dasar Akuntansi", "", &["Hendra Gunawan"], "Salemba Empat", 2014, "", "ind", "umum", &["Akuntansi"], b),
        rec("b14", "Historia de la Revolucio\u{301}n Mexicana", "", &["Silva Herzog, Jesu\u{301}s"], "Fondo de Cultura", 1960, "", "spa", "umum", &["Mexico -- History"], a),
        rec("b15", "Kebijakan Publik", "", &["Riant Nugroho"], "Elex Media", 2012, "", "ind", "umum", &["Administrasi negara"], a),
        rec("b16", "Administrasi Negara", "", &["Miftah Thoha"], "Rajawali", 2008, "", "ind", "umum", &["Kebijakan publik"], a),
        rec("b17", "Bijak Mengelola Uang", "", &["Ligwina Hananto"], "Gramedia Pustaka Utama", 2013, "", "ind", "umum", &["Keuangan pribadi"], b),
        rec("b18", "Menanam Padi Sawah", "", &["Joko Purwanto"], "Penebar Swadaya", 2011, "", "ind", "umum", &["Padi"], a),
        rec("b19", "Menangkap Ikan di Laut", "", &["La Ode Sabaruddin"], "Balai Pustaka", 1998, "", "ind", "anak", &["Nelayan"], a),
        rec("b20", "Kancil yang Cerdik", "Cerita Rakyat Nusantara", &["Tim Dongeng"], "Balai Pustaka", 1995, "", "ind", "anak", &["Cerita rakyat", "Dongeng"], ab),
        rec("b21", "Sumber Daya Alam Indonesia", "", &["Emil Salim"], "LP3ES", 1990, "", "ind", "referensi", &["Sumber daya alam"], a),
        rec("b22", "Daya Tahan Tubuh", "", &["Dr. Sumber Rejeki"], "Gramedia Pustaka Utama", 2019, "", "ind", "umum", &["Kesehatan"], b),
        rec("b23", "Laskar Pelangi", "", &["Andrea Hirata"], "Bentang Pustaka", 2005, "9786020000077", "ind", "fiksi", &["Fiksi Indonesia"], ab),
        rec("b24", "Serat Centhini", "", &["Anonim"], "Balai Pustaka", 1985, "", "jav", "referensi", &["Kesusastraan Jawa"], a),
        rec("b25", "Carita Pondok Sunda", "", &["Ajip Rosidi"], "Kiblat", 2001, "", "sun", "fiksi", &["Fiksi Sunda"], b),
        rec("b26", "Pemasaran Hasil Pertanian", "", &["Sri Wahyuni"], "Penebar Swadaya", 2020, "9786230000089", "ind", "umum", &["Pertanian -- Pemasaran"], a),
        rec("b27", "Resep Masakan Nusantara", "", &["William Wongso"], "Gramedia Pustaka Utama", 2016, "", "ind", "umum", &["Masakan Indonesia"], b),
        rec("b28", "Belajar Memasak untuk Pemula", "", &["Sisca Soewitomo"], "Gramedia Pustaka Utama", 2009, "", "ind", "remaja", &["Masakan"], a),
        rec("b29", "Keperawatan Anak", "", &["Wong, Donna"], "EGC", 2008, "", "ind", "referensi", &["Keperawatan pediatrik"], a),
        rec("b30", "Merawat Tanaman Hias", "", &["Dewi Lestari"], "Agromedia", 2018, "", "ind", "umum", &["Tanaman hias"], b),
    ]
}

fn index_of(docs: Vec<BookDoc>) -> CatalogIndex {
    let index = CatalogIndex::in_memory().expect("index");
    index
        .index_all_with(
            docs,
            BulkOptions {
                threads: 1,
                heap_bytes: 50 << 20,
            },
        )
        .expect("bulk load");
    index
}

fn search(index: &CatalogIndex, req: SearchRequest) -> SearchResult {
    index.search(&req).expect("search")
}

fn ids(index: &CatalogIndex, query: &str) -> Vec<String> {
    ids_of(&search(index, SearchRequest::new(query)))
}

fn ids_of(r: &SearchResult) -> Vec<String> {
    r.hits.iter().map(|h| h.id.clone()).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn stemming_finds_other_forms() {
    let index = index_of(fixture());
    // The brief's example: "pembudidayaan" finds a title with "Budidaya".
    let found = ids(&index, "pembudidayaan");
    assert!(found.contains(&"b01".to_string()), "{found:?}");
    assert!(
        found.contains(&"b03".to_string()),
        "membudidayakan: {found:?}"
    );
    assert_eq!(sorted(ids(&index, "penulis")), ["b08", "b09", "b10"]);
    // pertanian / petani / bertani meet (titles and subjects).
    assert_eq!(sorted(ids(&index, "petani")), ["b05", "b06", "b07", "b26"]);
    // Ambiguous recodings are indexed with both readings.
    assert_eq!(sorted(ids(&index, "masak")), ["b27", "b28"]);
    assert_eq!(sorted(ids(&index, "perawatan")), ["b29", "b30"]);
}

#[test]
fn all_words_are_required() {
    let index = index_of(fixture());
    assert_eq!(ids(&index, "ikan lele"), ["b01"]);
    assert_eq!(ids(&index, "ikan kolam lele terpal"), ["b01"]);
    assert!(ids(&index, "ikan jamur").is_empty());
    // Words may come from different fields (title + author).
    assert_eq!(ids(&index, "nila wahyuni"), ["b02"]);
    // Function words never make a query fail.
    assert_eq!(ids(&index, "ikan untuk lele"), ["b01"]);
}

#[test]
fn phrase_versus_two_words() {
    let index = index_of(fixture());
    // "Sumber Daya Alam" has the phrase; "Daya Tahan Tubuh" by "Sumber
    // Rejeki" has both words, not adjacent.
    assert_eq!(sorted(ids(&index, "sumber daya")), ["b21", "b22"]);
    assert_eq!(ids(&index, "\"sumber daya\""), ["b21"]);
    // Phrases are exact forms: no stemming inside quotes.
    assert_eq!(ids(&index, "\"air tawar\""), ["b04"]);
    assert!(ids(&index, "\"ikan air\"").is_empty());
    assert_eq!(ids(&index, "ikan air"), ["b04"]);
    // Phrase in a subject heading.
    assert_eq!(ids(&index, "\"pertanian organik\""), ["b07"]);
    // Phrase in the subtitle.
    assert_eq!(ids(&index, "\"cerita rakyat\""), ["b20"]);
}

#[test]
fn prefix_queries() {
    let index = index_of(fixture());
    assert_eq!(sorted(ids(&index, "menan*")), ["b18", "b19"]);
    assert_eq!(sorted(ids(&index, "pertan*")), ["b05", "b06", "b07", "b26"]);
    assert_eq!(ids(&index, "prog*"), ["b11"]);
    assert_eq!(ids(&index, "ikan menan*"), ["b19"]);
    assert!(ids(&index, "zzz*").is_empty());
}

#[test]
fn author_and_publisher_phrases() {
    let index = index_of(fixture());
    let by = |q: &str, f: SearchField| {
        sorted(ids_of(&search(&index, SearchRequest::new(q).with_field(f))))
    };
    // b10 has "Yanti Rahayu" and "Sunarto" as two authors: not the phrase.
    assert_eq!(by("Yanti Sunarto", SearchField::Author), ["b08", "b09"]);
    assert_eq!(sorted(ids(&index, "yanti sunarto")), ["b08", "b09", "b10"]);
    assert_eq!(
        sorted(ids(&index, "author:\"yanti sunarto\" menulis")),
        ["b08", "b09"]
    );
    assert_eq!(ids(&index, "author:\"yanti sunarto\" kreatif"), ["b08"]);
    assert_eq!(by("Orendorff", SearchField::Author), ["b11"]);
    assert_eq!(
        by("Penebar Swadaya", SearchField::Publisher),
        ["b01", "b02", "b07", "b18", "b26"]
    );
    assert_eq!(by("O'Reilly Media", SearchField::Publisher), ["b11"]);
    assert_eq!(
        sorted(ids(&index, "penerbit:balai pustaka")),
        ["b19", "b20", "b24"]
    );
    // Publisher words are not keyword-searchable on their own.
    assert!(ids(&index, "swadaya").is_empty());
}

#[test]
fn isbn_search() {
    let index = index_of(fixture());
    assert_eq!(ids(&index, "9781491927281"), ["b11"]);
    assert_eq!(ids(&index, "978-1-4919-2728-1"), ["b11"]);
    // ISBN-10 input finds the ISBN-13 record.
    assert_eq!(ids(&index, "1-4919-2728-3"), ["b11"]);
    assert_eq!(ids(&index, "1491927283"), ["b11"]);
    assert_eq!(
        ids_of(&search(
            &index,
            SearchRequest::new("149192728-3").with_field(SearchField::Isbn)
        )),
        ["b11"]
    );
    assert!(ids(&index, "9786020000084").is_empty());
}

#[test]
fn tokenizer_decisions() {
    let index = index_of(fixture());
    assert_eq!(ids(&index, "smp"), ["b12"]);
    assert_eq!(ids(&index, "mts"), ["b12"]);
    assert_eq!(ids(&index, "SMP/MTs"), ["b12"]);
    assert_eq!(ids(&index, "dasar"), ["b13"]);
    assert_eq!(ids(&index, "Dasar-Dasar akuntansi"), ["b13"]);
    // Decomposed accents fold like precomposed ones.
    assert_eq!(ids(&index, "revolucion"), ["b14"]);
    assert_eq!(ids(&index, "Revolución"), ["b14"]);
    assert_eq!(ids(&index, "jesus"), ["b14"]);
}

#[test]
fn filters() {
    let index = index_of(fixture());
    let with = |q: &str, f: Filters| {
        sorted(ids_of(&search(
            &index,
            SearchRequest {
                filters: f,
                ..SearchRequest::new(q)
            },
        )))
    };
    let lib = |l: &str| Filters {
        library_ids: vec![l.into()],
        ..Filters::default()
    };
    assert_eq!(
        with("ikan", Filters::default()),
        ["b01", "b02", "b04", "b19"]
    );
    assert_eq!(with("ikan", lib("lib-a")), ["b01", "b04", "b19"]);
    assert_eq!(with("ikan", lib("lib-b")), ["b02", "b04"]);
    assert!(with("ikan", lib("lib-z")).is_empty());
    assert_eq!(
        with(
            "ikan",
            Filters {
                library_ids: vec!["lib-b".into(), "lib-z".into()],
                ..Filters::default()
            }
        ),
        ["b02", "b04"]
    );
    assert_eq!(
        with(
            "",
            Filters {
                collections: vec!["Anak".into()],
                ..Filters::default()
            }
        ),
        ["b19", "b20"]
    );
    assert_eq!(
        with(
            "",
            Filters {
                languages: vec!["jav".into(), "sun".into()],
                ..Filters::default()
            }
        ),
        ["b24", "b25"]
    );
    assert_eq!(
        with(
            "ikan",
            Filters {
                year_from: Some(2010),
                year_to: Some(2015),
                ..Filters::default()
            }
        ),
        ["b01", "b04"]
    );
    assert_eq!(
        with(
            "",
            Filters {
                subjects: vec!["Perikanan".into()],
                ..Filters::default()
            }
        ),
        ["b01", "b02"]
    );
    // Browsing with a filter is newest first and counts exactly.
    let r = search(
        &index,
        SearchRequest {
            filters: lib("lib-b"),
            ..SearchRequest::new("")
        },
    );
    assert_eq!(r.total, 14);
    let years: Vec<u32> = r.hits.iter().filter_map(|h| h.year).collect();
    assert!(years.windows(2).all(|w| w[0] >= w[1]), "{years:?}");
}

#[test]
fn ranking() {
    let index = index_of(fixture());
    let found = ids(&index, "kebijakan");
    // Exact title word first, then subject-only, then the stem-only title
    // ("Bijak Mengelola Uang").
    assert_eq!(found, ["b15", "b16", "b17"]);
    // The exact form outranks a stem-only match in the same field.
    assert_eq!(ids(&index, "pertanian")[0], "b05");
    let r = search(&index, SearchRequest::new("kebijakan"));
    assert!(r.hits[0].score > r.hits[1].score && r.hits[1].score > r.hits[2].score);
}

#[test]
fn hits_carry_display_fields() {
    let index = index_of(fixture());
    let r = search(&index, SearchRequest::new("programming rust"));
    assert_eq!(r.total, 1);
    let h = &r.hits[0];
    assert_eq!(h.id, "b11");
    assert_eq!(h.title, "Programming Rust");
    assert_eq!(h.subtitle, "Fast, Safe Systems Development");
    assert_eq!(h.authors, ["Blandy, Jim", "Orendorff, Jason"]);
    assert_eq!(h.publisher, "O'Reilly Media");
    assert_eq!(h.year, Some(2017));
    assert_eq!(h.isbn13s, ["9781491927281"]);
    assert_eq!(h.language, "eng");
    assert_eq!(h.collection, "umum");
}

#[test]
fn paging_and_total() {
    let index = index_of(fixture());
    let all = search(
        &index,
        SearchRequest {
            limit: 100,
            ..SearchRequest::new("")
        },
    );
    assert_eq!(all.total, 30);
    assert_eq!(all.hits.len(), 30);
    let page2 = search(
        &index,
        SearchRequest {
            offset: 20,
            limit: 20,
            ..SearchRequest::new("")
        },
    );
    assert_eq!(page2.total, 30);
    assert_eq!(page2.hits.len(), 10);
    // Absurd paging is bounded instead of allocating for it.
    let huge = search(
        &index,
        SearchRequest {
            limit: usize::MAX,
            ..SearchRequest::new("")
        },
    );
    assert_eq!((huge.total, huge.hits.len()), (30, 30));
    let deep = search(
        &index,
        SearchRequest {
            offset: usize::MAX,
            ..SearchRequest::new("")
        },
    );
    assert_eq!((deep.total, deep.hits.len()), (30, 0));
    let none = search(
        &index,
        SearchRequest {
            limit: 0,
            ..SearchRequest::new("ikan")
        },
    );
    assert_eq!((none.total, none.hits.len()), (4, 0));
    assert_eq!(
        index
            .count("ikan", SearchField::Any, &Filters::default())
            .expect("count"),
        4
    );
}

#[test]
fn facets_on_fixture() {
    let index = index_of(fixture());
    let r = search(
        &index,
        SearchRequest {
            facets: Some(FacetRequest { top_subjects: 2 }),
            ..SearchRequest::new("pertanian")
        },
    );
    assert_eq!(r.total, 4);
    let f = r.facets.expect("facets");
    let pairs = |v: &[lentera_search::FacetCount]| {
        v.iter()
            .map(|c| (c.value.clone(), c.count))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        pairs(&f.collection),
        [("umum".to_string(), 3), ("remaja".to_string(), 1)]
    );
    assert_eq!(pairs(&f.language), [("ind".to_string(), 1 + 3)]);
    assert_eq!(
        pairs(&f.year),
        [
            ("2021".to_string(), 1),
            ("2020".to_string(), 1),
            ("2019".to_string(), 1),
            ("2016".to_string(), 1)
        ]
    );
    // Top 2 subjects, ties broken alphabetically.
    assert_eq!(
        pairs(&f.subject),
        [
            ("Pertanian".to_string(), 1),
            ("Pertanian -- Indonesia".to_string(), 1)
        ]
    );
    // No facets unless asked for.
    assert!(
        search(&index, SearchRequest::new("pertanian"))
            .facets
            .is_none()
    );
}

#[test]
fn upsert_replaces_and_delete_removes() {
    let index = index_of(fixture());
    let mut w = index.writer().expect("writer");
    let mut doc = fixture().remove(0);
    doc.title = "Budidaya Ikan Gurami".into();
    w.upsert(&doc).expect("upsert");
    // Not visible before commit.
    assert_eq!(ids(&index, "lele"), ["b01"]);
    w.commit().expect("commit");
    assert_eq!(index.num_docs(), 30);
    assert_eq!(ids(&index, "gurami"), ["b01"]);
    // The old title is gone: b01 is still a "lele" record only by its subject.
    let r = search(&index, SearchRequest::new("budidaya"));
    assert_eq!(ids_of(&r), ["b01", "b03"]);
    assert_eq!(r.total, 2);

    w.upsert(&doc).expect("upsert again");
    w.commit().expect("commit");
    assert_eq!(search(&index, SearchRequest::new("gurami")).total, 1);

    w.delete("b01").expect("delete");
    w.commit().expect("commit");
    assert!(ids(&index, "gurami").is_empty());
    assert_eq!(index.num_docs(), 29);
    assert_eq!(
        index
            .count("", SearchField::Any, &Filters::default())
            .expect("count"),
        29
    );

    // A new record.
    let mut new = doc.clone();
    new.id = "0190a7e2-7c4e-7000-8000-000000000001".into();
    new.title = "Ikan Patin".into();
    w.upsert(&new).expect("insert");
    w.commit().expect("commit");
    assert_eq!(
        ids(&index, "patin"),
        ["0190a7e2-7c4e-7000-8000-000000000001"]
    );
    // Facets stay exact across several segments.
    assert!(index.num_segments() > 1);
    let r = search(
        &index,
        SearchRequest {
            facets: Some(FacetRequest { top_subjects: 3 }),
            ..SearchRequest::new("ikan")
        },
    );
    assert_eq!(r.total, 4);
    let f = r.facets.expect("facets");
    let subjects: Vec<(&str, u64)> = f
        .subject
        .iter()
        .map(|c| (c.value.as_str(), c.count))
        .collect();
    assert_eq!(
        subjects,
        [("Perikanan", 2), ("Ikan hias", 1), ("Ikan lele", 1)]
    );
    let collections: Vec<(&str, u64)> = f
        .collection
        .iter()
        .map(|c| (c.value.as_str(), c.count))
        .collect();
    assert_eq!(collections, [("umum", 3), ("anak", 1)]);
    assert!(matches!(
        w.upsert(&BookDoc::default()),
        Err(Error::InvalidDocument(_))
    ));
}

#[test]
fn index_is_shareable_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<CatalogIndex>();
    let index = std::sync::Arc::new(index_of(fixture()));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let index = index.clone();
            std::thread::spawn(move || index.search(&SearchRequest::new("ikan")).map(|r| r.total))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().expect("thread").expect("search"), 4);
    }
}

#[test]
fn persists_on_disk_and_reopens() {
    let dir = std::env::temp_dir().join(format!("lentera-search-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    {
        let index = CatalogIndex::open_or_create(&dir).expect("create");
        index.index_all(fixture()).expect("bulk");
        assert_eq!(index.num_segments(), 1);
    }
    {
        let index = CatalogIndex::open_or_create(&dir).expect("reopen");
        assert_eq!(index.num_docs(), 30);
        assert_eq!(sorted(ids(&index, "pembudidayaan")), ["b01", "b03"]);
        // Only one writer at a time.
        let mut w = index.writer().expect("writer");
        assert!(index.writer().is_err());
        assert!(index.index_all(fixture()).is_err());
        // The writer handle can rebuild, and keeps working afterwards.
        let stats = w
            .index_all(fixture().into_iter().take(10), BulkOptions::default())
            .expect("rebuild");
        assert_eq!(stats.docs, 10);
        assert_eq!(index.num_docs(), 10);
        w.delete("b01").expect("delete");
        w.commit().expect("commit");
        assert_eq!(index.num_docs(), 9);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn refuses_an_index_built_differently() {
    use tantivy::schema::{Schema, TEXT};
    let dir = std::env::temp_dir().join(format!("lentera-search-foreign-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    {
        let mut b = Schema::builder();
        let title = b.add_text_field("title", TEXT);
        let index = tantivy::Index::create_in_dir(&dir, b.build()).expect("foreign index");
        let mut w: tantivy::IndexWriter = index.writer(15_000_000).expect("writer");
        let mut doc = tantivy::TantivyDocument::new();
        doc.add_text(title, "x");
        w.add_document(doc).expect("add");
        w.commit().expect("commit");
    }
    assert!(matches!(
        CatalogIndex::open_or_create(&dir),
        Err(Error::IncompatibleIndex)
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

// --- the 2,000-record benchmark fixture, checked against an oracle ---------

struct Record {
    doc: BookDoc,
    /// Every stem of every word of title, subtitle, authors and subjects.
    stems: Vec<String>,
}

fn load_catalog() -> Vec<Record> {
    let path = format!(
        "{}/tests/data/catalog-2000.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("fixture");
    text.lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("json");
            let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
            let list = |k: &str| {
                v[k].as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let id = v["id"].as_u64().expect("id");
            let doc = BookDoc {
                id: id.to_string(),
                library_ids: vec![format!("lib-{}", id % 7)],
                title: s("title"),
                subtitle: s("subtitle"),
                authors: list("authors"),
                publisher: s("publisher"),
                year: v["year"].as_u64().map(|y| y as u32),
                isbn13s: v["isbn13"].as_str().map(String::from).into_iter().collect(),
                language: s("language"),
                collection: s("collection"),
                subjects: list("subjects"),
                ddc: s("ddc"),
            };
            let mut stems = Vec::new();
            let text = [&doc.title, &doc.subtitle]
                .into_iter()
                .chain(&doc.authors)
                .chain(&doc.subjects)
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(" ");
            for w in words(&text) {
                stems.extend(word_stems(&w).all().iter().cloned());
            }
            Record { doc, stems }
        })
        .collect()
}

#[test]
fn counts_and_facets_match_oracle_on_benchmark_fixture() {
    let records = load_catalog();
    assert_eq!(records.len(), 2000);
    let index = index_of(records.iter().map(|r| r.doc.clone()).collect());
    assert_eq!(index.num_docs(), 2000);

    for query in [
        "pendidikan",
        "ikan",
        "pertanian",
        "kabupaten",
        "history",
        "belajar",
        "cerita",
        "novel",
    ] {
        let qstems = word_stems(&words(query)[0]);
        let matching: Vec<&Record> = records
            .iter()
            .filter(|r| qstems.all().iter().any(|s| r.stems.contains(s)))
            .collect();
        let res = search(
            &index,
            SearchRequest {
                facets: Some(FacetRequest { top_subjects: 1000 }),
                ..SearchRequest::new(query)
            },
        );
        assert_eq!(res.total as usize, matching.len(), "total for {query}");
        assert!(!matching.is_empty(), "{query} should match something");
        let facets = res.facets.expect("facets");

        let count = |key: &dyn Fn(&BookDoc) -> Vec<String>| {
            let mut m: HashMap<String, u64> = HashMap::new();
            for r in &matching {
                for k in key(&r.doc) {
                    *m.entry(k).or_default() += 1;
                }
            }
            m
        };
        let as_map = |v: &[lentera_search::FacetCount]| {
            v.iter()
                .map(|c| (c.value.clone(), c.count))
                .collect::<HashMap<_, _>>()
        };
        assert_eq!(
            as_map(&facets.collection),
            count(&|d| vec![d.collection.clone()]),
            "{query}"
        );
        assert_eq!(
            as_map(&facets.language),
            count(&|d| vec![d.language.clone()]),
            "{query}"
        );
        assert_eq!(
            as_map(&facets.year),
            count(&|d| d.year.map(|y| y.to_string()).into_iter().collect()),
            "{query}"
        );
        assert_eq!(
            as_map(&facets.subject),
            count(&|d| {
                let mut s = d.subjects.clone();
                s.sort();
                s.dedup();
                s
            }),
            "{query}"
        );

        // The same count with a library filter.
        let lib = Filters {
            library_ids: vec!["lib-3".into()],
            ..Filters::default()
        };
        let expected = matching
            .iter()
            .filter(|r| r.doc.library_ids[0] == "lib-3")
            .count();
        let got = index.count(query, SearchField::Any, &lib).expect("count");
        assert_eq!(got as usize, expected, "{query} in lib-3");
    }

    // Every ISBN in the fixture finds its records (copies share an ISBN).
    let mut by_isbn: HashMap<&str, usize> = HashMap::new();
    for r in &records {
        for i in &r.doc.isbn13s {
            *by_isbn.entry(i.as_str()).or_default() += 1;
        }
    }
    for (isbn, n) in by_isbn.iter().take(200) {
        assert_eq!(
            search(&index, SearchRequest::new(*isbn)).total as usize,
            *n,
            "{isbn}"
        );
    }
}

#[test]
fn browse_orders_by_year_and_keeps_records_without_one() {
    let index = CatalogIndex::in_memory().expect("index");
    let doc = |id: &str, year: Option<u32>| BookDoc {
        id: id.into(),
        title: format!("Buku {id}"),
        year,
        ..BookDoc::default()
    };
    index
        .index_all(vec![
            doc("a", Some(1999)),
            doc("b", None),
            doc("c", Some(2020)),
            doc("d", Some(0)),
        ])
        .expect("bulk");
    let r = search(&index, SearchRequest::new(""));
    assert_eq!(r.total, 4);
    let ids = ids_of(&r);
    assert_eq!(&ids[..2], ["c", "a"]);
    assert_eq!(sorted(ids[2..].to_vec()), ["b", "d"]);
    // Year 0 is not a year: no year facet, no stored year.
    let r = search(
        &index,
        SearchRequest {
            facets: Some(FacetRequest::default()),
            ..SearchRequest::new("buku")
        },
    );
    let years: Vec<&str> = r
        .facets
        .as_ref()
        .expect("facets")
        .year
        .iter()
        .map(|c| c.value.as_str())
        .collect();
    assert_eq!(years, ["2020", "1999"]);
    assert!(r.hits.iter().any(|h| h.id == "d" && h.year.is_none()));
}
