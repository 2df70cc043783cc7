#include "storage/importrootrepository.h"

#include "storage/settingsrepository.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace activelabel {

namespace {
const QString kKey = QStringLiteral("import_roots");

QString modeName(ImportLabelMode mode)
{
    switch (mode) {
    case ImportLabelMode::Labels:
        return QStringLiteral("labels");
    case ImportLabelMode::GroundTruth:
        return QStringLiteral("ground_truth");
    case ImportLabelMode::None:
        break;
    }
    return QStringLiteral("none");
}

ImportLabelMode parseMode(const QString &name)
{
    if (name == QLatin1String("labels"))
        return ImportLabelMode::Labels;
    if (name == QLatin1String("ground_truth"))
        return ImportLabelMode::GroundTruth;
    return ImportLabelMode::None;
}
} // namespace

std::vector<ImportRoot> ImportRootRepository::list()
{
    std::vector<ImportRoot> roots;
    const auto stored = SettingsRepository(m_db).value(kKey);
    if (!stored)
        return roots;
    for (const QJsonValue &value : QJsonDocument::fromJson(stored->toUtf8()).array()) {
        const QJsonObject o = value.toObject();
        ImportRoot root;
        // Paths are raw bytes (not necessarily UTF-8): stored as base64.
        root.path = QByteArray::fromBase64(o.value(QStringLiteral("path_base64")).toString().toLatin1()).toStdString();
        root.imageFolder = o.value(QStringLiteral("image_folder")).toBool();
        root.labelMode = parseMode(o.value(QStringLiteral("labels")).toString());
        if (!root.path.empty())
            roots.push_back(std::move(root));
    }
    return roots;
}

void ImportRootRepository::remember(const ImportRoot &root)
{
    std::vector<ImportRoot> roots = list();
    bool found = false;
    for (ImportRoot &known : roots) {
        if (known.path == root.path) {
            known = root;
            found = true;
        }
    }
    if (!found)
        roots.push_back(root);
    QJsonArray array;
    for (const ImportRoot &r : roots) {
        QJsonObject o;
        o.insert(QStringLiteral("path_base64"),
                 QString::fromLatin1(QByteArray::fromStdString(r.path).toBase64()));
        o.insert(QStringLiteral("path"), QString::fromLocal8Bit(r.path.data(), qsizetype(r.path.size()))); // for people
        o.insert(QStringLiteral("image_folder"), r.imageFolder);
        o.insert(QStringLiteral("labels"), modeName(r.labelMode));
        array.append(o);
    }
    SettingsRepository(m_db).setValue(kKey, QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact)));
}

} // namespace activelabel
