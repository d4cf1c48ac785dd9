//! Monitoring and evaluation: monthly reports, indicators, scorecards, IPLM, dashboards and exports.
//!
//! Domain types and rules only: no I/O.

pub mod figures;
pub mod indicators;
pub mod iplm;
pub mod kpi;
pub mod reports;
pub mod snp;
