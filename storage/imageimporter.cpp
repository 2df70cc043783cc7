#include "storage/imageimporter.h"

#include "storage/classrepository.h"
#include "storage/csv.h"
#include "storage/folderwalker.h"
#include "storage/groundtruthrepository.h"
#include "storage/imageblobrepository.h"
#include "storage/imagedecoder.h"
#include "storage/importlogrepository.h"
#include "storage/importrootrepository.h"
#include "storage/labelrepository.h"
#include "storage/sqlitedatabase.h"
#include "storage/timeutil.h"
#include "storage/transaction.h"

#include <QCryptographicHash>
#include <QSaveFile>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <stdexcept>
#include <thread>
#include <unordered_set>

namespace activelabel {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxProblemsKept = 200;

struct Prepared
{
    bool ok = false;
    QString reason;
    QByteArray hash;
    int width = 0;
    int height = 0;
    std::string bytes; // kept only when they are uploaded
};

Prepared prepare(const std::string &path, bool keepBytes)
{
    Prepared p;
    std::string bytes;
    std::string error;
    if (!ImageDecoder::readFile(path, bytes, error)) {
        p.reason = QString::fromStdString(error);
        return p;
    }
    ImageDecoder::Header header;
    if (!ImageDecoder::validate(bytes.data(), bytes.size(), header, error)) {
        p.reason = QString::fromStdString(error);
        return p;
    }
    p.hash = QCryptographicHash::hash(QByteArrayView(bytes.data(), static_cast<qsizetype>(bytes.size())),
                                      QCryptographicHash::Sha1);
    p.width = header.width; // after EXIF orientation: what every consumer sees
    p.height = header.height;
    p.ok = true;
    if (keepBytes)
        p.bytes = std::move(bytes);
    return p;
}

// Runs prepare() over a batch with `threads` workers pulling indices from a shared counter.
std::vector<Prepared> prepareBatch(const std::vector<ImportCandidate> &files, std::size_t begin, std::size_t end,
                                   int threads, bool keepBytes)
{
    std::vector<Prepared> out(end - begin);
    std::atomic<std::size_t> next{begin};
    auto work = [&] {
        for (std::size_t i = next++; i < end; i = next++)
            out[i - begin] = prepare(files[i].path, keepBytes);
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(work);
    work();
    for (auto &t : pool)
        t.join();
    return out;
}

// A team project's image: its bytes to the server, a copy to the cache, and the stored path
// relative to the project (each client resolves it into its own cache).
std::string upload(ImageBlobRepository &blobs, const fs::path &cacheDir, const std::string &source, const Prepared &p)
{
    const QByteArray bytes = QByteArray::fromStdString(p.bytes);
    blobs.put(p.hash, bytes);
    std::string extension = fs::path(source).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
    const std::string relative = "images/imported/" + p.hash.toHex().toStdString() + extension;
    const fs::path file = cacheDir / relative;
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    QSaveFile out(QString::fromStdString(file.string()));
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit())
        throw std::runtime_error("cannot write " + file.string() + ": " + out.errorString().toStdString());
    return relative;
}

void keepProblem(ImportSummary &summary, const std::string &path, const QString &reason)
{
    if (summary.problems.size() < kMaxProblemsKept)
        summary.problems.emplace_back(path, reason);
}

} // namespace

QString ImportSummary::text() const
{
    QString s = QStringLiteral("%1 added, %2 duplicates, %3 rejected").arg(added).arg(duplicates).arg(rejected);
    if (labelled)
        s += QStringLiteral(", %1 labelled").arg(labelled);
    if (groundTruth)
        s += QStringLiteral(", %1 with ground truth (kept apart from labels)").arg(groundTruth);
    if (classesAdded)
        s += QStringLiteral(", %1 new classes").arg(classesAdded);
    if (cancelled)
        s += QStringLiteral(" (cancelled)");
    return s;
}

ImageImporter::ImageImporter(Database &db, Options options) : m_db(db), m_options(std::move(options)) {}

