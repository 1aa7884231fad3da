#include "bis/common/file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace bis {
namespace {

namespace fs = std::filesystem;

class ReadTextFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bis-file-test-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(ReadTextFileTest, ReadsAWholeTextFile) {
  std::ofstream(path("a.yaml")) << "suite: a\n";
  auto text = read_text_file(path("a.yaml"));
  ASSERT_TRUE(text) << text.error().to_string();
  EXPECT_EQ(*text, "suite: a\n");
}

TEST_F(ReadTextFileTest, AMissingFileSaysNoSuchFile) {
  auto text = read_text_file(path("nope.yaml"));
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().to_string(), path("nope.yaml") + ": cannot read file: no such file");
}

TEST_F(ReadTextFileTest, ADirectorySaysSo) {
  auto text = read_text_file(dir_.string() + "/");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message, "cannot read file: is a directory");
}

TEST_F(ReadTextFileTest, AFifoIsRefusedWithoutWaitingForAWriter) {
  ASSERT_EQ(mkfifo(path("pipe").c_str(), 0600), 0);
  auto text = read_text_file(path("pipe"));
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message, "cannot read file: is a FIFO, not a regular file");
}

TEST_F(ReadTextFileTest, ABinaryFileIsNotText) {
  std::ofstream(path("bin"), std::ios::binary) << std::string("\x7f" "ELF\0\0\x01", 7);
  auto text = read_text_file(path("bin"));
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message, "cannot read file: a binary file (it contains NUL bytes), not text");
}

TEST_F(ReadTextFileTest, AFileUnderAFileIsNotInADirectory) {
  std::ofstream(path("plain")) << "x";
  EXPECT_EQ(unreadable_reason(path("plain") + "/child.yaml"), "a part of the path is not a directory");
}

TEST_F(ReadTextFileTest, AnUnreadableFileSaysPermissionDenied) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads every file";
  std::ofstream(path("secret.yaml")) << "x";
  fs::permissions(path("secret.yaml"), fs::perms::none);
  auto text = read_text_file(path("secret.yaml"));
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message, "cannot read file: permission denied");
}

}  // namespace
}  // namespace bis
