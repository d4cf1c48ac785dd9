-- Monthly library reports (laporan bulanan): one per library and month,
-- its stored figures (entered by hand, or frozen at submission), the
-- comments that explain validation warnings, the history of every step up
-- the approval chain, and the reporting deadline per region.
-- Keep in step with ../../postgres/2026-11-24-000001_reports: same tables,
-- same columns.

-- status: draft | submitted | returned | approved | unlocked.
-- approved_level (when status = approved): district | province | national,
-- the highest level that has approved so far. An approved report is locked.
-- period is the month as yyyymm (202610), so ranges are plain comparisons.
CREATE TABLE monthly_reports (
    id TEXT PRIMARY KEY NOT NULL,
    library_id TEXT NOT NULL REFERENCES libraries (id),
    region_code TEXT NOT NULL,
    period INTEGER NOT NULL,
    status TEXT NOT NULL,
    approved_level TEXT,
    first_submitted_at TIMESTAMP,
    submitted_at TIMESTAMP,
    submitted_by TEXT,
    approved_at TIMESTAMP,
    approved_by TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX monthly_reports_library_period ON monthly_reports (library_id, period);
CREATE INDEX monthly_reports_period_region ON monthly_reports (period, region_code);
CREATE INDEX monthly_reports_queue ON monthly_reports (status, approved_level, region_code);

-- Figures stored with a report. manual = TRUE: entered by hand (form, API
-- or the XLSX template); these replace the computed element while the
-- report is open. manual = FALSE: a computed figure frozen at submission,
-- so a locked month cannot change under its approvers. disagg '' is the
-- element's total.
CREATE TABLE monthly_report_values (
    report_id TEXT NOT NULL REFERENCES monthly_reports (id),
    element TEXT NOT NULL,
    disagg TEXT NOT NULL,
    value BIGINT NOT NULL,
    manual BOOLEAN NOT NULL,
    PRIMARY KEY (report_id, element, disagg)
);

-- The library's explanation of each validation warning, by rule key.
CREATE TABLE monthly_report_notes (
    report_id TEXT NOT NULL REFERENCES monthly_reports (id),
    rule TEXT NOT NULL,
    comment TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (report_id, rule)
);

-- The report's history, shown on its page: save, import, submit, withdraw,
-- approve, return, unlock — who, at which level, with which comment.
CREATE TABLE monthly_report_events (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES monthly_reports (id),
    action TEXT NOT NULL,
    level TEXT,
    actor_id TEXT,
    actor_name TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    comment TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX monthly_report_events_report ON monthly_report_events (report_id, at);

-- Reports are due on this day of the following month. region_code '' is
-- the national default; a province or regency may set its own, and the
-- nearest one above a library applies.
CREATE TABLE report_deadlines (
    region_code TEXT PRIMARY KEY NOT NULL,
    day INTEGER NOT NULL,
    updated_by TEXT,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO report_deadlines (region_code, day, updated_by, updated_at)
VALUES ('', 10, NULL, '2026-11-24 00:00:00');
