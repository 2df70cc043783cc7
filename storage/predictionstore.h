#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace activelabel {

class Database;

struct StoredPrediction
{
    std::int64_t imageId = 0;
    int predictedClass = 0; // class position
    float confidence = 0;   // probability of the predicted class
    float uncertainty = 0;  // the score of the strategy that produced it (e.g. entropy)
    std::vector<float> probabilities; // one per class, class order
};

// Predictions per model version in predictions.sqlite: derived, regenerable data kept out of
// project.sqlite so that bulk writes never hold the write lock a label commit needs. Writes go
// in chunks (one short transaction each) so a concurrent reader or a label commit on the other
// file never waits long; a run is marked complete at the end, and readers use complete runs.
// Works on its own connection (Project::openPredictions()), one per thread.
class PredictionStore
{
public:
    explicit PredictionStore(Database &db) : m_db(db) {}

    static constexpr int kChunkSize = 2000;

    // Starts (or restarts, dropping old rows of) the run for a model version.
    void beginRun(std::int64_t modelVersion, int classCount);
    // Writes rows in chunks of kChunkSize, each its own transaction.
    void write(std::int64_t modelVersion, const std::vector<StoredPrediction> &rows);
    void finishRun(std::int64_t modelVersion);

    std::optional<std::int64_t> latestCompleteRun();
    std::vector<std::int64_t> runs();
    std::optional<StoredPrediction> get(std::int64_t modelVersion, std::int64_t imageId);
    // All rows of a run in image id order.
    std::vector<StoredPrediction> read(std::int64_t modelVersion);
    std::int64_t count(std::int64_t modelVersion);
    // Deletes all runs but the newest `keep` (by model version). Returns how many were removed.
    int prune(int keep);

private:
    Database &m_db;
};

} // namespace activelabel
