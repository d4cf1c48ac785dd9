//! The public catalogue (OPAC): the search page `/opac`, a record's page
//! `/opac/{id}` and `GET /api/v1/catalog/search`.
//!
//! Public: no sign-in, and only records of active libraries (the index
//! leaves the others out; the record page checks again). On a central server
//! it is the union catalogue of every library. Searches are answered from
//! the search index (`state.index`), which follows the database within about
//! a second; availability and the library's name are read from the database
//! for the page of hits shown, so they are never stale.

use crate::auth::MaybeUser;
use crate::error::WebError;
use crate::html::{Frame, error_summary, page, url_encode};
use crate::i18n::{Lang, Msg, problem_sentence};
use crate::session::L;
use crate::state::AppState;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use lentera_core::catalog::Collection;
use lentera_core::field::{Invalid, Problem, optional_int};
use lentera_store::catalog::index::search::{
    FacetCount, FacetRequest, Facets, Filters, MAX_RESULT_WINDOW, SearchField, SearchRequest,
};
use lentera_store::catalog::index::{
    HitDetails, PublicLibrary, PublicRecord, hit_details, public_libraries, public_library,
    public_record,
};
use maud::{Markup, html};
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/opac", get(search_page))
        .route("/opac/{id}", get(record_page))
        .route("/api/v1/catalog/search", get(api_search))
}

crate::messages!(M {
    Title => "Cari buku", "Find a book";
    Intro => "Katalog perpustakaan yang dapat dicari siapa saja: judul, pengarang, subjek atau ISBN.", "A library catalogue anyone can search: title, author, subject or ISBN.";
    UnionIntro => "Katalog gabungan semua perpustakaan di server ini.", "The union catalogue of every library on this server.";
    QLabel => "Kata kunci", "Search words";
    QHint => "Contoh: budidaya ikan, \"sumber daya\", pengarang:Tere Liye, 978-602-…", "For example: budidaya ikan, \"sumber daya\", author:Tere Liye, 978-602-…";
    FieldLabel => "Cari di", "Search in";
    FieldAll => "Semua", "Everything";
    FieldTitle => "Judul", "Title";
    FieldAuthor => "Pengarang", "Author";
    FieldSubject => "Subjek", "Subject";
    FieldIsbn => "ISBN", "ISBN";
    AllLibraries => "Semua perpustakaan", "All libraries";
    LibraryHint => "Nama, ID atau NPP perpustakaan.", "The library's ID or NPP.";
    Refine => "Saring hasil", "Refine the results";
    Apply => "Terapkan saringan", "Apply filters";
    Clear => "Hapus semua saringan", "Clear all filters";
    YearsLegend => "Tahun terbit", "Year published";
    From => "Dari tahun", "From year";
    To => "Sampai tahun", "To year";
    Found => "{n} buku ditemukan", "{n} books found";
    FoundFor => "{n} buku ditemukan untuk “{q}”", "{n} books found for “{q}”";
    FoundOne => "1 buku ditemukan", "1 book found";
    NoneFound => "Tidak ada buku yang cocok. Coba kata lain, periksa ejaan, atau hapus saringan.", "No book matches. Try other words, check the spelling, or clear the filters.";
    ResultsHeading => "Hasil pencarian", "Search results";
    Available => "{a} dari {t} tersedia", "{a} of {t} available";
    NoneAvailable => "Sedang dipinjam semua ({t} eksemplar)", "All {t} copies are out";
    NoItems => "Belum ada eksemplar", "No copies yet";
    At => "di {lib}", "at {lib}";
    Details => "Data buku", "Book details";
    Copies => "Eksemplar", "Copies";
    CopiesCaption => "Eksemplar di {lib}", "Copies at {lib}";
    Barcode => "Kode eksemplar", "Barcode";
    CallNumber => "Nomor panggil", "Call number";
    Location => "Lokasi/rak", "Location/shelf";
    BackToSearch => "Kembali ke pencarian", "Back to the search";
    SameSubject => "Buku lain dengan subjek ini", "Other books on this subject";
    StatusAvailable => "Tersedia", "Available";
    StatusOnLoan => "Dipinjam", "On loan";
    StatusRepair => "Sedang diperbaiki", "In repair";
    StatusLost => "Hilang", "Lost";
    StatusWithdrawn => "Ditarik", "Withdrawn";
    Subtitle => "Anak judul", "Subtitle";
    Authors => "Pengarang", "Authors";
    Publisher => "Penerbit", "Publisher";
    Place => "Kota terbit", "Place of publication";
    Year => "Tahun terbit", "Year";
    Edition => "Edisi", "Edition";
    Language => "Bahasa", "Language";
    Ddc => "Klasifikasi (DDC)", "Classification (DDC)";
    Subjects => "Subjek", "Subjects";
    CollectionL => "Jenis koleksi", "Collection";
    Notes => "Keterangan", "Notes";
    Library => "Perpustakaan", "Library";
    Facet => "{label} ({n})", "{label} ({n})";
});

