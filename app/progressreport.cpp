#include "app/progressreport.h"

#include <QLocale>

#include <cmath>

namespace activelabel {

namespace {
constexpr qint64 kEstimateAfterMs = 1000;
constexpr qint64 kLineEveryMs = 1000;
} // namespace

ProgressReport::ProgressReport(QString what, QString unit)
{
    restart(std::move(what), std::move(unit));
}

void ProgressReport::restart(QString what, QString unit)
{
    m_what = std::move(what);
    m_unit = std::move(unit);
    m_done = m_total = 0;
    m_lastLineMs = -1;
    m_clock.start();
}

void ProgressReport::update(double done, double total)
{
    m_done = done;
    m_total = total;
}

std::optional<double> ProgressReport::secondsLeft() const
{
    const qint64 elapsed = m_clock.elapsed();
    if (m_done <= 0 || m_total <= 0 || elapsed < kEstimateAfterMs)
        return std::nullopt;
    return std::max(0.0, (m_total - m_done) * (double(elapsed) / 1000.0) / m_done);
}

QString ProgressReport::formatDuration(double seconds)
{
    const auto s = qint64(std::llround(seconds));
    if (s < 60)
        return QStringLiteral("%1 s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QString ProgressReport::text() const
{
    const QLocale c = QLocale::c();
    QString line = QStringLiteral("%1: %2 of %3 %4").arg(m_what, c.toString(qint64(m_done)), c.toString(qint64(m_total)), m_unit);
    if (m_total > 0)
        line += QStringLiteral(" (%1%)").arg(qint64(std::floor(100.0 * m_done / m_total)));
    if (const auto left = secondsLeft(); left && m_done < m_total)
        line += QStringLiteral(", %1 left").arg(formatDuration(*left));
    return line;
}

bool ProgressReport::lineDue()
{
    const qint64 now = m_clock.elapsed();
    if (m_done >= m_total || m_lastLineMs < 0 || now - m_lastLineMs >= kLineEveryMs) {
        m_lastLineMs = now;
        return true;
    }
    return false;
}

} // namespace activelabel
