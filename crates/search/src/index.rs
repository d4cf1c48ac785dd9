//! The catalogue index: schema, writer and searcher.

use std::collections::HashMap;
use std::ops::Bound;
use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::indexer::NoMergePolicy;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexSettings, IndexWriter, Order, ReloadPolicy, Searcher,
    TantivyDocument, Term,
};

use crate::analysis::{self, PLAIN_ANALYZER, STEM_ANALYZER};
use crate::error::{Error, Result};
use crate::facets::{FacetCollector, Facets};
use crate::isbn;
use crate::query::{self, Clause, ParsedQuery, Scope, SearchField};

pub(crate) const F_ID: &str = "id";
pub(crate) const F_LIBRARY: &str = "library";
pub(crate) const F_TITLE: &str = "title";
pub(crate) const F_TITLE_EXACT: &str = "title_exact";
pub(crate) const F_SUBTITLE: &str = "subtitle";
pub(crate) const F_SUBTITLE_EXACT: &str = "subtitle_exact";
pub(crate) const F_SUBJECTS: &str = "subjects";
pub(crate) const F_SUBJECTS_EXACT: &str = "subjects_exact";
pub(crate) const F_AUTHORS: &str = "authors";
pub(crate) const F_AUTHORS_EXACT: &str = "authors_exact";
pub(crate) const F_PUBLISHER: &str = "publisher";
pub(crate) const F_AUTHORS_SHINGLE: &str = "authors_shingle";
pub(crate) const F_PUBLISHER_SHINGLE: &str = "publisher_shingle";
pub(crate) const F_KW: &str = "kw";
pub(crate) const F_KW_EXACT: &str = "kw_exact";
pub(crate) const F_ISBN: &str = "isbn";
pub(crate) const F_YEAR: &str = "year";
pub(crate) const F_LANGUAGE: &str = "language";
pub(crate) const F_COLLECTION: &str = "collection";
pub(crate) const F_SUBJECT: &str = "subject";
pub(crate) const F_DDC: &str = "ddc";

/// BM25 field weights. The unstemmed twin of a field carries the same weight,
/// so a record that has the very word typed scores about twice one that only
/// shares its stem.
const W_TITLE: f32 = 3.0;
const W_SUBTITLE: f32 = 1.5;
const W_SUBJECTS: f32 = 1.5;
const W_AUTHORS: f32 = 1.5;

/// Author and publisher names are indexed as every run of up to this many
/// consecutive words of one name ("gramedia", "gramedia pustaka", …), so a
/// name phrase is one term lookup: exact count from the dictionary, no
/// position checks. Longer phrases fall back to a positional phrase query.
const MAX_SHINGLE_WORDS: usize = 6;

/// Written into every commit. An index whose data was produced by other
/// analysis rules (stemmer, tokenizer, field layout) must be rebuilt, and the
/// schema alone does not show that. Bump on any such change.
const INDEX_FORMAT: &str = "lentera-search/1";

/// Most hits one request returns.
pub const MAX_LIMIT: usize = 1000;
/// Hits beyond this rank (offset + limit) are not served; deep paging in a
/// catalogue means the query should be refined.
pub const MAX_RESULT_WINDOW: usize = 10_000;

/// How many distinct words a `prefix*` may expand to (the most frequent win).
pub const PREFIX_EXPANSIONS: usize = 64;

/// A catalogue record as the search index sees it. The catalogue layer
/// converts its own records into this.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookDoc {
    /// Record id (the database's UUIDv7 string). Unique per record.
    pub id: String,
    /// Libraries that hold a copy (union catalogue filtering).
    pub library_ids: Vec<String>,
    /// Main title.
    pub title: String,
    /// Subtitle / other title information; may be empty.
    pub subtitle: String,
    /// Authors as catalogued, one per entry.
    pub authors: Vec<String>,
    /// Publisher name; may be empty.
    pub publisher: String,
    /// Publication year.
    pub year: Option<u32>,
    /// ISBNs, ISBN-13 or ISBN-10 with or without hyphens; stored and indexed
    /// as 13 digits.
    pub isbn13s: Vec<String>,
    /// Language code (MARC / ISO 639-2: `ind`, `eng`, `jav`…).
    pub language: String,
    /// Collection type (`umum`, `anak`, `remaja`, `referensi`, `fiksi`…).
    pub collection: String,
    /// Subject headings as catalogued.
    pub subjects: Vec<String>,
    /// Dewey class number; stored for display only.
    pub ddc: String,
}

