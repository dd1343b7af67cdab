// Writing CSV as RFC 4180 defines it: a field holding a comma, a double quote, CR or LF is
// enclosed in double quotes, and each double quote inside it is doubled. File names may hold
// any of these, and a reader must get them back unchanged.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace uflow::app {

std::string csv_field(std::string_view value);
// The fields, quoted where needed, joined by commas, with a final "\n".
std::string csv_row(const std::vector<std::string>& fields);

}  // namespace uflow::app
