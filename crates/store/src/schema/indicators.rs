//! Schema of indicators, scorecards, IPLM and the live figure rollups
//! (migration 2026-11-24-000002_indicators).
#![allow(unused_imports)]

use super::{libraries, regions};

diesel::table! {
    figure_values (library_id, basis, element, disagg, period) {
        library_id -> Text,
        basis -> Text,
        element -> Text,
        disagg -> Text,
        period -> Integer,
        region_code -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    figure_rollups (region_code, basis, element, disagg, period) {
        region_code -> Text,
        level -> SmallInt,
        basis -> Text,
        element -> Text,
        disagg -> Text,
        period -> Integer,
        value -> BigInt,
    }
}

diesel::table! {
    figure_overrides (library_id, period, element) {
        library_id -> Text,
        period -> Integer,
        element -> Text,
        cells -> Integer,
    }
}

diesel::table! {
    figure_member_months (library_id, period, member_id) {
        library_id -> Text,
        period -> Integer,
        member_id -> Text,
        uses -> Integer,
    }
}

diesel::table! {
    figure_settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    figure_library_counts (region_code) {
        region_code -> Text,
        level -> SmallInt,
        libraries -> BigInt,
    }
}

diesel::table! {
    figure_timezones (province) {
        province -> Text,
        hours -> Integer,
    }
}

// `indicators` would clash with this module's own name in `schema`.
diesel::table! {
    #[sql_name = "indicators"]
    indicator_defs (code) {
        code -> Text,
        position -> Integer,
        name_id -> Text,
        name_en -> Text,
        definition_id -> Text,
        definition_en -> Text,
        numerator -> Text,
        denominator -> Text,
        factor -> Double,
        time_aggregation -> Text,
        region_aggregation -> Text,
        unit_id -> Text,
        unit_en -> Text,
        decimals -> Integer,
        higher_is_better -> Bool,
        active -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    indicator_targets (indicator_code, year, region_code) {
        indicator_code -> Text,
        year -> Integer,
        region_code -> Text,
        target -> Double,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    kpi_formulas (version) {
        version -> Integer,
        effective_from -> Date,
        name -> Text,
        red_below -> Double,
        green_from -> Double,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    kpi_weights (version, indicator_code) {
        version -> Integer,
        indicator_code -> Text,
        weight -> Double,
    }
}

diesel::table! {
    region_population (region_code, year) {
        region_code -> Text,
        year -> Integer,
        population -> BigInt,
        source -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(figure_values -> libraries (library_id));
diesel::joinable!(indicator_targets -> indicator_defs (indicator_code));
diesel::joinable!(kpi_weights -> kpi_formulas (version));
diesel::joinable!(kpi_weights -> indicator_defs (indicator_code));
diesel::joinable!(region_population -> regions (region_code));

// Pairs only: the tables of schema.rs already appear together among
// themselves, and a pair listed twice would conflict.
diesel::allow_tables_to_appear_in_same_query!(figure_values, libraries);
diesel::allow_tables_to_appear_in_same_query!(figure_values, figure_overrides);
diesel::allow_tables_to_appear_in_same_query!(indicator_targets, indicator_defs);
diesel::allow_tables_to_appear_in_same_query!(kpi_weights, kpi_formulas);
diesel::allow_tables_to_appear_in_same_query!(kpi_weights, indicator_defs);
diesel::allow_tables_to_appear_in_same_query!(region_population, regions);
diesel::allow_tables_to_appear_in_same_query!(libraries, region_population);
diesel::allow_tables_to_appear_in_same_query!(figure_overrides, libraries);
