#include "app/gui/importjob.h"

#include "app/serverfiles.h"
#include "storage/fashionmnistimporter.h"
#include "storage/imageimporter.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

namespace activelabel {

namespace {

constexpr int kMaxProblemsShown = 500;

std::vector<std::filesystem::path> toPaths(const QStringList &paths)
{
    std::vector<std::filesystem::path> out;
    for (const QString &p : paths)
        out.emplace_back(p.toStdString());
    return out;
}

struct Target
{
    std::function<std::unique_ptr<Database>()> connect;
    std::filesystem::path directory;
    bool onServer = false;
};

ImportSummary runImport(const Target &target, const ImportRequest &request, const ImportProgressCallback &progress)
{
    // This thread's own connection: the UI thread keeps reading through its own.
    const std::unique_ptr<Database> connection = target.connect();
    Database &db = *connection;
    const std::filesystem::path &projectDir = target.directory;
    ImageImporter::Options upload;
    if (target.onServer)
        upload.uploadTo = projectDir;
    switch (request.kind) {
    case ImportRequest::Kind::Folders:
    case ImportRequest::Kind::ImageFolder: {
        ImageImporter::Options options = upload;
        if (request.kind == ImportRequest::Kind::ImageFolder)
            options.labelMode = request.asGroundTruth ? ImportLabelMode::GroundTruth : ImportLabelMode::Labels;
        return ImageImporter(db, options)
            .importPaths(toPaths(request.paths), request.kind == ImportRequest::Kind::ImageFolder, progress);
    }
    case ImportRequest::Kind::Csv: {
        ImageImporter::Options options = upload;
        options.labelMode = request.asGroundTruth ? ImportLabelMode::GroundTruth : ImportLabelMode::Labels;
        return ImageImporter(db, options).importCsv(request.paths.value(0).toStdString(), progress);
    }
    case ImportRequest::Kind::Rescan:
        return ImageImporter(db, upload).rescan(progress);
    case ImportRequest::Kind::FashionMnist: {
        FashionMnistImporter::Options options;
        if (request.limit > 0)
            options.limit = static_cast<std::size_t>(request.limit);
        options.seed = 1;
        options.storeBytes = target.onServer;
        return FashionMnistImporter(db, projectDir, options).run(progress);
    }
    }
    return {};
}

} // namespace

FileJobRunner::Job importJob(const Project &project, ImportRequest request)
{
    const Target target{project.connector(), project.directory(), project.isOnServer()};
    return [target, request = std::move(request)](const ImportProgressCallback &progress) {
        FileJobRunner::Outcome outcome;
        try {
            const ImportSummary result = runImport(target, request, progress);
            outcome.summary = result.text();
            for (const auto &[path, reason] : result.problems) {
                if (outcome.problems.size() >= kMaxProblemsShown)
                    break;
                outcome.problems << QStringLiteral("%1: %2").arg(
                    QString::fromLocal8Bit(path.data(), qsizetype(path.size())), reason);
            }
        } catch (const std::exception &e) {
            outcome.ok = false;
            outcome.summary = QObject::tr("Import failed: %1").arg(QString::fromUtf8(e.what()));
        }
        return outcome;
    };
}

FileJobRunner::Job fetchImagesJob(const Project &project)
{
    return [connect = project.connector(), cache = project.imageCache()](const ImportProgressCallback &progress) {
        const std::unique_ptr<Database> db = connect();
        const std::size_t fetched = cache ? fetchMissingImages(*cache, *db, progress) : 0;
        return FileJobRunner::Outcome{QObject::tr("Fetched %n image(s) from the server", nullptr, int(fetched)), {}, true};
    };
}

} // namespace activelabel
