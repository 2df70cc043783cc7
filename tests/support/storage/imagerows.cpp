#include "support/storage/imagerows.h"

#include "storage/sqlitedatabase.h"
#include "storage/transaction.h"

#include <string>

namespace activelabel::testsupport {

std::int64_t addImage(Database &db, int n, Split split)
{
    ImageRecord record;
    record.path = "/nonexistent/" + std::to_string(n) + ".png";
    record.contentHash = QByteArray::number(n).rightJustified(32, '0');
    record.width = record.height = 28;
    record.split = split;
    return ImageRepository(db).add(record);
}

std::vector<std::int64_t> addImages(Database &db, int count)
{
    std::vector<std::int64_t> ids;
    Transaction tx(db);
    for (int i = 0; i < count; ++i)
        ids.push_back(addImage(db, i));
    tx.commit();
    return ids;
}

} // namespace activelabel::testsupport
