#include "model/detail/diskfeaturestore.h"

#include <QCryptographicHash>
#include <QByteArray>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace activelabel::detail {

namespace fs = std::filesystem;

namespace {

constexpr const char *kMetaFile = "meta.txt";
constexpr const char *kRowsFile = "rows.bin";
constexpr const char *kKeysFile = "keys.bin";

std::uint64_t fileBytes(int fd)
{
    struct stat st {};
    return ::fstat(fd, &st) == 0 ? std::uint64_t(st.st_size) : 0;
}

bool writeAll(int fd, const char *data, std::size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= std::size_t(n);
    }
    return true;
}

bool readAll(int fd, char *out, std::size_t size, std::uint64_t offset)
{
    while (size > 0) {
        const ssize_t n = ::pread(fd, out, size, off_t(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        out += n;
        size -= std::size_t(n);
        offset += std::uint64_t(n);
    }
    return true;
}

std::uint64_t folderBytes(const fs::path &dir)
{
    std::uint64_t total = 0;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code sizeError;
        const auto size = it->is_regular_file(sizeError) ? it->file_size(sizeError) : 0;
        if (!sizeError)
            total += size;
    }
    return total;
}

std::string readText(const fs::path &file)
{
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

DiskFeatureStore::DiskFeatureStore(fs::path root, std::uint64_t budgetBytes)
    : m_root(std::move(root)), m_budget(budgetBytes)
{
}

DiskFeatureStore::~DiskFeatureStore()
{
    close();
}

std::string DiskFeatureStore::normalisedKey(const std::string &contentKey)
{
    if (contentKey.size() < kKeyBytes) {
        std::string key(kKeyBytes, '\0');
        key[0] = char(contentKey.size());
        std::memcpy(key.data() + 1, contentKey.data(), contentKey.size());
        return key;
    }
    const QByteArray digest =
        QCryptographicHash::hash(QByteArrayView(contentKey.data(), qsizetype(contentKey.size())), QCryptographicHash::Sha256);
    std::string key(kKeyBytes, '\0');
    key[0] = char(0xff); // no short key has this length byte
    std::memcpy(key.data() + 1, digest.constData(), kKeyBytes - 1);
    return key;
}

void DiskFeatureStore::close()
{
    if (m_rowsFd >= 0)
        ::close(m_rowsFd);
    if (m_keysFd >= 0)
        ::close(m_keysFd);
    m_rowsFd = m_keysFd = -1;
    m_segment.clear();
    m_meta.clear();
    m_rowIndex.clear();
    m_full = false;
}

bool DiskFeatureStore::open(const std::string &segmentKey, std::size_t rowBytes, const std::string &meta)
{
    if (isOpen() && m_segment == segmentKey && m_rowBytes == rowBytes)
        return true;
    close();
    if (rowBytes == 0 || m_budget == 0)
        return false;
    std::error_code ec;
    const fs::path dir = m_root / segmentKey;
    const std::string wantedMeta = meta + "\nrow_bytes " + std::to_string(rowBytes) + "\n";
    if (fs::exists(dir / kMetaFile, ec) && readText(dir / kMetaFile) != wantedMeta)
        fs::remove_all(dir, ec); // another layout under the same key: derived data, start afresh
    fs::create_directories(dir, ec);
    if (ec)
        return false;
    if (!fs::exists(dir / kMetaFile, ec)) {
        const fs::path temporary = dir / (std::string(kMetaFile) + ".tmp");
        {
            std::ofstream out(temporary, std::ios::trunc);
            out << wantedMeta;
            if (!out.flush())
                return false;
        }
        fs::rename(temporary, dir / kMetaFile, ec);
        if (ec)
            return false;
    }
    m_rowsFd = ::open((dir / kRowsFile).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    m_keysFd = ::open((dir / kKeysFile).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_rowsFd < 0 || m_keysFd < 0) {
        close();
        return false;
    }
    m_segment = segmentKey;
    m_dir = dir;
    m_rowBytes = rowBytes;
    m_meta = meta;
    loadIndex(fileBytes(m_rowsFd), fileBytes(m_keysFd));
    fs::last_write_time(dir, fs::file_time_type::clock::now(), ec); // most recently used
    evictOthers(0);
    return true;
}

void DiskFeatureStore::loadIndex(std::uint64_t rowsFileBytes, std::uint64_t keysFileBytes)
{
    const std::uint64_t count = std::min(rowsFileBytes / m_rowBytes, keysFileBytes / kKeyBytes);
    // A torn tail (a crash between the two appends) is cut off, so new rows line up with keys.
    if (rowsFileBytes != count * m_rowBytes && ::ftruncate(m_rowsFd, off_t(count * m_rowBytes)) != 0) {
        close();
        return;
    }
    if (keysFileBytes != count * kKeyBytes && ::ftruncate(m_keysFd, off_t(count * kKeyBytes)) != 0) {
        close();
        return;
    }
    std::string keys(std::size_t(count * kKeyBytes), '\0');
    if (count > 0 && !readAll(m_keysFd, keys.data(), keys.size(), 0)) {
        close();
        return;
    }
    m_rowIndex.reserve(std::size_t(count));
    for (std::uint64_t row = 0; row < count; ++row)
        m_rowIndex.emplace(keys.substr(std::size_t(row * kKeyBytes), kKeyBytes), std::int64_t(row));
}

void DiskFeatureStore::evictOthers(std::uint64_t need)
{
    std::error_code ec;
    std::vector<std::pair<fs::file_time_type, fs::path>> others;
    std::uint64_t total = segmentBytes();
    for (fs::directory_iterator it(m_root, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_directory() || it->path() == m_dir)
            continue;
        total += folderBytes(it->path());
        std::error_code timeError;
        others.emplace_back(fs::last_write_time(it->path(), timeError), it->path());
    }
    std::sort(others.begin(), others.end()); // least recently used first
    for (const auto &[time, path] : others) {
        if (total + need <= m_budget)
            break;
        total -= std::min(total, folderBytes(path));
        fs::remove_all(path, ec);
    }
}

bool DiskFeatureStore::openExisting(const std::string &segmentKey)
{
    if (isOpen() && m_segment == segmentKey)
        return true;
    std::error_code ec;
    const fs::path metaFile = m_root / segmentKey / kMetaFile;
    if (!fs::exists(metaFile, ec))
        return false;
    const std::string text = readText(metaFile);
    const std::string marker = "\nrow_bytes ";
    const std::size_t at = text.rfind(marker);
    if (at == std::string::npos)
        return false;
    const std::size_t rowBytes = std::size_t(std::strtoull(text.c_str() + at + marker.size(), nullptr, 10));
    return rowBytes > 0 && open(segmentKey, rowBytes, text.substr(0, at));
}

std::int64_t DiskFeatureStore::find(const std::string &contentKey) const
{
    const auto it = m_rowIndex.find(normalisedKey(contentKey));
    return it == m_rowIndex.end() ? -1 : it->second;
}

bool DiskFeatureStore::read(const std::vector<std::int64_t> &rows, void *out) const
{
    if (!isOpen())
        return false;
    char *target = static_cast<char *>(out);
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (!readAll(m_rowsFd, target + i * m_rowBytes, m_rowBytes, std::uint64_t(rows[i]) * m_rowBytes))
            return false;
    return true;
}

std::size_t DiskFeatureStore::append(const std::vector<std::string> &contentKeys, const void *data)
{
    if (!isOpen() || m_full)
        return 0;
    const char *source = static_cast<const char *>(data);
    std::string rows, keys;
    std::vector<std::string> added;
    for (std::size_t i = 0; i < contentKeys.size(); ++i) {
        if (contentKeys[i].empty())
            continue;
        std::string key = normalisedKey(contentKeys[i]);
        if (m_rowIndex.count(key) || std::find(added.begin(), added.end(), key) != added.end())
            continue;
        rows.append(source + i * m_rowBytes, m_rowBytes);
        keys.append(key);
        added.push_back(std::move(key));
    }
    if (added.empty())
        return 0;
    const std::uint64_t need = rows.size() + keys.size();
    if (segmentBytes() + need > m_budget) {
        m_full = true; // this segment alone fills the budget: the rest stays in memory only
        return 0;
    }
    evictOthers(need);
    const std::uint64_t rowsBefore = fileBytes(m_rowsFd), keysBefore = fileBytes(m_keysFd);
    const bool written = ::lseek(m_rowsFd, 0, SEEK_END) >= 0 && writeAll(m_rowsFd, rows.data(), rows.size()) &&
                         ::lseek(m_keysFd, 0, SEEK_END) >= 0 && writeAll(m_keysFd, keys.data(), keys.size());
    if (!written) {
        // A full disk (or worse): take back what was written and persist nothing more this session.
        [[maybe_unused]] const int a = ::ftruncate(m_rowsFd, off_t(rowsBefore));
        [[maybe_unused]] const int b = ::ftruncate(m_keysFd, off_t(keysBefore));
        m_full = true;
        return 0;
    }
    std::int64_t row = std::int64_t(m_rowIndex.size());
    for (std::string &key : added)
        m_rowIndex.emplace(std::move(key), row++);
    return added.size();
}

std::uint64_t DiskFeatureStore::segmentBytes() const
{
    return isOpen() ? fileBytes(m_rowsFd) + fileBytes(m_keysFd) : 0;
}

std::uint64_t DiskFeatureStore::totalBytes() const
{
    std::uint64_t total = 0;
    std::error_code ec;
    for (fs::directory_iterator it(m_root, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory())
            total += folderBytes(it->path());
    return total;
}

} // namespace activelabel::detail
