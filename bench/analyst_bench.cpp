// Cortex Analyst offline SQL generation per question (bench/search.sh): the shop semantic model
// of the tests (tests/tools/analyst/shop_model.h), parsed once; every question answered many
// times through OfflineSqlGenerator::Answer (verified-query match, intent, joins, SQL text).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "shop_model.h"
#include "tools/analyst/offline_sql.h"
#include "tools/analyst/semantic_model.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace analyst = oc::tools::analyst;

const std::vector<std::vector<std::string>> kConversations = {
    {"What is the total revenue by region?"},
    {"turnover from web sales"},
    {"revenue for EMEA and APAC by sales channel"},
    {"revenue excluding web"},
    {"How many customers are in EMEA?"},
    {"number of orders by channel"},
    {"how many distinct regions"},
    {"monthly revenue in 2024"},
    {"top 2 regions by revenue"},
    {"bottom 1 product category by revenue"},
    {"average quantity by region"},
    {"revenue last quarter"},
    {"weekly revenue last month"},
    {"revenue of large orders"},
    {"list client names in EMEA"},
    {"which customer generated the most revenue"},
    {"revenue by region", "what about web?"},
    {"revenue by region", "and by channel"},
    {"what is the weather like tomorrow?"},
};

}  // namespace

int main() {
    auto start = Clock::now();
    auto parsed = analyst::ParseSemanticModel(oc::tools::analyst::testing::kShopModel);
    if (!parsed) {
        std::fprintf(stderr, "model: %s\n", parsed.error().message.c_str());
        return 1;
    }
    const analyst::SemanticModel model = std::move(parsed->model);
    std::printf("analyst.model_parse_us %.1f\n",
                std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    start = Clock::now();
    analyst::OfflineSqlGenerator generator(model, nullptr);
    std::printf("analyst.generator_build_us %.1f\n",
                std::chrono::duration<double, std::micro>(Clock::now() - start).count());

    std::vector<std::vector<analyst::ConversationTurn>> turns;
    for (const auto& questions : kConversations) {
        std::vector<analyst::ConversationTurn> t;
        for (const std::string& q : questions) {
            if (!t.empty()) t.push_back({false, "ok", ""});
            t.push_back({true, q, ""});
        }
        turns.push_back(std::move(t));
    }
    size_t sink = 0, with_sql = 0;
    for (const auto& t : turns) with_sql += generator.Answer(t).sql.empty() ? 0 : 1;
    constexpr int kRounds = 200;
    std::vector<double> us;
    us.reserve(turns.size() * kRounds);
    start = Clock::now();
    for (int r = 0; r < kRounds; ++r) {
        for (const auto& t : turns) {
            const auto q = Clock::now();
            sink += generator.Answer(t).sql.size();
            us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - q).count());
        }
    }
    const double total_s = std::chrono::duration<double>(Clock::now() - start).count();
    std::sort(us.begin(), us.end());
    std::printf("analyst.questions %zu\nanalyst.questions_with_sql %zu\n", turns.size(), with_sql);
    std::printf("analyst.answers_per_s %.0f\n", us.size() / total_s);
    std::printf("analyst.p50_us %.1f\n", us[us.size() / 2]);
    std::printf("analyst.p99_us %.1f\n", us[std::min(us.size() - 1, us.size() * 99 / 100)]);
    std::printf("analyst.max_us %.1f\n", us.back());
    std::printf("sink %zu\n", sink);
    return 0;
}
