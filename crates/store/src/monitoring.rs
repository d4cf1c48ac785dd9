//! Monitoring and evaluation: monthly reports, indicators, scorecards, IPLM, dashboards and exports.

pub mod dashboard;
pub mod figures;
pub mod indicators;
pub mod reports;
