#pragma once

#include "ui/panels/classrow.h"

#include <QStyledItemDelegate>

namespace activelabel {

// Draws a labelled image's thumbnail with a stripe in its class's colour underneath, so a grid of
// one class shows an intruder at a glance.
class LabelledThumbnailDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit LabelledThumbnailDelegate(QObject *parent = nullptr);
    void setClasses(const QList<ClassRow> &classes) { m_classes = classes; }
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;

private:
    QList<ClassRow> m_classes;
};

// One suspicious label per row: the thumbnail (pixelated when the image is tiny, so pixels stay
// pixels), the label it was given, what the model predicts and how confident it is.
class SuspiciousLabelDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit SuspiciousLabelDelegate(QObject *parent = nullptr);
    void setClasses(const QList<ClassRow> &classes) { m_classes = classes; }
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    QString className(int position) const;
    QColor classColour(int position) const;

    QList<ClassRow> m_classes;
};

} // namespace activelabel
