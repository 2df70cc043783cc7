#pragma once

#include "app/mailbox.h"
#include "ui/importrequest.h"

#include <QObject>
#include <QStringList>
#include <QThread>

#include <atomic>
#include <filesystem>

namespace activelabel {

// Runs one import on its own thread with its own database connection (connections belong to one
// thread), reporting progress to the UI thread and stopping between batches when cancelled.
// Whatever was committed before a cancel stays.
class ImportRunner : public QObject
{
    Q_OBJECT
public:
    ImportRunner(std::filesystem::path projectDir, ImportRequest request, QObject *parent = nullptr);
    ~ImportRunner() override;

    void start();
    void cancel() { m_cancelled = true; }
    bool isRunning() const { return m_thread.isRunning(); }

Q_SIGNALS:
    void progress(qint64 done, qint64 total, const QString &what);
    // summary: one line; problems: "path: reason" for files not imported (first few hundred).
    void finished(const QString &summary, const QStringList &problems, bool ok);

private Q_SLOTS:
    // Emits `finished` on the runner's (UI) thread with what run() posted; run()'s wake-up.
    void deliverFinished();

private:
    struct Outcome
    {
        QString summary;
        QStringList problems;
        bool ok = true;
    };
    void run(); // on m_thread

    std::filesystem::path m_projectDir;
    ImportRequest m_request;
    QThread m_thread;
    std::atomic<bool> m_cancelled{false};
    Mailbox<Outcome> m_outcome; // run()'s result, for deliverFinished
};

} // namespace activelabel
