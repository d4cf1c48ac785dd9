DROP TABLE audit_log; DROP TABLE sessions; DROP TABLE facilitator_libraries; DROP TABLE users; DROP TABLE libraries; DROP TABLE regions; DROP TABLE meta;
