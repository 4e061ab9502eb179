// Deterministic corpus for bench/search.sh: support-article-like documents whose words follow a
// Zipf distribution (s = 1.0) over a 20,000-word vocabulary (about 400 real English content words
// at the head, syllable-built words for the long tail), with attribute columns, and queries of
// 1-3 words drawn from the same distribution. Same seed → byte-identical corpus and queries.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace oc::bench {

class SplitMix64 {
public:
    explicit SplitMix64(uint64_t seed) : state_(seed) {}
    uint64_t Next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double Uniform() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
    uint64_t Below(uint64_t n) { return Next() % n; }

private:
    uint64_t state_;
};

inline const std::vector<std::string>& HeadWords() {
    static const std::vector<std::string> words = {
        "order", "refund", "account", "payment", "shipping", "delivery", "return", "customer",
        "product", "service", "support", "price", "invoice", "policy", "warranty", "days", "item",
        "store", "online", "card", "credit", "billing", "address", "email", "password", "login",
        "update", "change", "cancel", "subscription", "plan", "monthly", "annual", "discount",
        "coupon", "code", "offer", "sale", "free", "express", "standard", "international",
        "tracking", "number", "package", "carrier", "warehouse", "stock", "inventory", "size",
        "color", "model", "device", "battery", "charger", "screen", "display", "software",
        "firmware", "install", "setup", "configure", "settings", "network", "wireless",
        "connection", "error", "issue", "problem", "fix", "repair", "replace", "replacement",
        "damaged", "broken", "missing", "late", "early", "fast", "slow", "quality", "material",
        "cotton", "leather", "steel", "plastic", "wood", "glass", "kitchen", "garden", "office",
        "home", "outdoor", "travel", "sports", "fitness", "health", "beauty", "baby", "pet",
        "food", "coffee", "tea", "wine", "book", "music", "movie", "game", "toy", "camera", "phone",
        "laptop", "tablet", "watch", "headphones", "speaker", "television", "printer", "monitor",
        "keyboard", "mouse", "cable", "adapter", "storage", "memory", "drive", "cloud", "backup",
        "security", "privacy", "data", "report", "analytics", "dashboard", "revenue", "region",
        "quarter", "sales", "marketing", "campaign", "manager", "team", "employee", "contract",
        "agreement", "terms", "conditions", "legal", "tax", "fee", "charge", "balance", "bank",
        "transfer", "receipt", "statement", "history", "record", "profile", "preferences",
        "notification", "alert", "message", "chat", "phone", "call", "center", "hours", "weekend",
        "holiday", "season", "winter", "summer", "spring", "autumn", "north", "south", "east",
        "west", "europe", "america", "asia", "africa", "australia", "city", "country", "local",
        "global", "partner", "vendor", "supplier", "manufacturer", "brand", "label", "packaging",
        "box", "bag", "bottle", "container", "pallet", "truck", "train", "flight", "airport",
        "hotel", "booking", "reservation", "ticket", "seat", "upgrade", "loyalty", "points",
        "reward", "member", "membership", "tier", "gold", "silver", "platinum", "status",
        "benefit", "eligible", "eligibility", "request", "approval", "review", "rating", "feedback",
        "survey", "question", "answer", "guide", "manual", "instructions", "tutorial", "video",
        "article", "faq", "help", "contact", "agent", "representative", "ticketing", "escalation",
        "priority", "urgent", "normal", "low", "high", "medium", "large", "small", "extra",
        "premium", "basic", "professional", "enterprise", "business", "personal", "family",
        "student", "teacher", "school", "university", "course", "class", "lesson", "exam",
        "certificate", "license", "key", "activation", "serial", "version", "release", "feature",
        "bug", "patch", "compatibility", "requirement", "system", "windows", "linux", "android",
        "browser", "website", "application", "mobile", "desktop", "server", "database", "query",
        "search", "filter", "sort", "export", "import", "file", "folder", "document", "image",
        "photo", "print", "scan", "copy", "share", "link", "download", "upload", "sync", "restore",
        "reset", "restart", "power", "energy", "solar", "electric", "vehicle", "car", "bike",
        "tire", "engine", "fuel", "oil", "filter", "part", "accessory", "tool", "hardware",
        "furniture", "chair", "table", "desk", "bed", "mattress", "pillow", "blanket", "lamp",
        "light", "bulb", "switch", "socket", "plug", "heater", "cooler", "fan", "air", "water",
        "purifier", "vacuum", "cleaner", "washer", "dryer", "oven", "microwave", "fridge",
        "freezer", "dishwasher", "blender", "mixer", "knife", "pan", "pot", "plate", "cup", "mug",
        "shirt", "dress", "jacket", "coat", "shoes", "boots", "socks", "hat", "gloves", "scarf",
        "jewelry", "ring", "necklace", "bracelet", "earrings", "perfume", "cream", "lotion",
        "shampoo", "soap", "toothbrush", "vitamin", "medicine", "pharmacy", "prescription",
        "insurance", "claim", "coverage", "deductible", "premium", "renewal", "expiry", "expired",
        "valid", "invalid", "verify", "verification", "identity", "document", "passport"};
    return words;
}

