#include "runtime/run_journal.h"

#include <algorithm>
#include <chrono>

#include "common/clock.h"
#include "common/log.h"
#include "store/duckdb/connection.h"
#include "store/system_store.h"

namespace oc::runtime {
namespace {

constexpr auto kFlushEvery = std::chrono::milliseconds(200);
constexpr size_t kRowsPerInsert = 32;
constexpr int64_t kKeepRunRowsMs = int64_t{7} * 24 * 3600 * 1000;

RunStatus StatusFromName(const std::string& name) {
    if (name == "completed") return RunStatus::kCompleted;
    if (name == "cancelled") return RunStatus::kCancelled;
    if (name == "in_progress") return RunStatus::kRunning;
    return RunStatus::kFailed;
}

// "(row), (row), ..." with `rows` copies of `row`.
std::string ValuesList(std::string_view row, size_t rows) {
    std::string sql;
    for (size_t i = 0; i < rows; ++i) sql.append(i == 0 ? "" : ", ").append(row);
    return sql;
}

std::string InsertSql(std::string_view table, std::string_view row, size_t rows) {
    return "INSERT OR IGNORE INTO " + std::string(table) + " VALUES " + ValuesList(row, rows);
}

std::string EndRunsSql(size_t rows) {
    return "UPDATE _cortex.runs AS r SET status = v.status, ended_on = v.ended_on, assistant_message_id = v.amid"
           " FROM (VALUES " +
           ValuesList("(?::VARCHAR, ?::VARCHAR, ?::BIGINT, ?::BIGINT)", rows) +
           ") AS v(run_id, status, ended_on, amid) WHERE r.run_id = v.run_id";
}

// Writes `count` rows with two statements prepared once per flush (kRowsPerInsert rows, then
// one row for the tail); sql(n) is the statement for n rows and bind(stmt, first_param, i) binds
// row i from parameter first_param on.
// Preparing costs far more in DuckDB than executing, and a single-row statement per row is
// worse still: a burst of 1000 single-row run inserts in one transaction grew the server by
// ~170 MB of DuckDB memory, the same rows in 32-row statements by a few MB.
template <typename Sql, typename BindRow>
Status WriteBatched(store::Connection& c, Sql sql, idx_t params_per_row, size_t count, BindRow bind) {
    size_t i = 0;
    if (count >= kRowsPerInsert) {
        OC_ASSIGN_OR_RETURN(auto batch, c.Prepare(sql(kRowsPerInsert)));
        for (; i + kRowsPerInsert <= count; i += kRowsPerInsert) {
            for (size_t k = 0; k < kRowsPerInsert; ++k) OC_TRY(bind(*batch, params_per_row * k + 1, i + k));
            OC_ASSIGN_OR_RETURN(auto result, batch->Execute());
        }
    }
    if (i == count) return {};
    OC_ASSIGN_OR_RETURN(auto one, c.Prepare(sql(1)));
    for (; i < count; ++i) {
        OC_TRY(bind(*one, 1, i));
        OC_ASSIGN_OR_RETURN(auto result, one->Execute());
    }
    return {};
}

}  // namespace

RunJournal::RunJournal(store::SystemStore& store, int64_t retention_ms) : store_(store) {
    // Events go at the end of the retention; the small run rows stay a week longer so an
    // expired run still answers 409 rather than 404.
    int64_t cutoff = NowMillis() - retention_ms;
    int64_t forget = cutoff - kKeepRunRowsMs;
    Status st = store_.Transaction([cutoff, forget](store::Connection& c) -> Status {
        OC_TRY(c.ExecuteWith("DELETE FROM _cortex.run_events WHERE run_id IN (SELECT run_id FROM _cortex.runs"
                             " WHERE coalesce(ended_on, started_on) < ?)",
                             cutoff));
        return c.ExecuteWith("DELETE FROM _cortex.runs WHERE coalesce(ended_on, started_on) < ?", forget);
    });
    if (!st) GetLogger("runtime")->warn("run journal cleanup failed: {}", st.error().message);
    writer_ = std::thread([this] { Writer(); });
}

RunJournal::~RunJournal() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    writer_.join();
    Flush();
}

void RunJournal::Track(const std::shared_ptr<Run>& run) {
    {
        std::lock_guard lock(mu_);
        started_.push_back(run->ids());
    }
    Run* raw = run.get();
    std::string id = run->id();
    run->Subscribe(0, {[this, id](const RunEvent& e) {
                           std::lock_guard lock(mu_);
                           events_.push_back({id, e});
                           return true;
                       },
                       [this, raw] {
                           std::lock_guard lock(mu_);
                           ended_.push_back({raw->ids(), raw->status(), raw->finished_at_ms()});
                       }});
}

