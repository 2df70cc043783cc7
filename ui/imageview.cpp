#include "ui/imageview.h"

#include <QPainter>

namespace activelabel {

ImageView::ImageView(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("imageView"));
    setMinimumSize(200, 200);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void ImageView::setImage(const QImage &image)
{
    m_image = image;
    m_message.clear();
    m_scaled = QImage();
    update();
}

void ImageView::setMessage(const QString &message)
{
    m_image = QImage();
    m_scaled = QImage();
    m_message = message;
    update();
}

QRect ImageView::targetRect() const
{
    if (m_image.isNull())
        return {};
    const QSize fitted = m_image.size().scaled(size() - QSize(16, 16), Qt::KeepAspectRatio);
    return QRect(QPoint((width() - fitted.width()) / 2, (height() - fitted.height()) / 2), fitted);
}

void ImageView::resizeEvent(QResizeEvent *event)
{
    m_scaled = QImage();
    QWidget::resizeEvent(event);
}

void ImageView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Dark).darker(160));
    if (m_image.isNull()) {
        painter.setPen(palette().color(QPalette::BrightText));
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, m_message);
        painter.end();
        Q_EMIT painted(false);
        return;
    }
    const QRect target = targetRect();
    if (m_scaled.size() != target.size()) {
        const bool enlarging = target.width() > m_image.width();
        m_scaled = m_image.scaled(target.size(), Qt::IgnoreAspectRatio,
                                  enlarging ? Qt::FastTransformation : Qt::SmoothTransformation);
    }
    painter.drawImage(target.topLeft(), m_scaled);
    painter.end();
    Q_EMIT painted(true);
}

} // namespace activelabel
