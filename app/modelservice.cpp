#include "app/modelservice.h"

#include "app/poolembeddings.h"
#include "app/projectimages.h"
#include "app/serverfiles.h"
#include "model/modelerror.h"
#include "storage/classrepository.h"
#include "storage/groundtruthrepository.h"
#include "storage/imageflagrepository.h"
#include "storage/labelrepository.h"
#include "storage/metricrepository.h"
#include "storage/modelversionrepository.h"
#include "storage/predictionstore.h"
#include "storage/project.h"
#include "storage/settingsrepository.h"
#include "storage/sqlitedatabase.h"

#include <QDateTime>
#include <QDebug>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace activelabel {

namespace {

constexpr int kPredictionRunsKept = 2;

std::unordered_map<std::int64_t, int> classPositions(Database &db)
{
    std::unordered_map<std::int64_t, int> positions;
    int position = 0;
    for (const ClassInfo &info : ClassRepository(db).list())
        positions.emplace(info.id, position++);
    return positions;
}

} // namespace

float predictionEntropy(const float *p, std::size_t classes)
{
    double h = 0.0;
    for (std::size_t c = 0; c < classes; ++c)
        if (p[c] > 0.0f)
            h -= double(p[c]) * std::log(double(p[c]));
    return static_cast<float>(h);
}

ModelService::ModelService(const Project &project, Database &db)
    : m_project(project), m_db(db)
{
    fetchMissingImages(project, db); // a team project: what this client has not cached yet
    m_images = std::make_unique<ProjectImages>(project, db);
}

ModelService::~ModelService() = default;

std::unique_ptr<Classifier> ModelService::loadLatest(std::optional<std::int64_t> *version)
{
    const auto latest = ModelVersionRepository(m_db).latest();
    if (version)
        *version = latest ? std::optional<std::int64_t>(latest->id) : std::nullopt;
    if (!latest)
        return nullptr;
    auto classifier = Classifier::load(checkpointFile(latest->checkpoint));
    alignClasses(*classifier, latest->id);
    useFeatureStore(*classifier);
    return classifier;
}

QString ModelService::checkpointFile(const QString &relative) const
{
    const std::filesystem::path file = m_project.modelsDir() / relative.toStdString();
    std::error_code ec;
    if (m_project.isOnServer() && !std::filesystem::exists(file, ec))
        fetchModelFiles(m_project, m_db); // another trainer's checkpoint: from the server to the cache
    return QString::fromStdString(file.string());
}

LiveModel ModelService::loadLive()
{
    LiveModel live;
    live.classifier = loadLatest(&live.version);
    return live;
}

bool ModelService::followLatest(LiveModel &live)
{
    const auto latest = ModelVersionRepository(m_db).latest();
    if (!latest || (live.version && *live.version >= latest->id))
        return false;
    LiveModel next = loadLive();
    if (!next.classifier)
        return false;
    live = std::move(next);
    return true;
}

void ModelService::useFeatureStore(Classifier &classifier)
{
    bool ok = false;
    const qint64 megabytes =
        SettingsRepository(m_db).value(QStringLiteral("feature_store_mb"), QStringLiteral("4096")).toLongLong(&ok);
    const std::filesystem::path directory = m_project.directory() / "cache" / "features";
    classifier.setFeatureStore(QString::fromStdString(directory.string()),
                               ok && megabytes > 0 ? std::uint64_t(megabytes) << 20 : 0);
}

void ModelService::alignClasses(Classifier &classifier, std::int64_t versionId)
{
    const std::vector<ClassInfo> classes = ClassRepository(m_db).list();
    const QStringList &heads = classifier.classNames();
    // The class id behind each head row, as recorded when the version was saved.
    std::vector<std::int64_t> rowIds;
    if (const auto version = ModelVersionRepository(m_db).get(versionId)) {
        const QJsonArray ids =
            QJsonDocument::fromJson(version->config.toUtf8()).object().value(QStringLiteral("class_ids")).toArray();
        if (ids.size() == heads.size())
            for (const QJsonValue &id : ids)
                rowIds.push_back(id.toInteger());
    }
    QStringList names;
    std::vector<int> sourceRows;
    for (const ClassInfo &info : classes) {
        names << info.name;
        int row = -1;
        if (!rowIds.empty()) {
            const auto it = std::find(rowIds.begin(), rowIds.end(), info.id);
            if (it != rowIds.end())
                row = int(it - rowIds.begin());
        } else {
            row = int(heads.indexOf(info.name)); // versions saved before class ids were recorded
        }
        sourceRows.push_back(row);
    }
    bool unchanged = names == heads;
    for (std::size_t i = 0; unchanged && i < sourceRows.size(); ++i)
        unchanged = sourceRows[i] == int(i);
    if (!unchanged)
        classifier.remapClasses(names, sourceRows);
}

