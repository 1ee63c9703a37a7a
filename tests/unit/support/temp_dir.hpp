// Shared unit-test helper: a fresh, uniquely named directory under the system temp dir,
// removed (with everything in it) when the object goes out of scope.
#pragma once

#include <filesystem>
#include <random>
#include <string>
#include <system_error>

namespace st::testing_support {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "st-unit-") {
    std::random_device rd;
    do {
      path_ = std::filesystem::temp_directory_path() / (prefix + std::to_string(rd()));
    } while (!std::filesystem::create_directory(path_));
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The path of `name` inside the directory (the file itself is not created).
  std::string file(const char* name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace st::testing_support
