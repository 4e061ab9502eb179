// The control API of FakeLlm (/_script, /_default, /_requests, /_stats, /_reset) and the
// snake_case JSON form of FakeReply it reads.
#include "fake_llm.h"

#include <utility>

#include "net/http.h"

namespace oc::testing {
namespace {

constexpr std::pair<const char*, int FakeReply::*> kIntFields[] = {
    {"status", &FakeReply::status},
    {"prompt_tokens", &FakeReply::prompt_tokens},
    {"completion_tokens", &FakeReply::completion_tokens},
    {"delay_ms", &FakeReply::delay_ms},
    {"chunk_delay_ms", &FakeReply::chunk_delay_ms},
};
constexpr std::pair<const char*, std::string FakeReply::*> kStringFields[] = {
    {"retry_after", &FakeReply::retry_after},
    {"text", &FakeReply::text},
    {"thinking", &FakeReply::thinking},
    {"thinking_signature", &FakeReply::thinking_signature},
    {"finish_reason", &FakeReply::finish_reason},
};
constexpr std::pair<const char*, bool FakeReply::*> kBoolFields[] = {
    {"malformed", &FakeReply::malformed},
    {"hang_up", &FakeReply::hang_up},
};

Error Invalid(const std::string& field, const std::string& expected, const Json& got) {
    return MakeError(ErrorCode::kInvalidArgument,
                     field + " must be " + expected + ", got " + std::string(got.type_name()));
}

Result<FakeToolCall> ToolCallFromJson(const Json& value) {
    if (!value.is_object()) return Invalid("tool_calls[]", "an object", value);
    FakeToolCall call;
    for (const auto& [key, field] : value.items()) {
        if (key == "arguments_json" || key == "arguments") {
            // A string is sent as is; an object is serialized (convenient in scripts).
            call.arguments_json = field.is_string() ? field.get<std::string>() : DumpJson(field);
        } else if ((key == "id" || key == "name") && field.is_string()) {
            (key == "id" ? call.id : call.name) = field.get<std::string>();
        } else if (key == "id" || key == "name") {
            return Invalid("tool_calls[]." + key, "a string", field);
        } else {
            return MakeError(ErrorCode::kInvalidArgument, "unknown field tool_calls[]." + key);
        }
    }
    return call;
}

// Fields that are not plain int/string/bool members.
Status ReadSpecialField(const std::string& key, const Json& value, FakeReply& reply) {
    if (key == "error_body") {
        reply.error_body = value.is_string() ? value.get<std::string>() : DumpJson(value);
        return {};
    }
    if (key == "text_chunks") {
        if (!value.is_array()) return Invalid(key, "an array of strings", value);
        for (const Json& piece : value) {
            if (!piece.is_string()) return Invalid("text_chunks[]", "a string", piece);
            reply.text_chunks.push_back(piece.get<std::string>());
        }
        return {};
    }
    if (key == "tool_calls") {
        if (!value.is_array()) return Invalid(key, "an array", value);
        for (const Json& item : value) {
            OC_ASSIGN_OR_RETURN(FakeToolCall call, ToolCallFromJson(item));
            reply.tool_calls.push_back(std::move(call));
        }
        return {};
    }
    return MakeError(ErrorCode::kInvalidArgument, "unknown reply field " + key);
}

Status ReadField(const std::string& key, const Json& value, FakeReply& reply) {
    for (const auto& [name, member] : kIntFields) {
        if (key != name) continue;
        if (!value.is_number_integer()) return Invalid(key, "an integer", value);
        reply.*member = value.get<int>();
        return {};
    }
    for (const auto& [name, member] : kStringFields) {
        if (key != name) continue;
        if (value.is_number_integer() && key == "retry_after") {
            reply.*member = std::to_string(value.get<int64_t>());
            return {};
        }
        if (!value.is_string()) return Invalid(key, "a string", value);
        reply.*member = value.get<std::string>();
        return {};
    }
    for (const auto& [name, member] : kBoolFields) {
        if (key != name) continue;
        if (!value.is_boolean()) return Invalid(key, "a boolean", value);
        reply.*member = value.get<bool>();
        return {};
    }
    return ReadSpecialField(key, value, reply);
}

net::HttpResponse JsonReply(int status, const Json& body) {
    net::HttpResponse r;
    r.status = status;
    r.body = DumpJson(body);
    return r;
}

net::HttpResponse BadRequest(const std::string& message) {
    return JsonReply(400,
                     Json{{"error", {{"message", message}, {"type", "invalid_request_error"}}}});
}

// The replies of a /_script body: an array of replies, or one reply object.
Result<std::vector<FakeReply>> RepliesFromBody(const std::string& body) {
    OC_ASSIGN_OR_RETURN(Json value, ParseJson(body));
    std::vector<FakeReply> replies;
    if (!value.is_array()) value = Json::array({std::move(value)});
    for (const Json& item : value) {
        OC_ASSIGN_OR_RETURN(FakeReply reply, FakeReplyFromJson(item));
        replies.push_back(std::move(reply));
    }
    return replies;
}

}  // namespace

Result<FakeReply> FakeReplyFromJson(const Json& value) {
    if (!value.is_object()) return Invalid("a reply", "an object", value);
    FakeReply reply;
    for (const auto& [key, field] : value.items()) OC_TRY(ReadField(key, field, reply));
    return reply;
}

Json RecordedRequestToJson(const RecordedRequest& request) {
    Json headers = Json::object();
    for (const auto& [name, value] : request.headers) headers[name] = value;
    return Json{{"method", request.method},
                {"path", request.path},
                {"headers", std::move(headers)},
                {"body", request.json.is_null() ? Json(request.body) : request.json}};
}

net::HttpResponse FakeLlm::HandleControl(net::HttpRequest& req) {
    if (req.path == "/_requests") {
        Json out = Json::array();
        for (const RecordedRequest& r : Requests()) out.push_back(RecordedRequestToJson(r));
        return JsonReply(200, out);
    }
    if (req.path == "/_stats") {
        return JsonReply(200, Json{{"requests", RequestCount()},
                                   {"pending", PendingReplies()},
                                   {"disconnects", DisconnectCount()}});
    }
    if (req.path == "/_reset") {
        Reset();
        return JsonReply(200, Json{{"reset", true}});
    }
    auto replies = RepliesFromBody(req.body);
    if (!replies) return BadRequest(replies.error().message);
    if (req.path == "/_default") {
        if (replies->size() != 1) return BadRequest("/_default takes exactly one reply");
        SetDefault(std::move(replies->front()));
        return JsonReply(200, Json{{"default", true}});
    }
    for (FakeReply& reply : *replies) Enqueue(std::move(reply));
    return JsonReply(200, Json{{"queued", replies->size()}, {"pending", PendingReplies()}});
}

}  // namespace oc::testing
