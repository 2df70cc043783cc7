#include "support/storage/backendfixture.h"

#include "storage/project.h"
#include "storage/schema.h"
#include "support/storage/pgserver.h"

namespace activelabel::testsupport {

void addBackendRows()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
}

BackendFixture::BackendFixture(const QString &backend) : m_postgres(backend == QLatin1String("postgresql"))
{
    try {
        if (!m_postgres) {
            m_project = Project::create(m_tmp.file("p"));
            m_db = &m_project->database();
            return;
        }
        PgServer &server = PgServer::instance();
        if (!server.available()) {
            (server.notInstalled() ? m_skip : m_error) = server.error();
            return;
        }
        m_uri = server.createSchema();
        m_ownDb = Database::connectPostgres(m_uri);
        SchemaMigrator::forProject().migrate(*m_ownDb);
        m_db = m_ownDb.get();
    } catch (const std::exception &e) {
        m_error = QString::fromStdString(e.what());
    }
}

BackendFixture::~BackendFixture() = default;

void BackendFixture::close()
{
    m_db = nullptr;
    m_ownDb.reset();
    m_project.reset();
}

std::unique_ptr<Database> BackendFixture::connect(Database::Access access) const
{
    if (m_postgres)
        return Database::connectPostgres(m_uri, access);
    return std::make_unique<Database>(std::filesystem::path(m_tmp.file("p/project.sqlite")), access);
}

std::unique_ptr<Database> BackendFixture::openPredictions()
{
    if (!m_postgres)
        return m_project ? m_project->openPredictions()
                         : std::make_unique<Database>(std::filesystem::path(m_tmp.file("p/predictions.sqlite")),
                                                      Database::Access::ReadWrite);
    if (m_predictionsUri.empty()) {
        m_predictionsUri = PgServer::instance().createSchema();
        SchemaMigrator::forPredictions().migrate(*Database::connectPostgres(m_predictionsUri));
    }
    return Database::connectPostgres(m_predictionsUri);
}

} // namespace activelabel::testsupport
