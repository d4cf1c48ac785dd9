-- Monitoring engine: live figure rollups kept by triggers, indicators as
-- data, targets, the versioned KPI formula, region population.
-- Keep in step with ../../postgres/2026-11-24-000002_indicators: same tables,
-- columns, views and trigger behaviour (trigger bodies differ in dialect only).

-- --------------------------------------------------------- live figures
-- The monthly figures of every library, kept current *in the same
-- transaction* as each write to the base tables by the triggers below,
-- then rolled up into provinces and regencies (kab/kota) the same way.
-- DHIS2 rebuilds its analytics tables at night; here a checkout is in the
-- national totals when its transaction commits. Triggers, not application
-- code, so every write path is covered, including other features' and
-- bulk SQL. Definitions: lentera_store::monitoring::figures.
--
-- basis: 'c' computed from the records; 'm' typed by hand in a monthly
-- report (flows only; while present they replace the computed element of
-- that library-month, see figure_overrides); 'a' the stored values of
-- approved monthly reports. period is yyyymm. Flows hold the month's
-- count; stocks (members, titles, items) hold the month's *net change* in
-- 'c' (the level at the end of month M is the sum over periods <= M) and
-- the level itself in 'a'.
CREATE TABLE figure_values (
    library_id TEXT NOT NULL REFERENCES libraries (id),
    basis TEXT NOT NULL,
    element TEXT NOT NULL,
    disagg TEXT NOT NULL,
    period INTEGER NOT NULL,
    region_code TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (library_id, basis, element, disagg, period)
);
-- Region before period: a drill-down reads one region's libraries among all the nation's.
CREATE INDEX figure_values_region ON figure_values (basis, element, disagg, region_code, period);

-- Sums per province (level 1, 2-digit code) and regency (level 2, 4-digit
-- code). basis 'l' (live: computed unless overridden, plus manual) and 'a'
-- (approved). The nation is the sum of its 38 provinces at read time, so
-- no single row is written by every library in the country.
CREATE TABLE figure_rollups (
    region_code TEXT NOT NULL,
    level SMALLINT NOT NULL,
    basis TEXT NOT NULL,
    element TEXT NOT NULL,
    disagg TEXT NOT NULL,
    period INTEGER NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (region_code, basis, element, disagg, period)
);
CREATE INDEX figure_rollups_level ON figure_rollups (level, basis, element, disagg, region_code, period);

-- Library-months whose element was typed by hand (count of manual cells).
CREATE TABLE figure_overrides (
    library_id TEXT NOT NULL,
    period INTEGER NOT NULL,
    element TEXT NOT NULL,
    cells INTEGER NOT NULL,
    PRIMARY KEY (library_id, period, element)
);

-- Members who visited or borrowed in a month (uses = visits + loans), so
-- "active members" is a distinct count kept incrementally.
CREATE TABLE figure_member_months (
    library_id TEXT NOT NULL,
    period INTEGER NOT NULL,
    member_id TEXT NOT NULL,
    uses INTEGER NOT NULL,
    PRIMARY KEY (library_id, period, member_id)
);

-- key 'paused' present: the triggers stand still (bulk loads), and
-- lentera_store::monitoring::figures::rebuild recomputes everything.
CREATE TABLE figure_settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- Provinces not on WIB (UTC+7), so timestamps fall in the library's local
-- month (as lentera_core::visits::TimeZone).
CREATE TABLE figure_timezones (
    province TEXT PRIMARY KEY NOT NULL,
    hours INTEGER NOT NULL
);
INSERT INTO figure_timezones (province, hours) VALUES
('51', 8), ('52', 8), ('53', 8), ('63', 8), ('64', 8), ('65', 8),
('71', 8), ('72', 8), ('73', 8), ('74', 8), ('75', 8), ('76', 8),
('81', 9), ('82', 9), ('91', 9), ('92', 9), ('93', 9), ('94', 9),
('95', 9), ('96', 9), ('97', 9);

-- Active libraries per province and regency, for per-library averages
-- (the nation is the sum of its provinces).
CREATE TABLE figure_library_counts (
    region_code TEXT PRIMARY KEY NOT NULL,
    level SMALLINT NOT NULL,
    libraries BIGINT NOT NULL
);
INSERT INTO figure_library_counts (region_code, level, libraries)
SELECT substr(village_code, 1, 2), 1, COUNT(*) FROM libraries WHERE active GROUP BY substr(village_code, 1, 2);
INSERT INTO figure_library_counts (region_code, level, libraries)
SELECT substr(village_code, 1, 4), 2, COUNT(*) FROM libraries WHERE active GROUP BY substr(village_code, 1, 4);

CREATE TRIGGER fig_libraries_ins AFTER INSERT ON libraries
BEGIN
    INSERT INTO figure_library_counts (region_code, level, libraries)
    SELECT substr(NEW.village_code, 1, 2), 1, 1 WHERE NEW.active
    ON CONFLICT (region_code) DO UPDATE SET libraries = libraries + excluded.libraries;
    INSERT INTO figure_library_counts (region_code, level, libraries)
    SELECT substr(NEW.village_code, 1, 4), 2, 1 WHERE NEW.active
    ON CONFLICT (region_code) DO UPDATE SET libraries = libraries + excluded.libraries;
END;

CREATE TRIGGER fig_libraries_del AFTER DELETE ON libraries
BEGIN
    INSERT INTO figure_library_counts (region_code, level, libraries)
    SELECT substr(OLD.village_code, 1, 2), 1, -1 WHERE OLD.active
    ON CONFLICT (region_code) DO UPDATE SET libraries = libraries + excluded.libraries;
    INSERT INTO figure_library_counts (region_code, level, libraries)
    SELECT substr(OLD.village_code, 1, 4), 2, -1 WHERE OLD.active
    ON CONFLICT (region_code) DO UPDATE SET libraries = libraries + excluded.libraries;
END;

CREATE TRIGGER fig_libraries_upd AFTER UPDATE OF active, village_code ON libraries
BEGIN
    INSERT INTO figure_library_counts (region_code, level, libraries)
    SELECT substr(OLD.village_code, 1, 2), 1, -1 WHERE OLD.active
    ON CONFLICT (region_code) DO UPDATE SET libraries = libraries + excluded.libraries;
    INSERT INTO figure_library_counts (region_code, level, libraries)
    SELECT substr(OLD.village_code, 1, 4), 2, -1 WHERE OLD.active
    ON CONFLICT (region_code) DO UPDATE SET libraries = libraries + excluded.libraries;
    INSERT INTO figure_library_counts (region_code, level, libraries)
    SELECT substr(NEW.village_code, 1, 2), 1, 1 WHERE NEW.active
    ON CONFLICT (region_code) DO UPDATE SET libraries = libraries + excluded.libraries;
    INSERT INTO figure_library_counts (region_code, level, libraries)
    SELECT substr(NEW.village_code, 1, 4), 2, 1 WHERE NEW.active
    ON CONFLICT (region_code) DO UPDATE SET libraries = libraries + excluded.libraries;
END;

-- What the figures are, recomputed from the records (the triggers' oracle
-- and the source of rebuilds).
CREATE VIEW figure_member_months_recomputed AS
SELECT library_id, period, member_id, COUNT(*) AS uses FROM (
    SELECT x.library_id, CAST(strftime('%Y%m', x.visit_date) AS INTEGER) AS period, x.member_id FROM visits x WHERE x.member_id IS NOT NULL
    UNION ALL SELECT x.library_id, CAST(strftime('%Y%m', x.loaned_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(lb.village_code, 1, 2)), 7) || ' hours') AS INTEGER) AS period, x.member_id
    FROM loans x JOIN libraries lb ON lb.id = x.library_id
) m
GROUP BY library_id, period, member_id;

