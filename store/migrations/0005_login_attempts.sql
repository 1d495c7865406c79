-- Password attempts, replacing login_failures. One row per password check, written before the
-- check runs (in the same transaction that counted the earlier ones), so parallel requests
-- cannot all read a low count; a check that succeeds removes its row again. The throttle
-- counts rows per account and address, per account and per address, so one table serves all
-- three. Rows are transient: older ones are pruned as new ones are written.
DROP TABLE login_failures;
CREATE TABLE login_attempts (
    id      INTEGER PRIMARY KEY,
    account TEXT NOT NULL,      -- the login as typed, trimmed and lower-cased (known or not)
    address TEXT NOT NULL,      -- the client's address
    at      INTEGER NOT NULL    -- Unix seconds
) STRICT;
CREATE INDEX login_attempts_by_account ON login_attempts (account, address, at);
CREATE INDEX login_attempts_by_address ON login_attempts (address, at);
