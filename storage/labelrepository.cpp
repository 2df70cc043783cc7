#include "storage/labelrepository.h"

#include "storage/sqlitedatabase.h"
#include "storage/timeutil.h"
#include "storage/transaction.h"

namespace activelabel {

namespace {

LabelChange readChange(const Query &q)
{
    LabelChange c;
    c.id = q.int64(0);
    c.imageId = q.int64(1);
    if (!q.isNull(2))
        c.oldClassId = q.int64(2);
    if (!q.isNull(3))
        c.newClassId = q.int64(3);
    c.source = q.text(4);
    c.annotator = q.text(5);
    c.changedAt = q.int64(6);
    return c;
}

Label readLabel(const Query &q)
{
    Label l;
    l.imageId = q.int64(0);
    l.classId = q.int64(1);
    l.source = parseLabelSource(q.utf8(2)).value_or(LabelSource::Human);
    l.annotator = q.text(3);
    l.labelledAt = q.int64(4);
    return l;
}

constexpr const char *kHistoryColumns =
    "SELECT id, image_id, old_class_id, new_class_id, source, annotator, changed_at FROM label_history";
constexpr const char *kLabelColumns = "SELECT image_id, class_id, source, annotator, labelled_at FROM labels";

} // namespace

const char *labelSourceName(LabelSource source)
{
    switch (source) {
    case LabelSource::Human: return "human";
    case LabelSource::Accepted: return "accepted";
    case LabelSource::Import: return "import";
    case LabelSource::Oracle: return "oracle";
    case LabelSource::BulkAccepted: return "bulk-accepted";
    }
    return "human";
}

std::optional<LabelSource> parseLabelSource(const std::string &name)
{
    for (auto s : {LabelSource::Human, LabelSource::Accepted, LabelSource::Import, LabelSource::Oracle,
                   LabelSource::BulkAccepted})
        if (name == labelSourceName(s))
            return s;
    return std::nullopt;
}

void LabelRepository::write(std::int64_t imageId, std::optional<std::int64_t> classId, const std::string &source,
                            const QString &annotator, std::int64_t time)
{
    std::optional<std::int64_t> old;
    {
        auto q = m_db.query("SELECT class_id FROM labels WHERE image_id = ?");
        q.bind(1, imageId);
        if (q.step())
            old = q.int64(0);
    }
    if (classId) {
        m_db.query("INSERT INTO labels (image_id, class_id, source, annotator, labelled_at) VALUES (?, ?, ?, ?, ?) "
                   "ON CONFLICT (image_id) DO UPDATE SET class_id = excluded.class_id, source = excluded.source, "
                   "annotator = excluded.annotator, labelled_at = excluded.labelled_at")
            .bind(1, imageId)
            .bind(2, *classId)
            .bind(3, std::string_view(source))
            .bind(4, annotator)
            .bind(5, time)
            .exec();
    } else {
        m_db.query("DELETE FROM labels WHERE image_id = ?").bind(1, imageId).exec();
    }
    auto h = m_db.query("INSERT INTO label_history (image_id, old_class_id, new_class_id, source, annotator, changed_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)");
    h.bind(1, imageId);
    old ? h.bind(2, *old) : h.bindNull(2);
    classId ? h.bind(3, *classId) : h.bindNull(3);
    h.bind(4, std::string_view(source)).bind(5, annotator).bind(6, time);
    h.exec();
}

Label LabelRepository::setLabel(std::int64_t imageId, std::int64_t classId, LabelSource source, const QString &annotator)
{
    const std::int64_t time = nowMs();
    Transaction tx(m_db);
    write(imageId, classId, labelSourceName(source), annotator, time);
    tx.commit();
    return Label{imageId, classId, source, annotator, time};
}

bool LabelRepository::clearLabel(std::int64_t imageId, const QString &annotator)
{
    Transaction tx(m_db);
    if (!get(imageId))
        return false;
    write(imageId, std::nullopt, "human", annotator, nowMs());
    tx.commit();
    return true;
}

std::optional<LabelChange> LabelRepository::undoLast(std::int64_t imageId, const QString &annotator)
{
    Transaction tx(m_db);
    std::optional<LabelChange> reverted = revertLast(imageId, annotator);
    if (reverted)
        tx.commit();
    return reverted;
}

void LabelRepository::setLabels(const std::vector<std::int64_t> &imageIds, std::int64_t classId, LabelSource source,
                                const QString &annotator)
{
    const std::int64_t time = nowMs();
    Transaction tx(m_db);
    for (const std::int64_t imageId : imageIds)
        write(imageId, classId, labelSourceName(source), annotator, time);
    tx.commit();
}

int LabelRepository::undoLastOfEach(const std::vector<std::int64_t> &imageIds, const QString &annotator)
{
    Transaction tx(m_db);
    int reverted = 0;
    for (const std::int64_t imageId : imageIds)
        reverted += revertLast(imageId, annotator) ? 1 : 0;
    tx.commit();
    return reverted;
}

std::optional<LabelChange> LabelRepository::revertLast(std::int64_t imageId, const QString &annotator)
{
    std::vector<LabelChange> changes;
    {
        auto q = m_db.query(std::string(kHistoryColumns) + " WHERE image_id = ? ORDER BY id DESC LIMIT 2");
        q.bind(1, imageId);
        while (q.step())
            changes.push_back(readChange(q));
    }
    if (changes.empty())
        return std::nullopt;
    const LabelChange &last = changes.front();
    const std::int64_t time = nowMs();
    if (last.oldClassId) {
        // The restored label takes the source of the change that had set it, when known.
        std::string source = "human";
        QString by = annotator;
        if (changes.size() > 1 && parseLabelSource(changes[1].source.toStdString())) {
            source = changes[1].source.toStdString();
            by = changes[1].annotator;
        }
        m_db.query("INSERT INTO labels (image_id, class_id, source, annotator, labelled_at) VALUES (?, ?, ?, ?, ?) "
                   "ON CONFLICT (image_id) DO UPDATE SET class_id = excluded.class_id, source = excluded.source, "
                   "annotator = excluded.annotator, labelled_at = excluded.labelled_at")
            .bind(1, imageId)
            .bind(2, *last.oldClassId)
            .bind(3, std::string_view(source))
            .bind(4, by)
            .bind(5, time)
            .exec();
    } else {
        m_db.query("DELETE FROM labels WHERE image_id = ?").bind(1, imageId).exec();
    }
    auto h = m_db.query("INSERT INTO label_history (image_id, old_class_id, new_class_id, source, annotator, changed_at) "
                        "VALUES (?, ?, ?, 'undo', ?, ?)");
    h.bind(1, imageId);
    last.newClassId ? h.bind(2, *last.newClassId) : h.bindNull(2);
    last.oldClassId ? h.bind(3, *last.oldClassId) : h.bindNull(3);
    h.bind(4, annotator).bind(5, time);
    h.exec();
    return last;
}

bool LabelRepository::writeInTransaction(std::int64_t imageId, std::int64_t classId, LabelSource source,
                                         const QString &annotator, bool overwrite)
{
    if (!overwrite && get(imageId))
        return false;
    write(imageId, classId, labelSourceName(source), annotator, nowMs());
    return true;
}

bool LabelRepository::removeInTransaction(std::int64_t imageId, const QString &annotator)
{
    if (!get(imageId))
        return false;
    write(imageId, std::nullopt, "human", annotator, nowMs());
    return true;
}

std::optional<Label> LabelRepository::get(std::int64_t imageId)
{
    auto q = m_db.query(std::string(kLabelColumns) + " WHERE image_id = ?");
    q.bind(1, imageId);
    if (q.step())
        return readLabel(q);
    return std::nullopt;
}

std::vector<Label> LabelRepository::all()
{
    auto q = m_db.query(std::string(kLabelColumns) + " ORDER BY image_id");
    std::vector<Label> out;
    while (q.step())
        out.push_back(readLabel(q));
    return out;
}

std::int64_t LabelRepository::count()
{
    auto q = m_db.query("SELECT count(*) FROM labels");
    return q.step() ? q.int64(0) : 0;
}

std::vector<LabelChange> LabelRepository::history(std::int64_t imageId)
{
    auto q = m_db.query(std::string(kHistoryColumns) + " WHERE image_id = ? ORDER BY id");
    q.bind(1, imageId);
    std::vector<LabelChange> out;
    while (q.step())
        out.push_back(readChange(q));
    return out;
}

std::vector<LabelChange> LabelRepository::recentChanges(int limit)
{
    auto q = m_db.query(std::string(kHistoryColumns) + " ORDER BY id DESC LIMIT ?");
    q.bind(1, limit);
    std::vector<LabelChange> out;
    while (q.step())
        out.push_back(readChange(q));
    return out;
}

} // namespace activelabel
