#include "ui/labelingview.h"

#include "ui/imageview.h"

#include <QAction>
#include <QCompleter>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QShortcut>
#include <QStringListModel>
#include <QVBoxLayout>

#include <cmath>

namespace activelabel {

namespace {
constexpr int kStripThumbnail = 64;

QString buttonStyle(const QColor &colour)
{
    // A coloured left edge identifies the class without relying on colour alone (the text and
    // key are always there too).
    return QStringLiteral("QPushButton { border-left: 6px solid %1; padding: 6px 10px; text-align: left; }")
        .arg(colour.name());
}
} // namespace

LabelingView::LabelingView(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("labelingView"));
    setFocusPolicy(Qt::StrongFocus);

    m_prediction = new QLabel(this);
    m_prediction->setObjectName(QStringLiteral("predictionLabel"));
    QFont bigger = m_prediction->font();
    bigger.setPointSizeF(bigger.pointSizeF() * 1.25);
    m_prediction->setFont(bigger);
    m_prediction->setTextFormat(Qt::RichText);

    m_saveState = new QLabel(this);
    m_saveState->setObjectName(QStringLiteral("saveStateLabel"));
    m_progress = new QLabel(this);
    m_progress->setObjectName(QStringLiteral("remainingLabel"));

    m_classPicker = new QLineEdit(this);
    m_classPicker->setObjectName(QStringLiteral("classPicker"));
    m_classPicker->setPlaceholderText(tr("Type a class name… (/)"));
    m_classPicker->setClearButtonEnabled(true);
    m_classPicker->setMinimumWidth(200);
    m_classPicker->setMaximumWidth(260);
    connect(m_classPicker, &QLineEdit::returnPressed, this, &LabelingView::pickTypedClass);

    auto *header = new QHBoxLayout;
    header->addWidget(m_prediction, 1);
    header->addWidget(m_saveState);
    header->addSpacing(16);
    header->addWidget(m_progress);
    header->addSpacing(16);
    header->addWidget(m_classPicker);
    auto *similar = new QPushButton(tr("Find similar (L)"), this);
    similar->setObjectName(QStringLiteral("findSimilarButton"));
    similar->setFocusPolicy(Qt::NoFocus);
    similar->setToolTip(tr("Images the model sees as look-alikes of this one, to label together"));
    connect(similar, &QPushButton::clicked, this, &LabelingView::findSimilarRequested);
    header->addWidget(similar);

    m_image = new ImageView(this);
    m_image->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *similarAction = new QAction(tr("Find similar images"), m_image);
    similarAction->setObjectName(QStringLiteral("findSimilarAction"));
    connect(similarAction, &QAction::triggered, this, &LabelingView::findSimilarRequested);
    m_image->addAction(similarAction);

    m_strip = new QListView(this);
    m_strip->setObjectName(QStringLiteral("queueStrip"));
    m_strip->setViewMode(QListView::IconMode);
    m_strip->setFlow(QListView::LeftToRight);
    m_strip->setWrapping(false);
    m_strip->setIconSize(QSize(kStripThumbnail, kStripThumbnail));
    // A fixed grid: items whose thumbnail is still decoding keep the same place and size.
    m_strip->setGridSize(QSize(kStripThumbnail + 16, kStripThumbnail + 22));
    m_strip->setFixedHeight(kStripThumbnail + 30);
    m_strip->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_strip->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_strip->setFocusPolicy(Qt::NoFocus);
    m_strip->setSelectionMode(QAbstractItemView::NoSelection);
    m_strip->setToolTip(tr("Next in the queue"));

