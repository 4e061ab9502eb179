// Layout (integers little-endian; "var" = LEB128 varint; strings = var length + bytes):
//   "OCSEARCH"  u32 format version  u32 tokenizer version  string search column
//   var column count, per column: string name, u8 ColumnKind
//   i64 data timestamp (ms)  u64 source rows
//   var document count, per document: u64 key, u64 content hash, var length, string row JSON
//   var term count, per term: string term, var postings, per posting: var doc delta, var tf
//   string embedding identity ("" = none), var dimensions (0 = none), and when dimensions > 0
//   per document (in document order): u8 present, then that many f32 (IEEE-754 bits as u32)
//   u64 FNV-1a 64 of every preceding byte
#include "tools/search/index_file.h"

#include <algorithm>
#include <bit>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/text.h"
#include "tools/search/tokenizer.h"

namespace oc::tools::search {
namespace {

constexpr char kMagic[8] = {'O', 'C', 'S', 'E', 'A', 'R', 'C', 'H'};

uint64_t Fnv1a(std::string_view bytes) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

class Writer {
public:
    void Fixed(uint64_t v, int bytes) {
        for (int i = 0; i < bytes; ++i) out_ += static_cast<char>((v >> (8 * i)) & 0xFF);
    }
    void Var(uint64_t v) {
        while (v >= 0x80) {
            out_ += static_cast<char>((v & 0x7F) | 0x80);
            v >>= 7;
        }
        out_ += static_cast<char>(v);
    }
    void Str(std::string_view s) {
        Var(s.size());
        out_.append(s);
    }
    std::string& out() { return out_; }

private:
    std::string out_;
};

class Reader {
public:
    explicit Reader(std::string_view in) : in_(in) {}
    bool Fixed(int bytes, uint64_t* v) {
        if (in_.size() - pos_ < static_cast<size_t>(bytes)) return false;
        *v = 0;
        for (int i = 0; i < bytes; ++i) *v |= uint64_t{static_cast<unsigned char>(in_[pos_ + i])} << (8 * i);
        pos_ += bytes;
        return true;
    }
    bool Var(uint64_t* v) {
        *v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos_ >= in_.size()) return false;
            auto b = static_cast<unsigned char>(in_[pos_++]);
            *v |= uint64_t{b & 0x7Fu} << shift;
            if (!(b & 0x80)) return true;
        }
        return false;
    }
    bool Str(std::string* s) {
        uint64_t n = 0;
        if (!Var(&n) || in_.size() - pos_ < n) return false;
        s->assign(in_.substr(pos_, n));
        pos_ += n;
        return true;
    }
    bool Done() const { return pos_ == in_.size(); }

private:
    std::string_view in_;
    size_t pos_ = 0;
};

Error Corrupt(const std::string& path, const std::string& why) {
    return MakeError(ErrorCode::kFailedPrecondition, "search index " + path + " unusable: " + why);
}

void WriteEmbeddings(Writer& w, const InvertedIndex& index) {
    size_t dims = 0;
    for (const IndexedDoc& doc : index.docs()) {
        if (doc.live && !doc.embedding.empty()) dims = doc.embedding.size();
    }
    w.Str(dims ? index.embedding_identity() : "");
    w.Var(dims);
    if (dims == 0) return;
    for (const IndexedDoc& doc : index.docs()) {
        if (!doc.live) continue;
        const bool present = doc.embedding.size() == dims;
        w.Fixed(present ? 1 : 0, 1);
        if (!present) continue;
        for (float x : doc.embedding) w.Fixed(std::bit_cast<uint32_t>(x), 4);
    }
}

