#pragma once

#include <QColor>

namespace activelabel {

// Colour-blind-safe defaults for the panels: the Okabe-Ito palette (Okabe & Ito 2008), most
// distinct on white first, black and yellow last; wraps around past 8.
QColor panelColour(int index);

// Black or white, whichever reads better on `background`.
QColor contrastingTextColour(const QColor &background);

} // namespace activelabel
