// A private temporary directory for the tests' socket files, removed with its contents at
// the end. Standard library only, so every suite (unit, platform) on every port can use it.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <system_error>

namespace portsock_test {

/// A fresh directory under the system's temporary directory; its paths are short enough for
/// every OS's `sun_path` limit.
class temp_dir {
public:
    temp_dir() {
        static std::atomic<unsigned> counter{0};
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        path_ = std::filesystem::temp_directory_path() /
                ("ps" + std::to_string(stamp % 1000000007) + "_" + std::to_string(counter++));
        std::filesystem::create_directories(path_);
    }
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    /// A path in the directory, as a string for a local address.
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

}  // namespace portsock_test
