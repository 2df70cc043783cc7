#include "ui/panels/reviewpanel.h"

#include "ui/imagebrowser.h"
#include "ui/panels/reviewdelegates.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QPainter>
#include <QPixmap>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace activelabel {

namespace {

QIcon swatchIcon(const QColor &colour)
{
    QPixmap pixmap(14, 14);
    pixmap.fill(colour.isValid() ? colour : QColor(Qt::lightGray));
    QPainter painter(&pixmap);
    painter.setPen(QColor(60, 60, 60));
    painter.drawRect(0, 0, 13, 13);
    return QIcon(pixmap);
}

} // namespace

ReviewPanel::ReviewPanel(QWidget *parent)
    : QWidget(parent), m_tabs(new QTabWidget(this)), m_filter(new QComboBox(this)),
      m_grid(new ImageBrowser(this)), m_suspicious(new QListView(this)), m_hint(new QLabel(this)),
      m_suspiciousEmpty(new QLabel(tr("No suspicious labels: the current model agrees with "
                                      "every labelled image it is confident about, or no model "
                                      "has scored the labels yet."),
                                   this)),
      m_relabel(new QToolButton(this)), m_relabelMenu(new QMenu(this)),
      m_gridDelegate(new LabelledThumbnailDelegate(this)),
      m_suspiciousDelegate(new SuspiciousLabelDelegate(this))
{
    setObjectName(QStringLiteral("reviewPanel"));
    m_tabs->setObjectName(QStringLiteral("reviewTabs"));
    m_filter->setObjectName(QStringLiteral("classFilterCombo"));
    m_grid->setObjectName(QStringLiteral("labelledGrid"));
    m_suspicious->setObjectName(QStringLiteral("suspiciousList"));
    m_relabel->setObjectName(QStringLiteral("relabelButton"));
    m_hint->setObjectName(QStringLiteral("reviewHint"));

    m_grid->setItemDelegate(m_gridDelegate);
    m_suspicious->setItemDelegate(m_suspiciousDelegate);
    m_suspicious->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_suspicious->setUniformItemSizes(true);
    m_suspicious->setAlternatingRowColors(true);
    m_suspicious->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_grid->setEditTriggers(QAbstractItemView::NoEditTriggers);

    m_filter->addItem(tr("All classes"), -1);
    auto *filterLabel = new QLabel(tr("&Show:"), this);
    filterLabel->setBuddy(m_filter);
    auto *labelledPage = new QWidget(this);
    auto *filterRow = new QHBoxLayout;
    filterRow->addWidget(filterLabel);
    filterRow->addWidget(m_filter);
    filterRow->addStretch();
    auto *labelledLayout = new QVBoxLayout(labelledPage);
    labelledLayout->setContentsMargins(4, 4, 4, 4);
    labelledLayout->addLayout(filterRow);
    labelledLayout->addWidget(m_grid, 1);

    m_tabs->addTab(labelledPage, tr("&Labelled images"));
    // An empty list says why it is empty instead of looking broken.
    m_suspiciousEmpty->setObjectName(QStringLiteral("suspiciousEmpty"));
    m_suspiciousEmpty->setWordWrap(true);
    m_suspiciousEmpty->setAlignment(Qt::AlignCenter);
    auto *suspiciousPage = new QWidget(this);
    auto *suspiciousLayout = new QVBoxLayout(suspiciousPage);
    suspiciousLayout->setContentsMargins(0, 0, 0, 0);
    suspiciousLayout->addWidget(m_suspicious, 1);
    suspiciousLayout->addWidget(m_suspiciousEmpty, 1);
    m_tabs->addTab(suspiciousPage, tr("Sus&picious labels"));

    m_relabel->setText(tr("&Relabel as…"));
    m_relabel->setPopupMode(QToolButton::InstantPopup);
    m_relabel->setMenu(m_relabelMenu);
    m_hint->setWordWrap(true);
    auto *actions = new QHBoxLayout;
    actions->setContentsMargins(6, 0, 6, 6);
    actions->addWidget(m_hint, 1);
    m_similar = new QToolButton(this);
    m_similar->setObjectName(QStringLiteral("reviewFindSimilar"));
    m_similar->setText(tr("Find similar (L)"));
    m_similar->setToolTip(tr("Images the model sees as look-alikes of the current one, to label together"));
    connect(m_similar, &QToolButton::clicked, this, [this] { findSimilar(activeView()->currentIndex()); });
    actions->addWidget(m_similar);
    actions->addWidget(m_relabel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs, 1);
    layout->addLayout(actions);

    for (QAbstractItemView *view : {static_cast<QAbstractItemView *>(m_grid),
                                    static_cast<QAbstractItemView *>(m_suspicious)}) {
        view->installEventFilter(this);
        view->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(view, &QWidget::customContextMenuRequested, this,
                [this, view](const QPoint &pos) { showContextMenu(view, pos); });
    }
    connect(m_filter, &QComboBox::currentIndexChanged, this,
            [this] { Q_EMIT classFilterChanged(classFilter()); });
    connect(m_tabs, &QTabWidget::currentChanged, this, &ReviewPanel::updateActions);
    rebuildMenu();
    updateActions();
    updateEmptyState();
}

