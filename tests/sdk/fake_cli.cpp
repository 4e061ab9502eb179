// A stand-in for the `cortex` CLI (protocol reference, Appendix A) that the SDK tests spawn.
// FAKE_CLI_MODE picks a behaviour; FAKE_CLI_LOG (a file) receives argv, selected env vars and
// every stdin line, so tests can assert exactly what the SDK sent.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

using json = nlohmann::json;

namespace {

std::ofstream g_log;
std::string g_mode;
int g_seq = 0;

void Emit(const json& frame) { std::cout << frame.dump() << "\n" << std::flush; }

void Log(const std::string& line) {
  if (g_log.is_open()) g_log << line << "\n" << std::flush;
}

json Result(bool error, const std::string& text) {
  json r = {{"type", "result"},       {"subtype", error ? "error_during_execution" : "success"},
            {"is_error", error},      {"duration_ms", 5},
            {"duration_api_ms", 1},   {"num_turns", 1},
            {"session_id", "fake-session"}, {"stop_reason", "end_turn"},
            {"total_cost_usd", 0.0},  {"usage", {{"input_tokens", 3}, {"output_tokens", 2}}},
            {"modelUsage", json::object()}, {"permission_denials", json::array()},
            {"uuid", "u-" + std::to_string(++g_seq)}};
  if (error) {
    r["errors"] = json::array({text});
  } else {
    r["result"] = text;
  }
  return r;
}

json Assistant(const std::string& text) {
  return {{"type", "assistant"},
          {"message",
           {{"id", "msg_1"}, {"type", "message"}, {"role", "assistant"}, {"model", "fake-model"},
            {"content", json::array({{{"type", "text"}, {"text", text}}})}, {"stop_reason", "end_turn"}}},
          {"parent_tool_use_id", nullptr}, {"session_id", "fake-session"}, {"uuid", "a-" + std::to_string(++g_seq)}};
}

// Reads stdin lines until a control_response for `id` arrives; answers control requests meanwhile.
json AwaitResponse(const std::string& id) {
  std::string line;
  while (std::getline(std::cin, line)) {
    Log(line);
    json frame = json::parse(line, nullptr, false);
    if (frame.is_discarded()) continue;
    if (frame.value("type", "") == "control_response" && frame["response"].value("request_id", "") == id) {
      return frame["response"];
    }
  }
  return json();
}

std::string PromptOf(const json& frame) {
  const json& content = frame["message"]["content"];
  if (content.is_string()) return content.get<std::string>();
  std::string text;
  for (const json& block : content) text += block.value("text", "");
  return text;
}

void HandleUser(const json& frame) {
  std::string prompt = PromptOf(frame);
  Emit({{"type", "system"}, {"subtype", "init"}, {"session_id", "fake-session"}, {"uuid", "init"},
        {"model", "fake-model"}, {"tools", json::array({"Read"})}});
  if (g_mode == "permission") {
    Emit({{"type", "control_request"}, {"request_id", "cli_1"},
          {"request", {{"subtype", "can_use_tool"}, {"tool_name", "Write"}, {"input", {{"file_path", "a.txt"}}},
                       {"tool_use_id", "toolu_1"}, {"permission_suggestions", nullptr}, {"blocked_path", nullptr}}}});
    json response = AwaitResponse("cli_1");
    Emit(Assistant(response.dump()));
    Emit(Result(false, response.dump()));
    return;
  }
  if (g_mode == "hook") {
    Emit({{"type", "control_request"}, {"request_id", "cli_2"},
          {"request", {{"subtype", "hook_callback"}, {"callback_id", "hook_0"},
                       {"input", {{"session_id", "fake-session"}, {"transcript_path", "/t.jsonl"}, {"cwd", "/w"},
                                  {"hook_event_name", "PreToolUse"}, {"tool_name", "Bash"},
                                  {"tool_input", {{"command", "rm -rf x"}}}, {"tool_use_id", "toolu_9"}}},
                       {"tool_use_id", "toolu_9"}}}});
    json response = AwaitResponse("cli_2");
    Emit(Assistant(response.dump()));
    Emit(Result(false, response.dump()));
    return;
  }
  if (g_mode == "error_result") {
    Emit(Result(true, "model exploded"));
    return;
  }
  if (g_mode == "crash") {
    std::cerr << "fatal: simulated crash in pid " << ::getpid() << "\n" << std::flush;
    std::_Exit(3);
  }
  if (g_mode == "noisy") {
    std::cout << "debug: not json\n\n" << std::flush;
    Emit({{"type", "brand_new_frame"}, {"payload", 42}});
    json blocks = json::array();
    blocks.push_back({{"type", "server_tool_use"}, {"id", "s1"}, {"name", "web"}, {"input", json::object()}});
    blocks.push_back({{"type", "text"}, {"text", "ok"}});
    Emit({{"type", "assistant"}, {"message", {{"model", "fake-model"}, {"content", blocks}}}});
  }
  if (g_mode == "malformed") {
    std::cout << "{\"type\": broken\n" << std::flush;
  }
  if (g_mode == "slow") std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::cerr << "handled: " << prompt << "\n" << std::flush;
  Emit(Assistant("echo: " + prompt));
  Emit(Result(false, "echo: " + prompt));
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-v" || a == "-V" || a == "--version") {
      std::cout << "2.1.0 (Fake CLI)\n";
      return 0;
    }
  }
  const char* mode = std::getenv("FAKE_CLI_MODE");
  g_mode = mode ? mode : "";
  if (const char* log = std::getenv("FAKE_CLI_LOG")) g_log.open(log);
  for (int i = 1; i < argc; ++i) Log(std::string("ARG ") + argv[i]);
  for (const char* var : {"CORTEX_CODE_ENTRYPOINT", "FAKE_EXTRA", "PWD", "CLAUDECODE"}) {
    if (const char* v = std::getenv(var)) Log(std::string("ENV ") + var + "=" + v);
  }
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd) != nullptr) Log(std::string("CWD ") + cwd);
  if (g_mode == "ignore_term") signal(SIGTERM, SIG_IGN);

  bool last_error = false;
  std::string line;
  while (std::getline(std::cin, line)) {
    Log(line);
    json frame = json::parse(line, nullptr, false);
    if (frame.is_discarded()) continue;
    std::string type = frame.value("type", "");
    if (type == "control_request") {
      const json& request = frame["request"];
      std::string subtype = request.value("subtype", "");
      if (g_mode == "no_init" && subtype == "initialize") continue;
      json body = json::object();
      if (subtype == "initialize") body = {{"commands", json::array()}, {"claude_code_version", "2.1.0"}};
      if (subtype == "mcp_status") body = {{"mcpServers", json::array({{{"name", "s1"}, {"status", "connected"}}})}};
      if (subtype == "set_model" || subtype == "interrupt" || subtype == "set_permission_mode" ||
          subtype == "stop_task" || subtype == "initialize" || subtype == "mcp_status") {
        Emit({{"type", "control_response"},
              {"response", {{"subtype", "success"}, {"request_id", frame["request_id"]}, {"response", body}}}});
      } else {
        Emit({{"type", "control_response"},
              {"response", {{"subtype", "error"}, {"request_id", frame["request_id"]},
                            {"error", "Unsupported control request subtype: " + subtype}}}});
      }
      continue;
    }
    if (type == "user") {
      HandleUser(frame);
      last_error = g_mode == "error_result";
    }
  }
  if (g_mode == "hang" || g_mode == "ignore_term") {
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  return last_error ? 1 : 0;
}
