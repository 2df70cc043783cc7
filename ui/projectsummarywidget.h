#pragma once

#include "ui/projectsummary.h"

#include <QWidget>

class QLabel;

namespace activelabel {

// A compact panel of the project's counts (pool, labelled, test, classes, model version).
class ProjectSummaryWidget : public QWidget
{
    Q_OBJECT
public:
    explicit ProjectSummaryWidget(QWidget *parent = nullptr);

    void setSummary(const ProjectSummary &summary);
    void clear();

private:
    QLabel *m_title = nullptr;
    QLabel *m_counts = nullptr;
    QLabel *m_classes = nullptr;
};

} // namespace activelabel
