// Mode selection and setup (workdir, model registry, session id, transcript) for RunCodeAgent.
#include "code/code_agent.h"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "code/connection_tools.h"
#include "code/json_schema.h"
#include "code/mcp_manager.h"
#include "code/options.h"
#include "code/protocol.h"
#include "code/session.h"
#include "code/settings.h"
#include "code/terminal.h"
#include "code/stream_driver.h"
#include "code/transcript.h"
#include "common/ids.h"
#include "common/log.h"

namespace oc::code {
namespace fs = std::filesystem;
namespace {

constexpr const char* kUsage =
    "Usage: cortex [options] [prompt]\n"
    "  Cortex Code: a coding agent. Modes: interactive (default), print (-p), SDK\n"
    "  (--input-format stream-json --output-format stream-json --verbose).\n"
    "Options:\n"
    "  -p, --print                 answer one prompt and exit\n"
    "  --output-format FMT         text | json | stream-json\n"
    "  --input-format FMT          text | stream-json\n"
    "  -m, --model NAME            model (offline, auto, or a [models.*] name in --config)\n"
    "  --max-turns N               stop after N model calls\n"
    "  --system-prompt TEXT, --append-system-prompt TEXT\n"
    "  --permission-mode MODE      default | acceptEdits | plan | bypassPermissions\n"
    "  --allowedTools LIST, --disallowedTools LIST   rules such as Read,Bash(git status:*)\n"
    "  --permission-prompt-tool stdio                ask the SDK (can_use_tool)\n"
    "  -w, --workdir DIR, --add-dir DIR              where tools may work\n"
    "  --session-id UUID, -r/--resume ID|last, --continue, --fork-session\n"
    "  --include-partial-messages, --verbose, -v/--version\n"
    "Subcommands: serve, token, user, version (see cortex <subcommand> --help)\n";

class PrintHost : public SessionHost {
public:
    explicit PrintHost(NdjsonWriter* writer) : writer_(writer) {}
    void Emit(const Json& frame) override {
        if (writer_) writer_->Write(frame);
    }

private:
    NdjsonWriter* writer_;
};

// A failure before the first turn: an error result in stream-json, else one stderr line.
int StartupError(const CodeOptions& o, const std::string& session_id, const std::string& message) {
    if (o.output_format == "stream-json" || o.output_format == "json") {
        TurnSummary s;
        s.subtype = "error_during_execution";
        s.is_error = true;
        s.errors = {message};
        s.stop_reason = "";
        s.terminal_reason = "model_error";
        NdjsonWriter(stdout).Write(ResultFrame(session_id, s));
    }
    std::fprintf(stderr, "error: %s\n", message.c_str());
    return 1;
}

void OnSigint(int) { InterruptActiveTurn(); }

int RunPrint(Session& session, const CodeOptions& o, const std::string& prompt) {
    NdjsonWriter writer(stdout);
    PrintHost host(o.output_format == "stream-json" ? &writer : nullptr);
    if (o.output_format == "stream-json") host.Emit(session.InitFrame());  // else nobody sees it
    llm::CancelToken cancel;
    const TurnSummary s = session.RunTurn(Json(prompt), host, cancel);
    if (o.output_format == "stream-json" || o.output_format == "json") {
        writer.Write(ResultFrame(session.session_id(), s));
    } else if (s.subtype == "success" && !s.result.empty()) {
        std::printf("%s\n", s.result.c_str());
        std::fflush(stdout);
    }
    if (s.is_error && o.output_format == "text") {
        std::string text;
        for (const auto& e : s.errors) text += (text.empty() ? "" : "; ") + e;
        std::fprintf(stderr, "error: %s\n", text.empty() ? s.result.c_str() : text.c_str());
    }
    return s.is_error ? 1 : 0;
}

bool DrivenBySdk() {
    for (const char* var : {"CLAUDE_CODE_ENTRYPOINT", "CORTEX_CODE_ENTRYPOINT"}) {
        const char* v = std::getenv(var);
        if (v && std::string(v).rfind("sdk-", 0) == 0) return true;
    }
    return false;
}

}  // namespace

int RunCodeAgent(int argc, char** argv) {
    InitLogging("warn");
    auto parsed = ParseCodeArgs(argc, argv);
    if (!parsed) {
        std::fprintf(stderr, "error: %s\n", parsed.error().message.c_str());
        return 2;
    }
    CodeOptions o = std::move(*parsed);
    if (o.version) {
        std::printf("%s (Cortex Code)\n", kCodeVersion);
        return 0;
    }
    if (o.help) {
        std::fputs(kUsage, stdout);
        return 0;
    }
    if (!o.unknown_flags.empty()) {
        if (!o.SdkMode() && !DrivenBySdk()) {
            std::fprintf(stderr, "error: unknown option '%s'; see cortex --help\n", o.unknown_flags[0].c_str());
            return 2;
        }
        for (const auto& f : o.unknown_flags) std::fprintf(stderr, "warning: ignoring unknown option %s\n", f.c_str());
    }
    std::error_code ec;
    const fs::path workdir = fs::weakly_canonical(o.workdir.empty() ? fs::current_path(ec) : fs::path(o.workdir), ec);
    if (ec || !fs::is_directory(workdir)) {
        std::fprintf(stderr, "error: --workdir is not a directory: %s\n", o.workdir.c_str());
        return 2;
    }
    std::vector<std::string> roots = {workdir.string()};
    for (const auto& d : o.add_dirs) roots.push_back(fs::weakly_canonical(workdir / d, ec).string());

    std::string session_id = o.session_id.empty() ? NewUuid() : o.session_id;
    auto registry = llm::ModelRegistry::Load(o.config_path);
    if (!registry) return StartupError(o, session_id, registry.error().message);
    if (!o.model.empty() && o.model != "auto") {
        auto resolved = (*registry)->Resolve(o.model);
        if (!resolved) return StartupError(o, session_id, resolved.error().message);
    }
    std::vector<llm::Message> history;
    if (o.resume || o.continue_session) {
        std::string id = o.resume.value_or("last");
        if (id == "last") {
            auto latest = LatestSession(workdir.string());
            if (!latest) return StartupError(o, session_id, latest.error().message);
            id = *latest;
        }
        auto loaded = LoadTranscript(id);
        if (!loaded) return StartupError(o, session_id, loaded.error().message);
        history = std::move(*loaded);
        session_id = o.fork_session ? (o.session_id.empty() ? NewUuid() : o.session_id) : id;
    }
    std::unique_ptr<Transcript> transcript;
    if (!o.no_session_persistence) {
        auto opened = Transcript::Open(session_id, workdir.string());
        if (opened) transcript = std::move(*opened);
        else std::fprintf(stderr, "warning: %s\n", opened.error().message.c_str());
    }
    auto mcp = std::make_shared<McpManager>();
    if (!o.no_mcp) {
        std::vector<McpServerConfig> configs;
        for (const std::string& value : o.mcp_configs) {
            auto parsed_config = ParseMcpConfig(value);
            if (!parsed_config) return StartupError(o, session_id, parsed_config.error().message);
            configs.insert(configs.end(), parsed_config->begin(), parsed_config->end());
        }
        mcp->Start(configs);
        if (!o.SdkMode()) mcp->FailPendingSdk("in-process SDK MCP servers need an SDK host (stream-json mode)");
        for (const auto& s : mcp->Failed())
            std::fprintf(stderr, "warning: MCP server %s: %s\n", s.name.c_str(), s.error.c_str());
    }
    auto settings = LoadSettings(o.settings, o.setting_sources, workdir.string());
    if (!settings) return StartupError(o, session_id, settings.error().message);
    o.allowed_tools.insert(o.allowed_tools.end(), settings->allow.begin(), settings->allow.end());
    o.disallowed_tools.insert(o.disallowed_tools.end(), settings->deny.begin(), settings->deny.end());
    PermissionPolicy policy(o.allowed_tools, o.disallowed_tools, o.permission_mode, roots, workdir.string());
    SessionConfig config{session_id, o.model == "auto" ? "" : o.model, o.system_prompt,
                         o.append_system_prompt, o.max_turns, o.include_partial_messages,
                         workdir.string(), roots, o.tools, o.permission_prompt_tool,
                         {}, mcp};
    auto prices = PriceTable::Load(o.config_path);
    if (!prices) return StartupError(o, session_id, prices.error().message);
    config.prices = std::move(*prices);
    config.max_budget_usd = o.max_budget_usd;
    if (!o.json_schema.empty()) {
        Json schema = Json::parse(o.json_schema, nullptr, false);
        if (schema.is_discarded()) return StartupError(o, session_id, "--json-schema is not valid JSON");
        if (Status st = CheckStructuredOutputSchema(schema); !st) return StartupError(o, session_id, st.error().message);
        config.json_schema = std::move(schema);
    }
    auto connection = ResolveConnection(o.connection, o.config_path, workdir.string());
    if (!connection) return StartupError(o, session_id, connection.error().message);
    if (connection->HasSql()) config.extra_tools.push_back(MakeSqlTool(*connection));
    if (connection->HasAgentService()) config.extra_tools.push_back(MakeCortexAgentTool(*connection));
    Json agent_defs = Json::object();
    if (!o.agents_json.empty()) {
        agent_defs = Json::parse(o.agents_json, nullptr, false);
        if (agent_defs.is_discarded() || !agent_defs.is_object())
            return StartupError(o, session_id, "--agents must be a JSON object {name: {description, prompt, ...}}");
    }
    Session session(std::move(config), registry->get(), &policy, transcript.get());
    session.SetAgentDefinitions(agent_defs);
    session.SetHistory(std::move(history));
    session.AddHooks(std::move(settings->hooks));
    SetEmitHookEvents(o.include_hook_events && o.output_format == "stream-json");
    std::signal(SIGPIPE, SIG_IGN);

    if (o.SdkMode()) {
        std::signal(SIGINT, OnSigint);
        NdjsonWriter writer(stdout);
        return RunStreamJson(session, policy, **registry, o, std::cin, writer);
    }
    std::string prompt = o.prompt;
    if (prompt.empty() && (o.print || !isatty(0))) {
        std::stringstream all;
        all << std::cin.rdbuf();
        prompt = all.str();
    }
    if (o.print || !prompt.empty()) {
        if (prompt.find_first_not_of(" \t\r\n") == std::string::npos) {
            std::fprintf(stderr, "error: no prompt given: use cortex -p \"prompt\" or pipe one on stdin\n");
            return 2;
        }
        return RunPrint(session, o, prompt);
    }
    std::signal(SIGINT, OnSigint);
    return RunTerminal(session, policy, **registry, o, workdir.string());
}

}  // namespace oc::code
