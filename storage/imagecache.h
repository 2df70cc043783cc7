#pragma once

#include <QByteArray>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace activelabel {

class Database;

// A team project's images on this computer: the files of its cache directory's images/ folder,
// fetched from the server (image_blobs, by content hash) when missing and kept under a size limit
// by evicting the least recently used. Only image files under images/ are ever evicted: the
// cache's models/ and exports/, and anything that is not an image file, are never touched.
//
// "Used" is the file's access time, set explicitly on every read through here (so it works on
// noatime mounts) and shared by every process that uses the same cache; its modification time is
// left alone (the thumbnail cache keys on it). Evicted images are fetched again when read.
//
// Thread-safe: readers on any thread call read(); fetches are serialised on one connection of
// the cache's own, opened on first need and used by one thread at a time (under the lock).
class ImageCache
{
public:
    static constexpr std::uint64_t kDefaultLimitBytes = std::uint64_t(2) << 30; // 2 GiB
    // The environment variable that sets a client's limit: "500M", "2G", "1.5G", "300000"
    // (bytes), "unlimited".
    static constexpr const char *kLimitVariable = "ACTIVELABEL_IMAGE_CACHE";
    static constexpr std::uint64_t kUnlimited = UINT64_MAX;

    // Parses a size as kLimitVariable takes it (K, M, G, T are binary units; "B"/"iB" may follow);
    // nullopt when it is not one.
    static std::optional<std::uint64_t> parseSize(std::string_view text);
    // The limit kLimitVariable sets, or kDefaultLimitBytes when it is unset or empty. Throws
    // std::invalid_argument with a one-line message when it is set to something else.
    static std::uint64_t limitFromEnvironment();

    // An image the caller knows: its content hash and where its file lies in the cache.
    struct Image
    {
        QByteArray contentHash;
        std::filesystem::path file;
    };

    // `directory` is the project's cache directory; `connector` opens a connection to its server.
    ImageCache(std::filesystem::path directory, std::function<std::unique_ptr<Database>()> connector,
               std::uint64_t limitBytes);
    ~ImageCache();
    ImageCache(const ImageCache &) = delete;
    ImageCache &operator=(const ImageCache &) = delete;

    const std::filesystem::path &directory() const { return m_dir; }
    std::uint64_t limitBytes() const { return m_limit; }
    // The bytes of the image files under images/, as of the last scan plus what was fetched since.
    std::uint64_t bytesUsed();

    // The bytes of `image`: its cached file (marked used), or else fetched from the server, with
    // those of `alsoFetch()` that are missing too (asked only on a miss; at most one batch is
    // taken), and written to the cache. False with a reason when the server has no copy either or
    // cannot be reached. What is returned stays valid if the file is evicted at once.
    bool read(const Image &image, std::string &bytes, std::string &error,
              const std::function<std::vector<Image>()> &alsoFetch = {});
    // The same for a file known only by its path (the label page, thumbnails): its content hash is
    // looked up among the project's images (read once per process, then only new rows).
    bool read(const std::filesystem::path &file, std::string &bytes, std::string &error);
    // Makes sure `file` is in the cache (fetching it if not); false with a reason as read().
    bool ensure(const std::filesystem::path &file, std::string *error = nullptr);

    // Fetches those of `images` whose file is missing, on the caller's connection `db` (its thread),
    // one batch of ImageBlobRepository::kBatch per query. With `untilFull` it stops before a batch
    // once the cache holds its limit, or after the batch that took it over (the rest come on
    // demand), and sets `*full`. `afterBatch(done)` (images of `images` dealt with so far)
    // returning false stops it. Returns the images written.
    std::size_t fetchMissing(Database &db, const std::vector<Image> &images, bool untilFull,
                             const std::function<bool(std::size_t done)> &afterBatch = {}, bool *full = nullptr);

    // Evicts least recently used image files until the cache holds at most its limit.
    void trim();

private:
    bool readLocked(const Image &image, std::string &bytes, std::string &error,
                    const std::vector<Image> &alsoFetch);
    // Writes each fetched image's file; returns the bytes of `want` when fetched.
    std::size_t fetchLocked(Database &db, const std::vector<Image> &images, QByteArray *wantBytes,
                            const QByteArray &want);
    void scanLocked(bool evict);
    Database &connectionLocked();
    std::optional<QByteArray> hashOfLocked(const std::filesystem::path &file);

    const std::filesystem::path m_dir;
    const std::function<std::unique_ptr<Database>()> m_connector;
    const std::uint64_t m_limit;
    std::mutex m_mutex;
    std::unique_ptr<Database> m_db; // opened on first fetch, used under m_mutex
    bool m_scanned = false;
    std::uint64_t m_used = 0;
    std::size_t m_count = 0; // image files in the cache, as m_used counts them
    std::unordered_map<std::string, QByteArray> m_hashByPath; // stored path -> content hash
    std::int64_t m_lastImageId = 0;
};

} // namespace activelabel