void ReviewPanel::setLabelledModel(QAbstractItemModel *model)
{
    m_grid->setModel(model);
    if (m_grid->selectionModel())
        connect(m_grid->selectionModel(), &QItemSelectionModel::selectionChanged, this,
                &ReviewPanel::updateActions);
    updateActions();
}

void ReviewPanel::setSuspiciousModel(QAbstractItemModel *model)
{
    if (m_suspicious->model())
        disconnect(m_suspicious->model(), nullptr, this, nullptr);
    m_suspicious->setModel(model);
    if (m_suspicious->selectionModel())
        connect(m_suspicious->selectionModel(), &QItemSelectionModel::selectionChanged, this,
                &ReviewPanel::updateActions);
    if (model) {
        connect(model, &QAbstractItemModel::modelReset, this, &ReviewPanel::updateEmptyState);
        connect(model, &QAbstractItemModel::layoutChanged, this, &ReviewPanel::updateEmptyState);
        connect(model, &QAbstractItemModel::rowsInserted, this, &ReviewPanel::updateEmptyState);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &ReviewPanel::updateEmptyState);
    }
    updateActions();
    updateEmptyState();
}

void ReviewPanel::setClasses(const QList<ClassRow> &classes)
{
    m_classes = classes;
    m_gridDelegate->setClasses(classes);
    m_suspiciousDelegate->setClasses(classes);
    // Keep the filter on the same class position if it still exists, without a spurious signal.
    const int filter = classFilter();
    {
        const QSignalBlocker blocker(m_filter);
        m_filter->clear();
        m_filter->addItem(tr("All classes"), -1);
        for (int i = 0; i < classes.size(); ++i)
            m_filter->addItem(swatchIcon(classes.at(i).colour), classes.at(i).name, i);
        m_filter->setCurrentIndex(std::max(0, m_filter->findData(filter)));
    }
    if (classFilter() != filter)
        Q_EMIT classFilterChanged(classFilter());
    rebuildMenu();
    m_grid->viewport()->update();
    m_suspicious->viewport()->update();
}

int ReviewPanel::classFilter() const
{
    return m_filter->currentData().isValid() ? m_filter->currentData().toInt() : -1;
}

void ReviewPanel::setClassFilter(int classPosition)
{
    m_filter->setCurrentIndex(std::max(0, m_filter->findData(classPosition)));
}

QAbstractItemView *ReviewPanel::activeView() const
{
    return m_tabs->currentIndex() == SuspiciousTab ? static_cast<QAbstractItemView *>(m_suspicious)
                                                   : static_cast<QAbstractItemView *>(m_grid);
}

