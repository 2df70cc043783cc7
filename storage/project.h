#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace activelabel {

class Database;
class ImageCache;
class ProjectLock;

// A user-facing problem with a project directory (missing, not a project, already exists).
class ProjectError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// One project = one directory: project.sqlite (what must never be lost), predictions.sqlite
// (derived, regenerable), images/, models/, exports/, and project.lock.
//
// Opening ReadWrite takes the project lock (one writing process at a time) and migrates the
// schema; ReadOnly takes no lock and works while another process writes. The Project's own
// connection belongs to the thread that opened it; other threads call openConnection().
//
// A team project lives in a PostgreSQL database instead, named by a libpq URI: the project's
// tables, its predictions' and the team's (image bytes, leases) in one database that any number
// of processes open ReadWrite at once. Its directory is then a local cache of that server's files
// (under $XDG_CACHE_HOME/activelabel/servers/), never the record. The URI may hold a password: it
// stays in memory and is never written or printed (name() leaves it out).
class Project
{
public:
    enum class Mode { ReadWrite, ReadOnly };

    // Creates a new project in `dir` (absent or empty) and returns it open ReadWrite.
    static std::unique_ptr<Project> create(const std::filesystem::path &dir);
    // Opens an existing project. Throws ProjectError, ProjectLockedError, SchemaError, SqliteError.
    static std::unique_ptr<Project> open(const std::filesystem::path &dir, Mode mode);
    static bool looksLikeProject(const std::filesystem::path &dir);

    // A PROJECT argument that names a server database: postgresql:// or postgres://.
    static bool isServerUri(const std::string &argument);
    // Creates a team project in an existing, empty database (refuses one with tables in it).
    static std::unique_ptr<Project> createOnServer(const std::string &uri);
    // Opens a team project. Throws ProjectError (no project there), SchemaError, PostgresError
    // (wrong password, unreachable server: one line each).
    static std::unique_ptr<Project> openOnServer(const std::string &uri, Mode mode);

    ~Project();
    Project(const Project &) = delete;
    Project &operator=(const Project &) = delete;

    Mode mode() const { return m_mode; }
    bool isReadOnly() const { return m_mode == Mode::ReadOnly; }
    bool isOnServer() const { return !m_serverUri.empty(); }
    // For messages: the directory, or the server database without its password.
    std::string name() const;
    // The project directory, or for a team project its local cache.
    const std::filesystem::path &directory() const { return m_dir; }
    std::filesystem::path databaseFile() const { return m_dir / "project.sqlite"; }
    std::filesystem::path predictionsFile() const { return m_dir / "predictions.sqlite"; }
    std::filesystem::path imagesDir() const { return m_dir / "images"; }
    std::filesystem::path modelsDir() const { return m_dir / "models"; }
    std::filesystem::path exportsDir() const { return m_dir / "exports"; }

    // The connection of the thread that opened the project.
    Database &database() { return *m_db; }
    // A new connection to project.sqlite (or the server) with the same mode, for another thread.
    std::unique_ptr<Database> openConnection() const;
    // What openConnection() does, as a function that outlives this object: for work on another
    // thread that must not hold on to the Project.
    std::function<std::unique_ptr<Database>()> connector() const;
    // A new connection to predictions.sqlite (created and migrated on first ReadWrite use), or to
    // the server, whose database holds the predictions' tables too.
    std::unique_ptr<Database> openPredictions() const;

    // A team project's image cache (fetches missing images from the server, keeps the cache under
    // its size limit); null for a folder project. Shared: readers on other threads keep it.
    const std::shared_ptr<ImageCache> &imageCache() const { return m_imageCache; }

    // Resolves a stored image path: relative paths are inside the project directory.
    std::filesystem::path resolve(const std::filesystem::path &stored) const;

private:
    Project(std::filesystem::path dir, Mode mode);

    void openServerDatabase(const std::string &uri);

    std::filesystem::path m_dir;
    Mode m_mode;
    std::string m_serverUri; // empty for a folder project
    std::unique_ptr<ProjectLock> m_lock; // declared before m_db: released after the connection closes
    std::unique_ptr<Database> m_db;
    std::shared_ptr<ImageCache> m_imageCache; // team projects only
};

} // namespace activelabel
