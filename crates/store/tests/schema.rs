//! `schema.rs` is written by hand; this proves every column it names exists
//! in both backends' migrated databases, so a query can never name a column
//! one backend lacks.

use diesel::prelude::*;
use lentera_store::schema::*;
use lentera_store::{Db, both_backends};

macro_rules! select_all {
    ($c:expr, $($t:ident),+ $(,)?) => {
        $(
            $t::table
                .select($t::all_columns)
                .limit(0)
                .execute($c)
                .unwrap_or_else(|e| panic!("table {}: {e}", stringify!($t)));
        )+
    };
}

both_backends!(every_schema_column_exists, |db: &Db| {
    let mut c = db.conn().unwrap();
    select_all!(
        &mut c,
        meta,
        regions,
        libraries,
        users,
        facilitator_libraries,
        sessions,
        audit_log,
        counters,
        biblios,
        items,
        catalog_changes,
        members,
        circulation_settings,
        loan_rules,
        holidays,
        loans,
        holds,
        visits,
        stocktakes,
        stocktake_scans,
        uploads,
        notifications,
        program_years,
        proposals,
        proposal_documents,
        aid_packages,
        aid_package_components,
        aid_allocations,
        aid_shipments,
        aid_receipts,
        events,
        event_trainers,
        event_sessions,
        event_participants,
        event_attendance,
        event_survey_responses,
        workplans,
        workplan_activities,
        workplan_reviews,
        activity_reports,
        activity_participants,
        activity_photos,
        advocacy_outcomes,
        monthly_reports,
        monthly_report_values,
        monthly_report_notes,
        monthly_report_events,
        report_deadlines,
        figure_values,
        figure_rollups,
        figure_overrides,
        figure_member_months,
        figure_settings,
        figure_library_counts,
        figure_timezones,
        indicator_defs,
        indicator_targets,
        kpi_formulas,
        kpi_weights,
        region_population,
    );
});