void RunJournal::Writer() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
        cv_.wait_for(lock, kFlushEvery);
        lock.unlock();
        Flush();
        lock.lock();
    }
}

void RunJournal::Flush() {
    std::lock_guard write(write_mu_);
    std::vector<Pending> events;
    std::vector<RunIds> started;
    std::vector<Ended> ended;
    {
        std::lock_guard lock(mu_);
        events.swap(events_);
        started.swap(started_);
        ended.swap(ended_);
    }
    if (events.empty() && started.empty() && ended.empty()) return;
    Status st = Write(std::move(events), std::move(started), std::move(ended));
    if (!st) GetLogger("runtime")->warn("run journal write failed: {}", st.error().message);
}

Status RunJournal::Write(std::vector<Pending> pending, std::vector<RunIds> started, std::vector<Ended> ended) {
    return store_.Transaction([&](store::Connection& c) -> Status {
        int64_t now = NowMillis();
        auto runs_sql = [](size_t n) { return InsertSql("_cortex.runs", "(?, ?, ?, ?, ?, 'in_progress', ?, NULL)", n); };
        OC_TRY(WriteBatched(c, runs_sql, 6, started.size(),
                             [&](store::Prepared& stmt, idx_t first, size_t i) -> Status {
                                 const RunIds& r = started[i];
                                 OC_TRY(stmt.Bind(first, std::string_view(r.run_id)));
                                 OC_TRY(stmt.Bind(first + 1, std::string_view(r.user)));
                                 OC_TRY(stmt.Bind(first + 2, r.thread_id));
                                 OC_TRY(stmt.Bind(first + 3, r.user_message_id));
                                 OC_TRY(stmt.Bind(first + 4, r.assistant_message_id));
                                 return stmt.Bind(first + 5, now);
                             }));
        auto events_sql = [](size_t n) { return InsertSql("_cortex.run_events", "(?, ?, ?, ?)", n); };
        OC_TRY(WriteBatched(c, events_sql, 4, pending.size(),
                             [&](store::Prepared& stmt, idx_t first, size_t i) -> Status {
                                 const Pending& p = pending[i];
                                 OC_TRY(stmt.Bind(first, std::string_view(p.run_id)));
                                 OC_TRY(stmt.Bind(first + 1, p.event.seq));
                                 OC_TRY(stmt.Bind(first + 2, std::string_view(p.event.name)));
                                 return stmt.Bind(first + 3, std::string_view(p.event.data));
                             }));
        return WriteBatched(c, EndRunsSql, 4, ended.size(), [&](store::Prepared& stmt, idx_t first, size_t i) -> Status {
            const Ended& e = ended[i];
            OC_TRY(stmt.Bind(first, std::string_view(e.ids.run_id)));
            OC_TRY(stmt.Bind(first + 1, RunStatusName(e.status)));
            OC_TRY(stmt.Bind(first + 2, e.ended_on_ms));
            return stmt.Bind(first + 3, e.ids.assistant_message_id);
        });
    });
}

Result<std::optional<JournaledRun>> RunJournal::Load(const std::string& run_id) {
    Flush();
    OC_ASSIGN_OR_RETURN(auto conn, store_.Connect());
    OC_ASSIGN_OR_RETURN(auto head, conn->Prepare(
        "SELECT user_name, thread_id, user_message_id, assistant_message_id, status, ended_on"
        " FROM _cortex.runs WHERE run_id = ?"));
    OC_TRY(head->BindAll(run_id));
    OC_ASSIGN_OR_RETURN(auto row, head->Execute());
    if (row->RowCount() == 0) return std::optional<JournaledRun>();
    JournaledRun run;
    run.ids = {run_id, row->GetInt64(1, 0), row->GetInt64(2, 0), row->GetInt64(3, 0), row->GetString(0, 0)};
    run.status = StatusFromName(row->GetString(4, 0));
    run.ended_on_ms = row->IsNull(5, 0) ? 0 : row->GetInt64(5, 0);
    OC_ASSIGN_OR_RETURN(auto stmt, conn->Prepare(
        "SELECT seq, name, data FROM _cortex.run_events WHERE run_id = ? ORDER BY seq"));
    OC_TRY(stmt->BindAll(run_id));
    OC_ASSIGN_OR_RETURN(auto rows, stmt->Execute());
    for (idx_t r = 0; r < rows->RowCount(); ++r) {
        run.events.push_back({rows->GetInt64(0, r), rows->GetString(1, r), rows->GetString(2, r)});
    }
    return std::optional<JournaledRun>(std::move(run));
}

}  // namespace oc::runtime
