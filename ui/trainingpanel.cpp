#include "ui/trainingpanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace activelabel {

namespace {
const QStringList kStrategies = {QStringLiteral("margin"), QStringLiteral("hybrid"), QStringLiteral("entropy"),
                                 QStringLiteral("least-confidence"), QStringLiteral("bald"),
                                 QStringLiteral("coreset"), QStringLiteral("badge"), QStringLiteral("random")};
const QString kChooseFile = QStringLiteral("TorchScript file…");
} // namespace

TrainingPanel::TrainingPanel(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("trainingPanel"));
    m_strategy = new QComboBox(this);
    m_strategy->setObjectName(QStringLiteral("strategyCombo"));
    m_strategy->addItems(kStrategies);
    m_strategy->setToolTip(tr("How the next images are chosen. margin (default): the images whose two likeliest classes are "
                                  "closest; hybrid: uncertain and diverse."));

    m_transfer = new QComboBox(this);
    m_transfer->setObjectName(QStringLiteral("transferCombo"));
    m_transfer->addItem(tr("Auto"), QStringLiteral("auto"));
    m_transfer->addItem(tr("Frozen (head only)"), QStringLiteral("frozen"));
    m_transfer->addItem(tr("Fine-tune last N blocks"), QStringLiteral("finetune"));
    m_transfer->addItem(tr("Full (warm start)"), QStringLiteral("full"));
    m_transfer->addItem(tr("From scratch"), QStringLiteral("scratch"));
    m_finetuneBlocks = new QSpinBox(this);
    m_finetuneBlocks->setRange(1, 20);
    m_finetuneBlocks->setPrefix(tr("N = "));
    m_finetuneBlocks->setEnabled(false);

    m_backbone = new QComboBox(this);
    m_backbone->setObjectName(QStringLiteral("backboneCombo"));
    m_backbone->addItems({QStringLiteral("smallcnn"), QStringLiteral("resnet18"), kChooseFile});

    m_retrainEvery = new QSpinBox(this);
    m_retrainEvery->setRange(0, 100000);
    m_retrainEvery->setSpecialValueText(tr("only on demand"));
    m_retrainEvery->setSuffix(tr(" labels"));
    m_epochs = new QSpinBox(this);
    m_epochs->setRange(0, 1000);
    m_epochs->setSpecialValueText(tr("automatic"));

    m_semi = new QCheckBox(tr("Learn from unlabelled images"), this);
    m_semi->setObjectName(QStringLiteral("semiSupervisedCheck"));
    m_semi->setToolTip(tr("Semi-supervised rounds: the model also trains on unlabelled images it is confident "
                          "about (pseudo-labels). Pseudo-labels are never saved as labels. Rounds take longer."));

    auto *form = new QFormLayout;
    form->addRow(tr("Strategy"), m_strategy);
    form->addRow(tr("Transfer"), m_transfer);
    form->addRow(QString(), m_finetuneBlocks);
    form->addRow(tr("Backbone"), m_backbone);
    form->addRow(tr("Retrain every"), m_retrainEvery);
    form->addRow(tr("Epochs"), m_epochs);
    form->addRow(QString(), m_semi);

    m_train = new QPushButton(tr("Train now (T)"), this);
    m_train->setObjectName(QStringLiteral("trainButton"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancelTrainingButton"));
    m_cancel->setEnabled(false);
    m_progress = new QProgressBar(this);
    m_progress->setVisible(false);
    m_state = new QLabel(tr("Idle"), this);
    m_state->setObjectName(QStringLiteral("trainingState"));
    m_state->setWordWrap(true);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_train);
    buttons->addWidget(m_cancel);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_progress);
    layout->addWidget(m_state);
    layout->addStretch(1);

    connect(m_train, &QPushButton::clicked, this, &TrainingPanel::trainRequested);
    connect(m_cancel, &QPushButton::clicked, this, &TrainingPanel::cancelRequested);
    connect(m_strategy, &QComboBox::currentIndexChanged, this, &TrainingPanel::emitChanged);
    connect(m_transfer, &QComboBox::currentIndexChanged, this, [this] {
        m_finetuneBlocks->setEnabled(m_transfer->currentData().toString() == QLatin1String("finetune"));
        emitChanged();
    });
    connect(m_finetuneBlocks, &QSpinBox::valueChanged, this, &TrainingPanel::emitChanged);
    connect(m_backbone, &QComboBox::activated, this, [this] {
        if (m_backbone->currentText() == kChooseFile)
            chooseModelFile();
        emitChanged();
    });
    connect(m_retrainEvery, &QSpinBox::valueChanged, this, &TrainingPanel::emitChanged);
    connect(m_epochs, &QSpinBox::valueChanged, this, &TrainingPanel::emitChanged);
    connect(m_semi, &QCheckBox::toggled, this, &TrainingPanel::emitChanged);
    setSettings(TrainingSettings{});
}

