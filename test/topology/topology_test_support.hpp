// Helpers shared by the topology tests: catching a user error and reading its message.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "dojo/common/error.hpp"

namespace dojo::topology::testing {

// Runs f, which must raise a user error, and returns the error's message ("" after a failure).
template <typename F>
std::string user_error_message(F&& f) {
  try {
    f();
  } catch (const dojo::Error& e) {
    EXPECT_EQ(e.kind(), dojo::ErrorKind::user) << e.message();
    return e.message();
  }
  ADD_FAILURE() << "expected a user error, got none";
  return {};
}

}  // namespace dojo::topology::testing
