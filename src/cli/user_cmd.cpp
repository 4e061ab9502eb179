#include "cli/user_cmd.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>

#include "auth/authenticator.h"
#include "cli/token_cmd.h"
#include "common/clock.h"
#include "store/system_store.h"

namespace oc::cli {
namespace {

// A PEM public key is a few hundred bytes; anything this large is the wrong file.
constexpr long kMaxKeyFileBytes = 64 * 1024;

struct UserFlags {
    std::string data_dir = "./cortex-data";
    std::string name;
    std::string role = auth::kDefaultRole;
    std::string public_key_file;
};

Result<std::string> ReadKeyFile(const std::string& path) {
    auto unreadable = [&](const std::string& why) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "cannot read public key file " + path + ": " + why);
    };
    FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return unreadable(std::strerror(errno));
    std::string text;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
        text.append(buf, n);
        if (text.size() > static_cast<size_t>(kMaxKeyFileBytes)) break;
    }
    const bool failed = std::ferror(f) != 0;
    std::fclose(f);
    if (failed) return unreadable("read error");
    if (text.size() > static_cast<size_t>(kMaxKeyFileBytes)) return unreadable("file too large");
    return text;
}

void RunCreate(const UserFlags& f, int& exit_code) {
    std::optional<std::string> pem;
    if (!f.public_key_file.empty()) {
        auto text = ReadKeyFile(f.public_key_file);
        if (!text) return ReportError(text.error(), exit_code);
        pem = std::move(*text);
    }
    auto session = OpenAdminSession(f.data_dir, true);
    if (!session) return ReportError(session.error(), exit_code);
    std::optional<std::string_view> pem_view;
    if (pem) pem_view = *pem;
    auto user = (*session)->auth->CreateUser(f.name, f.role, pem_view);
    if (!user) return ReportError(user.error(), exit_code);
    if (user->public_key_fp) std::printf("%s\n", user->public_key_fp->c_str());
}

void RunList(const UserFlags& f, int& exit_code) {
    auto session = OpenAdminSession(f.data_dir, false);
    if (!session) return ReportError(session.error(), exit_code);
    auto users = (*session)->auth->ListUsers();
    if (!users) return ReportError(users.error(), exit_code);
    for (const store::UserRecord& u : *users) {
        std::printf("%s\t%s\t%s\t%s\n", u.name.c_str(), u.default_role.c_str(),
                    u.public_key_fp ? u.public_key_fp->c_str() : "-",
                    FormatIsoMillis(u.created_on).c_str());
    }
}

}  // namespace

void AddUserCommand(CLI::App& root, int& exit_code) {
    auto flags = std::make_shared<UserFlags>();
    CLI::App* user = root.add_subcommand("user", "Manage users");
    user->require_subcommand(1);

    CLI::App* create = user->add_subcommand(
        "create", "Create a user; prints the key fingerprint when --public-key is given");
    create->add_option("name", flags->name, "User name (an identifier; unquoted = upper case)")
        ->required();
    create->add_option("--public-key", flags->public_key_file,
                       "RSA public key PEM file for key-pair JWT authentication");
    create->add_option("--role", flags->role, "Default role")->capture_default_str();
    create->add_option("--data-dir", flags->data_dir, "Data directory")->capture_default_str();
    create->callback([flags, &exit_code] { RunCreate(*flags, exit_code); });

    CLI::App* list = user->add_subcommand("list", "List users");
    list->add_option("--data-dir", flags->data_dir, "Data directory")->capture_default_str();
    list->callback([flags, &exit_code] { RunList(*flags, exit_code); });
}

}  // namespace oc::cli
