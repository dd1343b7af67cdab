#include "apps/cli/args.h"

#include <cstdio>
#include <sstream>

#include "tensor/error.h"

namespace uflow::app {

Args::Args(std::string command, std::string summary)
    : command_(std::move(command)), summary_(std::move(summary)) {}

Args& Args::option(const std::string& name, const std::string& value_name,
                   const std::string& default_value, const std::string& help) {
  opts_.push_back({name, {value_name, default_value, help, false}});
  values_[name] = default_value;
  return *this;
}

Args& Args::flag(const std::string& name, const std::string& help) {
  opts_.push_back({name, {"", "", help, true}});
  return *this;
}

Args& Args::epilog(const std::string& text) {
  epilog_ = text;
  return *this;
}

Args& Args::positional(const std::string& name, const std::string& help, bool required) {
  positionals_.push_back({name, {help, required}});
  return *this;
}

Args& Args::positional_list(const std::string& name, const std::string& help, bool required) {
  positional(name, help + " (one or more)", required);
  list_name_ = name;
  return *this;
}

bool Args::parse(const std::vector<std::string>& args) {
  size_t next_positional = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::printf("%s", help().c_str());
      return false;
    }
    if (a.rfind("--", 0) == 0) {
      std::string name = a.substr(2), value;
      const size_t eq = name.find('=');
      const bool inline_value = eq != std::string::npos;
      if (inline_value) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      const Opt* opt = nullptr;
      for (const auto& [n, o] : opts_)
        if (n == name) opt = &o;
      UFLOW_CHECK(opt, "unknown option --", name, " (see uflow ", command_, " --help)");
      if (opt->is_flag) {
        UFLOW_CHECK(!inline_value, "option --", name, " takes no value");
        given_[name] = true;
        continue;
      }
      if (!inline_value) {
        UFLOW_CHECK(i + 1 < args.size(), "option --", name, " needs a value <", opt->value_name,
                    ">");
        value = args[++i];
      }
      values_[name] = value;
      given_[name] = true;
      continue;
    }
    if (next_positional == positionals_.size() && !list_name_.empty()) {
      lists_[list_name_].push_back(a);  // a further value of the list
      continue;
    }
    UFLOW_CHECK(next_positional < positionals_.size(), "unexpected argument '", a, "' (see uflow ",
                command_, " --help)");
    if (positionals_[next_positional].first == list_name_) lists_[list_name_].push_back(a);
    values_[positionals_[next_positional].first] = a;
    given_[positionals_[next_positional].first] = true;
    ++next_positional;
  }
  for (size_t p = next_positional; p < positionals_.size(); ++p)
    UFLOW_CHECK(!positionals_[p].second.second, "missing argument <", positionals_[p].first,
                "> (see uflow ", command_, " --help)");
  return true;
}

std::string Args::str(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::string() : it->second;
}

std::vector<std::string> Args::list(const std::string& name) const {
  auto it = lists_.find(name);
  return it == lists_.end() ? std::vector<std::string>() : it->second;
}

int64_t Args::integer(const std::string& name) const {
  const std::string v = str(name);
  try {
    size_t used = 0;
    const long long x = std::stoll(v, &used);
    if (used == v.size()) return x;
  } catch (...) {
  }
  UFLOW_FAIL("option --", name, " expects an integer, got '", v, "'");
}

double Args::real(const std::string& name) const {
  const std::string v = str(name);
  try {
    size_t used = 0;
    const double x = std::stod(v, &used);
    if (used == v.size()) return x;
  } catch (...) {
  }
  UFLOW_FAIL("option --", name, " expects a number, got '", v, "'");
}

int64_t Args::integer(const std::string& name, IntRange range) const {
  const int64_t v = integer(name);
  UFLOW_CHECK(range.contains(v), "option --", name, ": ", v, " is out of range ", range.str());
  return v;
}

double Args::real(const std::string& name, RealRange range) const {
  const double v = real(name);
  UFLOW_CHECK(range.contains(v), "option --", name, ": '", str(name),
              "' is not a finite number in ", range.str());
  return v;
}

bool Args::has(const std::string& name) const {
  auto it = given_.find(name);
  return it != given_.end() && it->second;
}

std::string Args::help() const {
  std::ostringstream os;
  os << "usage: uflow " << command_;
  for (const auto& [n, p] : positionals_)
    os << (p.second ? " <" : " [<") << n << (p.second ? ">" : ">]")
       << (n == list_name_ ? "..." : "");
  os << " [options]\n\n" << summary_ << "\n";
  if (!positionals_.empty()) os << "\narguments:\n";
  for (const auto& [n, p] : positionals_) os << "  " << n << "\n      " << p.first << "\n";
  os << "\noptions:\n";
  for (const auto& [n, o] : opts_) {
    os << "  --" << n;
    if (!o.is_flag) os << " <" << o.value_name << ">";
    os << "\n      " << o.help;
    if (!o.is_flag && !o.default_value.empty()) os << " (default: " << o.default_value << ")";
    os << "\n";
  }
  os << "  --help\n      show this help\n";
  if (!epilog_.empty()) os << "\n" << epilog_;
  return os.str();
}

}  // namespace uflow::app
