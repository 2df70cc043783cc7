#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace activelabel {

class Database;

// Refusal to open a database written by a newer ActiveLabel (or an unknown file).
class SchemaError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// Brings a database to the current schema version with a loop v -> v+1, each step in its own
// transaction, so that a failed step leaves the file at the last good version. The version is
// kept in the meta table (key 'schema_version'); a database without a meta table is version 0.
// On a server the project's, its predictions' and the team tables' schemas share one database, so
// each keeps its version under its own key there.
class SchemaMigrator
{
public:
    // Step i upgrades version i to i+1.
    using Step = std::function<void(Database &)>;

    SchemaMigrator(std::string what, std::vector<Step> steps, std::string versionKey = "schema_version");

    // The steps for project.sqlite and predictions.sqlite as this build knows them.
    static SchemaMigrator forProject();
    static SchemaMigrator forPredictions();
    // A team project's database on a server: the predictions' tables next to the project's (their
    // version under 'predictions_schema_version'), and the tables only a team needs: image bytes,
    // leases ('team_schema_version').
    static SchemaMigrator forServerPredictions();
    static SchemaMigrator forTeam();

    int targetVersion() const { return static_cast<int>(m_steps.size()); }
    // The same migrator stopping at `version`: how tests build a database as an older release
    // wrote it, to prove the later steps upgrade it.
    SchemaMigrator upTo(int version) const;
    static int version(Database &db);
    // The version under this migrator's key.
    int versionIn(Database &db) const;

    // Upgrades db to targetVersion(); throws SchemaError for a newer version, SqliteError when a
    // step fails (that step rolled back). Returns the version the database was at before.
    int migrate(Database &db) const;
    // For read-only opens: refuse newer, refuse older (we cannot migrate without writing).
    void check(Database &db) const;

private:
    std::string m_what;
    std::vector<Step> m_steps;
    std::string m_versionKey;
};

} // namespace activelabel
