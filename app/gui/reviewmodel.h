#pragma once

#include <QAbstractListModel>
#include <QCache>
#include <QImage>
#include <QSet>

#include <filesystem>
#include <vector>

namespace activelabel {

class Database;
class Project;
class ThumbnailLoader;

// One labelled image as the review panel lists it.
struct ReviewRow
{
    qint64 imageId = 0;
    std::filesystem::path file;
    int givenClass = -1;     // class position of its label
    int predictedClass = -1; // latest model's class position, -1 without a model
    double confidence = 0;   // the model's probability for predictedClass
};

// The review panel's two lists: every labelled image (optionally one class), and the suspicious
// labels — labelled images the latest model confidently disagrees with, most confident first, to
// catch label noise. Rows come from the labels and the latest complete prediction run; thumbnails
// are decoded off the UI thread.
class ReviewModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum class Kind { Labelled, Suspicious };
    static constexpr double kSuspiciousConfidence = 0.8;

    ReviewModel(Kind kind, QObject *parent = nullptr);
    ~ReviewModel() override;

    // Re-reads rows; `classFilter` (Labelled only) is a class position or -1 for all.
    void reload(const Project &project, Database &db, int classFilter = -1);
    static std::vector<ReviewRow> readRows(const Project &project, Database &db, Kind kind, int classFilter);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    void thumbnailReady(qint64 imageId, const QImage &thumbnail);

    Kind m_kind;
    std::vector<ReviewRow> m_rows;
    ThumbnailLoader *m_loader = nullptr;
    mutable QCache<qint64, QImage> m_thumbnails;
    mutable QSet<qint64> m_pending;
    bool m_cacheSet = false;
};

} // namespace activelabel
