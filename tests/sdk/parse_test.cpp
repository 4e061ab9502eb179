// Message parsing, framing and argv building (mirrors the Python SDK's test_message_parser,
// test_subprocess_buffering and test_transport argv cases).
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "opencortex/opencortex.h"

namespace opencortex {
namespace {

TEST(MessageParser, AssistantWithAllBlockKinds) {
  json frame = json::parse(R"J({"type":"assistant","message":{"id":"msg_1","model":"m1","stop_reason":"tool_use",
    "usage":{"input_tokens":5},"content":[{"type":"text","text":"hi"},{"type":"thinking","thinking":"hmm","signature":"sig"},
    {"type":"tool_use","id":"t1","name":"Bash","input":{"command":"ls"}},{"type":"redacted_thinking","data":"x"}]},
    "parent_tool_use_id":"p1","session_id":"s","uuid":"u","error":"rate_limit"})J");
  Message m = parse_message(frame);
  const auto& a = std::get<AssistantMessage>(m);
  EXPECT_EQ(a.model, "m1");
  ASSERT_EQ(a.content.size(), 4u);
  EXPECT_EQ(std::get<TextBlock>(a.content[0]).text, "hi");
  EXPECT_EQ(std::get<ThinkingBlock>(a.content[1]).signature, "sig");
  EXPECT_EQ(std::get<ToolUseBlock>(a.content[2]).input["command"], "ls");
  EXPECT_EQ(std::get<UnknownBlock>(a.content[3]).type, "redacted_thinking");
  EXPECT_EQ(a.parent_tool_use_id.value(), "p1");
  EXPECT_EQ(a.error.value(), AssistantMessageError::kRateLimit);
  EXPECT_EQ(a.message_id.value(), "msg_1");
  EXPECT_EQ(a.stop_reason.value(), "tool_use");
  EXPECT_EQ(a.usage["input_tokens"], 5);
  EXPECT_EQ(text_of(m), "hi");
}

TEST(MessageParser, AssistantErrorsForMissingFields) {
  EXPECT_THROW(parse_message(json::parse(R"J({"type":"assistant","message":{"content":[]}})J")), MessageParseError);
  EXPECT_THROW(parse_message(json::parse(R"J({"type":"assistant","message":{"model":"m","content":"text"}})J")),
               MessageParseError);
  EXPECT_THROW(parse_message(json::parse(R"J({"type":"assistant","message":{"model":"m","content":[1]}})J")),
               MessageParseError);
  try {
    parse_message(json::parse(R"J({"type":"result","subtype":"success"})J"));
    FAIL();
  } catch (const MessageParseError& e) {
    EXPECT_NE(std::string(e.what()).find("duration_ms"), std::string::npos);
  }
}

TEST(MessageParser, UserStringAndToolResults) {
  auto m = parse_message(json::parse(R"J({"type":"user","message":{"role":"user","content":"hello"},"uuid":"u1"})J"));
  EXPECT_EQ(std::get<std::string>(std::get<UserMessage>(m).content), "hello");
  EXPECT_EQ(std::get<UserMessage>(m).uuid.value(), "u1");
  m = parse_message(json::parse(R"J({"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t1",
      "content":"out","is_error":true}]},"tool_use_result":{"stdout":"out"}})J"));
  const auto& blocks = std::get<std::vector<ContentBlock>>(std::get<UserMessage>(m).content);
  const auto& r = std::get<ToolResultBlock>(blocks[0]);
  EXPECT_EQ(r.tool_use_id, "t1");
  EXPECT_EQ(r.content, "out");
  EXPECT_TRUE(r.is_error.value());
  EXPECT_EQ(std::get<UserMessage>(m).tool_use_result["stdout"], "out");
}

TEST(MessageParser, ResultFields) {
  auto m = parse_message(json::parse(R"J({"type":"result","subtype":"error_max_turns","is_error":true,"duration_ms":9,
    "duration_api_ms":8,"num_turns":3,"session_id":"s","total_cost_usd":0.5,"errors":["Reached maximum number of turns (3)"],
    "structured_output":{"a":1},"modelUsage":{"m":{}},"terminal_reason":"max_turns","future_field":7})J"));
  const auto& r = std::get<ResultMessage>(m);
  EXPECT_TRUE(r.is_error);
  EXPECT_EQ(r.num_turns, 3);
  EXPECT_DOUBLE_EQ(r.total_cost_usd.value(), 0.5);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.structured_output["a"], 1);
  EXPECT_EQ(r.terminal_reason.value(), "max_turns");
  EXPECT_EQ(r.raw["future_field"], 7);  // unknown fields kept
}