CREATE VIEW figure_recomputed AS
SELECT c.library_id, c.element, c.disagg, c.period, l.village_code AS region_code, SUM(c.value) AS value
FROM (
    SELECT x.library_id AS library_id, 'visits' AS element, '' AS disagg, CAST(strftime('%Y%m', x.visit_date) AS INTEGER) AS period, x.males + x.females AS value FROM visits x
    UNION ALL SELECT x.library_id AS library_id, 'visits' AS element, 'gender=L' AS disagg, CAST(strftime('%Y%m', x.visit_date) AS INTEGER) AS period, x.males AS value FROM visits x
    UNION ALL SELECT x.library_id AS library_id, 'visits' AS element, 'gender=P' AS disagg, CAST(strftime('%Y%m', x.visit_date) AS INTEGER) AS period, x.females AS value FROM visits x
    UNION ALL SELECT x.library_id AS library_id, 'visits' AS element, 'age=' || x.age_group AS disagg, CAST(strftime('%Y%m', x.visit_date) AS INTEGER) AS period, x.males + x.females AS value FROM visits x
    UNION ALL SELECT x.library_id AS library_id, 'visits' AS element, 'purpose=' || x.purpose AS disagg, CAST(strftime('%Y%m', x.visit_date) AS INTEGER) AS period, x.males + x.females AS value FROM visits x
    UNION ALL SELECT x.library_id AS library_id, 'visits' AS element, 'gender=L;age=' || x.age_group AS disagg, CAST(strftime('%Y%m', x.visit_date) AS INTEGER) AS period, x.males AS value FROM visits x
    UNION ALL SELECT x.library_id AS library_id, 'visits' AS element, 'gender=P;age=' || x.age_group AS disagg, CAST(strftime('%Y%m', x.visit_date) AS INTEGER) AS period, x.females AS value FROM visits x
    UNION ALL SELECT x.library_id AS library_id, 'members_new' AS element, '' AS disagg, CAST(strftime('%Y%m', x.joined_on) AS INTEGER) AS period, 1 AS value FROM members x
    UNION ALL SELECT x.library_id AS library_id, 'members_new' AS element, 'gender=' || upper(x.gender) AS disagg, CAST(strftime('%Y%m', x.joined_on) AS INTEGER) AS period, 1 AS value FROM members x WHERE upper(x.gender) IN ('L', 'P')
    UNION ALL SELECT x.library_id AS library_id, 'members' AS element, '' AS disagg, CAST(strftime('%Y%m', x.joined_on) AS INTEGER) AS period, 1 AS value FROM members x
    UNION ALL SELECT x.library_id AS library_id, 'members' AS element, 'gender=' || upper(x.gender) AS disagg, CAST(strftime('%Y%m', x.joined_on) AS INTEGER) AS period, 1 AS value FROM members x WHERE upper(x.gender) IN ('L', 'P')
    UNION ALL SELECT x.library_id AS library_id, 'members_active' AS element, '' AS disagg, x.period AS period, 1 AS value FROM figure_member_months_recomputed x
    UNION ALL SELECT x.library_id AS library_id, 'loans' AS element, '' AS disagg, CAST(strftime('%Y%m', x.loaned_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(lb.village_code, 1, 2)), 7) || ' hours') AS INTEGER) AS period, 1 AS value FROM loans x JOIN libraries lb ON lb.id = x.library_id
    UNION ALL SELECT x.library_id AS library_id, 'titles' AS element, '' AS disagg, CAST(strftime('%Y%m', x.created_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(lb.village_code, 1, 2)), 7) || ' hours') AS INTEGER) AS period, 1 AS value FROM biblios x JOIN libraries lb ON lb.id = x.library_id
    UNION ALL SELECT x.library_id AS library_id, 'items_new' AS element, '' AS disagg, CAST(strftime('%Y%m', x.created_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(lb.village_code, 1, 2)), 7) || ' hours') AS INTEGER) AS period, 1 AS value FROM items x JOIN libraries lb ON lb.id = x.library_id
    UNION ALL SELECT x.library_id AS library_id, 'items' AS element, '' AS disagg, CAST(strftime('%Y%m', x.created_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(lb.village_code, 1, 2)), 7) || ' hours') AS INTEGER) AS period, 1 AS value FROM items x JOIN libraries lb ON lb.id = x.library_id WHERE x.status NOT IN ('lost', 'withdrawn')
    UNION ALL SELECT x.library_id AS library_id, 'activities' AS element, '' AS disagg, CAST(strftime('%Y%m', x.held_on) AS INTEGER) AS period, 1 AS value FROM activity_reports x
    UNION ALL SELECT x.library_id AS library_id, 'activities' AS element, 'strategy=' || x.strategy AS disagg, CAST(strftime('%Y%m', x.held_on) AS INTEGER) AS period, 1 AS value FROM activity_reports x
    UNION ALL SELECT r.library_id AS library_id, 'participants' AS element, '' AS disagg, CAST(strftime('%Y%m', r.held_on) AS INTEGER) AS period, x.count AS value FROM activity_participants x JOIN activity_reports r ON r.id = x.report_id
    UNION ALL SELECT r.library_id AS library_id, 'participants' AS element, 'gender=' || upper(x.gender) AS disagg, CAST(strftime('%Y%m', r.held_on) AS INTEGER) AS period, x.count AS value FROM activity_participants x JOIN activity_reports r ON r.id = x.report_id WHERE upper(x.gender) IN ('L', 'P')
    UNION ALL SELECT r.library_id AS library_id, 'participants' AS element, 'age=' || x.age_group AS disagg, CAST(strftime('%Y%m', r.held_on) AS INTEGER) AS period, x.count AS value FROM activity_participants x JOIN activity_reports r ON r.id = x.report_id
    UNION ALL SELECT r.library_id AS library_id, 'participants' AS element, CASE WHEN x.disability THEN 'disability=ya' ELSE 'disability=tidak' END AS disagg, CAST(strftime('%Y%m', r.held_on) AS INTEGER) AS period, x.count AS value FROM activity_participants x JOIN activity_reports r ON r.id = x.report_id
    UNION ALL SELECT r.library_id AS library_id, 'participants' AS element, 'strategy=' || r.strategy AS disagg, CAST(strftime('%Y%m', r.held_on) AS INTEGER) AS period, x.count AS value FROM activity_participants x JOIN activity_reports r ON r.id = x.report_id
    UNION ALL SELECT r.library_id AS library_id, 'participants' AS element, 'gender=' || upper(x.gender) || ';age=' || x.age_group AS disagg, CAST(strftime('%Y%m', r.held_on) AS INTEGER) AS period, x.count AS value FROM activity_participants x JOIN activity_reports r ON r.id = x.report_id WHERE upper(x.gender) IN ('L', 'P')
    UNION ALL SELECT x.library_id AS library_id, 'workplan_planned' AS element, '' AS disagg, CAST(strftime('%Y%m', COALESCE(x.ends_on, x.starts_on)) AS INTEGER) AS period, 1 AS value FROM workplan_activities x JOIN workplans w ON w.id = x.workplan_id WHERE w.status = 'approved' AND COALESCE(x.ends_on, x.starts_on) IS NOT NULL AND x.progress <> 'cancelled'
    UNION ALL SELECT x.library_id AS library_id, 'workplan_done' AS element, '' AS disagg, CAST(strftime('%Y%m', COALESCE(x.ends_on, x.starts_on)) AS INTEGER) AS period, 1 AS value FROM workplan_activities x JOIN workplans w ON w.id = x.workplan_id WHERE w.status = 'approved' AND COALESCE(x.ends_on, x.starts_on) IS NOT NULL AND x.progress = 'done'
    UNION ALL SELECT a.library_id AS library_id, 'aid_received' AS element, '' AS disagg, CAST(strftime('%Y%m', x.received_on) AS INTEGER) AS period, 1 AS value FROM aid_receipts x JOIN aid_allocations a ON a.id = x.allocation_id
) c JOIN libraries l ON l.id = c.library_id
GROUP BY c.library_id, c.element, c.disagg, c.period, l.village_code
HAVING SUM(c.value) <> 0;

-- ------------------------------------------------ base-table triggers
CREATE TRIGGER fig_visits_ins AFTER INSERT ON visits
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT NEW.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', NEW.visit_date) AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'visits' AS element, '' AS disagg, NEW.males + NEW.females AS v
            UNION ALL SELECT 'visits' AS element, 'gender=L' AS disagg, NEW.males AS v
            UNION ALL SELECT 'visits' AS element, 'gender=P' AS disagg, NEW.females AS v
            UNION ALL SELECT 'visits' AS element, 'age=' || NEW.age_group AS disagg, NEW.males + NEW.females AS v
            UNION ALL SELECT 'visits' AS element, 'purpose=' || NEW.purpose AS disagg, NEW.males + NEW.females AS v
            UNION ALL SELECT 'visits' AS element, 'gender=L;age=' || NEW.age_group AS disagg, NEW.males AS v
            UNION ALL SELECT 'visits' AS element, 'gender=P;age=' || NEW.age_group AS disagg, NEW.females AS v
         ) d
    WHERE l.id = NEW.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_member_months (library_id, period, member_id, uses)
    SELECT NEW.library_id, CAST(strftime('%Y%m', NEW.visit_date) AS INTEGER), NEW.member_id, 1
    FROM libraries l WHERE l.id = NEW.library_id AND NEW.member_id IS NOT NULL
    ON CONFLICT (library_id, period, member_id) DO UPDATE SET uses = uses + excluded.uses;
END;

CREATE TRIGGER fig_visits_del AFTER DELETE ON visits
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT OLD.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', OLD.visit_date) AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'visits' AS element, '' AS disagg, -(OLD.males + OLD.females) AS v
            UNION ALL SELECT 'visits' AS element, 'gender=L' AS disagg, -(OLD.males) AS v
            UNION ALL SELECT 'visits' AS element, 'gender=P' AS disagg, -(OLD.females) AS v
            UNION ALL SELECT 'visits' AS element, 'age=' || OLD.age_group AS disagg, -(OLD.males + OLD.females) AS v
            UNION ALL SELECT 'visits' AS element, 'purpose=' || OLD.purpose AS disagg, -(OLD.males + OLD.females) AS v
            UNION ALL SELECT 'visits' AS element, 'gender=L;age=' || OLD.age_group AS disagg, -(OLD.males) AS v
            UNION ALL SELECT 'visits' AS element, 'gender=P;age=' || OLD.age_group AS disagg, -(OLD.females) AS v
         ) d
    WHERE l.id = OLD.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_member_months (library_id, period, member_id, uses)
    SELECT OLD.library_id, CAST(strftime('%Y%m', OLD.visit_date) AS INTEGER), OLD.member_id, -1
    FROM libraries l WHERE l.id = OLD.library_id AND OLD.member_id IS NOT NULL
    ON CONFLICT (library_id, period, member_id) DO UPDATE SET uses = uses + excluded.uses;
    DELETE FROM figure_member_months WHERE library_id = OLD.library_id AND period = (SELECT CAST(strftime('%Y%m', OLD.visit_date) AS INTEGER) FROM libraries l WHERE l.id = OLD.library_id) AND member_id = OLD.member_id AND uses <= 0;
