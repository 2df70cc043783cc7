#pragma once

#include <QString>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace activelabel {

class Database;

// How a label came to be: a key press, a prediction accepted by key, an import, the simulated
// oracle, or a prediction accepted with a whole page of others (bulk review, look-alikes; schema
// v3). History entries may also say `undo`.
enum class LabelSource { Human, Accepted, Import, Oracle, BulkAccepted };
const char *labelSourceName(LabelSource source);
std::optional<LabelSource> parseLabelSource(const std::string &name);

// The current label of an image.
struct Label
{
    std::int64_t imageId = 0;
    std::int64_t classId = 0;
    LabelSource source = LabelSource::Human;
    QString annotator;
    std::int64_t labelledAt = 0; // ms since epoch, UTC
};

// One row of label_history: every change, in order. Undo reads it.
struct LabelChange
{
    std::int64_t id = 0;
    std::int64_t imageId = 0;
    std::optional<std::int64_t> oldClassId; // nullopt: the image was unlabelled
    std::optional<std::int64_t> newClassId; // nullopt: the label was removed
    QString source;                         // a LabelSource name or "undo"
    QString annotator;
    std::int64_t changedAt = 0;
};

// Labels and their history. Every write changes the label row and appends a history row in the
// same transaction; setLabel() runs its own transaction and returns only after COMMIT returned,
// so a label reported saved survives a crash or power loss (WAL + synchronous=FULL).
class LabelRepository
{
public:
    explicit LabelRepository(Database &db) : m_db(db) {}

    // One durable transaction. Throws SqliteError (e.g. unknown image/class: foreign keys).
    Label setLabel(std::int64_t imageId, std::int64_t classId, LabelSource source, const QString &annotator);
    // Removes the current label (history: new = NULL). Returns false when there was none.
    bool clearLabel(std::int64_t imageId, const QString &annotator);
    // Reverts the image's last change (restoring the previous class and its source, or no label)
    // and records it as an `undo` change. Returns the change it reverted, nullopt if none.
    std::optional<LabelChange> undoLast(std::int64_t imageId, const QString &annotator);

    // A page of images given one class (bulk review, look-alikes): one durable transaction for the
    // whole page, so it is saved or not as a whole. Throws on failure (nothing written).
    void setLabels(const std::vector<std::int64_t> &imageIds, std::int64_t classId, LabelSource source,
                   const QString &annotator);
    // undoLast for each image, in one transaction: how one undo takes back a whole page. Returns
    // how many images had a change to revert.
    int undoLastOfEach(const std::vector<std::int64_t> &imageIds, const QString &annotator);

    // For bulk writers (import, oracle) inside the caller's Transaction. With overwrite=false an
    // existing label is kept (imports never overwrite a person's work). Returns true if written.
    bool writeInTransaction(std::int64_t imageId, std::int64_t classId, LabelSource source,
                            const QString &annotator, bool overwrite);

    // Removes a label inside the caller's Transaction (history: new = NULL). False if none.
    bool removeInTransaction(std::int64_t imageId, const QString &annotator);
    std::optional<Label> get(std::int64_t imageId);
    // All current labels in image id order.
    std::vector<Label> all();
    std::int64_t count();
    std::vector<LabelChange> history(std::int64_t imageId);
    // The most recent changes across all images, newest first.
    std::vector<LabelChange> recentChanges(int limit);

private:
    std::optional<LabelChange> revertLast(std::int64_t imageId, const QString &annotator);
    void write(std::int64_t imageId, std::optional<std::int64_t> classId, const std::string &source,
               const QString &annotator, std::int64_t time);

    Database &m_db;
};

} // namespace activelabel
