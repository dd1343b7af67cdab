#include "apps/commands/evaluation.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "apps/data/csv_file.h"
#include "metrics/iou.h"
#include "metrics/pro.h"
#include "metrics/roc.h"

namespace uflow::app {
namespace {

std::string num(std::optional<double> v) {
  if (!v) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", *v);
  return buf;
}

}  // namespace

EvalResult evaluate(const std::vector<Prediction>& preds) {
  EvalResult r;
  r.images = static_cast<int64_t>(preds.size());
  UFLOW_CHECK(!preds.empty(), "evaluation: no test images");
  const int64_t T = preds[0].anomaly_map.size(-1);
  r.size = T;
  const size_t ppi = static_cast<size_t>(T * T);
  std::vector<float> img_scores, pix_scores, nfa;
  std::vector<uint8_t> img_labels, pix_labels;
  img_scores.reserve(preds.size());
  pix_scores.reserve(preds.size() * ppi);
  nfa.reserve(preds.size() * ppi);
  pix_labels.reserve(preds.size() * ppi);
  for (const Prediction& p : preds) {
    img_scores.push_back(static_cast<float>(p.score));
    img_labels.push_back(p.sample.anomalous ? 1 : 0);
    r.anomalous += p.sample.anomalous;
    const float* a = p.anomaly_map.data<float>();
    const float* n = p.neg_log_nfa.data<float>();
    const float* g = p.ground_truth.data<float>();
    pix_scores.insert(pix_scores.end(), a, a + ppi);
    nfa.insert(nfa.end(), n, n + ppi);
    for (size_t i = 0; i < ppi; ++i) pix_labels.push_back(g[i] > 0.5f ? 1 : 0);
  }
  try {
    r.image_auroc = metrics::auroc(img_scores, img_labels);
    r.image_roc = metrics::roc_curve(img_scores, img_labels);
  } catch (const Error& e) {
    r.notes.push_back(std::string("image AUROC undefined: ") + e.what());
  }
  std::vector<Sample> samples;
  for (const Prediction& p : preds) samples.push_back(p.sample);
  if (!has_pixel_labels(samples)) {
    r.notes.push_back(
        "pixel metrics n/a: the test set has image labels only (no masks), so pixel AUROC, "
        "AUPRO and mIoU are not computed");
    return r;
  }
  try {
    r.pixel_auroc = metrics::auroc(pix_scores, pix_labels);
    r.pixel_roc = metrics::thin_curve(metrics::roc_curve(pix_scores, pix_labels), 400);
    r.aupro = metrics::aupro(pix_scores, pix_labels, {preds.size(), size_t(T), size_t(T)});
  } catch (const Error& e) {
    r.notes.push_back(std::string("pixel metrics undefined: ") + e.what());
  }
  // The reference detects where log10 NFA < 0, i.e. −log10 NFA > 0.
  r.miou_nfa = metrics::miou_at_threshold(nfa, pix_labels, ppi, 0.0);
  if (std::find(pix_labels.begin(), pix_labels.end(), 1) != pix_labels.end()) {
    const metrics::MiouOracle o = metrics::miou_oracle(nfa, pix_labels, ppi);
    r.miou_oracle = o.miou;
    r.oracle_threshold = o.threshold;
  } else {
    r.notes.push_back(
        "oracle mIoU undefined: no test pixel is anomalous (good images only, or empty masks)");
  }
  return r;
}

namespace {

constexpr const char* kMetricsHeader =
    "category,images,anomalous_images,image_auroc,pixel_auroc,aupro_0.3,miou_nfa0,miou_oracle,"
    "miou_oracle_threshold";

std::string csv_num(std::optional<double> v) {
  return v ? num(v) : "n/a";
}

std::optional<double> parse_num(const std::string& text, const std::string& where) {
  if (text == "n/a") return std::nullopt;
  try {
    size_t used = 0;
    const double x = std::stod(text, &used);
    if (used == text.size()) return x;
  } catch (...) {
  }
  UFLOW_FAIL(where, ": '", text, "' is neither a number nor n/a");
}

}  // namespace

std::string metrics_csv(const std::vector<std::pair<std::string, EvalResult>>& rows) {
  std::string out = std::string(kMetricsHeader) + "\n";
  for (const auto& [name, r] : rows)
    out += csv_quoted(name) + "," + std::to_string(r.images) + "," + std::to_string(r.anomalous) +
           "," + csv_num(r.image_auroc) + "," + csv_num(r.pixel_auroc) + "," + csv_num(r.aupro) +
           "," + csv_num(r.miou_nfa) + "," + csv_num(r.miou_oracle) + "," +
           csv_num(r.oracle_threshold) + "\n";
  return out;
}

std::vector<std::pair<std::string, EvalResult>> read_metrics_csv(const std::string& path) {
  const auto rows = read_csv(path);
  std::string header;
  for (size_t i = 0; !rows.empty() && i < rows[0].size(); ++i)
    header += (i ? "," : "") + rows[0][i];
  UFLOW_CHECK(header == kMetricsHeader, path, ": not a uflow metrics.csv (header ", header, ")");
  std::vector<std::pair<std::string, EvalResult>> out;
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& f = rows[i];
    const std::string where = path + ": row " + std::to_string(i + 1);
    UFLOW_CHECK(f.size() == 9, where, " has ", f.size(), " fields, expected 9");
    EvalResult r;
    const auto count = [&](const std::string& t) {
      const std::optional<double> v = parse_num(t, where);
      UFLOW_CHECK(v && *v >= 0 && *v == static_cast<int64_t>(*v), where, ": '", t,
                  "' is not a count");
      return static_cast<int64_t>(*v);
    };
    r.images = count(f[1]);
    r.anomalous = count(f[2]);
    r.image_auroc = parse_num(f[3], where);
    r.pixel_auroc = parse_num(f[4], where);
    r.aupro = parse_num(f[5], where);
    r.miou_nfa = parse_num(f[6], where);
    r.miou_oracle = parse_num(f[7], where);
    r.oracle_threshold = parse_num(f[8], where);
    out.push_back({f[0], r});
  }
  return out;
}

std::string eval_json(const std::string& category, const EvalResult& r) {
  std::ostringstream os;
  os << "{\n  \"category\": \"" << category << "\",\n"
     << "  \"images\": " << r.images << ",\n  \"anomalous_images\": " << r.anomalous << ",\n"
     << "  \"image_auroc\": " << num(r.image_auroc) << ",\n"
     << "  \"pixel_auroc\": " << num(r.pixel_auroc) << ",\n"
     << "  \"aupro_0.3\": " << num(r.aupro) << ",\n"
     << "  \"miou_nfa0\": " << num(r.miou_nfa) << ",\n"
     << "  \"miou_oracle\": " << num(r.miou_oracle) << ",\n"
     << "  \"miou_oracle_threshold\": " << num(r.oracle_threshold) << ",\n"
     << "  \"evaluation_size\": " << r.size << "\n}\n";
  return os.str();
}

}  // namespace uflow::app