/// Labels of the search's fields, for error sentences.
pub fn field_label(field: &str, lang: Lang) -> Option<&'static str> {
    let (id, en) = match field {
        "q" => ("Kata kunci", "Search words"),
        "field" => ("Cari di", "Search in"),
        "library" => ("Perpustakaan", "Library"),
        "collection" => ("Jenis koleksi", "Collection"),
        "language" => ("Bahasa", "Language"),
        "subject" => ("Subjek", "Subject"),
        "year_from" => ("Dari tahun", "From year"),
        "year_to" => ("Sampai tahun", "To year"),
        _ => return None,
    };
    Some(match lang {
        Lang::Id => id,
        Lang::En => en,
    })
}

/// How a collection type is called on screen.
pub fn collection_label(key: &str, lang: Lang) -> String {
    let l = match (key, lang) {
        ("umum", Lang::Id) => "Umum",
        ("umum", Lang::En) => "General",
        ("anak", Lang::Id) => "Anak",
        ("anak", Lang::En) => "Children",
        ("remaja", Lang::Id) => "Remaja",
        ("remaja", Lang::En) => "Young adults",
        ("referensi", Lang::Id) => "Referensi",
        ("referensi", Lang::En) => "Reference",
        ("fiksi", Lang::Id) => "Fiksi",
        ("fiksi", Lang::En) => "Fiction",
        (other, _) => return other.to_string(),
    };
    l.to_string()
}

/// How a language code (ISO 639-2, as catalogues use it) is called.
pub fn language_label(code: &str, lang: Lang) -> String {
    let id = lang == Lang::Id;
    let l = match code {
        "ind" => {
            if id {
                "Bahasa Indonesia"
            } else {
                "Indonesian"
            }
        }
        "eng" => {
            if id {
                "Inggris"
            } else {
                "English"
            }
        }
        "jav" => {
            if id {
                "Jawa"
            } else {
                "Javanese"
            }
        }
        "sun" => {
            if id {
                "Sunda"
            } else {
                "Sundanese"
            }
        }
        "mad" => {
            if id {
                "Madura"
            } else {
                "Madurese"
            }
        }
        "min" => "Minangkabau",
        "ban" => {
            if id {
                "Bali"
            } else {
                "Balinese"
            }
        }
        "bug" => {
            if id {
                "Bugis"
            } else {
                "Buginese"
            }
        }
        "msa" | "may" => {
            if id {
                "Melayu"
            } else {
                "Malay"
            }
        }
        "ara" => {
            if id {
                "Arab"
            } else {
                "Arabic"
            }
        }
        "zho" | "chi" => {
            if id {
                "Mandarin"
            } else {
                "Chinese"
            }
        }
        "jpn" => {
            if id {
                "Jepang"
            } else {
                "Japanese"
            }
        }
        "nld" | "dut" => {
            if id {
                "Belanda"
            } else {
                "Dutch"
            }
        }
        "" => "—",
        other => return other.to_uppercase(),
    };
    l.to_string()
}

fn status_label(status: &str, lang: Lang) -> &'static str {
    match status {
        "available" => M::StatusAvailable.get(lang),
        "on_loan" => M::StatusOnLoan.get(lang),
        "repair" => M::StatusRepair.get(lang),
        "lost" => M::StatusLost.get(lang),
        _ => M::StatusWithdrawn.get(lang),
    }
}

/// The search as typed: query-string values, kept as text so a rejected
/// search is shown back unchanged.
#[derive(Debug, Clone, Default)]
struct SearchForm {
    q: String,
    field: String,
    library: String,
    collections: Vec<String>,
    languages: Vec<String>,
    subjects: Vec<String>,
    year_from: String,
    year_to: String,
    page: String,
    per_page: String,
    /// `facets=false` skips counting facets (API clients that show none).
    no_facets: bool,
}

