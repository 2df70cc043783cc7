#pragma once

#include <opencv2/core/mat.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace activelabel {

class Project;

// Decodes project images by id through the one decode path (ImageDecoder). Looks paths up on the
// project's connection, so use it on the thread that opened the project; for worker threads take
// resolvedPaths() once and call ImageDecoder::decodeFile() from any thread.
class ImageLoader
{
public:
    explicit ImageLoader(Project &project) : m_project(project) {}

    // CV_8UC1 or CV_8UC3 (RGB); empty with a reason for an unknown id or an undecodable file.
    cv::Mat load(std::int64_t imageId, std::string *error = nullptr);
    // Absolute paths for the ids, in the same order (empty path for an unknown id).
    std::vector<std::filesystem::path> resolvedPaths(const std::vector<std::int64_t> &imageIds);

private:
    Project &m_project;
};

} // namespace activelabel
