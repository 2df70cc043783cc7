#pragma once

#include <QColor>

namespace activelabel {

// Colour-blind-safe colours for the panels, all from the Okabe-Ito palette (ui/charts'
// okabeItoColour). Class colours by position use that palette's order, so a class keeps the same
// default colour in every chart; the named accents give each kind of line a fixed meaning.
QColor panelColour(int index);
QColor accentBlue();       // the audit estimate, held-out accuracy, the confusion diagonal
QColor accentVermillion(); // test accuracy, loss, confusion errors
QColor accentGreen();      // throughput

// Black or white, whichever reads better on `background`.
QColor contrastingTextColour(const QColor &background);

} // namespace activelabel
