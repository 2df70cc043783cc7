#pragma once

#include "model/floatmatrix.h"

#include <vector>

namespace activelabel {

// Test-split / held-out metrics from probabilities (what `evaluate --json` prints).
struct Evaluation
{
    double accuracy = 0.0;
    std::vector<double> perClassAccuracy;    // recall per true class; -1 where a class has no rows
    std::vector<std::vector<int>> confusion; // [true][predicted]
    double ece = 0.0;
    double nll = 0.0;
};

// probabilities: N x C; truth: N class indices (rows with truth < 0 are skipped).
Evaluation evaluate(const FloatMatrix &probabilities, const std::vector<int> &truth, int bins = 15);

// Expected calibration error: sum over equal-width confidence bins of |accuracy - confidence|
// weighted by the bin's share of rows (Guo et al. 2017).
double expectedCalibrationError(const FloatMatrix &probabilities, const std::vector<int> &truth, int bins = 15);

} // namespace activelabel
