// ModelService's training round, step by step (the rest of the class is in modelservice.cpp).
#include "app/modelservice.h"

#include "app/poolembeddings.h"
#include "app/projectimages.h"
#include "app/serverfiles.h"
#include "model/modelerror.h"
#include "storage/labelrepository.h"
#include "storage/metricrepository.h"
#include "storage/modelversionrepository.h"
#include "storage/sqlitedatabase.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace activelabel {

namespace {

QJsonObject specJson(const ModelSpec &spec)
{
    QJsonObject o;
    o.insert(QStringLiteral("backbone"), spec.backbone);
    o.insert(QStringLiteral("input_height"), spec.inputHeight);
    o.insert(QStringLiteral("input_width"), spec.inputWidth);
    o.insert(QStringLiteral("channels"), spec.channels);
    return o;
}

bool trainsFromScratch(const TrainRequest &request)
{
    return request.mode.kind == TransferMode::Kind::Scratch;
}

} // namespace

TrainOutcome ModelService::train(const TrainRequest &request, const RoundProgressCallback &progress,
                                 const std::atomic<bool> *cancel)
{
    LiveModel live = loadLive();
    return train(live, request, progress, cancel);
}

TrainOutcome ModelService::train(LiveModel &live, const TrainRequest &request, const RoundProgressCallback &progress,
                                 const std::atomic<bool> *cancel)
{
    fetchMissingImages(m_project, m_db); // a team project: images imported by others since
    m_images->refresh();
    const RoundInputs inputs = collectSamples();
    TrainOutcome outcome;
    outcome.labels = inputs.samples.size();
    RoundModel round = chooseModel(live, request, inputs, &outcome.note);
    const FeatureCacheStats statsBefore = round.model->featureCacheStats();
    auto countFeatures = [&] {
        const FeatureCacheStats after = round.model->featureCacheStats();
        outcome.imagesThroughBackbone = after.backboneImages - statsBefore.backboneImages;
        outcome.featuresFromDisk = after.diskHits - statsBefore.diskHits;
    };

    // Whatever happens from here on, the live model is either the new version or what it was.
    auto putBack = [&] {
        if (round.before)
            live.classifier->restore(*round.before);
    };
    try {
        TrainingOptions options;
        options.mode = request.mode;
        options.seed = request.seed;
        if (request.epochs > 0)
            options.setExactEpochs(request.epochs);
        options.semi.enabled = request.semi;
        if (request.semiSteps >= 0)
            options.semi.steps = request.semiSteps;
        const std::vector<std::size_t> pool = request.semi ? unlabelledPoolIndices() : std::vector<std::size_t>{};
        ProgressCallback steps;
        if (progress)
            steps = [&progress](int step, int total, double loss) {
                progress({RoundProgress::Phase::Training, std::size_t(step), std::size_t(total), loss});
            };
        outcome.round = Trainer::train(*round.model, *m_images, inputs.samples, pool, options, steps, cancel);
        if (outcome.round.cancelled) {
            countFeatures();
            putBack(); // the trainer put the weights back; this covers everything else too
            return outcome;
        }
        const Prediction scored = scoreAll(*round.model, progress, cancel);
        countFeatures();
        if (cancel && cancel->load())
            throw Cancelled(); // asked for during the last batch: nothing is recorded yet
        const std::int64_t version = recordVersion(*round.model, inputs, outcome.round, round.parent);
        rescore(*round.model, version, scored);
        if (m_poolEmbeddings && m_poolEmbeddings->modelVersion() == version) {
            outcome.embeddingsRows = m_poolEmbeddings->size();
            outcome.embeddingsWidth = m_poolEmbeddings->dimension();
            outcome.embeddingsSeconds = m_poolEmbeddingsSeconds;
        }
        outcome.test = recordMetrics(version, inputs.samples.size(), outcome.round, scored);
        outcome.modelVersion = version;
        if (round.fresh)
            live.classifier = std::move(round.fresh);
        live.version = version;
        return outcome;
    } catch (const Cancelled &) {
        countFeatures();
        putBack();
        outcome.round.cancelled = true;
        outcome.note = QStringLiteral("cancelled while scoring the images; features computed so far are kept");
        return outcome;
    } catch (...) {
        putBack();
        throw;
    }
}

ModelService::RoundInputs ModelService::collectSamples()
{
    RoundInputs inputs;
    inputs.classInfos = ClassRepository(m_db).list();
    std::unordered_map<std::int64_t, int> positions;
    for (const ClassInfo &info : inputs.classInfos) {
        positions.emplace(info.id, int(inputs.classes.size()));
        inputs.classes << info.name;
    }
    for (const Label &label : LabelRepository(m_db).all()) {
        const long long index = m_images->indexOf(label.imageId);
        const auto position = positions.find(label.classId);
        if (index < 0 || position == positions.end() || m_images->record(std::size_t(index)).split != Split::Pool)
            continue;
        inputs.samples.push_back({std::size_t(index), position->second});
    }
    if (inputs.samples.empty())
        throw std::runtime_error("no labelled pool images yet: label some first (activelabel-cli label or oracle)");
    return inputs;
}

