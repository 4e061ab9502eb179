// A small raw-mode line editor for the interactive terminal session (no readline dependency):
// Left/Right, Home/End, Ctrl-A/E/B/F, Backspace/Delete, Ctrl-K/U/W, Ctrl-L, Up/Down history,
// Ctrl-C (interrupt), Ctrl-D (end of input on an empty line). History persists to a file, one
// entry per line, the newest last (at most kMaxHistory entries).
#pragma once

#include <termios.h>

#include <optional>
#include <string>
#include <vector>

namespace oc::code {

class LineEditor {
public:
    enum class Status { kLine, kInterrupted, kEof };
    static constexpr size_t kMaxHistory = 1000;

    // in_fd must be a terminal; history_path "" = no persistence.
    LineEditor(int in_fd, int out_fd, std::string history_path);
    ~LineEditor();

    // Reads one line with `prompt`; the terminal is in raw mode only inside this call.
    Status ReadLine(const std::string& prompt, std::string* line);
    // An fd that turns readable when an interrupt is pending (a Ctrl-C that arrived as SIGINT
    // while the editor did not own the terminal): ReadLine consumes one byte of it and acts as
    // on a Ctrl-C key. -1 = none.
    void SetInterruptFd(int fd) { interrupt_fd_ = fd; }
    // Adds a non-empty entry (not repeating the newest) and appends it to the history file.
    void AddHistory(const std::string& line);
    const std::vector<std::string>& history() const { return history_; }

private:
    bool EnableRaw();
    void DisableRaw();
    void Refresh(const std::string& prompt, const std::string& buffer, size_t cursor);
    void Write(const std::string& text);
    int ReadByte();  // -1 on EOF/error; 3 (Ctrl-C) for a pending interrupt

    int in_, out_;
    std::string history_path_;
    std::vector<std::string> history_;
    termios saved_{};
    bool raw_ = false;
    int interrupt_fd_ = -1;
};

}  // namespace oc::code
