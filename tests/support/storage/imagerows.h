#pragma once
// Image rows without files behind them, for suites where no pixel is ever read (labels, history,
// classes, queries): the fastest project a test can have. Linked by the suites of the layers that
// may use storage/ (activelabel_testsupport_storage), never by ui/'s.
#include "storage/imagerepository.h"

#include <cstdint>
#include <vector>

namespace activelabel {
class Database;
}

namespace activelabel::testsupport {

// One row: path "/nonexistent/<n>.png", a content hash unique to n, 28 x 28 pixels.
std::int64_t addImage(Database &db, int n, Split split = Split::Pool);
// Rows 0 .. count-1 in one transaction; their ids in that order.
std::vector<std::int64_t> addImages(Database &db, int count);

} // namespace activelabel::testsupport
