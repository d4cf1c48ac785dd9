//! Keeps the full-text index (lentera-search) in step with the database.
