#pragma once

namespace activelabel {

class Database;

// A scoped write transaction: Database::beginWrite() on construction (SQLite: BEGIN IMMEDIATE,
// which takes the write lock up front, so a read never has to be upgraded mid-transaction, which
// is where SQLITE_BUSY deadlocks come from), ROLLBACK in the destructor unless commit()
// succeeded. commit() returns only after COMMIT returned: for SQLite after the WAL was synced
// (synchronous=FULL), for PostgreSQL after the server committed.
class Transaction
{
public:
    explicit Transaction(Database &db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    void commit();
    void rollback();

private:
    Database &m_db;
    bool m_open = true;
};

} // namespace activelabel
