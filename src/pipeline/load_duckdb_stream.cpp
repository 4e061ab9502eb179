// DuckDbDestination's streaming load (stream_load.h): batches are appended in one transaction
// opened by the first batch; tables are created, and columns added, as batches bring them.
#include <map>
#include <memory>

#include "pipeline/jsonl_append.h"
#include "pipeline/load_duckdb.h"
#include "pipeline/package.h"
#include "pipeline/stream_load.h"
#include "store/duckdb/connection.h"

namespace oc::pipeline {
namespace {

// The normalized jsonl waiting for the loader thread (a few flushes).
constexpr size_t kMaxQueuedBytes = 8u << 20;
// DuckDB's buffer pool during a streaming load of the pipeline's own database file: the blocks
// the appends write ahead of the commit otherwise stay cached (~150 MB per 4M rows) while the
// extract's pages are alive too. Set only for the load and reset after it.
constexpr const char* kStreamMemoryLimit = "SET memory_limit = '128MB'";

}  // namespace

// State of one streaming load: used by the loader thread, then by the committing thread.
class DuckDbDestination::Stream {
public:
    explicit Stream(DuckDbDestination& dest) : dest_(dest) {}

    Status Load(const LoadBatch& batch) {
        if (batch.table.write_disposition != "append") {
            return MakeError(ErrorCode::kInternal, "table " + batch.table.name + " does not append");
        }
        OC_TRY(Begin());
        TableState& ts = tables_[batch.table.name];
        if (!ts.appender || ts.columns != batch.table.columns.size()) {
            if (ts.appender) {
                OC_TRY(ts.appender->Close());
                ts.appender.reset();
            }
            OC_TRY(dest_.EnsureTable(dest_.dataset_, batch.table));
            OC_ASSIGN_OR_RETURN(auto cols, dest_.TableColumns(dest_.dataset_, batch.table.name));
            OC_ASSIGN_OR_RETURN(ts.appender,
                                JsonlAppender::Open(dest_.conn_->raw(), dest_.dataset_,
                                                    batch.table.name, cols, naive_utc_));
            if (!ts.appender) {
                return MakeError(ErrorCode::kInternal,
                                 "table " + batch.table.name + " has a column type not appended");
            }
            ts.columns = batch.table.columns.size();
        }
        const std::string& text = batch.jsonl;
        if (text.capacity() - text.size() >= JsonlPadding()) {
            return ts.appender->Append(text.data(), text.size());
        }
        padded_.reserve(text.size() + JsonlPadding());
        padded_.assign(text);
        return ts.appender->Append(padded_.data(), padded_.size());
    }

    Status Commit(const NormalizedPackage& package) {
        for (auto& [name, ts] : tables_) {
            if (ts.appender) OC_TRY(ts.appender->Close());
            ts.appender.reset();
        }
        OC_TRY(Begin());
        OC_TRY(dest_.WriteSystemRows(package));
        ResetMemoryLimit();  // the commit may checkpoint: not under the load's limit
        TestPause("load");
        OC_TRY(dest_.conn_->Execute("COMMIT"));
        begun_ = false;
        return {};
    }

    void Abandon() {
        tables_.clear();
        if (begun_) (void)dest_.conn_->Execute("ROLLBACK");
        begun_ = false;
        ResetMemoryLimit();
    }

private:
    struct TableState {
        std::unique_ptr<JsonlAppender> appender;
        size_t columns = 0;  // columns of the batch the appender was opened for
    };

    Status Begin() {
        if (begun_) return {};
        OC_ASSIGN_OR_RETURN(naive_utc_, dest_.NaiveUtc());
        if (dest_.db_ != nullptr && !limited_) {  // not on a cortex data instance's connection
            OC_TRY(dest_.conn_->Execute(kStreamMemoryLimit));
            limited_ = true;
        }
        OC_TRY(dest_.conn_->Execute("BEGIN TRANSACTION"));
        begun_ = true;
        return dest_.EnsureDataset();
    }

    void ResetMemoryLimit() {
        if (limited_) (void)dest_.conn_->Execute("RESET memory_limit");
        limited_ = false;
    }

    DuckDbDestination& dest_;
    bool begun_ = false;
    bool limited_ = false;  // kStreamMemoryLimit is set
    bool naive_utc_ = false;
    std::map<std::string, TableState> tables_;
    std::string padded_;  // a batch copied with JsonlPadding() spare bytes
};

std::unique_ptr<StreamingLoad> DuckDbDestination::StartStreamingLoad() {
    auto stream = std::make_shared<Stream>(*this);
    StreamingLoadOps ops;
    ops.load = [stream](const LoadBatch& batch) { return stream->Load(batch); };
    ops.commit = [stream](const NormalizedPackage& package) { return stream->Commit(package); };
    ops.abandon = [stream] { stream->Abandon(); };
    return std::make_unique<StreamingLoad>(std::move(ops), kMaxQueuedBytes);
}

}  // namespace oc::pipeline
