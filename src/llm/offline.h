// The offline model: deterministic and without network. Routes a question to the best-matching
// tool (BM25) or writes an answer from the tool results; same request, same answer.
#pragma once

#include <memory>

#include "llm/provider.h"

namespace oc::llm {

// Behaviour, for a request whose last message is
//  - a user message, with tools offered and tool_choice not none: calls the tool whose name,
//    description and schema descriptions best match the question (ties → the first; auto with
//    no match at all → answers text instead). Arguments: the question for each required string
//    property (or the first string property when none is required); required numbers 0,
//    booleans false, enums their first value.
//  - a tool result: "Based on <tool>: <result, compact, ~2000 chars>" per trailing result;
//    search results ({"search_results": [...]}) become "<title>: <text> [^index]" for the top
//    result and those scoring at least half as well (at most 3), so the answer cites them.
//  - otherwise: says it is the offline model and has no tool for the question.
// Text streams as several deltas. Usage is chars/4. metadata = {"offline": true, "model":
// "offline"}.
std::unique_ptr<Provider> MakeOfflineProvider();

}  // namespace oc::llm
