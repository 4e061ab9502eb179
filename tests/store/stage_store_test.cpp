#include "store/stage_store.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace oc::store {
namespace {

class StageStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("stage_store_test_" + std::to_string(::getpid()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        stages_ = std::make_unique<StageStore>(dir_.string());
        StageInfo info{"DEMO", "PUBLIC", "MODELS", "PERMANENT", "c", "ADMIN", 0};
        ASSERT_TRUE(stages_->Create(info, CreateMode::kErrorIfExists));
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::filesystem::path dir_;
    std::unique_ptr<StageStore> stages_;
};

TEST(StageFileRef, ParsesQualifiedReferences) {
    auto ref = ParseStageFileRef("@demo.public.models/dir/model.yaml");
    ASSERT_TRUE(ref) << ref.error().message;
    EXPECT_EQ(ref->database, "DEMO");
    EXPECT_EQ(ref->schema, "PUBLIC");
    EXPECT_EQ(ref->stage, "MODELS");
    EXPECT_EQ(ref->path, "dir/model.yaml");
    auto quoted = ParseStageFileRef("@\"my/db\".PUBLIC.\"Stage\"/m.yaml");
    ASSERT_TRUE(quoted) << quoted.error().message;
    EXPECT_EQ(quoted->database, "my/db");
    EXPECT_EQ(quoted->stage, "Stage");
    for (const char* bad : {"DEMO.PUBLIC.MODELS/x.yaml", "@MODELS/x.yaml", "@DEMO.PUBLIC.MODELS",
                            "@D.S.M/../x", "@D.S.M/"}) {
        auto r = ParseStageFileRef(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
    }
}

TEST(StageFileRef, NormalizesPaths) {
    EXPECT_EQ(*NormalizeStagePath("/a//b/c.yaml"), "a/b/c.yaml");
    EXPECT_FALSE(NormalizeStagePath("a/./b"));
    EXPECT_FALSE(NormalizeStagePath("a\\b"));
    EXPECT_FALSE(NormalizeStagePath(std::string("a\0b", 3)));
    EXPECT_FALSE(NormalizeStagePath(std::string(1025, 'a')));
}

TEST_F(StageStoreTest, CreateModes) {
    StageInfo info{"DEMO", "PUBLIC", "MODELS", "PERMANENT", "other", "ADMIN", 0};
    auto again = stages_->Create(info, CreateMode::kErrorIfExists);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
    EXPECT_EQ(*stages_->Create(info, CreateMode::kIfNotExists), CreateOutcome::kExisted);
    ASSERT_TRUE(stages_->PutFile("DEMO", "PUBLIC", "MODELS", "a.yaml", "x"));
    EXPECT_EQ(*stages_->Create(info, CreateMode::kOrReplace), CreateOutcome::kReplaced);
    EXPECT_TRUE(stages_->ListFiles("DEMO", "PUBLIC", "MODELS")->empty());  // replace empties it
    EXPECT_EQ(stages_->Get("DEMO", "PUBLIC", "MODELS")->comment, "other");
    EXPECT_EQ(stages_->List("DEMO", "PUBLIC").size(), 1u);
    EXPECT_TRUE(stages_->List("DEMO", "OTHER").empty());
}

TEST_F(StageStoreTest, FilesRoundTripWithSizeAndMd5) {
    auto put = stages_->PutFile("DEMO", "PUBLIC", "MODELS", "dir/m.yaml", "hello");
    ASSERT_TRUE(put) << put.error().message;
    EXPECT_EQ(put->md5, "5d41402abc4b2a76b9719d911017c592");
    EXPECT_EQ(*stages_->ReadFile("DEMO", "PUBLIC", "MODELS", "dir/m.yaml"), "hello");
    ASSERT_TRUE(stages_->PutFile("DEMO", "PUBLIC", "MODELS", "dir/m.yaml", "bye"));  // overwrite
    auto files = stages_->ListFiles("DEMO", "PUBLIC", "MODELS");
    ASSERT_EQ(files->size(), 1u);
    EXPECT_EQ((*files)[0].path, "dir/m.yaml");
    EXPECT_EQ((*files)[0].size, 3);
    EXPECT_GT((*files)[0].last_modified_ms, 0);
    EXPECT_FALSE(
        stages_->PutFile("DEMO", "PUBLIC", "MODELS", "dir/m.yaml/x", "y"));  // through a file
    EXPECT_FALSE(stages_->PutFile("DEMO", "PUBLIC", "MODELS", "dir", "y"));  // onto a directory
    ASSERT_TRUE(stages_->RemoveFile("DEMO", "PUBLIC", "MODELS", "dir/m.yaml"));
    auto gone = stages_->ReadFile("DEMO", "PUBLIC", "MODELS", "dir/m.yaml");
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(stages_->PutFile("DEMO", "PUBLIC", "NOPE", "a", "b").error().code,
              ErrorCode::kNotFound);
}

TEST_F(StageStoreTest, TraversalNeverLeavesTheStage) {
    std::filesystem::create_directories(dir_ / "databases");
    for (const char* path : {"../x", "../../../cortex.duckdb", "a/../../b", "..", "."}) {
        EXPECT_FALSE(stages_->PutFile("DEMO", "PUBLIC", "MODELS", path, "x")) << path;
        EXPECT_FALSE(stages_->ReadFile("DEMO", "PUBLIC", "MODELS", path)) << path;
    }
    EXPECT_FALSE(std::filesystem::exists(dir_ / "stages" / "DEMO" / "PUBLIC" / "x"));
    // Odd names are encoded on disk: no name reaches outside its parent directory.
    StageInfo odd{"DEMO", "..", "../..", "PERMANENT", "", "ADMIN", 0};
    ASSERT_TRUE(stages_->Create(odd, CreateMode::kErrorIfExists));
    ASSERT_TRUE(stages_->PutFile("DEMO", "..", "../..", "f", "x"));
    EXPECT_TRUE(
        std::filesystem::exists(dir_ / "stages" / "DEMO" / "%2E%2E" / "%2E%2E%2F%2E%2E" / "f"));
}

TEST_F(StageStoreTest, DropAndForgetDropped) {
    ASSERT_TRUE(stages_->PutFile("DEMO", "PUBLIC", "MODELS", "a", "b"));
    ASSERT_TRUE(stages_->Drop("DEMO", "PUBLIC", "MODELS", false));
    EXPECT_FALSE(stages_->Get("DEMO", "PUBLIC", "MODELS"));
    EXPECT_EQ(stages_->Drop("DEMO", "PUBLIC", "MODELS", false).error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(stages_->Drop("DEMO", "PUBLIC", "MODELS", true));
    StageInfo info{"DEMO", "PUBLIC", "S2", "PERMANENT", "", "ADMIN", 0};
    ASSERT_TRUE(stages_->Create(info, CreateMode::kErrorIfExists));
    stages_->ForgetDropped("DEMO", nullptr);
    EXPECT_TRUE(stages_->List("DEMO", "PUBLIC").empty());
}

}  // namespace
}  // namespace oc::store
