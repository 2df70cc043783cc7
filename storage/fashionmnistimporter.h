#pragma once

#include "storage/importtypes.h"

#include <cstdint>
#include <filesystem>
#include <optional>

namespace activelabel {

class Database;
class Project;

// Imports Fashion-MNIST (the IDX files of Debian's dataset-fashion-mnist) into a project: writes
// each image as a PNG under images/fashion-mnist/{train,test}/, adds the 10 classes in label
// order, the training images as the unlabelled pool (optionally a seeded random subset), the
// 10,000 test images as the test split, and every dataset label as ground truth (never as a
// label). PNG encoding and writing run on worker threads; rows go in batched transactions.
// Into a team project (Project::isOnServer) the PNGs go to the local cache and to the server.
class FashionMnistImporter
{
public:
    struct Options
    {
        std::filesystem::path sourceDir; // empty: FashionMnist::defaultDirectory()
        std::optional<std::size_t> limit; // pool subset size
        std::optional<std::size_t> testLimit; // the first N test images (all 10,000 by default)
        std::uint32_t seed = 0;
        int threads = 2;
        int batchSize = 2048;
        // A team project: each PNG's bytes also go to the server (ImageBlobRepository), in the
        // transaction that adds its row, so that every client can fetch it.
        bool storeBytes = false;
    };

    FashionMnistImporter(Project &project, Options options);
    // On another thread: that thread's own connection to the project's database, and the
    // project directory the PNGs go into.
    FashionMnistImporter(Database &db, std::filesystem::path projectDir, Options options);

    // Throws std::runtime_error (missing dataset, already imported, I/O failure).
    ImportSummary run(const ImportProgressCallback &progress = {});

    static constexpr const char *kImportedSetting = "fashion_mnist_imported";

private:
    Database &m_db;
    std::filesystem::path m_projectDir;
    Options m_options;
};

} // namespace activelabel
