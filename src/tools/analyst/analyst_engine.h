// One Cortex Analyst turn over a validated model: the offline generator, or an LLM asked for SQL
// only (prompt: tables, columns, synonyms, relationships, instructions, similar verified queries).
// The SQL is parse-checked in DuckDB and must only read; an LLM gets one repair round.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "llm/provider.h"
#include "tools/analyst/analyst_answer.h"
#include "tools/analyst/sql_builder.h"

namespace oc::store {
class Connection;
}  // namespace oc::store

namespace oc::tools::analyst {

struct AnalystRequest {
    const SemanticModel* model = nullptr;        // required
    const PhysicalColumns* physical = nullptr;   // from ValidateModel; may be null
    std::vector<ConversationTurn> conversation;  // oldest first; the last turn is the user's
};

struct AnalystLlm {
    std::shared_ptr<llm::Provider> provider;  // null or kind() "offline" = offline generator
    std::string upstream_model;
};

// The system prompt for the LLM path (exposed for tests).
std::string BuildAnalystPrompt(const SemanticModel& model, const std::string& question);

// Answers the request. Blocks (LLM call, DuckDB prepare) on the calling thread; conn is a data
// connection used only by this thread. Errors: kPermissionDenied (002140) when the LLM's SQL
// would write, kCancelled, and the provider's own failures (kUnavailable, ...).
Result<AnalystAnswer> AnswerQuestion(const AnalystRequest& request, const AnalystLlm& llm,
                                     store::Connection& conn, const llm::CancelToken& cancel);

}  // namespace oc::tools::analyst
