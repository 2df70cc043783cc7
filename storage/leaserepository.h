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
// the queue. The project's overlap k routes each image to k distinct annotators (1: one annotator
// per image, the default), never twice to the same one. Server projects only: the table is a team
// table.
class LeaseRepository
{
public:
    // `holder` names one client process (annotator@host:pid); `annotator` the person it labels for.
    LeaseRepository(Database &db, std::string holder, QString annotator);

    // The project's overlap: how many annotators label each routed image (setting 'overlap').
    static int overlap(Database &db);
    static void setOverlap(Database &db, int annotatorsPerImage);

    // Claims up to `count` pool images that have ground truth and still want a label from this
    // annotator (what the simulated annotator labels): with overlap 1, unlabelled and not leased;
    // with overlap k, fewer than k other annotators have labelled or are holding it, and this
    // annotator has neither. In image order from where this client's last claim ended;
    // the first claim starts at a point the seed picks, so that concurrent clients start apart and
    // each claim reads a few index entries, not the whole pool. One transaction.
    std::vector<std::int64_t> claimWithTruth(int count, std::int64_t ttlMs, std::uint32_t seed);
    // Claims those of `imageIds` (pool images, any order) that still want a label from this
    // annotator, as claimWithTruth decides, without needing ground truth: what the window does for
    // the next images of its queue. Returns the ones claimed, in the order given. One transaction.
    std::vector<std::int64_t> claimIds(const std::vector<std::int64_t> &imageIds, std::int64_t ttlMs);
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
    // Gives up the images of this holder's live leases that a racing claim also took beyond the
    // overlap (see the .cpp), and removes them from `ids`.
    void dropOversubscribed(std::vector<std::int64_t> &ids, std::int64_t now);
    // The claim statement over the images `where` selects (parameters ?1..?7 as in the .cpp).
    std::string claimSql(const std::string &where, bool needsTruth) const;

    Database &m_db;
    std::string m_holder;
    QString m_annotator;
    int m_overlap = 1;
    std::int64_t m_cursor = -1; // the last image id claimed; -1: not started
};

} // namespace activelabel
