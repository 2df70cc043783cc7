#pragma once

#include <QString>

#include <cstdint>

namespace activelabel {

// Times in the database are milliseconds since the Unix epoch (UTC): compact, sortable, exact.
std::int64_t nowMs();
// ISO 8601 UTC with milliseconds ("2026-11-28T08:31:06.123Z"), the form exports use.
QString isoTime(std::int64_t ms);

} // namespace activelabel