// The vocabulary, most frequent first: the head words, then syllable words ("tovaru", ...).
inline std::vector<std::string> Vocabulary(size_t size) {
    std::vector<std::string> vocab;
    for (const std::string& w : HeadWords()) {
        if (std::find(vocab.begin(), vocab.end(), w) == vocab.end()) vocab.push_back(w);
    }
    static const char* kOnsets[] = {"b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "br", "st", "tr", "pl", "gr"};
    static const char* kVowels[] = {"a", "e", "i", "o", "u", "ai", "ea", "ou"};
    SplitMix64 rng(7);
    while (vocab.size() < size) {
        std::string w;
        const int syllables = 2 + static_cast<int>(rng.Below(3));
        for (int s = 0; s < syllables; ++s) {
            w += kOnsets[rng.Below(std::size(kOnsets))];
            w += kVowels[rng.Below(std::size(kVowels))];
        }
        if (rng.Below(2)) w += "n";
        if (std::find(vocab.end() - std::min<size_t>(vocab.size(), 64), vocab.end(), w) == vocab.end())
            vocab.push_back(w);
    }
    vocab.resize(size);
    return vocab;
}

// Draws ranks 0..n-1 with P(r) ∝ 1 / (r + 1)^s.
class Zipf {
public:
    Zipf(size_t n, double s) : cdf_(n) {
        double sum = 0;
        for (size_t r = 0; r < n; ++r) cdf_[r] = (sum += 1.0 / std::pow(static_cast<double>(r + 1), s));
        for (double& c : cdf_) c /= sum;
    }
    size_t Draw(SplitMix64& rng) const {
        auto it = std::lower_bound(cdf_.begin(), cdf_.end(), rng.Uniform());
        return std::min(static_cast<size_t>(it - cdf_.begin()), cdf_.size() - 1);
    }

private:
    std::vector<double> cdf_;
};

struct BenchDoc {
    int64_t id = 0;
    std::string title;
    std::string body;
    std::string category;
    std::string region;
    int64_t year = 0;
    double rating = 0;
};

inline const std::vector<std::string>& Categories() {
    static const std::vector<std::string> c = {"billing", "shipping", "returns", "accounts", "devices", "software",
                                               "home", "travel", "health", "legal", "membership", "kitchen"};
    return c;
}

inline const std::vector<std::string>& Regions() {
    static const std::vector<std::string> r = {"EMEA", "AMER", "APAC", "LATAM", "NORDICS", "DACH", "UKI", "ANZ"};
    return r;
}

struct BenchCorpus {
    std::vector<BenchDoc> docs;
    std::vector<std::string> queries;
};

inline std::string Sentence(const std::vector<std::string>& vocab, const Zipf& zipf, SplitMix64& rng,
                            size_t words) {
    std::string out;
    for (size_t i = 0; i < words; ++i) {
        if (i) out += (rng.Below(12) == 0) ? ", " : " ";
        out += vocab[zipf.Draw(rng)];
    }
    return out;
}

// n_docs documents of 40-160 words (titles 4-8 words) and n_queries queries.
inline BenchCorpus MakeCorpus(size_t n_docs, size_t n_queries, uint64_t seed = 42) {
    const std::vector<std::string> vocab = Vocabulary(20000);
    const Zipf words(vocab.size(), 1.0);
    const Zipf categories(Categories().size(), 0.8);
    SplitMix64 rng(seed);
    BenchCorpus c;
    c.docs.reserve(n_docs);
    for (size_t i = 0; i < n_docs; ++i) {
        BenchDoc d;
        d.id = static_cast<int64_t>(i + 1);
        d.title = Sentence(vocab, words, rng, 4 + rng.Below(5));
        const size_t body_words = 40 + rng.Below(121);
        for (size_t done = 0; done < body_words;) {
            const size_t n = std::min<size_t>(6 + rng.Below(12), body_words - done);
            std::string s = Sentence(vocab, words, rng, n);
            s[0] = static_cast<char>(s[0] >= 'a' && s[0] <= 'z' ? s[0] - 32 : s[0]);
            d.body += (done ? " " : "") + s + ".";
            done += n;
        }
        d.category = Categories()[categories.Draw(rng)];
        d.region = Regions()[rng.Below(Regions().size())];
        d.year = 2014 + static_cast<int64_t>(rng.Below(12));
        d.rating = static_cast<double>(10 + rng.Below(41)) / 10.0;
        c.docs.push_back(std::move(d));
    }
    SplitMix64 qrng(seed ^ 0xABCDEF);
    for (size_t i = 0; i < n_queries; ++i) {
        const size_t n = 1 + qrng.Below(3);
        std::string q;
        for (size_t k = 0; k < n; ++k) q += (k ? " " : "") + vocab[words.Draw(qrng)];
        c.queries.push_back(std::move(q));
    }
    return c;
}

}  // namespace oc::bench
