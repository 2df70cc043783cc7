#pragma once

#include "ui/poolmapview.h"

#include <QString>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>

namespace activelabel {

class Project;

// The pool map's work off the UI thread, on its own connections: find the newest pool embeddings
// (app/poolembeddings.h), take their map from the cache or compute it (squared-L2 kNN graph from
// the neighbour index, then Barnes-Hut t-SNE, model/tsne.h), and read what colours each dot
// (current labels, the latest complete predictions).
//
// The map is derived data like the embeddings it comes from: one file per model version,
// <project>/cache/map/pool-v<version>.map, written atomically, older versions removed, safe to
// delete. So a map is computed once per model version, not once per session.
struct PoolMapRequest
{
    enum class Mode {
        Colours,        // the colouring of `ids` only (labels changed)
        CachedOrNone,   // the newest map if it is cached (no computation)
        CachedOrCompute // the newest map, computed when not cached
    };
    Mode mode = Mode::CachedOrCompute;
    std::vector<qint64> ids; // Mode::Colours: the dots, in the map's order
    int threads = 2;
    int iterations = 1000;
};

struct PoolMapResult
{
    std::int64_t modelVersion = 0;     // of the map's embeddings; 0: no map
    std::int64_t newestEmbeddings = 0; // newest model version with pool embeddings; 0: none
    bool computed = false;             // false: read from the cache
    double seconds = 0;
    PoolMapPoints points; // Mode::Colours: xy empty
    QString error;
};

// (stage, done, total): stage 0 indexing, 1 kNN graph, 2 t-SNE.
using PoolMapProgress = std::function<void(int stage, double done, double total)>;

// Throws Cancelled when `cancel` is set during a computation.
PoolMapResult runPoolMapJob(const Project &project, const PoolMapRequest &request,
                            const PoolMapProgress &progress, const std::atomic<bool> *cancel);

// The cache file of a version's map.
std::filesystem::path poolMapFile(const std::filesystem::path &projectDir,
                                  std::int64_t modelVersion);

} // namespace activelabel