TEST(MessageParser, SystemTaskSubclasses) {
  auto m = parse_message(json::parse(R"J({"type":"system","subtype":"task_started","task_id":"t","description":"d",
    "uuid":"u","session_id":"s","task_type":"local_agent"})J"));
  EXPECT_EQ(std::get<TaskStartedMessage>(m).task_type.value(), "local_agent");
  ASSERT_NE(as_system(m), nullptr);
  EXPECT_EQ(as_system(m)->subtype, "task_started");
  m = parse_message(json::parse(R"J({"type":"system","subtype":"task_notification","task_id":"t","status":"stopped",
    "output_file":"","summary":"s","uuid":"u","session_id":"s"})J"));
  EXPECT_EQ(std::get<TaskNotificationMessage>(m).status, "stopped");
  m = parse_message(json::parse(R"J({"type":"system","subtype":"task_progress","task_id":"t","description":"d",
    "usage":{"tool_uses":2},"uuid":"u","session_id":"s"})J"));
  EXPECT_EQ(std::get<TaskProgressMessage>(m).usage["tool_uses"], 2);
  EXPECT_THROW(parse_message(json::parse(R"J({"type":"system","subtype":"task_started","task_id":"t"})J")),
               MessageParseError);
  m = parse_message(json::parse(R"J({"type":"system","subtype":"init","model":"x"})J"));
  EXPECT_EQ(std::get<SystemMessage>(m).data["model"], "x");
}

TEST(MessageParser, StreamRateLimitAndUnknown) {
  auto m = parse_message(json::parse(R"J({"type":"stream_event","uuid":"u","session_id":"s",
    "event":{"type":"content_block_delta","delta":{"type":"text_delta","text":"He"}}})J"));
  EXPECT_EQ(std::get<StreamEvent>(m).event["delta"]["text"], "He");
  m = parse_message(json::parse(R"J({"type":"rate_limit_event","uuid":"u","session_id":"s",
    "rate_limit_info":{"status":"allowed_warning"}})J"));
  EXPECT_EQ(std::get<RateLimitEvent>(m).status, "allowed_warning");
  m = parse_message(json::parse(R"J({"type":"something_new","x":1})J"));
  EXPECT_EQ(std::get<UnknownMessage>(m).type, "something_new");
  EXPECT_EQ(as_system(m), nullptr);
}

TEST(HookInputs, TypedPerEvent) {
  HookInput in = parse_hook_input(json::parse(R"J({"hook_event_name":"PreToolUse","session_id":"s","cwd":"/w",
    "transcript_path":"/t","permission_mode":"plan","tool_name":"Bash","tool_input":{"command":"ls"},"tool_use_id":"t1"})J"));
  const auto& pre = std::get<PreToolUseHookInput>(in);
  EXPECT_EQ(pre.tool_name, "Bash");
  EXPECT_EQ(pre.permission_mode.value(), "plan");
  EXPECT_EQ(base_of(in).cwd, "/w");
  in = parse_hook_input(json::parse(R"J({"hook_event_name":"SubagentStop","stop_hook_active":true,"agent_id":"a"})J"));
  EXPECT_TRUE(std::get<SubagentStopHookInput>(in).stop_hook_active);
  in = parse_hook_input(json::parse(R"J({"hook_event_name":"PreCompact","trigger":"manual","custom_instructions":null})J"));
  EXPECT_EQ(std::get<PreCompactHookInput>(in).trigger, "manual");
  EXPECT_FALSE(std::get<PreCompactHookInput>(in).custom_instructions.has_value());
  in = parse_hook_input(json::parse(R"J({"hook_event_name":"Notification","message":"waiting","notification_type":"idle"})J"));
  EXPECT_EQ(std::get<NotificationHookInput>(in).message, "waiting");
  in = parse_hook_input(json::parse(R"J({"hook_event_name":"SessionStart","source":"startup"})J"));
  EXPECT_EQ(std::get<UnknownHookInput>(in).raw["source"], "startup");
}

