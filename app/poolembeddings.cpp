#include "app/poolembeddings.h"

#include <QFile>

#include <opencv2/core.hpp>

#include <algorithm>
#include <cstring>
#include <system_error>

namespace activelabel {

namespace {

// pool-v<version>.emb: a fixed header, the image ids, then rows x cols IEEE half floats, all in
// the machine's byte order (a cache file, read back by the machine that wrote it).
constexpr char kMagic[8] = {'A', 'L', 'P', 'O', 'O', 'L', 'E', 'M'};
constexpr std::uint32_t kFormat = 1;

struct Header
{
    char magic[8];
    std::uint32_t format;
    std::uint32_t bytesPerValue;
    std::int64_t modelVersion;
    std::uint64_t rows;
    std::uint64_t cols;
};
static_assert(sizeof(Header) == 40, "the file header has no padding");

QString qPath(const std::filesystem::path &p)
{
    return QString::fromStdString(p.string());
}

} // namespace

PoolEmbeddings::PoolEmbeddings(std::int64_t modelVersion, std::vector<std::int64_t> imageIds,
                               FloatMatrix matrix)
    : m_modelVersion(modelVersion), m_imageIds(std::move(imageIds)), m_matrix(std::move(matrix))
{
    // Rescoring lists images in id order: then a binary search finds a row, and nothing is built
    // (a hash map of 500,000 ids took longer than writing the file).
    m_sorted = std::is_sorted(m_imageIds.begin(), m_imageIds.end());
    if (!m_sorted) {
        m_rowById.reserve(m_imageIds.size());
        for (std::size_t r = 0; r < m_imageIds.size(); ++r)
            m_rowById.emplace(m_imageIds[r], r);
    }
}

long long PoolEmbeddings::rowOf(std::int64_t imageId) const
{
    if (m_sorted) {
        const auto it = std::lower_bound(m_imageIds.begin(), m_imageIds.end(), imageId);
        return it != m_imageIds.end() && *it == imageId
                   ? static_cast<long long>(it - m_imageIds.begin())
                   : -1;
    }
    const auto it = m_rowById.find(imageId);
    return it == m_rowById.end() ? -1 : static_cast<long long>(it->second);
}

std::filesystem::path PoolEmbeddings::directory(const std::filesystem::path &projectDir)
{
    return projectDir / "cache" / "embeddings";
}

std::filesystem::path PoolEmbeddings::fileFor(const std::filesystem::path &projectDir,
                                              std::int64_t modelVersion)
{
    return directory(projectDir) / ("pool-v" + std::to_string(modelVersion) + ".emb");
}

bool PoolEmbeddings::save(const std::filesystem::path &projectDir, QString *error) const
{
    auto fail = [&](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    std::error_code ec;
    std::filesystem::create_directories(directory(projectDir), ec);
    if (ec)
        return fail(QStringLiteral("cannot create %1: %2")
                        .arg(qPath(directory(projectDir)), QString::fromStdString(ec.message())));

    Header header{};
    std::memcpy(header.magic, kMagic, sizeof kMagic);
    header.format = kFormat;
    header.bytesPerValue = 2;
    header.modelVersion = m_modelVersion;
    header.rows = m_matrix.rows;
    header.cols = m_matrix.cols;
    // fp16 halves the file (and the write) at no cost to neighbour order that matters: the feature
    // store keeps the same features in fp16 already.
    cv::Mat half;
    if (!m_matrix.data.empty())
        cv::Mat(int(m_matrix.rows), int(m_matrix.cols), CV_32F,
                const_cast<float *>(m_matrix.data.data()))
            .convertTo(half, CV_16F);

    // A temporary file renamed over the final name: a reader sees the old file or the new one,
    // never half of one. No fsync (QSaveFile's costs most of the write under load): this is derived
    // data, and a file a crash left short is refused by load()'s size check and rewritten by the
    // next rescoring.
    const std::filesystem::path path = fileFor(projectDir, m_modelVersion);
    const std::filesystem::path temporary = path.string() + ".tmp";
    QFile file(qPath(temporary));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return fail(
            QStringLiteral("cannot write %1: %2").arg(qPath(temporary), file.errorString()));
    const qint64 idBytes = qint64(m_imageIds.size() * sizeof(std::int64_t));
    const qint64 valueBytes = qint64(half.total() * half.elemSize());
    bool ok =
        file.write(reinterpret_cast<const char *>(&header), sizeof header) == qint64(sizeof header);
    ok = ok && file.write(reinterpret_cast<const char *>(m_imageIds.data()), idBytes) == idBytes;
    ok = ok && (valueBytes == 0 ||
                file.write(reinterpret_cast<const char *>(half.data), valueBytes) == valueBytes);
    file.close();
    if (!ok || file.error() != QFileDevice::NoError) {
        const QString why = file.errorString();
        std::filesystem::remove(temporary, ec);
        return fail(QStringLiteral("cannot write %1: %2").arg(qPath(temporary), why));
    }
    std::filesystem::rename(temporary, path, ec);
    if (ec) {
        std::filesystem::remove(temporary, ec);
        return fail(QStringLiteral("cannot rename %1: %2")
                        .arg(qPath(temporary), QString::fromStdString(ec.message())));
    }

    // Older versions' files (and temporary files a crash left) are of no use once this one is
    // there (a reader that has one open keeps reading it: removing an open file is safe here).
    for (const auto &entry : std::filesystem::directory_iterator(directory(projectDir), ec)) {
        const std::string name = entry.path().filename().string();
        const auto extension = entry.path().extension();
        if (entry.path() != path && name.rfind("pool-v", 0) == 0 &&
            (extension == ".emb" || extension == ".tmp"))
            std::filesystem::remove(entry.path(), ec);
    }
    return true;
}

std::optional<PoolEmbeddings> PoolEmbeddings::load(const std::filesystem::path &projectDir,
                                                   std::int64_t modelVersion, QString *error)
{
    const std::filesystem::path path = fileFor(projectDir, modelVersion);
    auto fail = [&](const QString &why) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(qPath(path), why);
        return std::nullopt;
    };
    QFile file(qPath(path));
    if (!file.open(QIODevice::ReadOnly))
        return fail(file.errorString());
    Header header{};
    if (file.read(reinterpret_cast<char *>(&header), sizeof header) != qint64(sizeof header) ||
        std::memcmp(header.magic, kMagic, sizeof kMagic) != 0 || header.format != kFormat ||
        header.bytesPerValue != 2 || header.modelVersion != modelVersion)
        return fail(QStringLiteral("not a pool embeddings file of this version"));
    const std::uint64_t limit = std::uint64_t(1) << 31;
    if (header.rows >= limit || header.cols >= (std::uint64_t(1) << 16) ||
        (header.rows > 0 && header.cols == 0))
        return fail(QStringLiteral("implausible size %1 x %2").arg(header.rows).arg(header.cols));
    const qint64 idBytes = qint64(header.rows * sizeof(std::int64_t));
    const qint64 valueBytes = qint64(header.rows * header.cols * 2);
    if (file.size() != qint64(sizeof header) + idBytes + valueBytes)
        return fail(QStringLiteral("truncated or overlong"));

    std::vector<std::int64_t> ids(header.rows);
    if (file.read(reinterpret_cast<char *>(ids.data()), idBytes) != idBytes)
        return fail(file.errorString());
    FloatMatrix matrix(header.rows, header.cols);
    if (header.rows > 0) {
        cv::Mat half(int(header.rows), int(header.cols), CV_16F);
        if (file.read(reinterpret_cast<char *>(half.data), valueBytes) != valueBytes)
            return fail(file.errorString());
        cv::Mat wrapped(int(header.rows), int(header.cols), CV_32F, matrix.data.data());
        half.convertTo(wrapped, CV_32F);
    }
    return PoolEmbeddings(modelVersion, std::move(ids), std::move(matrix));
}

} // namespace activelabel
