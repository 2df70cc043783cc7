#include "app/gui/bulkpagebuilder.h"

#include "app/imageconversion.h"
#include "storage/database.h"
#include "storage/imagecache.h"
#include "storage/imageflagrepository.h"
#include "storage/imagerepository.h"
#include "storage/predictionstore.h"
#include "storage/project.h"
#include "storage/queryrepository.h"

namespace activelabel {

BulkPage buildBulkPage(const Project &project, const BulkPageRequest &request)
{
    BulkPage page;
    page.serial = request.serial;
    page.classPosition = request.classPosition;

    std::unique_ptr<Database> predictions = project.openPredictions();
    page.modelVersion = PredictionStore(*predictions).latestCompleteRun();
    if (!page.modelVersion)
        return page;

    std::unique_ptr<Database> db = project.openConnection();
    ImageRepository images(*db);
    std::unordered_set<std::int64_t> eligible;
    for (const std::int64_t id : images.ids({Split::Pool, ImageFilter::Labels::Unlabelled}))
        eligible.insert(id);
    ImageFlagRepository flags(*db);
    for (const ImageFlag flag : {ImageFlag::Unsure, ImageFlag::Bad})
        for (const std::int64_t id : flags.images(flag))
            eligible.erase(id);
    // An audit draw keeps its place in the unbiased accuracy sample only if it is labelled one by
    // one, as asked: never on a page, even when it was skipped and is still unlabelled.
    for (const QueryRecord &audit : QueryRepository(*db).audits())
        eligible.erase(audit.imageId);
    for (const std::int64_t id : request.excluded)
        eligible.erase(id);

    auto q = predictions->query(
        "SELECT image_id, confidence FROM predictions WHERE model_version = ? AND "
        "predicted_class = ? ORDER BY confidence DESC, image_id");
    q.bind(1, *page.modelVersion).bind(2, request.classPosition);
    while (q.step()) {
        const std::int64_t id = q.int64(0);
        if (eligible.count(id) == 0)
            continue;
        ++page.inClass;
        if (int(page.entries.size()) < request.pageSize)
            page.entries.push_back({id, float(q.real(1)), QImage()});
    }
    std::vector<std::optional<ImageRecord>> records;
    std::vector<ImageCache::Image> inCache;
    for (const BulkPageEntry &entry : page.entries) {
        records.push_back(images.get(entry.imageId));
        if (records.back() && std::filesystem::path(records.back()->path).is_relative())
            inCache.push_back({records.back()->contentHash, project.resolve(records.back()->path)});
    }
    ImageCache *cache = project.imageCache().get();
    if (cache) // a team project: the page's missing images in one query, not one each
        cache->fetchMissing(*db, inCache, false);
    for (std::size_t i = 0; i < page.entries.size(); ++i) {
        BulkPageEntry &entry = page.entries[i];
        const auto &record = records[i];
        if (!record)
            continue;
        QImage image = decodeForDisplay(project.resolve(record->path), nullptr, cache);
        if (image.width() > request.thumbnailSize || image.height() > request.thumbnailSize)
            image = image.scaled(request.thumbnailSize, request.thumbnailSize, Qt::KeepAspectRatio,
                                 Qt::SmoothTransformation);
        entry.image = std::move(image);
    }
    return page;
}

} // namespace activelabel
