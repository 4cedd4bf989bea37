-- 0001_init: the analytics schema.
-- Applied by analytics-migrate in one transaction together with its schema_migrations row.
-- Never edit this file once deployed (its checksum is recorded): add 0002_<name>.sql instead.

-- The ledger of applied migrations (created by the first migration, read by analytics-migrate).
CREATE TABLE schema_migrations (
  name       text        PRIMARY KEY,
  checksum   text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- User dimension, fed by analytics-ingest from profile.created|updated|deleted events.
-- version: the profile version of the last event applied; an event applies only when it is newer
-- (a deletion ranks after the update of the same version), so replays and out-of-order deliveries change nothing.
CREATE TABLE users (
  user_id      text        PRIMARY KEY,
  email        text,
  display_name text,
  locale       text,
  version      bigint      NOT NULL CHECK (version >= 1),
  updated_at   timestamptz NOT NULL,
  deleted      boolean     NOT NULL DEFAULT false
);

-- Activity facts, fed by activity-processor from the Kinesis "activity" stream; event_id de-duplicates.
CREATE TABLE activity_events (
  event_id    uuid        PRIMARY KEY,
  user_id     text        NOT NULL,
  type        text        NOT NULL CHECK (type ~ '^[a-z0-9._-]{1,64}$'),
  occurred_at timestamptz NOT NULL,
  props       jsonb       NOT NULL DEFAULT '{}'::jsonb,
  received_at timestamptz NOT NULL DEFAULT now()
);

-- GET /analytics/me/summary: WHERE user_id = $1 AND occurred_at >= $2 GROUP BY type (index-only scan).
CREATE INDEX activity_events_user_occurred_idx ON activity_events (user_id, occurred_at) INCLUDE (type);

-- GET /analytics/daily-active-users: WHERE occurred_at in [day, day + 1) -> count(DISTINCT user_id) (index-only scan).
CREATE INDEX activity_events_occurred_user_idx ON activity_events (occurred_at, user_id);
