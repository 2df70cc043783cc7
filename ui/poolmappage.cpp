#include "ui/poolmappage.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSizePolicy>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

namespace activelabel {

PoolMapPage::PoolMapPage(QWidget *parent) : QWidget(parent)
{
    m_view = new PoolMapView(this);

    m_colourBy = new QComboBox(this);
    m_colourBy->setObjectName(QStringLiteral("mapColourBy"));
    m_colourBy->addItem(tr("Colour by label"), int(PoolMapView::ColourBy::Label));
    m_colourBy->addItem(tr("Colour by prediction"), int(PoolMapView::ColourBy::Prediction));
    m_colourBy->addItem(tr("Colour by uncertainty"), int(PoolMapView::ColourBy::Uncertainty));
    m_colourBy->setToolTip(tr("What the dots' colours show (C)"));
    connect(m_colourBy, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_view->setColourBy(PoolMapView::ColourBy(m_colourBy->itemData(index).toInt()));
    });

    m_tools = new QButtonGroup(this);
    auto *toolRow = new QHBoxLayout;
    toolRow->setSpacing(0);
    const struct
    {
        PoolMapView::Tool tool;
        QString text, tip, key, name;
    } tools[] = {
        {PoolMapView::Tool::Pan, tr("Pan"),
         tr("Drag to move the map; wheel or +/- to zoom, Home to fit (P)"), QStringLiteral("P"),
         QStringLiteral("mapToolPan")},
        {PoolMapView::Tool::Rectangle, tr("Rectangle"),
         tr("Drag a rectangle to select; Shift adds (R)"), QStringLiteral("R"),
         QStringLiteral("mapToolRectangle")},
        {PoolMapView::Tool::Lasso, tr("Lasso"), tr("Draw around dots to select; Shift adds (L)"),
         QStringLiteral("L"), QStringLiteral("mapToolLasso")},
    };
    for (const auto &t : tools) {
        auto *button = new QToolButton(this);
        button->setObjectName(t.name);
        button->setText(t.text);
        button->setToolTip(t.tip);
        button->setCheckable(true);
        button->setChecked(t.tool == m_view->tool());
        m_tools->addButton(button, int(t.tool));
        toolRow->addWidget(button);
        auto *key = new QShortcut(QKeySequence(t.key), this, nullptr, nullptr,
                                  Qt::WidgetWithChildrenShortcut);
        connect(key, &QShortcut::activated, button, &QToolButton::click);
    }
    connect(m_tools, &QButtonGroup::idClicked, this,
            [this](int id) { m_view->setTool(PoolMapView::Tool(id)); });
    auto *cycle = new QShortcut(QKeySequence(Qt::Key_C), this, nullptr, nullptr,
                                Qt::WidgetWithChildrenShortcut);
    connect(cycle, &QShortcut::activated, this, [this] {
        m_colourBy->setCurrentIndex((m_colourBy->currentIndex() + 1) % m_colourBy->count());
    });

    m_labelMenu = new QMenu(this);
    m_labelButton = new QToolButton(this);
    m_labelButton->setObjectName(QStringLiteral("mapLabelSelection"));
    m_labelButton->setText(tr("Label selection as…"));
    m_labelButton->setToolTip(tr("Give every selected image this label (or press the class key)"));
    m_labelButton->setPopupMode(QToolButton::InstantPopup);
    m_labelButton->setMenu(m_labelMenu);
    m_openButton = new QPushButton(tr("Open in grid"), this);
    m_openButton->setObjectName(QStringLiteral("mapOpenSelection"));
    m_openButton->setToolTip(tr("Review the selected images as tiles (G)"));
    connect(m_openButton, &QPushButton::clicked, this, &PoolMapPage::openSelection);
    auto *open = new QShortcut(QKeySequence(Qt::Key_G), this, nullptr, nullptr,
                               Qt::WidgetWithChildrenShortcut);
    connect(open, &QShortcut::activated, this, &PoolMapPage::openSelection);

