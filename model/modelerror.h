#pragma once

#include <QString>

#include <stdexcept>

namespace activelabel {

// An error the user can cause (bad model file, unsupported shape, unwritable path). Thrown by
// model/ and caught at app/'s boundary, where message() becomes the one-line reason shown.
class ModelError : public std::runtime_error
{
public:
    explicit ModelError(const QString &message)
        : std::runtime_error(message.toStdString()), m_message(message)
    {
    }
    const QString &message() const { return m_message; }

private:
    QString m_message;
};

// Work stopped because its cancel flag was set (between two batches). What was computed before
// stays valid (e.g. cached features); the classifier is unchanged by the stopped call.
class Cancelled : public std::runtime_error
{
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

} // namespace activelabel
