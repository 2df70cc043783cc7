#pragma once

#include <QMetaType>
#include <QString>

namespace activelabel {

// What the user asked to export, from the export dialog. app/ carries it out (as the CLI's
// `export` does) and reports the result.
struct ExportRequest
{
    enum class Kind { Model, Labels, ImageFolder, Metrics, OnnxModel };
    enum class LabelFormat { Csv, Json };

    Kind kind = Kind::Model;
    // Model: the .pt file, OnnxModel: the .onnx file (the JSON sidecar goes next to either);
    // Labels: the .csv/.json file;
    // ImageFolder and Metrics: the target directory.
    QString path;
    LabelFormat labelFormat = LabelFormat::Csv;
    bool symlinks = false; // ImageFolder: symbolic links to the images instead of copies
};

} // namespace activelabel

Q_DECLARE_METATYPE(activelabel::ExportRequest)
