-- A Flyway callback: runs after every migrate, never recorded as a migration.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${app_role};
