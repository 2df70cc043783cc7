#include "app/gui/labelingcontroller.h"

#include "app/gui/labelwriter.h"

#include <algorithm>

// The labelling controller's team-project parts: the window's leases on the images it shows
// (TeamLeases) and following the team trainer's model versions.

namespace activelabel {

void LabelingController::followTeamTrainer()
{
    if (!m_workerBusy)
        m_worker->requestFollow(queueRequest());
}

void LabelingController::claimAhead()
{
    if (const std::vector<qint64> ids = m_leases.toClaim(m_queue); !ids.empty())
        m_writer->submitClaim(ids);
}

void LabelingController::onClaimed()
{
    const auto claim = m_writer->takeClaim();
    if (!claim)
        return;
    m_leases.onClaim(*claim);
    if (!claim->error.isEmpty())
        Q_EMIT message(tr("Could not claim images on the server (%1): showing them anyway").arg(claim->error));
    // Images another client holds (or labelled meanwhile) leave the queue.
    m_queue.erase(std::remove_if(m_queue.begin(), m_queue.end(),
                                 [this](const QueueEntry &e) { return m_leases.denied(e.imageId); }),
                  m_queue.end());
    if (!m_current)
        advance();
    else
        claimAhead();
    updateStrip();
}

} // namespace activelabel