END;

CREATE TRIGGER fig_visits_upd AFTER UPDATE OF library_id, visit_date, males, females, age_group, purpose, member_id ON visits
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT OLD.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', OLD.visit_date) AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'visits' AS element, '' AS disagg, -(OLD.males + OLD.females) AS v
            UNION ALL SELECT 'visits' AS element, 'gender=L' AS disagg, -(OLD.males) AS v
            UNION ALL SELECT 'visits' AS element, 'gender=P' AS disagg, -(OLD.females) AS v
            UNION ALL SELECT 'visits' AS element, 'age=' || OLD.age_group AS disagg, -(OLD.males + OLD.females) AS v
            UNION ALL SELECT 'visits' AS element, 'purpose=' || OLD.purpose AS disagg, -(OLD.males + OLD.females) AS v
            UNION ALL SELECT 'visits' AS element, 'gender=L;age=' || OLD.age_group AS disagg, -(OLD.males) AS v
            UNION ALL SELECT 'visits' AS element, 'gender=P;age=' || OLD.age_group AS disagg, -(OLD.females) AS v
         ) d
    WHERE l.id = OLD.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_member_months (library_id, period, member_id, uses)
    SELECT OLD.library_id, CAST(strftime('%Y%m', OLD.visit_date) AS INTEGER), OLD.member_id, -1
    FROM libraries l WHERE l.id = OLD.library_id AND OLD.member_id IS NOT NULL
    ON CONFLICT (library_id, period, member_id) DO UPDATE SET uses = uses + excluded.uses;
    DELETE FROM figure_member_months WHERE library_id = OLD.library_id AND period = (SELECT CAST(strftime('%Y%m', OLD.visit_date) AS INTEGER) FROM libraries l WHERE l.id = OLD.library_id) AND member_id = OLD.member_id AND uses <= 0;
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT NEW.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', NEW.visit_date) AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'visits' AS element, '' AS disagg, NEW.males + NEW.females AS v
            UNION ALL SELECT 'visits' AS element, 'gender=L' AS disagg, NEW.males AS v
            UNION ALL SELECT 'visits' AS element, 'gender=P' AS disagg, NEW.females AS v
            UNION ALL SELECT 'visits' AS element, 'age=' || NEW.age_group AS disagg, NEW.males + NEW.females AS v
            UNION ALL SELECT 'visits' AS element, 'purpose=' || NEW.purpose AS disagg, NEW.males + NEW.females AS v
            UNION ALL SELECT 'visits' AS element, 'gender=L;age=' || NEW.age_group AS disagg, NEW.males AS v
            UNION ALL SELECT 'visits' AS element, 'gender=P;age=' || NEW.age_group AS disagg, NEW.females AS v
         ) d
    WHERE l.id = NEW.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_member_months (library_id, period, member_id, uses)
    SELECT NEW.library_id, CAST(strftime('%Y%m', NEW.visit_date) AS INTEGER), NEW.member_id, 1
    FROM libraries l WHERE l.id = NEW.library_id AND NEW.member_id IS NOT NULL
    ON CONFLICT (library_id, period, member_id) DO UPDATE SET uses = uses + excluded.uses;
END;

CREATE TRIGGER fig_loans_ins AFTER INSERT ON loans
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT NEW.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', NEW.loaned_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(l.village_code, 1, 2)), 7) || ' hours') AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'loans' AS element, '' AS disagg, 1 AS v
         ) d
    WHERE l.id = NEW.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_member_months (library_id, period, member_id, uses)
    SELECT NEW.library_id, CAST(strftime('%Y%m', NEW.loaned_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(l.village_code, 1, 2)), 7) || ' hours') AS INTEGER), NEW.member_id, 1
    FROM libraries l WHERE l.id = NEW.library_id AND NEW.member_id IS NOT NULL
    ON CONFLICT (library_id, period, member_id) DO UPDATE SET uses = uses + excluded.uses;
END;

CREATE TRIGGER fig_loans_del AFTER DELETE ON loans
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT OLD.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', OLD.loaned_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(l.village_code, 1, 2)), 7) || ' hours') AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'loans' AS element, '' AS disagg, -(1) AS v
         ) d
    WHERE l.id = OLD.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_member_months (library_id, period, member_id, uses)
    SELECT OLD.library_id, CAST(strftime('%Y%m', OLD.loaned_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(l.village_code, 1, 2)), 7) || ' hours') AS INTEGER), OLD.member_id, -1
    FROM libraries l WHERE l.id = OLD.library_id AND OLD.member_id IS NOT NULL
    ON CONFLICT (library_id, period, member_id) DO UPDATE SET uses = uses + excluded.uses;
    DELETE FROM figure_member_months WHERE library_id = OLD.library_id AND period = (SELECT CAST(strftime('%Y%m', OLD.loaned_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(l.village_code, 1, 2)), 7) || ' hours') AS INTEGER) FROM libraries l WHERE l.id = OLD.library_id) AND member_id = OLD.member_id AND uses <= 0;
END;

CREATE TRIGGER fig_loans_upd AFTER UPDATE OF library_id, loaned_at, member_id ON loans
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT OLD.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', OLD.loaned_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(l.village_code, 1, 2)), 7) || ' hours') AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'loans' AS element, '' AS disagg, -(1) AS v
         ) d
    WHERE l.id = OLD.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_member_months (library_id, period, member_id, uses)
    SELECT OLD.library_id, CAST(strftime('%Y%m', OLD.loaned_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(l.village_code, 1, 2)), 7) || ' hours') AS INTEGER), OLD.member_id, -1
    FROM libraries l WHERE l.id = OLD.library_id AND OLD.member_id IS NOT NULL
    ON CONFLICT (library_id, period, member_id) DO UPDATE SET uses = uses + excluded.uses;
    DELETE FROM figure_member_months WHERE library_id = OLD.library_id AND period = (SELECT CAST(strftime('%Y%m', OLD.loaned_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(l.village_code, 1, 2)), 7) || ' hours') AS INTEGER) FROM libraries l WHERE l.id = OLD.library_id) AND member_id = OLD.member_id AND uses <= 0;
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT NEW.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', NEW.loaned_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(l.village_code, 1, 2)), 7) || ' hours') AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'loans' AS element, '' AS disagg, 1 AS v
         ) d
    WHERE l.id = NEW.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_member_months (library_id, period, member_id, uses)
    SELECT NEW.library_id, CAST(strftime('%Y%m', NEW.loaned_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(l.village_code, 1, 2)), 7) || ' hours') AS INTEGER), NEW.member_id, 1
    FROM libraries l WHERE l.id = NEW.library_id AND NEW.member_id IS NOT NULL
    ON CONFLICT (library_id, period, member_id) DO UPDATE SET uses = uses + excluded.uses;
END;

