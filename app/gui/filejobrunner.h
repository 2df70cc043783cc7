#pragma once

#include "app/mailbox.h"
#include "storage/importtypes.h"

#include <QObject>
#include <QStringList>
#include <QThread>

#include <atomic>
#include <functional>

namespace activelabel {

// Runs one long file job (an import, an image-folder export) on its own thread, reporting
// progress with the time left to the UI thread and stopping between batches when cancelled.
// Whatever the job finished before a cancel stays.
class FileJobRunner : public QObject
{
    Q_OBJECT
public:
    struct Outcome
    {
        QString summary;      // one line for the status bar
        QStringList problems; // "path: reason" for files the job skipped (first few hundred)
        bool ok = true;       // false: `summary` is the error
    };
    // Runs on the runner's thread with the connections it opens itself (connections belong to
    // one thread). The callback returns false once the job is cancelled.
    using Job = std::function<Outcome(const ImportProgressCallback &)>;

    explicit FileJobRunner(Job job, QObject *parent = nullptr);
    ~FileJobRunner() override;

    void start();
    void cancel() { m_cancelled = true; }
    bool isRunning() const { return m_thread.isRunning(); }

Q_SIGNALS:
    // `text`: "Importing: 4,096 of 23,000 files (17%), 52 s left".
    void progress(qint64 done, qint64 total, const QString &text);
    void finished(const QString &summary, const QStringList &problems, bool ok);

private Q_SLOTS:
    // Emit `progress` and `finished` on the runner's (UI) thread with what run() posted; run()'s
    // wake-ups.
    void deliverProgress();
    void deliverFinished();

private:
    void run(); // on m_thread

    Job m_job;
    QThread m_thread;
    std::atomic<bool> m_cancelled{false};
    struct Progress
    {
        qint64 done = 0;
        qint64 total = 0;
        QString text;
    };
    Mailbox<Progress> m_progress; // the latest progress only: the UI shows no more
    Mailbox<Outcome> m_outcome;   // run()'s result, for deliverFinished
};

} // namespace activelabel
