//! Full-text index of the public catalogue (OPAC) and of the union catalogue.
//!
//! An embedded [tantivy] index kept in step with the database by the
//! catalogue layer, which converts its records to [`BookDoc`] and calls
//! [`CatalogWriter::upsert`] / [`CatalogWriter::delete`] /
//! [`CatalogWriter::commit`], or rebuilds everything with
//! [`CatalogIndex::index_all`]. Searches go through [`CatalogIndex::search`].
//!
//! - [`stem`]: dictionary-free Indonesian stemmer.
//! - [`analysis`]: tokenizer and analyzers (registered as
//!   [`analysis::STEM_ANALYZER`] and [`analysis::PLAIN_ANALYZER`]); why no
//!   stop words are removed from the index.
//! - [`query`]: the query language (pure parsing).
//! - [`isbn`]: ISBN-10/13 normalisation.
//!
//! # Index layout
//!
//! Title, subtitle, subjects and authors are each indexed twice: stemmed (a
//! word meets its root family) and unstemmed (the very word typed scores
//! about twice as much, so exact forms rank first; quoted phrases and
//! `prefix*` use these). A stemmed catch-all (`kw`) holds the same words in
//! one posting list per stem, so a one-word query is counted exactly from the
//! term dictionary and ranked with block-max WAND without scoring every
//! match; multi-clause queries are counted and ranked in one pass. Author and
//! publisher names are also indexed as word n-grams ("shingles") of each
//! name, so a name phrase is a single term. Collection, language, year and
//! subject headings are fast fields for filters and facets.
//!
//! Author names are stemmed in the stemmed authors field like every other
//! field: corporate authors ("Kementerian Pendidikan") benefit, while a
//! personal name that happens to stem (Setiawan → setiaw) usually only meets
//! itself and now and then an unrelated word (Permana → mana). The unstemmed
//! twin keeps exact names on top, and `author:` searches never stem.
//!
//! English records (a quarter of the union catalogue) go through the same
//! analyzer. The Indonesian rules rarely fire on English words, and when they
//! do, index and query agree; English plurals are not conflated.

pub mod analysis;
mod error;
mod facets;
mod index;
pub mod isbn;
pub mod query;
pub mod stem;

pub use error::{Error, Result};
pub use facets::{FacetCount, Facets};
pub use index::{
    BookDoc, BulkOptions, BulkStats, CatalogIndex, CatalogWriter, FacetRequest, Filters, Hit,
    MAX_LIMIT, MAX_RESULT_WINDOW, PREFIX_EXPANSIONS, SearchRequest, SearchResult,
};
pub use query::{Clause, ParsedQuery, Scope, SearchField};