CREATE TRIGGER fig_members_ins AFTER INSERT ON members
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT NEW.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', NEW.joined_on) AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'members_new' AS element, '' AS disagg, 1 AS v
            UNION ALL SELECT 'members_new' AS element, 'gender=' || upper(NEW.gender) AS disagg, 1 AS v WHERE upper(NEW.gender) IN ('L', 'P')
            UNION ALL SELECT 'members' AS element, '' AS disagg, 1 AS v
            UNION ALL SELECT 'members' AS element, 'gender=' || upper(NEW.gender) AS disagg, 1 AS v WHERE upper(NEW.gender) IN ('L', 'P')
         ) d
    WHERE l.id = NEW.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_members_del AFTER DELETE ON members
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT OLD.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', OLD.joined_on) AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'members_new' AS element, '' AS disagg, -(1) AS v
            UNION ALL SELECT 'members_new' AS element, 'gender=' || upper(OLD.gender) AS disagg, -(1) AS v WHERE upper(OLD.gender) IN ('L', 'P')
            UNION ALL SELECT 'members' AS element, '' AS disagg, -(1) AS v
            UNION ALL SELECT 'members' AS element, 'gender=' || upper(OLD.gender) AS disagg, -(1) AS v WHERE upper(OLD.gender) IN ('L', 'P')
         ) d
    WHERE l.id = OLD.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_members_upd AFTER UPDATE OF library_id, joined_on, gender ON members
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT OLD.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', OLD.joined_on) AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'members_new' AS element, '' AS disagg, -(1) AS v
            UNION ALL SELECT 'members_new' AS element, 'gender=' || upper(OLD.gender) AS disagg, -(1) AS v WHERE upper(OLD.gender) IN ('L', 'P')
            UNION ALL SELECT 'members' AS element, '' AS disagg, -(1) AS v
            UNION ALL SELECT 'members' AS element, 'gender=' || upper(OLD.gender) AS disagg, -(1) AS v WHERE upper(OLD.gender) IN ('L', 'P')
         ) d
    WHERE l.id = OLD.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT NEW.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', NEW.joined_on) AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'members_new' AS element, '' AS disagg, 1 AS v
            UNION ALL SELECT 'members_new' AS element, 'gender=' || upper(NEW.gender) AS disagg, 1 AS v WHERE upper(NEW.gender) IN ('L', 'P')
            UNION ALL SELECT 'members' AS element, '' AS disagg, 1 AS v
            UNION ALL SELECT 'members' AS element, 'gender=' || upper(NEW.gender) AS disagg, 1 AS v WHERE upper(NEW.gender) IN ('L', 'P')
         ) d
    WHERE l.id = NEW.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_biblios_ins AFTER INSERT ON biblios
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT NEW.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', NEW.created_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(l.village_code, 1, 2)), 7) || ' hours') AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'titles' AS element, '' AS disagg, 1 AS v
         ) d
    WHERE l.id = NEW.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_biblios_del AFTER DELETE ON biblios
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT OLD.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', OLD.created_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(l.village_code, 1, 2)), 7) || ' hours') AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'titles' AS element, '' AS disagg, -(1) AS v
         ) d
    WHERE l.id = OLD.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_biblios_upd AFTER UPDATE OF library_id, created_at ON biblios
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT OLD.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', OLD.created_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(l.village_code, 1, 2)), 7) || ' hours') AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'titles' AS element, '' AS disagg, -(1) AS v
         ) d
    WHERE l.id = OLD.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT NEW.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', NEW.created_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(l.village_code, 1, 2)), 7) || ' hours') AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'titles' AS element, '' AS disagg, 1 AS v
         ) d
    WHERE l.id = NEW.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_items_ins AFTER INSERT ON items
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT NEW.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', NEW.created_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(l.village_code, 1, 2)), 7) || ' hours') AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'items_new' AS element, '' AS disagg, 1 AS v
            UNION ALL SELECT 'items' AS element, '' AS disagg, 1 AS v WHERE NEW.status NOT IN ('lost', 'withdrawn')
         ) d
    WHERE l.id = NEW.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_items_del AFTER DELETE ON items
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT OLD.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', OLD.created_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(l.village_code, 1, 2)), 7) || ' hours') AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'items_new' AS element, '' AS disagg, -(1) AS v
            UNION ALL SELECT 'items' AS element, '' AS disagg, -(1) AS v WHERE OLD.status NOT IN ('lost', 'withdrawn')
         ) d
    WHERE l.id = OLD.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_items_upd AFTER UPDATE OF library_id, created_at, status ON items
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT OLD.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', OLD.created_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(l.village_code, 1, 2)), 7) || ' hours') AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'items_new' AS element, '' AS disagg, -(1) AS v
            UNION ALL SELECT 'items' AS element, '' AS disagg, -(1) AS v WHERE OLD.status NOT IN ('lost', 'withdrawn')
         ) d
    WHERE l.id = OLD.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT NEW.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', NEW.created_at, '+' || COALESCE((SELECT z.hours FROM figure_timezones z WHERE z.province = substr(l.village_code, 1, 2)), 7) || ' hours') AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'items_new' AS element, '' AS disagg, 1 AS v
            UNION ALL SELECT 'items' AS element, '' AS disagg, 1 AS v WHERE NEW.status NOT IN ('lost', 'withdrawn')
         ) d
    WHERE l.id = NEW.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_activity_reports_ins AFTER INSERT ON activity_reports
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT NEW.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', NEW.held_on) AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'activities' AS element, '' AS disagg, 1 AS v
            UNION ALL SELECT 'activities' AS element, 'strategy=' || NEW.strategy AS disagg, 1 AS v
         ) d
    WHERE l.id = NEW.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_activity_reports_del AFTER DELETE ON activity_reports
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT OLD.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', OLD.held_on) AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'activities' AS element, '' AS disagg, -(1) AS v
            UNION ALL SELECT 'activities' AS element, 'strategy=' || OLD.strategy AS disagg, -(1) AS v
         ) d
    WHERE l.id = OLD.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_activity_reports_upd AFTER UPDATE OF library_id, held_on, strategy ON activity_reports
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT OLD.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', OLD.held_on) AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'activities' AS element, '' AS disagg, -(1) AS v
            UNION ALL SELECT 'activities' AS element, 'strategy=' || OLD.strategy AS disagg, -(1) AS v
         ) d
    WHERE l.id = OLD.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT NEW.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', NEW.held_on) AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'activities' AS element, '' AS disagg, 1 AS v
            UNION ALL SELECT 'activities' AS element, 'strategy=' || NEW.strategy AS disagg, 1 AS v
         ) d
    WHERE l.id = NEW.library_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_activity_participants_ins AFTER INSERT ON activity_participants
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT r.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', r.held_on) AS INTEGER), l.village_code, d.v
    FROM libraries l, activity_reports r,
         (
            SELECT 'participants' AS element, '' AS disagg, NEW.count AS v
            UNION ALL SELECT 'participants' AS element, 'gender=' || upper(NEW.gender) AS disagg, NEW.count AS v WHERE upper(NEW.gender) IN ('L', 'P')
            UNION ALL SELECT 'participants' AS element, 'age=' || NEW.age_group AS disagg, NEW.count AS v
            UNION ALL SELECT 'participants' AS element, CASE WHEN NEW.disability THEN 'disability=ya' ELSE 'disability=tidak' END AS disagg, NEW.count AS v
            UNION ALL SELECT 'participants' AS element, 'strategy=' || (SELECT rr.strategy FROM activity_reports rr WHERE rr.id = NEW.report_id) AS disagg, NEW.count AS v
            UNION ALL SELECT 'participants' AS element, 'gender=' || upper(NEW.gender) || ';age=' || NEW.age_group AS disagg, NEW.count AS v WHERE upper(NEW.gender) IN ('L', 'P')
         ) d
    WHERE l.id = r.library_id AND r.id = NEW.report_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_activity_participants_del AFTER DELETE ON activity_participants
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT r.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', r.held_on) AS INTEGER), l.village_code, d.v
    FROM libraries l, activity_reports r,
         (
            SELECT 'participants' AS element, '' AS disagg, -(OLD.count) AS v
            UNION ALL SELECT 'participants' AS element, 'gender=' || upper(OLD.gender) AS disagg, -(OLD.count) AS v WHERE upper(OLD.gender) IN ('L', 'P')
            UNION ALL SELECT 'participants' AS element, 'age=' || OLD.age_group AS disagg, -(OLD.count) AS v
            UNION ALL SELECT 'participants' AS element, CASE WHEN OLD.disability THEN 'disability=ya' ELSE 'disability=tidak' END AS disagg, -(OLD.count) AS v
            UNION ALL SELECT 'participants' AS element, 'strategy=' || (SELECT rr.strategy FROM activity_reports rr WHERE rr.id = OLD.report_id) AS disagg, -(OLD.count) AS v
            UNION ALL SELECT 'participants' AS element, 'gender=' || upper(OLD.gender) || ';age=' || OLD.age_group AS disagg, -(OLD.count) AS v WHERE upper(OLD.gender) IN ('L', 'P')
         ) d
    WHERE l.id = r.library_id AND r.id = OLD.report_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_activity_participants_upd AFTER UPDATE OF report_id, gender, age_group, disability, count ON activity_participants
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT r.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', r.held_on) AS INTEGER), l.village_code, d.v
    FROM libraries l, activity_reports r,
         (
            SELECT 'participants' AS element, '' AS disagg, -(OLD.count) AS v
            UNION ALL SELECT 'participants' AS element, 'gender=' || upper(OLD.gender) AS disagg, -(OLD.count) AS v WHERE upper(OLD.gender) IN ('L', 'P')
            UNION ALL SELECT 'participants' AS element, 'age=' || OLD.age_group AS disagg, -(OLD.count) AS v
            UNION ALL SELECT 'participants' AS element, CASE WHEN OLD.disability THEN 'disability=ya' ELSE 'disability=tidak' END AS disagg, -(OLD.count) AS v
            UNION ALL SELECT 'participants' AS element, 'strategy=' || (SELECT rr.strategy FROM activity_reports rr WHERE rr.id = OLD.report_id) AS disagg, -(OLD.count) AS v
            UNION ALL SELECT 'participants' AS element, 'gender=' || upper(OLD.gender) || ';age=' || OLD.age_group AS disagg, -(OLD.count) AS v WHERE upper(OLD.gender) IN ('L', 'P')
         ) d
    WHERE l.id = r.library_id AND r.id = OLD.report_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT r.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', r.held_on) AS INTEGER), l.village_code, d.v
    FROM libraries l, activity_reports r,
         (
            SELECT 'participants' AS element, '' AS disagg, NEW.count AS v
            UNION ALL SELECT 'participants' AS element, 'gender=' || upper(NEW.gender) AS disagg, NEW.count AS v WHERE upper(NEW.gender) IN ('L', 'P')
            UNION ALL SELECT 'participants' AS element, 'age=' || NEW.age_group AS disagg, NEW.count AS v
            UNION ALL SELECT 'participants' AS element, CASE WHEN NEW.disability THEN 'disability=ya' ELSE 'disability=tidak' END AS disagg, NEW.count AS v
            UNION ALL SELECT 'participants' AS element, 'strategy=' || (SELECT rr.strategy FROM activity_reports rr WHERE rr.id = NEW.report_id) AS disagg, NEW.count AS v
            UNION ALL SELECT 'participants' AS element, 'gender=' || upper(NEW.gender) || ';age=' || NEW.age_group AS disagg, NEW.count AS v WHERE upper(NEW.gender) IN ('L', 'P')
         ) d
    WHERE l.id = r.library_id AND r.id = NEW.report_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_workplan_activities_ins AFTER INSERT ON workplan_activities
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT NEW.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', COALESCE(NEW.ends_on, NEW.starts_on)) AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'workplan_planned' AS element, '' AS disagg, 1 AS v WHERE NEW.progress <> 'cancelled'
            UNION ALL SELECT 'workplan_done' AS element, '' AS disagg, 1 AS v WHERE NEW.progress = 'done'
         ) d
    WHERE l.id = NEW.library_id AND d.v <> 0 AND COALESCE(NEW.ends_on, NEW.starts_on) IS NOT NULL AND EXISTS (SELECT 1 FROM workplans w WHERE w.id = NEW.workplan_id AND w.status = 'approved')
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_workplan_activities_del AFTER DELETE ON workplan_activities
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT OLD.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', COALESCE(OLD.ends_on, OLD.starts_on)) AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'workplan_planned' AS element, '' AS disagg, -(1) AS v WHERE OLD.progress <> 'cancelled'
            UNION ALL SELECT 'workplan_done' AS element, '' AS disagg, -(1) AS v WHERE OLD.progress = 'done'
         ) d
    WHERE l.id = OLD.library_id AND d.v <> 0 AND COALESCE(OLD.ends_on, OLD.starts_on) IS NOT NULL AND EXISTS (SELECT 1 FROM workplans w WHERE w.id = OLD.workplan_id AND w.status = 'approved')
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_workplan_activities_upd AFTER UPDATE OF library_id, workplan_id, starts_on, ends_on, progress ON workplan_activities
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT OLD.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', COALESCE(OLD.ends_on, OLD.starts_on)) AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'workplan_planned' AS element, '' AS disagg, -(1) AS v WHERE OLD.progress <> 'cancelled'
            UNION ALL SELECT 'workplan_done' AS element, '' AS disagg, -(1) AS v WHERE OLD.progress = 'done'
         ) d
    WHERE l.id = OLD.library_id AND d.v <> 0 AND COALESCE(OLD.ends_on, OLD.starts_on) IS NOT NULL AND EXISTS (SELECT 1 FROM workplans w WHERE w.id = OLD.workplan_id AND w.status = 'approved')
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT NEW.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', COALESCE(NEW.ends_on, NEW.starts_on)) AS INTEGER), l.village_code, d.v
    FROM libraries l,
         (
            SELECT 'workplan_planned' AS element, '' AS disagg, 1 AS v WHERE NEW.progress <> 'cancelled'
            UNION ALL SELECT 'workplan_done' AS element, '' AS disagg, 1 AS v WHERE NEW.progress = 'done'
         ) d
    WHERE l.id = NEW.library_id AND d.v <> 0 AND COALESCE(NEW.ends_on, NEW.starts_on) IS NOT NULL AND EXISTS (SELECT 1 FROM workplans w WHERE w.id = NEW.workplan_id AND w.status = 'approved')
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_aid_receipts_ins AFTER INSERT ON aid_receipts
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT a.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', NEW.received_on) AS INTEGER), l.village_code, d.v
    FROM libraries l, aid_allocations a,
         (
            SELECT 'aid_received' AS element, '' AS disagg, 1 AS v
         ) d
    WHERE l.id = a.library_id AND a.id = NEW.allocation_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_aid_receipts_del AFTER DELETE ON aid_receipts
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT a.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', OLD.received_on) AS INTEGER), l.village_code, d.v
    FROM libraries l, aid_allocations a,
         (
            SELECT 'aid_received' AS element, '' AS disagg, -(1) AS v
         ) d
    WHERE l.id = a.library_id AND a.id = OLD.allocation_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_aid_receipts_upd AFTER UPDATE OF allocation_id, received_on ON aid_receipts
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT a.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', OLD.received_on) AS INTEGER), l.village_code, d.v
    FROM libraries l, aid_allocations a,
         (
            SELECT 'aid_received' AS element, '' AS disagg, -(1) AS v
         ) d
    WHERE l.id = a.library_id AND a.id = OLD.allocation_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT a.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', NEW.received_on) AS INTEGER), l.village_code, d.v
    FROM libraries l, aid_allocations a,
         (
            SELECT 'aid_received' AS element, '' AS disagg, 1 AS v
         ) d
    WHERE l.id = a.library_id AND a.id = NEW.allocation_id AND d.v <> 0 AND TRUE
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

