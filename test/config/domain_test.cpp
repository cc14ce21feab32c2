// The domains of numbers: NaN, infinity, overflow, signs and bounds refused with a message that
// names the value and a range written for people.
#include "dojo/config/domain.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace dojo::config {
namespace {

TEST(ConfigDomain, IntegersRefuseOverflowSignAndText) {
  const Domain<std::uint64_t> seed{0, UINT64_MAX};
  EXPECT_EQ(domain_error("0", seed), "");
  EXPECT_EQ(domain_error("18446744073709551615", seed), "");
  EXPECT_EQ(domain_error("-1", seed), "-1 is out of range: give a whole number from 0 to 2^64-1");
  EXPECT_NE(domain_error("18446744073709551616", seed), "");
  EXPECT_NE(domain_error("1e3", seed).find("is not a whole number"), std::string::npos);
  EXPECT_NE(domain_error("nan", seed), "");
  EXPECT_NE(domain_error("", seed), "");
  const Domain<long> steps{0, 1'000'000'000};
  EXPECT_EQ(domain_error("1000000000", steps), "");
  EXPECT_EQ(domain_error("1000000001", steps),
            "1000000001 is out of range: give a whole number from 0 to 1000000000");
  EXPECT_NE(domain_error("99999999999999999999999999", steps), "");
  const Domain<int> threads{0, 4096};
  EXPECT_NE(domain_error("4294967297", threads), "") << "must not wrap to 1";
  EXPECT_EQ(domain_error("+7", threads), "");
}

TEST(ConfigDomain, RealsRefuseNanInfinityAndWhatDoesNotFit) {
  const Domain<float> lr{0, 100, true, false};
  EXPECT_EQ(domain_error("0.001", lr), "");
  EXPECT_EQ(domain_error("100", lr), "");
  EXPECT_EQ(domain_error("nan", lr),
            "nan is not a finite number: give a number above 0 and at "
            "most 100");
  EXPECT_NE(domain_error("inf", lr).find("not a finite number"), std::string::npos);
  EXPECT_NE(domain_error("-inf", lr).find("not a finite number"), std::string::npos);
  EXPECT_NE(domain_error("1e39", lr).find("too large"), std::string::npos);
  EXPECT_NE(domain_error("1e400", lr).find("too large"), std::string::npos);
  EXPECT_NE(domain_error("1e-50", lr).find("too small"), std::string::npos);
  EXPECT_NE(domain_error("0", lr).find("out of range"), std::string::npos);
  EXPECT_NE(domain_error("0.1x", lr).find("is not a number"), std::string::npos);
  const Domain<float> beta{0, 1, false, true};
  EXPECT_EQ(domain_error("0", beta), "");
  EXPECT_EQ(domain_error("1", beta), "1 is out of range: give a number at least 0 and below 1");
}

TEST(ConfigDomain, RangeTextReadsWell) {
  // A negative value's range once ended in a 309-digit number; every range here is short.
  EXPECT_EQ(describe(Domain<double>{0, 1e18, true, false}), "a number above 0 and at most 1e+18");
  EXPECT_EQ(describe(Domain<long>{-5, INT64_MAX}), "a whole number from -5 to 2^63-1");
  EXPECT_EQ(range_text(Domain<float>{0, 100, true, false}), "(0, 100]");
  EXPECT_EQ(range_text(Domain<int>{1, 64}), "1..64");
  for (const std::string& text :
       {describe(Domain<double>{0, 1.7e308}), describe(Domain<float>{-3.4e38f, 3.4e38f})})
    EXPECT_LT(text.size(), 60u) << text;
}

TEST(ConfigDomain, LongValuesAreShortenedInTheMessage) {
  const std::string value(5000, '9');
  std::string message = domain_error(value, Domain<long>{0, 10});
  EXPECT_LT(message.size(), 120u) << message;
  EXPECT_NE(message.find("(5000 characters)"), std::string::npos) << message;
}

}  // namespace
}  // namespace dojo::config
