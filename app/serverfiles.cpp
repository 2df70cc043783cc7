#include "app/serverfiles.h"

#include "storage/imageblobrepository.h"
#include "storage/imagerepository.h"
#include "storage/modelfilerepository.h"
#include "storage/project.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace activelabel {

namespace fs = std::filesystem;

namespace {

void writeAtomically(const fs::path &file, const QByteArray &bytes)
{
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    QSaveFile out(QString::fromStdString(file.string()));
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit())
        throw std::runtime_error("cannot write " + file.string() + ": " + out.errorString().toStdString());
}

// Cached images arrive by the thousand (a client opening a team project, a trainer taking over),
// and an fsync per file costs more than the rest of the fetch together (21,000 Fashion-MNIST
// images: 60 s of 85 s). So a page of them is written under temporary names, the file system is
// synced once, and only then does each get its name: a file under its own name is whole even
// after a power cut, as with a per-file fsync. A crash in between leaves temporary files only.
class PageWriter
{
public:
    PageWriter() = default;
    PageWriter(const PageWriter &) = delete;
    PageWriter &operator=(const PageWriter &) = delete;
    ~PageWriter()
    {
        for (const auto &[temp, file] : m_pending) {
            std::error_code ec;
            fs::remove(temp, ec);
        }
    }

    void add(const fs::path &file, const QByteArray &bytes)
    {
        std::error_code ec;
        fs::create_directories(file.parent_path(), ec);
        const fs::path temp = file.string() + ".tmp-" + std::to_string(::getpid());
        QFile out(QString::fromStdString(temp.string()));
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) || out.write(bytes) != bytes.size()) {
            const QString reason = out.errorString();
            out.close();
            fs::remove(temp, ec);
            throw std::runtime_error("cannot write " + file.string() + ": " + reason.toStdString());
        }
        out.close();
        m_pending.emplace_back(temp, file);
    }

    // Syncs the written bytes, names the files, and syncs the names. Returns the files named.
    std::size_t commit()
    {
        if (m_pending.empty())
            return 0;
        std::set<fs::path> folders; // one sync per file system is enough; a folder names each
        for (const auto &[temp, file] : m_pending)
            folders.insert(file.parent_path());
        syncFileSystems(folders);
        for (const auto &[temp, file] : m_pending) {
            std::error_code ec;
            fs::rename(temp, file, ec);
            if (ec)
                throw std::runtime_error("cannot write " + file.string() + ": " + ec.message());
        }
        const std::size_t named = m_pending.size();
        m_pending.clear();
        syncFileSystems(folders);
        return named;
    }

private:
    static void syncFileSystems(const std::set<fs::path> &folders)
    {
        std::set<dev_t> synced;
        for (const fs::path &folder : folders) {
            const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            struct stat info = {};
            if (fd >= 0 && ::fstat(fd, &info) == 0 && synced.count(info.st_dev)) {
                ::close(fd);
                continue;
            }
            if (fd < 0 || ::syncfs(fd) != 0) {
                const int error = errno;
                if (fd >= 0)
                    ::close(fd);
                throw std::runtime_error("cannot sync " + folder.string() + ": " + std::strerror(error));
            }
            synced.insert(info.st_dev);
            ::close(fd);
        }
    }

    std::vector<std::pair<fs::path, fs::path>> m_pending; // temporary name, final name
};

} // namespace

std::size_t fetchMissingImages(const Project &project, Database &db, const ImportProgressCallback &progress)
{
    return project.isOnServer() ? fetchMissingImages(project.directory(), db, progress) : 0;
}

std::size_t fetchMissingImages(const fs::path &projectDirectory, Database &db, const ImportProgressCallback &progress)
{
    constexpr int kPage = 5000;
    ImageRepository images(db);
    ImageBlobRepository blobs(db);
    const std::int64_t total = images.count(ImageFilter{});
    std::int64_t seen = 0;
    std::size_t fetched = 0;
    for (std::int64_t after = 0;;) {
        const std::vector<ImageRecord> page = images.list(ImageFilter{}, after, kPage);
        PageWriter writer;
        for (const ImageRecord &r : page) {
            const fs::path stored(r.path);
            const fs::path file = stored.is_relative() ? projectDirectory / stored : stored;
            std::error_code ec;
            if (fs::exists(file, ec))
                continue;
            // An image the server has no bytes of (imported before image bytes were kept) stays
            // missing: its decode reports the missing file, as for a folder project.
            if (const auto bytes = blobs.get(r.contentHash))
                writer.add(file, *bytes);
        }
        fetched += writer.commit();
        seen += static_cast<std::int64_t>(page.size());
        if (progress && !progress({seen, total, QStringLiteral("fetching")}))
            break;
        if (page.size() < static_cast<std::size_t>(kPage))
            break;
        after = page.back().id;
    }
    return fetched;
}

std::size_t publishModelFiles(const Project &project, Database &db)
{
    if (!project.isOnServer())
        return 0;
    ModelFileRepository files(db);
    const std::set<QString> onServer = files.names();
    const QDir dir(QString::fromStdString(project.modelsDir().string()));
    std::size_t uploaded = 0;
    for (const QString &name : dir.entryList(QDir::Files)) {
        if (onServer.count(name) || name.contains(QLatin1String(".tmp-"))) // a save in progress
            continue;
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            throw std::runtime_error("cannot read " + file.fileName().toStdString());
        files.put(name, file.readAll());
        ++uploaded;
    }
    return uploaded;
}

std::size_t fetchModelFiles(const Project &project, Database &db)
{
    if (!project.isOnServer())
        return 0;
    ModelFileRepository files(db);
    std::size_t downloaded = 0;
    for (const QString &name : files.names()) {
        if (name.isEmpty() || name.startsWith(QLatin1Char('.')) || name.contains(QLatin1Char('/')))
            continue; // only plain file names are ours: nothing the server says may leave models/
        const fs::path file = project.modelsDir() / name.toStdString();
        std::error_code ec;
        if (fs::exists(file, ec))
            continue;
        if (const auto bytes = files.get(name)) {
            writeAtomically(file, *bytes);
            ++downloaded;
        }
    }
    return downloaded;
}

} // namespace activelabel
