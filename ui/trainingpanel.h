#pragma once

#include <QMetaType>
#include <QString>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace activelabel {

// The training choices a user makes in the panel; app/ turns them into a training request.
struct TrainingSettings
{
    QString strategy = QStringLiteral("margin"); // the measured best (docs/benchmarks.md)
    QString transfer = QStringLiteral("auto"); // frozen | finetune:N | full | scratch | auto
    QString backbone = QStringLiteral("smallcnn"); // smallcnn | resnet18 | path of a .pt file
    int retrainEvery = 50; // new labels between automatic rounds; 0 = only on demand
    int epochs = 0;        // 0 = the trainer's defaults (epoch bounds, step floor); else exact
    // Semi-supervised rounds (pseudo-labels on the unlabelled pool). Off by default: on the
    // Fashion-MNIST protocol it did not meet its goals (docs/benchmarks.md).
    bool semiSupervised = false;
};

// The side panel for training: strategy, transfer mode, backbone or TorchScript file, how often
// to retrain, epochs, semi-supervised rounds, "Train now" and the live state of the worker with a cancel button.
class TrainingPanel : public QWidget
{
    Q_OBJECT
public:
    explicit TrainingPanel(QWidget *parent = nullptr);

    TrainingSettings settings() const;
    void setSettings(const TrainingSettings &settings);
    // Worker state: busy with a progress (max 0 = indeterminate), or idle with a last-round line.
    void showBusy(const QString &what, int value, int maximum);
    void showIdle(const QString &lastRound);

Q_SIGNALS:
    void settingsChanged(const activelabel::TrainingSettings &settings);
    void trainRequested();
    void cancelRequested();

private:
    void chooseModelFile();
    void emitChanged();

    QComboBox *m_strategy = nullptr;
    QComboBox *m_transfer = nullptr;
    QSpinBox *m_finetuneBlocks = nullptr;
    QComboBox *m_backbone = nullptr;
    QSpinBox *m_retrainEvery = nullptr;
    QSpinBox *m_epochs = nullptr;
    QCheckBox *m_semi = nullptr;
    QPushButton *m_train = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_state = nullptr;
};

} // namespace activelabel

Q_DECLARE_METATYPE(activelabel::TrainingSettings)
