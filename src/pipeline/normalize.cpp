#include "pipeline/normalize.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "pipeline/digest.h"
#include "pipeline/raw_records_impl.h"
#include "pipeline/naming.h"
#include "pipeline/package_io.h"
#include "pipeline/request_template.h"
#include "pipeline/shake128.h"

namespace oc::pipeline {
namespace {

const std::string kDltLoadId = "_dlt_load_id";
const std::string kDltId = "_dlt_id";
const std::string kDltValidFrom = "_dlt_valid_from";
const std::string kDltRootId = "_dlt_root_id";
const std::string kDltParentId = "_dlt_parent_id";
const std::string kDltListIdx = "_dlt_list_idx";

bool Digits(const std::string& s, size_t pos, size_t n) {
    if (pos + n > s.size()) return false;
    for (size_t i = pos; i < pos + n; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
}

Cell CellFromJson(const Json& v) {
    Cell c;
    if (v.is_string()) {
        c.text = v.get<std::string>();
        c.type = IsIsoTimestamp(c.text) ? DataType::kTimestamp : DataType::kText;
    } else if (v.is_boolean()) {
        c.type = DataType::kBool;
        c.b = v.get<bool>();
    } else if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
        c.type = DataType::kDouble;
        c.d = v.get<double>();
    } else if (v.is_number_integer()) {
        c.type = DataType::kBigint;
        c.i = v.get<int64_t>();
    } else if (v.is_number_float()) {
        c.type = DataType::kDouble;
        c.d = v.get<double>();
    } else {
        c.type = DataType::kJson;
        c.text = DumpJson(v);
    }
    return c;
}

// Read-only views of a JSON value for Normalizer::NormalizeRow.
struct JsonView {
    const Json* j;
    bool is_null() const { return j->is_null(); }
    bool is_object() const { return j->is_object(); }
    bool is_array() const { return j->is_array(); }
    template <class F>
    void ForEachField(F&& f) const {
        for (auto it = j->begin(); it != j->end(); ++it)
            f(std::string_view(it.key()), JsonView{&*it});
    }
    template <class F>
    void ForEachItem(F&& f) const {
        for (const auto& e : *j) f(JsonView{&e});
    }
    void ToCell(Cell& c) const { c = CellFromJson(*j); }
    Json ToJson() const { return *j; }
    bool StringField(const char* key, std::string* out) const {
        if (!j->is_object()) return false;
        auto it = j->find(key);
        if (it == j->end() || !it->is_string()) return false;
        *out = it->get<std::string>();
        return true;
    }
};

struct RawView {
    simdjson::dom::element e;
    bool is_null() const { return e.type() == simdjson::dom::element_type::NULL_VALUE; }
    bool is_object() const { return e.type() == simdjson::dom::element_type::OBJECT; }
    bool is_array() const { return e.type() == simdjson::dom::element_type::ARRAY; }
    template <class F>
    void ForEachField(F&& f) const {
        for (simdjson::dom::key_value_pair kv : simdjson::dom::object(e)) {
            f(kv.key, RawView{kv.value});
        }
    }
    template <class F>
    void ForEachItem(F&& f) const {
        for (simdjson::dom::element item : simdjson::dom::array(e)) f(RawView{item});
    }
    void ToCell(Cell& c) const {
        using simdjson::dom::element_type;
        switch (e.type()) {
            case element_type::STRING: {
                std::string_view s(e);
                c.text.assign(s.data(), s.size());
                c.type = IsIsoTimestamp(c.text) ? DataType::kTimestamp : DataType::kText;
                return;
            }
            case element_type::BOOL:
                c.type = DataType::kBool;
                c.b = bool(e);
                return;
            case element_type::INT64:
                c.type = DataType::kBigint;
                c.i = int64_t(e);
                return;
            case element_type::UINT64:
                c = CellFromJson(Json(uint64_t(e)));
                return;
            case element_type::DOUBLE:
                c.type = DataType::kDouble;
                c.d = double(e);
                return;
            default:
                c = CellFromJson(RawElementToJson(e));
        }
    }
    Json ToJson() const { return RawElementToJson(e); }
    bool StringField(const char* key, std::string* out) const {
        if (!is_object()) return false;
        std::string_view s;
        if (simdjson::dom::object(e).at_key(key).get_string().get(s)) return false;
        out->assign(s.data(), s.size());
        return true;
    }
};

std::string CellText(const Cell& c) {
    switch (c.type) {
        case DataType::kBigint:
            return std::to_string(c.i);
        case DataType::kDouble:
            return PyStr(Json(c.d));
        case DataType::kBool:
            return c.b ? "True" : "False";
        default:
            return c.text;
    }
}

// Coerces c into a column of type `to` (reference §7.7); false = needs a variant column.
bool Coerce(Cell& c, DataType to) {
    if (c.type == to) return true;
    switch (to) {
        case DataType::kText:
            c.text = CellText(c);
            break;
        case DataType::kBigint:
            if (c.type == DataType::kDouble && std::floor(c.d) == c.d && std::fabs(c.d) < 9e18) {
                c.i = static_cast<int64_t>(c.d);
            } else if (c.type == DataType::kText && !c.text.empty() &&
                       c.text.find_first_not_of("-0123456789") == std::string::npos) {
                try {
                    c.i = std::stoll(c.text);
                } catch (...) {
                    return false;
                }
            } else {
                return false;
            }
            break;
        case DataType::kDouble:
            if (c.type == DataType::kBigint) {
                c.d = static_cast<double>(c.i);
            } else if (c.type == DataType::kText) {
                char* end = nullptr;
                c.d = std::strtod(c.text.c_str(), &end);
                if (c.text.empty() || *end != '\0') return false;
            } else {
                return false;
            }
            break;
        case DataType::kBool:
            if (c.type == DataType::kText) {
                std::string l;
                for (char ch : c.text)
                    l += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                if (l == "yes" || l == "true" || l == "t" || l == "y" || l == "1")
                    c.b = true;
                else if (l == "no" || l == "false" || l == "f" || l == "n" || l == "0")
                    c.b = false;
                else
                    return false;
            } else if (c.type == DataType::kBigint) {
                c.b = c.i != 0;
            } else if (c.type == DataType::kDouble) {
                c.b = c.d != 0;
            } else {
                return false;
            }
            break;
        case DataType::kTimestamp:
        case DataType::kJson:
            return false;
    }
    c.type = to;
    return true;
}

}  // namespace

const char* DltTypeName(DataType type) {
    switch (type) {
        case DataType::kText:
            return "text";
        case DataType::kBigint:
            return "bigint";
        case DataType::kDouble:
            return "double";
        case DataType::kBool:
            return "bool";
        case DataType::kTimestamp:
            return "timestamp";
        case DataType::kJson:
            return "json";
    }
    return "text";
}

const char* DuckDbTypeName(DataType type) {
    switch (type) {
        case DataType::kText:
            return "VARCHAR";
        case DataType::kBigint:
            return "BIGINT";
        case DataType::kDouble:
            return "DOUBLE";
        case DataType::kBool:
            return "BOOLEAN";
        case DataType::kTimestamp:
            return "TIMESTAMP WITH TIME ZONE";
        case DataType::kJson:
            return "JSON";
    }
    return "VARCHAR";
}

bool IsIsoTimestamp(const std::string& s) {
    if (!Digits(s, 0, 4) || s.size() < 16 || s[4] != '-' || !Digits(s, 5, 2) || s[7] != '-' ||
        !Digits(s, 8, 2) || (s[10] != 'T' && s[10] != ' ') || !Digits(s, 11, 2) || s[13] != ':' ||
        !Digits(s, 14, 2)) {
        return false;
    }
    size_t p = 16;
    if (p < s.size() && s[p] == ':') {
        if (!Digits(s, p + 1, 2)) return false;
        p += 3;
        if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
            ++p;
            size_t start = p;
            while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) ++p;
            if (p == start) return false;
        }
    }
    if (p == s.size()) return true;
    if (s[p] == 'Z' || s[p] == 'z') return p + 1 == s.size();
    if (s[p] != '+' && s[p] != '-') return false;
    if (!Digits(s, p + 1, 2)) return false;
    p += 3;
    if (p == s.size()) return true;
    if (s[p] == ':') ++p;
    return Digits(s, p, 2) && p + 2 == s.size();
}

