// Cortex Analyst state in the system catalog: semantic views (a stored semantic model YAML under
// DB.SCHEMA.NAME, _cortex.semantic_views) and Analyst feedback (_cortex.analyst_feedback).
// Writes go through the system writer; reads open their own connection. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/catalog.h"

namespace oc::store {

class SystemStore;

struct SemanticViewRecord {
    std::string database_name;
    std::string schema_name;
    std::string name;
    std::string definition;  // the semantic model YAML
    std::string comment;
    std::string owner;
    int64_t created_on_ms = 0;  // set by Create
};

struct AnalystFeedbackRecord {
    std::string request_id;
    bool positive = false;
    std::optional<std::string> feedback_message;
    std::string user_name;
    std::string role;
};

class AnalystRepo {
public:
    explicit AnalystRepo(SystemStore& store) : store_(store) {}

    // kAlreadyExists (002002) under kErrorIfExists.
    Result<CreateOutcome> CreateView(SemanticViewRecord record, CreateMode mode);
    Result<std::optional<SemanticViewRecord>> GetView(const std::string& db,
                                                      const std::string& schema,
                                                      const std::string& name);
    Result<std::vector<SemanticViewRecord>> ListViews(const std::string& db,
                                                      const std::string& schema);  // by name
    // True when a row was deleted.
    Result<bool> DeleteView(const std::string& db, const std::string& schema,
                            const std::string& name);
    // Drops the views of a dropped database (schema null) or schema.
    Status ForgetDropped(const std::string& db, const std::string* schema);

    Status InsertFeedback(const AnalystFeedbackRecord& record);

private:
    SystemStore& store_;
};

}  // namespace oc::store
