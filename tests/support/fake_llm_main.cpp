// fake_llm: the scripted loopback LLM as a process, for integration tests and benchmarks.
// Usage: fake_llm [--port N] [--log-level LEVEL]; scripted over HTTP (see fake_llm.h).
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/log.h"
#include "fake_llm.h"

namespace {

constexpr const char* kUsage =
    "usage: fake_llm [--port N] [--log-level LEVEL]\n"
    "  --port N            port on 127.0.0.1 (0 = any free port; default 0)\n"
    "  --log-level LEVEL   trace, debug, info, warn (default), error, off\n"
    "Prints `listening on http://127.0.0.1:PORT` once ready; stops on SIGTERM/SIGINT.\n"
    "LLM routes: POST /v1/chat/completions, /chat/completions,\n"
    "  /api/v2/cortex/v1/chat/completions (OpenAI) and /v1/messages (Anthropic).\n"
    "Control: POST /_script [replies], POST /_default reply, GET /_requests, GET /_stats,\n"
    "  POST /_reset. A reply has the snake_case fields of FakeReply, e.g.\n"
    "  {\"text\": \"hi\", \"tool_calls\": [{\"name\": \"f\", \"arguments\": {\"a\": 1}}]}\n";

struct Flags {
    int port = 0;
    std::string log_level = "warn";
};

// Returns false (after printing why) on a bad command line.
bool ParseFlags(int argc, char** argv, Flags& flags) {
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::string value;
        size_t eq = arg.find('=');
        if (eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        } else if ((arg == "--port" || arg == "--log-level") && i + 1 < argc) {
            value = argv[++i];
        }
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        }
        if (arg == "--port") {
            char* end = nullptr;
            long port = std::strtol(value.c_str(), &end, 10);
            if (value.empty() || *end != '\0' || port < 0 || port > 65535) {
                std::fprintf(stderr, "error: --port must be 0..65535, got '%s'\n", value.c_str());
                return false;
            }
            flags.port = static_cast<int>(port);
        } else if (arg == "--log-level") {
            flags.log_level = value;
        } else {
            std::fprintf(stderr, "error: unknown argument '%s'\n%s", argv[i], kUsage);
            return false;
        }
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    Flags flags;
    if (!ParseFlags(argc, argv, flags)) return 2;
    if (!oc::InitLogging(flags.log_level)) {
        std::fprintf(stderr, "error: --log-level must be trace..off, got '%s'\n",
                     flags.log_level.c_str());
        return 2;
    }
    // Block the stop signals before any thread starts (threads inherit the mask), then sigwait.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    auto fake = oc::testing::FakeLlm::Start(flags.port);
    if (!fake) {
        std::fprintf(stderr, "error: cannot listen on 127.0.0.1:%d\n", flags.port);
        return 1;
    }
    std::printf("listening on %s\n", fake->base_url().c_str());
    std::fflush(stdout);
    int sig = 0;
    sigwait(&stop_signals, &sig);
    fake->Stop();
    return 0;
}
