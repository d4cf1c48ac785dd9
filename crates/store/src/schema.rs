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
);