/// Search filters. Values within one filter are alternatives (OR); different
/// filters all apply (AND), except subjects, which all must be present
/// (drill-down).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    /// Only records held by one of these libraries.
    pub library_ids: Vec<String>,
    /// Only these collection types.
    pub collections: Vec<String>,
    /// Only these languages.
    pub languages: Vec<String>,
    /// Earliest publication year (inclusive).
    pub year_from: Option<u32>,
    /// Latest publication year (inclusive).
    pub year_to: Option<u32>,
    /// Only records with all of these subject headings (exact headings).
    pub subjects: Vec<String>,
}

impl Filters {
    fn is_empty(&self) -> bool {
        self.library_ids.is_empty()
            && self.collections.is_empty()
            && self.languages.is_empty()
            && self.year_from.is_none()
            && self.year_to.is_none()
            && self.subjects.is_empty()
    }
}

/// Which facets to count. Facets cost one extra pass over the matching set,
/// so they are off unless asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetRequest {
    /// How many subject headings to return.
    pub top_subjects: usize,
}

impl Default for FacetRequest {
    fn default() -> Self {
        FacetRequest { top_subjects: 20 }
    }
}

/// One search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// The user's query (see [`crate::query`]); empty browses everything that
    /// passes the filters, newest first.
    pub query: String,
    /// The UI field selector.
    pub field: SearchField,
    /// Filters.
    pub filters: Filters,
    /// Hits to skip (paging).
    pub offset: usize,
    /// Hits to return (at most [`MAX_LIMIT`], and only within the first
    /// [`MAX_RESULT_WINDOW`] ranks).
    pub limit: usize,
    /// Facets to count, if any.
    pub facets: Option<FacetRequest>,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            field: SearchField::Any,
            filters: Filters::default(),
            offset: 0,
            limit: 20,
            facets: None,
        }
    }
}

impl SearchRequest {
    /// A keyword search for the first 20 hits.
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            ..SearchRequest::default()
        }
    }

    /// The same request with the field selector set.
    pub fn with_field(mut self, field: SearchField) -> Self {
        self.field = field;
        self
    }
}

/// One hit, with what a result list shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// Record id.
    pub id: String,
    /// Relevance score (0 when browsing).
    pub score: f32,
    /// Title.
    pub title: String,
    /// Subtitle, possibly empty.
    pub subtitle: String,
    /// Authors.
    pub authors: Vec<String>,
    /// Publisher, possibly empty.
    pub publisher: String,
    /// Publication year.
    pub year: Option<u32>,
    /// ISBN-13s.
    pub isbn13s: Vec<String>,
    /// Language code.
    pub language: String,
    /// Collection type.
    pub collection: String,
    /// Dewey class number.
    pub ddc: String,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResult {
    /// Exact number of matching records.
    pub total: u64,
    /// The requested page of hits, best first.
    pub hits: Vec<Hit>,
    /// Facet counts, when requested.
    pub facets: Option<Facets>,
}

/// What a bulk load did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BulkStats {
    /// Records indexed.
    pub docs: u64,
    /// Seconds spent adding and committing.
    pub index_secs: f64,
    /// Seconds spent merging into one segment.
    pub merge_secs: f64,
}

/// Tuning of [`CatalogIndex::index_all`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkOptions {
    /// Indexing threads.
    pub threads: usize,
    /// Total indexing memory, split between threads. Larger means fewer
    /// segments to merge at the end.
    pub heap_bytes: usize,
}

impl Default for BulkOptions {
    fn default() -> Self {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
        BulkOptions {
            threads,
            heap_bytes: 1 << 30,
        }
    }
}

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    id: Field,
    library: Field,
    title: Field,
    title_exact: Field,
    subtitle: Field,
    subtitle_exact: Field,
    subjects: Field,
    subjects_exact: Field,
    authors: Field,
    authors_exact: Field,
    publisher: Field,
    authors_shingle: Field,
    publisher_shingle: Field,
    kw: Field,
    kw_exact: Field,
    isbn: Field,
    year: Field,
    language: Field,
    collection: Field,
    subject: Field,
    ddc: Field,
}

fn text(analyzer: &str, record: IndexRecordOption, stored: bool) -> TextOptions {
    let opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(record),
    );
    if stored { opts.set_stored() } else { opts }
}