    m_recompute = new QPushButton(tr("Recompute"), this);
    m_recompute->setObjectName(QStringLiteral("mapRecompute"));
    m_recompute->setToolTip(tr("Compute the map again from the current model's embeddings"));
    connect(m_recompute, &QPushButton::clicked, this, &PoolMapPage::recomputeRequested);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("mapStatus"));
    m_progressBox = new QWidget(this);
    m_progress = new QProgressBar(m_progressBox);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->setMaximumWidth(160);
    m_progressText = new QLabel(m_progressBox);
    m_progressText->setObjectName(QStringLiteral("mapProgress"));
    auto *cancel = new QPushButton(tr("Cancel"), m_progressBox);
    cancel->setObjectName(QStringLiteral("mapCancel"));
    connect(cancel, &QPushButton::clicked, this, &PoolMapPage::cancelRequested);
    auto *progressRow = new QHBoxLayout(m_progressBox);
    progressRow->setContentsMargins(0, 0, 0, 0);
    progressRow->addWidget(m_progressText);
    progressRow->addWidget(m_progress);
    progressRow->addWidget(cancel);
    m_progressBox->hide();

    auto *top = new QHBoxLayout;
    top->addWidget(m_colourBy);
    top->addSpacing(12);
    top->addLayout(toolRow);
    top->addSpacing(12);
    top->addWidget(m_labelButton);
    top->addWidget(m_openButton);
    top->addStretch(1);
    top->addWidget(m_recompute);
    // The state on a line of its own: a long message never widens the window.
    m_status->setWordWrap(true);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto *state = new QHBoxLayout;
    state->addWidget(m_status, 1);
    state->addWidget(m_progressBox);

    m_gridPanel = new QWidget(this);
    m_gridPanel->setObjectName(QStringLiteral("mapGridPanel"));
    m_gridTitle = new QLabel(m_gridPanel);
    m_gridTitle->setWordWrap(true);
    m_gridTitle->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_grid = new TileGrid(m_gridPanel);
    m_grid->setObjectName(QStringLiteral("mapGrid"));
    m_grid->setGridSize(5, 6);
    auto *closeGridButton = new QPushButton(tr("Close"), m_gridPanel);
    connect(closeGridButton, &QPushButton::clicked, this, &PoolMapPage::closeGrid);
    auto *gridLayout = new QVBoxLayout(m_gridPanel);
    gridLayout->setContentsMargins(0, 0, 0, 0);
    gridLayout->addWidget(m_gridTitle);
    gridLayout->addWidget(m_grid, 1);
    gridLayout->addWidget(closeGridButton, 0, Qt::AlignRight);
    m_gridPanel->hide();
    m_split = new QSplitter(this);
    auto *split = m_split;
    split->addWidget(m_view);
    split->addWidget(m_gridPanel);
    split->setStretchFactor(0, 1);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(state);
    layout->addWidget(split, 1);
    auto *escape =
        new QShortcut(QKeySequence(Qt::Key_Escape), m_grid, nullptr, nullptr, Qt::WidgetShortcut);
    connect(escape, &QShortcut::activated, this, &PoolMapPage::closeGrid);

    connect(m_view, &PoolMapView::selectionChanged, this, &PoolMapPage::selectionChanged);
    connect(m_view, &PoolMapView::hovered, this, [this](qint64 id) {
        if (id > 0)
            Q_EMIT thumbnailRequested(id);
    });
    selectionChanged(0);
}

void PoolMapPage::setClasses(const QList<ClassRow> &classes)
{
    m_classes = classes;
    QStringList names;
    QList<QColor> colours;
    m_labelMenu->clear();
    for (int i = 0; i < classes.size(); ++i) {
        names << classes[i].name;
        colours << classes[i].colour;
        QAction *action = m_labelMenu->addAction(
            classes[i].hotkey.isEmpty() ? classes[i].name
                                        : tr("%1\t%2").arg(classes[i].name, classes[i].hotkey));
        connect(action, &QAction::triggered, this, [this, i] { labelSelection(i); });
    }
    // The class keys label the selection, as they label the image on the Label page.
    for (QShortcut *old : findChildren<QShortcut *>(QStringLiteral("mapClassKey")))
        delete old;
    for (int i = 0; i < classes.size(); ++i) {
        if (classes[i].hotkey.isEmpty())
            continue;
        auto *key = new QShortcut(QKeySequence(classes[i].hotkey), this, nullptr, nullptr,
                                  Qt::WidgetWithChildrenShortcut);
        key->setObjectName(QStringLiteral("mapClassKey"));
        connect(key, &QShortcut::activated, this, [this, i] { labelSelection(i); });
    }
    m_view->setClasses(names, colours);
}

