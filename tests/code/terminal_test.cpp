// The interactive terminal session through a pseudo-terminal (forkpty) driving the real binary
// with the offline model: prompts and answers, line editing keys, /model, history recall with
// the up arrow (and its file), permission prompts, Ctrl-C interrupting a turn and exiting.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "code/line_editor.h"
#include "code_child.h"

namespace oc::codetest {
namespace {

using Clock = std::chrono::steady_clock;

class PtySession {
public:
    PtySession(const std::vector<std::string>& args, const std::string& cwd,
               const std::map<std::string, std::string>& env) {
        winsize ws{40, 120, 0, 0};
        pid_ = forkpty(&fd_, nullptr, nullptr, &ws);
        if (pid_ == 0) {
            if (chdir(cwd.c_str()) != 0) _exit(126);
            for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
            setenv("TERM", "xterm", 1);
            std::vector<char*> argv = {const_cast<char*>(CORTEX_BINARY)};
            for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            execv(CORTEX_BINARY, argv.data());
            _exit(127);
        }
    }
    ~PtySession() {
        if (pid_ > 0 && !exited_) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        if (fd_ >= 0) close(fd_);
    }

    void Type(const std::string& keys) { ASSERT_EQ(write(fd_, keys.data(), keys.size()), static_cast<ssize_t>(keys.size())); }

    // Waits until `needle` appears in the output after the last match; true when found.
    bool WaitFor(const std::string& needle, int timeout_ms = 10000) {
        const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
        while (true) {
            const size_t at = out_.find(needle, mark_);
            if (at != std::string::npos) {
                mark_ = at + needle.size();
                return true;
            }
            if (Clock::now() >= deadline || !ReadSome(deadline)) return false;
        }
    }

    int Wait(int timeout_ms = 10000) {
        const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
        while (Clock::now() < deadline) {
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                exited_ = true;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            ReadSome(Clock::now() + std::chrono::milliseconds(50));
        }
        return -2;
    }

    const std::string& output() const { return out_; }
    // SIGINT straight to the process, whatever mode its tty is in.
    void Interrupt() { kill(pid_, SIGINT); }

private:
    bool ReadSome(Clock::time_point deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(std::max<long long>(left, 1))) <= 0) return true;
        char buf[4096];
        const ssize_t n = read(fd_, buf, sizeof buf);
        if (n <= 0) return false;
        out_.append(buf, static_cast<size_t>(n));
        return true;
    }

    pid_t pid_ = -1;
    int fd_ = -1;
    bool exited_ = false;
    std::string out_;
    size_t mark_ = 0;
};

class TerminalTest : public ::testing::Test {
protected:
    void SetUp() override {
        work_.WriteFile("notes.txt", "hello notes\nsecond line\n");
        env_ = TestEnv(conversations_);
        env_["CORTEX_CODE_CONFIG_DIR"] = config_.path();
    }
    std::unique_ptr<PtySession> Start() {
        return std::make_unique<PtySession>(std::vector<std::string>{"--model", "offline", "--setting-sources="},
                                            work_.path(), env_);
    }
    ScratchDir work_, conversations_, config_;
    std::map<std::string, std::string> env_;
};

TEST_F(TerminalTest, PromptModelSwitchHistoryRecallAndExit) {
    auto pty = Start();
    ASSERT_TRUE(pty->WaitFor("/help for commands")) << pty->output();
    ASSERT_TRUE(pty->WaitFor("> "));
    pty->Type("read notes.txt\r");
    ASSERT_TRUE(pty->WaitFor("Based on Read: 1 hello notes")) << pty->output();
    ASSERT_TRUE(pty->WaitFor("> "));
    pty->Type("/model local\r");
    ASSERT_TRUE(pty->WaitFor("Model: local")) << pty->output();
    ASSERT_TRUE(pty->WaitFor("> "));
    pty->Type("/model nosuchmodel\r");
    ASSERT_TRUE(pty->WaitFor("error:")) << pty->output();
    ASSERT_TRUE(pty->WaitFor("> "));
    pty->Type("/help\r");
    ASSERT_TRUE(pty->WaitFor("/resume")) << pty->output();
    ASSERT_TRUE(pty->WaitFor("> "));
    // Up four times: /help, /model nosuchmodel, /model local, then the first prompt.
    pty->Type("\x1b[A\x1b[A\x1b[A\x1b[A\r");
    ASSERT_TRUE(pty->WaitFor("Based on Read: 1 hello notes")) << pty->output();
    ASSERT_TRUE(pty->WaitFor("> "));
    pty->Type("/exit\r");
    EXPECT_EQ(pty->Wait(), 0) << pty->output();
    EXPECT_EQ(ReadText(config_.path() + "/history"),
              "read notes.txt\n/model local\n/model nosuchmodel\n/help\nread notes.txt\n/exit\n");
    // The next session recalls the previous one's history.
    auto again = Start();
    ASSERT_TRUE(again->WaitFor("> "));
    again->Type("\x1b[A\x1b[A\r");  // /exit, then read notes.txt
    ASSERT_TRUE(again->WaitFor("Based on Read: 1 hello notes")) << again->output();
    ASSERT_TRUE(again->WaitFor("> "));
    again->Type("\x04");  // Ctrl-D at an empty prompt
    EXPECT_EQ(again->Wait(), 0);
}

