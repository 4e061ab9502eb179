// Print mode (`cortex -p`), version probe and flag parsing of the coding-agent CLI.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "code_child.h"

namespace oc::codetest {
namespace {

std::vector<Json> Lines(const std::string& out) {
    std::vector<Json> lines;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        Json parsed = Json::parse(line, nullptr, false);
        EXPECT_FALSE(parsed.is_discarded()) << line;
        lines.push_back(parsed);
    }
    return lines;
}

class PrintModeTest : public ::testing::Test {
protected:
    void SetUp() override { work_.WriteFile("notes.txt", "hello notes\n"); }
    RunOutput Run(const std::vector<std::string>& args, const std::string& input = "") {
        return RunCortexOnce(args, work_.path(), input, TestEnv(conversations_));
    }
    ScratchDir work_;
    ScratchDir conversations_;
};

TEST_F(PrintModeTest, VersionFlagsPrintSemverFirst) {
    for (const char* flag : {"-v", "-V", "--version"}) {
        auto r = Run({flag});
        EXPECT_EQ(r.exit_code, 0) << flag;
        EXPECT_EQ(r.out, "2.1.0 (Cortex Code)\n") << flag;
    }
}

TEST_F(PrintModeTest, UnknownFlagIsOneLineErrorAndExit2) {
    auto r = Run({"--no-such-flag"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(r.out.empty());
    EXPECT_NE(r.err.find("--no-such-flag"), std::string::npos);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
}

TEST_F(PrintModeTest, BadEnumValueIsExit2) {
    auto r = Run({"-p", "hi", "--output-format", "xml"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--output-format"), std::string::npos);
}

TEST_F(PrintModeTest, TextOutputIsTheAnswer) {
    auto r = Run({"-p", "read notes.txt", "--model", "offline"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("hello notes"), std::string::npos);
    EXPECT_EQ(r.out.find('{'), std::string::npos);
}

TEST_F(PrintModeTest, JsonOutputIsOneResultObject) {
    auto r = Run({"-p", "read notes.txt", "--model=offline", "--output-format=json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto lines = Lines(r.out);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["type"], "result");
    EXPECT_EQ(lines[0]["subtype"], "success");
    EXPECT_EQ(lines[0]["num_turns"], 2);
    EXPECT_EQ(lines[0]["total_cost_usd"], 0.0);
}

TEST_F(PrintModeTest, StreamJsonOutputStartsWithInitEndsWithResult) {
    auto r = Run({"-p", "ls", "--model", "offline", "--output-format", "stream-json", "--verbose"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto lines = Lines(r.out);
    ASSERT_GE(lines.size(), 4u);
    EXPECT_EQ(lines.front()["type"], "system");
    EXPECT_EQ(lines.front()["subtype"], "init");
    EXPECT_EQ(lines.back()["type"], "result");
}

TEST_F(PrintModeTest, PromptFromStdinAndLegacyDoubleDash) {
    auto piped = Run({"-p", "--model", "offline"}, "read notes.txt");
    EXPECT_EQ(piped.exit_code, 0) << piped.err;
    EXPECT_NE(piped.out.find("hello notes"), std::string::npos);
    auto legacy = Run({"--output-format", "stream-json", "--verbose", "--model", "offline", "--print", "--",
                       "read notes.txt"});
    EXPECT_EQ(legacy.exit_code, 0) << legacy.err;
    EXPECT_EQ(Lines(legacy.out).back()["subtype"], "success");
}

TEST_F(PrintModeTest, MaxTurnsInPrintModeExits1) {
    auto r = Run({"-p", "read notes.txt", "--model", "offline", "--max-turns", "1", "--output-format", "json"});
    EXPECT_EQ(r.exit_code, 1);
    auto lines = Lines(r.out);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["subtype"], "error_max_turns");
}

TEST_F(PrintModeTest, SdkModeToleratesUnknownPassThroughFlags) {
    auto r = Run({"--output-format", "stream-json", "--verbose", "--input-format", "stream-json",
                  "--model=offline", "--foo", "bar", "--flag", "--neg=-1", "--setting-sources=",
                  "--system-prompt", ""},
                 R"({"type":"user","session_id":"","message":{"role":"user","content":[{"type":"text","text":"ls"}]},"parent_tool_use_id":null})");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(Lines(r.out).back()["subtype"], "success");
}

TEST_F(PrintModeTest, UnknownModelIsAnErrorResult) {
    auto r = Run({"-p", "hi", "--model", "no-such-model", "--output-format", "json"});
    EXPECT_EQ(r.exit_code, 1);
    auto lines = Lines(r.out);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["is_error"], true);
    EXPECT_FALSE(lines[0]["errors"].empty());
}

TEST_F(PrintModeTest, WorkdirFlagConfinesTools) {
    ScratchDir other;
    other.WriteFile("inside.txt", "from the workdir flag");
    auto r = RunCortexOnce({"-p", "read inside.txt", "--model", "offline", "-w", other.path()}, work_.path(),
                           "", TestEnv(conversations_));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("from the workdir flag"), std::string::npos);
}

TEST_F(PrintModeTest, AcceptEditsWritesInsideTheWorkdir) {
    auto r = Run({"-p", "write out.txt", "--model", "offline", "--permission-mode", "acceptEdits"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(work_.Exists("write out.txt"));
}

TEST_F(PrintModeTest, TranscriptIsWrittenAsJsonl) {
    const std::string id = "0b6d7c1e-5f1a-4a8e-9c1e-7d2f3a4b5c6d";
    auto r = Run({"-p", "read notes.txt", "--model", "offline", "--session-id=" + id});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::ifstream in(conversations_.path() + "/" + id + ".jsonl");
    ASSERT_TRUE(in);
    std::string line;
    int entries = 0;
    while (std::getline(in, line)) {
        Json entry = Json::parse(line, nullptr, false);
        ASSERT_FALSE(entry.is_discarded());
        EXPECT_EQ(entry["sessionId"], id);
        EXPECT_TRUE(entry.contains("parentUuid") && entry.contains("timestamp") && entry.contains("message"));
        ++entries;
    }
    EXPECT_EQ(entries, 4);  // user, assistant tool_use, tool result, assistant text
}

}  // namespace
}  // namespace oc::codetest
