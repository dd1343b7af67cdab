// A small declarative command-line parser: each subcommand declares its options (with help
// text and defaults) and gets --help for free. Unknown options and missing values are errors
// that name the option.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "apps/cli/value_range.h"

namespace uflow::app {

class Args {
 public:
  Args(std::string command, std::string summary);
  // Declarations. `value_name` empty makes a boolean flag.
  Args& option(const std::string& name, const std::string& value_name,
               const std::string& default_value, const std::string& help);
  Args& flag(const std::string& name, const std::string& help);
  // Text printed after the options in --help.
  Args& epilog(const std::string& text);
  Args& positional(const std::string& name, const std::string& help, bool required = true);
  // The last positional, taking every remaining argument (at least one when required).
  Args& positional_list(const std::string& name, const std::string& help, bool required = true);

  // Parses args; returns false when --help was asked (help already printed). Throws
  // uflow::Error with a one-line message on bad input.
  bool parse(const std::vector<std::string>& args);

  std::string str(const std::string& name) const;
  std::vector<std::string> list(const std::string& name) const;  // a positional_list's values
  int64_t integer(const std::string& name) const;
  double real(const std::string& name) const;
  // The same, refusing values outside `range` (and NaN, ±Inf) with a message naming the option.
  int64_t integer(const std::string& name, IntRange range) const;
  double real(const std::string& name, RealRange range) const;
  bool has(const std::string& name) const;  // flag set, or option given on the command line
  std::string help() const;

 private:
  struct Opt {
    std::string value_name, default_value, help;
    bool is_flag = false;
  };
  std::string command_, summary_, epilog_;
  std::vector<std::pair<std::string, Opt>> opts_;
  std::vector<std::pair<std::string, std::pair<std::string, bool>>> positionals_;
  std::map<std::string, std::string> values_;
  std::map<std::string, bool> given_;
  std::string list_name_;  // the positional_list, if any (the last of positionals_)
  std::map<std::string, std::vector<std::string>> lists_;
};

}  // namespace uflow::app
