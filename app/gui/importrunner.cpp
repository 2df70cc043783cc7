#include "app/gui/importrunner.h"

#include "storage/fashionmnistimporter.h"
#include "storage/imageimporter.h"
#include "storage/sqlitedatabase.h"

#include <exception>

namespace activelabel {

namespace {
constexpr int kMaxProblemsShown = 500;

std::vector<std::filesystem::path> toPaths(const QStringList &paths)
{
    std::vector<std::filesystem::path> out;
    for (const QString &p : paths)
        out.emplace_back(p.toStdString());
    return out;
}
} // namespace

ImportRunner::ImportRunner(std::filesystem::path projectDir, ImportRequest request, QObject *parent)
    : QObject(parent), m_projectDir(std::move(projectDir)), m_request(std::move(request))
{
    m_thread.setObjectName(QStringLiteral("import"));
    connect(&m_thread, &QThread::started, this, [this] { run(); }, Qt::DirectConnection);
}

ImportRunner::~ImportRunner()
{
    m_cancelled = true;
    m_thread.quit();
    m_thread.wait();
    // wait()'s synchronisation is inside Qt, which ThreadSanitizer cannot see; the import
    // thread's last touch of this object is inside the mailbox's lock (run), so taking it here
    // orders that (and every progress signal before it) before the members go.
    m_outcome.clear();
}

void ImportRunner::deliverFinished()
{
    if (const auto outcome = m_outcome.take())
        Q_EMIT finished(outcome->summary, outcome->problems, outcome->ok);
}

void ImportRunner::start()
{
    m_thread.start(QThread::LowPriority);
}

void ImportRunner::run()
{
    const auto onProgress = [this](const ImportProgress &p) {
        Q_EMIT progress(p.done, p.total, p.phase);
        return !m_cancelled.load();
    };
    QString summary;
    QStringList problems;
    bool ok = true;
    try {
        // This thread's own connection: the UI thread keeps reading through its own.
        Database db(m_projectDir / "project.sqlite", Database::Access::ReadWrite);
        ImportSummary result;
        switch (m_request.kind) {
        case ImportRequest::Kind::Folders:
        case ImportRequest::Kind::ImageFolder: {
            ImageImporter::Options options;
            if (m_request.kind == ImportRequest::Kind::ImageFolder)
                options.labelMode = m_request.asGroundTruth ? ImportLabelMode::GroundTruth : ImportLabelMode::Labels;
            result = ImageImporter(db, options)
                         .importPaths(toPaths(m_request.paths), m_request.kind == ImportRequest::Kind::ImageFolder,
                                      onProgress);
            break;
        }
        case ImportRequest::Kind::Csv: {
            ImageImporter::Options options;
            options.labelMode = m_request.asGroundTruth ? ImportLabelMode::GroundTruth : ImportLabelMode::Labels;
            result = ImageImporter(db, options).importCsv(m_request.paths.value(0).toStdString(), onProgress);
            break;
        }
        case ImportRequest::Kind::Rescan:
            result = ImageImporter(db, {}).rescan(onProgress);
            break;
        case ImportRequest::Kind::FashionMnist: {
            FashionMnistImporter::Options options;
            if (m_request.limit > 0)
                options.limit = static_cast<std::size_t>(m_request.limit);
            options.seed = 1;
            result = FashionMnistImporter(db, m_projectDir, options).run(onProgress);
            break;
        }
        }
        summary = result.text();
        for (const auto &[path, reason] : result.problems) {
            if (problems.size() >= kMaxProblemsShown)
                break;
            problems << QStringLiteral("%1: %2").arg(QString::fromLocal8Bit(path.data(), qsizetype(path.size())), reason);
        }
    } catch (const std::exception &e) {
        ok = false;
        summary = tr("Import failed: %1").arg(QString::fromUtf8(e.what()));
    }
    m_thread.quit(); // the thread's event loop ends as soon as it starts, after run() returns
    // Not emitted from here: the signal reads this object's meta-object on this thread while the
    // UI thread may already be deleting it. By name, like every wake-up (app/mailbox.h).
    m_outcome.post({summary, problems, ok}, [this] {
        QMetaObject::invokeMethod(this, "deliverFinished", Qt::QueuedConnection);
    });
}

} // namespace activelabel
