#pragma once

#include "app/queuebuilder.h"

#include <QtGlobal>

#include <deque>
#include <unordered_set>
#include <vector>

namespace activelabel {

struct LeaseClaim;

// The window's side of a team project's leases: the images at the front of its queue are claimed
// a few at a time ahead of the annotator (through the label writer, off the UI thread), and only
// claimed ones are shown, so two windows never show the same image. Images another client holds,
// or that have their labels, come back denied and leave the queue. Disabled for folder projects,
// where every image counts as claimed.
class TeamLeases
{
public:
    explicit TeamLeases(bool enabled) : m_enabled(enabled) {}

    bool enabled() const { return m_enabled; }
    // The images to claim now: up to kAhead of the queue's front that were neither granted nor
    // asked for, when fewer than half of the front kAhead are granted (or the front one is not)
    // and no claim is under way.
    std::vector<qint64> toClaim(const std::deque<QueueEntry> &queue);
    void onClaim(const LeaseClaim &claim);
    bool granted(qint64 imageId) const { return !m_enabled || m_granted.count(imageId) > 0; }
    bool denied(qint64 imageId) const { return m_enabled && m_denied.count(imageId) > 0; }
    bool claiming() const { return m_claiming; }
    // The image was labelled or skipped: its lease is over (the writer ends or gives it back).
    void forget(qint64 imageId) { m_granted.erase(imageId); }

    static constexpr int kAhead = 8;

private:
    bool m_enabled;
    bool m_claiming = false;
    std::unordered_set<qint64> m_granted;
    std::unordered_set<qint64> m_denied;
    std::unordered_set<qint64> m_asked;
};

} // namespace activelabel
