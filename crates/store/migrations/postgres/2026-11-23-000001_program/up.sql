-- The TPBIS program cycle: uploads and notifications (shared), program years
-- and proposals, aid, events (Bimtek and others), work plans, activity
-- reports and advocacy outcomes. Keep in step with ../../sqlite/2026-11-23-000001_program:
-- same tables, same columns; only BYTEA/BYTEA differs.
-- Records tied to a library carry library_id and region_code (the library's
-- village code at the time of writing) so reach filters need no join.

-- Files: documents (PDF, JPEG, PNG) and photos (re-encoded JPEG + thumbnail).
-- Kept in the database so one backup holds everything and reach is checked
-- against the same row that holds the bytes.
CREATE TABLE uploads (
    id TEXT PRIMARY KEY NOT NULL,
    library_id TEXT REFERENCES libraries (id),
    region_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    filename TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    thumb BYTEA,
    width INTEGER,
    height INTEGER,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX uploads_library ON uploads (library_id);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    title_id TEXT NOT NULL,
    title_en TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, created_at);

-- ---------------------------------------------------------------- program
CREATE TABLE program_years (
    year INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    target_libraries INTEGER NOT NULL DEFAULT 0,
    target_full_support INTEGER NOT NULL DEFAULT 0,
    target_book_aid INTEGER NOT NULL DEFAULT 0,
    target_trained INTEGER NOT NULL DEFAULT 0,
    min_proposals_per_district INTEGER NOT NULL DEFAULT 25,
    proposal_deadline DATE,
    decree_number TEXT,
    decree_date DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE proposals (
    id TEXT PRIMARY KEY NOT NULL,
    year INTEGER NOT NULL REFERENCES program_years (year),
    library_id TEXT NOT NULL REFERENCES libraries (id),
    region_code TEXT NOT NULL,
    requested TEXT NOT NULL,
    note TEXT,
    status TEXT NOT NULL,
    proposed_by TEXT,
    submitted_at TIMESTAMP,
    verified_by TEXT,
    verified_at TIMESTAMP,
    decided_by TEXT,
    decided_at TIMESTAMP,
    reject_reason TEXT,
    participation TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX proposals_year_library ON proposals (year, library_id);
CREATE INDEX proposals_region ON proposals (year, region_code);

CREATE TABLE proposal_documents (
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    kind TEXT NOT NULL,
    upload_id TEXT NOT NULL REFERENCES uploads (id),
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (proposal_id, kind)
);

-- -------------------------------------------------------------------- aid
CREATE TABLE aid_packages (
    id TEXT PRIMARY KEY NOT NULL,
    year INTEGER NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    full_support BOOLEAN NOT NULL DEFAULT FALSE,
    -- The package's book list (CSV, XLSX or MARC) as an upload.
    book_list_upload_id TEXT REFERENCES uploads (id),
    -- Titles and copies the list holds, counted when it was uploaded.
    book_titles INTEGER NOT NULL DEFAULT 0,
    book_copies INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE INDEX aid_packages_year ON aid_packages (year);

CREATE TABLE aid_package_components (
    id TEXT PRIMARY KEY NOT NULL,
    package_id TEXT NOT NULL REFERENCES aid_packages (id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    quantity INTEGER NOT NULL
);
CREATE INDEX aid_package_components_package ON aid_package_components (package_id, position);

CREATE TABLE aid_allocations (
    id TEXT PRIMARY KEY NOT NULL,
    year INTEGER NOT NULL,
    library_id TEXT NOT NULL REFERENCES libraries (id),
    region_code TEXT NOT NULL,
    package_id TEXT NOT NULL REFERENCES aid_packages (id),
    -- By when everything should have arrived; past it and not received = late.
    due_date DATE,
    status TEXT NOT NULL,
    books_imported_at TIMESTAMP,
    books_imported INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX aid_allocations_year_library ON aid_allocations (year, library_id);
CREATE INDEX aid_allocations_region ON aid_allocations (year, region_code);
CREATE INDEX aid_allocations_library ON aid_allocations (library_id);

CREATE TABLE aid_shipments (
    id TEXT PRIMARY KEY NOT NULL,
    allocation_id TEXT NOT NULL REFERENCES aid_allocations (id),
    component_id TEXT NOT NULL REFERENCES aid_package_components (id),
    planned_date DATE,
    shipped_date DATE,
    delivered_date DATE,
    courier TEXT,
    tracking TEXT,
    note TEXT,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX aid_shipments_component ON aid_shipments (allocation_id, component_id);

-- The berita acara serah terima (BAST), one per allocation.
CREATE TABLE aid_receipts (
    allocation_id TEXT PRIMARY KEY NOT NULL REFERENCES aid_allocations (id),
    received_on DATE NOT NULL,
    receiver_name TEXT NOT NULL,
    receiver_position TEXT,
    condition TEXT NOT NULL,
    shortfalls TEXT,
    photo_upload_id TEXT REFERENCES uploads (id),
    document_upload_id TEXT REFERENCES uploads (id),
    recorded_by TEXT,
    created_at TIMESTAMP NOT NULL
);

-- ----------------------------------------------------------------- events
CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL,
    year INTEGER,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    -- The province or district the event is for (reach).
    region_code TEXT NOT NULL,
    venue TEXT,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    mode TEXT NOT NULL,
    meeting_link TEXT,
    organiser TEXT,
    capacity_in_person INTEGER,
    capacity_online INTEGER,
    -- Work plans are due this many days after the event ends.
    workplan_due_days INTEGER NOT NULL DEFAULT 30,
    -- A certificate needs presence at this share (1-100) of a participant's sessions.
    certificate_percent INTEGER NOT NULL DEFAULT 100,
    signatory_name TEXT,
    signatory_position TEXT,
    -- The public feedback link's random token; NULL = link closed.
    survey_token TEXT,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX events_region ON events (region_code, starts_on);
CREATE UNIQUE INDEX events_survey_token ON events (survey_token);

CREATE TABLE event_trainers (
    id TEXT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL REFERENCES events (id),
    name TEXT NOT NULL,
    institution TEXT,
    role TEXT
);
CREATE INDEX event_trainers_event ON event_trainers (event_id);

CREATE TABLE event_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL REFERENCES events (id),
    position INTEGER NOT NULL,
    topic TEXT NOT NULL,
    title TEXT NOT NULL,
    -- The session's day; times (the event's local wall-clock time) are optional.
    held_on DATE NOT NULL,
    starts_at TIMESTAMP,
    ends_at TIMESTAMP,
    mode TEXT NOT NULL,
    trainer_id TEXT REFERENCES event_trainers (id)
);
CREATE INDEX event_sessions_event ON event_sessions (event_id, position);

CREATE TABLE event_participants (
    id TEXT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL REFERENCES events (id),
    library_id TEXT REFERENCES libraries (id),
    region_code TEXT NOT NULL,
    full_name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    team_role TEXT NOT NULL,
    gender TEXT NOT NULL,
    phone TEXT,
    -- For people who come from no library (a camat, an agency's staff).
    institution TEXT,
    attend_mode TEXT NOT NULL,
    status TEXT NOT NULL,
    pre_test DOUBLE PRECISION,
    post_test DOUBLE PRECISION,
    certificate_code TEXT,
    certificate_issued_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX event_participants_event ON event_participants (event_id, status);
CREATE INDEX event_participants_library ON event_participants (library_id);
CREATE UNIQUE INDEX event_participants_person ON event_participants (event_id, region_code, name_key);
CREATE UNIQUE INDEX event_participants_certificate ON event_participants (certificate_code);

CREATE TABLE event_attendance (
    participant_id TEXT NOT NULL REFERENCES event_participants (id),
    session_id TEXT NOT NULL REFERENCES event_sessions (id),
    mode TEXT NOT NULL,
    present BOOLEAN NOT NULL,
    recorded_by TEXT,
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (participant_id, session_id)
);
CREATE INDEX event_attendance_session ON event_attendance (session_id);

CREATE TABLE event_survey_responses (
    id TEXT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL REFERENCES events (id),
    participant_id TEXT REFERENCES event_participants (id),
    -- Ratings 1–5.
    content_rating INTEGER NOT NULL,
    trainer_rating INTEGER NOT NULL,
    organisation_rating INTEGER NOT NULL,
    usefulness_rating INTEGER NOT NULL,
    best TEXT,
    improve TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX event_survey_event ON event_survey_responses (event_id);
CREATE UNIQUE INDEX event_survey_participant ON event_survey_responses (participant_id);

-- -------------------------------------------------------------- workplans
CREATE TABLE workplans (
    id TEXT PRIMARY KEY NOT NULL,
    library_id TEXT NOT NULL REFERENCES libraries (id),
    region_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    event_id TEXT REFERENCES events (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    potential_people TEXT,
    potential_nature TEXT,
    potential_institutions TEXT,
    potential_economy TEXT,
    goals TEXT,
    status TEXT NOT NULL,
    due_date DATE,
    submitted_at TIMESTAMP,
    approved_at TIMESTAMP,
    approved_by TEXT,
    copied_from TEXT,
    -- First submitted after due_date (kept, so "late" survives resubmission).
    submitted_late BOOLEAN NOT NULL DEFAULT FALSE,
    version INTEGER NOT NULL DEFAULT 1,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX workplans_library_year_kind ON workplans (library_id, year, kind);
CREATE INDEX workplans_region ON workplans (year, region_code, status);

CREATE TABLE workplan_activities (
    id TEXT PRIMARY KEY NOT NULL,
    workplan_id TEXT NOT NULL REFERENCES workplans (id),
    library_id TEXT NOT NULL REFERENCES libraries (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    target_group TEXT,
    starts_on DATE,
    ends_on DATE,
    place TEXT,
    partners TEXT,
    resources TEXT,
    budget BIGINT,
    budget_source TEXT,
    targets TEXT,
    progress TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX workplan_activities_plan ON workplan_activities (workplan_id, position);
CREATE INDEX workplan_activities_library ON workplan_activities (library_id);

-- Every step of the review, and comments on the plan or one activity.
CREATE TABLE workplan_reviews (
    id TEXT PRIMARY KEY NOT NULL,
    workplan_id TEXT NOT NULL REFERENCES workplans (id),
    activity_id TEXT REFERENCES workplan_activities (id),
    actor_id TEXT,
    actor_name TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL,
    comment TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX workplan_reviews_plan ON workplan_reviews (workplan_id, at);

-- ------------------------------------------------------------- activities
CREATE TABLE activity_reports (
    id TEXT PRIMARY KEY NOT NULL,
    library_id TEXT NOT NULL REFERENCES libraries (id),
    region_code TEXT NOT NULL,
    held_on DATE NOT NULL,
    strategy TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    workplan_activity_id TEXT REFERENCES workplan_activities (id),
    partners TEXT,
    outcome TEXT,
    story TEXT,
    -- Sum of activity_participants.count, kept with them in one transaction.
    participants INTEGER NOT NULL DEFAULT 0,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX activity_reports_library ON activity_reports (library_id, held_on);
CREATE INDEX activity_reports_region ON activity_reports (region_code, held_on);
CREATE INDEX activity_reports_plan_activity ON activity_reports (workplan_activity_id);

-- Participants by gender × age group × disability; only non-zero cells stored.
CREATE TABLE activity_participants (
    report_id TEXT NOT NULL REFERENCES activity_reports (id),
    gender TEXT NOT NULL,
    age_group TEXT NOT NULL,
    disability BOOLEAN NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (report_id, gender, age_group, disability)
);

CREATE TABLE activity_photos (
    report_id TEXT NOT NULL REFERENCES activity_reports (id),
    upload_id TEXT NOT NULL REFERENCES uploads (id),
    position INTEGER NOT NULL,
    caption TEXT,
    PRIMARY KEY (report_id, upload_id)
);

CREATE TABLE advocacy_outcomes (
    id TEXT PRIMARY KEY NOT NULL,
    library_id TEXT NOT NULL REFERENCES libraries (id),
    region_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    partner TEXT,
    signed_on DATE,
    budget_year INTEGER,
    amount BIGINT,
    description TEXT,
    document_upload_id TEXT REFERENCES uploads (id),
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX advocacy_outcomes_library ON advocacy_outcomes (library_id, kind);
CREATE INDEX advocacy_outcomes_region ON advocacy_outcomes (region_code);
