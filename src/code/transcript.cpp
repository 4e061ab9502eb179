// Transcript writing and loading.
#include "code/transcript.h"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "common/ids.h"
#include "code/session.h"
#include "common/json.h"

namespace oc::code {
namespace fs = std::filesystem;
namespace {

// UTC, ISO 8601 with milliseconds. Calendar arithmetic rather than gmtime_r, which reads
// /etc/localtime on its first call.
std::string Timestamp() {
    using namespace std::chrono;
    const auto now = time_point_cast<milliseconds>(system_clock::now());
    const auto day = floor<days>(now);
    const year_month_day date{day};
    const hh_mm_ss<milliseconds> time{now - day};
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()), static_cast<int>(time.subseconds().count()));
    return buf;
}

Json MessageJson(const llm::Message& m) {
    if (m.role == llm::Role::kTool) {
        return {{"role", "user"},
                {"content", Json::array({{{"type", "tool_result"}, {"tool_use_id", m.tool_call_id},
                                          {"content", m.text}, {"is_error", m.is_error},
                                          {"name", m.tool_name}}})}};
    }
    if (m.role == llm::Role::kUser) return {{"role", "user"}, {"content", m.text}};
    Json content = Json::array();
    if (!m.text.empty()) content.push_back({{"type", "text"}, {"text", m.text}});
    for (const auto& call : m.tool_calls)
        content.push_back({{"type", "tool_use"}, {"id", call.id}, {"name", call.name},
                           {"input", call.arguments}});
    return {{"role", "assistant"}, {"content", content}};
}

bool MessageFromJson(const Json& entry, llm::Message* out) {
    const Json& msg = entry.contains("message") ? entry["message"] : Json();
    if (!msg.is_object()) return false;
    const Json& content = msg.contains("content") ? msg["content"] : Json();
    if (msg.value("role", "") == "user") {
        if (content.is_string()) {
            *out = TextMessage(llm::Role::kUser, content.get<std::string>());
            return true;
        }
        if (!content.is_array() || content.empty() || !content[0].is_object()) return false;
        const Json& block = content[0];
        *out = TextMessage(llm::Role::kTool, block.value("content", ""));
        out->tool_call_id = block.value("tool_use_id", "");
        out->tool_name = block.value("name", "");
        out->is_error = block.value("is_error", false);
        return true;
    }
    *out = TextMessage(llm::Role::kAssistant, "");
    if (!content.is_array()) return true;
    for (const Json& block : content) {
        if (block.value("type", "") == "text") out->text += block.value("text", "");
        if (block.value("type", "") == "tool_use")
            out->tool_calls.push_back({block.value("id", ""), block.value("name", ""),
                                       block.contains("input") ? block["input"] : Json::object()});
    }
    return true;
}

}  // namespace

std::string ConversationsDir() {
    if (const char* env = std::getenv("CORTEX_CODE_CONVERSATIONS_DIR"); env && *env) return env;
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.snowflake/cortex/conversations";
}

Result<std::unique_ptr<Transcript>> Transcript::Open(const std::string& session_id,
                                                     const std::string& cwd) {
    std::error_code ec;
    fs::create_directories(ConversationsDir(), ec);
    std::unique_ptr<Transcript> t(new Transcript());
    t->path_ = ConversationsDir() + "/" + session_id + ".jsonl";
    t->session_id_ = session_id;
    t->cwd_ = cwd;
    t->file_ = std::fopen(t->path_.c_str(), "a");
    if (!t->file_)
        return MakeError(ErrorCode::kUnavailable, "cannot open transcript " + t->path_);
    return t;
}

Result<std::unique_ptr<Transcript>> Transcript::OpenSubagent(const std::string& session_id,
                                                             const std::string& agent_id,
                                                             const std::string& cwd) {
    std::error_code ec;
    const std::string dir = ConversationsDir() + "/" + session_id + "/subagents";
    fs::create_directories(dir, ec);
    std::unique_ptr<Transcript> t(new Transcript());
    t->path_ = dir + "/agent-" + agent_id + ".jsonl";
    t->session_id_ = session_id;
    t->cwd_ = cwd;
    t->agent_id_ = agent_id;
    t->file_ = std::fopen(t->path_.c_str(), "a");
    if (!t->file_) return MakeError(ErrorCode::kUnavailable, "cannot open transcript " + t->path_);
    return t;
}

Transcript::~Transcript() {
    if (file_) std::fclose(file_);
}

void Transcript::Append(const llm::Message& message) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string uuid = NewUuid();
    Json entry = {{"type", message.role == llm::Role::kAssistant ? "assistant" : "user"},
                  {"uuid", uuid},
                  {"parentUuid", last_uuid_.empty() ? Json(nullptr) : Json(last_uuid_)},
                  {"sessionId", session_id_},
                  {"timestamp", Timestamp()},
                  {"cwd", cwd_},
                  {"isSidechain", !agent_id_.empty()},
                  {"message", MessageJson(message)}};
    if (!agent_id_.empty()) entry["agentId"] = agent_id_;
    last_uuid_ = uuid;
    const std::string line = DumpJson(entry) + "\n";
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fflush(file_);
}

Result<std::vector<llm::Message>> LoadTranscript(const std::string& session_id) {
    const std::string path = ConversationsDir() + "/" + session_id + ".jsonl";
    std::ifstream in(path);
    if (!in) return MakeError(ErrorCode::kNotFound, "No conversation found with session ID: " + session_id);
    std::vector<llm::Message> history;
    std::string line;
    while (std::getline(in, line)) {
        Json entry = Json::parse(line, nullptr, false);
        llm::Message m;
        if (!entry.is_discarded() && MessageFromJson(entry, &m)) history.push_back(std::move(m));
    }
    return history;
}

Result<std::string> LatestSession(const std::string& cwd) {
    std::error_code ec;
    std::string best;
    fs::file_time_type best_time{};
    for (const auto& e : fs::directory_iterator(ConversationsDir(), ec)) {
        if (e.path().extension() != ".jsonl") continue;
        std::ifstream in(e.path());
        std::string first;
        if (!std::getline(in, first)) continue;
        Json entry = Json::parse(first, nullptr, false);
        if (entry.is_discarded() || entry.value("cwd", "") != cwd) continue;
        std::error_code tec;
        const auto t = fs::last_write_time(e.path(), tec);
        if (best.empty() || t > best_time) {
            best = e.path().stem().string();
            best_time = t;
        }
    }
    if (best.empty()) return MakeError(ErrorCode::kNotFound, "No conversation found to continue in " + cwd);
    return best;
}

}  // namespace oc::code