    m_classBar = new QWidget(this);
    m_classLayout = new QHBoxLayout(m_classBar);
    m_classLayout->setContentsMargins(0, 0, 0, 0);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_image, 1);
    layout->addWidget(m_strip);
    layout->addWidget(m_classBar);

    addShortcut(QKeySequence(Qt::Key_Return), &LabelingView::acceptPredictionRequested);
    addShortcut(QKeySequence(Qt::Key_Enter), &LabelingView::acceptPredictionRequested);
    addShortcut(QKeySequence(Qt::Key_S), &LabelingView::skipRequested);
    addShortcut(QKeySequence(Qt::Key_U), &LabelingView::unsureRequested);
    addShortcut(QKeySequence(Qt::Key_X), &LabelingView::badImageRequested);
    addShortcut(QKeySequence(Qt::Key_Backspace), &LabelingView::previousRequested);
    addShortcut(QKeySequence(Qt::Key_Question), &LabelingView::cheatSheetRequested);
    addShortcut(QKeySequence(Qt::Key_F1), &LabelingView::cheatSheetRequested);
    addShortcut(QKeySequence(Qt::Key_L), &LabelingView::findSimilarRequested);
    auto *blind = new QShortcut(QKeySequence(Qt::Key_F), this, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    connect(blind, &QShortcut::activated, this, [this] {
        setBlindMode(!m_blind);
        Q_EMIT blindModeToggled(m_blind);
    });
    auto *pick = new QShortcut(QKeySequence(Qt::Key_Slash), this, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    connect(pick, &QShortcut::activated, m_classPicker, qOverload<>(&QWidget::setFocus));

    showEmpty(tr("No project open."));
}

void LabelingView::addShortcut(const QKeySequence &key, void (LabelingView::*signal)())
{
    auto *shortcut = new QShortcut(key, this, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, [this, signal] {
        // Keys typed into the class picker are text, not commands.
        if (m_classPicker->hasFocus())
            return;
        Q_EMIT(this->*signal)();
    });
}

QList<QPair<QString, QString>> LabelingView::keyBindings()
{
    return {{tr("1 … 9, 0"), tr("Label with the class bound to that key")},
            {tr("/"), tr("Type a class name (projects with many classes)")},
            {tr("Enter"), tr("Accept the model's prediction")},
            {tr("S"), tr("Skip this image for now")},
            {tr("U"), tr("Mark as unsure (kept for review)")},
            {tr("X"), tr("Mark as a bad image (excluded from the pool)")},
            {tr("Backspace"), tr("Go back to the previous image")},
            {tr("Ctrl+Z / Ctrl+Shift+Z"), tr("Undo / redo the last label")},
            {tr("F"), tr("Blind mode: hide the model's prediction")},
            {tr("L"), tr("Look-alikes: images similar to this one, in a grid to label together")},
            {tr("T"), tr("Train now")},
            {tr("? or F1"), tr("This cheat sheet")}};
}

void LabelingView::setClasses(const QList<ClassButtonInfo> &classes)
{
    m_classes = classes;
    qDeleteAll(m_classShortcuts);
    m_classShortcuts.clear();
    while (QLayoutItem *item = m_classLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (int position = 0; position < classes.size(); ++position) {
        const ClassButtonInfo &info = classes[position];
        const QString text = info.hotkey.isEmpty() ? info.name : QStringLiteral("%1  %2").arg(info.hotkey, info.name);
        auto *button = new QPushButton(text, m_classBar);
        button->setObjectName(QStringLiteral("classButton%1").arg(position));
        button->setFocusPolicy(Qt::NoFocus);
        button->setStyleSheet(buttonStyle(info.colour));
        button->setToolTip(info.hotkey.isEmpty() ? info.name : tr("%1 (key %2)").arg(info.name, info.hotkey));
        connect(button, &QPushButton::clicked, this, [this, position] { Q_EMIT labelRequested(position); });
        m_classLayout->addWidget(button);
        if (!info.hotkey.isEmpty()) {
            auto *shortcut = new QShortcut(QKeySequence(info.hotkey), this, nullptr, nullptr,
                                           Qt::WidgetWithChildrenShortcut);
            connect(shortcut, &QShortcut::activated, this, [this, position] {
                if (!m_classPicker->hasFocus())
                    Q_EMIT labelRequested(position);
            });
            m_classShortcuts << shortcut;
        }
    }
    m_classLayout->addStretch(1);
    QStringList names;
    for (const ClassButtonInfo &info : classes)
        names << info.name;
    auto *completer = new QCompleter(names, m_classPicker);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    delete m_classPicker->completer();
    m_classPicker->setCompleter(completer);
}

void LabelingView::pickTypedClass()
{
    const QString typed = m_classPicker->text().trimmed();
    int match = -1;
    for (int i = 0; i < m_classes.size(); ++i) {
        if (m_classes[i].name.compare(typed, Qt::CaseInsensitive) == 0) {
            match = i;
            break;
        }
        if (match < 0 && m_classes[i].name.contains(typed, Qt::CaseInsensitive))
            match = i;
    }
    if (match < 0 || typed.isEmpty()) {
        m_saveState->setText(tr("No class matches “%1”").arg(typed));
        return;
    }
    m_classPicker->clear();
    setFocus();
    Q_EMIT labelRequested(match);
}

void LabelingView::showItem(const CurrentItem &item)
{
    m_current = item;
    m_image->setImage(item.image);
    if (item.image.isNull())
        m_image->setMessage(tr("Image #%1 could not be decoded.\nPress X to exclude it.").arg(item.imageId));
    m_progress->setText(tr("%1 unlabelled").arg(QLocale().toString(item.remaining)));
    updatePredictionText();
}

void LabelingView::showRemaining(int unlabelled)
{
    m_current.remaining = unlabelled;
    m_progress->setText(tr("%1 unlabelled").arg(QLocale().toString(unlabelled)));
}

void LabelingView::showEmpty(const QString &message)
{
    m_current = CurrentItem{};
    m_image->setMessage(message);
    m_prediction->clear();
    m_progress->clear();
}

void LabelingView::setQueueModel(QAbstractItemModel *model)
{
    m_strip->setModel(model);
}

void LabelingView::setBlindMode(bool blind)
{
    m_blind = blind;
    updatePredictionText();
}

void LabelingView::updatePredictionText()
{
    if (m_current.imageId == 0)
        return;
    QString text = tr("Image #%1").arg(m_current.imageId);
    if (m_blind) {
        text += tr(" — <i>prediction hidden (blind mode, F)</i>");
    } else if (!m_current.predictedClass.isEmpty()) {
        text += tr(" — model says <b>%1</b> (%2%)")
                    .arg(m_current.predictedClass.toHtmlEscaped())
                    .arg(qRound(m_current.confidence * 100));
    } else {
        text += tr(" — no model yet");
    }
    if (std::isfinite(m_current.score))
        text += tr(" · %1 score %2").arg(m_current.strategy).arg(m_current.score, 0, 'g', 3);
    m_prediction->setText(text);
}

void LabelingView::showSaveState(qint64 imageId, const QString &className, const QString &state, bool failed)
{
    m_saveState->setText(QStringLiteral("#%1 → %2: %3").arg(imageId).arg(className, state));
    // A style sheet change re-polishes the label and re-lays out the window: only when it changes,
    // not twice per label.
    if (failed != m_saveFailedShown) {
        m_saveState->setStyleSheet(failed ? QStringLiteral("color: #d55e00; font-weight: bold;") : QString());
        m_saveFailedShown = failed;
    }
}

} // namespace activelabel
