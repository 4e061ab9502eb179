// Citations of one agent run (reference agents-api.md §3.4 Annotation, §7.6): search tools hand
// in the documents they returned, numbered run-wide from 1; a finished text block cites the ones
// it uses, which become `response.text.annotation` events and the block's `annotations`.
//   cortex_search → {"type": "cortex_search_citation", "index", "search_result_id", "doc_id",
//                    "doc_title", "text"}
//   web_search    → {"type": "url_citation", "index", "search_result_id", "url", "title", "text"}
//                   ([ours]: the reference has no web citation shape)
#pragma once

#include <string>
#include <vector>

#include "common/json.h"

namespace oc::runtime {

// Used by the run thread only.
class CitationPool {
public:
    // The index the next added citation gets (tools number their results from it).
    int next_index() const { return next_; }
    // Keeps an annotation; its "index" is used when it is a positive integer (and moves
    // next_index past it), else the next index is assigned. Returns the index.
    int Add(Json annotation);
    bool empty() const { return all_.empty(); }
    size_t size() const { return all_.size(); }

    // The annotations a text cites, in order of first citation, each once: markers `[^N]` or
    // `[N]` naming a known index; when the text has no such marker, every citation whose
    // document title (4+ characters), doc id or URL appears in the text (case-insensitive).
    Json Select(const std::string& text) const;

private:
    std::vector<Json> all_;
    int next_ = 1;
};

// The markers `[^N]` / `[N]` of a text, in order (duplicates kept).
std::vector<int> CitationMarkers(const std::string& text);

}  // namespace oc::runtime
