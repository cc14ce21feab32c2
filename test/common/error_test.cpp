// The error type: kind, location, rank and activity recorded; describe() puts them on one line.
#include <gtest/gtest.h>
#include <string>

#include "dojo/common/error.hpp"
#include "dojo/common/log.hpp"

namespace {

TEST(Error, UserErrorCarriesMessageKindAndLocation) {
  try {
    dojo::user_error("bad thing");
    FAIL() << "user_error returned";
  } catch (const dojo::Error& e) {
    EXPECT_EQ(e.kind(), dojo::ErrorKind::user);
    EXPECT_EQ(e.message(), "bad thing");
    // Relative to the project (ccache may hand the compiler "../test/..."), never the build host's.
    const std::string file = e.file();
    EXPECT_TRUE(file.ends_with("test/common/error_test.cpp")) << file;
    EXPECT_NE(file.front(), '/') << file;
    EXPECT_EQ(e.line(), __LINE__ - 9);
  }
}

TEST(Error, ActivityAndRankAppearInDescription) {
  dojo::set_error_rank(3);
  try {
    dojo::ScopedActivity outer("training");
    dojo::ScopedActivity inner("step 12");
    dojo::internal_error("buffer overrun");
  } catch (const dojo::Error& e) {
    EXPECT_EQ(e.kind(), dojo::ErrorKind::internal);
    EXPECT_EQ(e.rank(), 3);
    EXPECT_EQ(e.activity(), "training > step 12");
    std::string line = dojo::describe(e);
    EXPECT_EQ(line.rfind("rank 3, while training > step 12: buffer overrun [", 0), 0u) << line;
  }
  dojo::set_error_rank(-1);
  EXPECT_EQ(dojo::current_activity(), "");
}

TEST(Error, CheckRaisesOnlyWhenFalse) {
  EXPECT_NO_THROW(dojo::check(true, "fine"));
  EXPECT_THROW(dojo::check(false, "not fine"), dojo::Error);
}

TEST(Log, ParsesLevelsAndRejectsUnknown) {
  EXPECT_EQ(dojo::log::parse_level("debug"), dojo::log::Level::debug);
  EXPECT_EQ(dojo::log::parse_level("error"), dojo::log::Level::error);
  EXPECT_THROW(dojo::log::parse_level("loud"), dojo::Error);
}

TEST(Log, OnlyRankZeroLogsByDefault) {
  dojo::log::configure({dojo::log::Level::info, false});
  dojo::log::set_rank(1, 4);
  EXPECT_FALSE(dojo::log::enabled(dojo::log::Level::info));
  EXPECT_TRUE(dojo::log::enabled(dojo::log::Level::error));
  dojo::log::configure({dojo::log::Level::info, true});
  EXPECT_TRUE(dojo::log::enabled(dojo::log::Level::info));
  EXPECT_FALSE(dojo::log::enabled(dojo::log::Level::debug));
  dojo::log::set_rank(0, 4);
  dojo::log::configure({dojo::log::Level::info, false});
  EXPECT_TRUE(dojo::log::enabled(dojo::log::Level::info));
}

}  // namespace