std::unique_ptr<Classifier> ModelService::makeClassifier(const TrainRequest &request, const QStringList &classes,
                                                         const std::vector<LabelledSample> &samples)
{
    const QString backbone = request.backbone.isEmpty() ? QStringLiteral("smallcnn") : request.backbone;
    ModelSpec spec = ModelSpec::defaultsFor(backbone);
    if (backbone == QLatin1String("smallcnn") && !samples.empty()) {
        // smallcnn is for small images: fit it to the data (grey stays grey; 28 px for
        // MNIST-sized images, else 64 px) unless the user said otherwise.
        const cv::Mat first = m_images->load(samples.front().index);
        if (!first.empty()) {
            spec.channels = first.channels() == 1 ? 1 : 3;
            const int side = std::max(first.rows, first.cols) <= 32 ? 28 : 64;
            spec.inputHeight = spec.inputWidth = side;
        }
    }
    if (request.inputHeight)
        spec.inputHeight = *request.inputHeight;
    if (request.inputWidth)
        spec.inputWidth = *request.inputWidth;
    if (request.channels)
        spec.channels = *request.channels;
    if (request.mean)
        spec.mean = *request.mean;
    if (request.std)
        spec.std = *request.std;
    if (!request.mean && int(spec.mean.size()) != spec.channels)
        spec.mean.assign(std::size_t(spec.channels), spec.mean.empty() ? 0.5f : spec.mean.front());
    if (!request.std && int(spec.std.size()) != spec.channels)
        spec.std.assign(std::size_t(spec.channels), spec.std.empty() ? 0.5f : spec.std.front());
    if (spec.isBuiltin()) {
        if (const QString problem = spec.validate(); !problem.isEmpty())
            throw ModelError(problem);
    }
    auto classifier = Classifier::create(spec, classes, request.seed);
    useFeatureStore(*classifier);
    return classifier;
}

std::int64_t ModelService::exportLatest(const QString &path, ModelExportFormat format)
{
    return exportModel(loadLive(), path, format);
}

std::int64_t ModelService::exportModel(const LiveModel &live, const QString &path, ModelExportFormat format)
{
    if (!live.classifier || !live.version)
        throw std::runtime_error("no model yet: train one first (activelabel-cli train)");
    const std::optional<std::int64_t> version = live.version;
    QJsonObject metrics;
    for (const Metric &m : MetricRepository(m_db).forModelVersion(*version))
        metrics.insert(m.split.isEmpty() ? m.name : m.name + QLatin1Char('_') + m.split, m.value);
    if (const auto v = ModelVersionRepository(m_db).get(*version)) {
        metrics.insert(QStringLiteral("labels"), qint64(v->labelsUsed));
        metrics.insert(QStringLiteral("model_version"), qint64(v->id));
        metrics.insert(QStringLiteral("transfer"), v->transfer);
    }
    if (format == ModelExportFormat::Onnx)
        live.classifier->exportOnnx(path, metrics);
    else
        live.classifier->exportTorchScript(path, metrics);
    return *version;
}

std::int64_t ModelService::rollbackTo(LiveModel &live, std::int64_t modelVersion)
{
    ModelVersionRepository versions(m_db);
    const auto target = versions.get(modelVersion);
    if (!target)
        throw std::runtime_error("there is no model version " + std::to_string(modelVersion));
    auto classifier = Classifier::load(checkpointFile(target->checkpoint));
    alignClasses(*classifier, target->id); // rescored in today's class order and names
    useFeatureStore(*classifier);
    ModelVersion copy = *target;
    copy.id = 0;
    copy.createdAt = 0;
    copy.parentId = target->id;
    copy.transfer = QStringLiteral("rollback");
    const std::int64_t id = versions.add(copy);
    m_images->refresh();
    std::vector<std::size_t> all(m_images->size());
    for (std::size_t i = 0; i < all.size(); ++i)
        all[i] = i;
    PredictOptions options;
    options.embeddings = true; // the look-alikes follow the model rolled back to
    rescore(*classifier, id, classifier->predict(*m_images, all, options));
    live.classifier = std::move(classifier);
    live.version = id;
    return id;
}

