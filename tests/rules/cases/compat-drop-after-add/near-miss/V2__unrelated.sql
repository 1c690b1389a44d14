-- A column added in the same release that nothing links to the dropped one:
-- the drop is a plain compat-drop-column, not a replacement.
ALTER TABLE customers ADD COLUMN loyalty_tier text;
UPDATE customers SET loyalty_tier = 'basic';
ALTER TABLE customers DROP COLUMN email;
