#include "storage/schema.h"

#include "storage/database.h"
#include "storage/transaction.h"

#include <algorithm>

namespace activelabel {

namespace {

// Version 0 is "no schema": an empty file (or a file created by `init` that crashed before its
// first commit). Step 0 -> 1 creates schema v1. Times are milliseconds since the Unix epoch (UTC).
void projectV0ToV1(Database &db)
{
    db.execSchema(R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    path BLOB NOT NULL,                 -- raw bytes of the path (may be non-UTF-8); relative = inside the project
    content_hash BLOB NOT NULL,         -- SHA-1 of the file bytes
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    split TEXT NOT NULL DEFAULT 'pool' CHECK (split IN ('pool', 'test')),
    added INTEGER NOT NULL
);
CREATE INDEX images_hash ON images (content_hash);
CREATE INDEX images_split ON images (split, id);
CREATE TABLE import_log (
    id INTEGER PRIMARY KEY,
    path BLOB NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('rejected', 'duplicate')),
    reason TEXT NOT NULL,
    logged_at INTEGER NOT NULL
);
CREATE TABLE classes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    hotkey TEXT,
    colour TEXT,
    position INTEGER NOT NULL UNIQUE    -- the class order (index into probability vectors)
);
CREATE TABLE labels (
    image_id INTEGER PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
    class_id INTEGER NOT NULL REFERENCES classes (id),
    source TEXT NOT NULL CHECK (source IN ('human', 'accepted', 'import', 'oracle')),
    annotator TEXT NOT NULL DEFAULT '',
    labelled_at INTEGER NOT NULL
);
CREATE INDEX labels_class ON labels (class_id);
CREATE TABLE label_history (
    id INTEGER PRIMARY KEY,
    image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    old_class_id INTEGER REFERENCES classes (id),   -- NULL: was unlabelled
    new_class_id INTEGER REFERENCES classes (id),   -- NULL: label removed
    source TEXT NOT NULL CHECK (source IN ('human', 'accepted', 'import', 'oracle', 'undo')),
    annotator TEXT NOT NULL DEFAULT '',
    changed_at INTEGER NOT NULL
);
CREATE INDEX label_history_image ON label_history (image_id, id);
CREATE TABLE model_versions (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES model_versions (id),
    created_at INTEGER NOT NULL,
    backbone TEXT NOT NULL DEFAULT '',
    transfer TEXT NOT NULL DEFAULT '',
    checkpoint TEXT NOT NULL DEFAULT '', -- path relative to the project's models/
    labels_used INTEGER NOT NULL DEFAULT 0,
    train_seconds REAL NOT NULL DEFAULT 0,
    config TEXT NOT NULL DEFAULT '{}'   -- JSON
);
CREATE TABLE queries (
    id INTEGER PRIMARY KEY,
    image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    strategy TEXT NOT NULL,
    score REAL,
    model_version INTEGER REFERENCES model_versions (id),
    audit INTEGER NOT NULL DEFAULT 0 CHECK (audit IN (0, 1)),
    queried_at INTEGER NOT NULL
);
CREATE INDEX queries_image ON queries (image_id);
CREATE TABLE ground_truth (
    image_id INTEGER PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
    class_id INTEGER NOT NULL REFERENCES classes (id)
);
CREATE TABLE metrics (
    id INTEGER PRIMARY KEY,
    model_version INTEGER REFERENCES model_versions (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    split TEXT NOT NULL DEFAULT '',
    value REAL NOT NULL,
    labels INTEGER NOT NULL DEFAULT 0,  -- number of labels when measured (x axis of the plots)
    recorded_at INTEGER NOT NULL
);
CREATE INDEX metrics_name ON metrics (name, split, id);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql");
}

// v2: flags an annotator puts on images instead of a label (unsure: kept for review; bad:
// excluded from the pool); the class the model predicted for each query when it was asked,
// which is what makes audit draws an unbiased accuracy estimate (test-then-train); and retired
// classes (deleted or merged away: kept, out of the class order, because history refers to them).
void projectV1ToV2(Database &db)
{
    db.execSchema(R"sql(
CREATE TABLE image_flags (
    image_id INTEGER PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
    flag TEXT NOT NULL CHECK (flag IN ('unsure', 'bad')),
    annotator TEXT NOT NULL DEFAULT '',
    flagged_at INTEGER NOT NULL
);
CREATE INDEX image_flags_flag ON image_flags (flag, image_id);
ALTER TABLE queries ADD COLUMN predicted_class_id INTEGER REFERENCES classes (id) ON DELETE SET NULL;
ALTER TABLE classes ADD COLUMN retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1));
)sql");
}

