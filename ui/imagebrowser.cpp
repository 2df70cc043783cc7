#include "ui/imagebrowser.h"

#include <QAction>
#include <QKeyEvent>

namespace activelabel {

ImageBrowser::ImageBrowser(QWidget *parent) : QListView(parent)
{
    setObjectName(QStringLiteral("imageBrowser"));
    setViewMode(QListView::IconMode);
    setResizeMode(QListView::Adjust);
    setMovement(QListView::Static);
    setUniformItemSizes(true);
    setLayoutMode(QListView::Batched);
    setBatchSize(500);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setWordWrap(false);
    setTextElideMode(Qt::ElideMiddle);
    setSpacing(4);
    setThumbnailSize(m_thumbnailSize);
    // Owners with a menu of their own (the review page) replace this with a custom menu.
    setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *similar = new QAction(tr("Find similar images\tL"), this);
    similar->setObjectName(QStringLiteral("findSimilarAction"));
    connect(similar, &QAction::triggered, this, [this] { findSimilar(currentIndex()); });
    addAction(similar);
}

void ImageBrowser::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_L && event->modifiers() == Qt::NoModifier) {
        findSimilar(currentIndex());
        return;
    }
    QListView::keyPressEvent(event);
}

void ImageBrowser::findSimilar(const QModelIndex &index)
{
    const QVariant id = index.data(m_imageIdRole);
    if (index.isValid() && id.isValid())
        Q_EMIT findSimilarRequested(id.toLongLong());
}

void ImageBrowser::setThumbnailSize(int pixels)
{
    m_thumbnailSize = pixels;
    setIconSize(QSize(pixels, pixels));
    setGridSize(QSize(pixels + 16, pixels + 28));
}

} // namespace activelabel
