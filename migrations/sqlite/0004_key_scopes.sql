-- API key scopes: `full` keys act for the whole account (what every key did
-- before); `public` keys, meant to be published in badges and embeds, work on
-- the visits-counter and unshort surfaces only.
ALTER TABLE api_keys ADD COLUMN scope TEXT NOT NULL DEFAULT 'full';
