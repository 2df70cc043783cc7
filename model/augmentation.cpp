#include "model/detail/augmentation.h"

#include <algorithm>

namespace activelabel::detail {

namespace {

// Each image of `x` shifted by up to `s` pixels each way (edges replicated), maybe flipped.
torch::Tensor shiftBatch(const torch::Tensor &x, std::int64_t s, bool flip, std::mt19937_64 &rng)
{
    const std::int64_t h = x.size(2), w = x.size(3);
    const torch::Tensor padded = torch::replication_pad2d(x, {s, s, s, s});
    torch::Tensor out = torch::empty_like(x);
    std::uniform_int_distribution<std::int64_t> shift(0, 2 * s);
    std::bernoulli_distribution coin(0.5);
    for (std::int64_t i = 0; i < x.size(0); ++i) {
        const std::int64_t dy = shift(rng), dx = shift(rng);
        torch::Tensor crop = padded[i].narrow(1, dy, h).narrow(2, dx, w);
        if (flip && coin(rng))
            crop = crop.flip({2});
        out[i].copy_(crop);
    }
    return out;
}

} // namespace

torch::Tensor augmentBatch(const torch::Tensor &x, bool flip, std::mt19937_64 &rng)
{
    const std::int64_t s = std::max<std::int64_t>(1, std::min(x.size(2), x.size(3)) / 14);
    return shiftBatch(x, s, flip, rng);
}

torch::Tensor strongAugmentBatch(const torch::Tensor &x, bool flip, std::mt19937_64 &rng)
{
    torch::NoGradGuard noGrad;
    const std::int64_t n = x.size(0), h = x.size(2), w = x.size(3);
    const std::int64_t s = std::max<std::int64_t>(1, std::min(h, w) / 7);
    torch::Tensor out = shiftBatch(x, s, flip, rng);

    std::uniform_real_distribution<float> contrast(0.6f, 1.4f), brightness(-0.25f, 0.25f);
    std::vector<float> a(static_cast<std::size_t>(n)), b(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
        a[std::size_t(i)] = contrast(rng);
        b[std::size_t(i)] = brightness(rng);
    }
    const auto opts = torch::TensorOptions().dtype(torch::kFloat32);
    const torch::Tensor scale = torch::from_blob(a.data(), {n, 1, 1, 1}, opts).clone().to(x.device());
    const torch::Tensor offset = torch::from_blob(b.data(), {n, 1, 1, 1}, opts).clone().to(x.device());
    const torch::Tensor mean = out.mean({1, 2, 3}, true);
    out = (out - mean) * scale + mean + offset;

    const std::int64_t smallest = std::max<std::int64_t>(1, std::min(h, w) / 4);
    const std::int64_t largest = std::max<std::int64_t>(smallest, std::min(h, w) / 2);
    std::uniform_int_distribution<std::int64_t> side(smallest, largest);
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t k = side(rng);
        const std::int64_t y = std::uniform_int_distribution<std::int64_t>(0, h - k)(rng);
        const std::int64_t x0 = std::uniform_int_distribution<std::int64_t>(0, w - k)(rng);
        out[i].narrow(1, y, k).narrow(2, x0, k).fill_(0.0);
    }
    return out;
}

} // namespace activelabel::detail
