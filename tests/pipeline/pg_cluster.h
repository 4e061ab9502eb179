// A throwaway PostgreSQL 15 cluster for tests: initdb + pg_ctl as an unprivileged user (when
// the test runs as root, `runuser -u nobody`), on a free loopback port with its unix socket dir
// in a temp dir. Every command is bounded by `timeout`; Stop() (also from the destructor) stops
// the server with `-m immediate` and removes the directory.
#pragma once

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace oc::testing {

class PgCluster {
public:
    // Empty when PostgreSQL 15 binaries are missing (the reason is in error()).
    bool Start() {
        bin_ = std::getenv("OC_PG_BIN") != nullptr ? std::getenv("OC_PG_BIN")
                                                   : "/usr/lib/postgresql/15/bin";
        if (!std::filesystem::exists(bin_ + "/initdb") || !std::filesystem::exists(bin_ + "/pg_ctl")) {
            error_ = "PostgreSQL 15 not found in " + bin_ + " (scripts/install-deps.sh installs it)";
            return false;
        }
        std::mt19937_64 rng{std::random_device{}()};
        dir_ = "/tmp/oc_pg_" + std::to_string(rng() % 1000000000ULL);
        std::filesystem::create_directories(dir_);
        if (geteuid() == 0) {
            struct passwd* pw = getpwnam("nobody");
            if (pw == nullptr || chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
                error_ = "cannot hand " + dir_ + " to user nobody";
                return false;
            }
            as_user_ = "runuser -u nobody -- ";
        }
        port_ = FreePort();
        if (!Sh("timeout 120 " + as_user_ + bin_ + "/initdb -D " + dir_ +
                "/data -U postgres -A trust -E UTF8 --locale=C --no-sync > " + dir_ +
                "/initdb.log 2>&1")) {
            error_ = "initdb failed: " + Read(dir_ + "/initdb.log");
            return false;
        }
        if (!Sh("timeout 60 " + as_user_ + bin_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ +
                "/server.log -w -t 30 -o \"-p " + std::to_string(port_) + " -k " + dir_ +
                " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off\" start "
                "> /dev/null 2>&1")) {
            error_ = "pg_ctl start failed: " + Read(dir_ + "/server.log");
            Stop();
            return false;
        }
        started_ = true;
        return true;
    }

    void Stop() {
        if (dir_.empty()) return;
        if (started_ || std::filesystem::exists(dir_ + "/data/postmaster.pid")) {
            Sh("timeout 30 " + as_user_ + bin_ + "/pg_ctl -D " + dir_ +
               "/data -m immediate -w -t 20 stop > /dev/null 2>&1");
        }
        started_ = false;
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
        dir_.clear();
    }

    ~PgCluster() { Stop(); }

    int port() const { return port_; }
    const std::string& error() const { return error_; }
    std::string url() const {
        return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
    }

private:
    static bool Sh(const std::string& cmd) { return std::system(cmd.c_str()) == 0; }
    static std::string Read(const std::string& path) {
        std::ifstream in(path);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    static int FreePort() {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
        socklen_t len = sizeof(addr);
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
        int port = ntohs(addr.sin_port);
        close(fd);
        return port;
    }

    std::string bin_;
    std::string dir_;
    std::string as_user_;
    std::string error_;
    int port_ = 0;
    bool started_ = false;
};

}  // namespace oc::testing
