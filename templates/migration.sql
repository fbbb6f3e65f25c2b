-- One change per migration; the whole file runs in one transaction.
-- A .sql migration cannot leave the transaction: build indexes on existing
-- tables with `mnemolite-migrate create <name> --no-transaction` instead.

-- Up Migration
-- ALTER TABLE <table> ADD COLUMN <column> <type>;

-- Down Migration
-- Undo exactly what the up section did, and drop nothing it did not create.
-- ALTER TABLE <table> DROP COLUMN <column>;
