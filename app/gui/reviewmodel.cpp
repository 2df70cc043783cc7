#include "app/gui/reviewmodel.h"

#include "app/gui/imagelistmodel.h"
#include "app/gui/thumbnailloader.h"
#include "storage/classrepository.h"
#include "storage/imagerepository.h"
#include "storage/labelrepository.h"
#include "storage/predictionstore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "ui/panels/reviewroles.h"

#include <algorithm>
#include <unordered_map>

namespace activelabel {

namespace {
constexpr int kThumbnail = 96;
}

ReviewModel::ReviewModel(Kind kind, QObject *parent)
    : QAbstractListModel(parent), m_kind(kind), m_loader(new ThumbnailLoader(this))
{
    m_thumbnails.setMaxCost(2000);
    connect(m_loader, &ThumbnailLoader::ready, this, &ReviewModel::thumbnailReady);
    connect(m_loader, &ThumbnailLoader::dropped, this, [this](qint64 imageId) { m_pending.remove(imageId); });
}

ReviewModel::~ReviewModel() = default;

std::vector<ReviewRow> ReviewModel::readRows(const Project &project, Database &db, Kind kind, int classFilter)
{
    std::unordered_map<std::int64_t, int> position;
    for (const ClassInfo &info : ClassRepository(db).list())
        position.emplace(info.id, info.position);

    std::unordered_map<std::int64_t, std::pair<int, float>> predicted;
    {
        std::unique_ptr<Database> predictionsDb = project.openPredictions();
        PredictionStore store(*predictionsDb);
        if (const auto run = store.latestCompleteRun())
            for (const StoredPrediction &p : store.read(*run))
                predicted.emplace(p.imageId, std::make_pair(p.predictedClass, p.confidence));
    }

    ImageRepository images(db);
    std::vector<ReviewRow> rows;
    for (const Label &label : LabelRepository(db).all()) {
        const auto given = position.find(label.classId);
        if (given == position.end())
            continue; // a label on a retired class
        if (kind == Kind::Labelled && classFilter >= 0 && given->second != classFilter)
            continue;
        ReviewRow row;
        row.imageId = label.imageId;
        row.givenClass = given->second;
        const auto p = predicted.find(label.imageId);
        if (p != predicted.end()) {
            row.predictedClass = p->second.first;
            row.confidence = p->second.second;
        }
        if (kind == Kind::Suspicious &&
            (row.predictedClass < 0 || row.predictedClass == row.givenClass || row.confidence < kSuspiciousConfidence))
            continue;
        if (const auto record = images.get(label.imageId))
            row.file = project.resolve(record->path);
        rows.push_back(std::move(row));
    }
    if (kind == Kind::Suspicious)
        std::stable_sort(rows.begin(), rows.end(),
                         [](const ReviewRow &a, const ReviewRow &b) { return a.confidence > b.confidence; });
    return rows;
}

void ReviewModel::reload(const Project &project, Database &db, int classFilter)
{
    beginResetModel();
    if (!m_cacheSet) {
        m_loader->setCacheDirectory(thumbnailCacheDirectory(project));
        m_loader->setImageCache(project.imageCache());
        m_cacheSet = true;
    }
    m_rows = readRows(project, db, m_kind, classFilter);
    endResetModel();
}

int ReviewModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ReviewModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ReviewRow &row = m_rows[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return QStringLiteral("#%1").arg(row.imageId);
    case Qt::ToolTipRole:
        return QString::fromStdString(row.file.string());
    case Qt::DecorationRole: {
        if (const QImage *cached = m_thumbnails.object(row.imageId))
            return *cached;
        if (!m_pending.contains(row.imageId)) {
            m_pending.insert(row.imageId);
            const_cast<ThumbnailLoader *>(m_loader)->request(row.imageId, row.file, kThumbnail);
        }
        // Same size as the thumbnail to come, so the grid does not jump when it arrives.
        static const QImage placeholder = [] {
            QImage image(kThumbnail, kThumbnail, QImage::Format_RGB32);
            image.fill(QColor(0xe6, 0xe9, 0xed));
            return image;
        }();
        return placeholder;
    }
    case ReviewRoles::ImageIdRole:
        return QVariant::fromValue<qint64>(row.imageId);
    case ReviewRoles::GivenClassRole:
        return row.givenClass;
    case ReviewRoles::PredictedClassRole:
        return row.predictedClass;
    case ReviewRoles::ConfidenceRole:
        return row.confidence;
    default:
        return {};
    }
}

void ReviewModel::thumbnailReady(qint64 imageId, const QImage &thumbnail)
{
    m_pending.remove(imageId);
    m_thumbnails.insert(imageId, new QImage(thumbnail));
    for (std::size_t r = 0; r < m_rows.size(); ++r) {
        if (m_rows[r].imageId == imageId) {
            const QModelIndex changed = index(int(r));
            Q_EMIT dataChanged(changed, changed, {Qt::DecorationRole});
        }
    }
}

} // namespace activelabel
