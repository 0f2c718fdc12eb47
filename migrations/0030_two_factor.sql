-- Two-factor sign-in (issue 21). A user's TOTP secret is sealed with a key derived from the
-- instance's secret key; it counts only once `confirmed_at` is set (a first code proved the
-- authenticator app holds it). `last_step` is the 30-second step of the last code accepted: a code
-- is good once, never again in its window.
CREATE TABLE user_totp (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    sealed_secret TEXT NOT NULL,
    confirmed_at BIGINT,              -- ms; NULL while being set up
    last_step BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- Single-use recovery codes, stored as SHA-256 hashes (each is 50 random bits, shown once).
CREATE TABLE recovery_codes (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- Passkeys and security keys (WebAuthn credentials), by their credential id (base64url).
CREATE TABLE webauthn_credentials (
    credential_id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    public_key TEXT NOT NULL,         -- COSE key, base64url
    sign_count BIGINT NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    transports TEXT NOT NULL DEFAULT '[]',  -- JSON array, handed back to the browser
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);

CREATE INDEX webauthn_credentials_user ON webauthn_credentials (user_id);

-- WebAuthn challenges handed to a browser: each is taken (deleted) by the answer that uses it,
-- and refused after `expires_at`. `purpose` is 'register' or 'sign_in'; `user_id` is NULL for a
-- passwordless sign-in, where the key says whose it is.
CREATE TABLE webauthn_challenges (
    challenge TEXT PRIMARY KEY,       -- base64url
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX webauthn_challenges_expiry ON webauthn_challenges (expires_at);
