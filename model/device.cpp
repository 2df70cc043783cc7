#include "model/computedevice.h"
#include "model/detail/device.h"
#include "model/modelerror.h"

#include <QByteArray>

#include <mutex>

namespace activelabel {

namespace detail {

namespace {

// cuDNN picks among convolution algorithms by timing them (benchmark mode) and, on Ampere and
// later, runs fp32 convolutions in TF32 (10-bit mantissa) by default. Either would make a GPU
// round differ from run to run or from the CPU's result by far more than float rounding (the
// export promises 1e-5 against our own inference). Matrix products already default to full fp32.
void configureCuda()
{
    static std::once_flag once;
    std::call_once(once, [] {
        auto &context = at::globalContext();
        context.setBenchmarkCuDNN(false);
        context.setDeterministicCuDNN(true);
        context.setAllowTF32CuDNN(false);
    });
}

} // namespace

torch::Device resolveDevice(const QString &nameIn)
{
    const QString name = nameIn.trimmed().toLower();
    const int cudaCount = int(torch::cuda::device_count());
    if (name.isEmpty() || name == QLatin1String("auto")) {
        if (cudaCount == 0)
            return torch::kCPU;
        configureCuda();
        return torch::Device(torch::kCUDA, 0);
    }
    if (name == QLatin1String("cpu"))
        return torch::kCPU;
    int index = -1;
    if (name == QLatin1String("cuda")) {
        index = 0;
    } else if (name.startsWith(QLatin1String("cuda:"))) {
        bool ok = false;
        index = name.mid(5).toInt(&ok);
        if (!ok || index < 0)
            index = -2;
    }
    if (index == -1 || index == -2)
        throw ModelError(QStringLiteral("unknown device '%1' (expected cpu, cuda, cuda:N or auto)").arg(nameIn));
    if (index >= cudaCount)
        throw ModelError(cudaCount == 0
                             ? QStringLiteral("device %1: this LibTorch build has no CUDA device (Debian's libtorch "
                                              "is CPU-only; build against a CUDA LibTorch with -DTorch_DIR=...)")
                                   .arg(name)
                             : QStringLiteral("device %1: only %2 CUDA device(s) here").arg(name).arg(cudaCount));
    configureCuda();
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
}

torch::Device defaultDevice()
{
    return resolveDevice(QString::fromLocal8Bit(qgetenv("ACTIVELABEL_DEVICE")));
}

torch::Tensor indexTensor(const std::vector<std::int64_t> &rows, const torch::Device &device)
{
    const torch::Tensor t = torch::tensor(rows, torch::kLong);
    return device.is_cpu() ? t : t.to(device);
}

} // namespace detail

QString defaultComputeDevice()
{
    return QString::fromStdString(detail::defaultDevice().str());
}

int cudaDeviceCount()
{
    return int(torch::cuda::device_count());
}

} // namespace activelabel
