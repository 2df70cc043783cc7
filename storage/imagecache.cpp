#include "storage/imagecache.h"

#include "storage/database.h"
#include "storage/imageblobrepository.h"
#include "storage/imagedecoder.h"

#include <QString>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <unordered_set>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

namespace activelabel {

namespace fs = std::filesystem;

namespace {

// Marks a cached file as used now: its access time, whatever the mount's atime policy. The time
// is read here rather than UTIME_NOW, the kernel's coarse clock (ms), so that reads a moment
// apart keep their order.
void markUsed(const fs::path &file)
{
    struct timespec times[2] = {{0, 0}, {0, UTIME_OMIT}};
    ::clock_gettime(CLOCK_REALTIME, &times[0]);
    ::utimensat(AT_FDCWD, file.c_str(), times, 0);
}

// Temporary file + rename, so that a reader never sees half an image, but no fsync: the cache is
// derived data, and syncing every small file cost the batched fetch most of its time (a crash can
// leave an empty file at worst, which read() takes for a missing one).
bool writeAtomically(const fs::path &file, const QByteArray &bytes, std::string &error)
{
    static std::atomic<unsigned> serial{0};
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    fs::path temporary = file;
    temporary += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(serial++);
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    bool ok = fd >= 0;
    for (qsizetype done = 0; ok && done < bytes.size();) {
        const ssize_t n = ::write(fd, bytes.constData() + done, std::size_t(bytes.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        done += n > 0 ? n : 0;
    }
    const int writeErrno = errno;
    if (fd >= 0 && ::close(fd) != 0)
        ok = false;
    if (ok && ::rename(temporary.c_str(), file.c_str()) == 0)
        return true;
    error = "cannot write " + file.string() + ": " + std::strerror(ok ? errno : writeErrno);
    ::unlink(temporary.c_str());
    return false;
}

bool inside(const fs::path &file, const fs::path &dir)
{
    const fs::path relative = file.lexically_relative(dir);
    return !relative.empty() && *relative.begin() != "..";
}

// Missing, or empty (what a crash between the write and its reaching the disk can leave).
bool missing(const fs::path &file)
{
    struct stat st;
    return ::stat(file.c_str(), &st) != 0 || st.st_size == 0;
}

} // namespace

std::optional<std::uint64_t> ImageCache::parseSize(std::string_view text)
{
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ')
        text.remove_suffix(1);
    if (text == "unlimited")
        return kUnlimited;
    std::size_t digits = 0;
    while (digits < text.size() && ((text[digits] >= '0' && text[digits] <= '9') || text[digits] == '.'))
        ++digits;
    if (digits == 0)
        return std::nullopt;
    const std::string number(text.substr(0, digits));
    char *end = nullptr;
    const double value = std::strtod(number.c_str(), &end); // digits and '.' only: no locale sign or exponent
    if (end != number.c_str() + number.size() || !std::isfinite(value))
        return std::nullopt;
    std::string_view unit = text.substr(digits);
    while (!unit.empty() && unit.front() == ' ')
        unit.remove_prefix(1);
    double scale = 1;
    if (!unit.empty()) {
        switch (unit.front()) {
        case 'K': case 'k': scale = 1024.0; break;
        case 'M': case 'm': scale = 1024.0 * 1024; break;
        case 'G': case 'g': scale = 1024.0 * 1024 * 1024; break;
        case 'T': case 't': scale = 1024.0 * 1024 * 1024 * 1024; break;
        case 'B': case 'b': break;
        default: return std::nullopt;
        }
        if (unit.front() != 'B' && unit.front() != 'b')
            unit.remove_prefix(1);
        if (unit != "" && unit != "B" && unit != "iB" && unit != "b")
            return std::nullopt;
    }
    const double bytes = value * scale;
    if (bytes >= 1.8e19)
        return std::nullopt;
    return std::uint64_t(bytes);
}

std::uint64_t ImageCache::limitFromEnvironment()
{
    const char *value = std::getenv(kLimitVariable);
    if (!value || !*value)
        return kDefaultLimitBytes;
    if (const auto limit = parseSize(value))
        return *limit;
    throw std::invalid_argument(std::string(kLimitVariable) + "=\"" + value +
                                "\" is not a size (e.g. 500M, 2G, unlimited)");
}

ImageCache::ImageCache(fs::path directory, std::function<std::unique_ptr<Database>()> connector,
                       std::uint64_t limitBytes)
    : m_dir(std::move(directory)), m_connector(std::move(connector)), m_limit(limitBytes)
{
}

ImageCache::~ImageCache() = default;

std::uint64_t ImageCache::bytesUsed()
{
    std::lock_guard lock(m_mutex);
    if (!m_scanned)
        scanLocked(true);
    return m_used;
}

bool ImageCache::read(const Image &image, std::string &bytes, std::string &error,
                      const std::function<std::vector<Image>()> &alsoFetch)
{
    // A hit reads without the lock: decoding threads read in parallel.
    if (ImageDecoder::readFile(image.file, bytes, error) && !bytes.empty()) {
        markUsed(image.file);
        return true;
    }
    if (!missing(image.file))
        return false; // there but unreadable (or too large): the reason is in `error`
    const std::vector<Image> more = alsoFetch ? alsoFetch() : std::vector<Image>{};
    std::lock_guard lock(m_mutex);
    return readLocked(image, bytes, error, more);
}

bool ImageCache::read(const fs::path &file, std::string &bytes, std::string &error)
{
    if (ImageDecoder::readFile(file, bytes, error) && !bytes.empty()) {
        markUsed(file);
        return true;
    }
    if (!missing(file))
        return false;
    std::lock_guard lock(m_mutex);
    std::optional<QByteArray> hash;
    try {
        hash = hashOfLocked(file);
    } catch (const std::exception &e) {
        m_db.reset(); // reconnects next time (a server restarted meanwhile)
        error = "cannot fetch " + file.string() + " from the server: " + e.what();
        return false;
    }
    if (!hash) {
        error = "no such file: " + file.string() + " (not an image of this team project)";
        return false;
    }
    return readLocked(Image{*hash, file}, bytes, error, {});
}

bool ImageCache::ensure(const fs::path &file, std::string *error)
{
    if (!missing(file))
        return true;
    std::string bytes, reason;
    const bool ok = read(file, bytes, reason);
    if (!ok && error)
        *error = reason;
    return ok;
}

bool ImageCache::readLocked(const Image &image, std::string &bytes, std::string &error,
                            const std::vector<Image> &alsoFetch)
{
    // Another thread may have fetched it while this one waited for the lock.
    std::string ignored;
    if (ImageDecoder::readFile(image.file, bytes, ignored) && !bytes.empty()) {
        markUsed(image.file);
        return true;
    }
    if (!inside(image.file, m_dir)) { // not a file of the cache: the server's copy is not written there
        error = "cannot open file: " + image.file.string() + " is missing";
        return false;
    }
    if (!m_scanned)
        scanLocked(true);
    // A read-ahead never takes more than half the cache (by the images' average size so far), or
    // a small cache would evict what the pass is about to read to make room for what it reads later.
    std::size_t most = ImageBlobRepository::kBatch;
    if (m_limit != kUnlimited && m_count > 0 && m_used > 0)
        most = std::clamp<std::uint64_t>(m_limit / 2 / std::max<std::uint64_t>(1, m_used / m_count), 1, most);
    std::vector<Image> batch{image};
    for (const Image &other : alsoFetch) {
        if (batch.size() >= most)
            break;
        if (other.file != image.file && inside(other.file, m_dir) && missing(other.file))
            batch.push_back(other);
    }
    QByteArray wanted;
    try {
        fetchLocked(connectionLocked(), batch, &wanted, image.contentHash);
        markUsed(image.file); // the newest of its batch: the last to go if the batch overflows
        if (m_used > m_limit)
            scanLocked(true);
    } catch (const std::exception &e) {
        m_db.reset();
        error = "cannot fetch " + image.file.string() + " from the server: " + e.what();
        return false;
    }
    if (wanted.isNull()) {
        error = "no such file: " + image.file.string() + " (and the server has no copy of it)";
        return false;
    }
    bytes.assign(wanted.constData(), std::size_t(wanted.size()));
    return true;
}

std::size_t ImageCache::fetchMissing(Database &db, const std::vector<Image> &images, bool untilFull,
                                     const std::function<bool(std::size_t)> &afterBatch, bool *full)
{
    if (full)
        *full = false;
    const std::size_t batch = ImageBlobRepository::kBatch;
    std::size_t written = 0;
    std::vector<Image> wanted;
    for (std::size_t next = 0; next < images.size();) {
        std::size_t most = batch;
        if (untilFull && m_limit != kUnlimited) { // no more than the room left, by the average size
            std::lock_guard lock(m_mutex);
            if (!m_scanned)
                scanLocked(true);
            if (m_count > 0 && m_used > 0 && m_used < m_limit)
                most = std::clamp<std::uint64_t>((m_limit - m_used) / std::max<std::uint64_t>(1, m_used / m_count) + 1, 1, batch);
        }
        wanted.clear();
        for (; next < images.size() && wanted.size() < most; ++next)
            if (missing(images[next].file))
                wanted.push_back(images[next]);
        if (!wanted.empty()) {
            std::lock_guard lock(m_mutex);
            if (!m_scanned)
                scanLocked(true);
            if (untilFull && m_used >= m_limit) {
                if (full)
                    *full = true;
                break;
            }
            written += fetchLocked(db, wanted, nullptr, {});
            if (m_used > m_limit) {
                scanLocked(true); // evicts the least recently used
                if (untilFull) {
                    if (full)
                        *full = true;
                    break; // what is left would only push out what was just fetched
                }
            }
        }
        if (afterBatch && !afterBatch(next))
            break;
    }
    return written;
}

std::size_t ImageCache::fetchLocked(Database &db, const std::vector<Image> &images, QByteArray *wantBytes,
                                    const QByteArray &want)
{
    if (!m_scanned)
        scanLocked(true);
    std::unordered_map<std::string, std::vector<const Image *>> byHash;
    std::vector<QByteArray> hashes;
    hashes.reserve(images.size());
    for (const Image &image : images) {
        byHash[image.contentHash.toStdString()].push_back(&image);
        hashes.push_back(image.contentHash);
    }
    std::size_t written = 0;
    std::string error;
    ImageBlobRepository(db).getMany(hashes, [&](const QByteArray &hash, const QByteArray &bytes) {
        if (wantBytes && hash == want)
            *wantBytes = bytes;
        const auto it = byHash.find(hash.toStdString());
        if (it == byHash.end())
            return true;
        for (const Image *image : it->second) {
            if (!writeAtomically(image->file, bytes, error))
                throw std::runtime_error(error);
            m_used += std::uint64_t(bytes.size());
            ++m_count;
            ++written;
        }
        return true;
    });
    return written;
}

void ImageCache::trim()
{
    std::lock_guard lock(m_mutex);
    scanLocked(true);
}

void ImageCache::scanLocked(bool evict)
{
    struct Entry
    {
        fs::path file;
        std::uint64_t size;
        std::int64_t usedNs;
    };
    std::vector<Entry> entries;
    std::uint64_t total = 0;
    std::error_code ec;
    const fs::path root = m_dir / "images";
    for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        // Image files only (a save in progress is "name.png.XXXXXX"): nothing else is ours to delete.
        if (!it->is_regular_file(ec) || !ImageDecoder::hasImageExtension(it->path()))
            continue;
        struct stat st;
        if (::stat(it->path().c_str(), &st) != 0)
            continue;
        entries.push_back({it->path(), std::uint64_t(st.st_size),
                           std::int64_t(st.st_atim.tv_sec) * 1'000'000'000 + st.st_atim.tv_nsec});
        total += std::uint64_t(st.st_size);
    }
    m_scanned = true;
    m_used = total;
    m_count = entries.size();
    if (!evict || m_limit == kUnlimited || total <= m_limit)
        return;
    // Down to 90% of the limit, so that the next scan is a tenth of the limit away.
    const std::uint64_t target = m_limit - m_limit / 10;
    std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) { return a.usedNs < b.usedNs; });
    for (const Entry &e : entries) {
        if (total <= target)
            break;
        if (fs::remove(e.file, ec)) {
            total -= e.size;
            --m_count;
        }
    }
    m_used = total;
}

Database &ImageCache::connectionLocked()
{
    if (!m_db)
        m_db = m_connector();
    return *m_db;
}

std::optional<QByteArray> ImageCache::hashOfLocked(const fs::path &file)
{
    if (!inside(file, m_dir))
        return std::nullopt;
    const std::string key = file.lexically_relative(m_dir).generic_string();
    if (const auto it = m_hashByPath.find(key); it != m_hashByPath.end())
        return it->second;
    // Images added since the last look (by any client): the new rows only.
    auto q = connectionLocked().query("SELECT id, path, content_hash FROM images WHERE id > ? ORDER BY id");
    q.bind(1, m_lastImageId);
    while (q.step()) {
        m_lastImageId = q.int64(0);
        m_hashByPath[fs::path(q.blobString(1)).generic_string()] = q.blob(2);
    }
    if (const auto it = m_hashByPath.find(key); it != m_hashByPath.end())
        return it->second;
    return std::nullopt;
}

} // namespace activelabel
