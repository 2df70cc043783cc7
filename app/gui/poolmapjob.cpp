#include "app/gui/poolmapjob.h"

#include "app/poolembeddings.h"
#include "model/neighbourindex.h"
#include "model/tsne.h"
#include "storage/classrepository.h"
#include "storage/database.h"
#include "storage/labelrepository.h"
#include "storage/predictionstore.h"
#include "storage/project.h"

#include <QDataStream>
#include <QElapsedTimer>
#include <QFile>
#include <QSaveFile>

#include <cmath>
#include <regex>
#include <unordered_map>

namespace activelabel {

namespace {

constexpr quint32 kMagic = 0x414c4d50; // "ALMP"
constexpr quint32 kFormat = 1;

QString qPath(const std::filesystem::path &p)
{
    return QString::fromStdString(p.string());
}

// The newest model version whose pool embeddings are on disk; 0 when none.
std::int64_t newestEmbeddingsVersion(const std::filesystem::path &projectDir)
{
    std::int64_t newest = 0;
    std::error_code ec;
    const std::regex name("pool-v([0-9]+)\\.emb");
    for (const auto &entry :
         std::filesystem::directory_iterator(PoolEmbeddings::directory(projectDir), ec)) {
        std::smatch m;
        const std::string file = entry.path().filename().string();
        if (std::regex_match(file, m, name))
            newest = std::max<std::int64_t>(newest, std::stoll(m[1].str()));
    }
    return newest;
}

bool readMap(const std::filesystem::path &file, PoolMapPoints &points)
{
    QFile f(qPath(file));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    QDataStream in(&f);
    quint32 magic = 0, format = 0;
    quint64 n = 0;
    in >> magic >> format >> n;
    if (magic != kMagic || format != kFormat || n > (quint64(1) << 32) ||
        f.size() < qint64(16 + n * 16))
        return false;
    points.imageIds.resize(n);
    points.xy.resize(2 * n);
    for (auto &id : points.imageIds)
        in >> id;
    in.setFloatingPointPrecision(QDataStream::SinglePrecision);
    for (float &v : points.xy)
        in >> v;
    return in.status() == QDataStream::Ok;
}

void writeMap(const std::filesystem::path &projectDir, std::int64_t version,
              const PoolMapPoints &points)
{
    const std::filesystem::path file = poolMapFile(projectDir, version);
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    QSaveFile f(qPath(file));
    if (!f.open(QIODevice::WriteOnly)) {
        qWarning("pool map: cannot write %s: %s", qPrintable(qPath(file)),
                 qPrintable(f.errorString()));
        return;
    }
    QDataStream out(&f);
    out.setFloatingPointPrecision(QDataStream::SinglePrecision);
    out << kMagic << kFormat << quint64(points.size());
    for (qint64 id : points.imageIds)
        out << id;
    for (float v : points.xy)
        out << v;
    if (!f.commit()) {
        qWarning("pool map: cannot write %s: %s", qPrintable(qPath(file)),
                 qPrintable(f.errorString()));
        return;
    }
    // Older versions' maps are stale: the embeddings they came from are gone too.
    for (const auto &entry : std::filesystem::directory_iterator(file.parent_path(), ec))
        if (entry.path() != file && entry.path().extension() == ".map")
            std::filesystem::remove(entry.path(), ec);
}

void readColours(const Project &project, PoolMapPoints &points)
{
    const std::size_t n = points.size();
    std::unordered_map<qint64, std::size_t> row;
    row.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        row.emplace(points.imageIds[i], i);
    points.labels.assign(n, -1);
    points.predictions.assign(n, -1);
    points.uncertainty.assign(n, std::nanf(""));

    const std::unique_ptr<Database> db = project.openConnection();
    std::unordered_map<std::int64_t, int> position;
    for (const ClassInfo &info : ClassRepository(*db).list())
        position.emplace(info.id, info.position);
    for (const Label &label : LabelRepository(*db).all()) {
        const auto r = row.find(label.imageId);
        const auto p = position.find(label.classId);
        if (r != row.end() && p != position.end())
            points.labels[r->second] = qint16(p->second);
    }
    const std::unique_ptr<Database> predictionsDb = project.openPredictions();
    PredictionStore store(*predictionsDb);
    if (const auto run = store.latestCompleteRun())
        for (const StoredPrediction &p : store.read(*run)) {
            const auto r = row.find(p.imageId);
            if (r == row.end())
                continue;
            points.predictions[r->second] = qint16(p.predictedClass);
            points.uncertainty[r->second] = p.uncertainty;
        }
}

} // namespace

std::filesystem::path poolMapFile(const std::filesystem::path &projectDir,
                                  std::int64_t modelVersion)
{
    return projectDir / "cache" / "map" / ("pool-v" + std::to_string(modelVersion) + ".map");
}

PoolMapResult runPoolMapJob(const Project &project, const PoolMapRequest &request,
                            const PoolMapProgress &progress, const std::atomic<bool> *cancel)
{
    PoolMapResult result;
    QElapsedTimer clock;
    clock.start();
    if (request.mode == PoolMapRequest::Mode::Colours) {
        result.points.imageIds = request.ids;
        readColours(project, result.points);
        return result;
    }
    const std::filesystem::path dir = project.directory();
    result.newestEmbeddings = newestEmbeddingsVersion(dir);
    if (result.newestEmbeddings == 0)
        return result;
    if (readMap(poolMapFile(dir, result.newestEmbeddings), result.points)) {
        result.modelVersion = result.newestEmbeddings;
    } else if (request.mode == PoolMapRequest::Mode::CachedOrCompute) {
        QString error;
        const auto embeddings = PoolEmbeddings::load(dir, result.newestEmbeddings, &error);
        if (!embeddings || embeddings->size() < 2) {
            result.error = embeddings ? QObject::tr("too few images to map") : error;
            return result;
        }
        TsneOptions options;
        options.threads = request.threads;
        options.iterations = request.iterations;
        // A small pool cannot have 3 x 30 neighbours: the perplexity follows what it has.
        options.perplexity =
            std::clamp(double(embeddings->size() - 1) / 3, 2.0, options.perplexity);
        NeighbourIndexOptions index;
        index.metric = NeighbourMetric::SquaredL2;
        index.threads = request.threads;
        index.cancel = cancel;
        index.progress = [&](std::size_t done, std::size_t total) {
            if (progress)
                progress(0, double(done), double(total));
        };
        const auto built = NeighbourIndex::build(embeddings->matrix(), index);
        index.progress = [&](std::size_t done, std::size_t total) {
            if (progress)
                progress(1, double(done), double(total));
        };
        const std::size_t k =
            std::min<std::size_t>(embeddings->size() - 1, std::size_t(3 * options.perplexity + 1));
        const KnnGraph graph = built->knnGraph(k, index);
        const FloatMatrix map = tsneEmbed(
            graph, options,
            [&](int done, int total) {
                if (progress)
                    progress(2, done, total);
            },
            cancel);
        result.points.imageIds.assign(embeddings->imageIds().begin(), embeddings->imageIds().end());
        result.points.xy = map.data;
        result.modelVersion = result.newestEmbeddings;
        result.computed = true;
        writeMap(dir, result.modelVersion, result.points);
    }
    if (result.modelVersion != 0)
        readColours(project, result.points);
    result.seconds = clock.nsecsElapsed() / 1e9;
    return result;
}

} // namespace activelabel
