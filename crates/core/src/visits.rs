//! The guest book: who came to the library, and why.
