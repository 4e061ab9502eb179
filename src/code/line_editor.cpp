// Raw-mode line editing and the persisted history.
#include "code/line_editor.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

namespace oc::code {
namespace {

bool Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Code points in text (the display width, assuming one column each).
size_t Columns(const std::string& text) {
    size_t n = 0;
    for (char c : text) n += Continuation(c) ? 0 : 1;
    return n;
}

size_t PrevBoundary(const std::string& s, size_t i) {
    if (i == 0) return 0;
    --i;
    while (i > 0 && Continuation(s[i])) --i;
    return i;
}

size_t NextBoundary(const std::string& s, size_t i) {
    if (i >= s.size()) return s.size();
    ++i;
    while (i < s.size() && Continuation(s[i])) ++i;
    return i;
}

}  // namespace

LineEditor::LineEditor(int in_fd, int out_fd, std::string history_path)
    : in_(in_fd), out_(out_fd), history_path_(std::move(history_path)) {
    if (history_path_.empty()) return;
    std::ifstream in(history_path_);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) history_.push_back(line);
    if (history_.size() > kMaxHistory) history_.erase(history_.begin(), history_.end() - kMaxHistory);
}

LineEditor::~LineEditor() { DisableRaw(); }

bool LineEditor::EnableRaw() {
    if (raw_) return true;
    if (tcgetattr(in_, &saved_) != 0) return false;
    termios raw = saved_;
    raw.c_iflag &= ~(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
    raw.c_lflag &= ~(ECHO | ICANON | IEXTEN | ISIG);
    raw.c_cflag |= CS8;
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(in_, TCSANOW, &raw) != 0) return false;
    raw_ = true;
    return true;
}

void LineEditor::DisableRaw() {
    if (!raw_) return;
    tcsetattr(in_, TCSANOW, &saved_);
    raw_ = false;
}

void LineEditor::Write(const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = write(out_, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

int LineEditor::ReadByte() {
    while (true) {
        pollfd p[2] = {{in_, POLLIN, 0}, {interrupt_fd_, POLLIN, 0}};
        if (poll(p, interrupt_fd_ >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (interrupt_fd_ >= 0 && (p[1].revents & POLLIN)) {
            char pending;
            if (read(interrupt_fd_, &pending, 1) == 1) return 3;  // as if Ctrl-C was typed
        }
        if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))) continue;
        unsigned char c;
        const ssize_t n = read(in_, &c, 1);
        if (n == 1) return c;
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        return -1;
    }
}

void LineEditor::Refresh(const std::string& prompt, const std::string& buffer, size_t cursor) {
    std::string seq = "\r" + prompt + buffer + "\x1b[K";
    const size_t back = Columns(buffer.substr(cursor));
    if (back > 0) seq += "\x1b[" + std::to_string(back) + "D";
    Write(seq);
}

void LineEditor::AddHistory(const std::string& line) {
    if (line.empty() || line.find('\n') != std::string::npos) return;
    if (!history_.empty() && history_.back() == line) return;
    history_.push_back(line);
    if (history_.size() > kMaxHistory) history_.erase(history_.begin());
    if (history_path_.empty()) return;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(history_path_).parent_path(), ec);
    std::ofstream(history_path_, std::ios::app) << line << "\n";
}

LineEditor::Status LineEditor::ReadLine(const std::string& prompt, std::string* line) {
    line->clear();
    if (!EnableRaw()) return Status::kEof;
    std::string buffer;
    size_t cursor = 0;
    size_t index = history_.size();  // history position; == size: the line being edited
    std::string editing;             // the unfinished line while browsing history
    Refresh(prompt, buffer, cursor);
    auto recall = [&](size_t to) {
        if (index == history_.size()) editing = buffer;
        index = to;
        buffer = index == history_.size() ? editing : history_[index];
        cursor = buffer.size();
    };
    while (true) {
        const int c = ReadByte();
        if (c < 0) {
            DisableRaw();
            return Status::kEof;
        }
        switch (c) {
            case '\r': case '\n':
                Write("\r\n");
                DisableRaw();
                *line = buffer;
                return Status::kLine;
            case 3:  // Ctrl-C
                Write("^C\r\n");
                DisableRaw();
                *line = buffer;
                return Status::kInterrupted;
            case 4:  // Ctrl-D: EOF on an empty line, else delete under the cursor
                if (buffer.empty()) {
                    Write("\r\n");
                    DisableRaw();
                    return Status::kEof;
                }
                if (cursor < buffer.size()) buffer.erase(cursor, NextBoundary(buffer, cursor) - cursor);
                break;
            case 1: cursor = 0; break;                                       // Ctrl-A
            case 5: cursor = buffer.size(); break;                           // Ctrl-E
            case 2: cursor = PrevBoundary(buffer, cursor); break;            // Ctrl-B
            case 6: cursor = NextBoundary(buffer, cursor); break;            // Ctrl-F
            case 11: buffer.erase(cursor); break;                            // Ctrl-K
            case 21: buffer.erase(0, cursor); cursor = 0; break;             // Ctrl-U
            case 12: Write("\x1b[H\x1b[2J"); break;                          // Ctrl-L
            case 23: {                                                       // Ctrl-W
                size_t start = cursor;
                while (start > 0 && buffer[start - 1] == ' ') --start;
                while (start > 0 && buffer[start - 1] != ' ') --start;
                buffer.erase(start, cursor - start);
                cursor = start;
                break;
            }
            case 8: case 127:  // Backspace
                if (cursor > 0) {
                    const size_t prev = PrevBoundary(buffer, cursor);
                    buffer.erase(prev, cursor - prev);
                    cursor = prev;
                }
                break;
            case 16: if (index > 0) recall(index - 1); break;                    // Ctrl-P
            case 14: if (index < history_.size()) recall(index + 1); break;      // Ctrl-N
            case 27: {  // escape sequences: ESC [ X, ESC [ n ~, ESC O X
                const int a = ReadByte();
                if (a != '[' && a != 'O') break;
                int b = ReadByte();
                if (b >= '0' && b <= '9') {
                    int tilde = ReadByte();
                    while (tilde >= '0' && tilde <= '9') tilde = ReadByte();
                    if (b == '3' && cursor < buffer.size())
                        buffer.erase(cursor, NextBoundary(buffer, cursor) - cursor);
                    else if (b == '1' || b == '7') cursor = 0;
                    else if (b == '4' || b == '8') cursor = buffer.size();
                    break;
                }
                if (b == 'A' && index > 0) recall(index - 1);
                else if (b == 'B' && index < history_.size()) recall(index + 1);
                else if (b == 'C') cursor = NextBoundary(buffer, cursor);
                else if (b == 'D') cursor = PrevBoundary(buffer, cursor);
                else if (b == 'H') cursor = 0;
                else if (b == 'F') cursor = buffer.size();
                break;
            }
            default:
                if (c >= 32 || c == '\t') {
                    buffer.insert(cursor, 1, static_cast<char>(c));
                    ++cursor;
                }
        }
        Refresh(prompt, buffer, cursor);
    }
}

}  // namespace oc::code