void ReviewPanel::relabelSelection(int classPosition)
{
    if (classPosition < 0 || classPosition >= m_classes.size())
        return;
    QAbstractItemView *view = activeView();
    if (!view->model() || !view->selectionModel())
        return;
    QModelIndexList indexes = view->selectionModel()->selectedIndexes();
    if (indexes.isEmpty() && view->currentIndex().isValid())
        indexes.append(view->currentIndex());
    // Collect ids first: app/ may refresh the model (and so the selection) on each request.
    QList<qint64> ids;
    for (const QModelIndex &index : std::as_const(indexes)) {
        const QVariant id = index.data(ReviewRoles::ImageIdRole);
        const QVariant given = index.data(ReviewRoles::GivenClassRole);
        if (id.isValid() && !ids.contains(id.toLongLong()) &&
            !(given.isValid() && given.toInt() == classPosition))
            ids.append(id.toLongLong());
    }
    for (qint64 id : std::as_const(ids))
        Q_EMIT relabelRequested(id, classPosition);
}

int ReviewPanel::classForKey(int key) const
{
    if (key < Qt::Key_0 || key > Qt::Key_9)
        return -1;
    const QString text = QString::number(key - Qt::Key_0);
    for (int i = 0; i < m_classes.size(); ++i)
        if (m_classes.at(i).hotkey == text)
            return i;
    return -1;
}

bool ReviewPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::KeyPress && (watched == m_grid || watched == m_suspicious)) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier))
            return QWidget::eventFilter(watched, event);
        const int position = classForKey(key->key());
        if (position >= 0) {
            relabelSelection(position);
            return true;
        }
        if (key->key() == Qt::Key_L && !(key->modifiers() & Qt::ShiftModifier)) {
            findSimilar(static_cast<QAbstractItemView *>(watched)->currentIndex());
            return true;
        }
        // Enter in the suspicious list: the model was right, take its prediction.
        if (watched == m_suspicious &&
            (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)) {
            const QModelIndex current = m_suspicious->currentIndex();
            const QVariant predicted = current.data(ReviewRoles::PredictedClassRole);
            if (current.isValid() && predicted.isValid())
                relabelSelection(predicted.toInt());
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void ReviewPanel::rebuildMenu()
{
    m_relabelMenu->clear();
    for (int i = 0; i < m_classes.size(); ++i) {
        const ClassRow &c = m_classes.at(i);
        QAction *action = m_relabelMenu->addAction(swatchIcon(c.colour), c.name);
        if (!c.hotkey.isEmpty())
            action->setText(QStringLiteral("%1\t%2").arg(c.name, c.hotkey));
        connect(action, &QAction::triggered, this, [this, i] { relabelSelection(i); });
    }
    updateActions();
}

void ReviewPanel::updateActions()
{
    QAbstractItemView *view = activeView();
    const bool any = view->selectionModel() &&
                     (view->selectionModel()->hasSelection() || view->currentIndex().isValid());
    m_relabel->setEnabled(any && !m_classes.isEmpty());
    m_hint->setText(m_tabs->currentIndex() == SuspiciousTab
                        ? tr("Select and press a class key to relabel, Enter to take the model's "
                             "prediction. Most confident disagreements first.")
                        : tr("Select images and press a class key to relabel them."));
}

void ReviewPanel::updateEmptyState()
{
    const bool empty = !m_suspicious->model() || m_suspicious->model()->rowCount() == 0;
    m_suspicious->setVisible(!empty);
    m_suspiciousEmpty->setVisible(empty);
}

bool ReviewPanel::suspiciousEmptyShown() const
{
    return !m_suspiciousEmpty->isHidden();
}

void ReviewPanel::showContextMenu(QAbstractItemView *view, const QPoint &pos)
{
    if (!view->indexAt(pos).isValid() || m_classes.isEmpty())
        return;
    QMenu menu(this);
    QMenu *sub = menu.addMenu(tr("Relabel as"));
    sub->addActions(m_relabelMenu->actions());
    const QModelIndex index = view->indexAt(pos);
    menu.addAction(tr("Find similar images\tL"), this, [this, index] { findSimilar(index); });
    menu.exec(view->viewport()->mapToGlobal(pos));
}

void ReviewPanel::findSimilar(const QModelIndex &index)
{
    const QVariant id = index.data(ReviewRoles::ImageIdRole);
    if (index.isValid() && id.isValid())
        Q_EMIT findSimilarRequested(id.toLongLong());
}

} // namespace activelabel
