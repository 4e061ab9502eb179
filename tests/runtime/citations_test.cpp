// Citations: the pool's numbering and selection, and a run where a search-like tool returns
// documents and the answer cites them (annotation events before response.text, repeated in the
// text block's annotations and in the final content).
#include "runtime/citations.h"

#include <gtest/gtest.h>

#include "runtime/orchestrator.h"
#include "scripted_provider.h"
#include "test_util.h"

namespace oc::runtime {
namespace {

using AgentRun = Run;
using testing::Call;
using testing::Payloads;
using testing::ScriptedProvider;

Json Doc(const std::string& id, const std::string& title, int index = 0) {
    Json a = {{"type", "cortex_search_citation"}, {"search_result_id", "cs_" + id}, {"doc_id", id},
              {"doc_title", title}, {"text", title + " text"}};
    if (index > 0) a["index"] = index;
    return a;
}

TEST(CitationMarkers, FindsCaretAndPlainMarkers) {
    EXPECT_EQ(CitationMarkers("a [^1] b [2] c [^x] [] [^12]"), (std::vector<int>{1, 2, 12}));
    EXPECT_TRUE(CitationMarkers("no markers [a] [^]").empty());
}

TEST(CitationPool, NumbersFromOneAndKeepsGivenIndexes) {
    CitationPool pool;
    EXPECT_EQ(pool.next_index(), 1);
    EXPECT_EQ(pool.Add(Doc("A", "Alpha")), 1);
    EXPECT_EQ(pool.Add(Doc("B", "Beta", 5)), 5);
    EXPECT_EQ(pool.next_index(), 6);
    EXPECT_EQ(pool.Add(Doc("C", "Gamma")), 6);
    EXPECT_EQ(pool.size(), 3u);
}

TEST(CitationPool, SelectsMarkedCitationsInOrderOnce) {
    CitationPool pool;
    pool.Add(Doc("A", "Alpha"));
    pool.Add(Doc("B", "Beta"));
    pool.Add(Doc("C", "Gamma"));
    Json cited = pool.Select("Gamma says so [^3], and Alpha [^1]; again [^3]. Unknown [^9].");
    ASSERT_EQ(cited.size(), 2u);
    EXPECT_EQ(cited[0]["doc_id"], "C");
    EXPECT_EQ(cited[0]["index"], 3);
    EXPECT_EQ(cited[1]["doc_id"], "A");
}

TEST(CitationPool, WithoutMarkersCitesDocumentsNamedInTheText) {
    CitationPool pool;
    pool.Add(Doc("POL-1", "Refund policy"));
    pool.Add(Doc("POL-2", "Shipping policy"));
    pool.Add(Json{{"type", "url_citation"}, {"url", "https://example.org/x"}, {"title", "Ex"}});
    Json cited = pool.Select("Per the refund POLICY you have 30 days (see https://example.org/x).");
    ASSERT_EQ(cited.size(), 2u);
    EXPECT_EQ(cited[0]["doc_id"], "POL-1");
    EXPECT_EQ(cited[1]["type"], "url_citation");
    EXPECT_TRUE(pool.Select("Nothing relevant here.").empty());
    EXPECT_TRUE(CitationPool().Select("[^1]").empty());
}

// A tool that returns two documents numbered from the run's next citation index.
class DocsTool : public Tool {
public:
    DocsTool() : Tool(ToolSpec{"cortex_search", "docs", "documents", Json::object({{"type", "object"}})}) {}
    ToolOutput Execute(const Json&, ToolContext& ctx) override {
        ToolOutput out = ToolOutput::JsonResult({{"search_results", Json::array()}});
        out.citations = {Doc("D1", "First doc", ctx.first_citation_index),
                         Doc("D2", "Second doc", ctx.first_citation_index + 1)};
        seen_first.push_back(ctx.first_citation_index);
        return out;
    }
    std::vector<int> seen_first;
};

TEST(Citations, RunEmitsAnnotationEventsBeforeTheCitingText) {
    auto provider = std::make_shared<ScriptedProvider>();
    ToolSet tools;
    tools.tools.push_back(std::make_unique<DocsTool>());
    auto* docs = static_cast<DocsTool*>(tools.tools.back().get());
    provider->Push({.calls = {Call("t1", "docs", {{"query", "q"}})}});
    provider->Push({.calls = {Call("t2", "docs", {{"query", "q2"}})}});
    provider->Push({.text_chunks = {"Answer from the second ", "doc [^2] and the fourth [^4]."}});
    AgentRun run{{"0-1"}};
    RunPlan plan;
    llm::Message q;
    q.text = "question";
    plan.history = {q};
    plan.provider = provider;
    Orchestrator o(std::move(plan), tools, run);
    RunResult r = o.Execute();
    EXPECT_EQ(docs->seen_first, (std::vector<int>{1, 3}));  // the second call continues numbering

    auto names = testing::Names(run);
    auto annotation_at = std::find(names.begin(), names.end(), "response.text.annotation");
    auto text_at = std::find(names.begin(), names.end(), "response.text");
    ASSERT_NE(annotation_at, names.end());
    EXPECT_LT(annotation_at - names.begin(), text_at - names.begin());

    auto events = Payloads(run, "response.text.annotation");
    ASSERT_EQ(events.size(), 2u);
    int text_index = static_cast<int>(r.content.size()) - 1;
    EXPECT_EQ(events[0]["content_index"], text_index);
    EXPECT_EQ(events[0]["annotation_index"], 0);
    EXPECT_EQ(events[0]["annotation"]["index"], 2);
    EXPECT_EQ(events[0]["annotation"]["doc_id"], "D2");
    EXPECT_EQ(events[1]["annotation_index"], 1);
    EXPECT_EQ(events[1]["annotation"]["index"], 4);
    EXPECT_EQ(events[1]["annotation"]["doc_id"], "D2");  // second call's D2 got index 4

    auto text = Payloads(run, "response.text");
    ASSERT_EQ(text.size(), 1u);
    EXPECT_EQ(text[0]["annotations"].size(), 2u);
    EXPECT_EQ(text[0]["annotations"][0], events[0]["annotation"]);
    const Json& item = r.content[text_index];
    EXPECT_EQ(item["type"], "text");
    EXPECT_EQ(item["annotations"], text[0]["annotations"]);
}

}  // namespace
}  // namespace oc::runtime