void PoolMapPage::setColourBy(PoolMapView::ColourBy mode)
{
    m_colourBy->setCurrentIndex(m_colourBy->findData(int(mode)));
}

void PoolMapPage::setMapStatus(const QString &text)
{
    m_status->setText(text);
}

void PoolMapPage::showProgress(const QString &text, int permille)
{
    m_progressText->setText(text);
    m_progress->setValue(permille);
    m_progressBox->show();
    m_recompute->setEnabled(false);
}

void PoolMapPage::hideProgress()
{
    m_progressBox->hide();
    m_recompute->setEnabled(true);
}

void PoolMapPage::setRecomputeEnabled(bool enabled)
{
    m_recompute->setEnabled(enabled);
}

void PoolMapPage::showGrid(const QList<Tile> &tiles, int classPosition)
{
    m_gridQueue = tiles;
    m_gridClass = classPosition;
    m_gridTotal = int(tiles.size());
    if (!m_gridPanel->isVisible()) {
        m_gridPanel->show();
        const int total = m_split->width();
        m_split->setSizes({total * 3 / 5, total - total * 3 / 5}); // the map keeps the larger part
    }
    showNextGridPage();
}

void PoolMapPage::showNextGridPage()
{
    if (m_gridQueue.isEmpty()) {
        closeGrid();
        return;
    }
    const QList<Tile> page = m_gridQueue.mid(0, m_grid->pageSize());
    m_gridQueue.remove(0, page.size());
    m_grid->setTiles(page);
    const int shownFrom = m_gridTotal - int(m_gridQueue.size()) - int(page.size()) + 1;
    const QString className = m_gridClass >= 0 && m_gridClass < m_classes.size()
                                  ? m_classes[m_gridClass].name
                                  : QString();
    m_gridTitle->setText(
        (className.isEmpty()
             ? tr("Images %1–%2 of %3 selected. Untick the wrong ones, then press a class key.")
             : tr("Images %1–%2 of %3 selected. Untick the wrong ones, then Enter labels the "
                  "rest <b>%4</b> (or press a class key)."))
            .arg(shownFrom)
            .arg(shownFrom + int(page.size()) - 1)
            .arg(m_gridTotal)
            .arg(className.toHtmlEscaped()));
    m_grid->setFocus();
    Q_EMIT gridPageShown();
}

void PoolMapPage::closeGrid()
{
    m_gridQueue.clear();
    m_grid->clear();
    m_gridPanel->hide();
    m_view->setFocus();
}

bool PoolMapPage::gridShown() const
{
    return m_gridPanel->isVisible();
}

void PoolMapPage::labelSelection(int classPosition)
{
    if (gridShown() && m_grid->hasFocus()) {
        const QList<qint64> ticked = m_grid->tickedIds();
        if (!ticked.isEmpty() && classPosition >= 0 && classPosition < m_classes.size())
            Q_EMIT labelGridRequested(ticked, classPosition);
        return;
    }
    const QList<qint64> ids = m_view->selectedImageIds();
    if (!ids.isEmpty() && classPosition >= 0 && classPosition < m_classes.size())
        Q_EMIT labelSelectionRequested(ids, classPosition);
}

void PoolMapPage::openSelection()
{
    const QList<qint64> ids = m_view->selectedImageIds();
    if (!ids.isEmpty())
        Q_EMIT openSelectionRequested(ids);
}

void PoolMapPage::selectionChanged(int count)
{
    m_labelButton->setEnabled(count > 0);
    m_openButton->setEnabled(count > 0);
}

} // namespace activelabel
