// Shared by the agent run integration tests: an SSE parser, the order_total agent, and the
// fixture that creates the TESTDB macro and threads (reference agents-api.md §3).
#pragma once

#include <string>
#include <vector>

#include "fixture.h"

namespace oc::testing::runs {

inline const std::string kInlineRun = "/api/v2/cortex/agent:run";
inline const std::string kThreads = "/api/v2/cortex/threads";
inline const std::string kRuns = "/api/v2/cortex/agent/runs/";

struct SseEvent {
    int64_t id = 0;
    std::string name;
    std::string data;
    Json json;
};

// Parses an SSE body into events (comments skipped).
inline std::vector<SseEvent> ParseSse(const std::string& body) {
    std::vector<SseEvent> out;
    size_t pos = 0;
    while (pos < body.size()) {
        size_t end = body.find("\n\n", pos);
        if (end == std::string::npos) break;
        std::string block = body.substr(pos, end - pos);
        pos = end + 2;
        SseEvent e;
        size_t line_start = 0;
        while (line_start <= block.size()) {
            size_t nl = block.find('\n', line_start);
            std::string line = block.substr(line_start, nl == std::string::npos ? std::string::npos : nl - line_start);
            if (line.rfind("id: ", 0) == 0) e.id = std::stoll(line.substr(4));
            if (line.rfind("event: ", 0) == 0) e.name = line.substr(7);
            if (line.rfind("data: ", 0) == 0) e.data = line.substr(6);
            if (nl == std::string::npos) break;
            line_start = nl + 1;
        }
        if (e.name.empty()) continue;
        auto j = ParseJson(e.data);
        e.json = j ? *j : Json();
        out.push_back(std::move(e));
    }
    return out;
}

inline std::vector<std::string> Names(const std::vector<SseEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.name);
    return out;
}

// Names with each run of identical delta events collapsed into one (delta counts are the model's).
inline std::vector<std::string> Shape(const std::vector<SseEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) {
        bool delta = e.name.size() > 6 && e.name.compare(e.name.size() - 6, 6, ".delta") == 0;
        if (delta && !out.empty() && out.back() == e.name) continue;
        out.push_back(e.name);
    }
    return out;
}

inline const SseEvent* First(const std::vector<SseEvent>& events, const std::string& name) {
    for (const auto& e : events) {
        if (e.name == name) return &e;
    }
    return nullptr;
}

inline Json Question(const std::string& text) {
    return Json::array({{{"role", "user"}, {"content", Json::array({{{"type", "text"}, {"text", text}}})}}});
}

// An inline agent with the order_total macro tool (resource identifier as given).
inline Json OrderAgent(const std::string& identifier, const std::string& model = "claude-4-sonnet") {
    return Json::parse(R"({
      "models": {"orchestration": ")" + model + R"("},
      "instructions": {"response": "Be brief."},
      "tools": [{"tool_spec": {"type": "generic", "name": "order_total",
                 "description": "Computes the order total from quantity and price",
                 "input_schema": {"type": "object", "properties": {
                    "qty": {"type": "number", "description": "quantity"},
                    "price": {"type": "number", "description": "unit price"}},
                  "required": ["qty", "price"]}}}],
      "tool_resources": {"order_total": {"type": "function", "identifier": ")" + identifier + R"("}}})");
}

class AgentRuns : public ServerTest {
protected:
    void MakeMacro() {
        CreateDatabase("TESTDB");
        auto r = Call("POST", "/api/v2/statements",
                      R"({"statement": "CREATE MACRO \"TESTDB\".\"PUBLIC\".order_total(qty, price) AS qty * price"})");
        ASSERT_EQ(r.status, 200) << r.body;
    }
    HttpResult RunInline(Json body) { return Call("POST", kInlineRun, DumpJson(body)); }
    Json WithQuestion(Json agent, const std::string& q) {
        agent["messages"] = Question(q);
        return agent;
    }
    int64_t NewThread() {
        auto r = Call("POST", kThreads, R"({"origin_application": "tests"})");
        EXPECT_EQ(r.status, 200) << r.body;
        return Body(r)["thread_id"].get<int64_t>();
    }
};

}  // namespace oc::testing::runs
