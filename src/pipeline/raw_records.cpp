#include "pipeline/raw_records.h"

#include "pipeline/raw_records_impl.h"

#include <cstring>

namespace oc::pipeline {
namespace {

// The body with the list at steps[depth..] replaced by an empty list.
Json Skeleton(simdjson::dom::element e, const std::vector<JsonPathStep>& steps, size_t depth) {
    if (depth == steps.size()) return Json::array();
    Json out = Json::object();
    bool taken = false;
    for (simdjson::dom::key_value_pair kv : simdjson::dom::object(e)) {
        std::string key(kv.key);
        if (!taken && key == steps[depth].key) {
            taken = true;
            out[key] = Skeleton(kv.value, steps, depth + 1);
        } else {
            out[key] = RawElementToJson(kv.value);
        }
    }
    return out;
}

// Appends one item's source text as one line: as is when it has no line break (JSON keeps them
// escaped inside strings, so one is whitespace between tokens), else minified.
bool AppendLine(std::string& out, std::string_view text) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                             text.back() == '\r'))
        text.remove_suffix(1);
    if (std::memchr(text.data(), '\n', text.size()) == nullptr &&
        std::memchr(text.data(), '\r', text.size()) == nullptr) {
        out.append(text);
    } else {
        const size_t at = out.size();
        out.resize(at + text.size());
        size_t len = 0;
        if (simdjson::minify(text.data(), text.size(), out.data() + at, len)) return false;
        out.resize(at + len);
    }
    out += '\n';
    return true;
}

// The records' jsonl cut out of the body (On Demand parser, raw_json) instead of serialized
// again from the DOM; false when that does not work out (then the caller serializes).
bool SliceLines(const std::string& body, const std::vector<JsonPathStep>& steps, size_t count,
                std::string& out) {
    namespace od = simdjson::ondemand;
    if (body.capacity() - body.size() < simdjson::SIMDJSON_PADDING) return false;
    thread_local od::parser parser;
    od::document doc;
    if (parser.iterate(body.data(), body.size(), body.capacity()).get(doc)) return false;
    od::array list;
    if (steps.empty()) {
        if (doc.get_array().get(list)) return false;
    } else {
        od::object obj;
        if (doc.get_object().get(obj)) return false;
        od::value cur;
        for (size_t i = 0; i < steps.size(); ++i) {
            if (obj.find_field(steps[i].key).get(cur)) return false;  // the first of that name
            if (i + 1 < steps.size() && cur.get_object().get(obj)) return false;
        }
        if (cur.get_array().get(list)) return false;
    }
    size_t n = 0;
    for (auto item : list) {
        od::value v;
        od::json_type type;
        if (item.get(v) || v.type().get(type)) return false;
        std::string_view text;
        if (type == od::json_type::object) {
            od::object o;
            if (v.get_object().get(o) || o.raw_json().get(text)) return false;
        } else if (type == od::json_type::array) {
            od::array a;
            if (v.get_array().get(a) || a.raw_json().get(text)) return false;
        } else {
            text = v.raw_json_token();
        }
        if (!AppendLine(out, text)) return false;
        ++n;
    }
    return n == count;
}

}  // namespace

Json RawElementToJson(simdjson::dom::element e) {
    using simdjson::dom::element_type;
    switch (e.type()) {
        case element_type::ARRAY: {
            Json out = Json::array();
            for (simdjson::dom::element item : simdjson::dom::array(e)) {
                out.push_back(RawElementToJson(item));
            }
            return out;
        }
        case element_type::OBJECT: {
            Json out = Json::object();
            for (simdjson::dom::key_value_pair kv : simdjson::dom::object(e)) {
                out[std::string(kv.key)] = RawElementToJson(kv.value);
            }
            return out;
        }
        case element_type::INT64: {
            int64_t v = int64_t(e);
            if (v < 0) return Json(v);
            return Json(static_cast<uint64_t>(v));
        }
        case element_type::UINT64:
            return Json(uint64_t(e));
        case element_type::DOUBLE:
            return Json(double(e));
        case element_type::STRING:
            return Json(std::string(std::string_view(e)));
        case element_type::BOOL:
            return Json(bool(e));
        case element_type::NULL_VALUE:
            break;
    }
    return Json();
}

size_t RawCount(const RawRecords& raw) { return raw.items.size(); }

const std::string& RawLines(const RawRecords& raw) { return raw.lines; }

std::vector<Json> RawToJson(const RawRecords& raw) {
    std::vector<Json> out;
    out.reserve(raw.items.size());
    for (const auto& e : raw.items) out.push_back(RawElementToJson(e));
    return out;
}

void AppendRawLines(std::string& out, const RawRecords& raw) {
    for (const auto& e : raw.items) {
        simdjson::internal::string_builder<> sb;
        sb.append(e);
        out += sb.str();
        out += '\n';
    }
}

RawRecordsPtr ParseRawPage(const std::string& body, std::optional<JsonPath>& selector,
                           Json* skeleton) {
    // One parser per fetch worker (its stage-1 buffers are reused); each page keeps only its
    // document.
    thread_local simdjson::dom::parser parser;
    auto raw = std::make_shared<RawRecords>();
    simdjson::dom::element root;
    if (parser.parse_into_document(raw->doc, body).get(root)) return nullptr;
    if (!selector) {
        auto p = ParseJsonPath(DetectDataSelector(RawElementToJson(root)));
        if (!p) return nullptr;
        selector = std::move(*p);
    }
    simdjson::dom::element cur = root;
    for (const auto& step : selector->steps) {
        simdjson::dom::object obj;
        if (step.kind != JsonPathStep::Kind::kKey || cur.get_object().get(obj)) return nullptr;
        // The first field of that name (a duplicate key would make nlohmann keep another).
        size_t seen = 0;
        for (simdjson::dom::key_value_pair kv : obj) {
            if (kv.key == step.key && seen++ == 0) cur = kv.value;
        }
        if (seen != 1) return nullptr;
    }
    simdjson::dom::array list;
    if (cur.get_array().get(list)) return nullptr;
    raw->items.reserve(list.size());
    for (simdjson::dom::element item : list) raw->items.push_back(item);
    raw->lines.reserve(body.size() + raw->items.size());
    if (!SliceLines(body, selector->steps, raw->items.size(), raw->lines)) {
        raw->lines.clear();
        AppendRawLines(raw->lines, *raw);
    }
    *skeleton = Skeleton(root, selector->steps, 0);
    return raw;
}

}  // namespace oc::pipeline
