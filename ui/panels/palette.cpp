#include "ui/panels/palette.h"

#include "ui/charts/curveseries.h"

namespace activelabel {

QColor defaultClassColour(int position)
{
    constexpr int count = 10;
    const int i = ((position % count) + count) % count;
    if (i < 8)
        return okabeItoColour(i);
    return i == 8 ? QColor(0x99, 0x99, 0x99) : QColor(0x88, 0x22, 0x55);
}

QColor accentBlue()
{
    return QColor(0x00, 0x72, 0xB2);
}

QColor accentVermillion()
{
    return QColor(0xD5, 0x5E, 0x00);
}

QColor accentGreen()
{
    return QColor(0x00, 0x9E, 0x73);
}

QColor contrastingTextColour(const QColor &background)
{
    // Relative luminance (sRGB weights, no gamma: close enough to pick black or white).
    const double luminance =
        0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF();
    return luminance > 0.5 ? QColor(Qt::black) : QColor(Qt::white);
}

} // namespace activelabel