// v3: label source `bulk-accepted` (a prediction accepted with a whole page of others: the bulk
// review page, the look-alikes grid). Only the CHECK constraints of labels and label_history
// change. PostgreSQL replaces a constraint in place; SQLite cannot alter one, so it rebuilds both
// tables the documented way (create the new table, copy, drop, rename; nothing references them).
void projectV2ToV3(Database &db)
{
    if (db.dialect() == Dialect::Postgres) {
        // Column CHECKs are named <table>_<column>_check by PostgreSQL.
        db.exec(R"sql(
ALTER TABLE labels DROP CONSTRAINT labels_source_check;
ALTER TABLE labels ADD CONSTRAINT labels_source_check
    CHECK (source IN ('human', 'accepted', 'import', 'oracle', 'bulk-accepted'));
ALTER TABLE label_history DROP CONSTRAINT label_history_source_check;
ALTER TABLE label_history ADD CONSTRAINT label_history_source_check
    CHECK (source IN ('human', 'accepted', 'import', 'oracle', 'bulk-accepted', 'undo'));
)sql");
        return;
    }
    db.execSchema(R"sql(
CREATE TABLE labels_v3 (
    image_id INTEGER PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
    class_id INTEGER NOT NULL REFERENCES classes (id),
    source TEXT NOT NULL CHECK (source IN ('human', 'accepted', 'import', 'oracle', 'bulk-accepted')),
    annotator TEXT NOT NULL DEFAULT '',
    labelled_at INTEGER NOT NULL
);
INSERT INTO labels_v3 (image_id, class_id, source, annotator, labelled_at)
    SELECT image_id, class_id, source, annotator, labelled_at FROM labels;
DROP TABLE labels;
ALTER TABLE labels_v3 RENAME TO labels;
CREATE INDEX labels_class ON labels (class_id);
CREATE TABLE label_history_v3 (
    id INTEGER PRIMARY KEY,
    image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    old_class_id INTEGER REFERENCES classes (id),   -- NULL: was unlabelled
    new_class_id INTEGER REFERENCES classes (id),   -- NULL: label removed
    source TEXT NOT NULL CHECK (source IN ('human', 'accepted', 'import', 'oracle', 'bulk-accepted', 'undo')),
    annotator TEXT NOT NULL DEFAULT '',
    changed_at INTEGER NOT NULL
);
INSERT INTO label_history_v3 (id, image_id, old_class_id, new_class_id, source, annotator, changed_at)
    SELECT id, image_id, old_class_id, new_class_id, source, annotator, changed_at FROM label_history;
DROP TABLE label_history;
ALTER TABLE label_history_v3 RENAME TO label_history;
CREATE INDEX label_history_image ON label_history (image_id, id);
)sql");
}

// v4: review. Where annotators disagree on an image, a reviewer settles it: the settling change is
// an ordinary label change (what training reads), and this row marks it as the settlement, so that
// agreement does not count the reviewer as one more vote and the image leaves the review queue
// (until a later vote reopens it).
void projectV3ToV4(Database &db)
{
    db.execSchema(R"sql(
CREATE TABLE label_reviews (
    image_id INTEGER PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
    history_id INTEGER NOT NULL REFERENCES label_history (id) ON DELETE CASCADE,
    reviewer TEXT NOT NULL,
    settled_at INTEGER NOT NULL
);
)sql");
}

