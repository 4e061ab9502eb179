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

# Start-up (issue 7): `cortex` loads few shared libraries at start. toml++ is compiled into
# oc_common (src/common/toml_impl.cpp) rather than linked; yaml-cpp and zlib are linked from their
# static archives when the -dev packages ship them; DuckDB, libcurl, libpq and libcrypto are
# opened on first use (src/common/dynamic_library.h).
set_property(TARGET PkgConfig::TOMLPP PROPERTY INTERFACE_LINK_LIBRARIES "")
find_library(OC_YAML_CPP_STATIC NAMES libyaml-cpp.a)
if(OC_YAML_CPP_STATIC)
  set_target_properties(yaml-cpp PROPERTIES IMPORTED_LOCATION ${OC_YAML_CPP_STATIC}
                                            IMPORTED_LOCATION_NONE ${OC_YAML_CPP_STATIC})
endif()
find_library(OC_ZLIB_STATIC NAMES libz.a)
if(OC_ZLIB_STATIC AND NOT TARGET ZLIB::ZLIB)
  add_library(ZLIB::ZLIB STATIC IMPORTED)  # FindZLIB keeps an existing ZLIB::ZLIB
  set_target_properties(ZLIB::ZLIB PROPERTIES IMPORTED_LOCATION ${OC_ZLIB_STATIC})
endif()

# RE2 (the code agent's Grep) from libre2-dev's static archive: not a shared library at start.
find_library(OC_RE2_STATIC NAMES libre2.a)
find_path(OC_RE2_INCLUDE re2/re2.h)
if(NOT OC_RE2_STATIC OR NOT OC_RE2_INCLUDE)
  message(FATAL_ERROR "RE2 not found (libre2-dev): run scripts/install-deps.sh")
endif()
add_library(oc_re2 STATIC IMPORTED GLOBAL)
set_target_properties(oc_re2 PROPERTIES IMPORTED_LOCATION ${OC_RE2_STATIC}
                                        INTERFACE_INCLUDE_DIRECTORIES ${OC_RE2_INCLUDE}
                                        INTERFACE_LINK_LIBRARIES Threads::Threads)

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
