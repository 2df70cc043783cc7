#pragma once

#include <QUndoCommand>

namespace activelabel {

class LabelingController;

// One label as an undoable step. Redo writes the label; undo asks storage to revert the image's
// last change (LabelRepository::undoLast, recorded in the label history as `undo`), so undo works
// from what was really committed rather than from what the UI believes.
class LabelCommand : public QUndoCommand
{
public:
    LabelCommand(LabelingController *controller, qint64 imageId, qint64 classId, QString source,
                 const QString &className);

    void redo() override;
    void undo() override;

private:
    LabelingController *m_controller;
    qint64 m_imageId;
    qint64 m_classId;
    QString m_source;
};

} // namespace activelabel
