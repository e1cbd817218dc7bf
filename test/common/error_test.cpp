#include "common/error.h"

#include <gtest/gtest.h>

namespace maestro {
namespace {

TEST(ErrorCodeTest, NamesAndHttpStatusForEveryCode) {
  struct Row {
    Code code;
    std::string_view name;
    int status;
  };
  const Row rows[] = {
      {Code::kBadInput, "BAD_USER_INPUT", 400},
      {Code::kNotFound, "NOT_FOUND", 404},
      {Code::kUnauthenticated, "UNAUTHENTICATED", 401},
      {Code::kForbidden, "FORBIDDEN", 403},
      {Code::kConflict, "CONFLICT", 409},
      {Code::kBudgetExceeded, "BUDGET_EXCEEDED", 429},
      {Code::kUnavailable, "UNAVAILABLE", 503},
      {Code::kNotImplemented, "NOT_IMPLEMENTED", 501},
      {Code::kInternal, "INTERNAL_SERVER_ERROR", 500},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(codeName(row.code), row.name);
    EXPECT_EQ(httpStatus(row.code), row.status) << row.name;
  }
}

TEST(ErrorTest, FactoriesSetCodeMessageAndField) {
  Error e = Error::badInput("privacy.k: expected an integer", "privacy.k");
  EXPECT_EQ(e.code(), Code::kBadInput);
  EXPECT_EQ(e.message(), "privacy.k: expected an integer");
  EXPECT_EQ(e.field(), "privacy.k");
  EXPECT_STREQ(e.what(), "privacy.k: expected an integer");

  EXPECT_EQ(Error::badInput("m").field(), "");
  EXPECT_EQ(Error::notFound("m").code(), Code::kNotFound);
  EXPECT_EQ(Error::unauthenticated("m").code(), Code::kUnauthenticated);
  EXPECT_EQ(Error::forbidden("m").code(), Code::kForbidden);
  EXPECT_EQ(Error::conflict("m").code(), Code::kConflict);
  EXPECT_EQ(Error::budgetExceeded("m").code(), Code::kBudgetExceeded);
  EXPECT_EQ(Error::unavailable("m").code(), Code::kUnavailable);
  EXPECT_EQ(Error::notImplemented("m").code(), Code::kNotImplemented);
  Error internal = Error::internal("boom");
  EXPECT_EQ(internal.code(), Code::kInternal);
  EXPECT_STREQ(internal.what(), "boom");
}

TEST(ErrorTest, CatchableAsStdException) {
  try {
    throw Error::conflict("already exists");
  } catch (const std::exception& e) {
    EXPECT_STREQ(e.what(), "already exists");
    return;
  }
  FAIL() << "not caught as std::exception";
}

}  // namespace
}  // namespace maestro
