// SDK callback hooks (initialize.hooks → hook_callback) for the events beyond the tool/prompt/stop
// basics: PermissionRequest, Notification, PostToolUseFailure.
#include "protocol_fixture.h"

namespace oc::codetest {
namespace {

using Answer = std::function<Json(const Json& request)>;

// Answers every control request with answer(request) until the result; returns all frames.
std::vector<Json> Converse(CodeChild& child, const Answer& answer, std::vector<Json>* requests) {
    std::vector<Json> frames;
    while (auto f = child.Next()) {
        frames.push_back(*f);
        if ((*f)["type"] == "result") break;
        if ((*f)["type"] != "control_request") continue;
        requests->push_back((*f)["request"]);
        child.SendJson(Json{{"type", "control_response"},
                            {"response", {{"subtype", "success"}, {"request_id", (*f)["request_id"]},
                                          {"response", answer((*f)["request"])}}}});
    }
    return frames;
}

class HookEventsTest : public ProtocolTest {};

TEST_F(HookEventsTest, PermissionRequestAndNotificationPrecedeCanUseTool) {
    auto child = StartSdk({"--permission-prompt-tool", "stdio"});
    child->SendJson(Control("init", {{"subtype", "initialize"},
                                     {"hooks", {{"PermissionRequest", {{{"matcher", "Bash"}, {"hookCallbackIds", {"perm"}}}}},
                                                {"Notification", {{{"hookCallbackIds", {"note"}}}}}}}}));
    ASSERT_TRUE(child->Next());
    child->SendJson(UserLine("echo bash > asked.txt"));
    std::vector<Json> requests;
    auto frames = Converse(*child, [](const Json& r) {
        return r["subtype"] == "can_use_tool" ? Json{{"behavior", "allow"}} : Json::object();
    }, &requests);
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests[0]["callback_id"], "perm");
    EXPECT_EQ(requests[0]["input"]["hook_event_name"], "PermissionRequest");
    EXPECT_EQ(requests[0]["input"]["tool_name"], "Bash");
    EXPECT_EQ(requests[0]["input"]["tool_input"]["command"], "echo bash > asked.txt");
    EXPECT_EQ(requests[1]["callback_id"], "note");
    EXPECT_EQ(requests[1]["input"]["hook_event_name"], "Notification");
    EXPECT_EQ(requests[1]["input"]["notification_type"], "permission_prompt");
    EXPECT_NE(requests[1]["input"]["message"].get<std::string>().find("Bash"), std::string::npos);
    EXPECT_TRUE(requests[1]["tool_use_id"].is_null());
    EXPECT_EQ(requests[2]["subtype"], "can_use_tool");
    EXPECT_EQ(frames.back()["subtype"], "success");
    EXPECT_TRUE(work_.Exists("asked.txt"));
}

TEST_F(HookEventsTest, PermissionRequestHookDenyAnswersWithoutAsking) {
    auto child = StartSdk({"--permission-prompt-tool", "stdio"});
    child->SendJson(Control("init", {{"subtype", "initialize"},
                                     {"hooks", {{"PermissionRequest", {{{"hookCallbackIds", {"perm"}}}}}}}}));
    ASSERT_TRUE(child->Next());
    child->SendJson(UserLine("echo bash > never.txt"));
    std::vector<Json> requests;
    auto frames = Converse(*child, [](const Json&) {
        return Json{{"hookSpecificOutput", {{"hookEventName", "PermissionRequest"},
                                            {"decision", {{"behavior", "deny"}, {"message", "nope from hook"}}}}}};
    }, &requests);
    ASSERT_EQ(requests.size(), 1u);  // no can_use_tool
    EXPECT_EQ(requests[0]["subtype"], "hook_callback");
    const Json* tr = FindBlock(frames, "user", "tool_result");
    ASSERT_NE(tr, nullptr);
    EXPECT_EQ((*tr)["message"]["content"][0]["content"], "nope from hook");
    EXPECT_FALSE(work_.Exists("never.txt"));
}

TEST_F(HookEventsTest, PostToolUseFailureSeesTheErrorAndAddsContext) {
    auto child = StartSdk();
    child->SendJson(Control("init", {{"subtype", "initialize"},
                                     {"hooks", {{"PostToolUseFailure", {{{"hookCallbackIds", {"fail"}}}}},
                                                {"PostToolUse", {{{"hookCallbackIds", {"post"}}}}}}}}));
    ASSERT_TRUE(child->Next());
    child->SendJson(UserLine("read missing-file.txt"));
    std::vector<Json> requests;
    auto frames = Converse(*child, [](const Json& r) {
        if (r["callback_id"] != "fail") return Json::object();
        return Json{{"hookSpecificOutput", {{"hookEventName", "PostToolUseFailure"},
                                            {"additionalContext", "hint: list the directory first"}}}};
    }, &requests);
    ASSERT_EQ(requests.size(), 1u);  // PostToolUse does not fire for a failed tool
    EXPECT_EQ(requests[0]["input"]["hook_event_name"], "PostToolUseFailure");
    EXPECT_EQ(requests[0]["input"]["tool_name"], "Read");
    EXPECT_FALSE(requests[0]["input"]["error"].get<std::string>().empty());
    EXPECT_EQ(requests[0]["input"]["is_interrupt"], false);
    const Json* tr = FindBlock(frames, "user", "tool_result");
    ASSERT_NE(tr, nullptr);
    EXPECT_EQ((*tr)["message"]["content"][0]["is_error"], true);
    EXPECT_NE((*tr)["message"]["content"][0]["content"].get<std::string>().find("hint: list the directory first"),
              std::string::npos);
}


TEST_F(HookEventsTest, CompactFiresPreCompactAndReplacesTheHistory) {
    auto child = StartSdk();
    child->SendJson(Control("init", {{"subtype", "initialize"},
                                     {"hooks", {{"PreCompact", {{{"hookCallbackIds", {"pre"}}}}}}}}));
    ASSERT_TRUE(child->Next());
    child->SendJson(UserLine("read notes.txt"));
    ASSERT_FALSE(child->ReadUntil("result").empty());
    child->SendJson(UserLine("/compact keep file names"));
    std::vector<Json> requests;
    auto frames = Converse(*child, [](const Json&) { return Json::object(); }, &requests);
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0]["input"]["hook_event_name"], "PreCompact");
    EXPECT_EQ(requests[0]["input"]["trigger"], "manual");
    EXPECT_EQ(requests[0]["input"]["custom_instructions"], "keep file names");
    const Json* boundary = Find(frames, "system", "compact_boundary");
    ASSERT_NE(boundary, nullptr);
    EXPECT_EQ((*boundary)["compact_metadata"]["trigger"], "manual");
    EXPECT_GT((*boundary)["compact_metadata"]["pre_tokens"].get<int>(), 0);
    EXPECT_EQ(frames.back()["num_turns"], 0);
    EXPECT_EQ(frames.back()["result"], "");

    // A blocking answer leaves the history alone: no boundary.
    child->SendJson(UserLine("/compact"));
    requests.clear();
    frames = Converse(*child, [](const Json&) { return Json{{"decision", "block"}, {"reason", "not now"}}; }, &requests);
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_TRUE(requests[0]["input"]["custom_instructions"].is_null());
    EXPECT_EQ(Find(frames, "system", "compact_boundary"), nullptr);
    EXPECT_NE(frames.back()["result"].get<std::string>().find("not now"), std::string::npos);
}

}  // namespace
}  // namespace oc::codetest
