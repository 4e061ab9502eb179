// The table-writing steps the SQL destinations (duckdb, postgres) share: replace deletes, the
// staged merge of a root table with its nested tables, and appends. Each destination supplies
// its own statement runner, catalog reads and job loader through SqlLoadOps.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "pipeline/destination.h"

namespace oc::pipeline {

struct SqlLoadOps {
    std::function<Status(const std::string& sql)> exec;
    std::function<Result<ExistingSchema>()> existing_columns;  // of the dataset
    std::function<Result<std::vector<std::string>>(const std::string& schema,
                                                   const std::string& table)>
        table_columns;
    // Creates schema.table empty, with the columns of the dataset's table of that name.
    std::function<Status(const std::string& schema, const std::string& table)> create_staging;
    // Loads the job's rows into schema.<its table>.
    std::function<Status(const std::string& schema, const PackageTable& table)> load_job;
    // truncate-and-insert empties a replaced table and loads into it; insert-from-staging and
    // staging-optimized load `<dataset>_staging` first, then empty and refill from it.
    std::string replace_strategy = "truncate-and-insert";
};

// "schema"."table".
std::string QualifiedName(const std::string& schema, const std::string& table);

// After the dataset tables exist: replaces replace-disposition root tables (and their nested
// tables) by ops.replace_strategy, merges merge-disposition roots with a primary key (or strategy scd2) through
// `<dataset>_staging` by their merge strategy (delete-insert, upsert, insert-only, scd2), and
// appends every other job. On a job failure *failed_job names it.
Status WritePackageTables(const SqlLoadOps& ops, const std::string& dataset,
                          const NormalizedPackage& package, std::string* failed_job);

}  // namespace oc::pipeline
