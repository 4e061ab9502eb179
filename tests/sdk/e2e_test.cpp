// End to end: the SDK drives the real `cortex` binary with the offline model.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "opencortex/opencortex.h"

namespace opencortex {
namespace {

namespace fs = std::filesystem;

class CortexE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("oc-sdk-e2e-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "home");
    std::ofstream(dir_ / "notes.txt") << "hello from notes\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  Options Base() const {
    Options o;
    const char* override_binary = std::getenv("OC_TEST_CORTEX");  // run against another build
    o.cli_path = override_binary != nullptr ? override_binary : CORTEX_BINARY;
    o.cwd = dir_.string();
    o.model = "offline";
    o.env["HOME"] = (dir_ / "home").string();  // sessions go to a private config dir
    return o;
  }
  fs::path dir_;
};

TEST_F(CortexE2E, OneShotQueryUsesAToolAndSucceeds) {
  std::vector<std::string> tools_used;
  std::optional<ResultMessage> result;
  std::string init_model;
  for (const Message& m : query("read notes.txt", Base())) {
    if (const auto* s = as_system(m); s != nullptr && s->subtype == "init") {
      init_model = s->data["model"];
    }
    if (const auto* a = std::get_if<AssistantMessage>(&m)) {
      for (const auto& block : a->content) {
        if (const auto* use = std::get_if<ToolUseBlock>(&block)) tools_used.push_back(use->name);
      }
    }
    if (const auto* r = std::get_if<ResultMessage>(&m)) result = *r;
  }
  EXPECT_EQ(init_model, "offline");
  ASSERT_EQ(tools_used, std::vector<std::string>{"Read"});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->subtype, "success");
  EXPECT_FALSE(result->is_error);
  EXPECT_NE(result->result.value_or("").find("hello from notes"), std::string::npos);
  EXPECT_DOUBLE_EQ(result->total_cost_usd.value_or(-1), 0.0);
}

TEST_F(CortexE2E, PermissionCallbackDenyChangesNothingAllowRewritesInput) {
  Options deny = Base();
  deny.can_use_tool = [](const std::string&, const json&, const ToolPermissionContext&) -> PermissionResult {
    return PermissionResultDeny{"not today", false};
  };
  std::string denied_result;
  for (const Message& m : query("write a file out.txt with hello", deny)) {
    if (const auto* r = std::get_if<ResultMessage>(&m)) denied_result = r->result.value_or("");
  }
  EXPECT_NE(denied_result.find("not today"), std::string::npos);
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir_)) files += entry.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 1u);  // only notes.txt

  Options allow = Base();
  std::string asked_tool;
  allow.can_use_tool = [&](const std::string& tool, const json&, const ToolPermissionContext&) -> PermissionResult {
    asked_tool = tool;
    return PermissionResultAllow{json{{"file_path", "out.txt"}, {"content", "hello"}}, std::nullopt};
  };
  for (const Message& m : query("write a file out.txt with hello", allow)) (void)m;
  EXPECT_EQ(asked_tool, "Write");
  std::ifstream out(dir_ / "out.txt");
  std::string content((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "hello");
}

TEST_F(CortexE2E, PreToolUseHookBlocksTheTool) {
  Options o = Base();
  int hook_calls = 0;
  o.hooks[HookEvent::kPreToolUse].push_back(HookMatcher{
      "Read",
      {[&](const HookInput& in, const std::optional<std::string>&, HookContext&) {
        ++hook_calls;
        EXPECT_EQ(std::get<PreToolUseHookInput>(in).tool_name, "Read");
        HookOutput out;
        out.hook_specific_output = {{"hookEventName", "PreToolUse"},
                                    {"permissionDecision", "deny"},
                                    {"permissionDecisionReason", "notes are private"}};
        return out;
      }},
      std::nullopt});
  bool tool_errored = false;
  for (const Message& m : query("read notes.txt", o)) {
    if (const auto* u = std::get_if<UserMessage>(&m)) {
      if (const auto* blocks = std::get_if<std::vector<ContentBlock>>(&u->content)) {
        for (const auto& b : *blocks) {
          if (const auto* r = std::get_if<ToolResultBlock>(&b)) {
            tool_errored = r->is_error.value_or(false) && r->content.dump().find("notes are private") != std::string::npos;
          }
        }
      }
    }
  }
  EXPECT_EQ(hook_calls, 1);
  EXPECT_TRUE(tool_errored);
}

TEST_F(CortexE2E, ClientMultiTurnSetModelAndResume) {
  std::string session_id;
  {
    Client client(Base());
    client.connect();
    EXPECT_TRUE(client.server_info().contains("commands"));
    client.query("read notes.txt");
    for (const Message& m : client.receive_response()) {
      if (const auto* r = std::get_if<ResultMessage>(&m)) session_id = r->session_id;
    }
    client.set_model("offline");
    client.set_permission_mode(PermissionMode::kPlan);
    client.query("list the files");
    int results = 0;
    for (const Message& m : client.receive_response()) results += std::holds_alternative<ResultMessage>(m) ? 1 : 0;
    EXPECT_EQ(results, 1);
    json status = client.get_mcp_status();
    EXPECT_TRUE(status["mcpServers"].is_array());
  }
  ASSERT_FALSE(session_id.empty());
  Options resume = Base();
  resume.resume = session_id;
  std::string resumed_session;
  for (const Message& m : query("read notes.txt", resume)) {
    if (const auto* r = std::get_if<ResultMessage>(&m)) resumed_session = r->session_id;
  }
  EXPECT_EQ(resumed_session, session_id);
}

TEST_F(CortexE2E, UnknownResumeIdIsAnErrorNotAHang) {
  Options o = Base();
  o.resume = "00000000-0000-0000-0000-000000000000";
  o.control_timeout_seconds = 10;
  std::string error;
  try {
    auto stream = query("hi", o);
    while (stream.next()) {
    }
  } catch (const SdkError& e) {
    error = e.what();
  }
  EXPECT_NE(error.find("00000000-0000-0000-0000-000000000000"), std::string::npos) << error;
}

}  // namespace
}  // namespace opencortex
