#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace activelabel {

// The one way work and results cross between threads in the application: a FIFO of values guarded
// by a std::mutex. A sender posts a value and wakes the receiver with a queued call that carries no
// arguments (QMetaObject::invokeMethod by name, Qt::QueuedConnection); the receiver takes values
// out on its own thread.
//
// Why not queued signal arguments: Qt copies them in the sending thread and the receiver reads
// them in its own, ordered only by the lock of Qt's event queue, which ThreadSanitizer cannot see
// (Debian's Qt is not instrumented) and so reports as races. Every hand-over through a Mailbox is
// ordered by a std::mutex that TSan does see. The wake-up is issued under the same lock (`wake`),
// so everything the sender did before posting happens-before the receiver's take.
template <typename T>
class Mailbox
{
public:
    // Appends `value` and, under the lock, calls `wake()` (e.g. a queued invokeMethod).
    template <typename Wake>
    void post(T value, Wake &&wake)
    {
        std::lock_guard lock(m_mutex);
        m_items.push_back(std::move(value));
        wake();
    }
    void post(T value)
    {
        std::lock_guard lock(m_mutex);
        m_items.push_back(std::move(value));
    }

    // When `replaces(newest)` holds for the newest waiting value, overwrites it with `value` and
    // returns false (its wake-up is already on its way); else posts like post() and returns true.
    template <typename Replaces, typename Wake>
    bool postOrReplaceNewest(T value, Replaces &&replaces, Wake &&wake)
    {
        std::lock_guard lock(m_mutex);
        if (!m_items.empty() && replaces(m_items.back())) {
            m_items.back() = std::move(value);
            return false;
        }
        m_items.push_back(std::move(value));
        wake();
        return true;
    }

    // Oldest first; nullopt when empty.
    std::optional<T> take()
    {
        std::lock_guard lock(m_mutex);
        if (m_items.empty())
            return std::nullopt;
        std::optional<T> oldest(std::move(m_items.front()));
        m_items.pop_front();
        return oldest;
    }

    // Newest first (for work where the latest request matters most); nullopt when empty.
    std::optional<T> takeNewest()
    {
        std::lock_guard lock(m_mutex);
        if (m_items.empty())
            return std::nullopt;
        std::optional<T> newest(std::move(m_items.back()));
        m_items.pop_back();
        return newest;
    }

    // Everything waiting, oldest first.
    std::vector<T> takeAll()
    {
        std::lock_guard lock(m_mutex);
        std::vector<T> all(std::make_move_iterator(m_items.begin()), std::make_move_iterator(m_items.end()));
        m_items.clear();
        return all;
    }

    // Drops the oldest values until at most `limit` wait; returns what was dropped, oldest first.
    std::vector<T> trimOldest(std::size_t limit)
    {
        std::lock_guard lock(m_mutex);
        std::vector<T> dropped;
        while (m_items.size() > limit) {
            dropped.push_back(std::move(m_items.front()));
            m_items.pop_front();
        }
        return dropped;
    }

    void clear()
    {
        std::lock_guard lock(m_mutex);
        m_items.clear();
    }

    std::size_t size() const
    {
        std::lock_guard lock(m_mutex);
        return m_items.size();
    }

private:
    mutable std::mutex m_mutex;
    std::deque<T> m_items;
};

} // namespace activelabel
