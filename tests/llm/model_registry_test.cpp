// ModelRegistry: cortex.toml parsing, validation errors that name file:line, and resolution.
#include "llm/model_registry.h"

#include <gtest/gtest.h>

#include <fstream>

#include "cortex_process.h"

namespace oc::llm {
namespace {

class ModelRegistryTest : public ::testing::Test {
protected:
    std::string WriteConfig(const std::string& text) {
        const std::string path = dir_.path() + "/cortex.toml";
        std::ofstream(path) << text;
        return path;
    }
    oc::testing::TempDir dir_;
};

TEST_F(ModelRegistryTest, NoConfigResolvesEveryNameToOffline) {
    auto registry = ModelRegistry::Load("");
    ASSERT_TRUE(registry) << registry.error().message;
    for (const char* name : {"claude-4-sonnet", "llama3.1-70b", "auto", "", "offline"}) {
        auto resolved = (*registry)->Resolve(name);
        ASSERT_TRUE(resolved) << name;
        EXPECT_EQ(resolved->name, name);
        EXPECT_EQ(resolved->provider->kind(), "offline");
    }
    EXPECT_EQ((*registry)->Names(), std::vector<std::string>{"offline"});
}

TEST_F(ModelRegistryTest, ConfigWithoutModelsTablesIsOffline) {
    auto registry = ModelRegistry::Load(WriteConfig("[server]\nport = 8080\n"));
    ASSERT_TRUE(registry) << registry.error().message;
    auto resolved = (*registry)->Resolve("mistral-large2");
    ASSERT_TRUE(resolved);
    EXPECT_EQ(resolved->provider->kind(), "offline");
}

constexpr const char* kTwoModels = R"(
[models."llama3.1-70b"]
provider = "openai_compatible"
base_url = "http://127.0.0.1:11434/v1"
model = "llama3.1:70b"

[models."claude-4-sonnet"]
provider = "anthropic"
api_key_env = "OC_TEST_UNSET_KEY"
timeout_seconds = 30
max_retries = 1
)";

TEST_F(ModelRegistryTest, ResolvesConfiguredModels) {
    auto registry = ModelRegistry::Load(WriteConfig(kTwoModels));
    ASSERT_TRUE(registry) << registry.error().message;
    auto llama = (*registry)->Resolve("llama3.1-70b");
    ASSERT_TRUE(llama);
    EXPECT_EQ(llama->provider->kind(), "openai_compatible");
    EXPECT_EQ(llama->upstream_model, "llama3.1:70b");
    auto claude = (*registry)->Resolve("CLAUDE-4-SONNET");  // names are case-insensitive
    ASSERT_TRUE(claude);
    EXPECT_EQ(claude->provider->kind(), "anthropic");
    EXPECT_EQ(claude->upstream_model, "claude-4-sonnet");  // default: the table name
    EXPECT_EQ((*registry)->Names(),
              (std::vector<std::string>{"llama3.1-70b", "claude-4-sonnet", "offline"}));
}

TEST_F(ModelRegistryTest, ProvidersAreCreatedOnce) {
    auto registry = ModelRegistry::Load(WriteConfig(kTwoModels));
    ASSERT_TRUE(registry);
    EXPECT_EQ((*registry)->Resolve("llama3.1-70b")->provider.get(),
              (*registry)->Resolve("llama3.1-70b")->provider.get());
}

TEST_F(ModelRegistryTest, AutoIsTheFirstModelInTheFile) {
    auto registry = ModelRegistry::Load(WriteConfig(kTwoModels));
    ASSERT_TRUE(registry);
    for (const char* name : {"auto", ""}) {
        auto resolved = (*registry)->Resolve(name);
        ASSERT_TRUE(resolved);
        EXPECT_EQ(resolved->upstream_model, "llama3.1:70b");
    }
}

TEST_F(ModelRegistryTest, AutoTableWins) {
    auto registry = ModelRegistry::Load(
        WriteConfig(std::string(kTwoModels) + "[models.auto]\nprovider = \"offline\"\n"));
    ASSERT_TRUE(registry);
    EXPECT_EQ((*registry)->Resolve("auto")->provider->kind(), "offline");
}

TEST_F(ModelRegistryTest, OfflineAlwaysResolves) {
    auto registry = ModelRegistry::Load(WriteConfig(kTwoModels));
    ASSERT_TRUE(registry);
    auto resolved = (*registry)->Resolve("offline");
    ASSERT_TRUE(resolved);
    EXPECT_EQ(resolved->provider->kind(), "offline");
}

TEST_F(ModelRegistryTest, UnknownModelNamesTheModel) {
    auto registry = ModelRegistry::Load(WriteConfig(kTwoModels));
    ASSERT_TRUE(registry);
    auto resolved = (*registry)->Resolve("gpt-9");
    ASSERT_FALSE(resolved);
    EXPECT_EQ(resolved.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(resolved.error().message,
              "Model 'gpt-9' is not available; configure [models.\"gpt-9\"] in cortex.toml");
}

struct BadConfig {
    std::string text;
    std::string expected;  // after "<file>:"
};

TEST_F(ModelRegistryTest, ConfigErrorsNameFileAndLine) {
    const std::vector<BadConfig> cases = {
        {"[models.a]\nprovider = \"openai_compatible\"\nbase_url = \n", "3: "},
        {"[models.a]\nprovider = \"gemini\"\n", "2: models.\"a\".provider must be one of"},
        {"[models.a]\nprovider = \"openai_compatible\"\ntimeout = 5\n",
         "3: unknown key models.\"a\".timeout"},
        {"[models.a]\nmax_retries = \"3\"\n",
         "2: models.\"a\".max_retries must be an integer in 0..10"},
        {"[models.a]\ntimeout_seconds = 0\n", "2: models.\"a\".timeout_seconds must be an integer"},
        {"[models]\na = 5\n", "2: models.\"a\" must be a table"},
        {"models = 5\n", "1: models must be a table"},
        {"[models.sf]\nprovider = \"snowflake\"\n", "1: models.\"sf\".base_url is required"},
    };
    for (const BadConfig& c : cases) {
        SCOPED_TRACE(c.text);
        const std::string path = WriteConfig(c.text);
        auto registry = ModelRegistry::Load(path);
        ASSERT_FALSE(registry);
        EXPECT_EQ(registry.error().code, ErrorCode::kInvalidArgument);
        EXPECT_EQ(registry.error().message.rfind(path + ":" + c.expected, 0), 0u)
            << registry.error().message;
    }
}

TEST_F(ModelRegistryTest, MissingFileNamesTheFile) {
    const std::string path = dir_.path() + "/absent.toml";
    auto registry = ModelRegistry::Load(path);
    ASSERT_FALSE(registry);
    EXPECT_EQ(registry.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(registry.error().message.rfind(path + ":", 0), 0u) << registry.error().message;
}

TEST_F(ModelRegistryTest, FromEntriesValidatesProviderKind) {
    ModelEntry entry;
    entry.name = "x";
    entry.provider = "bogus";
    auto registry = ModelRegistry::FromEntries({entry});
    ASSERT_FALSE(registry);
    EXPECT_NE(registry.error().message.find("got 'bogus'"), std::string::npos);
}

}  // namespace
}  // namespace oc::llm
