#include "model/evaluation.h"

#include <algorithm>
#include <cmath>

namespace activelabel {

namespace {

int argmax(const float *row, std::size_t n)
{
    return int(std::max_element(row, row + n) - row);
}

} // namespace

double expectedCalibrationError(const FloatMatrix &p, const std::vector<int> &truth, int bins)
{
    std::vector<double> conf(std::size_t(bins), 0.0), acc(std::size_t(bins), 0.0);
    std::vector<int> count(std::size_t(bins), 0);
    int total = 0;
    for (std::size_t r = 0; r < p.rows && r < truth.size(); ++r) {
        if (truth[r] < 0 || p.cols == 0)
            continue;
        const int k = argmax(p.row(r), p.cols);
        const double c = p.at(r, std::size_t(k));
        const int b = std::min(bins - 1, int(c * bins));
        conf[std::size_t(b)] += c;
        acc[std::size_t(b)] += (k == truth[r]) ? 1.0 : 0.0;
        ++count[std::size_t(b)];
        ++total;
    }
    if (total == 0)
        return 0.0;
    double ece = 0.0;
    for (int b = 0; b < bins; ++b)
        if (count[std::size_t(b)] > 0)
            ece += std::abs(acc[std::size_t(b)] - conf[std::size_t(b)]) / total;
    return ece;
}

Evaluation evaluate(const FloatMatrix &p, const std::vector<int> &truth, int bins)
{
    Evaluation e;
    const int c = int(p.cols);
    e.confusion.assign(std::size_t(c), std::vector<int>(std::size_t(c), 0));
    int total = 0, correct = 0;
    for (std::size_t r = 0; r < p.rows && r < truth.size(); ++r) {
        if (truth[r] < 0 || truth[r] >= c)
            continue;
        const int k = argmax(p.row(r), p.cols);
        ++e.confusion[std::size_t(truth[r])][std::size_t(k)];
        correct += (k == truth[r]);
        e.nll -= std::log(std::max(1e-12, double(p.at(r, std::size_t(truth[r])))));
        ++total;
    }
    e.accuracy = total ? double(correct) / total : 0.0;
    e.nll = total ? e.nll / total : 0.0;
    for (int t = 0; t < c; ++t) {
        int rowTotal = 0;
        for (int v : e.confusion[std::size_t(t)])
            rowTotal += v;
        e.perClassAccuracy.push_back(rowTotal ? double(e.confusion[std::size_t(t)][std::size_t(t)]) / rowTotal : -1.0);
    }
    e.ece = expectedCalibrationError(p, truth, bins);
    return e;
}

} // namespace activelabel