void WriteBody(Writer& w, const InvertedIndex& index, const IndexFileMeta& meta) {
    w.out().append(kMagic, sizeof(kMagic));
    w.Fixed(kIndexFormatVersion, 4);
    w.Fixed(kTokenizerVersion, 4);
    w.Str(index.search_column());
    w.Var(meta.columns.size());
    for (const ColumnInfo& c : meta.columns) {
        w.Str(c.name);
        w.Fixed(static_cast<uint8_t>(c.kind), 1);
    }
    w.Fixed(static_cast<uint64_t>(meta.data_timestamp_ms), 8);
    w.Fixed(meta.source_rows, 8);
    std::vector<uint32_t> remap(index.docs().size(), 0);
    w.Var(index.live_count());
    uint32_t next = 0;
    for (uint32_t d = 0; d < index.docs().size(); ++d) {
        const IndexedDoc& doc = index.docs()[d];
        if (!doc.live) continue;
        remap[d] = next++;
        w.Fixed(doc.key, 8);
        w.Fixed(doc.content_hash, 8);
        w.Var(doc.length);
        w.Str(DumpJson(doc.row));
    }
    std::vector<const std::string*> terms;
    for (const auto& [term, list] : index.postings()) terms.push_back(&term);
    std::sort(terms.begin(), terms.end(), [](auto* a, auto* b) { return *a < *b; });
    w.Var(terms.size());
    for (const std::string* term : terms) {
        std::vector<Posting> list = index.postings().at(*term);
        for (Posting& p : list) p.doc = remap[p.doc];
        std::sort(list.begin(), list.end(), [](const Posting& a, const Posting& b) { return a.doc < b.doc; });
        w.Str(*term);
        w.Var(list.size());
        uint32_t previous = 0;
        for (const Posting& p : list) {
            w.Var(p.doc - previous);
            w.Var(p.tf);
            previous = p.doc;
        }
    }
    WriteEmbeddings(w, index);
}

bool ReadDocs(Reader& r, InvertedIndex* index, uint64_t* count) {
    if (!r.Var(count)) return false;
    for (uint64_t i = 0; i < *count; ++i) {
        IndexedDoc doc;
        uint64_t length = 0;
        std::string row;
        if (!r.Fixed(8, &doc.key) || !r.Fixed(8, &doc.content_hash) || !r.Var(&length) || !r.Str(&row)) {
            return false;
        }
        auto parsed = ParseJson(row);
        if (!parsed || !parsed->is_object()) return false;
        doc.length = static_cast<uint32_t>(length);
        doc.live = true;
        doc.row = std::move(*parsed);
        index->AppendStored(std::move(doc));
    }
    return true;
}

bool ReadPostings(Reader& r, InvertedIndex* index, uint64_t doc_count) {
    uint64_t terms = 0;
    if (!r.Var(&terms)) return false;
    for (uint64_t t = 0; t < terms; ++t) {
        std::string term;
        uint64_t n = 0;
        if (!r.Str(&term) || !r.Var(&n) || n > doc_count) return false;
        std::vector<Posting> list(n);
        uint64_t doc = 0;
        for (Posting& p : list) {
            uint64_t delta = 0, tf = 0;
            if (!r.Var(&delta) || !r.Var(&tf)) return false;
            doc += delta;
            if (doc >= doc_count) return false;
            p = {static_cast<uint32_t>(doc), static_cast<uint32_t>(tf)};
        }
        index->AppendPostings(std::move(term), std::move(list));
    }
    return true;
}

bool ReadEmbeddings(Reader& r, InvertedIndex* index, uint64_t doc_count) {
    std::string identity;
    uint64_t dims = 0;
    if (!r.Str(&identity) || !r.Var(&dims) || dims > (1u << 16)) return false;
    index->set_embedding_identity(dims ? identity : "");
    if (dims == 0) return true;
    for (uint64_t d = 0; d < doc_count; ++d) {
        uint64_t present = 0;
        if (!r.Fixed(1, &present) || present > 1) return false;
        if (!present) continue;
        std::vector<float> v(dims);
        for (float& x : v) {
            uint64_t bits = 0;
            if (!r.Fixed(4, &bits)) return false;
            x = std::bit_cast<float>(static_cast<uint32_t>(bits));
        }
        index->SetEmbedding(static_cast<uint32_t>(d), std::move(v));
    }
    return true;
}

}  // namespace