TEST(HookOutputs, WireNames) {
  HookOutput out;
  EXPECT_EQ(out.to_json(), json::object());
  out.continue_ = false;
  out.stop_reason = "enough";
  out.decision = "block";
  out.system_message = "note";
  out.hook_specific_output = {{"hookEventName", "PreToolUse"}, {"permissionDecision", "deny"}};
  json j = out.to_json();
  EXPECT_EQ(j["continue"], false);
  EXPECT_EQ(j["stopReason"], "enough");
  EXPECT_EQ(j["systemMessage"], "note");
  EXPECT_EQ(j["hookSpecificOutput"]["permissionDecision"], "deny");
  EXPECT_FALSE(j.contains("continue_"));
}

TEST(FrameDecoder, SplitsJoinsAndSkips) {
  FrameDecoder d;
  std::vector<json> out;
  d.feed("{\"a\":1}\n{\"b\":", out);
  ASSERT_EQ(out.size(), 1u);
  d.feed("2}\r\n\nnot json\n  {\"c\":\"x\\ny\"}\n", out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1]["b"], 2);
  EXPECT_EQ(out[2]["c"], "x\ny");  // escaped newline inside a string is not a frame break
  d.feed("{\"last\":true}", out);
  EXPECT_EQ(out.size(), 3u);
  auto last = d.finish();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ((*last)["last"], true);
}

TEST(FrameDecoder, MalformedAndOversizedLinesThrow) {
  FrameDecoder d;
  std::vector<json> out;
  EXPECT_THROW(d.feed("{\"type\": broken\n", out), CLIJSONDecodeError);
  FrameDecoder small(16);
  EXPECT_THROW(small.feed("{\"a\":\"0123456789012345678901234567890\"}\n", out), CLIJSONDecodeError);
  FrameDecoder truncated;
  truncated.feed("{\"a\":", out);
  EXPECT_FALSE(truncated.finish().has_value());  // a truncated final line is dropped
}

bool Has(const std::vector<std::string>& args, const std::string& a) {
  return std::find(args.begin(), args.end(), a) != args.end();
}

std::string After(const std::vector<std::string>& args, const std::string& flag) {
  auto it = std::find(args.begin(), args.end(), flag);
  return it == args.end() || it + 1 == args.end() ? "<none>" : *(it + 1);
}

TEST(CommandArgs, Defaults) {
  auto args = build_command_args(Options{});
  ASSERT_GE(args.size(), 5u);
  EXPECT_EQ(args[0], "--output-format");
  EXPECT_EQ(args[1], "stream-json");
  EXPECT_EQ(args[2], "--verbose");
  EXPECT_EQ(After(args, "--system-prompt"), "");
  EXPECT_EQ(args[args.size() - 2], "--input-format");
  EXPECT_EQ(args.back(), "stream-json");
  EXPECT_FALSE(Has(args, "--print"));
  EXPECT_FALSE(Has(args, "--permission-prompt-tool"));
}

