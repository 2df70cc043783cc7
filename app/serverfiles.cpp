#include "app/serverfiles.h"

#include "storage/imagecache.h"
#include "storage/imagerepository.h"
#include "storage/modelfilerepository.h"
#include "storage/project.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>

#include <filesystem>
#include <stdexcept>

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

} // namespace

std::size_t fetchMissingImages(const Project &project, Database &db, const ImportProgressCallback &progress)
{
    return project.imageCache() ? fetchMissingImages(*project.imageCache(), db, progress) : 0;
}

std::size_t fetchMissingImages(ImageCache &cache, Database &db, const ImportProgressCallback &progress)
{
    constexpr int kPage = 5000;
    ImageRepository images(db);
    const std::int64_t total = images.count(ImageFilter{});
    std::int64_t seen = 0;
    std::size_t fetched = 0;
    bool cancelled = false;
    std::vector<ImageCache::Image> page;
    for (std::int64_t after = 0; !cancelled;) {
        const std::vector<ImageRecord> rows = images.list(ImageFilter{}, after, kPage);
        page.clear();
        for (const ImageRecord &r : rows) {
            const fs::path stored(r.path);
            // An image outside the cache (an absolute path) is not the server's to write; one the
            // server has no bytes of stays missing, and its decode reports the missing file.
            if (stored.is_relative())
                page.push_back({r.contentHash, cache.directory() / stored});
        }
        bool full = false;
        fetched += cache.fetchMissing(db, page, true, [&](std::size_t done) {
            // `done` counts the page's cached images; the rest of the page is reported after it.
            cancelled = progress && !progress({seen + std::int64_t(done), total, QStringLiteral("fetching")});
            return !cancelled;
        }, &full);
        if (full)
            break; // the rest come when read
        seen += static_cast<std::int64_t>(rows.size());
        if (!cancelled && progress && !progress({seen, total, QStringLiteral("fetching")}))
            break;
        if (rows.size() < static_cast<std::size_t>(kPage))
            break;
        after = rows.back().id;
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