namespace {

// How root rows get their _dlt_id (reference §7.6).
enum class RootId { kRandom, kKeyHash, kRowHash };

// value with object keys sorted at every level (what json.dumps(sort_keys=True) hashes).
nlohmann::json SortedJson(const Json& value) {
    if (value.is_object()) {
        nlohmann::json out = nlohmann::json::object();
        for (auto it = value.begin(); it != value.end(); ++it) out[it.key()] = SortedJson(*it);
        return out;
    }
    if (value.is_array()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& e : value) out.push_back(SortedJson(e));
        return out;
    }
    return nlohmann::json::parse(DumpJson(value));
}

std::string HashId(const nlohmann::json& sorted) {
    return ShakeBase64(sorted.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), 10);
}

}  // namespace

std::string LoadIdTimestamp(const std::string& load_id) {
    double seconds = 0;
    std::from_chars(load_id.data(), load_id.data() + load_id.size(), seconds);
    const int64_t micros = std::llround(seconds * 1e6);
    std::time_t secs = static_cast<std::time_t>(micros / 1000000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06d+00:00", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(micros % 1000000));
    return buf;
}

struct Normalizer::Ctx {
    const ResourceConfig* res;
    std::string root;
    bool root_key;
    RootId root_id = RootId::kRandom;
    std::vector<std::string> primary_key;  // normalized
    std::string valid_from;                // scd2: _dlt_valid_from of new root versions
};

template <class V>
std::string Normalizer::RootHashId(const Ctx& ctx, V record) {
    if (ctx.root_id == RootId::kRowHash) {
        // The whole record without _dlt* keys.
        nlohmann::json sorted = nlohmann::json::object();
        record.ForEachField([&](std::string_view key, V v) {
            if (key.rfind("_dlt", 0) != 0) sorted[std::string(key)] = SortedJson(v.ToJson());
        });
        return HashId(sorted);
    }
    // The primary-key sub-dict, by normalized column name.
    nlohmann::json sorted = nlohmann::json::object();
    for (const auto& k : ctx.primary_key) sorted[k] = nullptr;
    record.ForEachField([&](std::string_view key, V v) {
        const std::string& norm = NormalizedKey(key);
        for (const auto& k : ctx.primary_key) {
            if (k == norm) sorted[k] = SortedJson(v.ToJson());
        }
    });
    return HashId(sorted);
}

Table& Normalizer::GetTable(const std::string& name, const std::string& parent,
                            const std::string& root) {
    return tables_[TableIndex(name, parent, root)];
}

size_t Normalizer::TableIndex(const std::string& name, const std::string& parent,
                              const std::string& root) {
    auto it = table_index_.find(name);
    if (it != table_index_.end()) return it->second;
    Table t;
    t.name = name;
    t.parent = parent;
    t.root = root;
    auto seeded = seeded_.find(name);
    if (seeded != seeded_.end()) {
        for (const auto& [col, type] : seeded->second) {
            t.column_index[col] = t.columns.size();
            t.columns.push_back({col, type, true});
        }
    }
    table_index_[name] = tables_.size();
    tables_.push_back(std::move(t));
    return tables_.size() - 1;
}

const std::string& Normalizer::NormalizedKey(std::string_view key) {
    auto it = key_cache_.find(key);
    if (it != key_cache_.end()) return it->second;
    std::string norm = NormalizePath(std::string(key));
    if (norm.empty()) norm = "_empty";
    if (max_length_ > 0 && norm.size() > max_length_)
        norm = ShortenIdentifier(std::move(norm), key, max_length_);
    if (key_cache_.size() > 65536) key_cache_.clear();  // data-like keys must not grow it forever
    return key_cache_.emplace(std::string(key), std::move(norm)).first->second;
}

const std::string& Normalizer::ChildTable(size_t table, const std::string& path) {
    for (const auto& [p, name] : tables_[table].child_names) {
        if (p == path) return name;
    }
    std::string child = TablePath(tables_[table].name) + "__" + path;
    if (max_length_ > 0 && child.size() > max_length_) {
        std::string full = std::move(child);
        child = ShortenIdentifier(full, full, max_length_);
        table_path_[child] = std::move(full);
    }
    tables_[table].child_names.emplace_back(path, std::move(child));
    return tables_[table].child_names.back().second;
}

const std::string& Normalizer::TablePath(const std::string& table) const {
    auto it = table_path_.find(table);
    return it == table_path_.end() ? table : it->second;
}

void Normalizer::SeedColumn(const std::string& table, const std::string& column, DataType type) {
    seeded_[table][column] = type;
}

void Normalizer::AddCell(Table& table, std::vector<std::pair<size_t, Cell>>& row,
                         const std::string& name, Cell cell) {
    // Rows of a table mostly repeat the previous row's columns in order: try that first.
    const size_t pos = row.size();
    size_t col;
    if (pos < table.column_hint.size() && table.columns[table.column_hint[pos]].name == name) {
        col = table.column_hint[pos];
    } else {
        auto it = table.column_index.find(name);
        if (it == table.column_index.end()) {
            table.column_index[name] = table.columns.size();
            table.columns.push_back({name, cell.type, true});
            row.emplace_back(table.columns.size() - 1, std::move(cell));
            return;
        }
        col = it->second;
        if (pos < table.column_hint.size())
            table.column_hint[pos] = col;
        else if (pos == table.column_hint.size())
            table.column_hint.push_back(col);
    }
    if (Coerce(cell, table.columns[col].type)) {
        row.emplace_back(col, std::move(cell));
        return;
    }
    // A variant of an already shortened column: the joined name is its own original.
    std::string variant = name + "__v_" + DltTypeName(cell.type);
    if (max_length_ > 0 && variant.size() > max_length_)
        variant = ShortenIdentifier(variant, variant, max_length_);
    AddCell(table, row, variant, std::move(cell));
}

template <class V>
void Normalizer::NormalizeRow(const Ctx& ctx, const std::string& table_name,
                              const std::string& parent, V record, const char* wrap, int level,
                              const std::string& parent_id, int64_t list_idx,
                              const std::string& root_id, const std::string* own_id) {
    // prefix and ListRef::path are unshortened `__` paths: a shortened name hashes them.
    struct Pending {
        std::string prefix;
        V obj;
        int level;
    };
    struct ListRef {
        std::string path;
        V list;
        int level;
    };
    // The row's buffer is the scratch one (kept between rows when streamed: no allocation).
    std::vector<std::pair<size_t, Cell>> row = std::move(row_scratch_);
    row.clear();
    std::vector<ListRef> lists;
    std::vector<Pending> stack;
    // The table may move in tables_ when children are created: it is used by index.
    const size_t tindex = TableIndex(table_name, parent, ctx.root);
    row.reserve(tables_[tindex].columns.size() + 4);
    std::string joined;
    std::string shortened;
    auto field = [&](const std::string& prefix, std::string_view key, V v, int lvl) {
        const std::string& norm = NormalizedKey(key);
        const std::string* path = &norm;
        if (!prefix.empty()) {
            joined.assign(prefix).append("__").append(norm);
            path = &joined;
        }
        if (v.is_null()) return;
        if ((v.is_object() || v.is_array()) && lvl > 0) {
            if (v.is_object())
                stack.push_back({*path, v, lvl - 1});
            else
                lists.push_back({*path, v, lvl - 1});
            return;
        }
        const std::string* name = path;
        if (max_length_ > 0 && path == &joined && joined.size() > max_length_) {
            shortened = ShortenIdentifier(joined, joined, max_length_);
            name = &shortened;
        }
        Cell cell;
        v.ToCell(cell);
        AddCell(tables_[tindex], row, *name, std::move(cell));
    };
    if (wrap == nullptr && !record.is_object()) wrap = "value";
    if (wrap != nullptr) {
        field("", wrap, record, level);
    } else {
        record.ForEachField([&](std::string_view key, V v) { field("", key, v, level); });
    }
    while (!stack.empty()) {
        Pending p = std::move(stack.back());
        stack.pop_back();
        p.obj.ForEachField([&](std::string_view key, V v) { field(p.prefix, key, v, p.level); });
    }
    const bool is_root = parent.empty();
    std::string id;
    if (is_root) {
        // A record's own _dlt_id is kept; merge strategies hash the key or the record.
        if (wrap != nullptr || !record.StringField("_dlt_id", &id)) {
            id = wrap == nullptr && ctx.root_id != RootId::kRandom ? RootHashId(ctx, record)
                                                                    : RandomId();
        }
        AddCell(tables_[tindex], row, kDltLoadId, Cell{DataType::kText, load_id_});
        AddCell(tables_[tindex], row, kDltId, Cell{DataType::kText, id});
        if (!ctx.valid_from.empty()) {
            AddCell(tables_[tindex], row, kDltValidFrom,
                    Cell{DataType::kTimestamp, ctx.valid_from});
            Table& t = tables_[tindex];
            if (t.column_index.find("_dlt_valid_to") == t.column_index.end()) {
                t.column_index["_dlt_valid_to"] = t.columns.size();
                t.columns.push_back({"_dlt_valid_to", DataType::kTimestamp, true});
            }
        }
    } else {
        id = *own_id;  // a nested row's id, hashed by ChildIds with its neighbours
    }
    if (!is_root) {
        if (ctx.root_key)
            AddCell(tables_[tindex], row, kDltRootId, Cell{DataType::kText, root_id});
        AddCell(tables_[tindex], row, kDltParentId, Cell{DataType::kText, parent_id});
        Cell idx{DataType::kBigint, "", list_idx};
        AddCell(tables_[tindex], row, kDltListIdx, idx);
        AddCell(tables_[tindex], row, kDltId, Cell{DataType::kText, id});
    }
    Table& done = tables_[tindex];
    if (stream_jsonl_) {
        AppendRow(done.jsonl, done, row);
        ++done.jsonl_rows;
        row_scratch_ = std::move(row);  // before the nested rows below take it
    } else {
        done.rows.push_back(std::move(row));
    }
    const std::string& root = is_root ? id : root_id;
    for (const auto& l : lists) {
        const std::string child = ChildTable(tindex, l.path);  // tables_ may grow below
        TableIndex(child, table_name, ctx.root);
        // Items go in fours so their ids hash side by side (Shake128x4), in list order.
        int64_t i = 0;
        V batch[4];
        size_t n = 0;
        std::string ids[4];
        auto emit = [&]() {
            ChildIds(id, child, i, n, ids);
            for (size_t k = 0; k < n; ++k, ++i) {
                if (batch[k].is_array()) {
                    NormalizeRow(ctx, child, table_name, batch[k], "list", l.level + 1, id, i,
                                 root, &ids[k]);
                } else {
                    NormalizeRow(ctx, child, table_name, batch[k], nullptr, l.level, id, i, root,
                                 &ids[k]);
                }
            }
            n = 0;
        };
        l.list.ForEachItem([&](V elem) {
            batch[n++] = elem;
            if (n == 4) emit();
        });
        if (n > 0) emit();
    }
}

void Normalizer::ChildIds(const std::string& parent_id, const std::string& table, int64_t first,
                          size_t n, std::string ids[4]) {
    // `<parent_id>_<table>_<index>`, built in place (unused lanes hash a copy of the first).
    const size_t head = parent_id.size() + table.size() + 2;
    std::string input = parent_id + "_" + table + "_";
    input.resize(4 * (head + 20));
    std::string_view views[4];
    for (size_t k = 0; k < 4; ++k) {
        char* at = input.data() + k * (head + 20);
        if (k > 0) std::memcpy(at, input.data(), head);
        char* end = std::to_chars(at + head, at + head + 20,
                                  first + static_cast<int64_t>(k < n ? k : 0))
                        .ptr;
        views[k] = std::string_view(at, static_cast<size_t>(end - at));
    }
    unsigned char bytes[4][10];
    unsigned char* outs[4] = {bytes[0], bytes[1], bytes[2], bytes[3]};
    Shake128x4(views, outs, 10);
    for (size_t k = 0; k < n; ++k) {
        Base64Into(std::string_view(reinterpret_cast<const char*>(bytes[k]), 10), false, ids[k]);
    }
}

template <class V>
void Normalizer::AddRecords(const ResourceConfig& resource, const std::vector<V>& records) {
    Ctx ctx{&resource,
            NormalizePath(resource.table_name.empty() ? resource.name : resource.table_name,
                          max_length_),
            resource.write_disposition == "merge" && resource.merge_strategy != "scd2",
            RootId::kRandom,
            {},
            {}};
    if (resource.write_disposition == "merge") {
        if (resource.merge_strategy == "scd2") {
            ctx.root_id = RootId::kRowHash;
            ctx.valid_from = LoadIdTimestamp(load_id_);
        }
        if (resource.merge_strategy == "upsert" || resource.merge_strategy == "insert-only")
            ctx.root_id = RootId::kKeyHash;
    }
    for (const auto& pk : resource.primary_key) ctx.primary_key.push_back(NormalizePath(pk, max_length_));
    Table& root = GetTable(ctx.root, "", ctx.root);
    root.write_disposition = resource.write_disposition;
    root.merge_strategy = resource.write_disposition == "merge" ? resource.merge_strategy : "";
    root.primary_key = ctx.primary_key;
    for (const V& record : records) {
        NormalizeRow(ctx, ctx.root, "", record, nullptr, resource.max_table_nesting, "", 0, "");
    }
}

void Normalizer::AddResource(const ResourceConfig& resource, const std::vector<Json>& records) {
    std::vector<JsonView> views;
    views.reserve(records.size());
    for (const Json& r : records) views.push_back(JsonView{&r});
    AddRecords(resource, views);
}

void Normalizer::AddResourceRaw(const ResourceConfig& resource, const RawRecords& records) {
    std::vector<RawView> views;
    views.reserve(records.items.size());
    for (const auto& e : records.items) views.push_back(RawView{e});
    AddRecords(resource, views);
}

}  // namespace oc::pipeline
