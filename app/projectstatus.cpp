#include "app/projectstatus.h"

#include "storage/classrepository.h"
#include "storage/imagerepository.h"
#include "storage/importlogrepository.h"
#include "storage/modelversionrepository.h"
#include "storage/project.h"

namespace activelabel {

ProjectStatus readProjectStatus(Project &project)
{
    Database &db = project.database();
    ProjectStatus status;
    const ImageCounts counts = ImageRepository(db).counts();
    status.imagesTotal = counts.total;
    status.unlabelled = counts.unlabelledPool;
    status.labelled = counts.labelledPool;
    status.test = counts.test;
    for (const ClassInfo &info : ClassRepository(db).list())
        status.classes << info.name;
    if (const auto latest = ModelVersionRepository(db).latest())
        status.modelVersion = latest->id;
    status.rejectedFiles = ImportLogRepository(db).rejectedCount();
    return status;
}

} // namespace activelabel