void predictionsV0ToV1(Database &db)
{
    db.execSchema(R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE prediction_runs (
    model_version INTEGER PRIMARY KEY,
    class_count INTEGER NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE predictions (
    model_version INTEGER NOT NULL REFERENCES prediction_runs (model_version) ON DELETE CASCADE,
    image_id INTEGER NOT NULL,          -- images.id in project.sqlite (another file: no foreign key)
    predicted_class INTEGER NOT NULL,   -- class position
    confidence REAL NOT NULL,
    uncertainty REAL NOT NULL,
    probabilities BLOB NOT NULL,        -- float32 little-endian, one per class in class order
    PRIMARY KEY (model_version, image_id)
) WITHOUT ROWID;
)sql");
}

// A team project's own tables (server only). Image bytes by content hash, so that every client can
// fetch an image given only the server, and the same picture imported twice is stored once.
// Leases: an image handed to one annotator's client until `expires_at`; a client that dies leaves
// its leases to expire, and the images go back to the queue.
void teamV0ToV1(Database &db)
{
    db.execSchema(R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE image_blobs (
    content_hash BLOB PRIMARY KEY,      -- images.content_hash: SHA-1 of the bytes
    bytes BLOB NOT NULL
);
CREATE TABLE leases (
    image_id INTEGER PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
    holder TEXT NOT NULL,               -- one client: annotator@host:pid
    annotator TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX leases_holder ON leases (holder);
)sql");
}

// The model files of a team project (checkpoints, and the earlier checkpoints whose backbone they
// share), by file name: what lets another trainer take over, and any client load a version.
void teamV1ToV2(Database &db)
{
    db.execSchema(R"sql(
CREATE TABLE model_files (
    name TEXT PRIMARY KEY,              -- the file name under the project's models/
    bytes BLOB NOT NULL,
    stored_at INTEGER NOT NULL
);
)sql");
}

// Overlap (an image labelled by k annotators): a lease belongs to an image and an annotator, so
// that up to k annotators hold one image at once and none holds it twice. Server only: PostgreSQL
// names the primary key it made for the column constraint of v1 "leases_pkey".
void teamV2ToV3(Database &db)
{
    db.exec("ALTER TABLE leases DROP CONSTRAINT leases_pkey");
    db.exec("ALTER TABLE leases ADD PRIMARY KEY (image_id, annotator)");
}

} // namespace

SchemaMigrator::SchemaMigrator(std::string what, std::vector<Step> steps, std::string versionKey)
    : m_what(std::move(what)), m_steps(std::move(steps)), m_versionKey(std::move(versionKey))
{
}

SchemaMigrator SchemaMigrator::forProject()
{
    return SchemaMigrator("project", {&projectV0ToV1, &projectV1ToV2, &projectV2ToV3, &projectV3ToV4});
}

SchemaMigrator SchemaMigrator::forPredictions()
{
    return SchemaMigrator("predictions", {&predictionsV0ToV1});
}

SchemaMigrator SchemaMigrator::forServerPredictions()
{
    return SchemaMigrator("predictions", {&predictionsV0ToV1}, "predictions_schema_version");
}

SchemaMigrator SchemaMigrator::forTeam()
{
    return SchemaMigrator("team", {&teamV0ToV1, &teamV1ToV2, &teamV2ToV3}, "team_schema_version");
}

SchemaMigrator SchemaMigrator::upTo(int version) const
{
    const auto count = static_cast<std::size_t>(std::clamp(version, 0, targetVersion()));
    return SchemaMigrator(m_what, std::vector<Step>(m_steps.begin(), m_steps.begin() + static_cast<long>(count)),
                          m_versionKey);
}

int SchemaMigrator::version(Database &db)
{
    return forProject().versionIn(db);
}

int SchemaMigrator::versionIn(Database &db) const
{
    if (!db.tableExists("meta"))
        return 0;
    auto q = db.query("SELECT value FROM meta WHERE key = ?");
    q.bind(1, std::string_view(m_versionKey));
    if (!q.step())
        return 0;
    bool ok = false;
    const int v = q.text(0).toInt(&ok);
    if (!ok || v < 0)
        throw SchemaError("unreadable schema version '" + q.utf8(0) + "' in " + db.name());
    return v;
}

void SchemaMigrator::check(Database &db) const
{
    const int v = versionIn(db);
    if (v > targetVersion())
        throw SchemaError("the " + m_what + " database " + db.name() + " has schema version " +
                          std::to_string(v) + ", written by a newer ActiveLabel (this one reads up to " +
                          std::to_string(targetVersion()) + "); please upgrade ActiveLabel");
    if (v < targetVersion())
        throw SchemaError("the " + m_what + " database " + db.name() + " has schema version " +
                          std::to_string(v) + " and needs an upgrade: open it once for writing");
}

int SchemaMigrator::migrate(Database &db) const
{
    const int start = versionIn(db);
    if (start > targetVersion())
        check(db); // throws the "newer version" refusal
    for (;;) {
        Transaction tx(db);
        db.lockSchema();
        // Read the version inside the write lock: another connection may have migrated meanwhile.
        const int v = versionIn(db);
        if (v >= targetVersion())
            break; // the transaction rolls back: nothing was written
        m_steps[static_cast<std::size_t>(v)](db);
        db.execSchema("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        db.query("INSERT INTO meta (key, value) VALUES (?, ?) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(1, std::string_view(m_versionKey))
            .bind(2, QString::number(v + 1))
            .exec();
        tx.commit();
    }
    return start;
}

} // namespace activelabel
