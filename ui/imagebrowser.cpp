#include "ui/imagebrowser.h"

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
}

void ImageBrowser::setThumbnailSize(int pixels)
{
    m_thumbnailSize = pixels;
    setIconSize(QSize(pixels, pixels));
    setGridSize(QSize(pixels + 16, pixels + 28));
}

} // namespace activelabel
