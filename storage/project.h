#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace activelabel {

class Database;
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
class Project
{
public:
    enum class Mode { ReadWrite, ReadOnly };

    // Creates a new project in `dir` (absent or empty) and returns it open ReadWrite.
    static std::unique_ptr<Project> create(const std::filesystem::path &dir);
    // Opens an existing project. Throws ProjectError, ProjectLockedError, SchemaError, SqliteError.
    static std::unique_ptr<Project> open(const std::filesystem::path &dir, Mode mode);
    static bool looksLikeProject(const std::filesystem::path &dir);

    ~Project();
    Project(const Project &) = delete;
    Project &operator=(const Project &) = delete;

    Mode mode() const { return m_mode; }
    bool isReadOnly() const { return m_mode == Mode::ReadOnly; }
    const std::filesystem::path &directory() const { return m_dir; }
    std::filesystem::path databaseFile() const { return m_dir / "project.sqlite"; }
    std::filesystem::path predictionsFile() const { return m_dir / "predictions.sqlite"; }
    std::filesystem::path imagesDir() const { return m_dir / "images"; }
    std::filesystem::path modelsDir() const { return m_dir / "models"; }
    std::filesystem::path exportsDir() const { return m_dir / "exports"; }

    // The connection of the thread that opened the project.
    Database &database() { return *m_db; }
    // A new connection to project.sqlite with the same mode and pragmas, for another thread.
    std::unique_ptr<Database> openConnection() const;
    // A new connection to predictions.sqlite (created and migrated on first ReadWrite use).
    std::unique_ptr<Database> openPredictions() const;

    // Resolves a stored image path: relative paths are inside the project directory.
    std::filesystem::path resolve(const std::filesystem::path &stored) const;

private:
    Project(std::filesystem::path dir, Mode mode);

    std::filesystem::path m_dir;
    Mode m_mode;
    std::unique_ptr<ProjectLock> m_lock; // declared before m_db: released after the connection closes
    std::unique_ptr<Database> m_db;
};

} // namespace activelabel
