// Unit tests of flag parsing, permission rules and path confinement (no child process).
#include <gtest/gtest.h>

#include "code/builtin_tool.h"
#include "code/options.h"
#include "code/permissions.h"

namespace oc::code {
namespace {

Result<CodeOptions> Parse(std::vector<std::string> args) {
    std::vector<char*> argv = {const_cast<char*>("cortex")};
    for (auto& a : args) argv.push_back(a.data());
    return ParseCodeArgs(static_cast<int>(argv.size()), argv.data());
}

TEST(CodeOptions, BothValueFormsEmptyValuesAndRepeats) {
    auto o = Parse({"--output-format", "stream-json", "--model=m1", "--max-turns=3", "--system-prompt", "",
                    "--setting-sources=", "--add-dir=/a", "--add-dir", "/b", "--resume=abc",
                    "--allowedTools", "Read,Bash(git status:*)", "--input-format", "stream-json"});
    ASSERT_TRUE(o);
    EXPECT_EQ(o->model, "m1");
    EXPECT_EQ(o->max_turns, 3);
    ASSERT_TRUE(o->system_prompt);
    EXPECT_EQ(*o->system_prompt, "");
    EXPECT_EQ(o->add_dirs, (std::vector<std::string>{"/a", "/b"}));
    EXPECT_EQ(*o->resume, "abc");
    EXPECT_EQ(o->allowed_tools, (std::vector<std::string>{"Read", "Bash(git status:*)"}));
    EXPECT_TRUE(o->SdkMode());
    EXPECT_TRUE(o->unknown_flags.empty());
}

TEST(CodeOptions, CortexStyleFlagsAndUnknownOnes) {
    auto o = Parse({"-w", "/tmp", "-m", "auto", "--plan", "-c", "conn", "--no-mcp", "--foo", "bar", "-p", "hi"});
    ASSERT_TRUE(o);
    EXPECT_EQ(o->workdir, "/tmp");
    EXPECT_EQ(o->permission_mode, "plan");
    EXPECT_TRUE(o->print);
    EXPECT_EQ(o->prompt, "hi");
    EXPECT_EQ(o->unknown_flags, (std::vector<std::string>{"--foo"}));
    EXPECT_FALSE(Parse({"--max-turns", "x"}));
    EXPECT_FALSE(Parse({"--permission-mode", "yolo"}));
    EXPECT_FALSE(Parse({"--model"}));
}

TEST(CodeOptions, SplitToolListKeepsParentheses) {
    EXPECT_EQ(SplitToolList("Read, Bash(git status:*) Edit(src/**)"),
              (std::vector<std::string>{"Read", "Bash(git status:*)", "Edit(src/**)"}));
}

class PolicyTest : public ::testing::Test {
protected:
    PermissionCheck Check(PermissionPolicy& p, const BuiltinTool& tool, const Json& input) {
        const ToolContext ctx{"/w", {"/w", "/extra"}, nullptr};
        return p.Check(tool, input, ResolveToolPath(tool, input, ctx));
    }
    BuiltinTool bash_ = MakeBashTool();
    BuiltinTool read_ = MakeReadTool();
    BuiltinTool edit_ = MakeEditTool();
};

TEST_F(PolicyTest, BashPrefixRules) {
    PermissionPolicy p({"Bash(git status:*)"}, {"Bash(rm:*)"}, "default", {"/w"}, "/w");
    EXPECT_EQ(Check(p, bash_, {{"command", "git status --short"}}).decision, Decision::kAllow);
    EXPECT_EQ(Check(p, bash_, {{"command", "git statusx"}}).decision, Decision::kAsk);
    EXPECT_EQ(Check(p, bash_, {{"command", "rm -rf /"}}).decision, Decision::kDeny);
    p.SetMode("bypassPermissions");
    EXPECT_EQ(Check(p, bash_, {{"command", "rm -rf /"}}).decision, Decision::kDeny);
    EXPECT_EQ(Check(p, bash_, {{"command", "make"}}).decision, Decision::kAllow);
}

TEST_F(PolicyTest, ModesAndConfinement) {
    PermissionPolicy p({}, {}, "default", {"/w", "/extra"}, "/w");
    EXPECT_EQ(Check(p, read_, {{"file_path", "/w/a.txt"}}).decision, Decision::kAllow);
    EXPECT_EQ(Check(p, read_, {{"file_path", "/extra/a.txt"}}).decision, Decision::kAllow);
    const auto outside = Check(p, read_, {{"file_path", "/etc/passwd"}});
    EXPECT_EQ(outside.decision, Decision::kAsk);
    EXPECT_EQ(outside.blocked_path, "/etc/passwd");
    EXPECT_EQ(Check(p, edit_, {{"file_path", "a.txt"}}).decision, Decision::kAsk);
    p.SetMode("acceptEdits");
    EXPECT_EQ(Check(p, edit_, {{"file_path", "a.txt"}}).decision, Decision::kAllow);
    EXPECT_EQ(Check(p, edit_, {{"file_path", "/etc/x"}}).decision, Decision::kAsk);
    p.SetMode("plan");
    EXPECT_EQ(Check(p, edit_, {{"file_path", "a.txt"}}).decision, Decision::kDeny);
    EXPECT_EQ(Check(p, bash_, {{"command", "ls"}}).decision, Decision::kDeny);
    EXPECT_EQ(Check(p, read_, {{"file_path", "a.txt"}}).decision, Decision::kAllow);
}

TEST_F(PolicyTest, PathRulesUseGlobs) {
    PermissionPolicy p({"Edit(src/**)"}, {"Read(**/*.key)"}, "default", {"/w"}, "/w");
    EXPECT_EQ(Check(p, edit_, {{"file_path", "src/a/b.cpp"}}).decision, Decision::kAllow);
    EXPECT_EQ(Check(p, edit_, {{"file_path", "docs/a.md"}}).decision, Decision::kAsk);
    EXPECT_EQ(Check(p, read_, {{"file_path", "secrets/id.key"}}).decision, Decision::kDeny);
}

TEST(Glob, Patterns) {
    EXPECT_TRUE(GlobMatch("**/*.cpp", "a.cpp"));
    EXPECT_TRUE(GlobMatch("**/*.cpp", "src/x/a.cpp"));
    EXPECT_FALSE(GlobMatch("*.cpp", "src/a.cpp"));
    EXPECT_TRUE(GlobMatch("src/*.{h,cpp}", "src/a.h"));
    EXPECT_TRUE(WithinRoots("/w/a/../b", {"/w"}));
    EXPECT_FALSE(WithinRoots("/w/../etc", {"/w"}));
    EXPECT_FALSE(WithinRoots("/wx/a", {"/w"}));
}

}  // namespace
}  // namespace oc::code
