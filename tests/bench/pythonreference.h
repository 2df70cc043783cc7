#pragma once
// Runs a Python reference script of this folder with Debian's python3-torch (/usr/bin/python3:
// a python3 earlier on PATH may lack torch) and the same thread count, and returns the one JSON
// object it prints (empty, with the reason on stderr, when it failed). Prints it compactly too,
// so a benchmark's output holds both sides of the comparison.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>

#include <cstdio>

namespace activelabel::bench {

inline QJsonObject runPythonReference(const QString &script, QStringList args, int threads)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OMP_NUM_THREADS"), QString::number(threads));
    // The reference runs as a researcher's script would, with the libraries' default environment,
    // not the one ActiveLabel gives itself (app/runtimeenvironment.h), unless asked to.
    if (qEnvironmentVariableIntValue("ACTIVELABEL_BENCH_PYTHON_TUNED") == 0)
        for (const char *name : {"OMP_WAIT_POLICY", "OPENBLAS_NUM_THREADS", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"})
            env.remove(QString::fromLatin1(name));
    p.setProcessEnvironment(env);
    // Not __FILE__: with ccache's base_dir that path is relative, so CMake passes the folder.
    args.prepend(QStringLiteral(ACTIVELABEL_BENCH_DIR "/") + script);
    args << QStringLiteral("--threads") << QString::number(threads);
    p.start(QStringLiteral("/usr/bin/python3"), args);
    p.waitForFinished(-1);
    const QJsonObject result = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    if (result.isEmpty())
        std::fprintf(stderr, "python reference failed: %s\n", p.readAllStandardError().constData());
    else
        std::printf("python reference: %s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    return result;
}

} // namespace activelabel::bench
