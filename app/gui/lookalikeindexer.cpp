#include "app/gui/lookalikeindexer.h"

#include "app/gui/trainingworker.h"
#include "app/runtimeenvironment.h"
#include "model/modelerror.h"

#include <QElapsedTimer>
#include <QMetaObject>

#include <algorithm>

namespace activelabel {

LookalikeIndexer::LookalikeIndexer(QObject *parent) : QObject(parent)
{
    m_thread = std::thread([this] { run(); });
}

LookalikeIndexer::~LookalikeIndexer()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_cancelBuild = true;
    }
    m_changed.notify_all();
    m_thread.join();
}

void LookalikeIndexer::rebuild(std::shared_ptr<const PoolEmbeddings> embeddings)
{
    {
        std::lock_guard lock(m_mutex);
        m_pending = std::move(embeddings);
        m_hasPending = true;
        m_cancelBuild = true; // a build of older embeddings is wasted work now
    }
    m_changed.notify_all();
}

std::shared_ptr<const LookalikeIndex> LookalikeIndexer::current() const
{
    std::lock_guard lock(m_mutex);
    return m_current;
}

bool LookalikeIndexer::isBuilding() const
{
    std::lock_guard lock(m_mutex);
    return m_building || m_hasPending;
}

void LookalikeIndexer::waitUntilIdle() const
{
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return (!m_building && !m_hasPending) || m_stop; });
}

QString LookalikeIndexer::lastError() const
{
    std::lock_guard lock(m_mutex);
    return m_lastError;
}

void LookalikeIndexer::run()
{
    lowerThisThreadsCpuPriority(kWorkerNiceIncrement);
    for (;;) {
        std::shared_ptr<const PoolEmbeddings> embeddings;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return m_hasPending || m_stop; });
            if (m_stop)
                return;
            embeddings = std::move(m_pending);
            m_hasPending = false;
            m_building = true;
            m_cancelBuild = false;
        }
        std::shared_ptr<const LookalikeIndex> built;
        QString error;
        bool cancelled = false;
        if (embeddings) {
            try {
                NeighbourIndexOptions options;
                // One thread: the build is background work beside the training worker on a
                // machine with few cores (NeighbourIndex inserts on one thread in any case).
                options.threads = 1;
                options.cancel = &m_cancelBuild;
                QElapsedTimer clock;
                clock.start();
                qint64 lastReport = -1000;
                options.progress = [&](std::size_t done, std::size_t total) {
                    // A few updates a second are all a status bar can show.
                    if (clock.elapsed() - lastReport < 200 && done < total)
                        return;
                    lastReport = clock.elapsed();
                    m_progress.post({int(done), int(total)}, [this] {
                        QMetaObject::invokeMethod(this, "announceProgress", Qt::QueuedConnection);
                    });
                };
                built = std::make_shared<const LookalikeIndex>(embeddings, options);
            } catch (const Cancelled &) {
                cancelled = true;
            } catch (const std::exception &e) {
                error = QString::fromUtf8(e.what());
            }
        }
        {
            std::lock_guard lock(m_mutex);
            if (built)
                m_current = std::move(built); // the swap: queries from now on get the new index
            if (!cancelled)
                m_lastError = error;
            m_building = false;
        }
        m_changed.notify_all();
        if (!cancelled)
            m_announcements.post(true, [this] {
                QMetaObject::invokeMethod(this, "announce", Qt::QueuedConnection);
            });
    }
}

void LookalikeIndexer::announce()
{
    if (!m_announcements.take())
        return;
    Q_EMIT indexChanged();
}

void LookalikeIndexer::announceProgress()
{
    std::vector<std::pair<int, int>> all = m_progress.takeAll();
    if (!all.empty())
        Q_EMIT progress(all.back().first, all.back().second);
}

} // namespace activelabel
