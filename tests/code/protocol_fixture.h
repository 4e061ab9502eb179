// Shared fixture and helpers of the SDK-mode protocol tests (protocol_test.cpp,
// hooks_mcp_test.cpp): start cortex in stream-json mode in a scratch workdir.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "code_child.h"

namespace oc::codetest {

inline Json UserLine(const std::string& text) {
    return {{"type", "user"}, {"session_id", ""},
            {"message", {{"role", "user"}, {"content", text}}}, {"parent_tool_use_id", nullptr}};
}

inline Json Control(const std::string& id, Json request) {
    return {{"type", "control_request"}, {"request_id", id}, {"request", std::move(request)}};
}

inline const Json* Find(const std::vector<Json>& frames, const std::string& type, const std::string& subtype = "") {
    for (const Json& f : frames)
        if (f.value("type", "") == type && (subtype.empty() || f.value("subtype", "") == subtype)) return &f;
    return nullptr;
}

// The first assistant frame whose content block has the given type.
inline const Json* FindBlock(const std::vector<Json>& frames, const std::string& frame_type,
                      const std::string& block_type) {
    for (const Json& f : frames) {
        if (f.value("type", "") != frame_type) continue;
        const Json& content = f["message"]["content"];
        if (content.is_array() && !content.empty() && content[0].value("type", "") == block_type) return &f;
    }
    return nullptr;
}

class ProtocolTest : public ::testing::Test {
protected:
    void SetUp() override { work_.WriteFile("notes.txt", "hello notes\nsecond line\n"); }

    std::unique_ptr<CodeChild> StartSdk(std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"--output-format", "stream-json", "--verbose",
                                         "--input-format", "stream-json", "--model", "offline"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto child = CodeChild::Start(args, work_.path(), TestEnv(conversations_));
        EXPECT_NE(child, nullptr);
        return child;
    }

    // initialize, then expects its response.
    void Initialize(CodeChild& child) {
        child.SendJson(Control("req_1_init", {{"subtype", "initialize"}, {"hooks", nullptr}}));
        auto response = child.Next();
        ASSERT_TRUE(response);
        ASSERT_EQ((*response)["type"], "control_response");
        EXPECT_EQ((*response)["response"]["subtype"], "success");
        EXPECT_EQ((*response)["response"]["request_id"], "req_1_init");
    }

    ScratchDir work_;
    ScratchDir conversations_;
};

}  // namespace oc::codetest
