#pragma once

#include "storage/importtypes.h"

#include <string>
#include <vector>

namespace activelabel {

class Database;

// A folder given to a folder import, remembered so that "rescan" can look in it again for files
// added since. Kept in the project's settings table (key `import_roots`, JSON) rather than a table
// of its own: a handful of rows, read only by a rescan, with no schema change for older projects.
struct ImportRoot
{
    std::string path;         // absolute, raw bytes
    bool imageFolder = false; // folder-per-class layout
    ImportLabelMode labelMode = ImportLabelMode::None;
};

class ImportRootRepository
{
public:
    explicit ImportRootRepository(Database &db) : m_db(db) {}

    // In the order they were first imported.
    std::vector<ImportRoot> list();
    // Adds the folder, or updates how it is imported when it is already known.
    void remember(const ImportRoot &root);

private:
    Database &m_db;
};

} // namespace activelabel
