-- Monthly revenue per plan, read by the finance dashboard.
DROP VIEW IF EXISTS invoice_summary;

CREATE VIEW invoice_summary AS
SELECT a.plan_code,
       date_trunc('month', i.issued_at) AS month,
       count(*)                         AS invoices,
       sum(i.total)                     AS revenue
  FROM invoices i
  JOIN accounts a ON a.id = i.account_id
 WHERE i.status <> 'void'
 GROUP BY 1, 2;

GRANT SELECT ON invoice_summary TO billing_reporting;
