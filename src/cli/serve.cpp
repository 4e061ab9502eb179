#include "cli/serve.h"

#include <signal.h>

#include <cstdio>
#include <memory>

#include "api/api_router.h"
#include "api/llm_pool.h"
#include "api/pipelines.h"
#include "auth/authenticator.h"
#include "auth/rate_limiter.h"
#include "cli/demo.h"
#include "runtime/data_tools.h"
#include "cli/serve_config.h"
#include "common/log.h"
#include "llm/embeddings.h"
#include "llm/model_registry.h"
#include "net/server.h"
#include "runtime/agent_runner.h"
#include "store/catalog.h"
#include "store/repos/agent_repo.h"
#include "store/repos/feedback_repo.h"
#include "store/repos/thread_repo.h"
#include "store/system_store.h"
#include "tools/search/search_registry.h"
#include "runtime/web_search_tool.h"
#include "tools/web/web_search.h"

namespace oc::cli {
namespace {

struct ServeFlags {
    std::string config_path;
    std::string host, data_dir, log_level;
    int port = -1;
    bool demo = false;
};

// Blocks SIGINT/SIGTERM in every thread (threads inherit the mask) so main can sigwait.
sigset_t BlockStopSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    return set;
}

void PrintDemoBanner(const std::string& url, const std::string& token) {
    std::fprintf(stderr,
                 "\nopencortex demo is ready at %s\n"
                 "  token: %s\n\n"
                 "  export CORTEX_TOKEN=%s\n"
                 "  curl -s -H \"Authorization: Bearer $CORTEX_TOKEN\" %s/api/v2/databases\n"
                 "  curl -s -H \"Authorization: Bearer $CORTEX_TOKEN\" %s/api/v2/databases/DEMO/schemas/PUBLIC/agents\n"
                 "  curl -s -H \"Authorization: Bearer $CORTEX_TOKEN\" %s/api/v2/databases/DEMO/schemas/PUBLIC/agents/SALES_ASSISTANT\n"
                 "  curl -s -H \"Authorization: Bearer $CORTEX_TOKEN\" -H 'Content-Type: application/json' \\\n"
                 "       -d '{\"statement\": \"SELECT region, count(*) FROM customers GROUP BY 1\", \"database\": \"DEMO\", \"schema\": \"PUBLIC\"}' \\\n"
                 "       %s/api/v2/statements\n\n",
                 url.c_str(), token.c_str(), token.c_str(), url.c_str(), url.c_str(), url.c_str(), url.c_str());
}

Status Serve(const ServeFlags& flags) {
    ServeConfig config;
    if (!flags.config_path.empty()) OC_TRY(LoadConfigFile(flags.config_path, &config));
    OC_TRY(ApplyEnvironment(&config));
    if (!flags.host.empty()) config.host = flags.host;
    if (flags.port >= 0) config.port = static_cast<uint16_t>(flags.port);
    if (!flags.data_dir.empty()) config.data_dir = flags.data_dir;
    if (!flags.log_level.empty()) config.log_level = flags.log_level;
    config.demo = flags.demo;
    if (!InitLogging(config.log_level)) {
        return MakeError(ErrorCode::kInvalidArgument, "unknown log level '" + config.log_level + "'");
    }
    sigset_t stop_signals = BlockStopSignals();

    OC_ASSIGN_OR_RETURN(auto store, store::SystemStore::Open({config.data_dir}));
    store::Catalog catalog(*store);
    OC_TRY(catalog.Load());
    store::AgentRepo agents(*store);
    OC_TRY(agents.Load());
    catalog.OnDrop([&agents](const std::string& db, const std::string* schema) { agents.ForgetDropped(db, schema); });
    auth::AuthOptions auth_options;
    auth_options.account = config.account;
    OC_ASSIGN_OR_RETURN(auto authenticator, auth::Authenticator::Open(*store, auth_options));
    auth::RateLimiter rate_limiter(config.rate_limit_per_minute);

    OC_ASSIGN_OR_RETURN(std::string admin_token, authenticator->Bootstrap());
    if (!admin_token.empty()) {
        std::fprintf(stderr, "created user ADMIN (role ACCOUNTADMIN); admin token, shown once:\n%s\n",
                     admin_token.c_str());
    }

    api::Services services;
    services.options.max_body_bytes = config.max_body_bytes;
    services.options.bind_host = config.host;
    services.store = store.get();
    services.catalog = &catalog;
    services.agents = &agents;
    services.authenticator = authenticator.get();
    services.rate_limiter = &rate_limiter;
    // LLM endpoints: the model map of cortex.toml (none = the offline model for every name), a
    // small pool for streamed completions (threads mostly wait on upstream sockets), feedback.
    std::unique_ptr<llm::ModelRegistry> model_registry;
    if (services.models == nullptr) {
        OC_ASSIGN_OR_RETURN(model_registry, llm::ModelRegistry::Load(flags.config_path));
        services.models = model_registry.get();
    }
    api::LlmPool llm_pool(16);
    services.llm_pool = &llm_pool;
    store::FeedbackRepo feedback(*store);
    services.feedback = &feedback;
    // Agent runs and threads: runs execute on the runner's own pool of run threads.
    store::ThreadRepo threads(*store);
    services.threads = &threads;
    // Cortex Search services: definitions and indexes (<data_dir>/search), read after the catalog
    // attached the databases their definitions query.
    tools::search::SearchRegistry search(*store);
    // Vector re-ranking: the [embeddings] provider of cortex.toml (none = BM25 order only).
    OC_ASSIGN_OR_RETURN(std::optional<llm::EmbeddingConfig> embedding_config,
                        llm::LoadEmbeddingConfig(flags.config_path));
    if (embedding_config) {
        OC_ASSIGN_OR_RETURN(std::unique_ptr<llm::EmbeddingProvider> embedder,
                            llm::MakeEmbeddingProvider(std::move(*embedding_config)));
        search.SetEmbedder(std::move(embedder));
    }
    OC_TRY(search.Load());
    catalog.OnDrop([&search](const std::string& db, const std::string* schema) { search.ForgetDropped(db, schema); });
    services.search = &search;
    runtime::ToolEnvironment tool_env;
    tool_env.store = store.get();
    runtime::ToolCatalog tool_catalog = runtime::ToolCatalog::WithBuiltins();
    tool_catalog.Register("cortex_analyst_text_to_sql", runtime::MakeAnalystTool);
    tool_catalog.Register("cortex_search", [&search](const runtime::ToolSpec& spec, const Json& resource,
                                                     const runtime::ToolEnvironment&) {
        return runtime::MakeSearchTool(spec, resource, &search);
    });
    // web_search: the [web_search] backend of cortex.toml (none = the tool says it is not configured).
    OC_ASSIGN_OR_RETURN(tools::web::WebSearchConfig web_search, tools::web::LoadWebSearchConfig(flags.config_path));
    tool_catalog.Register("web_search", [web_search](const runtime::ToolSpec& spec, const Json& resource,
                                                     const runtime::ToolEnvironment&) {
        return runtime::MakeWebSearchTool(spec, resource, web_search);
    });
    runtime::AgentRunner runner(&threads, tool_env, std::move(tool_catalog),
                                {.journal_store = store.get()});
    services.runs = &runner;
    std::string demo_token;
    if (config.demo) {
        OC_TRY(EnsureDemo(*store, catalog, agents, search));
        demo_token = admin_token;
        if (demo_token.empty()) {
            OC_ASSIGN_OR_RETURN(auto created, authenticator->CreateToken("ADMIN", "", std::nullopt, "demo"));
            demo_token = created.secret;
        }
    }
    net::Router router;
    api::ApiRouter api_router(router, services);
    api::RegisterRoutes(api_router);

    net::ServerOptions server_options;
    server_options.host = config.host;
    server_options.port = config.port;
    server_options.io_threads = config.io_threads;
    server_options.worker_threads = config.worker_threads;
    server_options.max_body_bytes = config.max_body_bytes;
    net::Server server(server_options, router, api::TransportError);
    auto log = GetLogger("api");
    server.SetAccessLog([log](const net::HttpRequest& req, int status, int64_t us) {
        log->debug("{} {} {} {:.2f}ms", req.method, req.path, status, us / 1000.0);
    });
    OC_ASSIGN_OR_RETURN(uint16_t port, server.Start());
    std::string host = config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host;
    std::string url = "http://" + host + ":" + std::to_string(port);
    if (config.demo) PrintDemoBanner(url, demo_token);
    // serve.json lets `cortex pipeline run --data-dir` find this server and hand runs to it.
    api::WriteServerFile(config.data_dir, "http://" + (config.host == "0.0.0.0" || config.host == "::" ? std::string("127.0.0.1") : host) + ":" + std::to_string(port));
    std::printf("listening on %s\n", url.c_str());
    std::fflush(stdout);

    int sig = 0;
    sigwait(&stop_signals, &sig);
    GetLogger("cli")->info("signal {} received, shutting down", sig);
    server.Stop();
    api::RemoveServerFile(config.data_dir);
    llm_pool.Shutdown();  // its streams write to the server's connections: stop before ~Server
    runner.Shutdown();    // likewise for agent run streams
    store->Checkpoint();
    return {};
}

}  // namespace

void AddServeCommand(CLI::App& root, int& exit_code) {
    auto flags = std::make_shared<ServeFlags>();
    CLI::App* cmd = root.add_subcommand("serve", "Run the Cortex REST API server");
    cmd->add_option("--host", flags->host, "Address to bind (default 127.0.0.1)");
    cmd->add_option("--port", flags->port, "Port (0 = any free port; default 8080)")->check(CLI::Range(0, 65535));
    cmd->add_option("--data-dir", flags->data_dir, "Data directory (default ./cortex-data)");
    cmd->add_option("--config", flags->config_path, "cortex.toml configuration file")->check(CLI::ExistingFile);
    cmd->add_option("--log-level", flags->log_level, "trace|debug|info|warn|error|off (default info)");
    cmd->add_flag("--demo", flags->demo, "Create the DEMO database, data and demo agent");
    cmd->callback([flags, &exit_code] {
        Status st = Serve(*flags);
        if (!st) {
            std::fprintf(stderr, "error: %s\n", st.error().message.c_str());
            exit_code = 1;
        }
    });
}

}  // namespace oc::cli
