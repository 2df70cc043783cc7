#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace activelabel {

// The counts the main window shows about an open project. Plain data handed from app/ to ui/,
// so the widgets never need to know how the project is stored.
struct ProjectSummary
{
    QString projectPath; // the folder, or a team project's server URI (without its password)
    QString name;        // what titles show: the folder's name, or the server URI
    qint64 imagesTotal = 0;
    qint64 unlabelled = 0;
    qint64 labelled = 0;
    qint64 test = 0;
    qint64 rejectedFiles = 0;
    QStringList classes;
    std::optional<qint64> modelVersion;
    bool readOnly = false;
};

} // namespace activelabel