TEST(CommandArgs, EveryOption) {
  Options o;
  o.model = "offline";
  o.connection = "dev";
  o.profile = "team";
  o.permission_mode = PermissionMode::kAcceptEdits;
  o.dangerously_allow_all_tool_calls = true;
  o.allowed_tools = {"Read", "Bash(git status:*)"};
  o.disallowed_tools = {"Write"};
  o.max_turns = 3;
  o.effort = "high";
  o.system_prompt = SystemPromptPreset{"Be brief"};
  o.continue_conversation = true;
  o.resume = "-abc";
  o.fork_session = true;
  o.add_dirs = {"/a", "/b"};
  o.plugins = {{"/plug"}};
  o.mcp_servers["fs"] = McpStdioServer{"npx", {"-y", "srv"}, {}};
  o.mcp_servers["web"] = McpHttpServer{"http://127.0.0.1:1/mcp", {{"Authorization", "Bearer x"}}};
  o.can_use_tool = [](const std::string&, const json&, const ToolPermissionContext&) -> PermissionResult {
    return PermissionResultAllow{};
  };
  o.include_partial_messages = true;
  o.output_format = json{{"type", "json_schema"}, {"schema", {{"type", "object"}}}};
  o.no_mcp = true;
  o.session_id = "11111111-2222-3333-4444-555555555555";
  o.setting_sources = std::vector<std::string>{};
  o.extra_args = {{"flag", std::nullopt}, {"neg", "-1"}, {"foo", "bar"}};
  auto args = build_command_args(o);
  EXPECT_EQ(After(args, "--model"), "offline");
  EXPECT_EQ(After(args, "--connection"), "dev");
  EXPECT_EQ(After(args, "--profile"), "team");
  EXPECT_EQ(After(args, "--permission-mode"), "acceptEdits");
  EXPECT_TRUE(Has(args, "--dangerously-allow-all-tool-calls"));
  EXPECT_EQ(After(args, "--allowedTools"), "Read,Bash(git status:*)");
  EXPECT_EQ(After(args, "--disallowedTools"), "Write");
  EXPECT_EQ(After(args, "--max-turns"), "3");
  EXPECT_EQ(After(args, "--effort"), "high");
  EXPECT_EQ(After(args, "--append-system-prompt"), "Be brief");
  EXPECT_FALSE(Has(args, "--system-prompt"));
  EXPECT_TRUE(Has(args, "--continue"));
  EXPECT_TRUE(Has(args, "--resume=-abc"));  // equals form: a dash-leading id is not a flag
  EXPECT_TRUE(Has(args, "--fork-session"));
  EXPECT_EQ(std::count(args.begin(), args.end(), "--add-dir"), 2);
  EXPECT_EQ(After(args, "--plugin-dir"), "/plug");
  json mcp = json::parse(After(args, "--mcp-config"));
  EXPECT_EQ(mcp["mcpServers"]["fs"]["type"], "stdio");
  EXPECT_EQ(mcp["mcpServers"]["fs"]["args"][1], "srv");
  EXPECT_EQ(mcp["mcpServers"]["web"]["type"], "http");
  EXPECT_EQ(mcp["mcpServers"]["web"]["headers"]["Authorization"], "Bearer x");
  EXPECT_EQ(After(args, "--permission-prompt-tool"), "stdio");
  EXPECT_TRUE(Has(args, "--include-partial-messages"));
  EXPECT_EQ(json::parse(After(args, "--json-schema")), json({{"type", "object"}}));
  EXPECT_TRUE(Has(args, "--no-mcp"));
  EXPECT_TRUE(Has(args, "--session-id=11111111-2222-3333-4444-555555555555"));
  EXPECT_TRUE(Has(args, "--setting-sources="));
  EXPECT_TRUE(Has(args, "--flag"));
  EXPECT_TRUE(Has(args, "--neg=-1"));
  EXPECT_EQ(After(args, "--foo"), "bar");
  EXPECT_EQ(args.back(), "stream-json");
}

TEST(CommandArgs, SystemPromptString) {
  Options o;
  o.system_prompt = std::string("You are X");
  EXPECT_EQ(After(build_command_args(o), "--system-prompt"), "You are X");
  o.system_prompt = SystemPromptPreset{};
  auto args = build_command_args(o);
  EXPECT_FALSE(Has(args, "--system-prompt"));
  EXPECT_FALSE(Has(args, "--append-system-prompt"));
}

TEST(CliDiscovery, OptionThenEnvThenPath) {
  Options o;
  o.cli_path = "/definitely/not/here/cortex";
  EXPECT_THROW(find_cli(o), CLINotFoundError);
  o.cli_path = FAKE_CLI;
  EXPECT_EQ(find_cli(o), FAKE_CLI);
  Options env_only;
  setenv("CORTEX_CODE_CLI_PATH", FAKE_CLI, 1);
  EXPECT_EQ(find_cli(env_only), FAKE_CLI);
  setenv("CORTEX_CODE_CLI_PATH", "/nope/cortex", 1);
  EXPECT_THROW(find_cli(env_only), CLINotFoundError);
  unsetenv("CORTEX_CODE_CLI_PATH");
  std::string old_path = getenv("PATH") ? getenv("PATH") : "";
  // A directory on PATH holding an executable named `cortex`.
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("oc-sdk-path-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::remove(dir / "cortex");
  std::filesystem::create_symlink(FAKE_CLI, dir / "cortex");
  setenv("PATH", ("/nonexistent-dir:" + dir.string()).c_str(), 1);
  EXPECT_EQ(find_cli(env_only), (dir / "cortex").string());
  std::filesystem::remove_all(dir);
  setenv("PATH", "/nonexistent-dir", 1);
  std::string old_home = getenv("HOME") ? getenv("HOME") : "";
  setenv("HOME", "/nonexistent-home", 1);
  EXPECT_THROW(find_cli(env_only), CLINotFoundError);
  setenv("PATH", old_path.c_str(), 1);
  setenv("HOME", old_home.c_str(), 1);
}

}  // namespace
}  // namespace opencortex
