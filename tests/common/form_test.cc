#include "bis/common/form.h"

#include <gtest/gtest.h>

namespace bis::form {
namespace {

TEST(FormTest, UrlencodedDecodesPlusAndPercent) {
  auto f = parse_urlencoded("a=AbC123&email=alice%2Btag%40example.com&note=hi+there");
  ASSERT_TRUE(f) << f.error();
  ASSERT_EQ(f->size(), 3u);
  EXPECT_EQ((*f)[1].name, "email");
  EXPECT_EQ((*f)[1].value, "alice+tag@example.com");
  EXPECT_EQ((*f)[2].value, "hi there");
}

TEST(FormTest, UrlencodedKeepsRepeatedFieldsInOrder) {
  auto f = parse_urlencoded("email=a%40x.io&email=b%40x.io");
  ASSERT_TRUE(f);
  ASSERT_EQ(f->size(), 2u);
  EXPECT_EQ((*f)[0].value, "a@x.io");
  EXPECT_EQ((*f)[1].value, "b@x.io");
}

TEST(FormTest, UrlencodedMalformedPercentIsAnErrorWithOffset) {
  auto f = parse_urlencoded("a=1&email=%G1");
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().find("byte 10"), std::string::npos) << f.error();
  EXPECT_FALSE(parse_urlencoded("a=%4"));
  EXPECT_FALSE(parse_urlencoded("a=%"));
}

TEST(FormTest, UrlencodedSkipsEmptySegmentsAndAllowsNameWithoutValue) {
  auto f = parse_urlencoded("&a=1&&flag&");
  ASSERT_TRUE(f);
  ASSERT_EQ(f->size(), 2u);
  EXPECT_EQ((*f)[1].name, "flag");
  EXPECT_EQ((*f)[1].value, "");
}

TEST(FormTest, EncodeThenParseRoundTripsArbitraryBytes) {
  // The length counts the embedded NUL but not the literal's terminator (ASan caught 13).
  static constexpr char kBytes[] = "a b+c@x\xff\x00&=";
  Fields in = {{"email", std::string(kBytes, sizeof kBytes - 1), {}, {}}, {"v", "123", {}, {}}};
  auto out = parse_urlencoded(encode_urlencoded(in));
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[0].value, in[0].value);
}

TEST(FormTest, MultipartBoundaryIsReadFromContentType) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc").value(), "abc");
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\"").value(), "a b");
  EXPECT_FALSE(multipart_boundary("application/x-www-form-urlencoded"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data"));
}

TEST(FormTest, MultipartRoundTrip) {
  Fields in = {{"a", "AbC123", {}, {}}, {"email", "x@y.io", {}, {}}, {"file", "bytes\r\nmore", "f.txt", "text/plain"}};
  auto out = parse_multipart(encode_multipart(in, "BOUNDARY42"), "BOUNDARY42");
  ASSERT_TRUE(out) << out.error();
  ASSERT_EQ(out->size(), 3u);
  EXPECT_EQ((*out)[1].value, "x@y.io");
  EXPECT_EQ((*out)[2].value, "bytes\r\nmore");
  EXPECT_EQ((*out)[2].filename.value(), "f.txt");
}

// Found by fuzz/multipart_fuzz: a name or filename holding '"' was written unescaped, so
// the body read back as another field (and the runner sent targets a malformed part).
TEST(FormTest, MultipartRoundTripsNamesWithQuotesAndBackslashes) {
  const Fields in{{"p\"f", "1", "a\\\"b.txt", std::nullopt},
                  {"x\\", "2", std::nullopt, std::nullopt},
                  {"y;z", "3", "q\\", std::nullopt}};
  auto out = parse_multipart(encode_multipart(in, "B42"), "B42");
  ASSERT_TRUE(out) << out.error();
  ASSERT_EQ(out->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*out)[i].name, in[i].name);
    EXPECT_EQ((*out)[i].value, in[i].value);
    EXPECT_EQ((*out)[i].filename, in[i].filename);
  }
}

TEST(FormTest, MultipartWithoutClosingBoundaryIsAnError) {
  std::string body = "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue";
  EXPECT_FALSE(parse_multipart(body, "B"));
}

TEST(FormTest, MultipartPartWithoutNameIsAnError) {
  std::string body = "--B\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--B--\r\n";
  auto out = parse_multipart(body, "B");
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().find("name"), std::string::npos);
}

TEST(FormTest, MultipartBoundaryInsideFirstLineIsNotADelimiter) {
  // A body that starts one byte into a would-be delimiter must not crash or match it.
  EXPECT_FALSE(parse_multipart("x--B", "B"));
}

}  // namespace
}  // namespace bis::form
