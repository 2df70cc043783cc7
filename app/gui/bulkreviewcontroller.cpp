#include "app/gui/bulkreviewcontroller.h"

#include "app/gui/labelingcontroller.h"
#include "storage/project.h"
#include "ui/bulkreviewpage.h"
#include "ui/mainwindow.h"

#include <QLocale>
#include <QTabWidget>

#include <exception>

namespace activelabel {

BulkReviewController::BulkReviewController(Project &project, MainWindow *window,
                                           LabelingController *labeling)
    : QObject(window), m_project(project), m_window(window), m_labeling(labeling)
{
    m_page = new BulkReviewPage;
    m_page->grid()->setGridSize(kColumns, kRows);
    window->addPage(m_page, tr("B&ulk Review"));
    m_builder.setMaxThreadCount(1);

    connect(window, &MainWindow::bulkReviewRequested, this, &BulkReviewController::showPage);
    connect(m_page, &BulkReviewPage::classChosen, this, &BulkReviewController::setClass);
    connect(m_page, &BulkReviewPage::acceptRequested, this, &BulkReviewController::acceptPage);
    connect(m_page, &BulkReviewPage::nextPageRequested, this, &BulkReviewController::nextPage);
    connect(m_page, &BulkReviewPage::backRequested, this,
            [this] { m_window->tabs()->setCurrentIndex(0); });
    connect(window->tabs(), &QTabWidget::currentChanged, this, [this] {
        if (pageVisible() && (m_stale || (m_shown.entries.empty() && !m_building)))
            requestPage();
    });
    connect(labeling, &LabelingController::modelChanged, this, [this] {
        // A page the annotator is working on stays; an empty one (no predictions before this
        // round) is rebuilt, and a hidden one is rebuilt when shown.
        m_stale = true;
        if (pageVisible() && m_shown.entries.empty())
            requestPage();
    });
    connect(labeling, &LabelingController::labelsChanged, this, [this] {
        // Labels given on the Label page meanwhile may be on the page shown before: rebuilt when
        // the page is shown again.
        if (!pageVisible())
            m_stale = true;
    });
    connect(labeling, &LabelingController::pageSaved, this, [this](qint64 ticket, int, bool undo) {
        m_saving.remove(ticket);
        if (undo) {
            // Ctrl+Z took a page back: its images are unlabelled again and most confident, so the
            // page they were on comes back.
            m_stale = true;
            if (pageVisible())
                requestPage();
        }
    });
    connect(labeling, &LabelingController::pageFailed, this,
            [this](qint64 ticket, const QString &) {
                m_saving.remove(ticket);
                m_stale = true;
            });
    reloadClasses();
    m_page->showEmpty(tr("Building the first page…"));
}

BulkReviewController::~BulkReviewController()
{
    m_builder.clear();
    m_builder.waitForDone();
    m_requests
        .clear(); // ordered after the builder's last take (see LabelingController's destructor)
    m_built.clear();
    const int index = m_window->tabs()->indexOf(m_page);
    if (index >= 0)
        m_window->tabs()->removeTab(index);
    delete m_page;
}

bool BulkReviewController::pageVisible() const
{
    return m_window->tabs()->currentWidget() == m_page;
}

void BulkReviewController::reloadClasses()
{
    QList<ClassButtonInfo> buttons;
    for (const ClassInfo &info : m_labeling->classes())
        buttons.append({info.name, info.hotkey, QColor(info.colour)});
    m_page->setClasses(buttons);
    if (m_class >= buttons.size())
        m_class = 0;
    m_page->setCurrentClass(buttons.isEmpty() ? -1 : m_class);
}

QString BulkReviewController::className(int position) const
{
    const auto &classes = m_labeling->classes();
    return position >= 0 && std::size_t(position) < classes.size()
               ? classes[std::size_t(position)].name
               : QStringLiteral("?");
}

void BulkReviewController::showPage()
{
    m_window->tabs()->setCurrentWidget(m_page); // builds a page if needed (currentChanged)
    if (m_shown.entries.empty() && !m_building)
        requestPage();
    m_page->setFocus();
}

void BulkReviewController::setClass(int classPosition)
{
    if (classPosition == m_class && !m_shown.entries.empty())
        return;
    m_class = classPosition;
    m_skipped.clear();
    requestPage();
}

void BulkReviewController::requestPage()
{
    reloadClasses();
    if (m_labeling->classes().empty()) {
        m_page->showEmpty(tr(
            "This project has no classes yet: add them (Edit ▸ Manage Classes) or import labelled "
            "images first."));
        Q_EMIT pageShown(0);
        return;
    }
    BulkPageRequest request;
    request.serial = ++m_serial;
    request.classPosition = m_class;
    request.pageSize = kColumns * kRows;
    for (const qint64 id : m_labeling->imagesKeptFromPages())
        request.excluded.insert(id);
    for (const qint64 id : std::as_const(m_rejected))
        request.excluded.insert(id);
    for (const qint64 id : std::as_const(m_skipped))
        request.excluded.insert(id);
    for (const QList<qint64> &ids : std::as_const(m_saving))
        for (const qint64 id : ids)
            request.excluded.insert(id);
    m_building = true;
    m_stale = false;
    m_requests.post(std::move(request));
    m_builder.start([this] {
        // The newest request only: a class key pressed twice quickly builds one page.
        const auto request = m_requests.takeNewest();
        if (!request)
            return;
        m_requests.clear();
        BulkPage page;
        try {
            page = buildBulkPage(m_project, *request);
        } catch (const std::exception &e) {
            page.serial = request->serial;
            page.classPosition = request->classPosition;
            page.error = QString::fromUtf8(e.what());
        }
        m_built.post(std::move(page),
                     [this] { QMetaObject::invokeMethod(this, "takePage", Qt::QueuedConnection); });
    });
}

void BulkReviewController::takePage()
{
    for (BulkPage &page : m_built.takeAll()) {
        if (page.serial != m_serial)
            continue; // a newer request is on its way
        m_building = false;
        show(page);
    }
}

void BulkReviewController::show(const BulkPage &page)
{
    m_shown = page;
    const QString name = className(page.classPosition);
    if (!page.error.isEmpty()) {
        m_page->showEmpty(tr("The page could not be built: %1").arg(page.error));
    } else if (!page.modelVersion) {
        m_page->showEmpty(
            tr("No predictions yet: the model has not scored the pool.\n\nLabel some images one by "
               "one "
               "on the Label page and train (T); after the first round, this page shows the images "
               "the model puts in each class, most confident first."));
    } else if (page.entries.empty()) {
        m_page->showEmpty(
            tr("No unlabelled pool images left that the model (v%1) calls %2.\n\nAudit draws, "
               "images "
               "unticked or skipped before and the image on the Label page are never shown here. "
               "Choose another class (1–9, 0).")
                .arg(*page.modelVersion)
                .arg(name));
    } else {
        const auto &classes = m_labeling->classes();
        const QColor colour = std::size_t(page.classPosition) < classes.size()
                                  ? QColor(classes[std::size_t(page.classPosition)].colour)
                                  : QColor();
        QList<Tile> tiles;
        for (const BulkPageEntry &entry : page.entries) {
            Tile tile;
            tile.imageId = entry.imageId;
            tile.image = entry.image;
            tile.classPosition = page.classPosition;
            tile.colour = colour;
            tile.badge =
                QStringLiteral("%1 %2%").arg(name).arg(double(entry.confidence) * 100, 0, 'f', 1);
            tile.toolTip = tr("Image #%1: the model says %2 (%3%)")
                               .arg(entry.imageId)
                               .arg(name)
                               .arg(double(entry.confidence) * 100, 0, 'f', 1);
            tiles << tile;
        }
        const QLocale locale;
        m_page->showPage(
            tiles,
            tr("%1 of %2 unlabelled pool images the model (v%3) calls <b>%4</b>, most confident "
               "first (%5% down to %6%). Untick the wrong ones; Enter labels the rest.")
                .arg(tiles.size())
                .arg(locale.toString(qlonglong(page.inClass)))
                .arg(*page.modelVersion)
                .arg(name.toHtmlEscaped())
                .arg(double(page.entries.front().confidence) * 100, 0, 'f', 1)
                .arg(double(page.entries.back().confidence) * 100, 0, 'f', 1));
    }
    Q_EMIT pageShown(int(page.entries.size()));
}

void BulkReviewController::acceptPage()
{
    if (m_shown.entries.empty() || m_building)
        return;
    const TileGrid *grid = m_page->grid();
    const QList<qint64> ticked = grid->tickedIds();
    const QList<qint64> unticked = grid->untickedIds();
    if (!ticked.isEmpty()) {
        const qint64 ticket = m_labeling->acceptPage(ticked, m_shown.classPosition);
        if (ticket)
            m_saving.insert(ticket, ticked);
    }
    // The model was wrong about these: the annotator labels them one by one, first.
    std::vector<QueueEntry> wrong;
    for (const BulkPageEntry &entry : m_shown.entries) {
        if (!unticked.contains(entry.imageId))
            continue;
        QueueEntry queued;
        queued.imageId = entry.imageId;
        queued.score = 1.0 - double(entry.confidence);
        queued.predictedClass = m_shown.classPosition;
        queued.confidence = entry.confidence;
        wrong.push_back(queued);
        m_rejected.insert(entry.imageId);
    }
    if (!wrong.empty())
        m_labeling->promote(wrong);
    m_window->showStatus(
        tr("%1 labelled %2 (bulk-accepted, Ctrl+Z undoes the page); %3 unticked went to the front "
           "of the queue.")
            .arg(ticked.size())
            .arg(className(m_shown.classPosition))
            .arg(unticked.size()));
    m_shown.entries.clear();
    requestPage();
}

void BulkReviewController::nextPage()
{
    if (m_building)
        return;
    for (const BulkPageEntry &entry : m_shown.entries)
        m_skipped.insert(entry.imageId);
    requestPage();
}

} // namespace activelabel
