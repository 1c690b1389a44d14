-- Made by dynamic SQL migraph cannot see into: the plain DROP proves it exists.
DROP FUNCTION legacy_report();
