// `uflow predict`: anomaly maps, NFA maps and masks for a folder of images (or an MVTec
// category's test set), with a heat-map overlay PNG per image and scores.csv.
#pragma once
#include <string>
#include <vector>

#include "apps/commands/evaluation.h"

namespace uflow::app {

// Writes <out>/<name>_{overlay,nfa,mask}.png for one prediction (name slashes become '_').
void write_prediction_images(const std::string& out_dir, const Prediction& p);
// scores.csv text for a list of predictions.
std::string scores_csv(const std::vector<Prediction>& preds);
int predict_command(const std::vector<std::string>& args);

}  // namespace uflow::app
