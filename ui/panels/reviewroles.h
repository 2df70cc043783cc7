#pragma once

#include <Qt>

namespace activelabel {

// Item-data roles of the models app/ gives the review panel (labelled images and suspicious
// labels). Qt::DecorationRole serves the thumbnail (QPixmap, QImage or QIcon) and
// Qt::DisplayRole a caption (e.g. the file name).
namespace ReviewRoles {
constexpr int ImageIdRole = Qt::UserRole + 1;    // qint64: the image's id
constexpr int GivenClassRole = Qt::UserRole + 2; // int: class position of its label
constexpr int PredictedClassRole =
    Qt::UserRole + 3;                            // int: class position the model predicts, -1 none
constexpr int ConfidenceRole = Qt::UserRole + 4; // double 0..1: the model's probability for it
} // namespace ReviewRoles

} // namespace activelabel
