#include "tools/analyst/analyst_engine.h"

#include "tools/analyst/model_validator.h"
#include "tools/analyst/offline_sql.h"
#include "tools/analyst/question_matcher.h"

namespace oc::tools::analyst {
namespace {

constexpr const char* kInterpretation = "This is our interpretation of your question:\n\n";

std::string Trim(std::string s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    size_t e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// What the LLM answered, split into its parts.
struct LlmReply {
    std::string interpretation;
    std::string sql;
    bool unanswerable = false;
    std::string reason;
    std::vector<std::string> suggestions;
};

LlmReply ParseReply(const std::string& text) {
    LlmReply r;
    if (size_t u = text.find("UNANSWERABLE:"); u != std::string::npos) {
        r.unanswerable = true;
        std::string rest = text.substr(u + 13);
        size_t nl = rest.find('\n');
        r.reason = Trim(rest.substr(0, nl));
        while (nl != std::string::npos) {
            size_t next = rest.find('\n', nl + 1);
            std::string line = Trim(
                rest.substr(nl + 1, next == std::string::npos ? std::string::npos : next - nl - 1));
            if (line.rfind("- ", 0) == 0) r.suggestions.push_back(Trim(line.substr(2)));
            nl = next;
        }
        return r;
    }
    if (size_t i = text.find("INTERPRETATION:"); i != std::string::npos) {
        size_t nl = text.find('\n', i);
        r.interpretation =
            Trim(text.substr(i + 15, nl == std::string::npos ? std::string::npos : nl - i - 15));
    }
    size_t fence = text.find("```");
    if (fence == std::string::npos) {
        r.sql = Trim(r.interpretation.empty() ? text : text.substr(text.find('\n') + 1));
        return r;
    }
    size_t body = text.find('\n', fence);
    size_t end = body == std::string::npos ? std::string::npos : text.find("```", body);
    r.sql = Trim(body == std::string::npos
                     ? ""
                     : text.substr(body + 1, end == std::string::npos ? end : end - body - 1));
    return r;
}

llm::Message Turn(llm::Role role, std::string text) {
    llm::Message m;
    m.role = role;
    m.text = std::move(text);
    return m;
}

// Makes the LLM's logical SQL runnable and checks it; "" when fine, else DuckDB's complaint.
// A write is returned as an error instead.
Result<std::string> Check(const AnalystRequest& req, store::Connection& conn,
                          const std::string& logical, std::string* runnable) {
    *runnable = ExpandLogicalSql(*req.model, req.physical, logical);
    Status st = CheckReadOnlySql(conn, *runnable);
    if (st) return std::string();
    if (st.error().code == ErrorCode::kPermissionDenied) return st.error();
    return st.error().message;
}

Result<AnalystAnswer> AskLlm(const AnalystRequest& req, const AnalystLlm& llm_choice,
                             store::Connection& conn, const llm::CancelToken& cancel) {
    const std::string& question = req.conversation.back().text;
    llm::ChatRequest chat;
    chat.model = llm_choice.upstream_model;
    chat.temperature = 0;
    chat.messages.push_back(Turn(llm::Role::kSystem, BuildAnalystPrompt(*req.model, question)));
    for (const ConversationTurn& t : req.conversation) {
        std::string text = t.text;
        if (!t.sql.empty()) text += "\n```sql\n" + t.sql + "\n```";
        chat.messages.push_back(Turn(t.from_user ? llm::Role::kUser : llm::Role::kAssistant, text));
    }
    AnalystAnswer answer;
    for (int attempt = 0; attempt < 2; ++attempt) {
        OC_ASSIGN_OR_RETURN(llm::ChatResult result,
                            llm_choice.provider->Chat(chat, nullptr, cancel));
        LlmReply reply = ParseReply(result.text);
        if (reply.unanswerable || reply.sql.empty()) {
            OfflineSqlGenerator offline(*req.model, req.physical);
            answer.text = reply.reason.empty()
                              ? "I cannot answer this question with the semantic model."
                              : reply.reason;
            answer.suggestions =
                reply.suggestions.empty() ? offline.Suggestions() : reply.suggestions;
            answer.question_category = "AMBIGUOUS";
            return answer;
        }
        std::string runnable;
        OC_ASSIGN_OR_RETURN(std::string problem, Check(req, conn, reply.sql, &runnable));
        if (problem.empty()) {
            answer.text =
                kInterpretation + (reply.interpretation.empty() ? question : reply.interpretation);
            answer.sql = FinishStatement(runnable);
            return answer;
        }
        if (attempt == 1) {
            OfflineSqlGenerator offline(*req.model, req.physical);
            answer.text = "I could not generate valid SQL for this question.";
            answer.suggestions = offline.Suggestions();
            answer.warnings.push_back("The generated SQL did not compile: " + problem);
            answer.question_category = "AMBIGUOUS";
            return answer;
        }
        chat.messages.push_back(Turn(llm::Role::kAssistant, result.text));
        chat.messages.push_back(
            Turn(llm::Role::kUser, "That SQL failed in DuckDB: " + problem +
                                       "\nReply with the corrected query in the same form."));
    }
    return answer;
}

}  // namespace

Result<AnalystAnswer> AnswerQuestion(const AnalystRequest& req, const AnalystLlm& llm_choice,
                                     store::Connection& conn, const llm::CancelToken& cancel) {
    if (!req.model || req.conversation.empty() || !req.conversation.back().from_user) {
        return MakeError(ErrorCode::kInvalidArgument, "the last message must come from the user");
    }
    OfflineSqlGenerator offline(*req.model, req.physical);
    const bool use_llm = llm_choice.provider && llm_choice.provider->kind() != "offline";
    if (use_llm) {
        // A verified query that matches closely answers without the LLM, as Snowflake's VQR does.
        auto ranked = RankVerifiedQueries(*req.model, req.conversation.back().text);
        if (ranked.empty() || ranked[0].score < OfflineOptions{}.verified_query_threshold) {
            return AskLlm(req, llm_choice, conn, cancel);
        }
    }
    AnalystAnswer answer = offline.Answer(req.conversation);
    if (answer.sql.empty()) return answer;
    if (Status st = CheckReadOnlySql(conn, answer.sql); !st) {
        if (st.error().code == ErrorCode::kPermissionDenied) return st.error();
        AnalystAnswer failed;
        failed.text = "I could not generate valid SQL for this question with the semantic model.";
        failed.suggestions = offline.Suggestions();
        failed.warnings.push_back("The generated SQL did not compile: " + st.error().message);
        failed.question_category = "AMBIGUOUS";
        return failed;
    }
    return answer;
}

}  // namespace oc::tools::analyst
