//! Why the index keeps every word: the standard Indonesian stop-word list
//! (stopwords-iso, tests/data/stopwords-id.txt) is full of words that are
//! whole catalogue titles or subjects.

use lentera_search::analysis::is_query_stopword;
use lentera_search::{BookDoc, CatalogIndex, SearchRequest};

fn stoplist() -> Vec<String> {
    let path = format!("{}/tests/data/stopwords-id.txt", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .map(str::to_string)
        .collect()
}

/// Content words a catalogue needs, all on the published stop list.
const CONTENT_WORDS: &[&str] = &[
    "ibu",
    "bapak",
    "tahun",
    "bulan",
    "hari",
    "umum",
    "baru",
    "masalah",
    "pertama",
    "dua",
    "tiga",
    "lima",
    "akhir",
    "awal",
    "tempat",
    "waktu",
    "kecil",
    "besar",
    "jawaban",
    "persoalan",
    "bekerja",
    "rasa",
    "tinggi",
    "panjang",
    "keadaan",
    "kasus",
    "diri",
];

#[test]
fn stoplist_contains_content_words_we_keep() {
    let list = stoplist();
    assert_eq!(list.len(), 758);
    for w in CONTENT_WORDS {
        assert!(
            list.iter().any(|s| s == w),
            "{w} is not on the list any more"
        );
        assert!(!is_query_stopword(w), "{w} must stay searchable");
    }
}

#[test]
fn query_stopwords_are_a_subset_of_the_published_list() {
    let list = stoplist();
    for w in [
        "yang", "dan", "di", "ke", "dari", "untuk", "dengan", "pada", "dalam", "atau", "oleh",
    ] {
        assert!(is_query_stopword(w), "{w}");
        assert!(list.iter().any(|s| s == w), "{w}");
    }
}

#[test]
fn titles_made_of_stopwords_are_findable() {
    let index = CatalogIndex::in_memory().expect("index");
    let doc = |id: &str, title: &str| BookDoc {
        id: id.into(),
        title: title.into(),
        ..BookDoc::default()
    };
    index
        .index_all(vec![
            doc("1", "Ibu"),
            doc("2", "Tahun Baru"),
            doc("3", "Pengetahuan Umum untuk Anak"),
            doc("4", "Dari Hari ke Hari"),
        ])
        .expect("bulk");
    let ids = |q: &str| -> Vec<String> {
        let r = index.search(&SearchRequest::new(q)).expect("search");
        r.hits.into_iter().map(|h| h.id).collect()
    };
    assert_eq!(ids("ibu"), ["1"]);
    assert_eq!(ids("tahun baru"), ["2"]);
    assert_eq!(ids("\"tahun baru\""), ["2"]);
    assert_eq!(ids("pengetahuan umum"), ["3"]);
    // Function words are dropped from a query with other words…
    assert_eq!(ids("pengetahuan umum untuk"), ["3"]);
    assert_eq!(ids("hari dari"), ["4"]);
    // …but kept when they are all there is, and inside phrases.
    assert_eq!(ids("dari"), ["4"]);
    assert_eq!(ids("\"hari ke hari\""), ["4"]);
}
