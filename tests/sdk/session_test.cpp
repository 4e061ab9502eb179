// Control protocol through an in-memory transport (mirrors test_tool_callbacks, test_query and
// test_streaming_client of the Python SDK).
#include <gtest/gtest.h>

#include <atomic>

#include "fake_transport.h"

namespace opencortex {
namespace {

using testing::AckControl;
using testing::AssistantFrame;
using testing::FakeTransport;
using testing::ResultFrame;

// A peer that acks control requests and answers each user message with an echo and a result.
void EchoPeer(FakeTransport::State& s, const json& frame) {
  AckControl(s, frame);
  if (frame.value("type", "") == "user") {
    std::string prompt = frame["message"]["content"].get<std::string>();
    s.push(AssistantFrame("echo: " + prompt));
    s.push(ResultFrame("echo: " + prompt));
  }
}

TEST(Query, InitializeThenPromptThenEof) {
  auto state = std::make_shared<FakeTransport::State>();
  state->on_write = [](FakeTransport::State& s, const json& f) {
    EchoPeer(s, f);
    if (f.value("type", "") == "user") s.finish_peer();
  };
  auto stream = query("hello", {}, std::make_unique<FakeTransport>(state));
  std::vector<Message> messages;
  for (const Message& m : stream) messages.push_back(m);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(text_of(messages[0]), "echo: hello");
  EXPECT_EQ(std::get<ResultMessage>(messages[1]).result.value(), "echo: hello");
  std::vector<json> written = state->wait_written(2);
  EXPECT_EQ(written[0]["type"], "control_request");
  EXPECT_EQ(written[0]["request"]["subtype"], "initialize");
  EXPECT_TRUE(written[0]["request"]["hooks"].is_null());
  EXPECT_TRUE(written[0]["request_id"].get<std::string>().starts_with("req_1_"));
  EXPECT_EQ(written[1]["type"], "user");
  EXPECT_EQ(written[1]["session_id"], "");
  EXPECT_TRUE(written[1]["parent_tool_use_id"].is_null());
  EXPECT_TRUE(state->input_ended);  // no callbacks: stdin closed right after the prompt
}

TEST(Query, StreamingInputFramesAreWrittenVerbatim) {
  auto state = std::make_shared<FakeTransport::State>();
  state->on_write = [](FakeTransport::State& s, const json& f) {
    AckControl(s, f);
    if (f.value("type", "") == "user" && f["message"]["content"].is_array()) {
      s.push(ResultFrame("got blocks"));
      s.finish_peer();
    }
  };
  json first = {{"type", "user"}, {"message", {{"role", "user"}, {"content", "one"}}}, {"parent_tool_use_id", nullptr}};
  json second = {{"type", "user"},
                 {"message", {{"role", "user"}, {"content", json::array({{{"type", "text"}, {"text", "two"}}})}}},
                 {"parent_tool_use_id", nullptr},
                 {"session_id", "mine"}};
  auto stream = query(std::vector<json>{first, second}, {}, std::make_unique<FakeTransport>(state));
  auto m = stream.next();
  ASSERT_TRUE(m);
  EXPECT_EQ(std::get<ResultMessage>(*m).result.value(), "got blocks");
  auto written = state->wait_written(3);
  EXPECT_EQ(written[1]["session_id"], "");
  EXPECT_EQ(written[2]["session_id"], "mine");
}

TEST(ToolCallbacks, AllowWithUpdatedInputAndDeny) {
  auto state = std::make_shared<FakeTransport::State>();
  // Callbacks run concurrently, so the two answers may come in either order; like the CLI, the
  // fake sends its result only once both are in.
  auto answered = std::make_shared<std::atomic<int>>(0);
  state->on_write = [answered](FakeTransport::State& s, const json& f) {
    AckControl(s, f);
    if (f.value("type", "") == "user") {
      s.push({{"type", "control_request"}, {"request_id", "cli_1"},
              {"request", {{"subtype", "can_use_tool"}, {"tool_name", "Bash"}, {"input", {{"command", "ls"}}},
                           {"tool_use_id", "toolu_1"}, {"blocked_path", "/etc"}}}});
      s.push({{"type", "control_request"}, {"request_id", "cli_2"},
              {"request", {{"subtype", "can_use_tool"}, {"tool_name", "Write"}, {"input", {{"file_path", "x"}}},
                           {"tool_use_id", "toolu_2"}}}});
    }
    if (f.value("type", "") == "control_response" &&
        f["response"]["request_id"].get<std::string>().rfind("cli_", 0) == 0 && ++*answered == 2) {
      s.push(ResultFrame("done"));
    }
  };
  std::atomic<int> calls{0};
  std::string seen_blocked_path;
  Options o;
  o.can_use_tool = [&](const std::string& tool, const json& input, const ToolPermissionContext& ctx) -> PermissionResult {
    ++calls;
    if (tool == "Bash") {
      seen_blocked_path = ctx.blocked_path.value_or("");
      EXPECT_EQ(ctx.tool_use_id.value(), "toolu_1");
      json changed = input;
      changed["command"] = "ls -la";
      return PermissionResultAllow{changed, std::nullopt};
    }
    return PermissionResultDeny{"no writes", true};
  };
  auto stream = query("go", std::move(o), std::make_unique<FakeTransport>(state));
  auto m = stream.next();
  ASSERT_TRUE(m);
  EXPECT_TRUE(std::holds_alternative<ResultMessage>(*m));
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(seen_blocked_path, "/etc");
  auto written = state->wait_written(4);
  std::map<std::string, json> responses;
  for (const json& w : written) {
    if (w["type"] == "control_response") responses[w["response"]["request_id"]] = w["response"];
  }
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses["cli_1"]["response"]["behavior"], "allow");
  EXPECT_EQ(responses["cli_1"]["response"]["updatedInput"]["command"], "ls -la");
  EXPECT_EQ(responses["cli_2"]["response"]["behavior"], "deny");
  EXPECT_EQ(responses["cli_2"]["response"]["message"], "no writes");
  EXPECT_EQ(responses["cli_2"]["response"]["interrupt"], true);
  // With a callback, stdin stayed open until the result, then closed.
  for (int i = 0; i < 100 && !state->input_ended; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(state->input_ended);
}

TEST(ToolCallbacks, AllowWithoutUpdateSendsOriginalInputAndExceptionsBecomeErrors) {
  auto state = std::make_shared<FakeTransport::State>();
  state->on_write = [](FakeTransport::State& s, const json& f) {
    AckControl(s, f);
    if (f.value("type", "") == "user") {
      s.push({{"type", "control_request"}, {"request_id", "a"},
              {"request", {{"subtype", "can_use_tool"}, {"tool_name", "Read"}, {"input", {{"file_path", "r"}}}}}});
      s.push({{"type", "control_request"}, {"request_id", "b"},
              {"request", {{"subtype", "can_use_tool"}, {"tool_name", "Boom"}, {"input", json::object()}}}});
      s.push({{"type", "control_request"}, {"request_id", "c"}, {"request", {{"subtype", "elicitation"}}}});
    }
  };
  Options o;
  o.can_use_tool = [](const std::string& tool, const json&, const ToolPermissionContext&) -> PermissionResult {
    if (tool == "Boom") throw std::runtime_error("callback failed");
    return PermissionResultAllow{};
  };
  auto stream = query("go", std::move(o), std::make_unique<FakeTransport>(state));
  auto written = state->wait_written(5);
  std::map<std::string, json> responses;
  for (const json& w : written) {
    if (w["type"] == "control_response") responses[w["response"]["request_id"]] = w["response"];
  }
  ASSERT_EQ(responses.size(), 3u);
  EXPECT_EQ(responses["a"]["response"]["updatedInput"]["file_path"], "r");
  EXPECT_EQ(responses["b"]["subtype"], "error");
  EXPECT_EQ(responses["b"]["error"], "callback failed");
  EXPECT_EQ(responses["c"]["subtype"], "error");
  EXPECT_NE(responses["c"]["error"].get<std::string>().find("Unsupported control request subtype"), std::string::npos);
  state->finish_peer();
}

TEST(Hooks, RegisteredInInitializeAndCalledWithTypedInput) {
  auto state = std::make_shared<FakeTransport::State>();
  state->on_write = [](FakeTransport::State& s, const json& f) {
    AckControl(s, f);
    if (f.value("type", "") == "user") {
      s.push({{"type", "control_request"}, {"request_id", "h1"},
              {"request", {{"subtype", "hook_callback"}, {"callback_id", "hook_1"},
                           {"input", {{"hook_event_name", "PreToolUse"}, {"session_id", "s"}, {"cwd", "/w"},
                                      {"transcript_path", "/t"}, {"tool_name", "Bash"},
                                      {"tool_input", {{"command", "rm -rf /"}}}, {"tool_use_id", "tu"}}},
                           {"tool_use_id", "tu"}}}});
      s.push({{"type", "control_request"}, {"request_id", "h2"},
              {"request", {{"subtype", "hook_callback"}, {"callback_id", "hook_9"}, {"input", json::object()}}}});
    }
  };
  std::string seen_command, seen_tool_use;
  Options o;
  o.hooks[HookEvent::kPreToolUse].push_back(HookMatcher{
      "Bash",
      {[](const HookInput&, const std::optional<std::string>&, HookContext&) { return HookOutput{}; },
       [&](const HookInput& in, const std::optional<std::string>& id, HookContext&) {
         seen_command = std::get<PreToolUseHookInput>(in).tool_input["command"];
         seen_tool_use = id.value_or("");
         HookOutput out;
         out.hook_specific_output = {{"hookEventName", "PreToolUse"},
                                     {"permissionDecision", "deny"},
                                     {"permissionDecisionReason", "dangerous"}};
         return out;
       }},
      30.0});
  o.hooks[HookEvent::kStop].push_back(
      HookMatcher{std::nullopt, {[](const HookInput&, const std::optional<std::string>&, HookContext&) {
                    HookOutput out;
                    out.continue_ = false;
                    return out;
                  }},
                  std::nullopt});
  auto stream = query("go", std::move(o), std::make_unique<FakeTransport>(state));
  auto written = state->wait_written(4);
  const json& init = written[0]["request"];
  EXPECT_EQ(init["hooks"]["PreToolUse"][0]["matcher"], "Bash");
  EXPECT_EQ(init["hooks"]["PreToolUse"][0]["hookCallbackIds"], json({"hook_0", "hook_1"}));
  EXPECT_EQ(init["hooks"]["PreToolUse"][0]["timeout"], 30.0);
  EXPECT_TRUE(init["hooks"]["Stop"][0]["matcher"].is_null());
  EXPECT_EQ(init["hooks"]["Stop"][0]["hookCallbackIds"], json({"hook_2"}));
  std::map<std::string, json> responses;
  for (const json& w : written) {
    if (w["type"] == "control_response") responses[w["response"]["request_id"]] = w["response"];
  }
  EXPECT_EQ(seen_command, "rm -rf /");
  EXPECT_EQ(seen_tool_use, "tu");
  EXPECT_EQ(responses["h1"]["response"]["hookSpecificOutput"]["permissionDecision"], "deny");
  EXPECT_EQ(responses["h2"]["subtype"], "error");
  EXPECT_EQ(responses["h2"]["error"], "No hook callback found for ID: hook_9");
  state->finish_peer();
}

TEST(Hooks, CancelledCallbackGetsNoResponse) {
  auto state = std::make_shared<FakeTransport::State>();
  std::atomic<bool> release{false};
  state->on_write = [](FakeTransport::State& s, const json& f) {
    AckControl(s, f);
    if (f.value("type", "") == "user") {
      s.push({{"type", "control_request"}, {"request_id", "slow"},
              {"request", {{"subtype", "hook_callback"}, {"callback_id", "hook_0"},
                           {"input", {{"hook_event_name", "Stop"}}}}}});
      s.push({{"type", "control_cancel_request"}, {"request_id", "slow"}});
      s.push({{"type", "control_cancel_request"}, {"request_id", "unknown-id"}});  // a no-op
    }
  };
  Options o;
  o.hooks[HookEvent::kStop].push_back(HookMatcher{
      std::nullopt,
      {[&](const HookInput&, const std::optional<std::string>&, HookContext&) {
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return HookOutput{};
      }},
      std::nullopt});
  auto stream = query("go", std::move(o), std::make_unique<FakeTransport>(state));
  state->wait_written(2);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  release = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (const json& w : state->wait_written(2)) EXPECT_NE(w["type"], "control_response");
  state->finish_peer();
}

TEST(StreamingClient, MultiTurnAndControlRequests) {
  auto state = std::make_shared<FakeTransport::State>();
  state->on_write = EchoPeer;
  Client client({}, std::make_unique<FakeTransport>(state));
  EXPECT_THROW(client.query("too early"), CLIConnectionError);
  client.connect();
  EXPECT_TRUE(client.is_connected());
  EXPECT_EQ(client.server_info()["commands"], json::array());
  for (std::string prompt : {"first", "second"}) {
    client.query(prompt);
    std::vector<Message> turn;
    for (const Message& m : client.receive_response()) turn.push_back(m);
    ASSERT_EQ(turn.size(), 2u);
    EXPECT_EQ(text_of(turn[0]), "echo: " + prompt);
    EXPECT_TRUE(std::holds_alternative<ResultMessage>(turn[1]));
  }
  client.interrupt();
  client.set_model("m-2");
  client.set_model(std::nullopt);
  client.set_permission_mode(PermissionMode::kPlan);
  client.stop_task("task-1");
  client.get_mcp_status();
  auto written = state->wait_written(9);
  std::vector<json> controls;
  for (const json& w : written) {
    if (w["type"] == "control_request") controls.push_back(w["request"]);
  }
  ASSERT_EQ(controls.size(), 7u);
  EXPECT_EQ(controls[1], json({{"subtype", "interrupt"}}));
  EXPECT_EQ(controls[2]["model"], "m-2");
  EXPECT_TRUE(controls[3]["model"].is_null());
  EXPECT_EQ(controls[4]["mode"], "plan");
  EXPECT_EQ(controls[5]["task_id"], "task-1");
  EXPECT_EQ(controls[6]["subtype"], "mcp_status");
  for (const json& w : written) {
    if (w["type"] == "user") EXPECT_EQ(w["session_id"], "default");
  }
  client.disconnect();
  EXPECT_FALSE(client.is_connected());
  EXPECT_THROW(client.interrupt(), CLIConnectionError);
}

TEST(StreamingClient, ErrorResponseAndTimeout) {
  auto state = std::make_shared<FakeTransport::State>();
  state->on_write = [](FakeTransport::State& s, const json& f) {
    if (f.value("type", "") != "control_request") return;
    std::string subtype = f["request"]["subtype"];
    if (subtype == "initialize") AckControl(s, f);
    if (subtype == "set_model") {
      s.push({{"type", "control_response"},
              {"response", {{"subtype", "error"}, {"request_id", f["request_id"]}, {"error", "unknown model"}}}});
    }
    // interrupt: never answered
  };
  Options o;
  o.control_timeout_seconds = 0.2;
  Client client(o, std::make_unique<FakeTransport>(state));
  client.connect();
  try {
    client.set_model("nope");
    FAIL();
  } catch (const SdkError& e) {
    EXPECT_STREQ(e.what(), "unknown model");
  }
  try {
    client.interrupt();
    FAIL();
  } catch (const CLIConnectionError& e) {
    EXPECT_STREQ(e.what(), "Control request timeout: interrupt");
  }
}

TEST(Query, CallbackFormStopsEarly) {
  auto state = std::make_shared<FakeTransport::State>();
  state->on_write = [](FakeTransport::State& s, const json& f) {
    AckControl(s, f);
    if (f.value("type", "") == "user") {
      s.push(AssistantFrame("one"));
      s.push(AssistantFrame("two"));
      s.push(ResultFrame("done"));
      s.finish_peer();
    }
  };
  int seen = 0;
  auto result = query("x", {}, [&](const Message&) { return ++seen < 2; }, std::make_unique<FakeTransport>(state));
  EXPECT_EQ(seen, 2);
  EXPECT_FALSE(result.has_value());
}

TEST(Query, ParseErrorIsThrownAfterEarlierMessages) {
  auto state = std::make_shared<FakeTransport::State>();
  state->on_write = [](FakeTransport::State& s, const json& f) {
    AckControl(s, f);
    if (f.value("type", "") == "user") {
      s.push(AssistantFrame("fine"));
      s.push({{"type", "assistant"}, {"message", {{"content", json::array()}}}});  // no model
      s.finish_peer();
    }
  };
  auto stream = query("x", {}, std::make_unique<FakeTransport>(state));
  auto first = stream.next();
  ASSERT_TRUE(first);
  EXPECT_EQ(text_of(*first), "fine");
  EXPECT_THROW(stream.next(), MessageParseError);
  EXPECT_FALSE(stream.next().has_value());
}

}  // namespace
}  // namespace opencortex
