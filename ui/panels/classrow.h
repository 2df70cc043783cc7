#pragma once

#include <QColor>
#include <QList>
#include <QString>

namespace activelabel {

// One class of the project as the panels show it, in project order (its index in the list is its
// class position). app/ builds these from storage's classes.
struct ClassRow
{
    qint64 id = 0;
    QString name;
    QString hotkey; // "1".."9", "0", or empty for none
    QColor colour;
    int count = 0; // labels of this class
};

} // namespace activelabel
