#pragma once
// config/xray-tracer-nodejs.json for tests that run it on a loaded machine: the same pattern, but
// every function may run for `timeout` (the shipped file keeps Lambda's 3 s default). A sanitizer
// build beside other tests answers the handlers' SDK calls slowly enough that a 3 s run times out
// and is retried, which is right for the emulator and beside the point of those tests.
#include <chrono>
#include <filesystem>
#include <string>

namespace localray::testing {

// Writes the copy into `dir` (made if missing), with the functions' code folders made absolute,
// and returns its path.
std::string nodejs_pattern_config(const std::filesystem::path& dir, std::chrono::seconds timeout);

}  // namespace localray::testing
