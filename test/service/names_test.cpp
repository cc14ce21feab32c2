#include <gtest/gtest.h>

#include "dojo/service/names.hpp"
#include "dojo/service/token.hpp"

namespace dojo::service {
namespace {

TEST(ServiceNames, AcceptsPlainNames) {
  for (const char* name : {"a", "alice", "job-1", "Run_2", "0abc"})
    EXPECT_TRUE(valid_name(name)) << name;
  EXPECT_TRUE(valid_name(std::string(64, 'x')));
}

TEST(ServiceNames, RefusesTraversalSeparatorsAndOddCharacters) {
  for (const char* name : {"", "..", ".", "../b", "a/b", "a\\b", "-a", "_a", "a.b", "a b", "a,b",
                           "a=b", "a;b", "a\nb", "a%2e", "~a", "a$b", "é"})
    EXPECT_FALSE(valid_name(name)) << name;
  EXPECT_FALSE(valid_name(std::string(65, 'x')));
  EXPECT_FALSE(valid_name(std::string("a\0b", 3)));
}

TEST(ServiceNames, CheckpointFilesAreStepFilesOnly) {
  EXPECT_TRUE(valid_checkpoint_file("step-00000012.h5"));
  EXPECT_TRUE(valid_checkpoint_file("step-1.h5"));
  for (const char* name : {"step-.h5", "step-1.h5/..", "../step-1.h5", "step-1a.h5", "latest",
                           "step-1.h5.tmp", "x-1.h5", "step-1.H5"})
    EXPECT_FALSE(valid_checkpoint_file(name)) << name;
}

TEST(ServiceToken, TokensAreLongRandomHex) {
  std::string a = new_token(), b = new_token();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(ServiceToken, Sha256MatchesKnownDigests) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace dojo::service
