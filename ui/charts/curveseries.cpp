#include "ui/charts/curveseries.h"

#include <QMap>

#include <algorithm>
#include <limits>

namespace activelabel {

CurveSeries summariseRuns(const QString &name, const QVector<QVector<QPointF>> &runs)
{
    struct Stats
    {
        double sum = 0.0;
        double min = std::numeric_limits<double>::infinity();
        double max = -std::numeric_limits<double>::infinity();
        int count = 0;
    };
    QMap<double, Stats> byX; // ordered by x
    for (const auto &run : runs) {
        for (const auto &p : run) {
            auto &s = byX[p.x()];
            s.sum += p.y();
            s.min = std::min(s.min, p.y());
            s.max = std::max(s.max, p.y());
            ++s.count;
        }
    }
    CurveSeries curve;
    curve.name = name;
    for (auto it = byX.cbegin(); it != byX.cend(); ++it) {
        curve.points.append({it.key(), it->sum / it->count});
        curve.bandLow.append({it.key(), it->min});
        curve.bandHigh.append({it.key(), it->max});
    }
    // A single run has no spread to show.
    if (runs.size() < 2) {
        curve.bandLow.clear();
        curve.bandHigh.clear();
    }
    return curve;
}

QColor okabeItoColour(int index)
{
    static const QColor palette[] = {
        QColor(0xE6, 0x9F, 0x00), // orange
        QColor(0x56, 0xB4, 0xE9), // sky blue
        QColor(0x00, 0x9E, 0x73), // bluish green
        QColor(0x00, 0x72, 0xB2), // blue
        QColor(0xD5, 0x5E, 0x00), // vermillion
        QColor(0xCC, 0x79, 0xA7), // reddish purple
        QColor(0x00, 0x00, 0x00), // black
        QColor(0xF0, 0xE4, 0x42), // yellow
    };
    constexpr int size = static_cast<int>(sizeof(palette) / sizeof(palette[0]));
    return palette[((index % size) + size) % size];
}

} // namespace activelabel
