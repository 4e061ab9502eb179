// The Cortex Analyst semantic model (reference agents-api.md §6.5) and its YAML parser. Every
// problem names the YAML line:column and the key path, and all of them are reported at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace oc::tools::analyst {

// Where a node starts in the YAML text; 1-based, 0 = unknown.
struct SourceMark {
    int line = 0;
    int column = 0;
};

struct BaseTable {
    std::string database;
    std::string schema;
    std::string table;
};

struct SearchServiceRef {
    std::string service;
    std::string literal_column;
    std::string database;
    std::string schema;
};

enum class FieldKind { kDimension, kTimeDimension, kFact, kMetric, kFilter };

// A named expression of a logical table or of the model: dimension, time dimension, fact
// (measures are facts), metric or filter. Fields a kind does not have stay empty.
struct Field {
    FieldKind kind = FieldKind::kDimension;
    std::string name;
    std::string expr;
    std::string data_type;  // dimensions, time dimensions, facts
    std::string description;
    std::vector<std::string> synonyms;
    std::vector<std::string> sample_values;
    bool unique = false;
    bool is_enum = false;
    std::optional<SearchServiceRef> cortex_search_service;
    std::string default_aggregation;  // facts (deprecated): sum, avg, median, min, max, count, ...
    std::string access_modifier;      // facts, metrics: public_access | private_access
    SourceMark mark;
    std::string path;  // key path, e.g. "tables[0].dimensions[2]"
};

struct LogicalTable {
    std::string name;
    std::string description;
    std::vector<std::string> synonyms;
    BaseTable base_table;
    SourceMark base_table_mark;
    std::vector<std::string> primary_key;  // logical column names
    std::vector<Field> dimensions;
    std::vector<Field> time_dimensions;
    std::vector<Field> facts;
    std::vector<Field> metrics;
    std::vector<Field> filters;
    SourceMark mark;
    std::string path;

    // The dimension, time dimension or fact called name (ASCII case-insensitive), or null.
    const Field* FindColumn(std::string_view name) const;
    // Dimensions, time dimensions and facts, in that order.
    std::vector<const Field*> Columns() const;
};

enum class JoinType { kLeftOuter, kInner, kFullOuter, kCross, kRightOuter };
enum class RelationshipType { kManyToOne, kOneToOne, kOneToMany, kManyToMany };

struct ColumnPair {
    std::string left_column;
    std::string right_column;
};

struct Relationship {
    std::string name;
    std::string left_table;
    std::string right_table;
    std::vector<ColumnPair> columns;
    JoinType join_type = JoinType::kLeftOuter;
    RelationshipType relationship_type = RelationshipType::kManyToOne;
    SourceMark mark;
    std::string path;
};

struct VerifiedQuery {
    std::string name;
    std::string question;
    std::string sql;  // over logical names: __<table> (or <table>) and logical columns (§6.4)
    std::optional<int64_t> verified_at;  // epoch seconds
    std::string verified_by;
    bool use_as_onboarding_question = false;
    std::string semantic_model_name;
    SourceMark mark;
    std::string path;
};

struct SemanticModel {
    std::string name;
    std::string description;
    std::vector<LogicalTable> tables;
    std::vector<Relationship> relationships;
    std::vector<VerifiedQuery> verified_queries;
    std::string custom_instructions;
    std::string sql_generation_instructions;           // module_custom_instructions
    std::string question_categorization_instructions;  // module_custom_instructions
    std::vector<std::string> synonyms;                 // model level (semantic view YAML)
    std::vector<Field> metrics;                        // model level: derived metrics across tables

    // The table called name (ASCII case-insensitive), or null.
    const LogicalTable* FindTable(std::string_view name) const;
    // module_custom_instructions.sql_generation wins over custom_instructions.
    const std::string& SqlInstructions() const;
};

struct ModelIssue {
    SourceMark mark;
    std::string path;  // "" for the whole document
    std::string message;

    // "line 12, column 7: tables[0].base_table.table: is required"
    std::string ToString() const;
};

struct ParsedModel {
    SemanticModel model;
    std::vector<ModelIssue> warnings;  // unknown keys, deprecated values: reported, not fatal
};

// The issues one per line, prefixed by what failed.
std::string FormatIssues(std::string_view what, const std::vector<ModelIssue>& issues);

// Parses a semantic model YAML document. On any error: kInvalidArgument whose message is
// "Invalid semantic model:" followed by every error, one per line (FormatIssues).
Result<ParsedModel> ParseSemanticModel(std::string_view yaml);

// The same, handing back the errors as values; *errors is empty on success.
ParsedModel ParseSemanticModel(std::string_view yaml, std::vector<ModelIssue>* errors);

}  // namespace oc::tools::analyst