fn build_schema() -> (Schema, Fields) {
    use IndexRecordOption::{Basic, WithFreqs, WithFreqsAndPositions};
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_text_field(F_ID, STRING | STORED),
        library: b.add_text_field(F_LIBRARY, STRING),
        title: b.add_text_field(F_TITLE, text(STEM_ANALYZER, WithFreqs, true)),
        title_exact: b.add_text_field(
            F_TITLE_EXACT,
            text(PLAIN_ANALYZER, WithFreqsAndPositions, false),
        ),
        subtitle: b.add_text_field(F_SUBTITLE, text(STEM_ANALYZER, WithFreqs, true)),
        subtitle_exact: b.add_text_field(
            F_SUBTITLE_EXACT,
            text(PLAIN_ANALYZER, WithFreqsAndPositions, false),
        ),
        subjects: b.add_text_field(F_SUBJECTS, text(STEM_ANALYZER, WithFreqs, false)),
        subjects_exact: b.add_text_field(
            F_SUBJECTS_EXACT,
            text(PLAIN_ANALYZER, WithFreqsAndPositions, false),
        ),
        authors: b.add_text_field(F_AUTHORS, text(STEM_ANALYZER, WithFreqs, false)),
        authors_exact: b.add_text_field(
            F_AUTHORS_EXACT,
            text(PLAIN_ANALYZER, WithFreqsAndPositions, true),
        ),
        publisher: b.add_text_field(
            F_PUBLISHER,
            text(PLAIN_ANALYZER, WithFreqsAndPositions, true),
        ),
        authors_shingle: b.add_text_field(F_AUTHORS_SHINGLE, text("raw", WithFreqs, false)),
        publisher_shingle: b.add_text_field(F_PUBLISHER_SHINGLE, text("raw", WithFreqs, false)),
        kw: b.add_text_field(F_KW, text(STEM_ANALYZER, Basic, false)),
        kw_exact: b.add_text_field(F_KW_EXACT, text(PLAIN_ANALYZER, Basic, false)),
        isbn: b.add_text_field(F_ISBN, STRING | STORED),
        year: b.add_u64_field(F_YEAR, INDEXED | FAST | STORED),
        language: b.add_text_field(F_LANGUAGE, STRING | FAST | STORED),
        collection: b.add_text_field(F_COLLECTION, STRING | FAST | STORED),
        subject: b.add_text_field(F_SUBJECT, STRING | FAST),
        ddc: b.add_text_field(F_DDC, STORED),
    };
    (b.build(), fields)
}

fn index_settings() -> IndexSettings {
    IndexSettings {
        // Small blocks: a hit list touches 20 random records, and each touch
        // decompresses one whole block.
        docstore_blocksize: 4096,
        ..IndexSettings::default()
    }
}

/// The full-text catalogue index. Cheap to share (`Arc`) between threads;
/// searches never block each other or the writer.
pub struct CatalogIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

