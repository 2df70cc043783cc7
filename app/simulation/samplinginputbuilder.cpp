#include "app/simulation/samplinginputbuilder.h"

#include "model/classifier.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace activelabel {

SamplingNeeds samplingNeeds(Strategy strategy)
{
    SamplingNeeds needs;
    needs.embeddings = strategy == Strategy::Coreset || strategy == Strategy::Badge ||
                       strategy == Strategy::Hybrid;
    needs.labelledEmbeddings = strategy == Strategy::Coreset;
    needs.mcDropout = strategy == Strategy::Bald;
    return needs;
}

namespace {

FloatMatrix rowsOf(const FloatMatrix &m, std::size_t begin, std::size_t end)
{
    FloatMatrix out(end - begin, m.cols);
    if (m.cols > 0)
        std::copy(m.row(begin), m.row(begin) + (end - begin) * m.cols, out.data.begin());
    return out;
}

} // namespace

SamplingInput buildSamplingInput(Classifier &classifier, const ImageProvider &images,
                                 const std::vector<std::size_t> &candidates,
                                 const std::vector<std::size_t> &labelled, Strategy strategy,
                                 int mcPasses, std::uint64_t seed)
{
    const SamplingNeeds needs = samplingNeeds(strategy);
    std::vector<std::size_t> indices = candidates;
    if (needs.labelledEmbeddings)
        indices.insert(indices.end(), labelled.begin(), labelled.end());
    PredictOptions options;
    options.embeddings = needs.embeddings;
    if (needs.mcDropout) {
        options.mcDropoutPasses = mcPasses;
        options.mcDropoutSeed = seed;
    }
    Prediction prediction = classifier.predict(images, indices, options);

    SamplingInput input;
    input.candidateCount = candidates.size();
    if (needs.labelledEmbeddings) {
        input.probabilities = rowsOf(prediction.probabilities, 0, candidates.size());
        input.embeddings = rowsOf(prediction.embeddings, 0, candidates.size());
        input.labelledEmbeddings = rowsOf(prediction.embeddings, candidates.size(), indices.size());
    } else {
        input.probabilities = std::move(prediction.probabilities);
        input.embeddings = std::move(prediction.embeddings);
    }
    if (needs.mcDropout) // labelled rows are only appended for coreset, never with MC passes
        input.mcProbabilities = std::move(prediction.mcProbabilities);
    return input;
}

SamplingInput pixelFeatureInput(const ImageProvider &images,
                                const std::vector<std::size_t> &indices, int side)
{
    SamplingInput input;
    input.candidateCount = indices.size();
    const std::size_t dims = static_cast<std::size_t>(side) * static_cast<std::size_t>(side);
    input.embeddings = FloatMatrix(indices.size(), dims);
    for (std::size_t r = 0; r < indices.size(); ++r) {
        cv::Mat image = images.load(indices[r]);
        if (image.empty())
            continue;
        cv::Mat grey;
        if (image.channels() == 3)
            cv::cvtColor(image, grey, cv::COLOR_RGB2GRAY);
        else
            grey = image;
        cv::Mat small;
        cv::resize(grey, small, cv::Size(side, side), 0, 0, cv::INTER_AREA);
        cv::Mat scaled;
        small.convertTo(scaled, CV_32F, grey.depth() == CV_16U ? 1.0 / 65535.0 : 1.0 / 255.0);
        for (int y = 0; y < side; ++y)
            std::copy_n(scaled.ptr<float>(y), side, input.embeddings.row(r) + y * side);
    }
    return input;
}

} // namespace activelabel
