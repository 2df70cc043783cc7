#include "storage/fashionmnistimporter.h"

#include "storage/classrepository.h"
#include "storage/groundtruthrepository.h"
#include "storage/idxreader.h"
#include "storage/imageblobrepository.h"
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
#include <memory>
#include <numeric>
#include <random>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

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
    QByteArray bytes; // the PNG, when it goes to the server too
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

Written writePng(const IdxArray &images, const Item &item, const fs::path &projectDir, bool keepBytes)
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
    // Plain open/write/close: three system calls per file, which is most of this import's cost.
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const bool ok = fd >= 0 && ::write(fd, png.data(), png.size()) == static_cast<ssize_t>(png.size());
    const int savedErrno = errno;
    if (fd >= 0 && ::close(fd) != 0 && ok) {
        w.error = "cannot write " + file.string() + ": " + std::strerror(errno);
        return w;
    }
    if (!ok) {
        w.error = "cannot write " + file.string() + ": " + std::strerror(savedErrno);
        return w;
    }
    const QByteArrayView view(reinterpret_cast<const char *>(png.data()), static_cast<qsizetype>(png.size()));
    w.hash = QCryptographicHash::hash(view, QCryptographicHash::Sha1);
    if (keepBytes)
        w.bytes = view.toByteArray();
    return w;
}

} // namespace

FashionMnistImporter::FashionMnistImporter(Project &project, Options options)
    : FashionMnistImporter(project.database(), project.directory(), std::move(options))
{
    m_options.storeBytes = m_options.storeBytes || project.isOnServer();
}

FashionMnistImporter::FashionMnistImporter(Database &db, fs::path projectDir, Options options)
    : m_db(db), m_projectDir(std::move(projectDir)), m_options(std::move(options))
{
    if (m_options.sourceDir.empty())
        m_options.sourceDir = FashionMnist::defaultDirectory();
}

ImportSummary FashionMnistImporter::run(const ImportProgressCallback &progress)
{
    Database &db = m_db;
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
    const std::size_t testCount = std::min(testImages.count(), m_options.testLimit.value_or(testImages.count()));
    for (std::size_t i = 0; i < testCount; ++i)
        items.push_back({Split::Test, i, testLabels.data[i]});

    std::error_code ec;
    for (const char *sub : {"images/fashion-mnist/train", "images/fashion-mnist/test"}) {
        fs::create_directories(m_projectDir / sub, ec);
        if (ec)
            throw std::runtime_error("cannot create " + (m_projectDir / sub).string() + ": " + ec.message());
    }

    ImportSummary summary;
    summary.candidates = static_cast<std::int64_t>(items.size());
    ImageRepository imagesRepo(db);
    ClassRepository classes(db);
    GroundTruthRepository truth(db);
    ImageBlobRepository blobs(db);
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
    const fs::path projectDir = m_projectDir;
    const bool storeBytes = m_options.storeBytes;

    // A pipeline: worker threads encode and write batch k+1 while this thread inserts batch k.
    struct Batch
    {
        std::size_t begin = 0;
        std::size_t end = 0;
        std::vector<Written> written;
        std::atomic<std::size_t> next{0};
        std::vector<std::thread> workers;
        ~Batch() { join(); }
        void join()
        {
            for (auto &t : workers)
                t.join();
            workers.clear();
        }
    };
    auto launch = [&](std::size_t begin) {
        auto b = std::make_unique<Batch>();
        b->begin = begin;
        b->end = std::min(items.size(), begin + batch);
        b->written.resize(b->end - begin);
        b->next = begin;
        Batch *raw = b.get();
        for (int t = 0; t < threads; ++t)
            b->workers.emplace_back([raw, &items, &trainImages, &testImages, &projectDir, storeBytes] {
                for (std::size_t i = raw->next++; i < raw->end; i = raw->next++) {
                    const Item &item = items[i];
                    raw->written[i - raw->begin] =
                        writePng(item.split == Split::Test ? testImages : trainImages, item, projectDir, storeBytes);
                }
            });
        return b;
    };
    auto discard = [&](Batch &b) { // files of a batch that will not be registered
        b.join();
        for (const Written &w : b.written)
            if (w.error.empty() && !w.relativePath.empty())
                fs::remove(projectDir / w.relativePath, ec);
    };

    std::unique_ptr<Batch> current = items.empty() ? nullptr : launch(0);
    while (current) {
        current->join();
        for (const Written &w : current->written)
            if (!w.error.empty()) {
                discard(*current);
                throw std::runtime_error(w.error); // disk full or similar: no point carrying on
            }
        std::unique_ptr<Batch> next = current->end < items.size() ? launch(current->end) : nullptr;
        try {
            Transaction tx(db);
            const std::int64_t now = nowMs();
            for (std::size_t i = current->begin; i < current->end; ++i) {
                Written &w = current->written[i - current->begin];
                ImageRecord record;
                record.path = std::move(w.relativePath);
                record.contentHash = w.hash;
                if (storeBytes)
                    blobs.put(w.hash, w.bytes);
                record.width = static_cast<int>(trainImages.dims[2]);
                record.height = static_cast<int>(trainImages.dims[1]);
                record.split = items[i].split;
                record.added = now;
                const std::int64_t id = imagesRepo.add(record);
                truth.set(id, classIds[static_cast<std::size_t>(items[i].label)]);
                ++summary.added;
                ++summary.groundTruth;
            }
            tx.commit();
        } catch (...) {
            if (next)
                discard(*next);
            throw;
        }
        if (progress && !progress({static_cast<std::int64_t>(current->end), summary.candidates, QStringLiteral("importing")})) {
            if (next) {
                discard(*next);
                summary.cancelled = true;
            }
            break;
        }
        current = std::move(next);
    }
    return summary;
}

} // namespace activelabel
