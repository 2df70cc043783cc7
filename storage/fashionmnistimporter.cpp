#include "storage/fashionmnistimporter.h"

#include "storage/classrepository.h"
#include "storage/groundtruthrepository.h"
#include "storage/idxreader.h"
#include "storage/imagerepository.h"
#include "storage/project.h"
#include "storage/settingsrepository.h"
#include "storage/sqlitedatabase.h"
#include "storage/timeutil.h"
#include "storage/transaction.h"

#include <QCryptographicHash>

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <random>
#include <stdexcept>
#include <thread>

namespace activelabel {

namespace fs = std::filesystem;

namespace {

struct Item
{
    Split split;
    std::size_t index; // within its IDX file
    int label;
};

struct Written
{
    std::string relativePath;
    QByteArray hash;
    std::string error;
};

void checkPair(const IdxArray &images, const IdxArray &labels, const std::string &what)
{
    if (images.dims.size() != 3 || labels.dims.size() != 1 || images.count() != labels.count())
        throw std::runtime_error("Fashion-MNIST " + what + " files do not match (expected N x 28 x 28 images and N labels)");
    for (std::uint8_t l : labels.data)
        if (l >= FashionMnist::classNames().size())
            throw std::runtime_error("Fashion-MNIST " + what + " labels hold an unknown class " + std::to_string(l));
}

Written writePng(const IdxArray &images, const Item &item, const fs::path &projectDir)
{
    Written w;
    char name[64];
    std::snprintf(name, sizeof name, "images/fashion-mnist/%s/%05zu.png", item.split == Split::Test ? "test" : "train",
                  item.index);
    w.relativePath = name;
    const int rows = static_cast<int>(images.dims[1]);
    const int cols = static_cast<int>(images.dims[2]);
    const cv::Mat pixels(rows, cols, CV_8UC1, const_cast<std::uint8_t *>(images.item(item.index)));
    std::vector<uchar> png;
    // Low compression: these files are tiny and encoding speed matters more than 10% of size.
    if (!cv::imencode(".png", pixels, png, {cv::IMWRITE_PNG_COMPRESSION, 1})) {
        w.error = "PNG encoding failed";
        return w;
    }
    const fs::path file = projectDir / w.relativePath;
    std::FILE *f = std::fopen(file.c_str(), "wb");
    if (!f || std::fwrite(png.data(), 1, png.size(), f) != png.size() || std::fclose(f) != 0) {
        w.error = "cannot write " + file.string() + ": " + std::strerror(errno);
        return w;
    }
    w.hash = QCryptographicHash::hash(QByteArrayView(reinterpret_cast<const char *>(png.data()),
                                                     static_cast<qsizetype>(png.size())),
                                      QCryptographicHash::Sha1);
    return w;
}

} // namespace

FashionMnistImporter::FashionMnistImporter(Project &project, Options options)
    : m_project(project), m_options(std::move(options))
{
    if (m_options.sourceDir.empty())
        m_options.sourceDir = FashionMnist::defaultDirectory();
}

ImportSummary FashionMnistImporter::run(const ImportProgressCallback &progress)
{
    Database &db = m_project.database();
    SettingsRepository settings(db);
    if (settings.value(QString::fromLatin1(kImportedSetting)))
        throw std::runtime_error("Fashion-MNIST is already imported in this project");

    const fs::path &dir = m_options.sourceDir;
    if (!fs::exists(FashionMnist::trainImages(dir)))
        throw std::runtime_error("Fashion-MNIST not found in " + dir.string() +
                                 " (install Debian's dataset-fashion-mnist package)");
    const IdxArray trainImages = IdxReader::read(FashionMnist::trainImages(dir));
    const IdxArray trainLabels = IdxReader::read(FashionMnist::trainLabels(dir));
    const IdxArray testImages = IdxReader::read(FashionMnist::testImages(dir));
    const IdxArray testLabels = IdxReader::read(FashionMnist::testLabels(dir));
    checkPair(trainImages, trainLabels, "training");
    checkPair(testImages, testLabels, "test");

    std::vector<std::size_t> pool(trainImages.count());
    std::iota(pool.begin(), pool.end(), 0);
    if (m_options.limit && *m_options.limit < pool.size()) {
        std::mt19937 rng(m_options.seed);
        std::shuffle(pool.begin(), pool.end(), rng);
        pool.resize(*m_options.limit);
        std::sort(pool.begin(), pool.end());
    }
    std::vector<Item> items;
    items.reserve(pool.size() + testImages.count());
    for (std::size_t i : pool)
        items.push_back({Split::Pool, i, trainLabels.data[i]});
    for (std::size_t i = 0; i < testImages.count(); ++i)
        items.push_back({Split::Test, i, testLabels.data[i]});

    std::error_code ec;
    for (const char *sub : {"images/fashion-mnist/train", "images/fashion-mnist/test"}) {
        fs::create_directories(m_project.directory() / sub, ec);
        if (ec)
            throw std::runtime_error("cannot create " + (m_project.directory() / sub).string() + ": " + ec.message());
    }

    ImportSummary summary;
    summary.candidates = static_cast<std::int64_t>(items.size());
    ImageRepository imagesRepo(db);
    ClassRepository classes(db);
    GroundTruthRepository truth(db);
    std::vector<std::int64_t> classIds;
    {
        Transaction tx(db);
        for (const std::string &name : FashionMnist::classNames()) {
            const QString qname = QString::fromStdString(name);
            if (auto c = classes.find(qname)) {
                classIds.push_back(c->id);
            } else {
                classIds.push_back(classes.add(qname));
                ++summary.classesAdded;
            }
        }
        // Marked at the start: a cancelled import is partial, and repeating it would duplicate.
        settings.setValue(QString::fromLatin1(kImportedSetting), QString::number(nowMs()));
        tx.commit();
    }

    const std::size_t batch = static_cast<std::size_t>(std::max(1, m_options.batchSize));
    const int threads = std::max(1, m_options.threads);
    const fs::path projectDir = m_project.directory();
    for (std::size_t begin = 0; begin < items.size(); begin += batch) {
        const std::size_t end = std::min(items.size(), begin + batch);
        std::vector<Written> written(end - begin);
        std::atomic<std::size_t> next{begin};
        auto work = [&] {
            for (std::size_t i = next++; i < end; i = next++) {
                const Item &item = items[i];
                written[i - begin] = writePng(item.split == Split::Test ? testImages : trainImages, item, projectDir);
            }
        };
        std::vector<std::thread> workers;
        for (int t = 1; t < threads; ++t)
            workers.emplace_back(work);
        work();
        for (auto &t : workers)
            t.join();
        for (const Written &w : written)
            if (!w.error.empty())
                throw std::runtime_error(w.error); // disk full or similar: no point carrying on

        Transaction tx(db);
        const std::int64_t now = nowMs();
        for (std::size_t i = begin; i < end; ++i) {
            ImageRecord record;
            record.path = std::move(written[i - begin].relativePath);
            record.contentHash = written[i - begin].hash;
            record.width = static_cast<int>(trainImages.dims[2]);
            record.height = static_cast<int>(trainImages.dims[1]);
            record.split = items[i].split;
            record.added = now;
            const std::int64_t id = imagesRepo.add(record);
            truth.set(id, classIds[static_cast<std::size_t>(items[i].label)]);
            ++summary.added;
            ++summary.labelled;
        }
        tx.commit();
        if (progress && !progress({static_cast<std::int64_t>(end), summary.candidates, QStringLiteral("importing")})) {
            summary.cancelled = end < items.size();
            break;
        }
    }
    return summary;
}

} // namespace activelabel
