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

// The VALUES list of a multi-row insert into run_events.
std::string EventsInsertSql(size_t rows) {
    std::string sql = "INSERT OR IGNORE INTO _cortex.run_events VALUES ";
    for (size_t i = 0; i < rows; ++i) sql += i == 0 ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)";
    return sql;
}

Status BindEvent(store::Prepared& stmt, idx_t first, const std::string& id, const RunEvent& e) {
    OC_TRY(stmt.Bind(first, std::string_view(id)));
    OC_TRY(stmt.Bind(first + 1, e.seq));
    OC_TRY(stmt.Bind(first + 2, std::string_view(e.name)));
    return stmt.Bind(first + 3, std::string_view(e.data));
}

// Inserts the events with two statements prepared once per flush (kRowsPerInsert rows, then
// one row for the tail): preparing a statement costs far more in DuckDB than executing it,
// and a statement per batch let a burst of runs outpace the journal (its backlog held memory).
Status InsertEvents(store::Connection& c, const std::vector<std::string>& ids, const std::vector<RunEvent>& events) {
    size_t i = 0;
    if (events.size() >= kRowsPerInsert) {
        OC_ASSIGN_OR_RETURN(auto batch, c.Prepare(EventsInsertSql(kRowsPerInsert)));
        for (; i + kRowsPerInsert <= events.size(); i += kRowsPerInsert) {
            for (size_t k = 0; k < kRowsPerInsert; ++k) OC_TRY(BindEvent(*batch, 4 * k + 1, ids[i + k], events[i + k]));
            OC_ASSIGN_OR_RETURN(auto result, batch->Execute());
        }
    }
    if (i == events.size()) return {};
    OC_ASSIGN_OR_RETURN(auto one, c.Prepare(EventsInsertSql(1)));
    for (; i < events.size(); ++i) {
        OC_TRY(BindEvent(*one, 1, ids[i], events[i]));
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
    std::vector<std::string> ids;
    std::vector<RunEvent> events;
    for (auto& p : pending) {
        ids.push_back(std::move(p.run_id));
        events.push_back(std::move(p.event));
    }
    return store_.Transaction([&](store::Connection& c) -> Status {
        if (!started.empty()) {
            OC_ASSIGN_OR_RETURN(auto insert, c.Prepare("INSERT OR IGNORE INTO _cortex.runs VALUES"
                                                       " (?, ?, ?, ?, ?, 'in_progress', ?, NULL)"));
            for (const RunIds& r : started) {
                OC_TRY(insert->BindAll(r.run_id, r.user, r.thread_id, r.user_message_id, r.assistant_message_id,
                                       NowMillis()));
                OC_ASSIGN_OR_RETURN(auto result, insert->Execute());
            }
        }
        OC_TRY(InsertEvents(c, ids, events));
        if (!ended.empty()) {
            OC_ASSIGN_OR_RETURN(auto update, c.Prepare("UPDATE _cortex.runs SET status = ?, ended_on = ?,"
                                                       " assistant_message_id = ? WHERE run_id = ?"));
            for (const Ended& e : ended) {
                OC_TRY(update->BindAll(std::string(RunStatusName(e.status)), e.ended_on_ms,
                                       e.ids.assistant_message_id, e.ids.run_id));
                OC_ASSIGN_OR_RETURN(auto result, update->Execute());
            }
        }
        return {};
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
