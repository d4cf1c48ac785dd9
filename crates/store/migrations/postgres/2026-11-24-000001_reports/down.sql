DROP TABLE report_deadlines;
DROP TABLE monthly_report_events;
DROP TABLE monthly_report_notes;
DROP TABLE monthly_report_values;
DROP TABLE monthly_reports;
