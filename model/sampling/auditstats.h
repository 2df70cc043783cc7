#pragma once

#include <cstddef>
#include <deque>
#include <vector>

namespace activelabel {

// Statistics for honest accuracy reporting: the Wilson interval for the audit estimate, a window
// over recent audit draws, and the area under the budget curve for comparing strategies.

struct Interval
{
    double low = 0.0;
    double high = 1.0;
};

// Wilson score interval for a binomial proportion (default z: 95%). Unlike the normal
// approximation it stays inside [0, 1] and is sensible at 0/n and n/n. 0 trials -> [0, 1].
Interval wilsonInterval(std::size_t successes, std::size_t trials, double z = 1.959963984540054);

// Accuracy over the last `window` audit draws (0 = all of them), each scored by the model current
// when it was drawn, before its label was known (test-then-train): an unbiased estimate of the
// model's accuracy on the pool.
class AuditWindow
{
public:
    explicit AuditWindow(std::size_t window = 200);

    void add(bool correct);
    std::size_t window() const { return m_window; }
    std::size_t size() const { return m_draws.size(); } // draws in the window now
    std::size_t correct() const { return m_correct; }   // correct among them
    std::size_t totalDraws() const { return m_total; }  // every draw ever added
    double accuracy() const;                            // NaN when empty
    Interval interval(double z = 1.959963984540054) const;

private:
    std::size_t m_window;
    std::deque<bool> m_draws;
    std::size_t m_correct = 0;
    std::size_t m_total = 0;
};

// Area under the budget curve, normalised by its width: the trapezoid mean of accuracy over the
// label counts from the first point (the initial labels) to the last (the budget); equal to
// DeepAL+'s get_aubc (np.trapz / quota) without its rounding to three decimals. Points must be in
// increasing label order; one point gives its accuracy; none gives NaN.
double areaUnderBudgetCurve(const std::vector<double> &labels, const std::vector<double> &accuracy);

} // namespace activelabel
