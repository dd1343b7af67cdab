// CSV files as RFC 4180 defines them (quoted fields may hold commas, doubled quotes and line
// breaks), through libcsv: read in strict mode (spaces belong to the fields), and written
// with text fields always quoted.
#pragma once
#include <string>
#include <vector>

namespace uflow::app {

// The records of the file, each its fields; empty lines are skipped. Throws one line naming
// the file when it cannot be read or is not well-formed CSV.
std::vector<std::vector<std::string>> read_csv(const std::string& path);
// The text as one quoted field: "a,""b""" for a,"b".
std::string csv_quoted(const std::string& text);

}  // namespace uflow::app
