#include "storage/project.h"

#include "storage/imagecache.h"
#include "storage/postgresdatabase.h"
#include "storage/projectlock.h"
#include "storage/schema.h"
#include "storage/sqlitedatabase.h"

#include <QCryptographicHash>
#include <QDir>
#include <QStandardPaths>

#include <system_error>

namespace activelabel {

namespace fs = std::filesystem;

namespace {

Database::Access accessFor(Project::Mode mode)
{
    return mode == Project::Mode::ReadWrite ? Database::Access::ReadWrite : Database::Access::ReadOnly;
}

// A team project's local cache: one folder per server database (URI without password).
fs::path serverCacheDirectory(const std::string &databaseName)
{
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation);
    const QByteArray key =
        QCryptographicHash::hash(QByteArray::fromStdString(databaseName), QCryptographicHash::Sha1).toHex().left(16);
    return fs::path(QDir(base).filePath(QStringLiteral("activelabel/servers/") + QString::fromLatin1(key)).toStdString());
}

void migrateServer(Database &db)
{
    SchemaMigrator::forProject().migrate(db);
    SchemaMigrator::forServerPredictions().migrate(db);
    SchemaMigrator::forTeam().migrate(db);
}

} // namespace

Project::Project(fs::path dir, Mode mode) : m_dir(std::move(dir)), m_mode(mode) {}

Project::~Project()
{
    m_db.reset(); // close the connection while still holding the lock
    m_lock.reset();
}

bool Project::looksLikeProject(const fs::path &dir)
{
    std::error_code ec;
    return fs::is_regular_file(dir / "project.sqlite", ec);
}

std::unique_ptr<Project> Project::create(const fs::path &dir)
{
    std::error_code ec;
    if (fs::exists(dir, ec)) {
        if (!fs::is_directory(dir, ec))
            throw ProjectError("cannot create project: " + dir.string() + " exists and is not a directory");
        if (looksLikeProject(dir))
            throw ProjectError("a project already exists in " + dir.string());
        if (!fs::is_empty(dir, ec))
            throw ProjectError("cannot create project: directory " + dir.string() + " is not empty");
    }
    fs::create_directories(dir, ec);
    if (ec)
        throw ProjectError("cannot create project directory " + dir.string() + ": " + ec.message());
    for (const char *sub : {"images", "models", "exports"}) {
        fs::create_directories(dir / sub, ec);
        if (ec)
            throw ProjectError("cannot create " + (dir / sub).string() + ": " + ec.message());
    }
    // Open through the normal path: it takes the lock, creates project.sqlite and migrates 0 -> current.
    std::unique_ptr<Project> project(new Project(fs::absolute(dir), Mode::ReadWrite));
    project->m_lock = std::make_unique<ProjectLock>(project->m_dir);
    project->m_db = std::make_unique<Database>(project->databaseFile(), Database::Access::ReadWrite);
    SchemaMigrator::forProject().migrate(*project->m_db);
    SchemaMigrator::forPredictions().migrate(*project->openPredictions());
    return project;
}

std::unique_ptr<Project> Project::open(const fs::path &dir, Mode mode)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw ProjectError("no project at " + dir.string() + " (not a directory)");
    if (!looksLikeProject(dir))
        throw ProjectError("no project at " + dir.string() + " (no project.sqlite; create one with init)");
    std::unique_ptr<Project> project(new Project(fs::absolute(dir), mode));
    if (mode == Mode::ReadWrite)
        project->m_lock = std::make_unique<ProjectLock>(project->m_dir);
    project->m_db = std::make_unique<Database>(project->databaseFile(), accessFor(mode));
    if (mode == Mode::ReadWrite) {
        SchemaMigrator::forProject().migrate(*project->m_db);
        SchemaMigrator::forPredictions().migrate(*project->openPredictions());
        for (const char *sub : {"images", "models", "exports"})
            fs::create_directories(project->m_dir / sub, ec);
    } else {
        SchemaMigrator::forProject().check(*project->m_db);
    }
    return project;
}

bool Project::isServerUri(const std::string &argument)
{
    return isPostgresUri(argument);
}

void Project::openServerDatabase(const std::string &uri)
{
    const std::uint64_t cacheLimit = ImageCache::limitFromEnvironment(); // a bad value: refused before connecting
    m_serverUri = uri;
    m_db = Database::connectPostgres(uri, accessFor(m_mode));
    m_dir = serverCacheDirectory(m_db->name());
    std::error_code ec;
    for (const char *sub : {"images", "models", "exports"})
        fs::create_directories(m_dir / sub, ec);
    m_imageCache = std::make_shared<ImageCache>(m_dir, connector(), cacheLimit);
}

std::unique_ptr<Project> Project::createOnServer(const std::string &uri)
{
    std::unique_ptr<Project> project(new Project({}, Mode::ReadWrite));
    project->openServerDatabase(uri);
    Database &db = *project->m_db;
    if (SchemaMigrator::version(db) > 0)
        throw ProjectError("a project already exists in " + db.name());
    const std::int64_t tables =
        db.scalarInt("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()");
    if (tables > 0)
        throw ProjectError("cannot create a project in " + db.name() + ": the database is not empty (" +
                           std::to_string(tables) + " tables); give it an empty database (createdb)");
    migrateServer(db);
    return project;
}

std::unique_ptr<Project> Project::openOnServer(const std::string &uri, Mode mode)
{
    std::unique_ptr<Project> project(new Project({}, mode));
    project->openServerDatabase(uri);
    Database &db = *project->m_db;
    if (SchemaMigrator::version(db) == 0)
        throw ProjectError("no project in " + db.name() + " (create one with init --server)");
    if (mode == Mode::ReadWrite) {
        migrateServer(db);
    } else {
        SchemaMigrator::forProject().check(db);
        SchemaMigrator::forServerPredictions().check(db);
        SchemaMigrator::forTeam().check(db);
    }
    return project;
}

std::string Project::name() const
{
    return isOnServer() ? m_db->name() : m_dir.string();
}

std::unique_ptr<Database> Project::openConnection() const
{
    return connector()();
}

std::function<std::unique_ptr<Database>()> Project::connector() const
{
    const Database::Access access = accessFor(m_mode);
    if (isOnServer())
        return [uri = m_serverUri, access] { return Database::connectPostgres(uri, access); };
    return [file = databaseFile(), access] { return std::make_unique<Database>(file, access); };
}

std::unique_ptr<Database> Project::openPredictions() const
{
    if (isOnServer())
        return Database::connectPostgres(m_serverUri, accessFor(m_mode));
    return std::make_unique<Database>(predictionsFile(), accessFor(m_mode));
}

fs::path Project::resolve(const fs::path &stored) const
{
    return stored.is_relative() ? m_dir / stored : stored;
}

} // namespace activelabel
