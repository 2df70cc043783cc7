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

} // namespace activelabel