impl SearchForm {
    /// Filters may repeat (`collection=anak&collection=fiksi`) or be
    /// comma-separated (`collection=anak,fiksi`), except subjects, which may
    /// contain commas.
    fn from_pairs(pairs: &[(String, String)]) -> SearchForm {
        let mut f = SearchForm::default();
        let split = |v: &str, out: &mut Vec<String>| {
            for p in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                if !out.iter().any(|x| x == p) {
                    out.push(p.to_string());
                }
            }
        };
        for (k, v) in pairs {
            match k.as_str() {
                "q" => f.q = v.clone(),
                "field" => f.field = v.clone(),
                "library" => f.library = v.trim().to_string(),
                "collection" => split(v, &mut f.collections),
                "language" => split(v, &mut f.languages),
                "subject" => {
                    let v = v.trim();
                    if !v.is_empty() && !f.subjects.iter().any(|x| x == v) {
                        f.subjects.push(v.to_string());
                    }
                }
                "year_from" => f.year_from = v.clone(),
                "year_to" => f.year_to = v.clone(),
                "page" => f.page = v.clone(),
                "per_page" => f.per_page = v.clone(),
                "facets" => f.no_facets = matches!(v.trim(), "false" | "0" | "no"),
                _ => {}
            }
        }
        f
    }

    /// The query string of this search with `page` left out, as
    /// (key, value) pairs for links.
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![("q", self.q.clone())];
        if !self.field.is_empty() && self.field != "all" {
            out.push(("field", self.field.clone()));
        }
        out.push(("library", self.library.clone()));
        for c in &self.collections {
            out.push(("collection", c.clone()));
        }
        for l in &self.languages {
            out.push(("language", l.clone()));
        }
        for s in &self.subjects {
            out.push(("subject", s.clone()));
        }
        out.push(("year_from", self.year_from.clone()));
        out.push(("year_to", self.year_to.clone()));
        if !self.per_page.is_empty() {
            out.push(("per_page", self.per_page.clone()));
        }
        out.retain(|(_, v)| !v.trim().is_empty());
        out
    }

    fn has_filters(&self) -> bool {
        !self.collections.is_empty()
            || !self.languages.is_empty()
            || !self.subjects.is_empty()
            || !self.year_from.trim().is_empty()
            || !self.year_to.trim().is_empty()
    }
}

/// A checked search, before the library is looked up.
#[derive(Debug, Clone)]
struct Checked {
    req: SearchRequest,
    page: usize,
    per_page: usize,
}

const MAX_QUERY_CHARS: usize = 500;
const MAX_PER_PAGE: i64 = 100;
const DEFAULT_PER_PAGE: usize = 20;

fn parse_field(s: &str) -> Result<SearchField, Problem> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "all" | "any" | "semua" => Ok(SearchField::Any),
        "title" | "judul" => Ok(SearchField::Title),
        "author" | "pengarang" | "penulis" => Ok(SearchField::Author),
        "subject" | "subjek" => Ok(SearchField::Subject),
        "isbn" => Ok(SearchField::Isbn),
        "publisher" | "penerbit" => Ok(SearchField::Publisher),
        _ => Err(Problem::UnknownChoice),
    }
}

