#include "pipeline/sql_load.h"

#include "pipeline/normalize.h"

namespace oc::pipeline {
namespace {

std::string ColumnList(const std::vector<std::string>& cols) {
    std::string list;
    for (const auto& c : cols) list += (list.empty() ? "" : ", ") + QuoteIdent(c);
    return list;
}

// `FROM (...) AS s WHERE <one row per key>`: the rows of `source` deduplicated on `keys` (the
// first of each key), as `s`; conditions may follow with AND.
std::string FirstPerKey(const std::string& source, const std::string& keys) {
    return " FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY " + keys +
           ") AS _dlt_dedup_rn FROM " + source + ") AS s WHERE _dlt_dedup_rn = 1";
}

// The root's chain: the root and its nested tables, those with rows.
std::vector<const PackageTable*> Chain(const NormalizedPackage& package, const PackageTable& root) {
    std::vector<const PackageTable*> chain;
    for (const auto& t : package.tables) {
        if (t.table.root == root.table.name && t.rows > 0) chain.push_back(&t);
    }
    return chain;
}

// Loads a chain into `<dataset>_staging`; on a job
// failure *failed_job names it.
Status StageChain(const SqlLoadOps& ops, const std::string& dataset,
                  const std::vector<const PackageTable*>& chain, std::string* failed_job) {
    const std::string staging = dataset + "_staging";
    OC_TRY(ops.exec("CREATE SCHEMA IF NOT EXISTS " + QuoteIdent(staging)));
    for (const PackageTable* t : chain) {
        OC_TRY(ops.create_staging(staging, t->table.name));
        Status st = ops.load_job(staging, *t);
        if (!st) {
            *failed_job = t->job_id;
            return st;
        }
    }
    return {};
}

// Empties the dataset's tables of a replaced root: the root and every nested table.
Status EmptyReplaced(const SqlLoadOps& ops, const std::string& dataset, const ExistingSchema& existing,
                     const std::string& root) {
    for (const auto& [name, cols] : existing) {
        if (name == root || name.rfind(root + "__", 0) == 0) {
            OC_TRY(ops.exec("DELETE FROM " + QualifiedName(dataset, name)));
        }
    }
    return {};
}

// insert-from-staging: the chain is loaded into staging first (so a failing job leaves the
// dataset untouched before the transaction even rolls back), then the dataset tables are
// emptied and refilled from staging.
Status ReplaceFromStaging(const SqlLoadOps& ops, const std::string& dataset,
                          const NormalizedPackage& package, const ExistingSchema& existing,
                          const PackageTable& root, std::string* failed_job) {
    const std::vector<const PackageTable*> chain = Chain(package, root);
    OC_TRY(StageChain(ops, dataset, chain, failed_job));
    OC_TRY(EmptyReplaced(ops, dataset, existing, root.table.name));
    for (const PackageTable* t : chain) {
        OC_ASSIGN_OR_RETURN(auto cols, ops.table_columns(dataset + "_staging", t->table.name));
        const std::string list = ColumnList(cols);
        OC_TRY(ops.exec("INSERT INTO " + QualifiedName(dataset, t->table.name) + " (" + list +
                        ") SELECT " + list + " FROM " +
                        QualifiedName(dataset + "_staging", t->table.name)));
    }
    return {};
}

Status Scd2Root(const SqlLoadOps& ops, const std::string& dataset, const NormalizedPackage& package,
                const PackageTable& root, const std::vector<const PackageTable*>& chain);

// Loads root's jobs (and its nested tables') into staging, then merges them by strategy:
// delete-insert deletes the dataset rows with the same primary key (and their nested rows) and
// inserts the staged rows, one per key; upsert updates matching roots in place, replaces their
// nested rows and inserts new keys; insert-only inserts only keys the dataset does not have.
Status MergeRoot(const SqlLoadOps& ops, const std::string& dataset,
                 const NormalizedPackage& package, const PackageTable& root,
                 std::string* failed_job) {
    const std::string staging = dataset + "_staging";
    const std::vector<const PackageTable*> chain = Chain(package, root);
    OC_TRY(StageChain(ops, dataset, chain, failed_job));
    if (root.table.merge_strategy == "scd2") return Scd2Root(ops, dataset, package, root, chain);
    std::string keys, on;
    for (const auto& k : root.table.primary_key) {
        keys += (keys.empty() ? "" : ", ") + QuoteIdent(k);
        on +=
            std::string(on.empty() ? "" : " AND ") + "d." + QuoteIdent(k) + " = s." + QuoteIdent(k);
    }
    const std::string dest_root = QualifiedName(dataset, root.table.name);
    const std::string stage_root = QualifiedName(staging, root.table.name);
    const std::string& strategy = root.table.merge_strategy;
    const bool insert_only = strategy == "insert-only";
    // Nested rows of replaced roots go too, also in tables this package has no rows for.
    OC_ASSIGN_OR_RETURN(auto existing, ops.existing_columns());
    for (const auto& [name, cols] : existing) {
        bool has_root_id = false;
        for (const auto& col : cols) has_root_id = has_root_id || col.first == "_dlt_root_id";
        if (insert_only || name.rfind(root.table.name + "__", 0) != 0 || !has_root_id) continue;
        OC_TRY(ops.exec("DELETE FROM " + QualifiedName(dataset, name) +
                        " WHERE _dlt_root_id IN (SELECT d._dlt_id FROM " + dest_root + " d JOIN " +
                        stage_root + " s ON " + on + ")"));
    }
    OC_ASSIGN_OR_RETURN(auto cols, ops.table_columns(dataset, root.table.name));
    const std::string list = ColumnList(cols);
    if (strategy == "upsert" || insert_only) {
        if (!insert_only) {
            std::string set;
            for (const auto& c : cols) {
                set += (set.empty() ? "" : ", ") + QuoteIdent(c) + " = s." + QuoteIdent(c);
            }
            OC_TRY(ops.exec("UPDATE " + dest_root + " AS d SET " + set + " FROM " + stage_root +
                            " AS s WHERE " + on));
        }
        // No dedup of staging: every staged row whose key the dataset lacks goes in.
        OC_TRY(ops.exec("INSERT INTO " + dest_root + " (" + list + ") SELECT " + list + " FROM " +
                        stage_root + " AS s WHERE NOT EXISTS (SELECT 1 FROM " + dest_root +
                        " AS d WHERE " + on + ")"));
    } else {
        OC_TRY(ops.exec("DELETE FROM " + dest_root + " d WHERE EXISTS (SELECT 1 FROM " +
                        stage_root + " s WHERE " + on + ")"));
        OC_TRY(ops.exec("INSERT INTO " + dest_root + " (" + list + ") SELECT " + list +
                        FirstPerKey(stage_root, keys)));
    }
    for (const PackageTable* t : chain) {
        if (t == &root) continue;
        OC_ASSIGN_OR_RETURN(auto ccols, ops.table_columns(dataset, t->table.name));
        const std::string clist = ColumnList(ccols);
        OC_TRY(ops.exec("INSERT INTO " + QualifiedName(dataset, t->table.name) + " (" + clist +
                        ") SELECT " + clist + " FROM " + QualifiedName(staging, t->table.name) +
                        " WHERE _dlt_root_id IN (SELECT _dlt_id FROM " + dest_root +
                        " WHERE _dlt_load_id = " + SqlString(package.load_id) + ")"));
    }
    return {};
}

// scd2 (root _dlt_id = content hash, no _dlt_root_id): retires the active dataset rows whose
// hash is not in the staged extract (_dlt_valid_to = boundary), inserts staged rows whose hash
// has no active row, and nested rows the dataset lacks (their ids derive from the root hash).
Status Scd2Root(const SqlLoadOps& ops, const std::string& dataset, const NormalizedPackage& package,
                const PackageTable& root, const std::vector<const PackageTable*>& chain) {
    const std::string staging = dataset + "_staging";
    const std::string dest_root = QualifiedName(dataset, root.table.name);
    const std::string stage_root = QualifiedName(staging, root.table.name);
    const std::string boundary =
        "CAST(" + SqlString(LoadIdTimestamp(package.load_id)) + " AS TIMESTAMP WITH TIME ZONE)";
    OC_TRY(ops.exec("UPDATE " + dest_root + " SET _dlt_valid_to = " + boundary +
                    " WHERE _dlt_valid_to IS NULL AND _dlt_id NOT IN (SELECT _dlt_id FROM " +
                    stage_root + ")"));
    OC_ASSIGN_OR_RETURN(auto cols, ops.table_columns(dataset, root.table.name));
    const std::string list = ColumnList(cols);
    // Identical records hash alike: one row per hash.
    OC_TRY(ops.exec("INSERT INTO " + dest_root + " (" + list + ") SELECT " + list +
                    FirstPerKey(stage_root, "_dlt_id") + " AND NOT EXISTS (SELECT 1 FROM " +
                    dest_root + " AS d WHERE d._dlt_id = s._dlt_id AND d._dlt_valid_to IS NULL)"));
    for (const PackageTable* t : chain) {
        if (t == &root) continue;
        const std::string dest = QualifiedName(dataset, t->table.name);
        OC_ASSIGN_OR_RETURN(auto ccols, ops.table_columns(dataset, t->table.name));
        const std::string clist = ColumnList(ccols);
        OC_TRY(ops.exec("INSERT INTO " + dest + " (" + clist + ") SELECT " + clist +
                        FirstPerKey(QualifiedName(staging, t->table.name), "_dlt_id") +
                        " AND NOT EXISTS (SELECT 1 FROM " + dest +
                        " AS d WHERE d._dlt_id = s._dlt_id)"));
    }
    return {};
}

}  // namespace

std::string QualifiedName(const std::string& schema, const std::string& table) {
    return QuoteIdent(schema) + "." + QuoteIdent(table);
}

Status WritePackageTables(const SqlLoadOps& ops, const std::string& dataset,
                          const NormalizedPackage& package, std::string* failed_job) {
    OC_ASSIGN_OR_RETURN(auto existing, ops.existing_columns());
    const bool staged = ops.replace_strategy != "truncate-and-insert";
    for (const auto& t : package.tables) {
        if (!t.table.parent.empty() || t.table.write_disposition != "replace") continue;
        if (staged && t.rows > 0) {
            OC_TRY(ReplaceFromStaging(ops, dataset, package, existing, t, failed_job));
        } else {
            OC_TRY(EmptyReplaced(ops, dataset, existing, t.table.name));
        }
    }
    for (const auto& t : package.tables) {
        if (!t.table.parent.empty() || t.rows == 0) continue;
        if (staged && t.table.write_disposition == "replace") continue;  // done above
        if (t.table.write_disposition == "merge" &&
            (!t.table.primary_key.empty() || t.table.merge_strategy == "scd2")) {
            OC_TRY(MergeRoot(ops, dataset, package, t, failed_job));
            continue;
        }
        for (const auto& c : package.tables) {
            if (c.table.root != t.table.name || c.rows == 0) continue;
            Status st = ops.load_job(dataset, c);
            if (!st) {
                *failed_job = c.job_id;
                return st;
            }
        }
    }
    return {};
}

}  // namespace oc::pipeline
