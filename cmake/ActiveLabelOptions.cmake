# Project-wide build options, carried by one INTERFACE target that every other target links.
include_guard(GLOBAL)

option(ACTIVELABEL_BUILD_TESTS "Build the Qt Test suites and benchmarks" ON)
option(ACTIVELABEL_SANITIZE_ADDRESS "Build with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)
option(ACTIVELABEL_SANITIZE_THREAD "Build with ThreadSanitizer" OFF)
set(ACTIVELABEL_APP_ID "invalid.example.activelabel" CACHE STRING "AppStream id / desktop file basename")

set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()

# ccache keeps rebuilds (and CI's fresh-clone build on a warm machine) short. The precompiled
# header needs the sloppiness settings, passed through the launcher so no user config is needed;
# base_dir hashes paths relative to the checkout, so a clone in another folder still hits.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER
      ${CMAKE_COMMAND} -E env CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
      CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}
      ${CCACHE_PROGRAM})
endif()

add_library(activelabel_options INTERFACE)
target_compile_features(activelabel_options INTERFACE cxx_std_17)
target_compile_options(activelabel_options INTERFACE -Wall -Wextra -Wpedantic)
target_compile_definitions(activelabel_options INTERFACE
  # LibTorch uses `slots` as an identifier: use Q_SLOTS / Q_SIGNALS / Q_EMIT everywhere.
  QT_NO_KEYWORDS
  ACTIVELABEL_VERSION="${PROJECT_VERSION}"
  ACTIVELABEL_APP_ID="${ACTIVELABEL_APP_ID}")

# Executables export nothing: see cmake/executable.map (Qt 5, loaded by Debian's LibTorch, bound
# Debug builds' copies of Qt 6 inline functions). GCC only: clang links its sanitizer runtimes
# (the fuzz project's ASan, UBSan and libFuzzer) statically into the executable, which must then
# export their interceptors; the fuzzers do not load torch.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_link_options(activelabel_options INTERFACE
    "$<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:LINKER:--version-script=${CMAKE_CURRENT_LIST_DIR}/executable.map>")
endif()

if(ACTIVELABEL_SANITIZE_ADDRESS)
  target_compile_options(activelabel_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(activelabel_options INTERFACE -fsanitize=address,undefined)
endif()
if(ACTIVELABEL_SANITIZE_THREAD)
  target_compile_options(activelabel_options INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(activelabel_options INTERFACE -fsanitize=thread)
endif()
