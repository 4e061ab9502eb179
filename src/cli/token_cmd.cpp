#include "cli/token_cmd.h"

#include <cstdio>
#include <filesystem>
#include <optional>
#include <utility>

#include "auth/authenticator.h"
#include "common/clock.h"
#include "store/system_store.h"

namespace oc::cli {
namespace {

constexpr const char* kDefaultDataDir = "./cortex-data";
// Longest accepted --expires-in: 100 years keeps epoch milliseconds far from overflow.
constexpr int64_t kMaxDurationSeconds = 100LL * 365 * 24 * 3600;
constexpr std::pair<char, int64_t> kUnits[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};

struct TokenFlags {
    std::string data_dir = kDefaultDataDir;
    std::string user;
    std::string role;
    std::string expires_in;
    std::string name;
    std::string id;
};

bool IsLockError(const std::string& message) {
    return message.find("Could not set lock") != std::string::npos ||
           message.find("Conflicting lock") != std::string::npos;
}

std::string OrDash(const std::optional<std::string>& s) { return s && !s->empty() ? *s : "-"; }

void RunCreate(const TokenFlags& f, int& exit_code) {
    std::optional<int64_t> expires_in;
    if (!f.expires_in.empty()) {
        auto seconds = ParseDurationSeconds(f.expires_in);
        if (!seconds) return ReportError(seconds.error(), exit_code);
        expires_in = *seconds;
    }
    auto session = OpenAdminSession(f.data_dir, false);
    if (!session) return ReportError(session.error(), exit_code);
    auto token = (*session)->auth->CreateToken(f.user, f.role, expires_in, f.name);
    if (!token) return ReportError(token.error(), exit_code);
    std::printf("%s\n", token->secret.c_str());
}

void RunList(const TokenFlags& f, int& exit_code) {
    auto session = OpenAdminSession(f.data_dir, false);
    if (!session) return ReportError(session.error(), exit_code);
    auto tokens = (*session)->auth->ListTokens();
    if (!tokens) return ReportError(tokens.error(), exit_code);
    for (const store::TokenRecord& t : *tokens) {
        const std::string expires = t.expires_at ? FormatIsoMillis(*t.expires_at) : "never";
        std::printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.id.c_str(), t.user_name.c_str(),
                    t.role.c_str(), FormatIsoMillis(t.created_on).c_str(), expires.c_str(),
                    t.revoked ? "revoked" : "active", OrDash(t.name).c_str());
    }
}

void RunRevoke(const TokenFlags& f, int& exit_code) {
    auto session = OpenAdminSession(f.data_dir, false);
    if (!session) return ReportError(session.error(), exit_code);
    Status st = (*session)->auth->RevokeToken(f.id);
    if (!st) return ReportError(st.error(), exit_code);
}

}  // namespace

AdminSession::~AdminSession() {
    auth.reset();
    if (store) store->Checkpoint();
}

Result<std::unique_ptr<AdminSession>> OpenAdminSession(const std::string& data_dir, bool create) {
    std::error_code ec;
    if (!create &&
        !std::filesystem::exists(std::filesystem::path(data_dir) / "cortex.duckdb", ec)) {
        return MakeError(ErrorCode::kNotFound,
                         "data dir " + data_dir + " has no cortex.duckdb (wrong --data-dir?)");
    }
    auto session = std::make_unique<AdminSession>();
    auto store = store::SystemStore::Open({data_dir});
    if (!store) {
        if (IsLockError(store.error().message)) {
            return MakeError(ErrorCode::kUnavailable,
                             "data dir " + data_dir +
                                 " is locked by another process (is `cortex serve` running on "
                                 "it?); stop that process and retry");
        }
        return std::move(store).error();
    }
    session->store = std::move(*store);
    OC_ASSIGN_OR_RETURN(session->auth, auth::Authenticator::Open(*session->store));
    return session;
}

Result<int64_t> ParseDurationSeconds(std::string_view text) {
    auto bad = [&] {
        return MakeError(
            ErrorCode::kInvalidArgument,
            "--expires-in must look like 30d, 12h, 90m or 3600s, got '" + std::string(text) + "'");
    };
    if (text.empty()) return bad();
    int64_t unit = 1;
    std::string_view digits = text;
    for (const auto& [suffix, seconds] : kUnits) {
        if (text.back() == suffix) {
            unit = seconds;
            digits.remove_suffix(1);
        }
    }
    if (digits.empty() || digits.size() > 12) return bad();
    int64_t value = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return bad();
        value = value * 10 + (c - '0');
    }
    if (value <= 0 || value > kMaxDurationSeconds / unit) return bad();
    return value * unit;
}

void ReportError(const Error& error, int& exit_code) {
    std::fprintf(stderr, "error: %s\n", error.message.c_str());
    exit_code = 1;
}

void AddTokenCommand(CLI::App& root, int& exit_code) {
    auto flags = std::make_shared<TokenFlags>();
    CLI::App* token = root.add_subcommand("token", "Manage programmatic access tokens");
    token->require_subcommand(1);

    CLI::App* create = token->add_subcommand(
        "create", "Create a token and print it once (only its hash is stored)");
    create->add_option("--user", flags->user, "User the token authenticates as")->required();
    create->add_option("--role", flags->role, "Role of the token (default: the user's role)");
    create->add_option("--expires-in", flags->expires_in, "Lifetime: 30d, 12h, 90m, 3600s");
    create->add_option("--name", flags->name, "Label shown by `token list`");
    create->add_option("--data-dir", flags->data_dir, "Data directory")->capture_default_str();
    create->callback([flags, &exit_code] { RunCreate(*flags, exit_code); });

    CLI::App* list = token->add_subcommand("list", "List tokens (never their secrets)");
    list->add_option("--data-dir", flags->data_dir, "Data directory")->capture_default_str();
    list->callback([flags, &exit_code] { RunList(*flags, exit_code); });

    CLI::App* revoke = token->add_subcommand("revoke", "Revoke a token by id");
    revoke->add_option("id", flags->id, "Token id (see `token list`)")->required();
    revoke->add_option("--data-dir", flags->data_dir, "Data directory")->capture_default_str();
    revoke->callback([flags, &exit_code] { RunRevoke(*flags, exit_code); });
}

}  // namespace oc::cli
