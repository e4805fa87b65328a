-- One schema for SQLite and Postgres: only TEXT and BIGINT columns, times as Unix milliseconds, so the
-- same queries (with $n placeholders, which both accept) run on either.
CREATE TABLE links (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id TEXT NOT NULL UNIQUE,
    wallet_address TEXT NOT NULL UNIQUE,
    wallet_label TEXT,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);

-- Every mint attempt. Never a token: the purpose, the scopes asked for and granted, and how it ended.
CREATE TABLE mint_audit (
    id TEXT PRIMARY KEY,
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id TEXT,
    purpose TEXT NOT NULL,
    scopes TEXT NOT NULL,
    outcome TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);

CREATE INDEX mint_audit_subject ON mint_audit (issuer, subject, at_ms);