void TrainingPanel::chooseModelFile()
{
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Bring Your Own Model (only open files you trust: loading runs their code)"), QString(),
        tr("TorchScript (*.pt *.pth);;All files (*)"));
    if (file.isEmpty()) {
        m_backbone->setCurrentIndex(0);
        return;
    }
    m_backbone->insertItem(m_backbone->count() - 1, file);
    m_backbone->setCurrentIndex(m_backbone->count() - 2);
}

void TrainingPanel::emitChanged()
{
    Q_EMIT settingsChanged(settings());
}

TrainingSettings TrainingPanel::settings() const
{
    TrainingSettings s;
    s.strategy = m_strategy->currentText();
    const QString transfer = m_transfer->currentData().toString();
    s.transfer = transfer == QLatin1String("finetune") ? QStringLiteral("finetune:%1").arg(m_finetuneBlocks->value())
                                                       : transfer;
    s.backbone = m_backbone->currentText() == kChooseFile ? QStringLiteral("smallcnn") : m_backbone->currentText();
    s.retrainEvery = m_retrainEvery->value();
    s.epochs = m_epochs->value();
    s.semiSupervised = m_semi->isChecked();
    return s;
}

void TrainingPanel::setSettings(const TrainingSettings &s)
{
    const QSignalBlocker b1(m_strategy), b2(m_transfer), b3(m_finetuneBlocks), b4(m_backbone), b5(m_retrainEvery),
        b6(m_epochs), b7(m_semi);
    m_strategy->setCurrentText(s.strategy);
    if (s.transfer.startsWith(QLatin1String("finetune:"))) {
        m_transfer->setCurrentIndex(m_transfer->findData(QStringLiteral("finetune")));
        m_finetuneBlocks->setValue(s.transfer.mid(9).toInt());
        m_finetuneBlocks->setEnabled(true);
    } else {
        m_transfer->setCurrentIndex(std::max(0, m_transfer->findData(s.transfer)));
        m_finetuneBlocks->setEnabled(false);
    }
    if (m_backbone->findText(s.backbone) < 0)
        m_backbone->insertItem(m_backbone->count() - 1, s.backbone);
    m_backbone->setCurrentText(s.backbone);
    m_retrainEvery->setValue(s.retrainEvery);
    m_epochs->setValue(s.epochs);
    m_semi->setChecked(s.semiSupervised);
}

void TrainingPanel::showBusy(const QString &what, int value, int maximum)
{
    m_train->setEnabled(false);
    m_cancel->setEnabled(true);
    m_progress->setVisible(true);
    m_progress->setRange(0, maximum);
    m_progress->setValue(value);
    m_state->setText(what);
}

void TrainingPanel::showIdle(const QString &lastRound)
{
    m_train->setEnabled(true);
    m_cancel->setEnabled(false);
    m_progress->setVisible(false);
    m_state->setText(lastRound);
}

} // namespace activelabel
