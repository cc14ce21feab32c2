// The TOML reader: values and their kinds and locations, file order, and each kind of bad file
// (syntax, a key twice, a directory, a missing file, a byte-order mark, control bytes).
#include "dojo/config/toml.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "dojo/common/error.hpp"

namespace dojo::config {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const dojo::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::user) << e.message();
    return e.message();
  }
  ADD_FAILURE() << "expected a user error";
  return {};
}

TEST(ConfigToml, ValuesKindsAndLocationsInFileOrder) {
  Value table = read_toml_text(
      "zeta = \"text\"\nalpha = 42\nlr = 1e-3\non = true\nlist = [\n  1,\n  2,\n]\n"
      "[train]\nsteps = 5\n",
      "t.toml");
  ASSERT_EQ(table.entries.size(), 6u);
  const char* keys[] = {"zeta", "alpha", "lr", "on", "list", "train"};
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(table.entries[i].key, keys[i]) << i;
  EXPECT_EQ(table.entries[0].value.kind, Value::Kind::string);
  EXPECT_EQ(table.entries[0].value.text, "text");
  EXPECT_EQ(table.entries[1].value.text, "42");
  EXPECT_EQ(table.entries[2].value.kind, Value::Kind::floating);
  EXPECT_EQ(table.entries[2].value.text, "0.001");
  EXPECT_EQ(table.entries[3].value.text, "true");
  ASSERT_EQ(table.entries[4].value.items.size(), 2u);
  EXPECT_EQ(table.entries[4].value.items[1].text, "2");
  EXPECT_EQ(table.entries[4].value.items[1].where.str(), "t.toml:7:3");
  EXPECT_EQ(table.entries[1].where.str(), "t.toml:2:1");
  EXPECT_EQ(table.entries[2].value.where.str(), "t.toml:3:6");
  ASSERT_EQ(table.entries[5].value.kind, Value::Kind::table);
  EXPECT_EQ(table.entries[5].value.entries.at(0).key, "steps");
}

TEST(ConfigToml, NanAndInfinityAreReadAsTextForTheDomainsToRefuse) {
  Value table = read_toml_text("a = nan\nb = -inf\n", "n.toml");
  EXPECT_EQ(table.entries[0].value.text, "nan");
  EXPECT_EQ(table.entries[1].value.text, "-inf");
}

TEST(ConfigToml, ErrorsNameFileLineAndColumn) {
  std::string message = error_of([] { read_toml_text("a = 1\nb = [32\nc = 2\n", "m.toml"); });
  EXPECT_NE(message.find("m.toml:3:"), std::string::npos) << message;
  EXPECT_NE(message.find("malformed TOML"), std::string::npos) << message;
  message = error_of([] { read_toml_text("lr = 0.1\n# again\nlr = 0.2\n", "d.toml"); });
  EXPECT_NE(message.find("d.toml:3:"), std::string::npos) << message;
  EXPECT_NE(message.find("'lr'"), std::string::npos) << message;
  message = error_of([] { read_toml_text("n = 99999999999999999999\n", "big.toml"); });
  EXPECT_NE(message.find("big.toml:1:"), std::string::npos) << message;
}

TEST(ConfigToml, ByteOrderMarkIsSkipped) {
  Value table = read_toml_text(
      "\xef\xbb\xbf"
      "model = \"mlp\"\n",
      "bom.toml");
  ASSERT_EQ(table.entries.size(), 1u);
  EXPECT_EQ(table.entries[0].key, "model");  // no invisible character in front
  EXPECT_EQ(table.entries[0].where.str(), "bom.toml:1:1");
}

TEST(ConfigToml, ControlBytesAreEscapedInTheMessage) {
  std::string message = error_of([] { read_toml_text("a = 1\n\x01\x1b[2J\n", "c.toml"); });
  for (char c : message) EXPECT_FALSE(c > 0 && c < 0x20) << "raw control byte in: " << message;
  EXPECT_NE(message.find("c.toml:2:1"), std::string::npos) << message;
}

TEST(ConfigToml, FilesThatAreNotTomlFiles) {
  const std::string dir = ::testing::TempDir() + "config_toml_dir";
  std::filesystem::create_directories(dir);
  std::string message = error_of([&] { read_toml_file(dir); });
  EXPECT_NE(message.find("is a directory"), std::string::npos) << message;
  message = error_of([&] { read_toml_file(dir + "/none.toml", "machine file"); });
  EXPECT_NE(message.find("cannot read machine file"), std::string::npos) << message;
  const std::string empty = dir + "/empty.toml";
  std::ofstream(empty).close();
  EXPECT_TRUE(read_toml_file(empty).entries.empty());
}

TEST(ConfigToml, PrintableShortensAndEscapes) {
  const std::string long_word(5000, 'x');
  std::string out = printable("value " + long_word + " end");
  EXPECT_LT(out.size(), 200u) << out;
  EXPECT_NE(out.find("... (5000 characters) end"), std::string::npos) << out;
  EXPECT_EQ(printable("a\nb\x1b"), "a\\nb\\x1b");
  const std::string path(150, 'p');  // below the cut: kept whole
  EXPECT_EQ(printable(path), path);
}

}  // namespace
}  // namespace dojo::config
