#include "app/cli/roundprogress.h"

#include "app/cli/command.h"
#include "app/progressreport.h"

#include <memory>
#include <optional>

namespace activelabel::cli {

RoundProgressCallback roundProgressPrinter(Context &context, const QString &prefix)
{
    auto report = std::make_shared<ProgressReport>();
    auto phase = std::make_shared<std::optional<RoundProgress::Phase>>();
    return [&context, prefix, report, phase](const RoundProgress &p) {
        if (*phase != p.phase) {
            *phase = p.phase;
            if (p.phase == RoundProgress::Phase::Training)
                report->restart(prefix + QStringLiteral(": training"), QStringLiteral("steps"));
            else
                report->restart(prefix + QStringLiteral(": scoring"), QStringLiteral("images"));
        }
        report->update(double(p.done), double(p.total));
        if (!report->lineDue())
            return;
        context.err() << report->text();
        if (p.phase == RoundProgress::Phase::Training)
            context.err() << ", loss " << QString::number(p.loss, 'f', 4);
        context.err() << Qt::endl;
    };
}

} // namespace activelabel::cli
