#include "storage/predictionstore.h"

#include "storage/sqlitedatabase.h"
#include "storage/timeutil.h"
#include "storage/transaction.h"

#include <algorithm>
#include <cstring>

namespace activelabel {

namespace {

StoredPrediction readPrediction(const Query &q)
{
    StoredPrediction p;
    p.imageId = q.int64(0);
    p.predictedClass = q.integer(1);
    p.confidence = static_cast<float>(q.real(2));
    p.uncertainty = static_cast<float>(q.real(3));
    const QByteArray blob = q.blob(4);
    p.probabilities.resize(static_cast<std::size_t>(blob.size()) / sizeof(float));
    std::memcpy(p.probabilities.data(), blob.constData(), p.probabilities.size() * sizeof(float));
    return p;
}

} // namespace

void PredictionStore::beginRun(std::int64_t modelVersion, int classCount)
{
    Transaction tx(m_db);
    m_db.query("DELETE FROM prediction_runs WHERE model_version = ?").bind(1, modelVersion).exec();
    m_db.query("INSERT INTO prediction_runs (model_version, class_count, complete, created_at) VALUES (?, ?, 0, ?)")
        .bind(1, modelVersion)
        .bind(2, classCount)
        .bind(3, nowMs())
        .exec();
    tx.commit();
}

void PredictionStore::write(std::int64_t modelVersion, const std::vector<StoredPrediction> &rows)
{
    for (std::size_t start = 0; start < rows.size(); start += kChunkSize) {
        const std::size_t end = std::min(rows.size(), start + kChunkSize);
        Transaction tx(m_db);
        for (std::size_t i = start; i < end; ++i) {
            const StoredPrediction &p = rows[i];
            m_db.query("INSERT INTO predictions (model_version, image_id, predicted_class, confidence, uncertainty, "
                       "probabilities) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (model_version, image_id) DO UPDATE SET "
                       "predicted_class = excluded.predicted_class, confidence = excluded.confidence, "
                       "uncertainty = excluded.uncertainty, probabilities = excluded.probabilities")
                .bind(1, modelVersion)
                .bind(2, p.imageId)
                .bind(3, p.predictedClass)
                .bind(4, static_cast<double>(p.confidence))
                .bind(5, static_cast<double>(p.uncertainty))
                .bindBlob(6, p.probabilities.data(), p.probabilities.size() * sizeof(float))
                .exec();
        }
        tx.commit();
    }
}

void PredictionStore::finishRun(std::int64_t modelVersion)
{
    m_db.query("UPDATE prediction_runs SET complete = 1 WHERE model_version = ?").bind(1, modelVersion).exec();
}

std::optional<std::int64_t> PredictionStore::latestCompleteRun()
{
    auto q = m_db.query("SELECT max(model_version) FROM prediction_runs WHERE complete = 1");
    if (q.step() && !q.isNull(0))
        return q.int64(0);
    return std::nullopt;
}

std::vector<std::int64_t> PredictionStore::runs()
{
    auto q = m_db.query("SELECT model_version FROM prediction_runs ORDER BY model_version");
    std::vector<std::int64_t> out;
    while (q.step())
        out.push_back(q.int64(0));
    return out;
}

std::optional<StoredPrediction> PredictionStore::get(std::int64_t modelVersion, std::int64_t imageId)
{
    auto q = m_db.query("SELECT image_id, predicted_class, confidence, uncertainty, probabilities FROM predictions "
                        "WHERE model_version = ? AND image_id = ?");
    q.bind(1, modelVersion).bind(2, imageId);
    if (q.step())
        return readPrediction(q);
    return std::nullopt;
}

std::vector<StoredPrediction> PredictionStore::read(std::int64_t modelVersion)
{
    auto q = m_db.query("SELECT image_id, predicted_class, confidence, uncertainty, probabilities FROM predictions "
                        "WHERE model_version = ? ORDER BY image_id");
    q.bind(1, modelVersion);
    std::vector<StoredPrediction> out;
    while (q.step())
        out.push_back(readPrediction(q));
    return out;
}

std::int64_t PredictionStore::count(std::int64_t modelVersion)
{
    auto q = m_db.query("SELECT count(*) FROM predictions WHERE model_version = ?");
    q.bind(1, modelVersion);
    return q.step() ? q.int64(0) : 0;
}

int PredictionStore::prune(int keep)
{
    std::vector<std::int64_t> all = runs();
    if (static_cast<int>(all.size()) <= keep)
        return 0;
    const std::size_t drop = all.size() - static_cast<std::size_t>(std::max(0, keep));
    Transaction tx(m_db);
    for (std::size_t i = 0; i < drop; ++i)
        m_db.query("DELETE FROM prediction_runs WHERE model_version = ?").bind(1, all[i]).exec();
    tx.commit();
    return static_cast<int>(drop);
}

} // namespace activelabel
