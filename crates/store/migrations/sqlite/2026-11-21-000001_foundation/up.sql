-- Foundation: regions, libraries, users, sessions, audit.
-- Keep in step with ../../postgres/2026-11-21-000001_foundation/up.sql:
-- same tables, same columns, same names; only the types' spelling differs.

CREATE TABLE meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE regions (
    code TEXT PRIMARY KEY NOT NULL,
    parent_code TEXT REFERENCES regions (code),
    level SMALLINT NOT NULL,
    name TEXT NOT NULL,
    latitude DOUBLE,
    longitude DOUBLE,
    postal_code TEXT
);
CREATE INDEX regions_parent ON regions (parent_code);

CREATE TABLE libraries (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    npp TEXT UNIQUE,
    village_code TEXT NOT NULL REFERENCES regions (code),
    address TEXT NOT NULL DEFAULT '',
    latitude DOUBLE,
    longitude DOUBLE,
    contact_name TEXT,
    phone TEXT,
    email TEXT,
    opening_hours TEXT,
    hours_per_day DOUBLE,
    staff_count INTEGER,
    floor_area_m2 DOUBLE,
    computers INTEGER NOT NULL DEFAULT 0,
    has_internet BOOLEAN NOT NULL DEFAULT FALSE,
    participation TEXT NOT NULL DEFAULT 'none',
    cohort_year INTEGER,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX libraries_village_name ON libraries (village_code, name_key);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    role TEXT NOT NULL,
    region_code TEXT REFERENCES regions (code),
    library_id TEXT REFERENCES libraries (id),
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP
);
CREATE INDEX users_region ON users (region_code);
CREATE INDEX users_library ON users (library_id);

CREATE TABLE facilitator_libraries (
    user_id TEXT NOT NULL REFERENCES users (id),
    library_id TEXT NOT NULL REFERENCES libraries (id),
    assigned_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, library_id)
);
CREATE INDEX facilitator_libraries_library ON facilitator_libraries (library_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_id TEXT,
    actor_username TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    region_code TEXT,
    library_id TEXT,
    summary TEXT NOT NULL,
    details TEXT
);
CREATE INDEX audit_log_region_at ON audit_log (region_code, at);
CREATE INDEX audit_log_library_at ON audit_log (library_id, at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
