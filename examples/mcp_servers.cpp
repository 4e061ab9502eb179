// MCP servers: hand the CLI a stdio server and an HTTP server, then print their status.
#include <iostream>

#include <opencortex/opencortex.h>

int main(int argc, char** argv) {
  using namespace opencortex;
  Options options;
  options.model = "offline";
  options.mcp_servers["files"] =
      McpStdioServer{"npx", {"-y", "@modelcontextprotocol/server-filesystem", argc > 1 ? argv[1] : "."}, {}};
  options.mcp_servers["remote"] = McpHttpServer{"http://127.0.0.1:3001/mcp", {}};
  Client client(options);
  client.connect();
  std::cout << client.get_mcp_status().dump(2) << "\n";
}
