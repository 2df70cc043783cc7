#include "storage/imageflagrepository.h"

#include "storage/sqlitedatabase.h"
#include "storage/timeutil.h"

namespace activelabel {

const char *imageFlagName(ImageFlag flag)
{
    return flag == ImageFlag::Bad ? "bad" : "unsure";
}

std::optional<ImageFlag> parseImageFlag(const QString &name)
{
    if (name == QLatin1String("unsure"))
        return ImageFlag::Unsure;
    if (name == QLatin1String("bad"))
        return ImageFlag::Bad;
    return std::nullopt;
}

void ImageFlagRepository::set(std::int64_t imageId, ImageFlag flag, const QString &annotator)
{
    m_db.query("INSERT INTO image_flags (image_id, flag, annotator, flagged_at) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (image_id) DO UPDATE SET flag = excluded.flag, annotator = excluded.annotator, "
               "flagged_at = excluded.flagged_at")
        .bind(1, imageId)
        .bind(2, imageFlagName(flag))
        .bind(3, annotator)
        .bind(4, nowMs())
        .exec();
}

bool ImageFlagRepository::clear(std::int64_t imageId)
{
    m_db.query("DELETE FROM image_flags WHERE image_id = ?").bind(1, imageId).exec();
    return m_db.changes() > 0;
}

std::optional<ImageFlag> ImageFlagRepository::get(std::int64_t imageId)
{
    auto q = m_db.query("SELECT flag FROM image_flags WHERE image_id = ?");
    q.bind(1, imageId);
    if (!q.step())
        return std::nullopt;
    return parseImageFlag(q.text(0));
}

std::vector<std::int64_t> ImageFlagRepository::images(ImageFlag flag)
{
    auto q = m_db.query("SELECT image_id FROM image_flags WHERE flag = ? ORDER BY image_id");
    q.bind(1, imageFlagName(flag));
    std::vector<std::int64_t> ids;
    while (q.step())
        ids.push_back(q.int64(0));
    return ids;
}

} // namespace activelabel