impl CatalogIndex {
    /// Opens the index in `dir`, creating the directory and an empty index if
    /// needed. Fails with [`Error::IncompatibleIndex`] when the index on disk
    /// was built with another schema or other analysis rules: delete the
    /// directory and rebuild with [`Self::index_all`].
    pub fn open_or_create(dir: impl AsRef<Path>) -> Result<CatalogIndex> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = build_schema();
        let mmap = MmapDirectory::open(dir)?;
        let index = if Index::exists(&mmap).map_err(tantivy::TantivyError::from)? {
            let index = Index::open(mmap)?;
            let metas = index.load_metas()?;
            let format_ok =
                metas.segments.is_empty() || metas.payload.as_deref() == Some(INDEX_FORMAT);
            if index.schema() != schema || !format_ok {
                return Err(Error::IncompatibleIndex);
            }
            index
        } else {
            Index::builder()
                .schema(schema)
                .settings(index_settings())
                .open_or_create(mmap)?
        };
        Self::from_index(index, fields)
    }

    /// An index in memory (tests, small tools).
    pub fn in_memory() -> Result<CatalogIndex> {
        let (schema, fields) = build_schema();
        let index = Index::builder()
            .schema(schema)
            .settings(index_settings())
            .create_in_ram()?;
        Self::from_index(index, fields)
    }

    fn from_index(index: Index, fields: Fields) -> Result<CatalogIndex> {
        analysis::register(&index);
        // Manual reload: the writer side reloads after each commit, so
        // searches never pay for polling the directory.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(CatalogIndex {
            index,
            reader,
            fields,
        })
    }

    /// Number of searchable records.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Number of index segments (1 after a bulk load).
    pub fn num_segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// A writer for incremental changes (`upsert`, `delete`, `commit`). Only one
    /// writer can exist at a time; a second one fails with a lock error.
    pub fn writer(&self) -> Result<CatalogWriter<'_>> {
        Ok(CatalogWriter {
            index: self,
            writer: Some(self.small_writer()?),
        })
    }

    /// Replaces the whole content of the index with `docs` (the rebuild path
    /// from the database) with default [`BulkOptions`]. Needs the writer lock,
    /// like [`Self::writer`]; see [`CatalogWriter::index_all`].
    pub fn index_all<I>(&self, docs: I) -> Result<BulkStats>
    where
        I: IntoIterator<Item = BookDoc>,
    {
        self.index_all_with(docs, BulkOptions::default())
    }

    /// [`Self::index_all`] with explicit tuning.
    pub fn index_all_with<I>(&self, docs: I, opts: BulkOptions) -> Result<BulkStats>
    where
        I: IntoIterator<Item = BookDoc>,
    {
        self.bulk_load(docs, opts)
    }

    /// Several indexing threads and a large memory budget, no merges while
    /// loading, then one merge into a single segment (fastest to search).
    /// The caller must not hold another writer.
    fn bulk_load<I>(&self, docs: I, opts: BulkOptions) -> Result<BulkStats>
    where
        I: IntoIterator<Item = BookDoc>,
    {
        let started = Instant::now();
        let threads = opts.threads.max(1);
        // tantivy needs at least 15 MB per thread and at most ~4 GB.
        let per_thread = (opts.heap_bytes / threads).clamp(16 << 20, 4000 << 20);
        let mut writer: IndexWriter = self
            .index
            .writer_with_num_threads(threads, per_thread * threads)?;
        // One explicit merge at the end is cheaper than a cascade of them.
        writer.set_merge_policy(Box::new(NoMergePolicy));
        writer.delete_all_documents()?;
        let mut n = 0u64;
        for doc in docs {
            writer.add_document(self.to_document(&doc))?;
            n += 1;
        }
        commit(&mut writer)?;
        let index_secs = started.elapsed().as_secs_f64();
        let merge_started = Instant::now();
        let segments = self.index.searchable_segment_ids()?;
        if segments.len() > 1 {
            writer.merge(&segments).wait()?;
        }
        writer.wait_merging_threads()?;
        self.reader.reload()?;
        Ok(BulkStats {
            docs: n,
            index_secs,
            merge_secs: merge_started.elapsed().as_secs_f64(),
        })
    }

    fn small_writer(&self) -> Result<IndexWriter> {
        Ok(self.index.writer_with_num_threads(1, 64 << 20)?)
    }

    fn to_document(&self, d: &BookDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::new();
        doc.add_text(f.id, d.id.trim());
        for lib in &d.library_ids {
            let lib = lib.trim();
            if !lib.is_empty() {
                doc.add_text(f.library, lib);
            }
        }
        let title = d.title.trim();
        let subtitle = d.subtitle.trim();
        doc.add_text(f.title, title);
        doc.add_text(f.title_exact, title);
        doc.add_text(f.kw, title);
        doc.add_text(f.kw_exact, title);
        if !subtitle.is_empty() {
            doc.add_text(f.subtitle, subtitle);
            doc.add_text(f.subtitle_exact, subtitle);
            doc.add_text(f.kw, subtitle);
            doc.add_text(f.kw_exact, subtitle);
        }
        for a in d.authors.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
            doc.add_text(f.authors, a);
            doc.add_text(f.authors_exact, a);
            doc.add_text(f.kw, a);
            doc.add_text(f.kw_exact, a);
            add_shingles(&mut doc, f.authors_shingle, a);
        }
        for s in d
            .subjects
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
        {
            doc.add_text(f.subjects, s);
            doc.add_text(f.subjects_exact, s);
            doc.add_text(f.kw, s);
            doc.add_text(f.kw_exact, s);
            doc.add_text(f.subject, s);
        }
        let publisher = d.publisher.trim();
        if !publisher.is_empty() {
            doc.add_text(f.publisher, publisher);
            add_shingles(&mut doc, f.publisher_shingle, publisher);
        }
        for i in &d.isbn13s {
            if let Some(n) = isbn::index_form(i) {
                doc.add_text(f.isbn, n);
            }
        }
        if let Some(y) = d.year.filter(|y| (1..=9999).contains(y)) {
            doc.add_u64(f.year, u64::from(y));
        }
        let language = d.language.trim().to_lowercase();
        if !language.is_empty() {
            doc.add_text(f.language, language);
        }
        let collection = d.collection.trim().to_lowercase();
        if !collection.is_empty() {
            doc.add_text(f.collection, collection);
        }
        if !d.ddc.trim().is_empty() {
            doc.add_text(f.ddc, d.ddc.trim());
        }
        doc
    }

    /// Runs a search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResult> {
        let searcher = self.reader.searcher();
        let parsed = query::parse_as(&req.query, req.field);
        let plan = self.plan(&searcher, &parsed, &req.filters)?;

        // Facets need every match: one docs-only pass (block-wise, unscored)
        // that also yields the exact total.
        let mut facets = None;
        let mut known_total = None;
        if let Some(fr) = req.facets {
            let collector = FacetCollector::new(fr, searcher.segment_readers().len());
            let (total, f) = searcher.search(plan.matcher.as_ref(), &collector)?;
            facets = Some(f);
            known_total = Some(total);
        }
        // The top-k collector allocates for offset + limit, so paging is
        // bounded (as search engines usually do); the total stays exact.
        let limit = req
            .limit
            .min(MAX_LIMIT)
            .min(MAX_RESULT_WINDOW.saturating_sub(req.offset));
        let top_docs = (limit > 0).then(|| TopDocs::with_limit(limit).and_offset(req.offset));
        let (total, top): (u64, Vec<(f32, DocAddress)>) = match (top_docs, known_total) {
            (None, Some(total)) => (total, Vec::new()),
            (None, None) => (plan.matcher.count(&searcher)? as u64, Vec::new()),
            (Some(top_docs), known) if parsed.is_empty() => {
                // Browsing: newest first.
                let by_year = top_docs.order_by_u64_field(F_YEAR, Order::Desc);
                let (total, top) = match known {
                    Some(total) => (total, searcher.search(plan.scorer.as_ref(), &by_year)?),
                    None => {
                        let (count, top) =
                            searcher.search(plan.scorer.as_ref(), &(Count, by_year))?;
                        (count as u64, top)
                    }
                };
                (
                    total,
                    top.into_iter().map(|(_, addr)| (0.0, addr)).collect(),
                )
            }
            (Some(top_docs), Some(total)) => {
                let top = if total > req.offset as u64 {
                    searcher.search(plan.scorer.as_ref(), &top_docs)?
                } else {
                    Vec::new()
                };
                (total, top)
            }
            (Some(top_docs), None) if plan.prunable => {
                // Exact count from the dictionary (or a cheap docs-only pass)
                // and a pruned (block-max WAND) top-k: most matches are never
                // scored.
                let total = plan.matcher.count(&searcher)? as u64;
                let top = if total > req.offset as u64 {
                    searcher.search(plan.scorer.as_ref(), &top_docs)?
                } else {
                    Vec::new()
                };
                (total, top)
            }
            (Some(top_docs), None) => {
                // Nothing to prune: one pass scores and counts.
                let (count, top) = searcher.search(plan.scorer.as_ref(), &(Count, top_docs))?;
                (count as u64, top)
            }
        };

        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            hits.push(self.hit(&searcher, score, addr)?);
        }
        Ok(SearchResult {
            total,
            hits,
            facets,
        })
    }

    /// Exact count of matches without fetching hits.
    pub fn count(&self, query: &str, field: SearchField, filters: &Filters) -> Result<u64> {
        let searcher = self.reader.searcher();
        let parsed = query::parse_as(query, field);
        let plan = self.plan(&searcher, &parsed, filters)?;
        Ok(plan.matcher.count(&searcher)? as u64)
    }

    fn hit(&self, searcher: &Searcher, score: f32, addr: DocAddress) -> Result<Hit> {
        let f = &self.fields;
        let doc: TantivyDocument = searcher.doc(addr)?;
        let first = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        let all = |field| {
            doc.get_all(field)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        };
        Ok(Hit {
            id: first(f.id),
            score,
            title: first(f.title),
            subtitle: first(f.subtitle),
            authors: all(f.authors_exact),
            publisher: first(f.publisher),
            year: doc
                .get_first(f.year)
                .and_then(|v| v.as_u64())
                .and_then(|y| u32::try_from(y).ok()),
            isbn13s: all(f.isbn),
            language: first(f.language),
            collection: first(f.collection),
            ddc: first(f.ddc),
        })
    }

    fn plan(&self, searcher: &Searcher, parsed: &ParsedQuery, filters: &Filters) -> Result<Plan> {
        let mut parts: Vec<Part> = Vec::with_capacity(parsed.clauses.len());
        for clause in &parsed.clauses {
            self.clause_parts(searcher, clause, &mut parts)?;
        }
        let filter_queries = self.filter_queries(filters);

        if parts.is_empty() && !parsed.is_empty() {
            // Every clause analysed to nothing (e.g. a prefix with no
            // expansion): nothing can match.
            return Ok(Plan::empty());
        }
        if parts.is_empty() {
            let matcher: Box<dyn Query> = if filter_queries.is_empty() {
                Box::new(AllQuery)
            } else {
                and(filter_queries.iter().map(|q| q.box_clone()).collect())
            };
            let scorer = matcher.box_clone();
            return Ok(Plan {
                matcher,
                scorer,
                prunable: false,
            });
        }

        // A single clause without filters is scored by its own query: for a
        // word that is a flat OR of term queries, which tantivy evaluates
        // with block-max WAND.
        if parts.len() == 1 && filter_queries.is_empty() {
            let p = parts.remove(0);
            return Ok(Plan {
                matcher: p.matcher,
                scorer: p.scorer,
                prunable: p.prunable,
            });
        }
        let mut matchers: Vec<Box<dyn Query>> =
            Vec::with_capacity(parts.len() + filter_queries.len());
        let mut scorers: Vec<Box<dyn Query>> =
            Vec::with_capacity(parts.len() + filter_queries.len());
        for p in parts {
            matchers.push(p.matcher);
            scorers.push(p.scorer);
        }
        for q in filter_queries {
            scorers.push(Box::new(ConstScoreQuery::new(q.box_clone(), 0.0)));
            matchers.push(q);
        }
        Ok(Plan {
            matcher: and(matchers),
            scorer: and(scorers),
            prunable: false,
        })
    }

    fn filter_queries(&self, filters: &Filters) -> Vec<Box<dyn Query>> {
        let f = &self.fields;
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        if filters.is_empty() {
            return out;
        }
        let any_of = |field: Field, values: &[String], lower: bool| -> Option<Box<dyn Query>> {
            let terms: Vec<Box<dyn Query>> = values
                .iter()
                .map(|v| {
                    if lower {
                        v.trim().to_lowercase()
                    } else {
                        v.trim().to_string()
                    }
                })
                .filter(|v| !v.is_empty())
                .map(|v| term(field, &v))
                .collect();
            (!terms.is_empty()).then(|| or(terms))
        };
        out.extend(any_of(f.library, &filters.library_ids, false));
        out.extend(any_of(f.collection, &filters.collections, true));
        out.extend(any_of(f.language, &filters.languages, true));
        for s in filters
            .subjects
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
        {
            out.push(term(f.subject, s));
        }
        if filters.year_from.is_some() || filters.year_to.is_some() {
            let bound = |y: Option<u32>| match y {
                Some(y) => Bound::Included(Term::from_field_u64(f.year, u64::from(y))),
                None => Bound::Unbounded,
            };
            out.push(Box::new(RangeQuery::new(
                bound(filters.year_from),
                bound(filters.year_to),
            )));
        }
        out
    }

    /// Turns one parsed clause into match and scoring queries.
    fn clause_parts(
        &self,
        searcher: &Searcher,
        clause: &Clause,
        out: &mut Vec<Part>,
    ) -> Result<()> {
        let f = &self.fields;
        match clause {
            Clause::Word(w) => {
                let stems = analysis::word_stems(w);
                let mut scoring: Vec<Box<dyn Query>> =
                    Vec::with_capacity(4 * stems.all().len() + 4);
                for s in stems.all() {
                    scoring.push(boosted(f.title, s, W_TITLE));
                    scoring.push(boosted(f.subtitle, s, W_SUBTITLE));
                    scoring.push(boosted(f.subjects, s, W_SUBJECTS));
                    scoring.push(boosted(f.authors, s, W_AUTHORS));
                }
                scoring.push(boosted(f.title_exact, w, W_TITLE));
                scoring.push(boosted(f.subtitle_exact, w, W_SUBTITLE));
                scoring.push(boosted(f.subjects_exact, w, W_SUBJECTS));
                scoring.push(boosted(f.authors_exact, w, W_AUTHORS));
                // The catch-all holds exactly the stems of those four fields,
                // so it matches the same records with one posting list.
                let matcher = or(stems.all().iter().map(|s| term(f.kw, s)).collect());
                out.push(Part {
                    matcher,
                    scorer: Box::new(BooleanQuery::union(scoring)),
                    prunable: true,
                });
            }
            Clause::Prefix(p) => {
                let expansions = expand_prefix(searcher, f.kw_exact, p, PREFIX_EXPANSIONS)?;
                if expansions.is_empty() {
                    out.push(Part::nothing());
                    return Ok(());
                }
                let mut scoring: Vec<Box<dyn Query>> = Vec::with_capacity(4 * expansions.len());
                // The four unstemmed fields together hold exactly the
                // catch-all's words, so scorer and matcher agree, and all
                // clauses are term queries with frequencies (block-max WAND).
                for e in &expansions {
                    scoring.push(boosted(f.title_exact, e, W_TITLE));
                    scoring.push(boosted(f.subtitle_exact, e, W_SUBTITLE));
                    scoring.push(boosted(f.subjects_exact, e, W_SUBJECTS));
                    scoring.push(boosted(f.authors_exact, e, W_AUTHORS));
                }
                out.push(Part {
                    matcher: or(expansions.iter().map(|e| term(f.kw_exact, e)).collect()),
                    scorer: Box::new(BooleanQuery::union(scoring)),
                    prunable: true,
                });
            }
            Clause::Phrase(ws) => {
                let q = or(vec![
                    phrase(f.title_exact, ws, W_TITLE),
                    phrase(f.subtitle_exact, ws, W_SUBTITLE),
                    phrase(f.subjects_exact, ws, W_SUBJECTS),
                ]);
                out.push(Part::same(q, false));
            }
            Clause::Field(Scope::Author, ws) => out.push(Part::same(
                name_phrase(f.authors_shingle, f.authors_exact, ws),
                true,
            )),
            Clause::Field(Scope::Publisher, ws) => out.push(Part::same(
                name_phrase(f.publisher_shingle, f.publisher, ws),
                true,
            )),
            Clause::Field(Scope::Title, ws) => {
                for w in ws {
                    let stems = analysis::word_stems(w);
                    let mut q: Vec<Box<dyn Query>> = Vec::new();
                    for s in stems.all() {
                        q.push(boosted(f.title, s, W_TITLE));
                        q.push(boosted(f.subtitle, s, W_SUBTITLE));
                    }
                    q.push(boosted(f.title_exact, w, W_TITLE));
                    q.push(boosted(f.subtitle_exact, w, W_SUBTITLE));
                    out.push(Part::same(Box::new(BooleanQuery::union(q)), true));
                }
            }
            Clause::Field(Scope::Subject, ws) => {
                for w in ws {
                    let stems = analysis::word_stems(w);
                    let mut q: Vec<Box<dyn Query>> = stems
                        .all()
                        .iter()
                        .map(|s| boosted(f.subjects, s, W_SUBJECTS))
                        .collect();
                    q.push(boosted(f.subjects_exact, w, W_SUBJECTS));
                    out.push(Part::same(Box::new(BooleanQuery::union(q)), true));
                }
            }
            Clause::Isbn(n) => out.push(Part::same(term(f.isbn, n), true)),
        }
        Ok(())
    }
}

