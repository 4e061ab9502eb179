// The on-disk form of a search service's index: <data_dir>/search/<db>/<schema>/<service>.idx, a
// versioned little-endian binary file (layout in index_file.cpp) written to a temp file and
// renamed, so a crash leaves the previous index or the new one, never half of one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "tools/search/column.h"
#include "tools/search/inverted_index.h"

namespace oc::tools::search {

inline constexpr uint32_t kIndexFormatVersion = 2;  // 2: document embeddings

struct IndexFileMeta {
    std::vector<ColumnInfo> columns;  // every column stored per document, in source order
    int64_t data_timestamp_ms = 0;    // when the source was last read
    uint64_t source_rows = 0;         // rows the source query returned then
};

// Writes the live documents and their postings. Blocks on file I/O.
Status SaveIndexFile(const std::string& path, const InvertedIndex& index, const IndexFileMeta& meta);

// Reads a file written by SaveIndexFile. kNotFound when there is no file; kFailedPrecondition
// when it is corrupt, truncated, of another format or tokenizer version, or indexes another
// search column (the caller then rebuilds from the source).
Result<std::unique_ptr<InvertedIndex>> LoadIndexFile(const std::string& path,
                                                     const std::string& search_column,
                                                     IndexFileMeta* meta);

// The file of a service: data_dir/search/<db>/<schema>/<name>.idx with each name percent-encoded.
std::string IndexFilePath(const std::string& data_dir, const std::string& db,
                          const std::string& schema, const std::string& name);

}  // namespace oc::tools::search
