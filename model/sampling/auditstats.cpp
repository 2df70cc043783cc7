#include "model/sampling/auditstats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace activelabel {

Interval wilsonInterval(std::size_t successes, std::size_t trials, double z)
{
    if (trials == 0)
        return {0.0, 1.0};
    const double n = static_cast<double>(trials);
    const double p = static_cast<double>(std::min(successes, trials)) / n;
    const double z2 = z * z;
    const double centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    const double half = z / (1.0 + z2 / n) * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

AuditWindow::AuditWindow(std::size_t window) : m_window(window) {}

void AuditWindow::add(bool correct)
{
    m_draws.push_back(correct);
    m_correct += correct ? 1 : 0;
    ++m_total;
    if (m_window > 0 && m_draws.size() > m_window) {
        m_correct -= m_draws.front() ? 1 : 0;
        m_draws.pop_front();
    }
}

double AuditWindow::accuracy() const
{
    if (m_draws.empty())
        return std::numeric_limits<double>::quiet_NaN();
    return static_cast<double>(m_correct) / static_cast<double>(m_draws.size());
}

Interval AuditWindow::interval(double z) const
{
    return wilsonInterval(m_correct, m_draws.size(), z);
}

double areaUnderBudgetCurve(const std::vector<double> &labels, const std::vector<double> &accuracy)
{
    if (labels.size() != accuracy.size())
        throw std::invalid_argument("AUBC: label and accuracy series differ in length");
    if (labels.empty())
        return std::numeric_limits<double>::quiet_NaN();
    if (labels.size() == 1 || labels.back() == labels.front())
        return accuracy.front();
    double area = 0.0;
    for (std::size_t i = 1; i < labels.size(); ++i) {
        if (labels[i] < labels[i - 1])
            throw std::invalid_argument("AUBC: label counts must increase");
        area += 0.5 * (accuracy[i] + accuracy[i - 1]) * (labels[i] - labels[i - 1]);
    }
    return area / (labels.back() - labels.front());
}

} // namespace activelabel
