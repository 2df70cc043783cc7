#pragma once

#include <QListView>

namespace activelabel {

// A grid of thumbnails over any item model that serves Qt::DecorationRole images. Uniform item
// sizes and batched layout keep it fast with hundreds of thousands of rows: the view only asks
// for what is visible, and the model fetches lazily.
class ImageBrowser : public QListView
{
    Q_OBJECT
public:
    explicit ImageBrowser(QWidget *parent = nullptr);

    void setThumbnailSize(int pixels);
    int thumbnailSize() const { return m_thumbnailSize; }

private:
    int m_thumbnailSize = 96;
};

} // namespace activelabel