-- ------------------------------------------------------- cascades
CREATE TRIGGER fig_rollup_ins AFTER INSERT ON figure_values
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_rollups (region_code, level, basis, element, disagg, period, value)
    SELECT substr(NEW.region_code, 1, 2), 1, CASE WHEN NEW.basis = 'a' THEN 'a' ELSE 'l' END,
           NEW.element, NEW.disagg, NEW.period, NEW.value
    WHERE (NEW.basis <> 'c' OR NOT EXISTS (SELECT 1 FROM figure_overrides o
            WHERE o.library_id = NEW.library_id AND o.period = NEW.period AND o.element = NEW.element))
    ON CONFLICT (region_code, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_rollups (region_code, level, basis, element, disagg, period, value)
    SELECT substr(NEW.region_code, 1, 4), 2, CASE WHEN NEW.basis = 'a' THEN 'a' ELSE 'l' END,
           NEW.element, NEW.disagg, NEW.period, NEW.value
    WHERE (NEW.basis <> 'c' OR NOT EXISTS (SELECT 1 FROM figure_overrides o
            WHERE o.library_id = NEW.library_id AND o.period = NEW.period AND o.element = NEW.element))
    ON CONFLICT (region_code, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_rollup_del AFTER DELETE ON figure_values
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_rollups (region_code, level, basis, element, disagg, period, value)
    SELECT substr(OLD.region_code, 1, 2), 1, CASE WHEN OLD.basis = 'a' THEN 'a' ELSE 'l' END,
           OLD.element, OLD.disagg, OLD.period, -OLD.value
    WHERE (OLD.basis <> 'c' OR NOT EXISTS (SELECT 1 FROM figure_overrides o
            WHERE o.library_id = OLD.library_id AND o.period = OLD.period AND o.element = OLD.element))
    ON CONFLICT (region_code, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_rollups (region_code, level, basis, element, disagg, period, value)
    SELECT substr(OLD.region_code, 1, 4), 2, CASE WHEN OLD.basis = 'a' THEN 'a' ELSE 'l' END,
           OLD.element, OLD.disagg, OLD.period, -OLD.value
    WHERE (OLD.basis <> 'c' OR NOT EXISTS (SELECT 1 FROM figure_overrides o
            WHERE o.library_id = OLD.library_id AND o.period = OLD.period AND o.element = OLD.element))
    ON CONFLICT (region_code, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_rollup_upd AFTER UPDATE ON figure_values
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused') AND NEW.region_code = OLD.region_code
BEGIN
    INSERT INTO figure_rollups (region_code, level, basis, element, disagg, period, value)
    SELECT substr(NEW.region_code, 1, 2), 1, CASE WHEN NEW.basis = 'a' THEN 'a' ELSE 'l' END,
           NEW.element, NEW.disagg, NEW.period, NEW.value - OLD.value
    WHERE (NEW.basis <> 'c' OR NOT EXISTS (SELECT 1 FROM figure_overrides o
            WHERE o.library_id = NEW.library_id AND o.period = NEW.period AND o.element = NEW.element))
    ON CONFLICT (region_code, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_rollups (region_code, level, basis, element, disagg, period, value)
    SELECT substr(NEW.region_code, 1, 4), 2, CASE WHEN NEW.basis = 'a' THEN 'a' ELSE 'l' END,
           NEW.element, NEW.disagg, NEW.period, NEW.value - OLD.value
    WHERE (NEW.basis <> 'c' OR NOT EXISTS (SELECT 1 FROM figure_overrides o
            WHERE o.library_id = NEW.library_id AND o.period = NEW.period AND o.element = NEW.element))
    ON CONFLICT (region_code, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_rollup_move AFTER UPDATE ON figure_values
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused') AND NEW.region_code <> OLD.region_code
BEGIN
    INSERT INTO figure_rollups (region_code, level, basis, element, disagg, period, value)
    SELECT substr(OLD.region_code, 1, 2), 1, CASE WHEN OLD.basis = 'a' THEN 'a' ELSE 'l' END,
           OLD.element, OLD.disagg, OLD.period, -OLD.value
    WHERE (OLD.basis <> 'c' OR NOT EXISTS (SELECT 1 FROM figure_overrides o
            WHERE o.library_id = OLD.library_id AND o.period = OLD.period AND o.element = OLD.element))
    ON CONFLICT (region_code, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_rollups (region_code, level, basis, element, disagg, period, value)
    SELECT substr(OLD.region_code, 1, 4), 2, CASE WHEN OLD.basis = 'a' THEN 'a' ELSE 'l' END,
           OLD.element, OLD.disagg, OLD.period, -OLD.value
    WHERE (OLD.basis <> 'c' OR NOT EXISTS (SELECT 1 FROM figure_overrides o
            WHERE o.library_id = OLD.library_id AND o.period = OLD.period AND o.element = OLD.element))
    ON CONFLICT (region_code, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_rollups (region_code, level, basis, element, disagg, period, value)
    SELECT substr(NEW.region_code, 1, 2), 1, CASE WHEN NEW.basis = 'a' THEN 'a' ELSE 'l' END,
           NEW.element, NEW.disagg, NEW.period, NEW.value
    WHERE (NEW.basis <> 'c' OR NOT EXISTS (SELECT 1 FROM figure_overrides o
            WHERE o.library_id = NEW.library_id AND o.period = NEW.period AND o.element = NEW.element))
    ON CONFLICT (region_code, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_rollups (region_code, level, basis, element, disagg, period, value)
    SELECT substr(NEW.region_code, 1, 4), 2, CASE WHEN NEW.basis = 'a' THEN 'a' ELSE 'l' END,
           NEW.element, NEW.disagg, NEW.period, NEW.value
    WHERE (NEW.basis <> 'c' OR NOT EXISTS (SELECT 1 FROM figure_overrides o
            WHERE o.library_id = NEW.library_id AND o.period = NEW.period AND o.element = NEW.element))
    ON CONFLICT (region_code, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_member_months_ins AFTER INSERT ON figure_member_months
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT NEW.library_id, 'c', 'members_active', '', NEW.period, l.village_code, 1
    FROM libraries l WHERE l.id = NEW.library_id
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_member_months_del AFTER DELETE ON figure_member_months
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT OLD.library_id, 'c', 'members_active', '', OLD.period, l.village_code, -1
    FROM libraries l WHERE l.id = OLD.library_id
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_overrides_ins AFTER INSERT ON figure_overrides
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_rollups (region_code, level, basis, element, disagg, period, value)
    SELECT substr(f.region_code, 1, 2), 1, 'l', f.element, f.disagg, f.period, -f.value
    FROM figure_values f
    WHERE f.library_id = NEW.library_id AND f.basis = 'c' AND f.element = NEW.element AND f.period = NEW.period
    ON CONFLICT (region_code, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_rollups (region_code, level, basis, element, disagg, period, value)
    SELECT substr(f.region_code, 1, 4), 2, 'l', f.element, f.disagg, f.period, -f.value
    FROM figure_values f
    WHERE f.library_id = NEW.library_id AND f.basis = 'c' AND f.element = NEW.element AND f.period = NEW.period
    ON CONFLICT (region_code, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_overrides_del AFTER DELETE ON figure_overrides
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_rollups (region_code, level, basis, element, disagg, period, value)
    SELECT substr(f.region_code, 1, 2), 1, 'l', f.element, f.disagg, f.period, f.value
    FROM figure_values f
    WHERE f.library_id = OLD.library_id AND f.basis = 'c' AND f.element = OLD.element AND f.period = OLD.period
    ON CONFLICT (region_code, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_rollups (region_code, level, basis, element, disagg, period, value)
    SELECT substr(f.region_code, 1, 4), 2, 'l', f.element, f.disagg, f.period, f.value
    FROM figure_values f
    WHERE f.library_id = OLD.library_id AND f.basis = 'c' AND f.element = OLD.element AND f.period = OLD.period
    ON CONFLICT (region_code, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_report_values_ins AFTER INSERT ON monthly_report_values
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_overrides (library_id, period, element, cells)
    SELECT r.library_id, r.period, NEW.element, 1
    FROM monthly_reports r WHERE r.id = NEW.report_id AND NEW.manual AND NEW.element NOT IN ('members', 'titles', 'items')
    ON CONFLICT (library_id, period, element) DO UPDATE SET cells = cells + excluded.cells;
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT r.library_id, 'm', NEW.element, NEW.disagg, r.period, l.village_code, NEW.value
    FROM monthly_reports r JOIN libraries l ON l.id = r.library_id
    WHERE r.id = NEW.report_id AND NEW.manual AND NEW.element NOT IN ('members', 'titles', 'items')
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT r.library_id, 'a', NEW.element, NEW.disagg, r.period, l.village_code, NEW.value
    FROM monthly_reports r JOIN libraries l ON l.id = r.library_id
    WHERE r.id = NEW.report_id AND r.status = 'approved'
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_report_values_del AFTER DELETE ON monthly_report_values
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_overrides (library_id, period, element, cells)
    SELECT r.library_id, r.period, OLD.element, -1
    FROM monthly_reports r WHERE r.id = OLD.report_id AND OLD.manual AND OLD.element NOT IN ('members', 'titles', 'items')
    ON CONFLICT (library_id, period, element) DO UPDATE SET cells = cells + excluded.cells;
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT r.library_id, 'm', OLD.element, OLD.disagg, r.period, l.village_code, -OLD.value
    FROM monthly_reports r JOIN libraries l ON l.id = r.library_id
    WHERE r.id = OLD.report_id AND OLD.manual AND OLD.element NOT IN ('members', 'titles', 'items')
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    DELETE FROM figure_overrides WHERE cells <= 0 AND element = OLD.element AND (library_id, period) IN (SELECT r.library_id, r.period FROM monthly_reports r WHERE r.id = OLD.report_id);
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT r.library_id, 'a', OLD.element, OLD.disagg, r.period, l.village_code, -OLD.value
    FROM monthly_reports r JOIN libraries l ON l.id = r.library_id
    WHERE r.id = OLD.report_id AND r.status = 'approved'
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_report_values_upd AFTER UPDATE ON monthly_report_values
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_overrides (library_id, period, element, cells)
    SELECT r.library_id, r.period, OLD.element, -1
    FROM monthly_reports r WHERE r.id = OLD.report_id AND OLD.manual AND OLD.element NOT IN ('members', 'titles', 'items')
    ON CONFLICT (library_id, period, element) DO UPDATE SET cells = cells + excluded.cells;
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT r.library_id, 'm', OLD.element, OLD.disagg, r.period, l.village_code, -OLD.value
    FROM monthly_reports r JOIN libraries l ON l.id = r.library_id
    WHERE r.id = OLD.report_id AND OLD.manual AND OLD.element NOT IN ('members', 'titles', 'items')
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    DELETE FROM figure_overrides WHERE cells <= 0 AND element = OLD.element AND (library_id, period) IN (SELECT r.library_id, r.period FROM monthly_reports r WHERE r.id = OLD.report_id);
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT r.library_id, 'a', OLD.element, OLD.disagg, r.period, l.village_code, -OLD.value
    FROM monthly_reports r JOIN libraries l ON l.id = r.library_id
    WHERE r.id = OLD.report_id AND r.status = 'approved'
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_overrides (library_id, period, element, cells)
    SELECT r.library_id, r.period, NEW.element, 1
    FROM monthly_reports r WHERE r.id = NEW.report_id AND NEW.manual AND NEW.element NOT IN ('members', 'titles', 'items')
    ON CONFLICT (library_id, period, element) DO UPDATE SET cells = cells + excluded.cells;
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT r.library_id, 'm', NEW.element, NEW.disagg, r.period, l.village_code, NEW.value
    FROM monthly_reports r JOIN libraries l ON l.id = r.library_id
    WHERE r.id = NEW.report_id AND NEW.manual AND NEW.element NOT IN ('members', 'titles', 'items')
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT r.library_id, 'a', NEW.element, NEW.disagg, r.period, l.village_code, NEW.value
    FROM monthly_reports r JOIN libraries l ON l.id = r.library_id
    WHERE r.id = NEW.report_id AND r.status = 'approved'
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_report_approved AFTER UPDATE OF status ON monthly_reports
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused') AND OLD.status <> 'approved' AND NEW.status = 'approved'
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT NEW.library_id, 'a', v.element, v.disagg, NEW.period, l.village_code, v.value
    FROM monthly_report_values v JOIN libraries l ON l.id = NEW.library_id
    WHERE v.report_id = NEW.id
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_report_unapproved AFTER UPDATE OF status ON monthly_reports
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused') AND OLD.status = 'approved' AND NEW.status <> 'approved'
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT OLD.library_id, 'a', v.element, v.disagg, OLD.period, l.village_code, -v.value
    FROM monthly_report_values v JOIN libraries l ON l.id = OLD.library_id
    WHERE v.report_id = OLD.id
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_workplan_approved AFTER UPDATE OF status ON workplans
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused') AND OLD.status <> 'approved' AND NEW.status = 'approved'
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT a.library_id, 'c', 'workplan_planned', '', CAST(strftime('%Y%m', COALESCE(a.ends_on, a.starts_on)) AS INTEGER), l.village_code, 1 * COUNT(*)
    FROM workplan_activities a JOIN libraries l ON l.id = a.library_id
    WHERE a.workplan_id = NEW.id AND a.progress <> 'cancelled' AND COALESCE(a.ends_on, a.starts_on) IS NOT NULL
    GROUP BY a.library_id, CAST(strftime('%Y%m', COALESCE(a.ends_on, a.starts_on)) AS INTEGER), l.village_code
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT a.library_id, 'c', 'workplan_done', '', CAST(strftime('%Y%m', COALESCE(a.ends_on, a.starts_on)) AS INTEGER), l.village_code, 1 * COUNT(*)
    FROM workplan_activities a JOIN libraries l ON l.id = a.library_id
    WHERE a.workplan_id = NEW.id AND a.progress = 'done' AND COALESCE(a.ends_on, a.starts_on) IS NOT NULL
    GROUP BY a.library_id, CAST(strftime('%Y%m', COALESCE(a.ends_on, a.starts_on)) AS INTEGER), l.village_code
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_workplan_unapproved AFTER UPDATE OF status ON workplans
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused') AND OLD.status = 'approved' AND NEW.status <> 'approved'
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT a.library_id, 'c', 'workplan_planned', '', CAST(strftime('%Y%m', COALESCE(a.ends_on, a.starts_on)) AS INTEGER), l.village_code, -1 * COUNT(*)
    FROM workplan_activities a JOIN libraries l ON l.id = a.library_id
    WHERE a.workplan_id = OLD.id AND a.progress <> 'cancelled' AND COALESCE(a.ends_on, a.starts_on) IS NOT NULL
    GROUP BY a.library_id, CAST(strftime('%Y%m', COALESCE(a.ends_on, a.starts_on)) AS INTEGER), l.village_code
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT a.library_id, 'c', 'workplan_done', '', CAST(strftime('%Y%m', COALESCE(a.ends_on, a.starts_on)) AS INTEGER), l.village_code, -1 * COUNT(*)
    FROM workplan_activities a JOIN libraries l ON l.id = a.library_id
    WHERE a.workplan_id = OLD.id AND a.progress = 'done' AND COALESCE(a.ends_on, a.starts_on) IS NOT NULL
    GROUP BY a.library_id, CAST(strftime('%Y%m', COALESCE(a.ends_on, a.starts_on)) AS INTEGER), l.village_code
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_activity_report_move AFTER UPDATE OF library_id, held_on, strategy ON activity_reports
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused')
BEGIN
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT OLD.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', OLD.held_on) AS INTEGER), l.village_code, SUM(d.v)
    FROM libraries l, (
        SELECT 'participants' AS element, '' AS disagg, -p.count AS v FROM activity_participants p WHERE p.report_id = OLD.id
        UNION ALL SELECT 'participants' AS element, 'gender=' || upper(p.gender) AS disagg, -p.count AS v FROM activity_participants p WHERE p.report_id = OLD.id AND upper(p.gender) IN ('L', 'P')
        UNION ALL SELECT 'participants' AS element, 'age=' || p.age_group AS disagg, -p.count AS v FROM activity_participants p WHERE p.report_id = OLD.id
        UNION ALL SELECT 'participants' AS element, CASE WHEN p.disability THEN 'disability=ya' ELSE 'disability=tidak' END AS disagg, -p.count AS v FROM activity_participants p WHERE p.report_id = OLD.id
        UNION ALL SELECT 'participants' AS element, 'strategy=' || OLD.strategy AS disagg, -p.count AS v FROM activity_participants p WHERE p.report_id = OLD.id
        UNION ALL SELECT 'participants' AS element, 'gender=' || upper(p.gender) || ';age=' || p.age_group AS disagg, -p.count AS v FROM activity_participants p WHERE p.report_id = OLD.id AND upper(p.gender) IN ('L', 'P')
    ) d
    WHERE l.id = OLD.library_id
    GROUP BY d.element, d.disagg, l.village_code
    HAVING SUM(d.v) <> 0
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
    INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
    SELECT NEW.library_id, 'c', d.element, d.disagg, CAST(strftime('%Y%m', NEW.held_on) AS INTEGER), l.village_code, SUM(d.v)
    FROM libraries l, (
        SELECT 'participants' AS element, '' AS disagg, p.count AS v FROM activity_participants p WHERE p.report_id = NEW.id
        UNION ALL SELECT 'participants' AS element, 'gender=' || upper(p.gender) AS disagg, p.count AS v FROM activity_participants p WHERE p.report_id = NEW.id AND upper(p.gender) IN ('L', 'P')
        UNION ALL SELECT 'participants' AS element, 'age=' || p.age_group AS disagg, p.count AS v FROM activity_participants p WHERE p.report_id = NEW.id
        UNION ALL SELECT 'participants' AS element, CASE WHEN p.disability THEN 'disability=ya' ELSE 'disability=tidak' END AS disagg, p.count AS v FROM activity_participants p WHERE p.report_id = NEW.id
        UNION ALL SELECT 'participants' AS element, 'strategy=' || NEW.strategy AS disagg, p.count AS v FROM activity_participants p WHERE p.report_id = NEW.id
        UNION ALL SELECT 'participants' AS element, 'gender=' || upper(p.gender) || ';age=' || p.age_group AS disagg, p.count AS v FROM activity_participants p WHERE p.report_id = NEW.id AND upper(p.gender) IN ('L', 'P')
    ) d
    WHERE l.id = NEW.library_id
    GROUP BY d.element, d.disagg, l.village_code
    HAVING SUM(d.v) <> 0
    ON CONFLICT (library_id, basis, element, disagg, period) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER fig_library_moved AFTER UPDATE OF village_code ON libraries
WHEN NOT EXISTS (SELECT 1 FROM figure_settings WHERE key = 'paused') AND NEW.village_code <> OLD.village_code
BEGIN
    UPDATE figure_values SET region_code = NEW.village_code WHERE library_id = NEW.id;
END;

-- Fill the rollups from the records already there (same statements as
-- lentera_store::monitoring::figures::rebuild).
INSERT INTO figure_member_months (library_id, period, member_id, uses)
SELECT library_id, period, member_id, uses FROM figure_member_months_recomputed;
INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
SELECT library_id, 'c', element, disagg, period, region_code, value FROM figure_recomputed;
INSERT INTO figure_overrides (library_id, period, element, cells)
SELECT r.library_id, r.period, v.element, COUNT(*)
FROM monthly_report_values v JOIN monthly_reports r ON r.id = v.report_id
WHERE v.manual AND v.element NOT IN ('members', 'titles', 'items')
GROUP BY r.library_id, r.period, v.element;
INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
SELECT r.library_id, 'm', v.element, v.disagg, r.period, l.village_code, SUM(v.value)
FROM monthly_report_values v JOIN monthly_reports r ON r.id = v.report_id JOIN libraries l ON l.id = r.library_id
WHERE v.manual AND v.element NOT IN ('members', 'titles', 'items')
GROUP BY r.library_id, v.element, v.disagg, r.period, l.village_code;
INSERT INTO figure_values (library_id, basis, element, disagg, period, region_code, value)
SELECT r.library_id, 'a', v.element, v.disagg, r.period, l.village_code, SUM(v.value)
FROM monthly_report_values v JOIN monthly_reports r ON r.id = v.report_id JOIN libraries l ON l.id = r.library_id
WHERE r.status = 'approved'
GROUP BY r.library_id, v.element, v.disagg, r.period, l.village_code;
INSERT INTO figure_rollups (region_code, level, basis, element, disagg, period, value)
SELECT substr(f.region_code, 1, 2), 1, CASE WHEN f.basis = 'a' THEN 'a' ELSE 'l' END, f.element, f.disagg, f.period, SUM(f.value)
FROM figure_values f
WHERE f.basis <> 'c' OR NOT EXISTS (SELECT 1 FROM figure_overrides o WHERE o.library_id = f.library_id AND o.period = f.period AND o.element = f.element)
GROUP BY substr(f.region_code, 1, 2), CASE WHEN f.basis = 'a' THEN 'a' ELSE 'l' END, f.element, f.disagg, f.period;
INSERT INTO figure_rollups (region_code, level, basis, element, disagg, period, value)
SELECT substr(f.region_code, 1, 4), 2, CASE WHEN f.basis = 'a' THEN 'a' ELSE 'l' END, f.element, f.disagg, f.period, SUM(f.value)
FROM figure_values f
WHERE f.basis <> 'c' OR NOT EXISTS (SELECT 1 FROM figure_overrides o WHERE o.library_id = f.library_id AND o.period = f.period AND o.element = f.element)
GROUP BY substr(f.region_code, 1, 4), CASE WHEN f.basis = 'a' THEN 'a' ELSE 'l' END, f.element, f.disagg, f.period;

-- ------------------------------------------------------------ indicators
-- Indicators are data: a numerator and a denominator over the figures
-- (sums of `element` or `element[dim=option;…]` terms, see
-- lentera_core::monitoring::indicators), a factor, and how the value
-- aggregates over time (sum | average | last) and over regions
-- (sum | average = per library). denominator '' means 1.
CREATE TABLE indicators (
    code TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL,
    name_id TEXT NOT NULL,
    name_en TEXT NOT NULL,
    definition_id TEXT NOT NULL,
    definition_en TEXT NOT NULL,
    numerator TEXT NOT NULL,
    denominator TEXT NOT NULL DEFAULT '',
    factor DOUBLE PRECISION NOT NULL DEFAULT 1,
    time_aggregation TEXT NOT NULL,
    region_aggregation TEXT NOT NULL,
    unit_id TEXT NOT NULL DEFAULT '',
    unit_en TEXT NOT NULL DEFAULT '',
    decimals INTEGER NOT NULL DEFAULT 0,
    higher_is_better BOOLEAN NOT NULL DEFAULT TRUE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at TIMESTAMP NOT NULL
);

-- Targets per indicator, year and region ('' = the national default). The
-- latest year not after the one asked for applies; a region's target holds
-- for what lies inside it when the indicator is scale-free (a ratio or a
-- per-library value).
CREATE TABLE indicator_targets (
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    year INTEGER NOT NULL,
    region_code TEXT NOT NULL,
    target DOUBLE PRECISION NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (indicator_code, year, region_code)
);

-- The KPI formula, versioned: a version takes effect on its date; a year's
-- score uses the version in effect on 31 December and reports it.
CREATE TABLE kpi_formulas (
    version INTEGER PRIMARY KEY NOT NULL,
    effective_from DATE NOT NULL,
    name TEXT NOT NULL,
    red_below DOUBLE PRECISION NOT NULL,
    green_from DOUBLE PRECISION NOT NULL,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE kpi_weights (
    version INTEGER NOT NULL REFERENCES kpi_formulas (version),
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    weight DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (version, indicator_code)
);

-- Population per region and year, imported (BPS / Dukcapil figures), for
-- the IPLM's per-capita elements.
CREATE TABLE region_population (
    region_code TEXT NOT NULL REFERENCES regions (code),
    year INTEGER NOT NULL,
    population BIGINT NOT NULL,
    source TEXT,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (region_code, year)
);

INSERT INTO indicators (code, position, name_id, name_en, definition_id, definition_en, numerator, denominator, factor, time_aggregation, region_aggregation, unit_id, unit_en, decimals, higher_is_better, active, updated_at) VALUES
('visits', 10, 'Jumlah kunjungan', 'Visits', 'Jumlah orang yang berkunjung menurut buku tamu.', 'People who came, from the guest book.', 'visits', '', 1, 'sum', 'sum', 'orang', 'people', 0, TRUE, TRUE, '2026-11-24 00:00:00'),
('visits_per_month', 20, 'Kunjungan per perpustakaan per bulan', 'Visits per library per month', 'Rata-rata kunjungan sebulan di satu perpustakaan.', 'Average monthly visits at one library.', 'visits', '', 1, 'average', 'average', 'orang/bulan', 'people/month', 0, TRUE, TRUE, '2026-11-24 00:00:00'),
('visits_children_share', 30, 'Porsi kunjungan anak', 'Share of visits by children', 'Kunjungan anak (0–12 tahun) dibagi seluruh kunjungan.', 'Visits by children (0–12) over all visits.', 'visits[age=anak]', 'visits', 100, 'sum', 'sum', '%', '%', 1, TRUE, TRUE, '2026-11-24 00:00:00'),
('loans', 40, 'Jumlah peminjaman', 'Loans', 'Peminjaman buku yang dicatat di meja sirkulasi.', 'Checkouts recorded at the circulation desk.', 'loans', '', 1, 'sum', 'sum', 'eksemplar', 'items', 0, TRUE, TRUE, '2026-11-24 00:00:00'),
('loans_per_visit', 50, 'Peminjaman per kunjungan', 'Loans per visit', 'Jumlah peminjaman dibagi jumlah kunjungan (rasio jumlah, bukan jumlah rasio).', 'Loans over visits (a ratio of sums, never a sum of ratios).', 'loans', 'visits', 1, 'sum', 'sum', 'per kunjungan', 'per visit', 2, TRUE, TRUE, '2026-11-24 00:00:00'),
('members', 60, 'Anggota terdaftar', 'Registered members', 'Anggota yang terdaftar pada akhir periode.', 'Members registered at the end of the period.', 'members', '', 1, 'last', 'sum', 'orang', 'people', 0, TRUE, TRUE, '2026-11-24 00:00:00'),
('members_new', 70, 'Anggota baru', 'New members', 'Anggota yang mendaftar dalam periode.', 'Members who joined in the period.', 'members_new', '', 1, 'sum', 'sum', 'orang', 'people', 0, TRUE, TRUE, '2026-11-24 00:00:00'),
('active_members', 80, 'Anggota aktif per bulan', 'Active members per month', 'Rata-rata anggota yang meminjam atau berkunjung dalam sebulan, per perpustakaan.', 'Average members who borrowed or visited in a month, per library.', 'members_active', '', 1, 'average', 'average', 'orang/bulan', 'people/month', 0, TRUE, TRUE, '2026-11-24 00:00:00'),
('titles', 90, 'Judul koleksi', 'Collection titles', 'Judul dalam katalog pada akhir periode (tidak pernah dijumlah antarbulan).', 'Titles in the catalogue at the end of the period (never summed over months).', 'titles', '', 1, 'last', 'sum', 'judul', 'titles', 0, TRUE, TRUE, '2026-11-24 00:00:00'),
('titles_per_library', 100, 'Judul per perpustakaan', 'Titles per library', 'Judul dalam katalog pada akhir periode, rata-rata per perpustakaan.', 'Catalogue titles at the end of the period, per library.', 'titles', '', 1, 'last', 'average', 'judul', 'titles', 0, TRUE, TRUE, '2026-11-24 00:00:00'),
('items', 110, 'Eksemplar koleksi', 'Collection items', 'Eksemplar yang dimiliki (tidak hilang atau disiangi) pada akhir periode.', 'Items held (not lost or withdrawn) at the end of the period.', 'items', '', 1, 'last', 'sum', 'eksemplar', 'items', 0, TRUE, TRUE, '2026-11-24 00:00:00'),
('items_new', 120, 'Eksemplar baru', 'New items', 'Eksemplar yang dicatat dalam periode.', 'Items catalogued in the period.', 'items_new', '', 1, 'sum', 'sum', 'eksemplar', 'items', 0, TRUE, TRUE, '2026-11-24 00:00:00'),
('activities', 130, 'Jumlah kegiatan', 'Activities', 'Kegiatan pelibatan masyarakat yang dilaporkan.', 'Community activities reported.', 'activities', '', 1, 'sum', 'sum', 'kegiatan', 'activities', 0, TRUE, TRUE, '2026-11-24 00:00:00'),
('activities_per_month', 140, 'Kegiatan per perpustakaan per bulan', 'Activities per library per month', 'Rata-rata kegiatan sebulan di satu perpustakaan.', 'Average monthly activities at one library.', 'activities', '', 1, 'average', 'average', 'kegiatan/bulan', 'activities/month', 1, TRUE, TRUE, '2026-11-24 00:00:00'),
('participants', 150, 'Peserta kegiatan', 'Activity participants', 'Jumlah peserta seluruh kegiatan.', 'Participants of all activities.', 'participants', '', 1, 'sum', 'sum', 'orang', 'people', 0, TRUE, TRUE, '2026-11-24 00:00:00'),
('participation_women', 160, 'Partisipasi perempuan', 'Participation of women', 'Peserta perempuan dibagi seluruh peserta.', 'Women participants over all participants.', 'participants[gender=P]', 'participants', 100, 'sum', 'sum', '%', '%', 1, TRUE, TRUE, '2026-11-24 00:00:00'),
('participation_children', 170, 'Partisipasi anak', 'Participation of children', 'Peserta anak (0–12 tahun) dibagi seluruh peserta.', 'Child participants (0–12) over all participants.', 'participants[age=anak]', 'participants', 100, 'sum', 'sum', '%', '%', 1, TRUE, TRUE, '2026-11-24 00:00:00'),
('participation_disabled', 180, 'Partisipasi penyandang disabilitas', 'Participation of people with disabilities', 'Peserta penyandang disabilitas dibagi seluruh peserta.', 'Participants with disabilities over all participants.', 'participants[disability=ya]', 'participants', 100, 'sum', 'sum', '%', '%', 1, TRUE, TRUE, '2026-11-24 00:00:00'),
('workplan_completion', 190, 'Penyelesaian rencana kerja', 'Work-plan completion', 'Kegiatan rencana kerja (disetujui) yang selesai dibagi yang dijadwalkan selesai dalam periode.', 'Approved work-plan activities done over those scheduled to end in the period.', 'workplan_done', 'workplan_planned', 100, 'sum', 'sum', '%', '%', 0, TRUE, TRUE, '2026-11-24 00:00:00'),
('aid_received', 200, 'Bantuan diterima', 'Aid received', 'Berita acara serah terima bantuan yang ditandatangani dalam periode.', 'Aid receipts (BAST) signed in the period.', 'aid_received', '', 1, 'sum', 'sum', 'paket', 'packages', 0, TRUE, TRUE, '2026-11-24 00:00:00');

-- National defaults from 2020 on; provinces and districts may set their own.
INSERT INTO indicator_targets (indicator_code, year, region_code, target, updated_at) VALUES
('visits_per_month', 2020, '', 150, '2026-11-24 00:00:00'),
('visits_children_share', 2020, '', 30, '2026-11-24 00:00:00'),
('loans_per_visit', 2020, '', 0.3, '2026-11-24 00:00:00'),
('active_members', 2020, '', 30, '2026-11-24 00:00:00'),
('titles_per_library', 2020, '', 1000, '2026-11-24 00:00:00'),
('activities_per_month', 2020, '', 2, '2026-11-24 00:00:00'),
('participation_women', 2020, '', 50, '2026-11-24 00:00:00'),
('participation_disabled', 2020, '', 5, '2026-11-24 00:00:00'),
('workplan_completion', 2020, '', 80, '2026-11-24 00:00:00');

INSERT INTO kpi_formulas (version, effective_from, name, red_below, green_from, created_by, created_at) VALUES
(1, '2020-01-01', 'KPI TPBIS (bawaan Lentera)', 50, 75, NULL, '2026-11-24 00:00:00');
INSERT INTO kpi_weights (version, indicator_code, weight) VALUES
(1, 'visits_per_month', 20),
(1, 'loans_per_visit', 10),
(1, 'active_members', 10),
(1, 'titles_per_library', 15),
(1, 'activities_per_month', 15),
(1, 'participation_women', 10),
(1, 'workplan_completion', 20);
