#pragma once

#include <QColor>

namespace activelabel {

// Colour-blind-safe colours for the panels, from the Okabe-Ito palette (ui/charts'
// okabeItoColour). The named accents give each kind of line a fixed meaning.

// The default colour of the class at `position`: the eight Okabe-Ito colours in ui/charts' order,
// then a neutral grey and Tol's wine, so the ten Fashion-MNIST classes get ten distinct colours;
// past ten it wraps around. app/ can use it for new classes.
QColor defaultClassColour(int position);
QColor accentBlue();       // the audit estimate, held-out accuracy, the confusion diagonal
QColor accentVermillion(); // test accuracy, loss, confusion errors
QColor accentGreen();      // throughput

// Black or white, whichever reads better on `background`.
QColor contrastingTextColour(const QColor &background);

} // namespace activelabel