std::vector<std::size_t> ModelService::labelledPoolIndices()
{
    std::vector<std::size_t> out;
    for (const Label &label : LabelRepository(m_db).all()) {
        const long long index = m_images->indexOf(label.imageId);
        if (index >= 0 && m_images->record(std::size_t(index)).split == Split::Pool)
            out.push_back(std::size_t(index));
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::size_t> ModelService::unlabelledPoolIndices()
{
    const std::vector<std::size_t> labelled = labelledPoolIndices();
    // Images flagged bad are out of the pool for good (until the flag is cleared).
    const std::vector<std::int64_t> bad = ImageFlagRepository(m_db).images(ImageFlag::Bad);
    std::vector<std::size_t> out;
    for (std::size_t index : m_images->indicesOf(Split::Pool))
        if (!std::binary_search(labelled.begin(), labelled.end(), index)
            && !std::binary_search(bad.begin(), bad.end(), m_images->record(index).id))
            out.push_back(index);
    return out;
}

std::vector<int> ModelService::testTruth(const std::vector<std::size_t> &indices)
{
    Database &db = m_db;
    const auto positions = classPositions(db);
    std::unordered_map<std::int64_t, int> truthById;
    for (const auto &[imageId, classId] : GroundTruthRepository(db).all(Split::Test)) {
        const auto p = positions.find(classId);
        if (p != positions.end())
            truthById.emplace(imageId, p->second);
    }
    std::vector<int> truth;
    truth.reserve(indices.size());
    for (std::size_t index : indices) {
        const auto t = truthById.find(m_images->record(index).id);
        truth.push_back(t == truthById.end() ? -1 : t->second);
    }
    return truth;
}

std::optional<Evaluation> ModelService::evaluateTest(Classifier &classifier)
{
    const std::vector<std::size_t> indices = m_images->indicesOf(Split::Test);
    const std::vector<int> truth = testTruth(indices);
    if (std::none_of(truth.begin(), truth.end(), [](int t) { return t >= 0; }))
        return std::nullopt;
    PredictOptions options;
    options.embeddings = false;
    const Prediction prediction = classifier.predict(*m_images, indices, options);
    return evaluate(prediction.probabilities, truth);
}

void ModelService::rescore(Classifier &classifier, std::int64_t modelVersion, const Prediction &all)
{
    std::unique_ptr<Database> predictions = m_project.openPredictions();
    PredictionStore store(*predictions);
    const std::size_t classes = all.probabilities.cols;
    store.beginRun(modelVersion, classifier.classCount());
    std::vector<StoredPrediction> rows;
    rows.reserve(all.probabilities.rows);
    for (std::size_t r = 0; r < all.probabilities.rows; ++r) {
        const float *p = all.probabilities.row(r);
        StoredPrediction row;
        row.imageId = m_images->record(r).id;
        row.predictedClass = int(std::max_element(p, p + classes) - p);
        row.confidence = p[row.predictedClass];
        row.uncertainty = predictionEntropy(p, classes);
        row.probabilities.assign(p, p + classes);
        rows.push_back(std::move(row));
    }
    store.write(modelVersion, rows);
    store.finishRun(modelVersion);
    store.prune(kPredictionRunsKept);
    keepPoolEmbeddings(modelVersion, all);
}

void ModelService::keepPoolEmbeddings(std::int64_t modelVersion, const Prediction &all)
{
    if (all.embeddings.empty())
        return;
    QElapsedTimer clock;
    clock.start();
    std::vector<bool> failed(all.embeddings.rows, false);
    for (std::size_t row : all.failedRows)
        failed[row] = true;
    std::vector<std::int64_t> ids;
    std::vector<std::size_t> rows;
    for (std::size_t r = 0; r < all.embeddings.rows; ++r) {
        if (failed[r] || m_images->record(r).split != Split::Pool)
            continue; // no pixels, no look-alikes; the test split is not labelled from here
        ids.push_back(m_images->record(r).id);
        rows.push_back(r);
    }
    FloatMatrix matrix(rows.size(), all.embeddings.cols);
    for (std::size_t i = 0; i < rows.size(); ++i)
        std::copy_n(all.embeddings.row(rows[i]), matrix.cols, matrix.row(i));
    auto kept = std::make_shared<const PoolEmbeddings>(modelVersion, std::move(ids), std::move(matrix));
    QString error;
    if (!kept->save(m_project.directory(), &error))
        qWarning().noquote() << "pool embeddings not kept on disk:" << error;
    m_poolEmbeddings = std::move(kept);
    m_poolEmbeddingsSeconds = double(clock.nsecsElapsed()) / 1e9;
}

std::shared_ptr<const PoolEmbeddings> ModelService::poolEmbeddings()
{
    const auto latest = ModelVersionRepository(m_db).latest();
    if (!latest)
        return nullptr;
    if (m_poolEmbeddings && m_poolEmbeddings->modelVersion() == latest->id)
        return m_poolEmbeddings;
    QString error;
    if (auto loaded = PoolEmbeddings::load(m_project.directory(), latest->id, &error))
        m_poolEmbeddings = std::make_shared<const PoolEmbeddings>(std::move(*loaded));
    else
        return nullptr;
    return m_poolEmbeddings;
}

} // namespace activelabel
