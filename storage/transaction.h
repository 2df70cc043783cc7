#pragma once

namespace activelabel {

class Database;

// A scoped write transaction: BEGIN IMMEDIATE on construction (takes the write lock up front, so
// a read never has to be upgraded mid-transaction, which is where SQLITE_BUSY deadlocks come
// from), ROLLBACK in the destructor unless commit() succeeded. commit() returns only after
// SQLite's COMMIT returned, i.e. after the WAL was synced (synchronous=FULL).
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
