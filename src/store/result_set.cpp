#include "store/result_set.h"

#include "store/duckdb_api.h"

#include "store/duckdb/column_renderer.h"
#include "store/duckdb/connection.h"

namespace oc::store {
namespace {

// Owns a data chunk from duckdb_fetch_chunk.
class Chunk {
public:
    explicit Chunk(duckdb_data_chunk c) : chunk_(c) {}
    ~Chunk() {
        if (chunk_) duckdb_destroy_data_chunk(&chunk_);
    }
    Chunk(const Chunk&) = delete;
    Chunk& operator=(const Chunk&) = delete;
    explicit operator bool() const { return chunk_ != nullptr; }
    duckdb_data_chunk get() const { return chunk_; }

private:
    duckdb_data_chunk chunk_;
};

std::vector<ColumnRenderer> ReadColumns(QueryResult& result) {
    std::vector<ColumnRenderer> columns;
    for (idx_t c = 0; c < result.ColumnCount(); ++c) {
        duckdb_logical_type type = duckdb_column_logical_type(result.raw(), c);
        columns.emplace_back(result.ColumnName(c), ReadTypeInfo(type));
        duckdb_destroy_logical_type(&type);
    }
    return columns;
}

// A synthetic NUMBER(19,0) count column, never null.
Json CountColumn(const char* name) {
    Json j = Json::object();
    j["name"] = name;
    j["database"] = "";
    j["schema"] = "";
    j["table"] = "";
    j["nullable"] = false;
    j["byteLength"] = nullptr;
    j["length"] = nullptr;
    j["type"] = "fixed";
    j["scale"] = 0;
    j["precision"] = 19;
    j["collation"] = nullptr;
    return j;
}

// Appends the cells of one chunk; fails once the rendered cells pass max_bytes.
Status AppendChunk(const std::vector<ColumnRenderer>& columns, duckdb_data_chunk chunk,
                   size_t max_bytes, RenderedResult* out) {
    idx_t size = duckdb_data_chunk_get_size(chunk);
    std::vector<duckdb_vector> vectors;
    std::vector<uint64_t*> masks;
    for (idx_t c = 0; c < columns.size(); ++c) {
        vectors.push_back(duckdb_data_chunk_get_vector(chunk, c));
        masks.push_back(duckdb_vector_get_validity(vectors.back()));
    }
    std::string error;
    for (idx_t r = 0; r < size; ++r) {
        Row row(columns.size());
        out->data_bytes += 3;  // brackets and comma of the row
        for (idx_t c = 0; c < columns.size(); ++c) {
            if (masks[c] && !duckdb_validity_row_is_valid(masks[c], r)) {
                out->data_bytes += 5;
                continue;
            }
            std::string text;
            if (!columns[c].Render(vectors[c], r, &text, &error)) {
                return MakeError(ErrorCode::kInvalidArgument, error, "100040", 422);
            }
            out->data_bytes += text.size() + 3;
            row[c] = std::move(text);
        }
        out->rows.push_back(std::move(row));
        if (out->data_bytes > max_bytes) {
            return MakeError(ErrorCode::kResourceExhausted,
                             "Result set too large: more than " + std::to_string(max_bytes) +
                                 " bytes of data; add a LIMIT or select fewer columns.",
                             "391908", 422);
        }
    }
    return {};
}

}  // namespace

Result<RenderedResult> RenderRows(QueryResult& result, size_t max_bytes) {
    std::vector<ColumnRenderer> columns = ReadColumns(result);
    RenderedResult out;
    for (const ColumnRenderer& c : columns) out.row_type.push_back(c.RowType());
    out.data_bytes = 2;
    while (true) {
        Chunk chunk(duckdb_fetch_chunk(*result.raw()));
        if (!chunk) break;
        if (duckdb_data_chunk_get_size(chunk.get()) == 0) break;
        OC_TRY(AppendChunk(columns, chunk.get(), max_bytes, &out));
    }
    return out;
}

RenderedResult RenderRowCount(ResultShape shape, int64_t rows) {
    RenderedResult out;
    std::string count = std::to_string(rows);
    out.stats = Json::object();
    switch (shape) {
        case ResultShape::kInserted:
            out.row_type.push_back(CountColumn("number of rows inserted"));
            out.rows.push_back({count});
            out.stats["numRowsInserted"] = rows;
            break;
        case ResultShape::kUpdated:
            out.row_type.push_back(CountColumn("number of rows updated"));
            out.row_type.push_back(CountColumn("number of multi-joined rows updated"));
            out.rows.push_back({count, std::string("0")});
            out.stats["numRowsUpdated"] = rows;
            break;
        case ResultShape::kDeleted:
            out.row_type.push_back(CountColumn("number of rows deleted"));
            out.rows.push_back({count});
            out.stats["numRowsDeleted"] = rows;
            break;
        default:
            out.row_type.push_back(CountColumn("number of rows affected"));
            out.rows.push_back({count});
            out.stats = nullptr;
            break;
    }
    out.data_bytes = 8 + count.size() * out.row_type.size();
    return out;
}

RenderedResult RenderStatus(std::string_view column, std::string_view message, bool nullable) {
    RenderedResult out;
    Json j = Json::object();
    j["name"] = column;
    j["database"] = "";
    j["schema"] = "";
    j["table"] = "";
    j["nullable"] = nullable;
    j["byteLength"] = 16777216;
    j["length"] = 16777216;
    j["type"] = "text";
    j["scale"] = nullptr;
    j["precision"] = nullptr;
    j["collation"] = nullptr;
    out.row_type.push_back(std::move(j));
    out.rows.push_back({std::string(message)});
    out.data_bytes = message.size() + 6;
    return out;
}

}  // namespace oc::store
