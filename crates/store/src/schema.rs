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

diesel::joinable!(libraries -> regions (village_code));
diesel::joinable!(users -> libraries (library_id));
diesel::joinable!(facilitator_libraries -> users (user_id));
diesel::joinable!(facilitator_libraries -> libraries (library_id));
diesel::joinable!(sessions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    meta,
    regions,
    libraries,
    users,
    facilitator_libraries,
    sessions,
    audit_log,
);
