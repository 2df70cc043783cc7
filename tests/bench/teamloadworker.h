#pragma once

#include <QStringList>

namespace activelabel {

// One annotator process of bench_team_load: URI NAME DEADLINE PACE_MS LEASE_MS, DEADLINE in ms since
// the epoch, or 0: connect, print "ready", and read the deadline from stdin. It claims 8 images
// at a time by lease and labels them one commit each, printing on stdout "claim US" per claim,
// "ack IMAGE US" once a label's commit returned, and "unreachable"/"reconnected" around a lost
// server; the label that was in hand when the server went away is kept and written after
// reconnecting ("lateack IMAGE" when the cut-off commit turns out to have landed).
int runTeamLoadWorker(const QStringList &args);

} // namespace activelabel
