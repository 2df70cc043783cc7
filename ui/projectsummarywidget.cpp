#include "ui/projectsummarywidget.h"

#include <QDir>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

namespace activelabel {

ProjectSummaryWidget::ProjectSummaryWidget(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("summaryTitle"));
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_counts = new QLabel(this);
    m_counts->setObjectName(QStringLiteral("summaryCounts"));
    m_counts->setTextFormat(Qt::RichText);
    m_classes = new QLabel(this);
    m_classes->setObjectName(QStringLiteral("summaryClasses"));
    m_classes->setWordWrap(true);
    layout->addWidget(m_title);
    layout->addWidget(m_counts);
    layout->addWidget(m_classes);
    layout->addStretch(1);
    clear();
}

void ProjectSummaryWidget::setSummary(const ProjectSummary &summary)
{
    const QLocale locale;
    auto n = [&locale](qint64 v) { return locale.toString(v); };
    m_title->setText(summary.name + (summary.readOnly ? tr(" (read-only)") : QString()));
    m_title->setToolTip(QDir::toNativeSeparators(summary.projectPath));
    const qint64 pool = summary.imagesTotal - summary.test;
    const QString version = summary.modelVersion ? tr("v%1").arg(*summary.modelVersion) : tr("none yet");
    m_counts->setText(tr("<table cellspacing=4>"
                         "<tr><td>Pool images</td><td align=right><b>%1</b></td></tr>"
                         "<tr><td>&nbsp;&nbsp;labelled</td><td align=right>%2</td></tr>"
                         "<tr><td>&nbsp;&nbsp;unlabelled</td><td align=right>%3</td></tr>"
                         "<tr><td>Test split</td><td align=right>%4</td></tr>"
                         "<tr><td>Rejected at import</td><td align=right>%5</td></tr>"
                         "<tr><td>Model</td><td align=right>%6</td></tr>"
                         "</table>")
                          .arg(n(pool), n(summary.labelled), n(summary.unlabelled), n(summary.test),
                               n(summary.rejectedFiles), version));
    m_classes->setText(summary.classes.isEmpty()
                           ? tr("No classes yet.")
                           : tr("%n class(es): ", nullptr, summary.classes.size())
                                 + summary.classes.join(QStringLiteral(", ")));
}

void ProjectSummaryWidget::clear()
{
    m_title->setText(tr("No project open"));
    m_counts->setText(tr("Create a project (Ctrl+N), open one (Ctrl+O),<br>"
                         "or drop a folder of images here."));
    m_classes->clear();
}

} // namespace activelabel
