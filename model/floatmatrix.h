#pragma once

#include <cstddef>
#include <vector>

namespace activelabel {

// A dense row-major float matrix: how probabilities (N x C), embeddings (N x D) and MC-dropout
// samples cross model/'s public API without exposing torch types to app/ and ui/.
struct FloatMatrix
{
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::vector<float> data;

    FloatMatrix() = default;
    FloatMatrix(std::size_t r, std::size_t c, float fill = 0.0f) : rows(r), cols(c), data(r * c, fill) {}

    float *row(std::size_t r) { return data.data() + r * cols; }
    const float *row(std::size_t r) const { return data.data() + r * cols; }
    float &at(std::size_t r, std::size_t c) { return data[r * cols + c]; }
    float at(std::size_t r, std::size_t c) const { return data[r * cols + c]; }
    bool empty() const { return rows == 0; }
};

} // namespace activelabel
