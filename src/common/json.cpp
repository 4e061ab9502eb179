#include "common/json.h"

namespace oc {

Result<Json> ParseJson(std::string_view text) {
    try {
        return Json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& e) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "invalid JSON at byte " + std::to_string(e.byte));
    }
}

std::string DumpJson(const Json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace oc
