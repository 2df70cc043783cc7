#include "app/gui/pagelabelcommand.h"

#include "app/gui/labelingcontroller.h"

namespace activelabel {

PageLabelCommand::PageLabelCommand(LabelingController *controller, std::vector<qint64> imageIds,
                                   qint64 classId, const QString &className)
    : m_controller(controller), m_imageIds(std::move(imageIds)), m_classId(classId)
{
    setText(QObject::tr("label a page of %n image(s) as %1", nullptr, int(m_imageIds.size()))
                .arg(className));
}

void PageLabelCommand::redo()
{
    LabelOperation op;
    op.kind = LabelOperation::Kind::SetPage;
    op.imageIds = m_imageIds;
    op.classId = m_classId;
    op.source = QStringLiteral("bulk-accepted");
    m_ticket = m_controller->submit(op);
}

void PageLabelCommand::undo()
{
    LabelOperation op;
    op.kind = LabelOperation::Kind::UndoPage;
    op.imageIds = m_imageIds;
    m_ticket = m_controller->submit(op);
}

} // namespace activelabel
