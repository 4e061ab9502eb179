#include "tools/search/query_request.h"

namespace oc::tools::search {
namespace {

Error Bad(const std::string& message) { return MakeError(ErrorCode::kInvalidArgument, message); }

}  // namespace

Result<QueryRequest> ParseQueryRequest(const Json& body) {
    if (!body.is_object()) return Bad("The query request must be a JSON object.");
    QueryRequest q;
    if (body.contains("multi_index_query") && !body["multi_index_query"].is_null()) {
        return Bad("multi_index_query is not supported: this service has one text index; use 'query'.");
    }
    auto query = body.find("query");
    if (query == body.end() || query->is_null()) return Bad("Missing required field 'query'.");
    if (!query->is_string()) return Bad("Invalid field 'query': expected a string.");
    q.query = query->get<std::string>();
    if (auto columns = body.find("columns"); columns != body.end() && !columns->is_null()) {
        if (!columns->is_array()) return Bad("Invalid field 'columns': expected an array of column names.");
        std::vector<std::string> names;
        for (const Json& c : *columns) {
            if (!c.is_string()) return Bad("Invalid field 'columns': expected an array of column names.");
            names.push_back(c.get<std::string>());
        }
        q.columns = std::move(names);
    }
    if (auto filter = body.find("filter"); filter != body.end() && !filter->is_null()) {
        if (!filter->is_object()) return Bad("Invalid filter: expected a filter object.");
        q.filter = *filter;
    }
    if (auto limit = body.find("limit"); limit != body.end() && !limit->is_null()) {
        bool integral = limit->is_number_integer();
        int64_t n = integral ? limit->get<int64_t>() : 0;
        if (limit->is_number_float()) {
            double d = limit->get<double>();
            integral = d >= 1 && d <= static_cast<double>(kMaxQueryLimit) && d == static_cast<double>(static_cast<int64_t>(d));
            n = integral ? static_cast<int64_t>(d) : 0;
        }
        if (!integral || n < 1 || n > static_cast<int64_t>(kMaxQueryLimit)) {
            return Bad("Invalid field 'limit': must be an integer in 1.." + std::to_string(kMaxQueryLimit) +
                       ", got " + DumpJson(*limit) + ".");
        }
        q.limit = static_cast<size_t>(n);
    }
    if (auto profile = body.find("scoring_profile"); profile != body.end() && !profile->is_null()) {
        return Bad("Invalid field 'scoring_profile': scoring profile " + DumpJson(*profile) +
                   " does not exist on this service.");
    }
    return q;
}

}  // namespace oc::tools::search
