// The subprocess transport against a stand-in CLI (fake_cli.cpp): argv/env/cwd as sent, stderr,
// exit codes, close escalation and reaping (mirrors test_transport lifecycle cases and
// test_close_cancellation of the Python SDK).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "opencortex/opencortex.h"

namespace opencortex {
namespace {

namespace fs = std::filesystem;

struct FakeCli {
  fs::path dir;
  fs::path log;
  explicit FakeCli(const std::string& mode) {
    dir = fs::temp_directory_path() / ("oc-sdk-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir);
    log = dir / "cli.log";
    setenv("FAKE_CLI_MODE", mode.c_str(), 1);
    setenv("FAKE_CLI_LOG", log.c_str(), 1);
  }
  ~FakeCli() {
    unsetenv("FAKE_CLI_MODE");
    unsetenv("FAKE_CLI_LOG");
    fs::remove_all(dir);
  }
  Options options() const {
    Options o;
    o.cli_path = FAKE_CLI;
    return o;
  }
  std::vector<std::string> lines() const {
    std::ifstream in(log);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  bool logged(const std::string& line) const {
    for (const auto& l : lines()) {
      if (l == line) return true;
    }
    return false;
  }
  static inline int counter = 0;
};

bool ProcessGone(int pid) {
  // Neither running nor a zombie: kill(0) fails with ESRCH once it has been reaped.
  return pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH;
}

TEST(SubprocessQuery, OneTurnWithArgvEnvAndCwd) {
  FakeCli cli("");
  Options o = cli.options();
  o.cwd = cli.dir.string();
  o.model = "offline";
  o.env["FAKE_EXTRA"] = "42";
  std::vector<std::string> stderr_lines;
  o.stderr_callback = [&](const std::string& line) { stderr_lines.push_back(line); };
  setenv("CLAUDECODE", "1", 1);
  std::vector<Message> messages;
  for (const Message& m : query("ping", o)) messages.push_back(m);
  unsetenv("CLAUDECODE");
  ASSERT_EQ(messages.size(), 3u);  // init, assistant, result
  EXPECT_EQ(as_system(messages[0])->subtype, "init");
  EXPECT_EQ(text_of(messages[1]), "echo: ping");
  EXPECT_EQ(std::get<ResultMessage>(messages[2]).result.value(), "echo: ping");
  EXPECT_TRUE(cli.logged("ARG --model"));
  EXPECT_TRUE(cli.logged("ARG offline"));
  EXPECT_TRUE(cli.logged("ARG --input-format"));
  EXPECT_TRUE(cli.logged("ENV CORTEX_CODE_ENTRYPOINT=sdk-cpp"));
  EXPECT_TRUE(cli.logged("ENV FAKE_EXTRA=42"));
  EXPECT_TRUE(cli.logged("ENV PWD=" + cli.dir.string()));
  EXPECT_FALSE(cli.logged("ENV CLAUDECODE=1"));
  EXPECT_TRUE(cli.logged("CWD " + fs::canonical(cli.dir).string()));
  ASSERT_EQ(stderr_lines.size(), 1u);
  EXPECT_EQ(stderr_lines[0], "handled: ping");
}

TEST(SubprocessQuery, NonexistentCwdAndMissingCli) {
  Options o;
  o.cli_path = FAKE_CLI;
  o.cwd = "/no/such/dir";
  try {
    query("x", o);
    FAIL();
  } catch (const CLIConnectionError& e) {
    EXPECT_NE(std::string(e.what()).find("Working directory does not exist"), std::string::npos);
  }
  o.cwd.reset();
  o.cli_path = "/no/such/cortex";
  EXPECT_THROW(query("x", o), CLINotFoundError);
}

TEST(SubprocessQuery, CrashBecomesProcessErrorWithStderr) {
  FakeCli cli("crash");
  auto transport = std::make_unique<SubprocessTransport>(cli.options());
  auto stream = query("x", cli.options(), std::move(transport));
  int pid = 0;  // from the CLI's own message: the transport may have reaped it before query() returned
  try {
    while (stream.next()) {
    }
    FAIL() << "expected ProcessError";
  } catch (const ProcessError& e) {
    EXPECT_EQ(e.exit_code(), 3);
    const std::string& err = e.stderr_output();
    size_t at = err.find("simulated crash in pid ");
    ASSERT_NE(at, std::string::npos) << err;
    pid = std::stoi(err.substr(at + 23));
  }
  EXPECT_TRUE(ProcessGone(pid));
}

TEST(SubprocessClient, InterruptMidTurnThenDisconnectReaps) {
  FakeCli cli("slow");
  auto transport = std::make_unique<SubprocessTransport>(cli.options());
  SubprocessTransport* raw = transport.get();
  int pid = 0;
  {
    Client client(cli.options(), std::move(transport));
    client.connect();
    pid = raw->pid();
    client.query("long task");
    client.interrupt();  // sent while the turn is still running
    int results = 0;
    for (const Message& m : client.receive_response()) results += std::holds_alternative<ResultMessage>(m) ? 1 : 0;
    EXPECT_EQ(results, 1);
    bool sent = false;
    for (const auto& line : cli.lines()) sent = sent || line.find("\"subtype\":\"interrupt\"") != std::string::npos;
    EXPECT_TRUE(sent);
  }
  EXPECT_TRUE(ProcessGone(pid));
}

TEST(SubprocessQuery, ErrorResultThenNonZeroExitIsResultError) {
  FakeCli cli("error_result");
  auto stream = query("x", cli.options());
  bool saw_result = false;
  try {
    while (auto m = stream.next()) {
      if (auto* r = std::get_if<ResultMessage>(&*m)) saw_result = r->is_error;
    }
    FAIL() << "expected ResultError";
  } catch (const ResultError& e) {
    EXPECT_EQ(e.exit_code(), 1);
    EXPECT_EQ(e.subtype(), "error_during_execution");
    ASSERT_EQ(e.errors().size(), 1u);
    EXPECT_NE(std::string(e.what()).find("model exploded"), std::string::npos);
  }
  EXPECT_TRUE(saw_result);
}

TEST(SubprocessQuery, NoiseSkippedUnknownKeptMalformedFatal) {
  {
    FakeCli cli("noisy");
    std::vector<Message> messages;
    for (const Message& m : query("x", cli.options())) messages.push_back(m);
    ASSERT_EQ(messages.size(), 5u);  // init, unknown frame, assistant with unknown block, assistant, result
    EXPECT_EQ(std::get<UnknownMessage>(messages[1]).raw["payload"], 42);
    const auto& a = std::get<AssistantMessage>(messages[2]);
    EXPECT_EQ(std::get<UnknownBlock>(a.content[0]).type, "server_tool_use");
  }
  {
    FakeCli cli("malformed");
    auto stream = query("x", cli.options());
    EXPECT_THROW(
        {
          while (stream.next()) {
          }
        },
        CLIJSONDecodeError);
  }
}

TEST(SubprocessQuery, PermissionCallbackRoundTrip) {
  FakeCli cli("permission");
  Options o = cli.options();
  o.can_use_tool = [](const std::string& tool, const json& input, const ToolPermissionContext&) -> PermissionResult {
    if (tool == "Write" && input["file_path"] == "a.txt") return PermissionResultDeny{"read-only session", false};
    return PermissionResultAllow{};
  };
  std::optional<ResultMessage> result;
  for (const Message& m : query("write it", o)) {
    if (auto* r = std::get_if<ResultMessage>(&m)) result = *r;
  }
  ASSERT_TRUE(result);
  json echoed = json::parse(result->result.value());
  EXPECT_EQ(echoed["subtype"], "success");
  EXPECT_EQ(echoed["response"]["behavior"], "deny");
  EXPECT_EQ(echoed["response"]["message"], "read-only session");
  EXPECT_TRUE(cli.logged("ARG --permission-prompt-tool"));
}

TEST(SubprocessQuery, HookCallbackRoundTrip) {
  FakeCli cli("hook");
  Options o = cli.options();
  o.hooks[HookEvent::kPreToolUse].push_back(HookMatcher{
      "Bash",
      {[](const HookInput& in, const std::optional<std::string>&, HookContext&) {
        HookOutput out;
        if (std::get<PreToolUseHookInput>(in).tool_input["command"].get<std::string>().starts_with("rm")) {
          out.decision = "block";
          out.reason = "no rm";
        }
        return out;
      }},
      std::nullopt});
  std::optional<ResultMessage> result;
  for (const Message& m : query("x", o)) {
    if (auto* r = std::get_if<ResultMessage>(&m)) result = *r;
  }
  ASSERT_TRUE(result);
  json echoed = json::parse(result->result.value());
  EXPECT_EQ(echoed["response"]["decision"], "block");
  EXPECT_EQ(echoed["response"]["reason"], "no rm");
}

TEST(SubprocessClient, MultiTurnThenDisconnectReapsChild) {
  FakeCli cli("");
  int pid = 0;
  {
    auto transport = std::make_unique<SubprocessTransport>(cli.options());
    SubprocessTransport* raw = transport.get();
    Client client(cli.options(), std::move(transport));
    client.connect();
    pid = raw->pid();
    ASSERT_GT(pid, 0);
    for (std::string prompt : {"a", "b", "c"}) {
      client.query(prompt);
      std::string text;
      for (const Message& m : client.receive_response()) text += text_of(m);
      EXPECT_EQ(text, "echo: " + prompt);
    }
    EXPECT_EQ(client.get_mcp_status()["mcpServers"][0]["name"], "s1");
  }
  EXPECT_TRUE(ProcessGone(pid));
}

TEST(SubprocessClient, DestroyMidStreamAndHungCliAreKilledAndReaped) {
  for (std::string mode : {"hang", "ignore_term"}) {
    FakeCli cli(mode);
    auto transport = std::make_unique<SubprocessTransport>(cli.options());
    SubprocessTransport* raw = transport.get();
    int pid = 0;
    auto start = std::chrono::steady_clock::now();
    {
      Client client(cli.options(), std::move(transport));
      client.connect();
      pid = raw->pid();
      client.query("x");
      auto stream = client.receive_messages();
      stream.next();  // take one message, abandon the rest
    }
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(ProcessGone(pid)) << mode;
    // hang: EOF ignored → SIGTERM after the grace period; ignore_term: SIGKILL after 5 s more.
    EXPECT_LT(took, std::chrono::seconds(mode == "hang" ? 5 : 10)) << mode;
  }
}

}  // namespace
}  // namespace opencortex