TEST_F(TerminalTest, LineEditingKeys) {
    auto pty = Start();
    ASSERT_TRUE(pty->WaitFor("> "));
    // "junk" erased by Ctrl-A Ctrl-K; a typo fixed with Left, Backspace; Ctrl-E to the end;
    // "zz" typed at the start via Home, removed again with Delete.
    pty->Type("junk\x01\x0b");
    pty->Type("read notesXtxt\x1b[D\x1b[D\x1b[D\x7f.\x05");
    pty->Type("\x1b[Hzz\x01\x1b[3~\x1b[3~\r");
    ASSERT_TRUE(pty->WaitFor("Based on Read: 1 hello notes")) << pty->output();
    ASSERT_TRUE(pty->WaitFor("> "));
    pty->Type("some words\x15read notes.txt\r");  // Ctrl-U clears the line
    ASSERT_TRUE(pty->WaitFor("Based on Read: 1 hello notes")) << pty->output();
    ASSERT_TRUE(pty->WaitFor("> "));
    pty->Type("/exit\r");
    EXPECT_EQ(pty->Wait(), 0);
    EXPECT_EQ(ReadText(config_.path() + "/history"), "read notes.txt\n/exit\n");
}

TEST_F(TerminalTest, PermissionPromptAndCtrlCInterruptsTheTurn) {
    auto pty = Start();
    ASSERT_TRUE(pty->WaitFor("> "));
    pty->Type("echo bash > first.txt\r");
    ASSERT_TRUE(pty->WaitFor("[a]lways: ")) << pty->output();
    pty->Type("n\r");
    ASSERT_TRUE(pty->WaitFor("denied")) << pty->output();
    ASSERT_TRUE(pty->WaitFor("> "));
    EXPECT_FALSE(work_.Exists("first.txt"));
    pty->Type("sleep 30; echo bash > slept.txt\r");
    ASSERT_TRUE(pty->WaitFor("* Bash(sleep 30")) << pty->output();
    ASSERT_TRUE(pty->WaitFor("[a]lways: ")) << pty->output();
    pty->Type("a\r");  // always: Bash is allowed for the rest of the session
    usleep(500000);     // the sleep is running now
    const auto start = Clock::now();
    pty->Type("\x03");
    ASSERT_TRUE(pty->WaitFor("[Interrupted]", 5000)) << pty->output();
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
    EXPECT_FALSE(work_.Exists("slept.txt"));
    ASSERT_TRUE(pty->WaitFor("> "));
    pty->Type("echo bash > second.txt\r");  // no prompt this time
    ASSERT_TRUE(pty->WaitFor("Based on Bash")) << pty->output();
    ASSERT_TRUE(pty->WaitFor("> ")) << pty->output();
    EXPECT_EQ(pty->output().find("[a]lways", pty->output().find("second.txt")), std::string::npos);
    pty->Type("\x03");
    ASSERT_TRUE(pty->WaitFor("Ctrl-C again to exit")) << pty->output();
    // No pause: a ^C typed while the editor is between two prompts (tty out of raw mode, so it
    // is a SIGINT rather than a key) still reaches the next prompt.
    pty->Type("\x03");
    EXPECT_EQ(pty->Wait(), 0) << pty->output();
    EXPECT_TRUE(work_.Exists("second.txt"));
}

// A SIGINT that arrives when no turn runs (right after one ended, before the editor took the tty
// back, or while it waits for a key) acts as a Ctrl-C at the prompt; it used to be dropped.
TEST_F(TerminalTest, SigintBetweenTurnsReachesThePrompt) {
    auto pty = Start();
    ASSERT_TRUE(pty->WaitFor("> "));
    pty->Type("read notes.txt\r");
    ASSERT_TRUE(pty->WaitFor("Based on Read: 1 hello notes")) << pty->output();
    pty->Interrupt();  // the turn's answer is out: it is ending or over
    ASSERT_TRUE(pty->WaitFor("Ctrl-C again to exit", 5000)) << pty->output();
    pty->Interrupt();  // the editor is back (or about to be): the second one exits
    EXPECT_EQ(pty->Wait(), 0) << pty->output();
}

// The line editor reads a pending interrupt (the session's SIGINT latch) before typed keys.
TEST(LineEditorTest, PendingInterruptFdActsAsCtrlC) {
    int master = -1, slave = -1;
    ASSERT_EQ(openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
    int latch[2];
    ASSERT_EQ(pipe(latch), 0);
    {
        code::LineEditor editor(slave, slave, "");
        editor.SetInterruptFd(latch[0]);
        ASSERT_EQ(write(master, "abc\r", 4), 4);
        ASSERT_EQ(write(latch[1], "x", 1), 1);
        std::string line = "stale";
        EXPECT_EQ(editor.ReadLine("> ", &line), code::LineEditor::Status::kInterrupted);
        EXPECT_EQ(line, "");
        EXPECT_EQ(editor.ReadLine("> ", &line), code::LineEditor::Status::kLine);  // the keys are still there
        EXPECT_EQ(line, "abc");
    }
    for (int fd : {master, slave, latch[0], latch[1]}) close(fd);
}

}  // namespace
}  // namespace oc::codetest
