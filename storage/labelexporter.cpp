#include "storage/labelexporter.h"

#include "storage/csv.h"
#include "storage/imagecache.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "storage/timeutil.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <stdexcept>

namespace activelabel {

namespace {

struct Row
{
    std::int64_t imageId;
    std::string path;
    QString className;
    QString source;
    QString annotator;
    std::int64_t labelledAt;
};

std::vector<Row> currentLabels(Project &project)
{
    auto q = project.database().query(
        "SELECT l.image_id, i.path, c.name, l.source, l.annotator, l.labelled_at FROM labels l "
        "JOIN images i ON i.id = l.image_id JOIN classes c ON c.id = l.class_id ORDER BY l.image_id");
    std::vector<Row> rows;
    while (q.step())
        rows.push_back({q.int64(0), project.resolve(q.blobString(1)).native(), q.text(2), q.text(3), q.text(4), q.int64(5)});
    return rows;
}

void save(const std::filesystem::path &out, const QByteArray &bytes)
{
    QSaveFile file(QFile::decodeName(QByteArray::fromStdString(out.native())));
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw std::runtime_error("cannot write " + out.string() + ": " + file.errorString().toStdString());
}

std::string safeFolderName(const QString &className)
{
    QString name = className;
    name.replace(QLatin1Char('/'), QLatin1Char('_'));
    name.replace(QChar(0), QLatin1Char('_'));
    while (name.startsWith(QLatin1Char('.')))
        name[0] = QLatin1Char('_');
    return name.isEmpty() ? std::string("_") : name.toStdString();
}

} // namespace

ImageFolderPlan LabelExporter::planImageFolder(Project &project)
{
    ImageFolderPlan plan;
    for (const Row &r : currentLabels(project)) {
        const std::filesystem::path source(r.path);
        plan.files.push_back({source, std::filesystem::path(safeFolderName(r.className))
                                          / (std::to_string(r.imageId) + "_" + source.filename().native())});
    }
    return plan;
}

std::size_t LabelExporter::writePlannedFiles(const ImageFolderPlan &plan, const std::filesystem::path &dir,
                                             bool symlinks, const ImportProgressCallback &progress, ImageCache *cache)
{
    namespace fs = std::filesystem;
    constexpr std::size_t kReportEvery = 64;
    const auto total = static_cast<std::int64_t>(plan.files.size());
    std::error_code ec;
    std::size_t written = 0;
    for (const ImageFolderPlan::File &file : plan.files) {
        if (progress && written % kReportEvery == 0
            && !progress({static_cast<std::int64_t>(written), total, QStringLiteral("exporting")}))
            return written;
        const fs::path target = dir / file.target;
        fs::create_directories(target.parent_path(), ec);
        if (ec)
            throw std::runtime_error("cannot create " + target.parent_path().string() + ": " + ec.message());
        fs::remove(target, ec); // replace an earlier export of the same image
        if (symlinks) {
            fs::create_symlink(fs::absolute(file.source), target, ec);
        } else if (cache) { // the bytes in hand: an eviction meanwhile cannot lose them
            std::string bytes, error;
            if (!cache->read(file.source, bytes, error))
                throw std::runtime_error("cannot export " + file.source.string() + ": " + error);
            QFile out(QString::fromStdString(target.string()));
            if (!out.open(QIODevice::WriteOnly) || out.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()))
                ec = std::make_error_code(std::errc::io_error);
        } else {
            fs::copy_file(file.source, target, fs::copy_options::overwrite_existing, ec);
        }
        if (ec)
            throw std::runtime_error("cannot write " + target.string() + ": " + ec.message());
        ++written;
    }
    if (progress)
        progress({total, total, QStringLiteral("exporting")});
    return written;
}

std::size_t LabelExporter::writeImageFolder(Project &project, const std::filesystem::path &dir, bool symlinks,
                                            const ImportProgressCallback &progress)
{
    return writePlannedFiles(planImageFolder(project), dir, symlinks, progress);
}

std::size_t LabelExporter::writeCsv(Project &project, const std::filesystem::path &out)
{
    const std::vector<Row> rows = currentLabels(project);
    std::string text = Csv::line({"image_id", "path", "class", "source", "annotator", "labelled_at"});
    for (const Row &r : rows)
        text += Csv::line({std::to_string(r.imageId), r.path, r.className.toStdString(), r.source.toStdString(),
                           r.annotator.toStdString(), isoTime(r.labelledAt).toStdString()});
    save(out, QByteArray::fromStdString(text));
    return rows.size();
}

std::size_t LabelExporter::writeJson(Project &project, const std::filesystem::path &out)
{
    const std::vector<Row> rows = currentLabels(project);
    QJsonArray array;
    for (const Row &r : rows) {
        QJsonObject o;
        o.insert(QStringLiteral("image_id"), static_cast<qint64>(r.imageId));
        o.insert(QStringLiteral("path"), QString::fromUtf8(r.path.data(), static_cast<qsizetype>(r.path.size())));
        o.insert(QStringLiteral("class"), r.className);
        o.insert(QStringLiteral("source"), r.source);
        o.insert(QStringLiteral("annotator"), r.annotator);
        o.insert(QStringLiteral("labelled_at"), isoTime(r.labelledAt));
        array.append(o);
    }
    save(out, QJsonDocument(array).toJson(QJsonDocument::Indented));
    return rows.size();
}

} // namespace activelabel
