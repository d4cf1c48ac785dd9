//! Lentera's domain: the types that make illegal states unrepresentable and the
//! rules that decide who may do what. Nothing here does I/O — no database, no
//! files, no clock reads except through arguments — so every rule is a plain
//! function that tests can call directly.
//!
//! Read in this order: [`field`] (how input errors are described), [`ids`],
//! [`regions`] (the Kemendagri tree and its codes), [`libraries`], [`users`]
//! (roles and reach), [`audit`].

pub mod activities;
pub mod aid;
pub mod audit;
pub mod catalog;
pub mod circulation;
pub mod events;
pub mod field;
pub mod ids;
pub mod libraries;
pub mod monitoring;
pub mod program;
pub mod regions;
pub mod text;
pub mod uploads;
pub mod users;
pub mod visits;
pub mod workplans;
