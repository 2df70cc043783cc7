#pragma once

#include <QString>
#include <QMetaType>
#include <QStringList>

namespace activelabel {

// What the user asked to import, as the window hands it to app/.
struct ImportRequest
{
    // Rescan: every folder imported before, for files added since (paths unused).
    enum class Kind { Folders, ImageFolder, Csv, FashionMnist, Rescan };
    Kind kind = Kind::Folders;
    QStringList paths;          // folders or files (Folders, ImageFolder), the CSV file (Csv)
    bool asGroundTruth = false; // labels become ground truth (for simulation/evaluation) not labels
    int limit = 0;              // FashionMnist: pool size, 0 = all 60,000
};

} // namespace activelabel

Q_DECLARE_METATYPE(activelabel::ImportRequest)
