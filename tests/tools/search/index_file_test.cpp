// The index file: round trip, and every way a file is refused (missing, corrupt, other version).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "tools/search/index_file.h"

namespace oc::tools::search {
namespace {

class IndexFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() / ("oc_index_file_" + std::to_string(rd()));
        path_ = (dir_ / "a" / "b" / "svc.idx").string();
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    static InvertedIndex Sample() {
        InvertedIndex index("BODY");
        const char* bodies[] = {"Refund policy for returned items", "Shipping takes two days",
                                "Returns of damaged items", "Straße café 東京"};
        for (uint64_t i = 0; i < 4; ++i) {
            Json row = Json::object();
            row["ID"] = i;
            row["BODY"] = bodies[i];
            row["TAGS"] = Json::array({"t" + std::to_string(i)});
            index.Add(100 + i, 200 + i, row);
        }
        index.Remove(101);  // a dead slot must not reach the file
        return index;
    }

    std::filesystem::path dir_;
    std::string path_;
    IndexFileMeta meta_{{{"ID", ColumnKind::kNumber}, {"BODY", ColumnKind::kText}, {"TAGS", ColumnKind::kArray}},
                        1717000000123, 4};
};

TEST_F(IndexFileTest, RoundTripKeepsDocumentsPostingsAndMeta) {
    InvertedIndex index = Sample();
    ASSERT_TRUE(SaveIndexFile(path_, index, meta_));
    IndexFileMeta meta;
    auto loaded = LoadIndexFile(path_, "BODY", &meta);
    ASSERT_TRUE(loaded) << loaded.error().message;
    const InvertedIndex& back = **loaded;
    EXPECT_EQ(back.live_count(), 3u);
    EXPECT_EQ(back.docs().size(), 3u);
    EXPECT_EQ(meta.data_timestamp_ms, 1717000000123);
    EXPECT_EQ(meta.source_rows, 4u);
    ASSERT_EQ(meta.columns.size(), 3u);
    EXPECT_EQ(meta.columns[2].name, "TAGS");
    EXPECT_EQ(meta.columns[2].kind, ColumnKind::kArray);
    for (uint64_t key : {100u, 102u, 103u}) {
        ASSERT_NE(back.Find(key), nullptr) << key;
        EXPECT_EQ(back.Find(key)->content_hash, key + 100);
        EXPECT_EQ(back.Find(key)->row, index.Find(key)->row);
    }
    EXPECT_EQ(back.Find(101), nullptr);
    auto all = [](const Json&) { return true; };
    for (const char* q : {"return", "damaged items", "café", "東", "shipping"}) {
        auto a = index.Search(q, 10, all);
        auto b = back.Search(q, 10, all);
        ASSERT_EQ(a.size(), b.size()) << q;
        for (size_t i = 0; i < a.size(); ++i) {
            EXPECT_EQ(index.docs()[a[i].doc].row, back.docs()[b[i].doc].row) << q;
            EXPECT_DOUBLE_EQ(a[i].score, b[i].score) << q;
        }
    }
}

TEST_F(IndexFileTest, MissingFileIsNotFound) {
    IndexFileMeta meta;
    auto loaded = LoadIndexFile(path_, "BODY", &meta);
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().code, ErrorCode::kNotFound);
}

TEST_F(IndexFileTest, CorruptTruncatedOrForeignFilesAreRefused) {
    ASSERT_TRUE(SaveIndexFile(path_, Sample(), meta_));
    std::string bytes;
    {
        std::ifstream in(path_, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    auto refused = [&](const std::string& content, const std::string& column, const std::string& why) {
        {
            std::ofstream out(path_, std::ios::binary | std::ios::trunc);
            out << content;
        }
        IndexFileMeta meta;
        auto loaded = LoadIndexFile(path_, column, &meta);
        ASSERT_FALSE(loaded) << why;
        EXPECT_EQ(loaded.error().code, ErrorCode::kFailedPrecondition) << why;
        EXPECT_NE(loaded.error().message.find(why), std::string::npos) << loaded.error().message;
    };
    std::string flipped = bytes;
    flipped[flipped.size() / 2] ^= 0x5A;
    refused(flipped, "BODY", "checksum mismatch");
    refused(bytes.substr(0, bytes.size() - 3), "BODY", "checksum mismatch");
    refused("not an index", "BODY", "not an index file");
    refused(bytes, "TITLE", "different search column");
}

TEST_F(IndexFileTest, SaveReplacesThePreviousFileAtomically) {
    InvertedIndex index = Sample();
    ASSERT_TRUE(SaveIndexFile(path_, index, meta_));
    index.Remove(100);
    ASSERT_TRUE(SaveIndexFile(path_, index, meta_));
    EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp"));
    IndexFileMeta meta;
    auto loaded = LoadIndexFile(path_, "BODY", &meta);
    ASSERT_TRUE(loaded);
    EXPECT_EQ((*loaded)->live_count(), 2u);
}

TEST(IndexFilePath, EncodesNamesIntoSafeSegments) {
    EXPECT_EQ(IndexFilePath("/d", "DEMO", "PUBLIC", "SVC"), "/d/search/DEMO/PUBLIC/SVC.idx");
    EXPECT_EQ(IndexFilePath("/d", "my db", "..", "a/b"), "/d/search/my%20db/%2E%2E/a%2Fb.idx");
}

}  // namespace
}  // namespace oc::tools::search
