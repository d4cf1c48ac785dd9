//! Schema of monthly library reports (migration 2026-11-24-000001_reports).
//! Kept beside `schema.rs` so the monitoring tables have one owner file.
#![allow(unused_imports)]

use super::{libraries, regions, users};

diesel::table! {
    monthly_reports (id) {
        id -> Text,
        library_id -> Text,
        region_code -> Text,
        period -> Integer,
        status -> Text,
        approved_level -> Nullable<Text>,
        first_submitted_at -> Nullable<Timestamp>,
        submitted_at -> Nullable<Timestamp>,
        submitted_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        approved_by -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    monthly_report_values (report_id, element, disagg) {
        report_id -> Text,
        element -> Text,
        disagg -> Text,
        value -> BigInt,
        manual -> Bool,
    }
}

diesel::table! {
    monthly_report_notes (report_id, rule) {
        report_id -> Text,
        rule -> Text,
        comment -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    monthly_report_events (id) {
        id -> Text,
        report_id -> Text,
        action -> Text,
        level -> Nullable<Text>,
        actor_id -> Nullable<Text>,
        actor_name -> Text,
        actor_role -> Text,
        comment -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    report_deadlines (region_code) {
        region_code -> Text,
        day -> Integer,
        updated_by -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(monthly_reports -> libraries (library_id));
diesel::joinable!(monthly_report_values -> monthly_reports (report_id));
diesel::joinable!(monthly_report_notes -> monthly_reports (report_id));
diesel::joinable!(monthly_report_events -> monthly_reports (report_id));

// Pairs only: the tables of schema.rs already appear together among
// themselves, and a pair listed twice would conflict.
diesel::allow_tables_to_appear_in_same_query!(monthly_reports, libraries);
diesel::allow_tables_to_appear_in_same_query!(monthly_reports, regions);
diesel::allow_tables_to_appear_in_same_query!(monthly_reports, users);
diesel::allow_tables_to_appear_in_same_query!(monthly_reports, monthly_report_values);
diesel::allow_tables_to_appear_in_same_query!(monthly_reports, monthly_report_notes);
diesel::allow_tables_to_appear_in_same_query!(monthly_reports, monthly_report_events);
