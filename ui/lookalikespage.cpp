#include "ui/lookalikespage.h"

#include "ui/panels/palette.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace activelabel {

namespace {
constexpr int kQuerySide = 96;
}

LookalikesPage::LookalikesPage(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("lookalikesPage"));
    auto *layout = new QVBoxLayout(this);

    auto *header = new QHBoxLayout;
    m_queryImage = new QLabel;
    m_queryImage->setObjectName(QStringLiteral("lookalikesQueryImage"));
    m_queryImage->setFixedSize(kQuerySide, kQuerySide);
    m_queryImage->setAlignment(Qt::AlignCenter);
    m_queryImage->setFrameShape(QFrame::StyledPanel);
    header->addWidget(m_queryImage);
    auto *right = new QVBoxLayout;
    m_title =
        new QLabel(tr("Find similar: press L on an image (labelling, browse or review page)."));
    m_title->setObjectName(QStringLiteral("lookalikesTitle"));
    m_title->setWordWrap(true);
    right->addWidget(m_title);
    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Label ticked images as")));
    m_class = new QComboBox;
    m_class->setObjectName(QStringLiteral("lookalikesClass"));
    m_class->setFocusPolicy(Qt::ClickFocus); // the keys belong to the grid
    controls->addWidget(m_class);
    m_accept = new QPushButton;
    m_accept->setObjectName(QStringLiteral("lookalikesAccept"));
    m_accept->setFocusPolicy(Qt::NoFocus);
    controls->addWidget(m_accept);
    controls->addStretch(1);
    m_back = new QPushButton(tr("Back (Esc)"));
    m_back->setObjectName(QStringLiteral("lookalikesBack"));
    m_back->setFocusPolicy(Qt::NoFocus);
    controls->addWidget(m_back);
    right->addLayout(controls);
    auto *hint = new QLabel(
        tr("Click or Space: tick/untick · arrows: move · Enter: label the ticked images · "
           "1–9, 0: label them as that class · Esc: back"));
    hint->setEnabled(false);
    right->addWidget(hint);
    header->addLayout(right, 1);
    layout->addLayout(header);

    m_grid = new TileGrid;
    m_grid->setGridSize(6, 5);
    layout->addWidget(m_grid, 1);

    connect(m_grid, &TileGrid::accepted, this, &LookalikesPage::accept);
    connect(m_grid, &TileGrid::tickChanged, this, &LookalikesPage::updateAcceptButton);
    connect(m_accept, &QPushButton::clicked, this, &LookalikesPage::accept);
    connect(m_back, &QPushButton::clicked, this, &LookalikesPage::backRequested);
    connect(m_class, &QComboBox::currentIndexChanged, this, [this](int index) {
        recolourTiles();
        updateAcceptButton();
        Q_EMIT targetClassChanged(index);
    });
    setFocusProxy(m_grid);
    updateAcceptButton();
}

void LookalikesPage::setClasses(const QList<ClassRow> &classes)
{
    const int previous = m_class->currentIndex();
    m_classes = classes;
    const QSignalBlocker block(m_class);
    m_class->clear();
    for (int i = 0; i < classes.size(); ++i) {
        const ClassRow &row = classes[i];
        const QString key =
            row.hotkey.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(row.hotkey);
        m_class->addItem(row.name + key);
    }
    m_class->setCurrentIndex(previous < classes.size() ? previous : -1);
    recolourTiles();
    updateAcceptButton();
}

void LookalikesPage::showQuery(qint64 imageId, const QImage &image, const QString &description)
{
    if (imageId != m_queryId)
        m_queryImage->clear();
    m_queryId = imageId;
    if (!description.isEmpty())
        m_title->setText(description);
    if (!image.isNull())
        m_queryImage->setPixmap(QPixmap::fromImage(image.scaled(
            kQuerySide - 4, kQuerySide - 4, Qt::KeepAspectRatio,
            image.width() * 2 < kQuerySide ? Qt::FastTransformation : Qt::SmoothTransformation)));
}

void LookalikesPage::setTiles(const QList<Tile> &tiles)
{
    m_grid->setEmptyMessage(
        tr("No look-alikes left to label: every near neighbour is labelled already."));
    m_grid->setTiles(tiles);
    recolourTiles();
    updateAcceptButton();
    if (isVisible())
        m_grid->setFocus();
}

void LookalikesPage::showMessage(const QString &message)
{
    m_grid->clear();
    m_grid->setEmptyMessage(message);
    updateAcceptButton();
}

void LookalikesPage::setTileImage(qint64 imageId, const QImage &image)
{
    m_grid->setTileImage(imageId, image);
}

int LookalikesPage::targetClass() const
{
    return m_class->currentIndex();
}

void LookalikesPage::setTargetClass(int classPosition)
{
    m_class->setCurrentIndex(classPosition < m_class->count() ? classPosition : -1);
}

void LookalikesPage::recolourTiles()
{
    // The border says what the ticked tile will become: the target class's colour.
    const int target = targetClass();
    QList<Tile> tiles = m_grid->tiles();
    bool changed = false;
    for (Tile &tile : tiles) {
        if (tile.classPosition == target)
            continue;
        tile.classPosition = target;
        tile.colour =
            target >= 0 && target < m_classes.size() ? m_classes[target].colour : QColor();
        changed = true;
    }
    if (!changed)
        return;
    const int focus = m_grid->focusIndex();
    m_grid->setTiles(tiles);
    m_grid->setFocusIndex(focus);
}

void LookalikesPage::updateAcceptButton()
{
    const int ticked = int(m_grid->tickedIds().size());
    const int target = targetClass();
    const QString name =
        target >= 0 && target < m_classes.size() ? m_classes[target].name : tr("…");
    m_accept->setText(tr("Label %n as %1 (Enter)", nullptr, ticked).arg(name));
    m_accept->setEnabled(ticked > 0 && target >= 0);
}

void LookalikesPage::accept()
{
    if (targetClass() < 0 || m_grid->tickedIds().isEmpty())
        return;
    Q_EMIT acceptRequested(targetClass());
}

void LookalikesPage::keyPressEvent(QKeyEvent *event)
{
    // Keys the grid passes on: Esc goes back, a class key picks that class and labels the page.
    if (event->key() == Qt::Key_Escape) {
        Q_EMIT backRequested();
        return;
    }
    const QString text = event->text();
    if (event->modifiers() == Qt::NoModifier && !text.isEmpty()) {
        for (int i = 0; i < m_classes.size(); ++i) {
            if (!m_classes[i].hotkey.isEmpty() && m_classes[i].hotkey == text) {
                setTargetClass(i);
                accept();
                return;
            }
        }
    }
    QWidget::keyPressEvent(event);
}

QList<QPair<QString, QString>> LookalikesPage::keyBindings()
{
    return {
        {QStringLiteral("L"), tr("Look-alikes: find images similar to this one, in a grid "
                                 "(labelling, browse, review pages)")},
        {tr("Look-alikes: click, Space"),
         tr("Untick (or tick again) an image that is not the class")},
        {tr("Look-alikes: arrows, Home, End"), tr("Move between images")},
        {tr("Look-alikes: Enter"),
         tr("Label the ticked images with the chosen class (one undo for the page)")},
        {tr("Look-alikes: 1 … 9, 0"),
         tr("Label the ticked images with the class bound to that key")},
        {tr("Look-alikes: Esc"), tr("Back to the page the search started from")},
    };
}

} // namespace activelabel
