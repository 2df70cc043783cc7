#include "app/simulation/simulationdata.h"

#include "app/projectimages.h"
#include "storage/classrepository.h"
#include "storage/groundtruthrepository.h"

#include <unordered_map>

namespace activelabel {

SimulationData loadSimulationData(ProjectImages &images, Database &db)
{
    SimulationData data;
    data.images = &images;
    std::unordered_map<std::int64_t, int> position;
    for (const ClassInfo &info : ClassRepository(db).list()) {
        position.emplace(info.id, static_cast<int>(data.classNames.size()));
        data.classNames << info.name;
    }
    for (const auto &[imageId, classId] : GroundTruthRepository(db).all()) {
        const long long index = images.indexOf(imageId);
        const auto cls = position.find(classId);
        if (index < 0 || cls == position.end())
            continue;
        if (images.record(static_cast<std::size_t>(index)).split == Split::Pool) {
            data.pool.push_back(static_cast<std::size_t>(index));
            data.poolTruth.push_back(cls->second);
        } else {
            data.test.push_back(static_cast<std::size_t>(index));
            data.testTruth.push_back(cls->second);
        }
    }
    return data;
}

} // namespace activelabel
