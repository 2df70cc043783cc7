#include "ui/panels/agreementview.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QKeyEvent>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace activelabel {

namespace {

QString shown(const std::optional<double> &value)
{
    return value ? QString::number(*value, 'f', 3) : QStringLiteral("–");
}

QTableWidget *newTable(const QString &objectName, const QStringList &headers, QWidget *parent)
{
    auto *table = new QTableWidget(0, int(headers.size()), parent);
    table->setObjectName(objectName);
    table->setHorizontalHeaderLabels(headers);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

void setRow(QTableWidget *table, int row, const QStringList &cells)
{
    for (int column = 0; column < cells.size(); ++column)
        table->setItem(row, column, new QTableWidgetItem(cells[column]));
}

QWidget *titled(const QString &title, QWidget *content, QWidget *parent)
{
    auto *box = new QWidget(parent);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *label = new QLabel(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()), box);
    layout->addWidget(label);
    layout->addWidget(content, 1);
    return box;
}

} // namespace

AgreementView::AgreementView(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("agreementView"));
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("agreementSummary"));
    m_summary->setWordWrap(true);
    m_annotators = newTable(QStringLiteral("annotatorTable"),
                            {tr("Annotator"), tr("Labels"), tr("Audit accuracy"), tr("Agrees with majority")}, this);
    m_pairs = newTable(QStringLiteral("pairTable"), {tr("Annotator"), tr("Annotator"), tr("Images"), tr("Cohen's κ")}, this);
    m_queue = newTable(QStringLiteral("disagreementTable"), {tr("Image"), tr("File"), tr("Votes"), tr("Majority")}, this);

    m_settleClass = new QComboBox(this);
    m_settleClass->setObjectName(QStringLiteral("settleClass"));
    m_settleClass->setToolTip(tr("The class the selected image is settled on"));
    m_settle = new QPushButton(tr("&Settle"), this);
    m_settle->setObjectName(QStringLiteral("settleButton"));
    m_settle->setToolTip(tr("Label the selected image with the chosen class as its reviewer (Enter). "
                            "Training uses the settled label; a later vote reopens the image."));
    m_settleMajority = new QPushButton(tr("Settle All by Ma&jority"), this);
    m_settleMajority->setObjectName(QStringLiteral("settleMajorityButton"));
    m_settleMajority->setToolTip(tr("Settle every image in the queue where one class leads on that class"));

    auto *settleRow = new QHBoxLayout;
    settleRow->addWidget(new QLabel(tr("Settle as:"), this));
    settleRow->addWidget(m_settleClass, 1);
    settleRow->addWidget(m_settle);
    settleRow->addStretch(1);
    settleRow->addWidget(m_settleMajority);

    auto *top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(titled(tr("Annotators"), m_annotators, top));
    top->addWidget(titled(tr("Pairs"), m_pairs, top));
    auto *queueBox = titled(tr("Awaiting review"), m_queue, this);
    static_cast<QVBoxLayout *>(queueBox->layout())->addLayout(settleRow);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(queueBox);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);

    connect(m_queue, &QTableWidget::itemSelectionChanged, this, &AgreementView::updateSettleControls);
    connect(m_settle, &QPushButton::clicked, this, &AgreementView::settleSelected);
    connect(m_settleMajority, &QPushButton::clicked, this, &AgreementView::settleByMajorityRequested);
    m_queue->installEventFilter(this);
    setAgreement({});
}

bool AgreementView::eventFilter(QObject *watched, QEvent *event)
{
    // Enter settles the selected image, as the Settle button does (the table itself ignores it).
    if (watched == m_queue && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_Return || key == Qt::Key_Enter) {
            settleSelected();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void AgreementView::setAgreement(const AgreementData &data)
{
    const qint64 selected = selectedQueueRow() >= 0 ? m_data.queue[selectedQueueRow()].imageId : -1;
    m_data = data;
    fillTables();
    // Keep the reviewer's place: the same image if it is still queued, else the row where it was.
    for (int row = 0; row < m_data.queue.size(); ++row)
        if (m_data.queue[row].imageId == selected)
            selectQueueRow(row);
    updateSettleControls();
}

void AgreementView::fillTables()
{
    if (m_data.imagesMulti == 0) {
        m_summary->setText(tr("No image has labels from two annotators yet. A team project created with "
                              "<tt>init --server URI --overlap 2</tt> routes each image to two annotators; "
                              "their agreement and disagreements show here."));
    } else {
        m_summary->setText(tr("%n image(s) labelled by two or more annotators. Fleiss' κ %1. "
                              "%2 awaiting review.", nullptr, int(m_data.imagesMulti))
                               .arg(shown(m_data.fleissKappa))
                               .arg(m_data.queue.size()));
    }
    m_annotators->setRowCount(int(m_data.annotators.size()));
    for (int row = 0; row < m_data.annotators.size(); ++row) {
        const AnnotatorRow &a = m_data.annotators[row];
        setRow(m_annotators, row, {a.name, QString::number(a.labels), shown(a.auditAccuracy), shown(a.majorityAgreement)});
    }
    m_pairs->setRowCount(int(m_data.pairs.size()));
    for (int row = 0; row < m_data.pairs.size(); ++row) {
        const AnnotatorPairRow &p = m_data.pairs[row];
        setRow(m_pairs, row, {p.a, p.b, QString::number(p.images), shown(p.cohenKappa)});
    }
    m_queue->setRowCount(int(m_data.queue.size()));
    for (int row = 0; row < m_data.queue.size(); ++row) {
        const DisagreementRow &d = m_data.queue[row];
        setRow(m_queue, row,
               {QString::number(d.imageId), d.path, d.votes.join(QStringLiteral(", ")),
                d.majority.isEmpty() ? tr("none (a tie)") : d.majority});
    }
    m_queue->resizeColumnsToContents();
    const QString current = m_settleClass->currentText();
    m_settleClass->clear();
    m_settleClass->addItems(m_data.classes);
    m_settleClass->setCurrentIndex(std::max(0, int(m_data.classes.indexOf(current))));
    m_settleMajority->setEnabled(std::any_of(m_data.queue.begin(), m_data.queue.end(),
                                             [](const DisagreementRow &d) { return d.majorityPosition >= 0; }));
}

int AgreementView::selectedQueueRow() const
{
    const QList<QTableWidgetItem *> items = m_queue->selectedItems();
    return items.isEmpty() ? -1 : items.first()->row();
}

void AgreementView::selectQueueRow(int row)
{
    if (row >= 0 && row < m_queue->rowCount())
        m_queue->selectRow(row);
}

void AgreementView::updateSettleControls()
{
    const int row = selectedQueueRow();
    m_settle->setEnabled(row >= 0 && m_settleClass->count() > 0);
    if (row >= 0 && m_data.queue[row].majorityPosition >= 0)
        m_settleClass->setCurrentIndex(m_data.queue[row].majorityPosition);
}

void AgreementView::settleSelected()
{
    const int row = selectedQueueRow();
    if (row < 0 || m_settleClass->currentIndex() < 0)
        return;
    Q_EMIT settleRequested(m_data.queue[row].imageId, m_settleClass->currentIndex());
}

} // namespace activelabel
