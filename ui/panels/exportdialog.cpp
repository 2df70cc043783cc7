#include "ui/panels/exportdialog.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace activelabel {

namespace {

using Kind = ExportRequest::Kind;
using Format = ExportRequest::LabelFormat;

QString withExtension(const QString &path, const QString &extension)
{
    if (path.isEmpty() || path.endsWith(extension, Qt::CaseInsensitive))
        return path;
    return path + extension;
}

} // namespace

ExportDialog::ExportDialog(QWidget *parent)
    : QDialog(parent), m_kinds(new QButtonGroup(this)),
      m_model(new QRadioButton(tr("&Model (TorchScript + JSON sidecar)"), this)),
      m_onnx(new QRadioButton(tr("Model as &ONNX (opset 13 + JSON sidecar)"), this)),
      m_labels(new QRadioButton(tr("&Labels (CSV or JSON)"), this)),
      m_imageFolder(new QRadioButton(tr("&ImageFolder tree (one folder per class)"), this)),
      m_metrics(new QRadioButton(tr("M&etrics (CSV and PNG plots)"), this)),
      m_path(new QLineEdit(this)), m_browse(new QPushButton(tr("&Browse…"), this)),
      m_format(new QComboBox(this)), m_formatLabel(new QLabel(tr("&Format:"), this)),
      m_linkMode(new QComboBox(this)), m_linkLabel(new QLabel(tr("&Files:"), this)),
      m_description(new QLabel(this)), m_message(new QLabel(this))
{
    setWindowTitle(tr("Export"));
    setObjectName(QStringLiteral("exportDialog"));
    m_model->setObjectName(QStringLiteral("modelRadio"));
    m_onnx->setObjectName(QStringLiteral("onnxRadio"));
    m_labels->setObjectName(QStringLiteral("labelsRadio"));
    m_imageFolder->setObjectName(QStringLiteral("imageFolderRadio"));
    m_metrics->setObjectName(QStringLiteral("metricsRadio"));
    m_path->setObjectName(QStringLiteral("pathEdit"));
    m_format->setObjectName(QStringLiteral("formatCombo"));
    m_linkMode->setObjectName(QStringLiteral("linkModeCombo"));
    m_message->setObjectName(QStringLiteral("messageLabel"));

    m_kinds->addButton(m_model, int(Kind::Model));
    m_kinds->addButton(m_onnx, int(Kind::OnnxModel));
    m_kinds->addButton(m_labels, int(Kind::Labels));
    m_kinds->addButton(m_imageFolder, int(Kind::ImageFolder));
    m_kinds->addButton(m_metrics, int(Kind::Metrics));
    m_format->addItem(tr("CSV (path,label)"), int(Format::Csv));
    m_format->addItem(tr("JSON"), int(Format::Json));
    m_linkMode->addItem(tr("Copy the images"), false);
    m_linkMode->addItem(tr("Symbolic links to the images"), true);
    m_formatLabel->setBuddy(m_format);
    m_linkLabel->setBuddy(m_linkMode);
    m_description->setWordWrap(true);
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("QLabel { color: #B04A00; font-weight: bold; }"));
    m_message->hide();

    auto *what = new QGroupBox(tr("What to export"), this);
    auto *whatLayout = new QVBoxLayout(what);
    for (QRadioButton *b : {m_model, m_onnx, m_labels, m_imageFolder, m_metrics})
        whatLayout->addWidget(b);

    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(m_browse);
    auto *form = new QFormLayout;
    auto *pathLabel = new QLabel(tr("&Save to:"), this);
    pathLabel->setBuddy(m_path);
    form->addRow(pathLabel, pathRow);
    form->addRow(m_formatLabel, m_format);
    form->addRow(m_linkLabel, m_linkMode);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_export = buttons->addButton(tr("E&xport"), QDialogButtonBox::AcceptRole);
    m_export->setObjectName(QStringLiteral("exportButton"));
    m_export->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(what);
    layout->addLayout(form);
    layout->addWidget(m_description);
    layout->addWidget(m_message);
    layout->addStretch();
    layout->addWidget(buttons);

    connect(m_kinds, &QButtonGroup::idToggled, this, [this](int, bool checked) {
        if (checked)
            kindChanged();
    });
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::formatChanged);
    connect(m_browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_path, &QLineEdit::textEdited, this, [this] { m_message->hide(); });
    connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::exportNow);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    setDefaultDirectory(QDir::homePath());
    m_model->setChecked(true);
    resize(520, 380);
}

void ExportDialog::setDefaultDirectory(const QString &directory)
{
    m_defaultDirectory = directory;
    if (m_kinds->checkedId() >= 0)
        m_path->setText(suggestedPath(kind()));
}

void ExportDialog::setKind(Kind kind)
{
    m_kinds->button(int(kind))->setChecked(true);
}

Kind ExportDialog::kind() const
{
    return Kind(std::max(0, m_kinds->checkedId()));
}

bool ExportDialog::isDirectoryKind() const
{
    return kind() == Kind::ImageFolder || kind() == Kind::Metrics;
}