fn check(f: &SearchForm, this_year: i64) -> Result<Checked, Invalid> {
    let mut inv = Invalid::default();
    if f.q.chars().count() > MAX_QUERY_CHARS {
        inv.push(
            "q",
            Problem::TooLong {
                max: MAX_QUERY_CHARS,
            },
        );
    }
    let field = parse_field(&f.field).unwrap_or_else(|p| {
        inv.push("field", p);
        SearchField::Any
    });
    let mut collections = Vec::new();
    for c in &f.collections {
        match Collection::parse(c) {
            Ok(c) => collections.push(c.key().to_string()),
            Err(p) => {
                inv.push("collection", p);
                break;
            }
        }
    }
    let mut languages = Vec::new();
    for l in &f.languages {
        let l = l.trim().to_ascii_lowercase();
        if (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase()) {
            languages.push(l);
        } else {
            inv.push("language", Problem::UnknownChoice);
            break;
        }
    }
    if f.subjects.iter().any(|s| s.chars().count() > 200) {
        inv.push("subject", Problem::TooLong { max: 200 });
    }
    let max_year = this_year + 1;
    let mut year = |name: &'static str, v: &str| match optional_int(v, 1, max_year) {
        Ok(y) => y.map(|y| y as u32),
        Err(p) => {
            inv.push(name, p);
            None
        }
    };
    let year_from = year("year_from", &f.year_from);
    let year_to = year("year_to", &f.year_to);
    if let (Some(a), Some(b)) = (year_from, year_to)
        && a > b
    {
        inv.push(
            "year_to",
            Problem::OutOfRange {
                min: i64::from(a),
                max: max_year,
            },
        );
    }
    let per_page = match optional_int(&f.per_page, 1, MAX_PER_PAGE) {
        Ok(p) => p.map_or(DEFAULT_PER_PAGE, |p| p as usize),
        Err(p) => {
            inv.push("per_page", p);
            DEFAULT_PER_PAGE
        }
    };
    let max_page = (MAX_RESULT_WINDOW / per_page).max(1) as i64;
    let page = match optional_int(&f.page, 1, max_page) {
        Ok(p) => p.unwrap_or(1) as usize,
        Err(p) => {
            inv.push("page", p);
            1
        }
    };
    if !inv.is_empty() {
        return Err(inv);
    }
    Ok(Checked {
        req: SearchRequest {
            query: f.q.trim().to_string(),
            field,
            filters: Filters {
                library_ids: Vec::new(),
                collections,
                languages,
                year_from,
                year_to,
                subjects: f.subjects.clone(),
            },
            offset: (page - 1) * per_page,
            limit: per_page,
            facets: (!f.no_facets).then_some(FacetRequest { top_subjects: 12 }),
        },
        page,
        per_page,
    })
}

/// One search's answer, ready for either channel.
struct Answer {
    total: u64,
    page: usize,
    per_page: usize,
    library: Option<PublicLibrary>,
    hits: Vec<(lentera_store::catalog::index::search::Hit, HitDetails)>,
    facets: Facets,
}

/// Runs a checked search: the library filter is looked up, the index
/// searched, and the page of hits joined with the library and availability.
async fn run_search(state: &AppState, form: &SearchForm) -> Result<Answer, WebError> {
    let this_year = i64::from(chrono::Datelike::year(&lentera_store::now()));
    let mut checked = check(form, this_year)?;
    let index = state.index.clone();
    let library_key = form.library.clone();
    state
        .run(move |c| {
            let library = if library_key.is_empty() {
                None
            } else {
                match public_library(c, &library_key)? {
                    Some(l) => Some(l),
                    None => {
                        return Err(Invalid::one("library", Problem::UnknownChoice).into());
                    }
                }
            };
            if let Some(l) = &library {
                checked.req.filters.library_ids = vec![l.id.clone()];
            }
            let result = index.search(&checked.req)?;
            let ids: Vec<String> = result.hits.iter().map(|h| h.id.clone()).collect();
            let mut details = hit_details(c, &ids)?;
            // A record deleted (or its library deactivated) after the last
            // sync is left out of the page; the index drops it within a second.
            let hits = result
                .hits
                .into_iter()
                .filter_map(|h| details.remove(&h.id).map(|d| (h, d)))
                .collect();
            Ok(Answer {
                total: result.total,
                page: checked.page,
                per_page: checked.per_page,
                library,
                hits,
                facets: result.facets.unwrap_or_default(),
            })
        })
        .await
}

fn facet_json(v: &[FacetCount]) -> Value {
    Value::Array(
        v.iter()
            .map(|f| json!({ "value": f.value, "count": f.count }))
            .collect(),
    )
}

async fn api_search(
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let form = SearchForm::from_pairs(&pairs);
    let a = run_search(&state, &form).await?;
    let hits: Vec<Value> = a
        .hits
        .iter()
        .map(|(h, d)| {
            json!({
                "id": h.id,
                "title": h.title,
                "subtitle": h.subtitle,
                "authors": h.authors,
                "year": h.year,
                "isbn": h.isbn13s.first(),
                "publisher": h.publisher,
                "collection": h.collection,
                "language": h.language,
                "ddc": h.ddc,
                "score": h.score,
                "library": { "id": d.library.id, "name": d.library.name, "npp": d.library.npp },
                "availability": { "total": d.availability.total, "available": d.availability.available },
                "url": format!("/opac/{}", url_encode(&h.id)),
            })
        })
        .collect();
    Ok(Json(json!({
        "total": a.total,
        "page": a.page,
        "per_page": a.per_page,
        "library": a.library.as_ref().map(|l| json!({ "id": l.id, "name": l.name, "npp": l.npp })),
        "hits": hits,
        "facets": {
            "collection": facet_json(&a.facets.collection),
            "language": facet_json(&a.facets.language),
            "year": facet_json(&a.facets.year),
            "subject": facet_json(&a.facets.subject),
        },
    })))
}

