// `uflow eval`: predicts a category's test set, computes the paper's metrics at 256×256, and
// writes metrics.json and a self-contained report.html. Several categories give per-category
// rows and their mean.
#pragma once
#include <string>
#include <vector>

#include "apps/commands/evaluation.h"
#include "apps/model/predictor.h"
#include "apps/report/html_report.h"

namespace uflow::app {

struct CategoryEval {
  std::string name;
  EvalResult result;
  std::vector<Prediction> predictions;
};

// Evaluates one category's test set with one checkpoint; writes per-image PNGs when
// images_dir is set.
CategoryEval evaluate_category(const Category& cat, const std::string& checkpoint,
                               const std::string& weights_dir, const PredictOptions& opt,
                               const std::string& images_dir);
// The same for the MVTec-style category folder `data`.
CategoryEval evaluate_category(const std::string& data, const std::string& checkpoint,
                               const std::string& weights_dir, const PredictOptions& opt,
                               const std::string& images_dir);
// Builds the report for one or more evaluated categories.
Report build_report(const std::vector<CategoryEval>& evals, const std::string& subtitle,
                    size_t max_rows_per_category = 40);
// Writes metrics.json (all categories) and report.html into out.
void write_eval_outputs(const std::string& out, const std::vector<CategoryEval>& evals,
                        const std::string& subtitle);
// The evaluations written into <runs>/<category>/evaluation/metrics.csv, categories in name
// order (scalar metrics only). Throws naming runs when there is none.
std::vector<CategoryEval> read_run_evaluations(const std::string& runs);
int eval_command(const std::vector<std::string>& args);

}  // namespace uflow::app
