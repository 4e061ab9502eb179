// The Grep tool's regular expressions (RE2 syntax, linear-time matching) and its output modes;
// the built-in tools' input schemas.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

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


// The built-in tools' input schemas, byte for byte (key order included): what every model
// request carries, so building them differently must not change them.
TEST(BuiltinToolSchemas, AreUnchanged) {
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"Read", R"j({"type":"object","properties":{"file_path":{"type":"string","description":"The path of the file to read"},"offset":{"type":"integer","description":"First line (1-based)"},"limit":{"type":"integer","description":"Number of lines"}},"required":["file_path"]})j"},
        {"Write", R"j({"type":"object","properties":{"file_path":{"type":"string","description":"The path of the file to write"},"content":{"type":"string","description":"New content"}},"required":["file_path","content"]})j"},
        {"Edit", R"j({"type":"object","properties":{"file_path":{"type":"string","description":"The path of the file to modify"},"old_string":{"type":"string","description":"Text to replace"},"new_string":{"type":"string","description":"Replacement text"},"replace_all":{"type":"boolean","description":"Replace every occurrence"}},"required":["file_path","old_string","new_string"]})j"},
        {"LS", R"j({"type":"object","properties":{"path":{"type":"string","description":"Directory to list (default: the working directory)"},"ignore":{"type":"array","items":{"type":"string"}}}})j"},
        {"MultiEdit", R"j({"type":"object","properties":{"file_path":{"type":"string","description":"The path of the file to modify"},"edits":{"type":"array","items":{"type":"object","properties":{"old_string":{"type":"string"},"new_string":{"type":"string"},"replace_all":{"type":"boolean"}}}}},"required":["file_path","edits"]})j"},
        {"TodoWrite", R"j({"type":"object","properties":{"todos":{"type":"array","items":{"type":"object","properties":{"content":{"type":"string"},"status":{"type":"string","enum":["pending","in_progress","completed"]},"activeForm":{"type":"string"}}}}},"required":["todos"]})j"},
        {"Glob", R"j({"type":"object","properties":{"pattern":{"type":"string","description":"Glob pattern"},"path":{"type":"string","description":"Directory to search"}},"required":["pattern"]})j"},
        {"Grep", R"j({"type":"object","properties":{"pattern":{"type":"string","description":"Regular expression"},"path":{"type":"string","description":"File or directory to search"},"glob":{"type":"string","description":"Only paths matching this glob"},"output_mode":{"type":"string","enum":["files_with_matches","content","count"]},"-i":{"type":"boolean","description":"Case insensitive"}},"required":["pattern"]})j"},
        {"Bash", R"j({"type":"object","properties":{"command":{"type":"string","description":"The command to run"},"timeout":{"type":"integer","description":"Timeout in ms (max 600000)"},"description":{"type":"string","description":"What the command does"}},"required":["command"]})j"},
        {"Task", R"j({"type":"object","properties":{"description":{"type":"string","description":"A short (3-5 word) description of the task"},"prompt":{"type":"string","description":"The task for the subagent to perform"},"subagent_type":{"type":"string","description":"The type of specialized agent to use"}},"required":["description","prompt","subagent_type"]})j"},
    };
    std::vector<BuiltinTool> tools = MakeBuiltinTools();
    tools.push_back(MakeTaskTool());
    ASSERT_EQ(tools.size(), expected.size());
    for (const auto& [name, schema] : expected) {
        const BuiltinTool* tool = nullptr;
        for (const BuiltinTool& t : tools)
            if (t.name == name) tool = &t;
        ASSERT_NE(tool, nullptr) << name;
        EXPECT_EQ(DumpJson(tool->input_schema), schema) << name;
    }
}

}  // namespace
}  // namespace oc::code
