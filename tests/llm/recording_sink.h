// Test helper: a StreamSink that records every delta in arrival order, optionally cancelling
// a token when the first text delta arrives.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "llm/provider.h"

namespace oc::llm {

class RecordingSink : public StreamSink {
public:
    void OnText(std::string_view delta) override {
        events.push_back("text:" + std::string(delta));
        text += delta;
        if (cancel_on_text) cancel_on_text->Cancel();
    }
    void OnThinking(std::string_view delta) override {
        events.push_back("thinking:" + std::string(delta));
        thinking += delta;
    }
    void OnToolCallStart(int index, const std::string& id, const std::string& name) override {
        events.push_back("start:" + std::to_string(index) + ":" + id + ":" + name);
    }
    void OnToolCallArguments(int index, std::string_view fragment) override {
        events.push_back("args:" + std::to_string(index) + ":" + std::string(fragment));
        if (arguments.size() <= static_cast<size_t>(index)) arguments.resize(index + 1);
        arguments[index] += fragment;
    }

    std::vector<std::string> events;
    std::string text;
    std::string thinking;
    std::vector<std::string> arguments;  // per tool-call index, fragments joined
    CancelToken* cancel_on_text = nullptr;
};

}  // namespace oc::llm
