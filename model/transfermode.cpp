#include "model/transfermode.h"

namespace activelabel {

std::optional<TransferMode> TransferMode::parse(const QString &text, QString *error)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("frozen"))
        return frozen();
    if (t == QLatin1String("full"))
        return full();
    if (t == QLatin1String("scratch"))
        return scratch();
    if (t == QLatin1String("auto"))
        return automatic();
    if (t.startsWith(QLatin1String("finetune:"))) {
        bool ok = false;
        const int n = t.mid(9).toInt(&ok);
        if (ok && n >= 1)
            return finetune(n);
    }
    if (error)
        *error = QStringLiteral("invalid transfer mode '%1' (expected frozen, finetune:N with N >= 1, full, "
                                "scratch or auto)")
                     .arg(text);
    return std::nullopt;
}

QString TransferMode::toString() const
{
    switch (kind) {
    case Kind::Frozen:
        return QStringLiteral("frozen");
    case Kind::Finetune:
        return QStringLiteral("finetune:%1").arg(blocks);
    case Kind::Full:
        return QStringLiteral("full");
    case Kind::Scratch:
        return QStringLiteral("scratch");
    case Kind::Auto:
        break;
    }
    return QStringLiteral("auto");
}

} // namespace activelabel
