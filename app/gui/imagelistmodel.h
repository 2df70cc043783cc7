#pragma once

#include "storage/imagerepository.h"

#include <QAbstractListModel>
#include <QCache>
#include <QImage>
#include <QSet>

#include <filesystem>
#include <vector>

namespace activelabel {

class Project;
class ThumbnailLoader;

// Where a project's thumbnails are cached on disk (see ThumbnailCache).
std::filesystem::path thumbnailCacheDirectory(const Project &project);

// The pool browser's item model. Rows are fetched lazily in keyset pages (canFetchMore/fetchMore),
// so a 500,000-image project opens instantly; thumbnails are decoded off the UI thread through
// storage's one decode path and kept in a bounded cache.
class ImageListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { ImageIdRole = Qt::UserRole + 1, PathRole, SplitRole };

    explicit ImageListModel(Project &project, QObject *parent = nullptr);
    ~ImageListModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // Forget the loaded rows and start again (after an import added images).
    void reload();

    static constexpr int kPageSize = 2000;
    static constexpr int kThumbnailSize = 96;

private:
    void thumbnailReady(qint64 imageId, const QImage &thumbnail);

    Project &m_project;
    ImageFilter m_filter;
    std::vector<ImageRecord> m_rows;
    bool m_exhausted = false;
    ThumbnailLoader *m_loader = nullptr;
    mutable QCache<qint64, QImage> m_thumbnails;
    mutable QSet<qint64> m_pending;
    QImage m_placeholder;
};

} // namespace activelabel