ImportSummary ImageImporter::run(const std::vector<ImportCandidate> &files, const ImportProgressCallback &progress)
{
    ImportSummary summary;
    summary.candidates = static_cast<std::int64_t>(files.size());
    ImageRepository images(m_db);
    ClassRepository classes(m_db);
    LabelRepository labels(m_db);
    GroundTruthRepository truth(m_db);
    ImportLogRepository log(m_db);
    ImageBlobRepository blobs(m_db);
    const bool uploading = !m_options.uploadTo.empty();
    std::map<QString, std::int64_t> classIds;

    auto classIdFor = [&](const QString &name) {
        auto it = classIds.find(name);
        if (it != classIds.end())
            return it->second;
        std::int64_t id;
        if (auto existing = classes.find(name)) {
            id = existing->id;
        } else {
            id = classes.add(name);
            ++summary.classesAdded;
        }
        classIds.emplace(name, id);
        return id;
    };
    auto applyClass = [&](std::int64_t imageId, const std::optional<QString> &className) {
        if (!className || className->isEmpty() || m_options.labelMode == ImportLabelMode::None)
            return;
        const std::int64_t classId = classIdFor(*className);
        if (m_options.labelMode == ImportLabelMode::Labels) {
            if (labels.writeInTransaction(imageId, classId, LabelSource::Import, m_options.annotator, false))
                ++summary.labelled;
        } else if (!truth.get(imageId)) {
            truth.set(imageId, classId);
            ++summary.groundTruth;
        }
    };

    const std::size_t batch = static_cast<std::size_t>(std::max(1, m_options.batchSize));
    const int threads = std::max(1, m_options.threads);
    for (std::size_t begin = 0; begin < files.size(); begin += batch) {
        const std::size_t end = std::min(files.size(), begin + batch);
        const std::vector<Prepared> prepared = prepareBatch(files, begin, end, threads, uploading);
        Transaction tx(m_db);
        const std::int64_t now = nowMs();
        for (std::size_t i = begin; i < end; ++i) {
            const ImportCandidate &file = files[i];
            const Prepared &p = prepared[i - begin];
            if (!p.ok) {
                log.addRejected(file.path, p.reason);
                keepProblem(summary, file.path, p.reason);
                ++summary.rejected;
                continue;
            }
            if (auto existing = images.findByHash(p.hash)) {
                const QString reason = QStringLiteral("duplicate of image %1 (same content)").arg(*existing);
                log.addDuplicate(file.path, reason);
                keepProblem(summary, file.path, reason);
                ++summary.duplicates;
                applyClass(*existing, file.className);
                continue;
            }
            ImageRecord record;
            record.path = uploading ? upload(blobs, m_options.uploadTo, file.path, p) : file.path;
            record.contentHash = p.hash;
            record.width = p.width;
            record.height = p.height;
            record.split = m_options.split;
            record.added = now;
            const std::int64_t id = images.add(record);
            ++summary.added;
            applyClass(id, file.className);
        }
        tx.commit();
        if (progress && !progress({static_cast<std::int64_t>(end), summary.candidates, QStringLiteral("importing")})) {
            summary.cancelled = end < files.size();
            break;
        }
    }
    return summary;
}

ImportSummary ImageImporter::importPaths(const std::vector<fs::path> &paths, bool imageFolder,
                                         const ImportProgressCallback &progress)
{
    bool cancelled = false;
    auto scanProgress = [&](const ImportProgress &p) {
        if (progress && !progress(p))
            cancelled = true;
        return !cancelled;
    };
    FolderWalker::Result found = FolderWalker::walk(paths, imageFolder, scanProgress);
    if (cancelled) {
        ImportSummary summary;
        summary.cancelled = true;
        return summary;
    }
    // Remember the folders (not single files) so that a rescan can look in them again; also when
    // this import is cancelled later: a rescan then finishes it.
    {
        ImportRootRepository roots(m_db);
        for (const fs::path &path : paths) {
            std::error_code error;
            if (!fs::is_directory(path, error))
                continue;
            ImportRoot root;
            root.path = fs::absolute(path, error).lexically_normal().string();
            root.imageFolder = imageFolder;
            root.labelMode = m_options.labelMode;
            if (!error)
                roots.remember(root);
        }
    }
    ImportSummary summary = run(found.files, progress);
    if (!found.problems.empty()) {
        ImportLogRepository log(m_db);
        Transaction tx(m_db);
        for (const auto &[path, reason] : found.problems) {
            log.addRejected(path, reason);
            keepProblem(summary, path, reason);
            ++summary.rejected;
        }
        tx.commit();
    }
    return summary;
}

