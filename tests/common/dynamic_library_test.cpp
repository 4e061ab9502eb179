#include "common/dynamic_library.h"

#include <cstring>
#include <string>

#include <gtest/gtest.h>

namespace {

oc::DynamicLibrary& Libc() {
    static oc::DynamicLibrary library("libc.so.6");
    return library;
}

oc::DynamicLibrary& Missing() {
    static oc::DynamicLibrary library("liboc-no-such-library.so");
    return library;
}

TEST(DynamicLibraryTest, ResolvesAFunctionOnFirstCall) {
    auto lazy_strlen = OC_LAZY_FN(Libc, strlen);
    EXPECT_EQ(lazy_strlen("opencortex"), 10u);
    // Resolved once: the same pointer on every call.
    EXPECT_EQ(lazy_strlen, OC_LAZY_FN(Libc, strlen));
    std::string error;
    EXPECT_TRUE(Libc().Load(&error));
    EXPECT_TRUE(error.empty());
}

TEST(DynamicLibraryTest, MissingLibraryIsAnErrorNamingIt) {
    std::string error;
    EXPECT_FALSE(Missing().Load(&error));
    EXPECT_NE(error.find("cannot load liboc-no-such-library.so"), std::string::npos) << error;
    // A second attempt reports the same reason without retrying.
    std::string again;
    EXPECT_FALSE(Missing().Load(&again));
    EXPECT_EQ(again, error);
}

TEST(DynamicLibraryDeathTest, CallIntoMissingLibraryExitsWithOneLine) {
    EXPECT_EXIT(Missing().Symbol("anything"), testing::ExitedWithCode(127),
                "cortex: cannot load liboc-no-such-library.so");
}

TEST(DynamicLibraryDeathTest, MissingSymbolExitsWithOneLine) {
    EXPECT_EXIT(Libc().Symbol("oc_no_such_function"), testing::ExitedWithCode(127),
                "cortex: libc.so.6 has no symbol oc_no_such_function");
}

}  // namespace
