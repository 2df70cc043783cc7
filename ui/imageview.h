#pragma once

#include <QImage>
#include <QWidget>

namespace activelabel {

// Shows one image as large as the widget allows, aspect ratio kept. Images smaller than the view
// are enlarged without smoothing (pixelated), so a 28x28 Fashion-MNIST image shows its real
// pixels instead of a blur; larger ones are scaled down smoothly. The scaled copy is cached per
// size, so repaints cost a blit.
class ImageView : public QWidget
{
    Q_OBJECT
public:
    explicit ImageView(QWidget *parent = nullptr);

    void setImage(const QImage &image);
    void setMessage(const QString &message); // shown instead of an image (e.g. "Queue empty")
    const QImage &image() const { return m_image; }

    QSize sizeHint() const override { return {640, 480}; }

Q_SIGNALS:
    // Emitted after every completed paint; `showsImage` is false while a message is shown.
    // Lets benchmarks and tests see when a new image has really reached the screen.
    void painted(bool showsImage);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    QRect targetRect() const;

    QImage m_image;
    QString m_message;
    mutable QImage m_scaled;
};

} // namespace activelabel
