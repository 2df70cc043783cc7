#include "ui/panels/reviewdelegates.h"

#include "ui/panels/palette.h"
#include "ui/panels/reviewroles.h"

#include <QApplication>
#include <QIcon>
#include <QPainter>

namespace activelabel {

namespace {

constexpr int kThumb = 64;
constexpr int kPad = 6;

QPixmap thumbnail(const QVariant &decoration, int size)
{
    QPixmap pixmap;
    if (decoration.canConvert<QIcon>() && decoration.typeId() == QMetaType::QIcon)
        pixmap = decoration.value<QIcon>().pixmap(size, size);
    else if (decoration.typeId() == QMetaType::QImage)
        pixmap = QPixmap::fromImage(decoration.value<QImage>());
    else if (decoration.typeId() == QMetaType::QPixmap)
        pixmap = decoration.value<QPixmap>();
    if (pixmap.isNull())
        return pixmap;
    // Nearest-neighbour for images smaller than the cell: a 28x28 garment stays crisp.
    const bool tiny = pixmap.width() < size && pixmap.height() < size;
    return pixmap.scaled(size, size, Qt::KeepAspectRatio,
                         tiny ? Qt::FastTransformation : Qt::SmoothTransformation);
}

void drawSwatch(QPainter *painter, const QRect &rect, const QColor &colour)
{
    painter->setPen(QPen(QColor(60, 60, 60), 1));
    painter->setBrush(colour);
    painter->drawRect(rect.adjusted(0, 0, -1, -1));
}

} // namespace

LabelledThumbnailDelegate::LabelledThumbnailDelegate(QObject *parent) : QStyledItemDelegate(parent)
{
}

void LabelledThumbnailDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                      const QModelIndex &index) const
{
    QStyledItemDelegate::paint(painter, option, index);
    const QVariant given = index.data(ReviewRoles::GivenClassRole);
    if (!given.isValid())
        return;
    const int position = given.toInt();
    QColor colour =
        position >= 0 && position < m_classes.size() && m_classes.at(position).colour.isValid()
            ? m_classes.at(position).colour
            : defaultClassColour(position);
    // Under the thumbnail, above the caption: where the style put the decoration.
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    const QRect icon = style->subElementRect(QStyle::SE_ItemViewItemDecoration, &opt, widget);
    painter->save();
    painter->fillRect(QRect(icon.left(), icon.bottom() - 3, icon.width(), 4), colour);
    painter->restore();
}

SuspiciousLabelDelegate::SuspiciousLabelDelegate(QObject *parent) : QStyledItemDelegate(parent) {}

QString SuspiciousLabelDelegate::className(int position) const
{
    if (position >= 0 && position < m_classes.size())
        return m_classes.at(position).name;
    return position < 0 ? tr("none") : tr("class %1").arg(position + 1);
}

QColor SuspiciousLabelDelegate::classColour(int position) const
{
    if (position >= 0 && position < m_classes.size() && m_classes.at(position).colour.isValid())
        return m_classes.at(position).colour;
    return defaultClassColour(position);
}

QSize SuspiciousLabelDelegate::sizeHint(const QStyleOptionViewItem &option,
                                        const QModelIndex &) const
{
    const int lines = option.fontMetrics.height() * 3 + 8;
    return QSize(360, std::max(kThumb, lines) + 2 * kPad);
}

void SuspiciousLabelDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                    const QModelIndex &index) const
{
    // The style draws the background, selection and focus; we draw the content.
    QStyleOptionViewItem base = option;
    initStyleOption(&base, index);
    base.text.clear();
    base.icon = QIcon();
    base.features &= ~QStyleOptionViewItem::HasDecoration;
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &base, painter, widget);

    painter->save();
    const QRect r = option.rect.adjusted(kPad, kPad, -kPad, -kPad);
    const QRect thumbRect(r.left(), r.top() + (r.height() - kThumb) / 2, kThumb, kThumb);
    const QPixmap pixmap = thumbnail(index.data(Qt::DecorationRole), kThumb);
    painter->fillRect(thumbRect, QColor(235, 235, 235));
    if (!pixmap.isNull()) {
        const QPoint at(thumbRect.left() + (kThumb - pixmap.width()) / 2,
                        thumbRect.top() + (kThumb - pixmap.height()) / 2);
        painter->drawPixmap(at, pixmap);
    }

    const bool selected = option.state & QStyle::State_Selected;
    const QColor text =
        selected ? option.palette.highlightedText().color() : option.palette.text().color();
    const QFontMetrics fm = option.fontMetrics;
    const int x = thumbRect.right() + 12;
    const int lineHeight = fm.height() + 2;
    int y = r.top() + std::max(0, (r.height() - 3 * lineHeight) / 2);
    const int given = index.data(ReviewRoles::GivenClassRole).toInt();
    const int predicted = index.data(ReviewRoles::PredictedClassRole).isValid()
                              ? index.data(ReviewRoles::PredictedClassRole).toInt()
                              : -1;
    const double confidence = index.data(ReviewRoles::ConfidenceRole).toDouble();
    const int swatch = fm.height() - 4;

    auto line = [&](const QString &prefix, int position, bool bold) {
        painter->setPen(text);
        QFont font = option.font;
        painter->setFont(font);
        painter->drawText(QPoint(x, y + fm.ascent()), prefix);
        int cx = x + fm.horizontalAdvance(prefix) + 4;
        drawSwatch(painter, QRect(cx, y + (fm.height() - swatch) / 2, swatch, swatch),
                   classColour(position));
        cx += swatch + 4;
        font.setBold(bold);
        painter->setFont(font);
        painter->setPen(text);
        painter->drawText(QPoint(cx, y + fm.ascent()), className(position));
        y += lineHeight;
    };
    line(tr("Labelled"), given, true);
    line(tr("Model says"), predicted, false);

    // Confidence as a number and a bar, so the ordering of the list is visible.
    painter->setFont(option.font);
    painter->setPen(text);
    const QString pct = tr("%1% confident").arg(confidence * 100.0, 0, 'f', 0);
    painter->drawText(QPoint(x, y + fm.ascent()), pct);
    const int barX = x + fm.horizontalAdvance(pct) + 8;
    const int barW = std::max(0, std::min(120, r.right() - barX));
    const QRect bar(barX, y + fm.height() / 2 - 3, barW, 6);
    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(220, 220, 220));
    painter->drawRect(bar);
    painter->setBrush(accentVermillion());
    painter->drawRect(
        QRect(bar.left(), bar.top(), int(barW * std::clamp(confidence, 0.0, 1.0)), bar.height()));
    painter->restore();
}

} // namespace activelabel