// ---------------------------------------------------------------------------
// Pages

fn frame<'a>(lang: Lang, user: &'a MaybeUser) -> Frame<'a> {
    Frame {
        lang,
        user: user.0.as_ref(),
        path: "/opac",
    }
}

fn link(pairs: &[(&str, String)]) -> String {
    let q: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", url_encode(v)))
        .collect();
    if q.is_empty() {
        "/opac".into()
    } else {
        format!("/opac?{}", q.join("&"))
    }
}

/// Libraries offered in the chooser; a server with more than this shows a
/// text field for the library's ID or NPP instead of a list.
const CHOOSER_LIMIT: i64 = 300;

async fn search_page(
    State(state): State<AppState>,
    L(lang): L,
    user: MaybeUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Markup, WebError> {
    let mut form = SearchForm::from_pairs(&pairs);
    let searched = !pairs.is_empty();
    if !searched {
        // The landing page lists the newest books; counting facets over the
        // whole catalogue (50 ms at a million records) waits for a search.
        form.no_facets = true;
    }
    let libraries = state
        .run(|c| Ok(public_libraries(c, CHOOSER_LIMIT + 1)?))
        .await?;
    let (answer, errors) = match run_search(&state, &form).await {
        Ok(a) => (Some(a), Invalid::default()),
        Err(WebError::Invalid(inv)) => (None, inv),
        Err(e) => return Err(e),
    };
    let f = frame(lang, &user);
    let body = html! {
        (error_summary(&errors, lang))
        p.lead { (M::Intro.get(lang)) }
        @if libraries.len() > 1 { p { (M::UnionIntro.get(lang)) } }
        (search_form(&form, answer.as_ref(), &libraries, &errors, lang))
        @if let Some(a) = &answer {
            @if searched || a.total > 0 { (results(&form, a, lang)) }
        }
    };
    Ok(page(&f, M::Title.get(lang), body))
}

fn field_error(errors: &Invalid, name: &str, lang: Lang) -> Markup {
    html! {
        @if let Some(e) = errors.for_field(name) {
            p.error-message id={ "e-" (name) } { (problem_sentence(e.field, &e.problem, lang)) }
        }
    }
}

fn search_form(
    form: &SearchForm,
    answer: Option<&Answer>,
    libraries: &[PublicLibrary],
    errors: &Invalid,
    lang: Lang,
) -> Markup {
    let field = parse_field(&form.field).unwrap_or(SearchField::Any);
    let fields = [
        (SearchField::Any, "all", M::FieldAll),
        (SearchField::Title, "title", M::FieldTitle),
        (SearchField::Author, "author", M::FieldAuthor),
        (SearchField::Subject, "subject", M::FieldSubject),
        (SearchField::Isbn, "isbn", M::FieldIsbn),
    ];
    let facets = answer.map(|a| &a.facets);
    let err = |n: &str| errors.for_field(n).is_some();
    html! {
        form.opac-search method="get" action="/opac" role="search" aria-label=(M::Title.get(lang)) {
            div.opac-box {
                div.field.opac-q.has-error[err("q")] {
                    label for="f-q" { (M::QLabel.get(lang)) }
                    p.hint id="h-q" { (M::QHint.get(lang)) }
                    (field_error(errors, "q", lang))
                    input id="f-q" name="q" type="search" value=(form.q) autocomplete="off"
                        aria-describedby="h-q" aria-invalid=[err("q").then_some("true")];
                }
                div.field.has-error[err("field")] {
                    label for="f-field" { (M::FieldLabel.get(lang)) }
                    (field_error(errors, "field", lang))
                    select id="f-field" name="field" {
                        @for (v, key, label) in fields {
                            option value=(key) selected[v == field] { (label.get(lang)) }
                        }
                    }
                }
                div.field.has-error[err("library")] {
                    label for="f-library" { (M::Library.get(lang)) }
                    (field_error(errors, "library", lang))
                    @if (libraries.len() as i64) <= CHOOSER_LIMIT {
                        select id="f-library" name="library" {
                            option value="" { (M::AllLibraries.get(lang)) }
                            @for l in libraries {
                                option value=(l.id) selected[form.library == l.id || l.npp.as_deref() == Some(form.library.as_str())] { (l.name) }
                            }
                        }
                    } @else {
                        p.hint id="h-library" { (M::LibraryHint.get(lang)) }
                        input id="f-library" name="library" type="text" value=(form.library) aria-describedby="h-library";
                    }
                }
                div.opac-go { button type="submit" { (Msg::Search.get(lang)) } }
            }
            details.opac-refine open[form.has_filters() || !errors.is_empty()] {
                summary { (M::Refine.get(lang)) }
                div.opac-facets {
                    (facet_boxes("collection", M::CollectionL.get(lang), facets.map(|f| f.collection.as_slice()), &form.collections, |v| collection_label(v, lang), lang))
                    (facet_boxes("language", M::Language.get(lang), facets.map(|f| f.language.as_slice()), &form.languages, |v| language_label(v, lang), lang))
                    (facet_boxes("subject", M::Subjects.get(lang), facets.map(|f| f.subject.as_slice()), &form.subjects, |v| v.to_string(), lang))
                    fieldset {
                        legend { (M::YearsLegend.get(lang)) }
                        div.opac-years {
                            div.field.has-error[err("year_from")] {
                                label for="f-year_from" { (M::From.get(lang)) }
                                (field_error(errors, "year_from", lang))
                                input id="f-year_from" name="year_from" type="number" inputmode="numeric" value=(form.year_from);
                            }
                            div.field.has-error[err("year_to")] {
                                label for="f-year_to" { (M::To.get(lang)) }
                                (field_error(errors, "year_to", lang))
                                input id="f-year_to" name="year_to" type="number" inputmode="numeric" value=(form.year_to);
                            }
                        }
                        @if let Some(f) = facets {
                            @if !f.year.is_empty() {
                                ul.opac-yearlinks {
                                    @for y in top_years(&f.year) {
                                        li {
                                            a href=(year_link(form, &y.value)) {
                                                (M::Facet.get(lang).replace("{label}", &y.value).replace("{n}", &y.count.to_string()))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                div.actions {
                    button type="submit" { (M::Apply.get(lang)) }
                    @if form.has_filters() {
                        a href=(link(&[("q", form.q.clone()), ("field", form.field.clone()), ("library", form.library.clone())])) { (M::Clear.get(lang)) }
                    }
                }
            }
        }
    }
}

/// The most frequent years, newest first: a short list of links.
fn top_years(years: &[FacetCount]) -> Vec<FacetCount> {
    let mut top: Vec<FacetCount> = years.to_vec();
    top.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| b.value.cmp(&a.value)));
    top.truncate(8);
    top.sort_by(|a, b| b.value.cmp(&a.value));
    top
}

fn year_link(form: &SearchForm, year: &str) -> String {
    let mut f = form.clone();
    f.year_from = year.to_string();
    f.year_to = year.to_string();
    link(&f.pairs())
}

/// One facet as checkboxes with counts. Values already chosen stay listed
/// (checked) even when the facet of the current results lacks them.
fn facet_boxes(
    name: &'static str,
    legend: &str,
    counts: Option<&[FacetCount]>,
    chosen: &[String],
    label: impl Fn(&str) -> String,
    lang: Lang,
) -> Markup {
    let mut values: Vec<(String, Option<u64>)> = counts
        .unwrap_or_default()
        .iter()
        .map(|c| (c.value.clone(), Some(c.count)))
        .collect();
    for c in chosen {
        let key = if name == "subject" {
            c.clone()
        } else {
            c.to_lowercase()
        };
        if !values.iter().any(|(v, _)| *v == key) {
            values.push((key, None));
        }
    }
    if values.is_empty() {
        return html! {};
    }
    html! {
        fieldset.opac-facet {
            legend { (legend) }
            @for (i, (v, n)) in values.iter().enumerate() {
                @let id = format!("f-{name}-{i}");
                @let checked = chosen.iter().any(|c| c.eq_ignore_ascii_case(v));
                div.field.checkbox {
                    input id=(id) type="checkbox" name=(name) value=(v) checked[checked];
                    label for=(id) {
                        @match n {
                            Some(n) => (M::Facet.get(lang).replace("{label}", &label(v)).replace("{n}", &n.to_string())),
                            None => (label(v)),
                        }
                    }
                }
            }
        }
    }
}

fn availability_text(total: i64, available: i64, lang: Lang) -> String {
    if total == 0 {
        M::NoItems.get(lang).to_string()
    } else if available == 0 {
        M::NoneAvailable
            .get(lang)
            .replace("{t}", &total.to_string())
    } else {
        M::Available
            .get(lang)
            .replace("{a}", &available.to_string())
            .replace("{t}", &total.to_string())
    }
}

/// "Publisher · 2019 · Umum · Bahasa Indonesia · ISBN …"
fn hit_meta(h: &lentera_store::catalog::index::search::Hit, lang: Lang) -> String {
    let mut parts = Vec::new();
    if !h.publisher.is_empty() {
        parts.push(h.publisher.clone());
    }
    if let Some(y) = h.year {
        parts.push(y.to_string());
    }
    if !h.collection.is_empty() {
        parts.push(collection_label(&h.collection, lang));
    }
    if !h.language.is_empty() {
        parts.push(language_label(&h.language, lang));
    }
    if let Some(i) = h.isbn13s.first() {
        parts.push(format!("ISBN {i}"));
    }
    parts.join(" · ")
}

fn results(form: &SearchForm, a: &Answer, lang: Lang) -> Markup {
    let n = crate::regions::fmt_thousands(a.total as usize, lang);
    let count = if a.total == 1 && form.q.trim().is_empty() {
        M::FoundOne.get(lang).to_string()
    } else if form.q.trim().is_empty() {
        M::Found.get(lang).replace("{n}", &n)
    } else {
        M::FoundFor
            .get(lang)
            .replace("{n}", &n)
            .replace("{q}", form.q.trim())
    };
    let pages = a
        .total
        .div_ceil(a.per_page as u64)
        .min((MAX_RESULT_WINDOW / a.per_page) as u64);
    html! {
        section.opac-results aria-labelledby="opac-results-title" {
            h2 #opac-results-title .visually-hidden { (M::ResultsHeading.get(lang)) }
            p #opac-count .opac-count role="status" aria-live="polite" { (count) }
            @if a.hits.is_empty() {
                @if a.total == 0 { p { (M::NoneFound.get(lang)) } }
            } @else {
                ol.opac-hits start=((a.page - 1) * a.per_page + 1) {
                    @for (h, d) in &a.hits {
                        li.opac-hit {
                            h3 {
                                a href={ "/opac/" (url_encode(&h.id)) } {
                                    (h.title)
                                    @if !h.subtitle.is_empty() { span.opac-sub { " : " (h.subtitle) } }
                                }
                            }
                            @if !h.authors.is_empty() { p.opac-authors { (h.authors.join("; ")) } }
                            p.opac-meta { (hit_meta(h, lang)) }
                            p.opac-avail.avail-yes[d.availability.available > 0].avail-no[d.availability.available == 0] {
                                strong { (availability_text(d.availability.total, d.availability.available, lang)) }
                                " " (M::At.get(lang).replace("{lib}", &d.library.name))
                            }
                        }
                    }
                }
            }
            (crate::html::pager("/opac", &form.pairs(), a.page as i64, pages.max(1) as i64, lang))
        }
    }
}

async fn record_page(
    State(state): State<AppState>,
    L(lang): L,
    user: MaybeUser,
    Path(id): Path<String>,
) -> Result<Markup, WebError> {
    let rec = state.run(move |c| Ok(public_record(c, &id)?)).await?;
    let f = frame(lang, &user);
    Ok(page(&f, &rec.title, record_body(&rec, lang)))
}

fn record_body(r: &PublicRecord, lang: Lang) -> Markup {
    let opt = |v: &Option<String>| {
        v.as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string)
    };
    let rows: Vec<(&str, Option<String>)> = vec![
        (M::Subtitle.get(lang), opt(&r.subtitle)),
        (
            M::Authors.get(lang),
            (!r.authors.is_empty()).then(|| r.authors.join("; ")),
        ),
        (M::Publisher.get(lang), opt(&r.publisher)),
        (M::Place.get(lang), opt(&r.place)),
        (M::Year.get(lang), r.year.map(|y| y.to_string())),
        (M::Edition.get(lang), opt(&r.edition)),
        (M::FieldIsbn.get(lang), opt(&r.isbn)),
        (
            M::Language.get(lang),
            r.language.as_deref().map(|l| language_label(l, lang)),
        ),
        (M::Ddc.get(lang), opt(&r.ddc)),
        (M::CallNumber.get(lang), opt(&r.call_number)),
        (
            M::CollectionL.get(lang),
            Some(collection_label(&r.collection, lang)),
        ),
        (M::Notes.get(lang), opt(&r.notes)),
    ];
    html! {
        p.lead.opac-avail.avail-yes[r.availability.available > 0].avail-no[r.availability.available == 0] {
            strong { (availability_text(r.availability.total, r.availability.available, lang)) }
            " " (M::At.get(lang).replace("{lib}", &r.library.name))
        }
        h2 { (M::Details.get(lang)) }
        dl.summary {
            @for (label, value) in &rows {
                @if let Some(v) = value { dt { (label) } dd { (v) } }
            }
            @if !r.subjects.is_empty() {
                dt { (M::Subjects.get(lang)) }
                dd {
                    ul.opac-subjects {
                        @for s in &r.subjects {
                            li { a href=(link(&[("subject", s.clone())])) title=(M::SameSubject.get(lang)) { (s) } }
                        }
                    }
                }
            }
            dt { (M::Library.get(lang)) }
            dd { a href=(link(&[("library", r.library.id.clone())])) { (r.library.name) } }
        }
        h2 { (M::Copies.get(lang)) }
        @if r.items.is_empty() {
            p { (M::NoItems.get(lang)) }
        } @else {
            div.table-wrap {
                table {
                    caption { (M::CopiesCaption.get(lang).replace("{lib}", &r.library.name)) }
                    thead { tr {
                        th scope="col" { (M::Barcode.get(lang)) }
                        th scope="col" { (M::CallNumber.get(lang)) }
                        th scope="col" { (M::Location.get(lang)) }
                        th scope="col" { (Msg::Status.get(lang)) }
                    } }
                    tbody {
                        @for i in &r.items {
                            tr {
                                td { (i.barcode) }
                                td { (i.call_number.as_deref().or(r.call_number.as_deref()).unwrap_or("—")) }
                                td { (i.location.as_deref().unwrap_or("—")) }
                                td { span.tag.on[i.status == "available"].off[i.status != "available"] { (status_label(&i.status, lang)) } }
                            }
                        }
                    }
                }
            }
        }
        p { a href="/opac" { "← " (M::BackToSearch.get(lang)) } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(s: &[(&str, &str)]) -> Vec<(String, String)> {
        s.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn filters_repeat_or_split_on_commas() {
        let f = SearchForm::from_pairs(&pairs(&[
            ("collection", "anak,fiksi"),
            ("collection", "anak"),
            ("subject", "Pertanian, Perikanan"),
        ]));
        assert_eq!(f.collections, ["anak", "fiksi"]);
        assert_eq!(f.subjects, ["Pertanian, Perikanan"]);
    }

    #[test]
    fn bad_values_name_their_fields() {
        let f = SearchForm::from_pairs(&pairs(&[
            ("field", "everything"),
            ("collection", "komik"),
            ("language", "indonesia"),
            ("year_from", "2020"),
            ("year_to", "2010"),
            ("per_page", "1000"),
        ]));
        let inv = check(&f, 2026).unwrap_err();
        let fields: Vec<&str> = inv.0.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["field", "collection", "language", "year_to", "per_page"]
        );
    }

    #[test]
    fn paging_stays_within_the_window() {
        let ok = check(
            &SearchForm::from_pairs(&pairs(&[("page", "3"), ("per_page", "10")])),
            2026,
        )
        .unwrap();
        assert_eq!((ok.req.offset, ok.req.limit), (20, 10));
        assert!(check(&SearchForm::from_pairs(&pairs(&[("page", "100000")])), 2026).is_err());
    }

    #[test]
    fn links_keep_the_search() {
        let f = SearchForm::from_pairs(&pairs(&[("q", "ikan lele"), ("collection", "anak")]));
        assert_eq!(
            year_link(&f, "2020"),
            "/opac?q=ikan%20lele&collection=anak&year_from=2020&year_to=2020"
        );
    }
}
