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
    // The role that holds an item's image id (qint64); Qt::UserRole + 1 unless set.
    void setImageIdRole(int role) { m_imageIdRole = role; }

Q_SIGNALS:
    // Look-alikes of the current image: L, or "Find similar images" in the context menu.
    void findSimilarRequested(qint64 imageId);

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void findSimilar(const QModelIndex &index);

    int m_thumbnailSize = 96;
    int m_imageIdRole = Qt::UserRole + 1;
};

} // namespace activelabel
