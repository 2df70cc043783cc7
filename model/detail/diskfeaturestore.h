#pragma once
// INTERNAL to model/ (no torch here: it moves bytes, FeatureCache gives them a meaning).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

namespace activelabel::detail {

// Backbone features at a freeze boundary, kept on disk so that a reopened project (or the CLI's
// next `train`) does not recompute them: with a frozen ResNet-18 that pass is minutes per
// 20,000 images on two cores, against milliseconds to read the rows back.
//
// One folder per segment under `root`; a segment holds the rows of one (backbone content hash,
// freeze boundary, input spec) key, so a row is addressed by the image's content hash alone and
// stays valid whatever the image's id or position. Two append-only files per segment:
// `rows.bin` (fixed-size rows) and `keys.bin` (one fixed-size content key per row). Rows are
// appended before their keys, and a reader counts only rows that have both, so a crash mid-append
// loses at most that batch; a segment that does not match its `meta` line is dropped and started
// afresh. Everything here is derived data: deleting the folder only costs a recomputation.
//
// The budget bounds all segments together: opening a segment evicts the least recently used other
// segments when over it, and appends stop when the open segment alone would exceed it.
//
// Not thread-safe; one process writes a project's store at a time (the project lock).
class DiskFeatureStore
{
public:
    static constexpr std::size_t kKeyBytes = 32;

    DiskFeatureStore(std::filesystem::path root, std::uint64_t budgetBytes);
    ~DiskFeatureStore();
    DiskFeatureStore(const DiskFeatureStore &) = delete;
    DiskFeatureStore &operator=(const DiskFeatureStore &) = delete;

    const std::filesystem::path &root() const { return m_root; }
    std::uint64_t budgetBytes() const { return m_budget; }

    // Opens (creating if needed) the segment for `segmentKey` with rows of `rowBytes` bytes;
    // `meta` describes the rows (shape, element type) and must match an existing segment. Returns
    // false when the folder cannot be used (read-only, full disk): the store then stays closed and
    // features are simply not persisted.
    bool open(const std::string &segmentKey, std::size_t rowBytes, const std::string &meta);
    // Opens the segment for `segmentKey` only if it exists, taking its row size and meta from it.
    bool openExisting(const std::string &segmentKey);
    const std::string &meta() const { return m_meta; }
    void close();
    bool isOpen() const { return m_rowsFd >= 0; }
    const std::string &segmentKey() const { return m_segment; }

    // The row of an image's content key in the open segment, -1 when absent.
    std::int64_t find(const std::string &contentKey) const;
    // Reads `rows` into `out` (rows.size() x rowBytes). False on an I/O error (caller recomputes).
    bool read(const std::vector<std::int64_t> &rows, void *out) const;
    // Appends rows for `contentKeys` (already present keys are skipped) from `data`
    // (contentKeys.size() x rowBytes), while the budget allows. Returns the number appended.
    std::size_t append(const std::vector<std::string> &contentKeys, const void *data);

    std::size_t rowCount() const { return m_rowIndex.size(); }
    std::uint64_t segmentBytes() const;
    // Bytes of every segment under root (what the budget bounds).
    std::uint64_t totalBytes() const;

    // A content key of any length reduced to the fixed record size (longer keys are hashed).
    static std::string normalisedKey(const std::string &contentKey);

private:
    void evictOthers(std::uint64_t need);
    void loadIndex(std::uint64_t rowsFileBytes, std::uint64_t keysFileBytes);

    std::filesystem::path m_root;
    std::uint64_t m_budget = 0;
    std::string m_segment;
    std::filesystem::path m_dir;
    std::size_t m_rowBytes = 0;
    std::string m_meta;
    int m_rowsFd = -1;
    int m_keysFd = -1;
    bool m_full = false; // the budget refused an append: stop trying for this segment
    std::unordered_map<std::string, std::int64_t> m_rowIndex;
};

} // namespace activelabel::detail
