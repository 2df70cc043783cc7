#pragma once

#include "model/floatmatrix.h"

#include <QString>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <unordered_map>
#include <vector>

namespace activelabel {

// The pool images' embeddings (the classifier's penultimate features) from the latest rescoring,
// one row per pool image that loaded: what look-alikes ("find similar") and the pool map search
// and project. Derived data, like predictions.sqlite: kept in the project's cache folder as one
// file per model version (cache/embeddings/pool-v<version>.emb, fp16, written to a temporary file
// renamed over it, older versions removed), safe to delete (the next rescoring writes it again),
// never in project.sqlite.
//
// Immutable once made: share it between threads as std::shared_ptr<const PoolEmbeddings>.
class PoolEmbeddings
{
public:
    PoolEmbeddings() = default;
    // `matrix` has one row per id of `imageIds`, in that order.
    PoolEmbeddings(std::int64_t modelVersion, std::vector<std::int64_t> imageIds,
                   FloatMatrix matrix);

    std::int64_t modelVersion() const { return m_modelVersion; }
    const std::vector<std::int64_t> &imageIds() const { return m_imageIds; }
    const FloatMatrix &matrix() const { return m_matrix; }
    std::size_t size() const { return m_imageIds.size(); }
    std::size_t dimension() const { return m_matrix.cols; }
    bool empty() const { return m_imageIds.empty(); }
    // The row of an image id; -1 when the image has no embedding here (not in the pool, failed
    // to load, or imported after this rescoring).
    long long rowOf(std::int64_t imageId) const;

    // <project>/cache/embeddings and the file of one version there.
    static std::filesystem::path directory(const std::filesystem::path &projectDir);
    static std::filesystem::path fileFor(const std::filesystem::path &projectDir,
                                         std::int64_t modelVersion);

    // Writes this version's file (temporary file, then rename) and removes other versions' files.
    // Returns false with `error` set when it could not be written (the caller carries on: derived).
    bool save(const std::filesystem::path &projectDir, QString *error = nullptr) const;
    // The file of `modelVersion`; nullopt when it is missing or damaged (wrong magic, truncated).
    static std::optional<PoolEmbeddings> load(const std::filesystem::path &projectDir,
                                              std::int64_t modelVersion, QString *error = nullptr);

private:
    std::int64_t m_modelVersion = 0;
    std::vector<std::int64_t> m_imageIds;
    FloatMatrix m_matrix;
    bool m_sorted = true; // imageIds ascending: rowOf searches them
    std::unordered_map<std::int64_t, std::size_t> m_rowById; // else this
};

} // namespace activelabel
