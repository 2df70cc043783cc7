#pragma once

#include "storage/imagerepository.h"

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace activelabel {

class Database;

// Ground truth that came with an imported dataset, kept apart from labels: only the oracle,
// simulation and test-split metrics read it; the annotator's view never does.
class GroundTruthRepository
{
public:
    explicit GroundTruthRepository(Database &db) : m_db(db) {}

    // Sets (or replaces) the ground truth of one image; use inside a Transaction for many.
    void set(std::int64_t imageId, std::int64_t classId);
    std::optional<std::int64_t> get(std::int64_t imageId);
    // (image id, class id) pairs in image id order, optionally for one split only.
    std::vector<std::pair<std::int64_t, std::int64_t>> all(std::optional<Split> split = std::nullopt);
    // Pool images that have ground truth but no label yet: what the oracle may label.
    std::vector<std::int64_t> unlabelledPoolWithTruth();
    std::int64_t count();

private:
    Database &m_db;
};

} // namespace activelabel
