-- The village library's day: catalogue, items, members, circulation, guest
-- book, stock-taking. Keep in step with ../../postgres/2026-11-22-000001_library_day.
-- Every table carries library_id: it is the reach check and the distribution key.

-- Per-library sequences: item barcodes, member numbers.
CREATE TABLE counters (
    library_id TEXT NOT NULL REFERENCES libraries (id),
    kind TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (library_id, kind)
);

CREATE TABLE biblios (
    id TEXT PRIMARY KEY NOT NULL,
    library_id TEXT NOT NULL REFERENCES libraries (id),
    title TEXT NOT NULL,
    subtitle TEXT,
    -- Lists are stored one entry per line.
    authors TEXT NOT NULL DEFAULT '',
    publisher TEXT,
    place TEXT,
    year INTEGER,
    edition TEXT,
    isbn TEXT,
    language TEXT,
    ddc TEXT,
    call_number TEXT,
    subjects TEXT NOT NULL DEFAULT '',
    collection TEXT NOT NULL DEFAULT 'umum',
    notes TEXT,
    control_number TEXT,
    title_key TEXT NOT NULL,
    -- The full MARC21 record (ISO 2709, UTF-8) for lossless round trips.
    marc BLOB,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX biblios_library_title ON biblios (library_id, title_key);
CREATE INDEX biblios_library_isbn ON biblios (library_id, isbn);
CREATE INDEX biblios_library_control ON biblios (library_id, control_number);

CREATE TABLE items (
    id TEXT PRIMARY KEY NOT NULL,
    library_id TEXT NOT NULL REFERENCES libraries (id),
    biblio_id TEXT NOT NULL REFERENCES biblios (id),
    barcode TEXT NOT NULL,
    call_number TEXT,
    location TEXT,
    status TEXT NOT NULL DEFAULT 'available',
    source TEXT,
    acquired_on DATE,
    price BIGINT,
    notes TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX items_library_barcode ON items (library_id, barcode);
CREATE INDEX items_biblio ON items (biblio_id);

-- Feeds the search index: every write to a record or its items appends the
-- record's id; the indexer applies entries past its last committed seq.
CREATE TABLE catalog_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    biblio_id TEXT NOT NULL,
    library_id TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);

CREATE TABLE members (
    id TEXT PRIMARY KEY NOT NULL,
    library_id TEXT NOT NULL REFERENCES libraries (id),
    member_no TEXT NOT NULL,
    full_name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    member_type TEXT NOT NULL DEFAULT 'umum',
    gender TEXT NOT NULL,
    birth_date DATE,
    address TEXT,
    rt TEXT,
    rw TEXT,
    village_code TEXT REFERENCES regions (code),
    phone TEXT,
    occupation TEXT,
    education TEXT,
    disability TEXT,
    nik TEXT,
    joined_on DATE NOT NULL,
    expires_on DATE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX members_library_no ON members (library_id, member_no);
CREATE UNIQUE INDEX members_library_nik ON members (library_id, nik) WHERE nik IS NOT NULL;
CREATE INDEX members_library_name ON members (library_id, name_key);

CREATE TABLE circulation_settings (
    library_id TEXT PRIMARY KEY NOT NULL REFERENCES libraries (id),
    -- ISO weekday numbers the library is closed, e.g. '7' for Sunday.
    closed_weekdays TEXT NOT NULL DEFAULT '7',
    fines_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    hold_pickup_days INTEGER NOT NULL DEFAULT 3,
    updated_at TIMESTAMP NOT NULL
);

-- member_type or collection '*' matches any; the most specific rule wins.
CREATE TABLE loan_rules (
    id TEXT PRIMARY KEY NOT NULL,
    library_id TEXT NOT NULL REFERENCES libraries (id),
    member_type TEXT NOT NULL,
    collection TEXT NOT NULL,
    loan_days INTEGER NOT NULL,
    max_loans INTEGER NOT NULL,
    max_renewals INTEGER NOT NULL,
    fine_per_day BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX loan_rules_key ON loan_rules (library_id, member_type, collection);

CREATE TABLE holidays (
    library_id TEXT NOT NULL REFERENCES libraries (id),
    day DATE NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (library_id, day)
);

CREATE TABLE loans (
    id TEXT PRIMARY KEY NOT NULL,
    library_id TEXT NOT NULL REFERENCES libraries (id),
    item_id TEXT NOT NULL REFERENCES items (id),
    member_id TEXT NOT NULL REFERENCES members (id),
    loaned_at TIMESTAMP NOT NULL,
    due_on DATE NOT NULL,
    returned_at TIMESTAMP,
    renewals INTEGER NOT NULL DEFAULT 0,
    fine BIGINT NOT NULL DEFAULT 0,
    fine_paid BOOLEAN NOT NULL DEFAULT FALSE,
    loaned_by TEXT,
    returned_by TEXT
);
-- The invariant "an item is never on loan twice" lives in the database, so
-- it holds under concurrent scans on both backends.
CREATE UNIQUE INDEX loans_item_open ON loans (item_id) WHERE returned_at IS NULL;
CREATE INDEX loans_member ON loans (member_id, returned_at);
CREATE INDEX loans_library_due ON loans (library_id, returned_at, due_on);

CREATE TABLE holds (
    id TEXT PRIMARY KEY NOT NULL,
    library_id TEXT NOT NULL REFERENCES libraries (id),
    biblio_id TEXT NOT NULL REFERENCES biblios (id),
    member_id TEXT NOT NULL REFERENCES members (id),
    placed_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL,
    item_id TEXT REFERENCES items (id),
    ready_until DATE,
    closed_at TIMESTAMP
);
CREATE INDEX holds_biblio ON holds (biblio_id, status);
CREATE INDEX holds_member ON holds (member_id, status);

-- Guest book. One row per check-in; a group visit (rombongan) is one row
-- with its headcount split by gender, so sums give the monitoring figures.
CREATE TABLE visits (
    id TEXT PRIMARY KEY NOT NULL,
    library_id TEXT NOT NULL REFERENCES libraries (id),
    visited_at TIMESTAMP NOT NULL,
    -- Local (library) date, so day and month counts need no time-zone maths.
    visit_date DATE NOT NULL,
    member_id TEXT REFERENCES members (id),
    visitor_name TEXT,
    group_name TEXT,
    males INTEGER NOT NULL,
    females INTEGER NOT NULL,
    age_group TEXT NOT NULL,
    purpose TEXT NOT NULL,
    recorded_by TEXT
);
CREATE INDEX visits_library_date ON visits (library_id, visit_date);

CREATE TABLE stocktakes (
    id TEXT PRIMARY KEY NOT NULL,
    library_id TEXT NOT NULL REFERENCES libraries (id),
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    started_by TEXT,
    note TEXT
);
CREATE INDEX stocktakes_library ON stocktakes (library_id, started_at);
-- One open stock-take per library, even under two simultaneous starts.
CREATE UNIQUE INDEX stocktakes_library_open ON stocktakes (library_id) WHERE finished_at IS NULL;

CREATE TABLE stocktake_scans (
    stocktake_id TEXT NOT NULL REFERENCES stocktakes (id),
    barcode TEXT NOT NULL,
    item_id TEXT REFERENCES items (id),
    scanned_at TIMESTAMP NOT NULL,
    PRIMARY KEY (stocktake_id, barcode)
);
