#pragma once

#include "model/imageprovider.h"

#include <QStringList>

#include <cstddef>
#include <vector>

namespace activelabel {

class Database;
class ProjectImages;

// What a simulation reads of a project, copied out once so the run never touches the project
// again: the images (through the provider), the class names, and the ground truth of the pool
// (the simulated annotator) and of the test split (test accuracy). Class values are positions.
struct SimulationData
{
    const ImageProvider *images = nullptr;
    QStringList classNames;
    std::vector<std::size_t> pool; // provider indices of pool images that have ground truth
    std::vector<int> poolTruth;
    std::vector<std::size_t> test; // provider indices of test images that have ground truth
    std::vector<int> testTruth;
};

// Reads it from a project opened read-only. Pool images without ground truth cannot be answered by
// the oracle and are left out; so are test images without it.
SimulationData loadSimulationData(ProjectImages &images, Database &db);

} // namespace activelabel
