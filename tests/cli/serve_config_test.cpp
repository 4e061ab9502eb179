#include "cli/serve_config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace oc::cli {
namespace {

std::string WriteToml(const std::string& text) {
    auto path = std::filesystem::temp_directory_path() / ("cortex-config-" + std::to_string(std::rand()) + ".toml");
    std::ofstream(path) << text;
    return path.string();
}

TEST(ServeConfig, FileValuesApply) {
    ServeConfig c;
    std::string path = WriteToml("[server]\nport = 9000\nhost = \"0.0.0.0\"\n[limits]\nrate_limit_per_minute = 50\n");
    ASSERT_TRUE(LoadConfigFile(path, &c));
    EXPECT_EQ(c.port, 9000);
    EXPECT_EQ(c.host, "0.0.0.0");
    EXPECT_EQ(c.rate_limit_per_minute, 50);
    std::filesystem::remove(path);
}

TEST(ServeConfig, ErrorsNameKeyAndFile) {
    ServeConfig c;
    std::string path = WriteToml("[server]\nport = 70000\n");
    auto st = LoadConfigFile(path, &c);
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find(path), std::string::npos);
    EXPECT_NE(st.error().message.find("port"), std::string::npos);
    std::filesystem::remove(path);
    std::string broken = WriteToml("[server\n");
    auto parse = LoadConfigFile(broken, &c);
    ASSERT_FALSE(parse);
    EXPECT_NE(parse.error().message.find(broken + ":1"), std::string::npos);
    std::filesystem::remove(broken);
}

TEST(ServeConfig, EnvironmentOverridesFile) {
    ServeConfig c;
    c.port = 9000;
    setenv("CORTEX_PORT", "9100", 1);
    ASSERT_TRUE(ApplyEnvironment(&c));
    EXPECT_EQ(c.port, 9100);
    setenv("CORTEX_PORT", "x", 1);
    EXPECT_FALSE(ApplyEnvironment(&c));
    unsetenv("CORTEX_PORT");
}

}  // namespace
}  // namespace oc::cli
