#include "model/detail/atomicfile.h"

#include "model/modelerror.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace activelabel::detail {

namespace {

QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

} // namespace

void writeFileAtomically(const QString &path, const std::string &bytes)
{
    const QFileInfo info(path);
    const QByteArray target = QFile::encodeName(info.absoluteFilePath());
    const QByteArray temp = target + ".tmp-" + QByteArray::number(qint64(::getpid()));
    const int fd = ::open(temp.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw ModelError(QStringLiteral("cannot write %1: %2").arg(path, errnoText()));
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const QString reason = errnoText();
            ::close(fd);
            ::unlink(temp.constData());
            throw ModelError(QStringLiteral("cannot write %1: %2").arg(path, reason));
        }
        written += std::size_t(n);
    }
    // Close even when fsync failed (a full disk can fail it): the descriptor must not leak.
    const int synced = ::fsync(fd);
    const int syncErrno = errno;
    const int closed = ::close(fd);
    if (synced != 0 || closed != 0) {
        if (synced != 0)
            errno = syncErrno;
        const QString reason = errnoText();
        ::unlink(temp.constData());
        throw ModelError(QStringLiteral("cannot write %1: %2").arg(path, reason));
    }
    if (::rename(temp.constData(), target.constData()) != 0) {
        const QString reason = errnoText();
        ::unlink(temp.constData());
        throw ModelError(QStringLiteral("cannot write %1: %2").arg(path, reason));
    }
    // The rename itself must survive a power cut too.
    const int dir = ::open(QFile::encodeName(info.absolutePath()).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

std::string readWholeFile(const QString &path, const QString &what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw ModelError(QStringLiteral("cannot open %1 %2: %3").arg(what, path, file.errorString()));
    const QByteArray data = file.readAll();
    return std::string(data.constData(), std::size_t(data.size()));
}

} // namespace activelabel::detail