/// Match query (exact set, cheap to count) and scoring query (same set,
/// ranked) of a search.
struct Plan {
    matcher: Box<dyn Query>,
    scorer: Box<dyn Query>,
    /// The scorer is one term or a flat OR of terms: top-k can skip most
    /// matches, so counting separately with the matcher pays off.
    prunable: bool,
}

impl Plan {
    fn empty() -> Plan {
        Plan {
            matcher: Box::new(EmptyQuery),
            scorer: Box::new(EmptyQuery),
            prunable: true,
        }
    }
}

/// One required part of a query: both queries match the same records.
struct Part {
    matcher: Box<dyn Query>,
    scorer: Box<dyn Query>,
    /// See [`Plan::prunable`].
    prunable: bool,
}

impl Part {
    fn same(q: Box<dyn Query>, prunable: bool) -> Part {
        Part {
            matcher: q.box_clone(),
            scorer: q,
            prunable,
        }
    }

    fn nothing() -> Part {
        Part::same(Box::new(EmptyQuery), true)
    }
}

fn term(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn boosted(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(term(field, text), boost))
}

fn phrase(field: Field, words: &[String], boost: f32) -> Box<dyn Query> {
    let q: Box<dyn Query> = match words {
        [] => Box::new(EmptyQuery),
        [one] => term(field, one),
        many => Box::new(PhraseQuery::new(
            many.iter()
                .map(|w| Term::from_field_text(field, w))
                .collect(),
        )),
    };
    if boost == 1.0 {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

fn commit(writer: &mut IndexWriter) -> Result<()> {
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(INDEX_FORMAT);
    prepared.commit()?;
    Ok(())
}

/// Every run of up to [`MAX_SHINGLE_WORDS`] consecutive words of `name`.
fn add_shingles(doc: &mut TantivyDocument, field: Field, name: &str) {
    let ws = analysis::words(name);
    let mut buf = String::new();
    for start in 0..ws.len() {
        buf.clear();
        for (n, w) in ws[start..].iter().take(MAX_SHINGLE_WORDS).enumerate() {
            if n > 0 {
                buf.push(' ');
            }
            buf.push_str(w);
            doc.add_text(field, &buf);
        }
    }
}

/// A phrase within one name: a shingle lookup when short enough.
fn name_phrase(shingles: Field, positions: Field, words: &[String]) -> Box<dyn Query> {
    if !words.is_empty() && words.len() <= MAX_SHINGLE_WORDS {
        term(shingles, &words.join(" "))
    } else {
        phrase(positions, words, 1.0)
    }
}

fn or(mut qs: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if qs.len() == 1 {
        return qs.remove(0);
    }
    Box::new(BooleanQuery::union(qs))
}

fn and(mut qs: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if qs.len() == 1 {
        return qs.remove(0);
    }
    Box::new(BooleanQuery::new(
        qs.into_iter().map(|q| (Occur::Must, q)).collect(),
    ))
}

/// The most frequent indexed words of `field` that start with `prefix`.
fn expand_prefix(
    searcher: &Searcher,
    field: Field,
    prefix: &str,
    cap: usize,
) -> Result<Vec<String>> {
    let mut upper = prefix.as_bytes().to_vec();
    // The smallest byte string greater than every string with this prefix.
    while let Some(last) = upper.pop() {
        if last < u8::MAX {
            upper.push(last + 1);
            break;
        }
    }
    let mut freq: HashMap<Vec<u8>, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut builder = inverted.terms().range().ge(prefix.as_bytes());
        if !upper.is_empty() {
            builder = builder.lt(&upper);
        }
        let mut stream = builder.into_stream()?;
        while stream.advance() {
            *freq.entry(stream.key().to_vec()).or_insert(0) += u64::from(stream.value().doc_freq);
        }
    }
    let mut ranked: Vec<(Vec<u8>, u64)> = freq.into_iter().collect();
    ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(ranked
        .into_iter()
        .take(cap)
        .filter_map(|(k, _)| String::from_utf8(k).ok())
        .collect())
}

/// Writer handle for incremental changes. Changes become visible to searches
/// at [`CatalogWriter::commit`]; dropping the writer without committing
/// discards them.
pub struct CatalogWriter<'a> {
    index: &'a CatalogIndex,
    /// `None` only if re-acquiring the writer after a bulk load failed.
    writer: Option<IndexWriter>,
}

