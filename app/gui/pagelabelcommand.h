#pragma once

#include <QUndoCommand>

#include <vector>

namespace activelabel {

class LabelingController;

// A page of labels (bulk review, look-alikes) as one undoable step: redo writes every image of
// the page with one class in one transaction (source bulk-accepted); undo reverts each image's
// last change, again in one transaction. One Ctrl+Z takes back the whole page.
class PageLabelCommand : public QUndoCommand
{
public:
    PageLabelCommand(LabelingController *controller, std::vector<qint64> imageIds, qint64 classId,
                     const QString &className);

    void redo() override;
    void undo() override;

    const std::vector<qint64> &imageIds() const { return m_imageIds; }
    // The writer's ticket of the latest redo or undo.
    qint64 ticket() const { return m_ticket; }

private:
    LabelingController *m_controller;
    std::vector<qint64> m_imageIds;
    qint64 m_classId;
    qint64 m_ticket = 0;
};

} // namespace activelabel
