#pragma once

#include "app/mailbox.h"
#include "app/queuebuilder.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace activelabel {

class Database;
class LeaseRepository;
class Project;

// The answer to submitClaim: which of the asked images this window may show.
struct LeaseClaim
{
    std::vector<qint64> asked;
    std::vector<qint64> granted;
    QString error; // the server did not answer: every image is granted, labels say the rest
};

// One change to a label, as the UI asks for it; or to a page of labels (bulk review,
// look-alikes), written in one transaction.
struct LabelOperation
{
    enum class Kind { Set, Undo, SetPage, UndoPage };
    Kind kind = Kind::Set;
    qint64 ticket = 0; // echoed back so the UI can match results to requests
    qint64 imageId = 0;
    qint64 classId = 0;
    QString source = QStringLiteral("human"); // human | accepted | bulk-accepted
    QString annotator;
    std::vector<qint64> imageIds; // SetPage, UndoPage: the page
};

// The single writer of labels for the GUI, on its own thread with its own connection: the UI
// thread never waits for a COMMIT. Each operation is one durable transaction (label row + history
// row); `saved` is emitted only after COMMIT returned, `failed` with the reason otherwise.
class LabelWriter : public QObject
{
    Q_OBJECT
public:
    explicit LabelWriter(const Project &project);
    ~LabelWriter() override;

    // Thread-safe, from the UI thread: each queues one job for the writer thread (through a
    // Mailbox, app/mailbox.h), and jobs run in the order queued.
    void submit(const LabelOperation &operation);
    // Records why an image was shown (strategy, score, model version, audit draw).
    // modelVersion and predictedClassId < 0: no model yet.
    void submitQuery(qint64 imageId, const QString &strategy, double score, qint64 modelVersion, bool audit,
                     qint64 predictedClassId);
    // "unsure" (kept for review) or "bad" (excluded from the pool).
    void submitFlag(qint64 imageId, const QString &flag);
    // Asks for `unlabelledCounted`, e.g. when images were imported meanwhile.
    void submitCount();
    // A team project: claims leases on images the window is about to show (claimed announces the
    // answer, takeClaim() has it), and gives one back (an image skipped). A label ends its lease;
    // the writer gives back every lease it holds when it goes.
    void submitClaim(const std::vector<qint64> &imageIds);
    void submitRelease(qint64 imageId);
    std::optional<LeaseClaim> takeClaim() { return m_claims.take(); }
    // Last, from the UI thread, before the writer thread is stopped. The writer is deleted on its
    // own thread, and with it the slot objects of its connections, which the UI thread has been
    // calling; only Qt's event queue, which ThreadSanitizer cannot see, orders those calls before
    // the deletion. A last hand-over through the mailbox, whose lock ~LabelWriter takes, does.
    void lastHandOver();

Q_SIGNALS:
    void saved(qint64 ticket, qint64 imageId);
    void failed(qint64 ticket, qint64 imageId, const QString &reason);
    // A page (SetPage or UndoPage) committed as a whole, or not at all.
    void pageSaved(qint64 ticket, int images);
    void pageFailed(qint64 ticket, const QString &reason);
    void flagFailed(qint64 imageId, const QString &reason);
    // Unlabelled pool images (as `status` counts them), counted after the labels written so far
    // were committed: once a burst of label changes is written, and when asked.
    void unlabelledCounted(qint64 unlabelled);
    void claimed(); // takeClaim() has one more

private Q_SLOTS:
    // Runs the oldest job; the mailbox's wake-up, once per job.
    void runNextJob();

private:
    void post(std::function<void()> job);
    void apply(const LabelOperation &operation);
    void applyPage(const LabelOperation &operation);
    void recordQuery(qint64 imageId, const QString &strategy, double score, qint64 modelVersion, bool audit,
                     qint64 predictedClassId);
    void flag(qint64 imageId, const QString &flag);
    void countUnlabelled();
    Database &db();
    LeaseRepository &leases(); // team projects only

    // How long the window holds an image it shows: an annotator may look at one for a while, and a
    // window that died returns its images after this.
    static constexpr std::int64_t kLeaseMs = 30 * 60 * 1000;

    const Project &m_project;
    std::unique_ptr<Database> m_db;
    Mailbox<std::function<void()>> m_jobs; // submitted, not run yet
    Mailbox<LeaseClaim> m_claims;
    std::unique_ptr<LeaseRepository> m_leases; // writer thread only
    bool m_countOwed = false;              // writer thread only
};

} // namespace activelabel
