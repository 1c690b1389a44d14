CREATE INDEX invoices_due_idx ON invoices (due_date);
