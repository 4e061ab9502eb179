# Third-party dependencies: Debian packages, plus the prebuilt DuckDB from scripts/install-deps.sh.
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system)
find_package(CURL REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(tl-expected REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(CLI11 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)

set(OC_DUCKDB_DIR ${PROJECT_SOURCE_DIR}/third_party/duckdb)
if(NOT EXISTS ${OC_DUCKDB_DIR}/lib/libduckdb.so)
  message(FATAL_ERROR "DuckDB not found in ${OC_DUCKDB_DIR}: run scripts/install-deps.sh")
endif()
add_library(duckdb SHARED IMPORTED GLOBAL)
set_target_properties(duckdb PROPERTIES
  IMPORTED_LOCATION ${OC_DUCKDB_DIR}/lib/libduckdb.so
  IMPORTED_NO_SONAME TRUE
  INTERFACE_INCLUDE_DIRECTORIES ${OC_DUCKDB_DIR}/include)

# Binaries find libduckdb.so next to the build tree and in ../lib when installed.
set(CMAKE_BUILD_RPATH ${OC_DUCKDB_DIR}/lib)
set(CMAKE_INSTALL_RPATH "$ORIGIN/../lib")
