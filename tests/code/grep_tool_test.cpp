// The Grep tool's regular expressions (RE2 syntax, linear-time matching) and its output modes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "code/builtin_tool.h"
#include "code_child.h"

namespace oc::code {
namespace {

namespace fs = std::filesystem;

class GrepToolTest : public ::testing::Test {
protected:
    void SetUp() override {
        Write("a.txt", "Hello World\nid 123\nnothing\n");
        Write("sub/b.txt", "hello again\nzip 9876\n");
        Write("long.txt", std::string(5000, 'a') + "b\n");
        ctx_.workdir = dir_.path();
        ctx_.roots = {dir_.path()};
    }
    void Write(const std::string& rel, const std::string& text) {
        fs::path p = fs::path(dir_.path()) / rel;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << text;
    }
    ToolOutput Grep(const Json& input) { return tool_.run(input, ctx_); }

    codetest::ScratchDir dir_;
    ToolContext ctx_;
    BuiltinTool tool_ = MakeGrepTool();
};

TEST_F(GrepToolTest, InlineFlagsAndClassesOfRe2) {
    // (?i) and \d{3,} are RE2 (ripgrep) syntax; std::regex's ECMAScript rejects the inline flag.
    ToolOutput out = Grep({{"pattern", "(?i)^hello"}, {"output_mode", "content"}});
    ASSERT_FALSE(out.is_error) << out.text;
    EXPECT_NE(out.text.find("a.txt:1:Hello World"), std::string::npos) << out.text;
    EXPECT_NE(out.text.find("b.txt:1:hello again"), std::string::npos) << out.text;
    EXPECT_EQ(out.structured["numMatches"], 2);

    out = Grep({{"pattern", "\\d{4}"}, {"output_mode", "count"}});
    ASSERT_FALSE(out.is_error) << out.text;
    EXPECT_NE(out.text.find("b.txt:1"), std::string::npos) << out.text;
    EXPECT_EQ(out.text.find("a.txt"), std::string::npos) << out.text;
}

TEST_F(GrepToolTest, CaseFlagAndFilesMode) {
    ToolOutput out = Grep({{"pattern", "HELLO"}, {"-i", true}});
    ASSERT_FALSE(out.is_error) << out.text;
    EXPECT_EQ(out.structured["numFiles"], 2);
    out = Grep({{"pattern", "HELLO"}});
    EXPECT_EQ(out.text, "No matches found");
}

TEST_F(GrepToolTest, NestedQuantifierOnALongLineFinishes) {
    // Exponential for a backtracking engine on a 5000-char line; linear for RE2.
    ToolOutput out = Grep({{"pattern", "^(a+)+$"}, {"output_mode", "count"}});
    ASSERT_FALSE(out.is_error) << out.text;
    EXPECT_EQ(out.text, "No matches found");
    out = Grep({{"pattern", "^(a+)+b$"}, {"output_mode", "count"}});
    EXPECT_NE(out.text.find("long.txt:1"), std::string::npos) << out.text;
}

TEST_F(GrepToolTest, InvalidPatternIsAToolErrorNamingIt) {
    ToolOutput out = Grep({{"pattern", "(unclosed"}});
    EXPECT_TRUE(out.is_error);
    EXPECT_NE(out.text.find("invalid regular expression '(unclosed'"), std::string::npos) << out.text;
}

}  // namespace
}  // namespace oc::code