impl CatalogWriter<'_> {
    fn inner(&mut self) -> Result<&mut IndexWriter> {
        if self.writer.is_none() {
            self.writer = Some(self.index.small_writer()?);
        }
        self.writer
            .as_mut()
            .ok_or_else(|| Error::InvalidDocument("no writer".into()))
    }

    /// Adds a record, replacing any record with the same id.
    pub fn upsert(&mut self, doc: &BookDoc) -> Result<()> {
        let id = doc.id.trim();
        if id.is_empty() {
            return Err(Error::InvalidDocument("empty id".into()));
        }
        let term = Term::from_field_text(self.index.fields.id, id);
        let document = self.index.to_document(doc);
        let writer = self.inner()?;
        writer.delete_term(term);
        writer.add_document(document)?;
        Ok(())
    }

    /// Removes the record with this id (no error if there is none).
    pub fn delete(&mut self, id: &str) -> Result<()> {
        let term = Term::from_field_text(self.index.fields.id, id.trim());
        self.inner()?.delete_term(term);
        Ok(())
    }

    /// Makes all changes durable and visible to searches.
    pub fn commit(&mut self) -> Result<()> {
        commit(self.inner()?)?;
        self.index.reader.reload()?;
        Ok(())
    }

    /// Discards changes since the last commit.
    pub fn rollback(&mut self) -> Result<()> {
        self.inner()?.rollback()?;
        Ok(())
    }

    /// Replaces the whole content of the index with `docs` (the rebuild path
    /// from the database), committed and merged into one segment. Changes not
    /// yet committed on this writer are discarded.
    pub fn index_all<I>(&mut self, docs: I, opts: BulkOptions) -> Result<BulkStats>
    where
        I: IntoIterator<Item = BookDoc>,
    {
        // The bulk writer needs the index lock this writer holds.
        if let Some(w) = self.writer.take() {
            drop(w);
        }
        let stats = self.index.bulk_load(docs, opts);
        self.writer = Some(self.index.small_writer()?);
        stats
    }
}
