//! The Diesel schema, shared by both backends. Written by hand to match
//! `migrations/{sqlite,postgres}`; `tests/schema.rs` checks that both
//! backends' migrated tables have exactly these columns.

diesel::table! {
    meta (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    regions (code) {
        code -> Text,
        parent_code -> Nullable<Text>,
        level -> SmallInt,
        name -> Text,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        postal_code -> Nullable<Text>,
    }
}

diesel::table! {
    libraries (id) {
        id -> Text,
        kind -> Text,
        name -> Text,
        name_key -> Text,
        npp -> Nullable<Text>,
        village_code -> Text,
        address -> Text,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        contact_name -> Nullable<Text>,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        opening_hours -> Nullable<Text>,
        hours_per_day -> Nullable<Double>,
        staff_count -> Nullable<Integer>,
        floor_area_m2 -> Nullable<Double>,
        computers -> Integer,
        has_internet -> Bool,
        participation -> Text,
        cohort_year -> Nullable<Integer>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        full_name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        role -> Text,
        region_code -> Nullable<Text>,
        library_id -> Nullable<Text>,
        password_hash -> Text,
        must_change_password -> Bool,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    facilitator_libraries (user_id, library_id) {
        user_id -> Text,
        library_id -> Text,
        assigned_at -> Timestamp,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        kind -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_username -> Text,
        action -> Text,
        entity -> Text,
        entity_id -> Text,
        region_code -> Nullable<Text>,
        library_id -> Nullable<Text>,
        summary -> Text,
        details -> Nullable<Text>,
    }
}

diesel::table! {
    counters (library_id, kind) {
        library_id -> Text,
        kind -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    biblios (id) {
        id -> Text,
        library_id -> Text,
        title -> Text,
        subtitle -> Nullable<Text>,
        authors -> Text,
        publisher -> Nullable<Text>,
        place -> Nullable<Text>,
        year -> Nullable<Integer>,
        edition -> Nullable<Text>,
        isbn -> Nullable<Text>,
        language -> Nullable<Text>,
        ddc -> Nullable<Text>,
        call_number -> Nullable<Text>,
        subjects -> Text,
        collection -> Text,
        notes -> Nullable<Text>,
        control_number -> Nullable<Text>,
        title_key -> Text,
        marc -> Nullable<Binary>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    items (id) {
        id -> Text,
        library_id -> Text,
        biblio_id -> Text,
        barcode -> Text,
        call_number -> Nullable<Text>,
        location -> Nullable<Text>,
        status -> Text,
        source -> Nullable<Text>,
        acquired_on -> Nullable<Date>,
        price -> Nullable<BigInt>,
        notes -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    catalog_changes (seq) {
        seq -> BigInt,
        biblio_id -> Text,
        library_id -> Text,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    members (id) {
        id -> Text,
        library_id -> Text,
        member_no -> Text,
        full_name -> Text,
        name_key -> Text,
        member_type -> Text,
        gender -> Text,
        birth_date -> Nullable<Date>,
        address -> Nullable<Text>,
        rt -> Nullable<Text>,
        rw -> Nullable<Text>,
        village_code -> Nullable<Text>,
        phone -> Nullable<Text>,
        occupation -> Nullable<Text>,
        education -> Nullable<Text>,
        disability -> Nullable<Text>,
        nik -> Nullable<Text>,
        joined_on -> Date,
        expires_on -> Nullable<Date>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    circulation_settings (library_id) {
        library_id -> Text,
        closed_weekdays -> Text,
        fines_enabled -> Bool,
        hold_pickup_days -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    loan_rules (id) {
        id -> Text,
        library_id -> Text,
        member_type -> Text,
        collection -> Text,
        loan_days -> Integer,
        max_loans -> Integer,
        max_renewals -> Integer,
        fine_per_day -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    holidays (library_id, day) {
        library_id -> Text,
        day -> Date,
        name -> Text,
    }
}

diesel::table! {
    loans (id) {
        id -> Text,
        library_id -> Text,
        item_id -> Text,
        member_id -> Text,
        loaned_at -> Timestamp,
        due_on -> Date,
        returned_at -> Nullable<Timestamp>,
        renewals -> Integer,
        fine -> BigInt,
        fine_paid -> Bool,
        loaned_by -> Nullable<Text>,
        returned_by -> Nullable<Text>,
    }
}

diesel::table! {
    holds (id) {
        id -> Text,
        library_id -> Text,
        biblio_id -> Text,
        member_id -> Text,
        placed_at -> Timestamp,
        status -> Text,
        item_id -> Nullable<Text>,
        ready_until -> Nullable<Date>,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    visits (id) {
        id -> Text,
        library_id -> Text,
        visited_at -> Timestamp,
        visit_date -> Date,
        member_id -> Nullable<Text>,
        visitor_name -> Nullable<Text>,
        group_name -> Nullable<Text>,
        males -> Integer,
        females -> Integer,
        age_group -> Text,
        purpose -> Text,
        recorded_by -> Nullable<Text>,
    }
}

diesel::table! {
    stocktakes (id) {
        id -> Text,
        library_id -> Text,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        started_by -> Nullable<Text>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    stocktake_scans (stocktake_id, barcode) {
        stocktake_id -> Text,
        barcode -> Text,
        item_id -> Nullable<Text>,
        scanned_at -> Timestamp,
    }
}

// The TPBIS program cycle (migration 2026-11-23-000001_program).

diesel::table! {
    uploads (id) {
        id -> Text,
        library_id -> Nullable<Text>,
        region_code -> Text,
        kind -> Text,
        filename -> Text,
        size -> BigInt,
        sha256 -> Text,
        bytes -> Binary,
        thumb -> Nullable<Binary>,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Text,
        title_id -> Text,
        title_en -> Text,
        link -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    program_years (year) {
        year -> Integer,
        name -> Text,
        target_libraries -> Integer,
        target_full_support -> Integer,
        target_book_aid -> Integer,
        target_trained -> Integer,
        min_proposals_per_district -> Integer,
        proposal_deadline -> Nullable<Date>,
        decree_number -> Nullable<Text>,
        decree_date -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    proposals (id) {
        id -> Text,
        year -> Integer,
        library_id -> Text,
        region_code -> Text,
        requested -> Text,
        note -> Nullable<Text>,
        status -> Text,
        proposed_by -> Nullable<Text>,
        submitted_at -> Nullable<Timestamp>,
        verified_by -> Nullable<Text>,
        verified_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        reject_reason -> Nullable<Text>,
        participation -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    proposal_documents (proposal_id, kind) {
        proposal_id -> Text,
        kind -> Text,
        upload_id -> Text,
        added_at -> Timestamp,
    }
}

diesel::table! {
    aid_packages (id) {
        id -> Text,
        year -> Integer,
        name -> Text,
        description -> Nullable<Text>,
        full_support -> Bool,
        book_list_upload_id -> Nullable<Text>,
        book_titles -> Integer,
        book_copies -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    aid_package_components (id) {
        id -> Text,
        package_id -> Text,
        position -> Integer,
        kind -> Text,
        label -> Text,
        quantity -> Integer,
    }
}

diesel::table! {
    aid_allocations (id) {
        id -> Text,
        year -> Integer,
        library_id -> Text,
        region_code -> Text,
        package_id -> Text,
        due_date -> Nullable<Date>,
        status -> Text,
        books_imported_at -> Nullable<Timestamp>,
        books_imported -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    aid_shipments (id) {
        id -> Text,
        allocation_id -> Text,
        component_id -> Text,
        planned_date -> Nullable<Date>,
        shipped_date -> Nullable<Date>,
        delivered_date -> Nullable<Date>,
        courier -> Nullable<Text>,
        tracking -> Nullable<Text>,
        note -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    aid_receipts (allocation_id) {
        allocation_id -> Text,
        received_on -> Date,
        receiver_name -> Text,
        receiver_position -> Nullable<Text>,
        condition -> Text,
        shortfalls -> Nullable<Text>,
        photo_upload_id -> Nullable<Text>,
        document_upload_id -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> Text,
        year -> Nullable<Integer>,
        kind -> Text,
        title -> Text,
        region_code -> Text,
        venue -> Nullable<Text>,
        starts_on -> Date,
        ends_on -> Date,
        mode -> Text,
        meeting_link -> Nullable<Text>,
        organiser -> Nullable<Text>,
        capacity_in_person -> Nullable<Integer>,
        capacity_online -> Nullable<Integer>,
        workplan_due_days -> Integer,
        certificate_percent -> Integer,
        signatory_name -> Nullable<Text>,
        signatory_position -> Nullable<Text>,
        survey_token -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    event_trainers (id) {
        id -> Text,
        event_id -> Text,
        name -> Text,
        institution -> Nullable<Text>,
        role -> Nullable<Text>,
    }
}

diesel::table! {
    event_sessions (id) {
        id -> Text,
        event_id -> Text,
        position -> Integer,
        topic -> Text,
        title -> Text,
        held_on -> Date,
        starts_at -> Nullable<Timestamp>,
        ends_at -> Nullable<Timestamp>,
        mode -> Text,
        trainer_id -> Nullable<Text>,
    }
}

diesel::table! {
    event_participants (id) {
        id -> Text,
        event_id -> Text,
        library_id -> Nullable<Text>,
        region_code -> Text,
        full_name -> Text,
        name_key -> Text,
        team_role -> Text,
        gender -> Text,
        phone -> Nullable<Text>,
        institution -> Nullable<Text>,
        attend_mode -> Text,
        status -> Text,
        pre_test -> Nullable<Double>,
        post_test -> Nullable<Double>,
        certificate_code -> Nullable<Text>,
        certificate_issued_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    event_attendance (participant_id, session_id) {
        participant_id -> Text,
        session_id -> Text,
        mode -> Text,
        present -> Bool,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    event_survey_responses (id) {
        id -> Text,
        event_id -> Text,
        participant_id -> Nullable<Text>,
        content_rating -> Integer,
        trainer_rating -> Integer,
        organisation_rating -> Integer,
        usefulness_rating -> Integer,
        best -> Nullable<Text>,
        improve -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    workplans (id) {
        id -> Text,
        library_id -> Text,
        region_code -> Text,
        year -> Integer,
        event_id -> Nullable<Text>,
        kind -> Text,
        title -> Text,
        potential_people -> Nullable<Text>,
        potential_nature -> Nullable<Text>,
        potential_institutions -> Nullable<Text>,
        potential_economy -> Nullable<Text>,
        goals -> Nullable<Text>,
        status -> Text,
        due_date -> Nullable<Date>,
        submitted_at -> Nullable<Timestamp>,
        approved_at -> Nullable<Timestamp>,
        approved_by -> Nullable<Text>,
        copied_from -> Nullable<Text>,
        submitted_late -> Bool,
        version -> Integer,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    workplan_activities (id) {
        id -> Text,
        workplan_id -> Text,
        library_id -> Text,
        position -> Integer,
        name -> Text,
        target_group -> Nullable<Text>,
        starts_on -> Nullable<Date>,
        ends_on -> Nullable<Date>,
        place -> Nullable<Text>,
        partners -> Nullable<Text>,
        resources -> Nullable<Text>,
        budget -> Nullable<BigInt>,
        budget_source -> Nullable<Text>,
        targets -> Nullable<Text>,
        progress -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    workplan_reviews (id) {
        id -> Text,
        workplan_id -> Text,
        activity_id -> Nullable<Text>,
        actor_id -> Nullable<Text>,
        actor_name -> Text,
        actor_role -> Text,
        action -> Text,
        comment -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    activity_reports (id) {
        id -> Text,
        library_id -> Text,
        region_code -> Text,
        held_on -> Date,
        strategy -> Text,
        kind -> Text,
        title -> Text,
        workplan_activity_id -> Nullable<Text>,
        partners -> Nullable<Text>,
        outcome -> Nullable<Text>,
        story -> Nullable<Text>,
        participants -> Integer,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    activity_participants (report_id, gender, age_group, disability) {
        report_id -> Text,
        gender -> Text,
        age_group -> Text,
        disability -> Bool,
        count -> Integer,
    }
}

diesel::table! {
    activity_photos (report_id, upload_id) {
        report_id -> Text,
        upload_id -> Text,
        position -> Integer,
        caption -> Nullable<Text>,
    }
}

diesel::table! {
    advocacy_outcomes (id) {
        id -> Text,
        library_id -> Text,
        region_code -> Text,
        kind -> Text,
        title -> Text,
        partner -> Nullable<Text>,
        signed_on -> Nullable<Date>,
        budget_year -> Nullable<Integer>,
        amount -> Nullable<BigInt>,
        description -> Nullable<Text>,
        document_upload_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(libraries -> regions (village_code));
diesel::joinable!(users -> libraries (library_id));
diesel::joinable!(facilitator_libraries -> users (user_id));
diesel::joinable!(facilitator_libraries -> libraries (library_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(biblios -> libraries (library_id));
diesel::joinable!(items -> biblios (biblio_id));
diesel::joinable!(members -> libraries (library_id));
diesel::joinable!(loans -> items (item_id));
diesel::joinable!(loans -> members (member_id));
diesel::joinable!(holds -> biblios (biblio_id));
diesel::joinable!(holds -> members (member_id));
diesel::joinable!(visits -> members (member_id));
diesel::joinable!(stocktake_scans -> stocktakes (stocktake_id));
diesel::joinable!(workplans -> libraries (library_id));
diesel::joinable!(workplan_activities -> workplans (workplan_id));
diesel::joinable!(workplan_reviews -> workplans (workplan_id));
diesel::joinable!(event_trainers -> events (event_id));
diesel::joinable!(event_sessions -> events (event_id));
diesel::joinable!(event_participants -> events (event_id));
diesel::joinable!(event_participants -> libraries (library_id));
diesel::joinable!(event_attendance -> event_participants (participant_id));
diesel::joinable!(event_attendance -> event_sessions (session_id));
diesel::joinable!(proposals -> libraries (library_id));
diesel::joinable!(proposal_documents -> proposals (proposal_id));
diesel::joinable!(proposal_documents -> uploads (upload_id));
diesel::joinable!(aid_package_components -> aid_packages (package_id));
diesel::joinable!(aid_allocations -> aid_packages (package_id));
diesel::joinable!(aid_allocations -> libraries (library_id));
diesel::joinable!(aid_shipments -> aid_allocations (allocation_id));
diesel::joinable!(aid_receipts -> aid_allocations (allocation_id));
diesel::joinable!(activity_participants -> activity_reports (report_id));

diesel::allow_tables_to_appear_in_same_query!(
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
);

// Monitoring (migrations 2026-11-24-*), one file per owner.
mod indicators;
mod reports;
#[allow(unused_imports)]
pub use indicators::*;
#[allow(unused_imports)]
pub use reports::*;
