#include "storage/transaction.h"

#include "storage/database.h"

namespace activelabel {

Transaction::Transaction(Database &db) : m_db(db)
{
    m_db.beginWrite();
}

Transaction::~Transaction()
{
    if (m_open) {
        try {
            rollback();
        } catch (...) {
            // A destructor must not throw; both backends roll back on close anyway.
        }
    }
}

void Transaction::commit()
{
    m_db.query("COMMIT").exec();
    m_open = false;
}

void Transaction::rollback()
{
    m_open = false;
    if (m_db.inTransaction())
        m_db.query("ROLLBACK").exec();
}

} // namespace activelabel
