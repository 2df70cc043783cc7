#include "app/gui/teamleases.h"

#include "app/gui/labelwriter.h"

namespace activelabel {

std::vector<qint64> TeamLeases::toClaim(const std::deque<QueueEntry> &queue)
{
    if (!m_enabled || m_claiming)
        return {};
    int grantedAhead = 0;
    std::vector<qint64> ask;
    for (const QueueEntry &entry : queue) {
        if (grantedAhead + int(ask.size()) >= kAhead)
            break;
        if (m_granted.count(entry.imageId))
            ++grantedAhead;
        else if (!m_denied.count(entry.imageId) && !m_asked.count(entry.imageId))
            ask.push_back(entry.imageId);
    }
    const bool frontWaits = !queue.empty() && !m_granted.count(queue.front().imageId);
    if (ask.empty() || (grantedAhead >= kAhead / 2 && !frontWaits))
        return {};
    m_claiming = true;
    m_asked.insert(ask.begin(), ask.end());
    return ask;
}

void TeamLeases::onClaim(const LeaseClaim &claim)
{
    m_claiming = false;
    const std::unordered_set<qint64> granted(claim.granted.begin(), claim.granted.end());
    for (const qint64 id : claim.asked) {
        m_asked.erase(id);
        if (granted.count(id))
            m_granted.insert(id);
        else
            m_denied.insert(id);
    }
}

} // namespace activelabel
