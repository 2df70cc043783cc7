#include "app/serverfiles.h"

#include "storage/imageblobrepository.h"
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
        for (const ImageRecord &r : page) {
            const fs::path stored(r.path);
            const fs::path file = stored.is_relative() ? projectDirectory / stored : stored;
            std::error_code ec;
            if (fs::exists(file, ec))
                continue;
            // An image the server has no bytes of (imported before image bytes were kept) stays
            // missing: its decode reports the missing file, as for a folder project.
            if (const auto bytes = blobs.get(r.contentHash)) {
                writeAtomically(file, *bytes);
                ++fetched;
            }
        }
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
