#include "ui/bulkreviewpage.h"

#include "ui/panels/palette.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

namespace activelabel {

namespace {

QIcon swatch(const QColor &colour)
{
    QPixmap pixmap(14, 14);
    pixmap.fill(colour);
    QPainter painter(&pixmap);
    painter.setPen(QColor(60, 60, 60));
    painter.drawRect(0, 0, 13, 13);
    return QIcon(pixmap);
}

} // namespace

BulkReviewPage::BulkReviewPage(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("bulkReviewPage"));

    auto *title =
        new QLabel(tr("<b>Bulk review</b>: the model's most confident pool images in"), this);
    m_classCombo = new QComboBox(this);
    m_classCombo->setObjectName(QStringLiteral("bulkClassCombo"));
    m_classCombo->setFocusPolicy(Qt::NoFocus); // keys stay with the grid
    m_classCombo->setMinimumWidth(160);
    connect(m_classCombo, &QComboBox::activated, this, [this](int index) { chooseClass(index); });

    auto *blind = new QLabel(
        tr("Blind mode does not apply here: the prediction is the point of this page."), this);
    blind->setObjectName(QStringLiteral("bulkBlindNote"));
    blind->setStyleSheet(QStringLiteral("color: palette(mid);"));

    auto *header = new QHBoxLayout;
    header->addWidget(title);
    header->addWidget(m_classCombo);
    header->addStretch(1);
    header->addWidget(blind);

    m_caption = new QLabel(this);
    m_caption->setObjectName(QStringLiteral("bulkCaption"));
    m_caption->setWordWrap(true);

    m_grid = new TileGrid(this);
    m_grid->setObjectName(QStringLiteral("bulkGrid"));
    m_grid->setGridSize(6, 5);
    setFocusProxy(m_grid);
    connect(m_grid, &TileGrid::accepted, this, &BulkReviewPage::acceptRequested);
    connect(m_grid, &TileGrid::tickChanged, this, &BulkReviewPage::updateAcceptButton);

    auto *hint = new QLabel(
        tr("Click or Space: untick a wrong image · arrows: move · Enter: label the ticked "
           "ones · A: tick/untick all · 1–9, 0: class · Page Down: next page · Ctrl+Z: undo "
           "the page"),
        this);
    hint->setObjectName(QStringLiteral("bulkHint"));
    hint->setWordWrap(true);
    m_accept = new QPushButton(this);
    m_accept->setObjectName(QStringLiteral("bulkAcceptButton"));
    m_accept->setFocusPolicy(Qt::NoFocus);
    connect(m_accept, &QPushButton::clicked, this, &BulkReviewPage::acceptRequested);
    auto *next = new QPushButton(tr("Next Page"), this);
    next->setObjectName(QStringLiteral("bulkNextButton"));
    next->setFocusPolicy(Qt::NoFocus);
    connect(next, &QPushButton::clicked, this, &BulkReviewPage::nextPageRequested);

    auto *footer = new QHBoxLayout;
    footer->addWidget(hint, 1);
    footer->addWidget(next);
    footer->addWidget(m_accept);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_caption);
    layout->addWidget(m_grid, 1);
    layout->addLayout(footer);

    auto addKey = [this](const QKeySequence &key, auto slot) {
        auto *shortcut = new QShortcut(key, this, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, slot);
    };
    addKey(QKeySequence(Qt::Key_PageDown), [this] { Q_EMIT nextPageRequested(); });
    addKey(QKeySequence(Qt::Key_Escape), [this] { Q_EMIT backRequested(); });
    addKey(QKeySequence(Qt::Key_A),
           [this] { m_grid->setAllTicked(m_grid->tickedIds().size() < m_grid->count()); });

    showEmpty(tr("No project open."));
}

void BulkReviewPage::setClasses(const QList<ClassButtonInfo> &classes)
{
    m_classes = classes;
    qDeleteAll(m_classShortcuts);
    m_classShortcuts.clear();
    m_classCombo->clear();
    for (int position = 0; position < classes.size(); ++position) {
        const ClassButtonInfo &info = classes[position];
        const QColor colour = info.colour.isValid() ? info.colour : defaultClassColour(position);
        m_classCombo->addItem(swatch(colour),
                              info.hotkey.isEmpty()
                                  ? info.name
                                  : QStringLiteral("%1  (%2)").arg(info.name, info.hotkey));
        if (info.hotkey.isEmpty())
            continue;
        auto *shortcut = new QShortcut(QKeySequence(info.hotkey), this, nullptr, nullptr,
                                       Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, [this, position] { chooseClass(position); });
        m_classShortcuts << shortcut;
    }
    if (m_class >= classes.size())
        m_class = -1;
    m_classCombo->setCurrentIndex(m_class);
    updateAcceptButton();
}

void BulkReviewPage::setCurrentClass(int position)
{
    m_class = position >= 0 && position < m_classes.size() ? position : -1;
    m_classCombo->setCurrentIndex(m_class);
    updateAcceptButton();
}

void BulkReviewPage::chooseClass(int position)
{
    if (position < 0 || position >= m_classes.size())
        return;
    setCurrentClass(position);
    Q_EMIT classChosen(position);
}

void BulkReviewPage::showPage(const QList<Tile> &tiles, const QString &caption)
{
    m_grid->setTiles(tiles);
    m_caption->setText(caption);
    updateAcceptButton();
}

void BulkReviewPage::showEmpty(const QString &message)
{
    m_grid->clear();
    m_grid->setEmptyMessage(message);
    m_caption->clear();
    updateAcceptButton();
}

void BulkReviewPage::updateAcceptButton()
{
    const int ticked = int(m_grid->tickedIds().size());
    const QString name = m_class >= 0 ? m_classes[m_class].name : QString();
    m_accept->setText(tr("Label %n as %1 (Enter)", nullptr, ticked).arg(name));
    m_accept->setEnabled(m_grid->count() > 0);
}

QList<QPair<QString, QString>> BulkReviewPage::keyBindings()
{
    return {{tr("Ctrl+B"), tr("Bulk review page: many images of one class at once")},
            {tr("Bulk: 1 … 9, 0"), tr("Show the class bound to that key")},
            {tr("Bulk: click, Space"), tr("Untick (or tick again) an image the model got wrong")},
            {tr("Bulk: arrows, Home, End"), tr("Move between images")},
            {tr("Bulk: A"), tr("Tick or untick every image")},
            {tr("Bulk: Enter"),
             tr("Label the ticked images with the class; unticked ones go to the queue")},
            {tr("Bulk: Page Down"), tr("Next page without labelling this one")},
            {tr("Bulk: Ctrl+Z"), tr("Undo the whole page")},
            {tr("Bulk: Esc"), tr("Back to one image per key")}};
}

} // namespace activelabel
