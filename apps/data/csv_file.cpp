#include "apps/data/csv_file.h"

#include <csv.h>

#include <fstream>
#include <iterator>

#include "tensor/error.h"

namespace uflow::app {
namespace {

struct Records {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> current;
};

void on_field(void* text, size_t len, void* data) {
  static_cast<Records*>(data)->current.emplace_back(static_cast<const char*>(text), len);
}

void on_record(int, void* data) {
  auto* r = static_cast<Records*>(data);
  r->rows.push_back(std::move(r->current));
  r->current.clear();
}

int no_spaces(unsigned char) {
  return 0;
}

}  // namespace

std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  UFLOW_CHECK(f, path, ": cannot read the file");
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  csv_parser p;
  UFLOW_CHECK(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) == 0, path, ": cannot start the parser");
  csv_set_space_func(&p, no_spaces);
  Records r;
  const size_t used = csv_parse(&p, text.data(), text.size(), on_field, on_record, &r);
  const bool ok = used == text.size() && csv_fini(&p, on_field, on_record, &r) == 0;
  const int err = csv_error(&p);
  csv_free(&p);
  UFLOW_CHECK(ok, path, ": not valid CSV after record ", r.rows.size(), " (", csv_strerror(err),
              "; fields with commas, quotes or line breaks must be in double quotes, quotes "
              "inside them doubled)");
  return r.rows;
}

std::string csv_quoted(const std::string& text) {
  std::string out(2 * text.size() + 2, '\0');  // every character doubled at most, plus quotes
  out.resize(csv_write(out.data(), out.size(), text.data(), text.size()));
  return out;
}

}  // namespace uflow::app
