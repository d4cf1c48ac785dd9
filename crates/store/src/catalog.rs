//! Bibliographic records, items, imports and exports.

pub mod index;
pub mod stocktake;
