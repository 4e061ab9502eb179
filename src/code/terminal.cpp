// Terminal session loop, slash commands and the permission prompt.
#include "code/terminal.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>

#include "code/line_editor.h"
#include "code/settings.h"
#include "code/stream_driver.h"
#include "code/transcript.h"

namespace oc::code {
namespace {

constexpr const char* kHelp =
    "Commands:\n"
    "  /help            this list\n"
    "  /model [NAME]    show or switch the model\n"
    "  /clear           start the conversation afresh\n"
    "  /resume [ID]     load a saved conversation (default: the latest in this directory)\n"
    "  /exit            leave (also Ctrl-D, or Ctrl-C twice at an empty prompt)\n"
    "Keys: arrows, Home/End, Ctrl-A/E/K/U/W, Up/Down history; Ctrl-C interrupts a running turn.\n";

void Print(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

// A one-line rendering of a tool input: its first string value.
std::string Summary(const Json& input) {
    std::string text;
    if (input.is_object())
        for (auto it = input.begin(); it != input.end(); ++it)
            if (it.value().is_string()) {
                text = it.value().get<std::string>();
                break;
            }
    if (text.empty()) text = DumpJson(input);
    if (text.size() > 80) text = text.substr(0, 77) + "...";
    return text;
}

// SIGINT for the whole interactive session. A Ctrl-C typed while the tty is in cooked mode
// arrives as SIGINT: during a turn it cancels the turn; otherwise (between two prompts, when the
// line editor has released the tty and not yet retaken it, or between Enter and the turn's
// start) it is latched in a pipe that the next prompt reads as a Ctrl-C key and a starting
// turn takes as its interrupt.
int g_latch[2] = {-1, -1};

// Async-signal-safe (one write).
void PostInterrupt() {
    const char b = 1;
    (void)!write(g_latch[1], &b, 1);
}

void OnSessionSigint(int) {
    const int saved = errno;
    if (!InterruptActiveTurn()) PostInterrupt();
    errno = saved;
}

bool TakeInterrupt() {
    char b;
    return g_latch[0] >= 0 && read(g_latch[0], &b, 1) == 1;
}

// Installs the handler (once per process); false when the latch pipe cannot be made.
bool InstallSessionSigint() {
    if (g_latch[0] < 0) {
        if (pipe(g_latch) != 0) return false;
        for (int fd : g_latch) {
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
            fcntl(fd, F_SETFD, FD_CLOEXEC);
        }
    }
    struct sigaction sa {};
    sa.sa_handler = OnSessionSigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    return sigaction(SIGINT, &sa, nullptr) == 0;
}

class TerminalHost : public SessionHost {
public:
    TerminalHost(LineEditor& editor, PermissionPolicy& policy) : editor_(editor), policy_(policy) {}

    void Emit(const Json& frame) override {
        const std::string type = frame.value("type", "");
        if (type != "assistant" && type != "user") return;
        const Json& content = frame["message"]["content"];
        if (!content.is_array()) return;
        for (const Json& block : content) {
            const std::string kind = block.value("type", "");
            if (kind == "text" && type == "assistant") {
                Print(block.value("text", "") + "\n");
            } else if (kind == "tool_use") {
                Print("* " + block.value("name", "") + "(" + Summary(block.value("input", Json::object())) + ")\n");
            } else if (kind == "tool_result") {
                const std::string text = block.value("content", "");
                const size_t lines = text.empty() ? 0 : 1 + std::count(text.begin(), text.end(), '\n');
                const std::string first = text.substr(0, std::min(text.find('\n'), size_t{100}));
                Print(std::string("  -> ") + (block.value("is_error", false) ? "error: " : "") + first +
                      (lines > 1 ? " (" + std::to_string(lines) + " lines)" : "") + "\n");
            }
        }
    }

    bool CanAskPermission() const override { return true; }

    Result<Json> SendControl(const Json& request, const llm::CancelToken&, int = 0) override {
        if (request.value("subtype", "") != "can_use_tool")
            return MakeError(ErrorCode::kUnimplemented, "not available in a terminal session");
        const std::string tool = request.value("tool_name", "");
        const std::string prompt = "Allow " + tool + "(" +
                                   Summary(request.contains("input") ? request["input"] : Json()) +
                                   ")? [y]es / [n]o / [a]lways: ";
        while (true) {
            std::string answer;
            const LineEditor::Status status = editor_.ReadLine(prompt, &answer);
            if (status != LineEditor::Status::kLine) {
                InterruptActiveTurn();
                return Json{{"behavior", "deny"}, {"message", "The user interrupted the tool call."},
                            {"interrupt", true}};
            }
            if (answer == "y" || answer == "Y" || answer == "yes") return Json{{"behavior", "allow"}};
            if (answer == "a" || answer == "A" || answer == "always") {
                policy_.AddAllowRule(PermissionRule{tool, std::nullopt});
                return Json{{"behavior", "allow"}};
            }
            if (answer == "n" || answer == "N" || answer == "no")
                return Json{{"behavior", "deny"}, {"message", "The user denied this tool call."}};
        }
    }

private:
    LineEditor& editor_;
    PermissionPolicy& policy_;
};

}  // namespace

int RunTerminal(Session& session, PermissionPolicy& policy, const llm::ModelRegistry& registry,
                const CodeOptions&, const std::string& workdir) {
    LineEditor editor(0, 1, CodeConfigDir() + "/history");
    if (InstallSessionSigint()) editor.SetInterruptFd(g_latch[0]);
    TerminalHost host(editor, policy);
    Print("Cortex Code " + std::string(kCodeVersion) + " - session " + session.session_id() + " - model " +
          session.model() + ". /help for commands.\n");
    bool interrupted_once = false;
    while (true) {
        std::string line;
        const LineEditor::Status status = editor.ReadLine("> ", &line);
        if (status == LineEditor::Status::kEof) break;
        if (status == LineEditor::Status::kInterrupted) {
            if (line.empty() && interrupted_once) break;
            interrupted_once = line.empty();
            if (interrupted_once) Print("(press Ctrl-C again to exit)\n");
            continue;
        }
        interrupted_once = false;
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        editor.AddHistory(line);
        if (line == "/exit" || line == "/quit") break;
        if (line == "/help") {
            Print(kHelp);
            continue;
        }
        if (line == "/clear") {
            session.ClearHistory();
            Print("Conversation cleared.\n");
            continue;
        }
        if (line == "/model" || line.rfind("/model ", 0) == 0) {
            const std::string name = line.size() > 7 ? line.substr(7) : "";
            if (name.empty()) {
                std::string names;
                for (const auto& n : registry.Names()) names += (names.empty() ? "" : ", ") + n;
                Print("Model: " + session.model() + ". Available: " + (names.empty() ? "offline" : names) + "\n");
                continue;
            }
            Status s = session.SetModel(name == "auto" ? "" : name);
            Print(s ? "Model: " + session.model() + "\n" : "error: " + s.error().message + "\n");
            continue;
        }
        if (line == "/resume" || line.rfind("/resume ", 0) == 0) {
            std::string id = line.size() > 8 ? line.substr(8) : "last";
            if (id == "last") {
                auto latest = LatestSession(workdir);
                if (!latest) {
                    Print("error: " + latest.error().message + "\n");
                    continue;
                }
                id = *latest;
            }
            auto loaded = LoadTranscript(id);
            if (!loaded) {
                Print("error: " + loaded.error().message + "\n");
                continue;
            }
            const size_t n = loaded->size();
            session.SetHistory(std::move(*loaded));
            Print("Resumed " + id + " (" + std::to_string(n) + " messages).\n");
            continue;
        }
        if (line[0] == '/') {
            Print("Unknown command " + line.substr(0, line.find(' ')) + "; /help lists the commands.\n");
            continue;
        }
        llm::CancelToken cancel;
        SetActiveCancel(&cancel);  // Ctrl-C (SIGINT in cooked mode) interrupts this turn
        if (TakeInterrupt()) cancel.Cancel();  // ... as does one typed since Enter
        const TurnSummary s = session.RunTurn(Json(line), host, cancel);
        SetActiveCancel(nullptr);
        const bool aborted = s.terminal_reason.rfind("aborted", 0) == 0;
        if (cancel.cancelled() && !aborted) PostInterrupt();  // came as the turn ended: the prompt's
        if (aborted) Print("[Interrupted]\n");
        else if (s.is_error) {
            std::string text;
            for (const auto& e : s.errors) text += (text.empty() ? "" : "; ") + e;
            Print("error: " + (text.empty() ? s.result : text) + "\n");
        }
    }
    return 0;
}

}  // namespace oc::code
