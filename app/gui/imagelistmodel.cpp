#include "app/gui/imagelistmodel.h"

#include "app/gui/thumbnailloader.h"
#include "storage/project.h"

#include <QPainter>

namespace activelabel {

namespace {
// About 40 MB of 96x96 RGB thumbnails: plenty for several screens of scrolling.
constexpr int kThumbnailCacheCost = 4000;
} // namespace

ImageListModel::ImageListModel(Project &project, QObject *parent)
    : QAbstractListModel(parent), m_project(project), m_loader(new ThumbnailLoader(this))
{
    m_filter.split = Split::Pool;
    m_thumbnails.setMaxCost(kThumbnailCacheCost);
    m_placeholder = QImage(kThumbnailSize, kThumbnailSize, QImage::Format_RGB32);
    m_placeholder.fill(QColor(0xe6, 0xe9, 0xed));
    connect(m_loader, &ThumbnailLoader::ready, this, &ImageListModel::thumbnailReady);
    // Scrolled past before its turn: asked again if the row comes back into view.
    connect(m_loader, &ThumbnailLoader::dropped, this, [this](qint64 imageId) { m_pending.remove(imageId); });
    m_loader->setCacheDirectory(thumbnailCacheDirectory(project));
    m_loader->setImageCache(project.imageCache());
}

ImageListModel::~ImageListModel() = default;

std::filesystem::path thumbnailCacheDirectory(const Project &project)
{
    return project.directory() / "cache" / "thumbnails";
}

int ImageListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

bool ImageListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_exhausted;
}

void ImageListModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || m_exhausted)
        return;
    const std::int64_t after = m_rows.empty() ? 0 : m_rows.back().id;
    std::vector<ImageRecord> page = ImageRepository(m_project.database()).list(m_filter, after, kPageSize);
    if (page.size() < static_cast<std::size_t>(kPageSize))
        m_exhausted = true;
    if (page.empty())
        return;
    const int first = static_cast<int>(m_rows.size());
    beginInsertRows({}, first, first + static_cast<int>(page.size()) - 1);
    m_rows.insert(m_rows.end(), std::make_move_iterator(page.begin()), std::make_move_iterator(page.end()));
    endInsertRows();
}

void ImageListModel::reload()
{
    beginResetModel();
    m_rows.clear();
    m_exhausted = false;
    endResetModel();
}

QVariant ImageListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ImageRecord &image = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return QStringLiteral("#%1").arg(image.id);
    case Qt::ToolTipRole:
        return QStringLiteral("#%1  %2×%3\n%4")
            .arg(image.id)
            .arg(image.width)
            .arg(image.height)
            .arg(QString::fromLocal8Bit(image.path.data(), static_cast<qsizetype>(image.path.size())));
    case Qt::DecorationRole: {
        if (const QImage *cached = m_thumbnails.object(image.id))
            return *cached;
        if (!m_pending.contains(image.id)) {
            m_pending.insert(image.id);
            m_loader->request(image.id, m_project.resolve(image.path), kThumbnailSize);
        }
        return m_placeholder;
    }
    case ImageIdRole:
        return QVariant::fromValue<qint64>(image.id);
    case PathRole:
        return QString::fromLocal8Bit(image.path.data(), static_cast<qsizetype>(image.path.size()));
    case SplitRole:
        return QString::fromLatin1(splitName(image.split));
    default:
        return {};
    }
}

void ImageListModel::thumbnailReady(qint64 imageId, const QImage &thumbnail)
{
    m_pending.remove(imageId);
    QImage shown = thumbnail;
    if (shown.isNull()) {
        // Unreadable since import: show it as such rather than retrying forever.
        shown = m_placeholder.copy();
        QPainter painter(&shown);
        painter.setPen(QColor(0xd5, 0x5e, 0x00));
        painter.drawText(shown.rect(), Qt::AlignCenter, tr("unreadable"));
    }
    m_thumbnails.insert(imageId, new QImage(shown), 1);
    // Rows are in id order: find the row by binary search rather than a scan.
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), imageId,
                                     [](const ImageRecord &r, qint64 id) { return r.id < id; });
    if (it != m_rows.end() && it->id == imageId) {
        const QModelIndex changed = index(static_cast<int>(it - m_rows.begin()));
        Q_EMIT dataChanged(changed, changed, {Qt::DecorationRole});
    }
}

} // namespace activelabel