QString ExportDialog::suggestedPath(Kind kind) const
{
    const QDir dir(m_defaultDirectory);
    switch (kind) {
    case Kind::Model:
        return dir.filePath(QStringLiteral("model.pt"));
    case Kind::OnnxModel:
        return dir.filePath(QStringLiteral("model.onnx"));
    case Kind::Labels:
        return dir.filePath(Format(m_format->currentData().toInt()) == Format::Json
                                ? QStringLiteral("labels.json")
                                : QStringLiteral("labels.csv"));
    case Kind::ImageFolder:
        return dir.filePath(QStringLiteral("imagefolder"));
    case Kind::Metrics:
        return dir.filePath(QStringLiteral("metrics"));
    }
    return m_defaultDirectory;
}

void ExportDialog::kindChanged()
{
    const Kind k = kind();
    m_path->setText(suggestedPath(k));
    m_format->setVisible(k == Kind::Labels);
    m_formatLabel->setVisible(k == Kind::Labels);
    m_linkMode->setVisible(k == Kind::ImageFolder);
    m_linkLabel->setVisible(k == Kind::ImageFolder);
    m_message->hide();
    switch (k) {
    case Kind::Model:
        m_description->setText(tr("The current model as TorchScript, loadable with "
                                  "torch.jit.load in Python or C++, and a .json file beside it "
                                  "with the classes, input size, normalisation and metrics."));
        break;
    case Kind::OnnxModel:
        m_description->setText(tr("The current model as ONNX (opset 13), for OpenCV's dnn module, "
                                  "onnxruntime and other runtimes: its output is the calibrated "
                                  "class probabilities. The .json file beside it describes the input. "
                                  "An imported TorchScript model may use layers ONNX cannot express: "
                                  "the export then says which."));
        break;
    case Kind::Labels:
        m_description->setText(tr("Every human label: image path and class name."));
        break;
    case Kind::ImageFolder:
        m_description->setText(tr("A folder per class holding its labelled images, the layout "
                                  "torchvision's ImageFolder reads. Links save space but break "
                                  "if the originals move."));
        break;
    case Kind::Metrics:
        m_description->setText(tr("The accuracy, rounds and per-class figures as CSV, and every "
                                  "plot as a PNG."));
        break;
    }
}

void ExportDialog::formatChanged()
{
    if (kind() != Kind::Labels)
        return;
    // Swap a .csv/.json extension to match the chosen format; leave other names alone.
    const bool json = Format(m_format->currentData().toInt()) == Format::Json;
    QString path = m_path->text();
    const QString from = json ? QStringLiteral(".csv") : QStringLiteral(".json");
    const QString to = json ? QStringLiteral(".json") : QStringLiteral(".csv");
    if (path.endsWith(from, Qt::CaseInsensitive))
        path = path.left(path.size() - from.size()) + to;
    m_path->setText(path);
}

ExportRequest ExportDialog::request() const
{
    ExportRequest r;
    r.kind = kind();
    r.labelFormat = Format(m_format->currentData().toInt());
    r.symlinks = m_linkMode->currentData().toBool();
    QString path = m_path->text().trimmed();
    if (r.kind == Kind::Model) {
        path = withExtension(path, QStringLiteral(".pt"));
    } else if (r.kind == Kind::OnnxModel) {
        path = withExtension(path, QStringLiteral(".onnx"));
    } else if (r.kind == Kind::Labels) {
        // A typed extension wins over the combo: "labels.json" means JSON.
        if (path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
            r.labelFormat = Format::Json;
        else if (path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive))
            r.labelFormat = Format::Csv;
        else
            path = withExtension(path, r.labelFormat == Format::Json ? QStringLiteral(".json")
                                                                     : QStringLiteral(".csv"));
    }
    r.path = path.isEmpty() ? QString() : QDir::cleanPath(path);
    return r;
}

QString ExportDialog::problem() const
{
    const ExportRequest r = request();
    if (r.path.isEmpty())
        return tr("Choose where to save the export.");
    const QFileInfo info(r.path);
    if (isDirectoryKind()) {
        if (info.exists() && !info.isDir())
            return tr("%1 is a file; choose a folder.").arg(r.path);
    } else {
        if (info.isDir())
            return tr("%1 is a folder; choose a file name.").arg(r.path);
        if (!info.absoluteDir().exists())
            return tr("The folder %1 does not exist.").arg(info.absolutePath());
    }
    return {};
}

void ExportDialog::exportNow()
{
    const QString why = problem();
    if (!why.isEmpty()) {
        m_message->setText(why);
        m_message->show();
        return;
    }
    m_message->hide();
    Q_EMIT exportRequested(request());
    accept();
}

void ExportDialog::browse()
{
    const ExportRequest r = request();
    QString chosen;
    switch (r.kind) {
    case Kind::Model:
        chosen = QFileDialog::getSaveFileName(this, tr("Export model"), r.path,
                                              tr("TorchScript model (*.pt)"));
        break;
    case Kind::OnnxModel:
        chosen = QFileDialog::getSaveFileName(this, tr("Export model as ONNX"), r.path, tr("ONNX model (*.onnx)"));
        break;
    case Kind::Labels:
        chosen = QFileDialog::getSaveFileName(this, tr("Export labels"), r.path,
                                              r.labelFormat == Format::Json ? tr("JSON (*.json)")
                                                                            : tr("CSV (*.csv)"));
        break;
    case Kind::ImageFolder:
    case Kind::Metrics:
        chosen = QFileDialog::getExistingDirectory(this, tr("Export to folder"), r.path);
        break;
    }
    if (!chosen.isEmpty())
        m_path->setText(chosen);
}

} // namespace activelabel
