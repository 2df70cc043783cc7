// One writing process at a time: a second writer is refused with the holder's pid, readers are
// not blocked, and the lock dies with its process (kill -9 leaves nothing stale).
#include "storage/classrepository.h"
#include "storage/project.h"
#include "storage/projectlock.h"
#include "storage/sqlitedatabase.h"
#include "support/storage/projectholder.h"
#include "support/tempproject.h"

#include <QTest>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

using namespace activelabel;

class TestProjectLock : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void secondWriterInProcessIsRefused()
    {
        testsupport::TempDir tmp;
        auto writer = Project::create(tmp.file("p"));
        try {
            Project::open(tmp.file("p"), Project::Mode::ReadWrite);
            QFAIL("a second writer must be refused");
        } catch (const ProjectLockedError &e) {
            QCOMPARE(e.holderPid(), static_cast<long>(::getpid()));
            QVERIFY2(QString::fromUtf8(e.what()).contains(QString::number(::getpid())), e.what());
        }
        // A reader works meanwhile and sees committed data.
        ClassRepository(writer->database()).add(QStringLiteral("a"));
        auto reader = Project::open(tmp.file("p"), Project::Mode::ReadOnly);
        QCOMPARE(ClassRepository(reader->database()).list().size(), std::size_t(1));
        QVERIFY(reader->isReadOnly());
        QVERIFY_THROWS_EXCEPTION(SqliteError, ClassRepository(reader->database()).add(QStringLiteral("b")));
        // Closing the writer releases the lock at once.
        writer.reset();
        auto again = Project::open(tmp.file("p"), Project::Mode::ReadWrite);
        QVERIFY(again);
    }

    void otherProcessHoldsAndIsKilled()
    {
        testsupport::TempDir tmp;
        { Project::create(tmp.file("p")); }
        const pid_t child = testsupport::holdProject(tmp.file("p"), QStringLiteral("from-child"));
        QVERIFY2(child > 0, "child could not open the project");
        try {
            Project::open(tmp.file("p"), Project::Mode::ReadWrite);
            ::kill(child, SIGKILL);
            ::waitpid(child, nullptr, 0);
            QFAIL("the project must be refused while the child holds it");
        } catch (const ProjectLockedError &e) {
            QCOMPARE(e.holderPid(), static_cast<long>(child));
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("pid %1").arg(child)), e.what());
        }
        {
            // Read-only works while the other process writes.
            auto reader = Project::open(tmp.file("p"), Project::Mode::ReadOnly);
            QVERIFY(ClassRepository(reader->database()).find(QStringLiteral("from-child")).has_value());
        }
        QCOMPARE(::kill(child, SIGKILL), 0);
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFSIGNALED(status));
        // No stale lock: opens at once, and the killed writer's committed data is there.
        auto project = Project::open(tmp.file("p"), Project::Mode::ReadWrite);
        QVERIFY(ClassRepository(project->database()).find(QStringLiteral("from-child")).has_value());
    }
};

QTEST_GUILESS_MAIN(TestProjectLock)
#include "test_projectlock.moc"
