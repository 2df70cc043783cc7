#include "ui/panels/palette.h"

namespace activelabel {

QColor panelColour(int index)
{
    // Blue, vermillion, bluish green, reddish purple, orange, sky blue, black, yellow.
    static const QColor colours[] = {QColor(0, 114, 178),  QColor(213, 94, 0),
                                     QColor(0, 158, 115),  QColor(204, 121, 167),
                                     QColor(230, 159, 0),  QColor(86, 180, 233),
                                     QColor(0, 0, 0),      QColor(240, 228, 66)};
    constexpr int count = sizeof(colours) / sizeof(colours[0]);
    return colours[((index % count) + count) % count];
}

QColor contrastingTextColour(const QColor &background)
{
    // Relative luminance (sRGB weights, no gamma: close enough to pick black or white).
    const double luminance =
        0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF();
    return luminance > 0.5 ? QColor(Qt::black) : QColor(Qt::white);
}

} // namespace activelabel
