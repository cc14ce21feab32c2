// The one JSON writer: what it writes must parse (nlohmann::json as the independent reader) and
// read back to the same values; names that need escaping and non-finite numbers are the hard cases.
#include "dojo/common/json.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>

#include "dojo/common/error.hpp"

namespace dojo::json {
namespace {

const std::string kAwkward =
    std::string("split \"a\\b\"\n\ttab\r\b\f") + '\x01' + '\x1f' + " \xc3\xa9";

TEST(Json, EscapedNamesAndNonFiniteNumbersParseBack) {
  for (int indent : {0, 2}) {
    std::ostringstream out;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    Writer(out, indent)
        .object()
        .field(kAwkward, kAwkward)
        .field("nan", nan)
        .field("inf", inf)
        .field("minus_inf", -inf)
        .field("tenth", 0.1)
        .field("tiny", 1e-300)
        .field("loss", 2.4504999999999999)
        .field("big", std::numeric_limits<std::int64_t>::max())
        .field("negative", -7)
        .field("yes", true)
        .key("list")
        .array()
        .value(1)
        .value("two")
        .null()
        .object()
        .end()
        .array()
        .end()
        .end()
        .end();
    SCOPED_TRACE(out.str());
    const nlohmann::json parsed = nlohmann::json::parse(out.str());  // throws when malformed
    EXPECT_EQ(parsed.at(kAwkward), kAwkward);
    EXPECT_TRUE(parsed.at("nan").is_null());
    EXPECT_TRUE(parsed.at("inf").is_null());
    EXPECT_TRUE(parsed.at("minus_inf").is_null());
    EXPECT_EQ(parsed.at("tenth").get<double>(), 0.1);  // the shortest form reads back exactly
    EXPECT_EQ(parsed.at("tiny").get<double>(), 1e-300);
    EXPECT_EQ(parsed.at("loss").get<double>(), 2.4504999999999999);
    EXPECT_EQ(parsed.at("big").get<std::int64_t>(), std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(parsed.at("negative").get<int>(), -7);
    EXPECT_EQ(parsed.at("yes").get<bool>(), true);
    EXPECT_EQ(parsed.at("list").dump(), R"([1,"two",null,{},[]])");
    EXPECT_EQ(parsed.size(), 11u);
  }
}

TEST(Json, OneLineStyle) {
  std::ostringstream out;
  Writer(out).object().field("step", 3).field("loss", 0.5).key("e").array().end().end();
  EXPECT_EQ(out.str(), R"({"step": 3, "loss": 0.5, "e": []})");
}

TEST(Json, ControlCharactersAreEscaped) {
  std::ostringstream out;
  write_string(out, std::string("a\x01z\n", 4));
  EXPECT_EQ(out.str(), R"("a\u0001z\n")");
}

TEST(Json, ClosingWhatIsNotOpenIsAnError) {
  std::ostringstream out;
  Writer writer(out);
  EXPECT_THROW(writer.end(), dojo::Error);
}

}  // namespace
}  // namespace dojo::json
