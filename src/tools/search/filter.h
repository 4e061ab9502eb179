// Cortex Search filters (reference agents-api.md §7.3): @eq, @contains, @gte, @lte, @and, @or,
// @not and @primarykey, checked once against the service's columns and then evaluated per row.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "tools/search/column.h"

namespace oc::tools::search {

// What a filter may reference.
struct FilterScope {
    const std::vector<ColumnInfo>* columns = nullptr;  // every column of the service
    std::vector<std::string> attributes;               // ATTRIBUTES columns (stored names)
    std::vector<std::string> primary_key;              // PRIMARY KEY columns; empty = none
};

class Filter {
public:
    // Compiles a filter object; {} or null is the empty filter that matches every row.
    // kInvalidArgument naming the operator or column for: a non-object filter, an unknown or
    // misspelt operator, a column that is not an attribute, and a value of the wrong type for
    // the column (@contains on a non-ARRAY column, a string for a NUMBER, a non-date for a DATE).
    static Result<Filter> Compile(const Json& filter, const FilterScope& scope);

    Filter();
    ~Filter();
    Filter(Filter&&) noexcept;
    Filter& operator=(Filter&&) noexcept;

    bool empty() const;
    // Whether the row (an object keyed by stored column names) passes. A NULL or missing value
    // fails every comparison (it can still pass through @not).
    bool Matches(const Json& row) const;

    struct Node;

private:
    std::unique_ptr<Node> root_;  // null = match everything
};

}  // namespace oc::tools::search
