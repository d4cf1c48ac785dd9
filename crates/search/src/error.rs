//! The crate's error type.

/// Errors from the catalogue index.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The search engine failed (I/O, corrupt index, lock held by another writer…).
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The index directory could not be opened or created.
    #[error("search index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    /// File system error outside the engine.
    #[error("search index I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The index on disk was built with another schema or other analysis
    /// rules; delete it and rebuild.
    #[error("search index was built by an incompatible version; rebuild it")]
    IncompatibleIndex,
    /// A document cannot be indexed.
    #[error("invalid document: {0}")]
    InvalidDocument(String),
}

/// Result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
