#include "app/gui/labelcommand.h"

#include "app/gui/labelingcontroller.h"

namespace activelabel {

LabelCommand::LabelCommand(LabelingController *controller, qint64 imageId, qint64 classId, QString source,
                           const QString &className)
    : m_controller(controller), m_imageId(imageId), m_classId(classId), m_source(std::move(source))
{
    setText(QObject::tr("label #%1 as %2").arg(imageId).arg(className));
}

void LabelCommand::redo()
{
    LabelOperation op;
    op.kind = LabelOperation::Kind::Set;
    op.imageId = m_imageId;
    op.classId = m_classId;
    op.source = m_source;
    m_controller->submit(op);
}

void LabelCommand::undo()
{
    LabelOperation op;
    op.kind = LabelOperation::Kind::Undo;
    op.imageId = m_imageId;
    m_controller->submit(op);
}

} // namespace activelabel
