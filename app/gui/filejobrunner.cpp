#include "app/gui/filejobrunner.h"

#include "app/progressreport.h"

#include <QLocale>

#include <exception>

namespace activelabel {

namespace {

// "importing" -> "Importing": the storage layer names its phases in lower case for the CLI's lines.
QString capitalised(const QString &phase)
{
    return phase.isEmpty() ? phase : phase.at(0).toUpper() + phase.mid(1);
}

} // namespace

FileJobRunner::FileJobRunner(Job job, QObject *parent) : QObject(parent), m_job(std::move(job))
{
    m_thread.setObjectName(QStringLiteral("filejob"));
    connect(&m_thread, &QThread::started, this, [this] { run(); }, Qt::DirectConnection);
}

FileJobRunner::~FileJobRunner()
{
    m_cancelled = true;
    m_thread.quit();
    m_thread.wait();
    // wait()'s synchronisation is inside Qt, which ThreadSanitizer cannot see; the job thread's
    // last touch of this object is inside the mailbox's lock (run), so taking it here orders that
    // (and every progress signal before it) before the members go.
    m_progress.clear();
    m_outcome.clear();
}

void FileJobRunner::deliverProgress()
{
    if (const auto p = m_progress.take())
        Q_EMIT progress(p->done, p->total, p->text);
}

void FileJobRunner::deliverFinished()
{
    deliverProgress(); // a reading posted just before the end still shows, before `finished`
    if (const auto outcome = m_outcome.take())
        Q_EMIT finished(outcome->summary, outcome->problems, outcome->ok);
}

void FileJobRunner::start()
{
    m_thread.start(QThread::LowPriority);
}

void FileJobRunner::run()
{
    ProgressReport report;
    QString phase;
    const auto onProgress = [&](const ImportProgress &p) {
        if (p.phase != phase) {
            phase = p.phase;
            report.restart(capitalised(phase), tr("files"));
        }
        report.update(double(p.done), double(p.total));
        const QString text = p.total > 0 ? report.text()
                                         : tr("%1: %2 files found").arg(capitalised(phase), QLocale().toString(p.done));
        // Through the mailbox, not as a queued signal's arguments: the text's bytes then cross
        // threads under a lock ThreadSanitizer sees (app/mailbox.h). A reading the UI has not
        // taken yet is replaced, not queued behind.
        m_progress.postOrReplaceNewest(
            Progress{p.done, p.total, text}, [](const Progress &) { return true; },
            [this] { QMetaObject::invokeMethod(this, "deliverProgress", Qt::QueuedConnection); });
        return !m_cancelled.load();
    };
    Outcome outcome;
    try {
        outcome = m_job(onProgress);
    } catch (const std::exception &e) {
        outcome = {QString::fromUtf8(e.what()), {}, false};
    }
    m_thread.quit(); // the thread's event loop ends as soon as it starts, after run() returns
    // Not emitted from here: the signal reads this object's meta-object on this thread while the
    // UI thread may already be deleting it. By name, like every wake-up (app/mailbox.h).
    m_outcome.post(std::move(outcome), [this] {
        QMetaObject::invokeMethod(this, "deliverFinished", Qt::QueuedConnection);
    });
}

} // namespace activelabel
