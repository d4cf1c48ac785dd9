//! The guest book.
