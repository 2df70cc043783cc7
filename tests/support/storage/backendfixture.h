#pragma once
// The storage suites run each test function on both backends through Qt Test's global data:
//
//     void initTestCase_data() { testsupport::addBackendRows(); }
//     void someTest() { ACTIVELABEL_OPEN_BACKEND(fx); Database &db = fx.db(); ... }
//
// "sqlite" is a project folder as `init` makes it; "postgresql" a fresh schema (namespace) on the
// binary's test server (support/storage/pgserver.h) migrated to the project schema. A postgresql row
// skips, saying why, only when postgresql-15 is not installed; a server that fails to start fails.
#include "storage/database.h"

#include "support/tempproject.h"

#include <QString>
#include <QTest>

#include <memory>
#include <string>

namespace activelabel {
class Project;
}

namespace activelabel::testsupport {

void addBackendRows();

class BackendFixture
{
public:
    explicit BackendFixture(const QString &backend);
    ~BackendFixture();

    // Non-empty: the test must skip with this reason.
    const QString &skipReason() const { return m_skip; }
    // Non-empty: the test must fail with this message.
    const QString &error() const { return m_error; }
    bool isPostgres() const { return m_postgres; }

    // The project database (the writer's connection).
    Database &db() { return *m_db; }
    // Closes the writer's connection (db() is invalid afterwards).
    void close();
    // Another connection to the project database.
    std::unique_ptr<Database> connect(Database::Access access = Database::Access::ReadWrite) const;
    // A connection to the predictions database (created and migrated on first use).
    std::unique_ptr<Database> openPredictions();

private:
    bool m_postgres = false;
    QString m_skip;
    QString m_error;
    TempDir m_tmp;
    std::unique_ptr<Project> m_project;
    Database *m_db = nullptr;
    std::unique_ptr<Database> m_ownDb;
    std::string m_uri;
    std::string m_predictionsUri;
};

} // namespace activelabel::testsupport

#define ACTIVELABEL_OPEN_BACKEND(fixture)                                                                  \
    QFETCH_GLOBAL(QString, backend);                                                                      \
    activelabel::testsupport::BackendFixture fixture(backend);                                             \
    if (!fixture.skipReason().isEmpty())                                                                  \
        QSKIP(qPrintable(fixture.skipReason()));                                                          \
    QVERIFY2(fixture.error().isEmpty(), qPrintable(fixture.error()))
