#pragma once

#include "model/imageprovider.h"
#include "storage/imagerepository.h"

#include <filesystem>
#include <unordered_map>
#include <vector>

namespace activelabel {

class Database;
class Project;

// Every image of a project (pool and test) in id order, served to model/ through storage's one
// decode path. Index i keeps meaning the same image for the lifetime of the object (imports only
// append), which is what lets the model's feature cache carry over from round to round.
class ProjectImages : public ImageProvider
{
public:
    // `db` is the calling thread's connection to the project (connections belong to one thread).
    ProjectImages(const Project &project, Database &db);

    std::size_t size() const override { return m_records.size(); }
    cv::Mat load(std::size_t index, std::string *error = nullptr) const override;
    std::string contentKey(std::size_t index) const override;

    // Appends images added since construction (ids above the last one known).
    void refresh();

    const ImageRecord &record(std::size_t index) const { return m_records[index]; }
    // The provider index of an image id; -1 when unknown.
    long long indexOf(std::int64_t imageId) const;
    // Provider indices of one split, in id order.
    std::vector<std::size_t> indicesOf(Split split) const;

private:
    const Project &m_project;
    Database &m_db;
    std::vector<ImageRecord> m_records;
    std::vector<std::filesystem::path> m_files;
    std::unordered_map<std::int64_t, std::size_t> m_indexById;
};

} // namespace activelabel