Status SaveIndexFile(const std::string& path, const InvertedIndex& index, const IndexFileMeta& meta) {
    Writer w;
    WriteBody(w, index, meta);
    w.Fixed(Fnv1a(w.out()), 8);
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    if (ec) return MakeError(ErrorCode::kUnavailable, "cannot create " + fs::path(path).parent_path().string() + ": " + ec.message());
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(w.out().data(), static_cast<std::streamsize>(w.out().size()));
        out.flush();
        if (!out) return MakeError(ErrorCode::kUnavailable, "cannot write " + tmp);
    }
    fs::rename(tmp, path, ec);
    if (ec) return MakeError(ErrorCode::kUnavailable, "cannot rename " + tmp + ": " + ec.message());
    return {};
}

Result<std::unique_ptr<InvertedIndex>> LoadIndexFile(const std::string& path,
                                                     const std::string& search_column,
                                                     IndexFileMeta* meta) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kNotFound, "no search index at " + path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string bytes = buffer.str();
    if (bytes.size() < sizeof(kMagic) + 8 + 8 || bytes.compare(0, sizeof(kMagic), kMagic, sizeof(kMagic)) != 0) {
        return Corrupt(path, "not an index file");
    }
    std::string_view body(bytes.data(), bytes.size() - 8);
    Reader tail(std::string_view(bytes).substr(bytes.size() - 8));
    uint64_t checksum = 0;
    if (!tail.Fixed(8, &checksum) || checksum != Fnv1a(body)) return Corrupt(path, "checksum mismatch");
    Reader r(body.substr(sizeof(kMagic)));
    uint64_t format = 0, tokenizer = 0, n_columns = 0, timestamp = 0;
    std::string column;
    if (!r.Fixed(4, &format) || format != kIndexFormatVersion) return Corrupt(path, "format version");
    if (!r.Fixed(4, &tokenizer) || tokenizer != kTokenizerVersion) return Corrupt(path, "tokenizer version");
    if (!r.Str(&column) || column != search_column) return Corrupt(path, "different search column");
    if (!r.Var(&n_columns)) return Corrupt(path, "truncated");
    meta->columns.clear();
    for (uint64_t i = 0; i < n_columns; ++i) {
        ColumnInfo c;
        uint64_t kind = 0;
        if (!r.Str(&c.name) || !r.Fixed(1, &kind) || kind > static_cast<uint64_t>(ColumnKind::kOther)) {
            return Corrupt(path, "bad column list");
        }
        c.kind = static_cast<ColumnKind>(kind);
        meta->columns.push_back(std::move(c));
    }
    if (!r.Fixed(8, &timestamp) || !r.Fixed(8, &meta->source_rows)) return Corrupt(path, "truncated");
    meta->data_timestamp_ms = static_cast<int64_t>(timestamp);
    auto index = std::make_unique<InvertedIndex>(search_column);
    uint64_t docs = 0;
    if (!ReadDocs(r, index.get(), &docs)) return Corrupt(path, "bad document section");
    if (!ReadPostings(r, index.get(), docs)) return Corrupt(path, "bad postings section");
    if (!ReadEmbeddings(r, index.get(), docs) || !r.Done()) return Corrupt(path, "bad embeddings section");
    index->Restore();
    return index;
}

namespace {

// One path segment for a stored name: percent-encoded, and never "." or "..".
std::string PathSegment(const std::string& name) {
    std::string s = PercentEncode(name);
    if (s == "." || s == "..") return s == "." ? "%2E" : "%2E%2E";
    return s;
}

}  // namespace

std::string IndexFilePath(const std::string& data_dir, const std::string& db,
                          const std::string& schema, const std::string& name) {
    namespace fs = std::filesystem;
    return (fs::path(data_dir) / "search" / PathSegment(db) / PathSegment(schema) /
            (PercentEncode(name) + ".idx"))
        .string();
}

}  // namespace oc::tools::search
