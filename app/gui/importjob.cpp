#include "app/gui/importjob.h"

#include "storage/fashionmnistimporter.h"
#include "storage/imageimporter.h"
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

ImportSummary runImport(const std::filesystem::path &projectDir, const ImportRequest &request,
                        const ImportProgressCallback &progress)
{
    // This thread's own connection: the UI thread keeps reading through its own.
    Database db(projectDir / "project.sqlite", Database::Access::ReadWrite);
    switch (request.kind) {
    case ImportRequest::Kind::Folders:
    case ImportRequest::Kind::ImageFolder: {
        ImageImporter::Options options;
        if (request.kind == ImportRequest::Kind::ImageFolder)
            options.labelMode = request.asGroundTruth ? ImportLabelMode::GroundTruth : ImportLabelMode::Labels;
        return ImageImporter(db, options)
            .importPaths(toPaths(request.paths), request.kind == ImportRequest::Kind::ImageFolder, progress);
    }
    case ImportRequest::Kind::Csv: {
        ImageImporter::Options options;
        options.labelMode = request.asGroundTruth ? ImportLabelMode::GroundTruth : ImportLabelMode::Labels;
        return ImageImporter(db, options).importCsv(request.paths.value(0).toStdString(), progress);
    }
    case ImportRequest::Kind::Rescan:
        return ImageImporter(db, {}).rescan(progress);
    case ImportRequest::Kind::FashionMnist: {
        FashionMnistImporter::Options options;
        if (request.limit > 0)
            options.limit = static_cast<std::size_t>(request.limit);
        options.seed = 1;
        return FashionMnistImporter(db, projectDir, options).run(progress);
    }
    }
    return {};
}

} // namespace

FileJobRunner::Job importJob(std::filesystem::path projectDir, ImportRequest request)
{
    return [projectDir = std::move(projectDir), request = std::move(request)](const ImportProgressCallback &progress) {
        FileJobRunner::Outcome outcome;
        try {
            const ImportSummary result = runImport(projectDir, request, progress);
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

} // namespace activelabel