ImportSummary ImageImporter::rescan(const ImportProgressCallback &progress)
{
    // Every path the project has already seen, as the walker spells it (absolute, raw bytes).
    std::unordered_set<std::string> seen;
    {
        auto q = m_db.query("SELECT path FROM images UNION SELECT path FROM import_log");
        while (q.step())
            seen.insert(q.blobString(0));
    }
    ImportSummary total;
    const Options saved = m_options;
    for (const ImportRoot &root : ImportRootRepository(m_db).list()) {
        std::error_code error;
        if (!fs::is_directory(root.path, error)) {
            keepProblem(total, root.path, QStringLiteral("imported before, but the folder no longer exists"));
            continue;
        }
        bool cancelled = false;
        auto scanProgress = [&](const ImportProgress &p) {
            if (progress && !progress(p))
                cancelled = true;
            return !cancelled;
        };
        FolderWalker::Result found = FolderWalker::walk({fs::path(root.path)}, root.imageFolder, scanProgress);
        if (cancelled) {
            total.cancelled = true;
            break;
        }
        std::vector<ImportCandidate> fresh;
        for (ImportCandidate &file : found.files)
            if (seen.insert(file.path).second)
                fresh.push_back(std::move(file));
        m_options.labelMode = root.labelMode;
        ImportSummary summary = run(fresh, progress);
        m_options = saved;
        std::vector<std::pair<std::string, QString>> problems;
        for (auto &problem : found.problems)
            if (seen.insert(problem.first).second)
                problems.push_back(std::move(problem));
        if (!problems.empty()) {
            ImportLogRepository log(m_db);
            Transaction tx(m_db);
            for (const auto &[path, reason] : problems) {
                log.addRejected(path, reason);
                keepProblem(summary, path, reason);
                ++summary.rejected;
            }
            tx.commit();
        }
        total.candidates += summary.candidates;
        total.added += summary.added;
        total.duplicates += summary.duplicates;
        total.rejected += summary.rejected;
        total.labelled += summary.labelled;
        total.groundTruth += summary.groundTruth;
        total.classesAdded += summary.classesAdded;
        for (const auto &[path, reason] : summary.problems)
            keepProblem(total, path, reason);
        if (summary.cancelled) {
            total.cancelled = true;
            break;
        }
    }
    m_options = saved;
    return total;
}

ImportSummary ImageImporter::importCsv(const fs::path &csvFile, const ImportProgressCallback &progress)
{
    std::string text;
    std::string error;
    if (!ImageDecoder::readFile(csvFile, text, error))
        throw std::runtime_error("cannot read CSV " + csvFile.string() + ": " + error);
    std::vector<Csv::Row> rows;
    if (!Csv::parse(text, rows, error))
        throw std::runtime_error("malformed CSV " + csvFile.string() + ": " + error);
    if (rows.empty())
        throw std::runtime_error("CSV " + csvFile.string() + " is empty (expected a header row path,label)");
    int pathColumn = -1;
    int labelColumn = -1;
    for (std::size_t c = 0; c < rows[0].size(); ++c) {
        QString name = QString::fromUtf8(rows[0][c].data(), static_cast<qsizetype>(rows[0][c].size())).trimmed().toLower();
        if (name == QLatin1String("path"))
            pathColumn = static_cast<int>(c);
        else if (name == QLatin1String("label"))
            labelColumn = static_cast<int>(c);
    }
    if (pathColumn < 0)
        throw std::runtime_error("CSV " + csvFile.string() + " has no 'path' column in its header row (expected path,label)");

    const fs::path base = fs::absolute(csvFile).parent_path();
    std::vector<ImportCandidate> files;
    ImportSummary missing;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const Csv::Row &row = rows[r];
        if (static_cast<int>(row.size()) <= pathColumn || row[pathColumn].empty()) {
            ++missing.rejected;
            keepProblem(missing, csvFile.native() + ":" + std::to_string(r + 1), QStringLiteral("row without a path"));
            continue;
        }
        fs::path p(row[pathColumn]);
        if (p.is_relative())
            p = base / p;
        ImportCandidate candidate{p.lexically_normal().native(), std::nullopt};
        if (labelColumn >= 0 && static_cast<int>(row.size()) > labelColumn) {
            const QString label = QString::fromUtf8(row[labelColumn].data(), static_cast<qsizetype>(row[labelColumn].size())).trimmed();
            if (!label.isEmpty())
                candidate.className = label;
        }
        files.push_back(std::move(candidate));
    }
    ImportSummary summary = run(files, progress);
    if (!missing.problems.empty()) {
        ImportLogRepository log(m_db);
        Transaction tx(m_db);
        for (const auto &[where, reason] : missing.problems) {
            log.addRejected(where, reason);
            keepProblem(summary, where, reason);
        }
        tx.commit();
        summary.rejected += missing.rejected;
    }
    return summary;
}

} // namespace activelabel
