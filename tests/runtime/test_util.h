// Helpers shared by the runtime tests: a fake server-side tool, event inspection, a temp dir.
#pragma once

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/run.h"
#include "runtime/tool.h"

namespace oc::runtime::testing {

class FakeTool : public Tool {
public:
    FakeTool(std::string name, ToolOutput output, bool client_side = false)
        : Tool(ToolSpec{"generic", std::move(name), "a fake tool", Json::object({{"type", "object"}})}),
          output_(std::move(output)), client_side_(client_side) {}
    bool client_side() const override { return client_side_; }
    ToolOutput Execute(const Json& input, ToolContext& ctx) override {
        ++calls;
        last_input = input;
        ctx.report_status("Working", "fake work", Json::object());
        return output_;
    }
    std::atomic<int> calls{0};
    Json last_input;

private:
    ToolOutput output_;
    bool client_side_;
};

inline std::vector<std::string> Names(const Run& run) {
    std::vector<std::string> out;
    for (const auto& e : run.EventsAfter(0)) out.push_back(e.name);
    return out;
}

inline std::vector<Json> Payloads(const Run& run, const std::string& name) {
    std::vector<Json> out;
    for (const auto& e : run.EventsAfter(0)) {
        if (e.name != name) continue;
        auto j = ParseJson(e.data);
        out.push_back(j ? *j : Json());
    }
    return out;
}

class ScratchDir {
public:
    ScratchDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "oc-runtime-XXXXXX").string();
        path_ = mkdtemp(tmpl.data()) ? tmpl : std::string();
    }
    ~ScratchDir() {
        std::error_code ec;
        if (!path_.empty()) std::filesystem::remove_all(path_, ec);
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace oc::runtime::testing
