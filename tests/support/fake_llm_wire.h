// Renders a FakeReply in the wire formats of OpenAI chat/completions and Anthropic messages:
// one plain JSON body, or the frames of an SSE stream (each frame ends with a blank line).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fake_llm.h"

namespace oc::testing {

struct WireContext {
    std::string model;           // echoed from the request ("fake-model" when absent)
    int64_t sequence = 0;        // makes message and tool-call ids unique per reply
    bool include_usage = false;  // OpenAI stream_options.include_usage
};

std::string OpenAiBody(const FakeReply& reply, const WireContext& context);
std::vector<std::string> OpenAiFrames(const FakeReply& reply, const WireContext& context);
std::string AnthropicBody(const FakeReply& reply, const WireContext& context);
std::vector<std::string> AnthropicFrames(const FakeReply& reply, const WireContext& context);

// The body of a non-200 reply: error_body, or an error object in the endpoint's format.
std::string ErrorBody(const FakeReply& reply, bool anthropic);
// A frame whose data line is not valid JSON.
std::string MalformedFrame(bool anthropic);

// Splits text into at most `pieces` non-empty parts without cutting a UTF-8 sequence.
std::vector<std::string> SplitPieces(std::string_view text, size_t pieces);

}  // namespace oc::testing
