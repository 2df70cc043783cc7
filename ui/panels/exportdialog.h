#pragma once

#include "ui/panels/exportrequest.h"

#include <QDialog>

class QButtonGroup;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;

namespace activelabel {

// Chooses one export: the model (TorchScript + JSON sidecar), the labels (CSV or JSON), an
// ImageFolder tree (copies or links) or the metrics (CSV + PNG plots). It suggests a path per
// kind under the project's export folder, keeps file extensions consistent with the format, and
// emits exportRequested() on Export; app/ does the work.
class ExportDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ExportDialog(QWidget *parent = nullptr);

    // Where suggested paths go (e.g. the project's exports/ folder).
    void setDefaultDirectory(const QString &directory);
    void setKind(ExportRequest::Kind kind);
    ExportRequest::Kind kind() const;

    // The request as the form stands, with the path normalised (trimmed, extension added).
    ExportRequest request() const;
    // Why the form cannot be exported as it stands, or empty.
    QString problem() const;

public Q_SLOTS:
    // Validates, emits exportRequested() and closes; or shows the problem and stays open.
    void exportNow();

Q_SIGNALS:
    void exportRequested(const activelabel::ExportRequest &request);

private:
    void kindChanged();
    void formatChanged();
    void browse();
    QString suggestedPath(ExportRequest::Kind kind) const;
    bool isDirectoryKind() const;

    QString m_defaultDirectory;
    QButtonGroup *m_kinds = nullptr;
    QRadioButton *m_model = nullptr;
    QRadioButton *m_onnx = nullptr;
    QRadioButton *m_labels = nullptr;
    QRadioButton *m_imageFolder = nullptr;
    QRadioButton *m_metrics = nullptr;
    QLineEdit *m_path = nullptr;
    QPushButton *m_browse = nullptr;
    QComboBox *m_format = nullptr;
    QLabel *m_formatLabel = nullptr;
    QComboBox *m_linkMode = nullptr;
    QLabel *m_linkLabel = nullptr;
    QLabel *m_description = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_export = nullptr;
};

} // namespace activelabel
