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