ModelService::RoundModel ModelService::chooseModel(LiveModel &live, const TrainRequest &request,
                                                   const RoundInputs &inputs, QString *note)
{
    RoundModel round;
    const QString current = live.classifier ? live.classifier->spec().backbone : QString();
    const bool sameBackbone = request.backbone.isEmpty() || request.backbone == current;
    if (live.classifier && sameBackbone && !trainsFromScratch(request)) {
        // Renamed, reordered, merged, deleted or added classes keep (or drop, or gain) their head
        // rows by class id: class management never throws the model away.
        if (live.version)
            alignClasses(*live.classifier, *live.version);
        const TransferMode last = live.classifier->lastMode();
        if (request.mode.kind != TransferMode::Kind::Auto && live.version && !(request.mode == last))
            *note = QStringLiteral("transfer mode %1 after %2: features at the new freeze boundary are computed "
                                   "once for the images that need them (kept on disk when frozen stages allow)")
                        .arg(request.mode.toString(), last.toString());
        round.before = live.classifier->snapshot();
        round.model = live.classifier.get();
        round.parent = live.version;
        return round;
    }
    TrainRequest fresh = request;
    if (fresh.backbone.isEmpty() && live.classifier)
        fresh.backbone = current;
    round.fresh = makeClassifier(fresh, inputs.classes, inputs.samples);
    round.model = round.fresh.get();
    if (live.classifier) {
        const QString why = trainsFromScratch(request)
                                ? QStringLiteral("a scratch round starts a new %1 model").arg(round.model->spec().backbone)
                                : QStringLiteral("the backbone changed from %1 to %2").arg(current, round.model->spec().backbone);
        *note = QStringLiteral("%1: its features are computed afresh for all %2 images (kept on disk for later rounds)")
                    .arg(why)
                    .arg(m_images->size());
    }
    return round;
}

Prediction ModelService::scoreAll(Classifier &classifier, const RoundProgressCallback &progress,
                                  const std::atomic<bool> *cancel)
{
    std::vector<std::size_t> all(m_images->size());
    std::iota(all.begin(), all.end(), std::size_t(0));
    PredictOptions options;
    // The embeddings are the features the probabilities come from: keeping them costs a copy
    // (and the file rescore writes), not another pass over the images.
    options.embeddings = true;
    options.cancel = cancel;
    if (progress)
        options.progress = [&progress](std::size_t done, std::size_t total) {
            progress({RoundProgress::Phase::Scoring, done, total, 0.0});
        };
    return classifier.predict(*m_images, all, options);
}

std::int64_t ModelService::recordVersion(Classifier &classifier, const RoundInputs &inputs, const RoundResult &round,
                                         std::optional<std::int64_t> parent)
{
    // Checkpoint first (atomic), then the version row that points at it: a crash in between
    // leaves an unreferenced file, never a version without its weights.
    const QString relative = QStringLiteral("model-%1.ckpt").arg(QDateTime::currentMSecsSinceEpoch());
    classifier.save(checkpointFile(relative));
    publishModelFiles(m_project, m_db); // a team project: on the server before any version points at it

    QJsonObject config = specJson(classifier.spec());
    config.insert(QStringLiteral("round"), round.toJson());
    // The class id of every head row: what alignClasses maps by after renames and reorders.
    QJsonArray classIds;
    for (const QString &name : classifier.classNames()) {
        std::int64_t id = -1;
        for (const ClassInfo &info : inputs.classInfos)
            if (info.name == name)
                id = info.id;
        classIds.append(qint64(id));
    }
    config.insert(QStringLiteral("class_ids"), classIds);
    ModelVersion version;
    version.parentId = parent;
    version.backbone = classifier.spec().backbone;
    version.transfer = round.modeUsed.toString();
    version.checkpoint = relative;
    version.labelsUsed = std::int64_t(inputs.samples.size());
    version.trainSeconds = round.seconds;
    version.config = QString::fromUtf8(QJsonDocument(config).toJson(QJsonDocument::Compact));
    return ModelVersionRepository(m_db).add(version);
}

std::optional<Evaluation> ModelService::recordMetrics(std::int64_t version, std::size_t labelCount,
                                                      const RoundResult &round, const Prediction &scored)
{
    std::vector<Metric> metrics;
    auto add = [&](const char *name, const char *split, double value) {
        Metric m;
        m.modelVersion = version;
        m.name = QString::fromLatin1(name);
        m.split = QString::fromLatin1(split);
        m.value = value;
        m.labels = std::int64_t(labelCount);
        metrics.push_back(m);
    };
    add("train_loss", "train", round.trainLoss);
    if (round.heldOutAccuracy >= 0) {
        add("accuracy", "heldout", round.heldOutAccuracy);
        add("ece", "heldout", round.ece);
    }
    std::optional<Evaluation> test;
    const std::vector<std::size_t> testIndices = m_images->indicesOf(Split::Test);
    const std::vector<int> truth = testTruth(testIndices);
    if (std::any_of(truth.begin(), truth.end(), [](int t) { return t >= 0; })) {
        FloatMatrix testProbabilities(testIndices.size(), scored.probabilities.cols);
        for (std::size_t r = 0; r < testIndices.size(); ++r)
            std::copy_n(scored.probabilities.row(testIndices[r]), scored.probabilities.cols, testProbabilities.row(r));
        test = evaluate(testProbabilities, truth);
        add("accuracy", "test", test->accuracy);
        add("ece", "test", test->ece);
    }
    MetricRepository(m_db).addAll(metrics);
    return test;
}

} // namespace activelabel
