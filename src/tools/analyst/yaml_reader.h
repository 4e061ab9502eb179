// Non-throwing helpers over yaml-cpp for the semantic model parser: typed reads of map keys that
// record an issue (line, column, key path) instead of throwing, and warn about unknown keys.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tools/analyst/semantic_model.h"

namespace oc::tools::analyst {

SourceMark MarkOf(const YAML::Node& node);

// Collects errors and warnings while one document is read.
struct IssueLog {
    std::vector<ModelIssue> errors;
    std::vector<ModelIssue> warnings;

    void Error(SourceMark mark, std::string path, std::string message) {
        errors.push_back({mark, std::move(path), std::move(message)});
    }
    void Warn(SourceMark mark, std::string path, std::string message) {
        warnings.push_back({mark, std::move(path), std::move(message)});
    }
};

// One YAML mapping. Keys outside `known` are warnings; a node that is not a map is an error.
class MapView {
public:
    MapView(IssueLog& log, const YAML::Node& node, std::string path,
            std::span<const std::string_view> known);
    MapView(IssueLog& log, const YAML::Node& node, std::string path,
            std::initializer_list<std::string_view> known)
        : MapView(log, node, std::move(path),
                  std::span<const std::string_view>(known.begin(), known.size())) {}

    bool ok() const { return ok_; }
    SourceMark mark() const { return mark_; }
    const std::string& path() const { return path_; }
    std::string KeyPath(std::string_view key) const;

    // The value of key, or nullopt when the key is absent or its value is null.
    std::optional<YAML::Node> Get(std::string_view key) const;
    // A scalar; "is required" when required and absent or empty.
    std::string Str(std::string_view key, bool required = false) const;
    bool Bool(std::string_view key) const;
    std::optional<int64_t> Int(std::string_view key) const;
    // A sequence of scalars.
    std::vector<std::string> Strs(std::string_view key) const;
    // The elements of a sequence (an error when key holds something else).
    std::vector<YAML::Node> Seq(std::string_view key) const;

private:
    IssueLog& log_;
    std::string path_;
    SourceMark mark_;
    bool ok_ = false;
    std::vector<std::pair<std::string, YAML::Node>> entries_;
};

}  // namespace oc::tools::analyst
