#pragma once

#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace activelabel {

class Database;

// The queue of a team project hands out images by lease: a client claims a batch in one
// transaction (rows locked with SKIP LOCKED, so concurrent claims never wait on each other nor
// get the same image), labels them, and ends each lease in the transaction that writes its label.
// A lease left by a client that died expires after its time to live, and the image goes back to
// the queue. One annotator per image (overlap 1). Server projects only: the table is a team table.
class LeaseRepository
{
public:
    // `holder` names one client process (annotator@host:pid); `annotator` the person it labels for.
    LeaseRepository(Database &db, std::string holder, QString annotator);

    // Claims up to `count` unlabelled pool images that have ground truth and no live lease (what
    // the simulated annotator labels), in image order from where this client's last claim ended;
    // the first claim starts at a point the seed picks, so that concurrent clients start apart and
    // each claim reads a few index entries, not the whole pool. One transaction.
    std::vector<std::int64_t> claimWithTruth(int count, std::int64_t ttlMs, std::uint32_t seed);
    // Inside the caller's transaction (the one that writes the label): ends this holder's lease.
    // False when the lease was lost (it expired and another client claimed the image).
    bool release(std::int64_t imageId);
    // Ends every lease of this holder (a client that stops cleanly gives its images back).
    void releaseAll();
    // Live leases of every client.
    std::int64_t liveCount();

    // "annotator@host:pid" for this process.
    static std::string holderFor(const QString &annotator);

private:
    Database &m_db;
    std::string m_holder;
    QString m_annotator;
    std::int64_t m_cursor = -1; // the last image id claimed; -1: not started
};

} // namespace activelabel
