// Where the filesystem destination keeps its files (reference pipeline.md §11): a local
// directory (a path or file:// URL) or an S3 bucket (s3://bucket[/prefix], also S3-compatible
// stores through `endpoint_url`). Objects are named by `/`-separated keys relative to the
// bucket URL; a put is all-or-nothing (a local file is written aside and renamed; an S3 PUT
// replaces the object whole).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "pipeline/config.h"

namespace oc::pipeline {

class ObjectStore {
public:
    virtual ~ObjectStore() = default;
    // As printed in load_info: file:///abs/path or s3://bucket/prefix.
    virtual std::string url() const = 0;
    // Keys of the objects whose key starts with `prefix` (at any depth), sorted.
    virtual Result<std::vector<std::string>> List(const std::string& prefix) = 0;
    virtual Result<std::string> Get(const std::string& key) = 0;
    virtual Result<bool> Exists(const std::string& key) = 0;
    virtual Status Put(const std::string& key, const std::string& bytes) = 0;
    virtual Status PutFile(const std::string& key, const std::string& local_path) = 0;
    virtual Status Delete(const std::string& key) = 0;
};

// The store for a bucket_url. S3 settings come from `destination.filesystem.credentials`:
// aws_access_key_id, aws_secret_access_key (required), aws_session_token, region_name
// (default us-east-1) and endpoint_url (default https://s3.<region>.amazonaws.com; requests
// are path-style). An unsupported scheme is an error naming it.
Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const std::string& bucket_url,
                                                     const PipelineConfig& config);

}  // namespace oc::pipeline
