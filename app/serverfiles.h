#pragma once

#include "storage/importtypes.h"

#include <filesystem>

namespace activelabel {

class Database;
class ImageCache;
class Project;

// The files of a team project that live on the server and in each client's cache (the project's
// directory): images fetched on demand, checkpoints published by the trainer and fetched by
// whoever needs them. Folder projects have nothing to sync: every function returns 0 for them.

// Writes into the cache the images whose file is missing there, from the server's copy of their
// bytes (ImageBlobRepository::kBatch images per query; phase "fetching"; the callback returning
// false cancels), until the cache holds its size limit: the rest are fetched when read
// (ImageCache::read). Returns the images fetched.
std::size_t fetchMissingImages(const Project &project, Database &db, const ImportProgressCallback &progress = {});
// The same for a team project's cache on a connection of its own (a file job's thread, which must
// not hold on to the Project).
std::size_t fetchMissingImages(ImageCache &cache, Database &db, const ImportProgressCallback &progress = {});

// Uploads every model file of the cache that the server lacks (a new checkpoint, and the earlier
// one whose backbone it shares if that is new too). Returns the files uploaded.
std::size_t publishModelFiles(const Project &project, Database &db);

// Downloads every model file the server has and the cache lacks. Returns the files downloaded.
std::size_t fetchModelFiles(const Project &project, Database &db);

} // namespace activelabel
